"""Branding of a product: its brand name, what its label shows and its packaging, the label and
the packaging each moving through one workflow:

    not-started -> designing -> approved -> in-use
                   designing <- approved, in-use (a redesign)

A label is approved only when it shows every element its category requires (rule data: for food
and beverages the minimum contents of UU 18/2012 Pasal 97); it goes into use only when the
product's legalisation is complete that day, since the label carries the permit number and the
halal logo. Packaging is approved only once described. Each change is kept with who, when, why.
"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from pydantic import BaseModel

from pas_rehabilitation.domain.catalogue import in_force, require_listed
from pas_rehabilitation.domain.permit import Legalisation
from pas_rehabilitation.domain.product import Product, ProductStatus
from pas_shared.errors import FieldError, NotFound, RuleViolation
from pas_shared.events.rehabilitation import BrandingStatusChanged, BrandingUpdated
from pas_shared.rules import RuleBook
from pas_shared.workflow import require_transition


class BrandingStatus(StrEnum):
    NOT_STARTED = "not-started"
    DESIGNING = "designing"
    APPROVED = "approved"
    IN_USE = "in-use"


NEXT: dict[BrandingStatus, set[BrandingStatus]] = {
    BrandingStatus.NOT_STARTED: {BrandingStatus.DESIGNING},
    BrandingStatus.DESIGNING: {BrandingStatus.APPROVED},
    BrandingStatus.APPROVED: {BrandingStatus.IN_USE, BrandingStatus.DESIGNING},
    BrandingStatus.IN_USE: {BrandingStatus.DESIGNING},
}

# A label in these states must show every required element (changing the elements keeps it so).
CHECKED = frozenset({BrandingStatus.APPROVED, BrandingStatus.IN_USE})


class Aspect(StrEnum):
    LABEL = "label"
    PACKAGING = "packaging"


def label_element_names(on: date, book: RuleBook | None = None) -> dict[str, str]:
    """Element code -> name, every element a label may show."""
    return {e["code"]: e["name"] for e in in_force("label-elements", on, book).values["elements"]}


def required_label_elements(category: str, on: date, book: RuleBook | None = None) -> tuple[str, ...]:
    values = in_force("label-elements", on, book).values
    return tuple(values["required"].get(category, values["required_otherwise"]))


@dataclass(frozen=True)
class BrandingTransition:
    aspect: Aspect
    from_status: BrandingStatus
    to_status: BrandingStatus
    on: date
    by: str
    why: str


@dataclass
class Branding:
    product_id: str
    upt_code: str
    kanwil_code: str
    category: str
    brand_name: str
    label_elements: tuple[str, ...] = ()
    packaging: str | None = None
    label_status: BrandingStatus = BrandingStatus.NOT_STARTED
    packaging_status: BrandingStatus = BrandingStatus.NOT_STARTED
    updated_on: date | None = None
    transitions: list[BrandingTransition] = field(default_factory=list)
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def start(cls, product: Product) -> "Branding":
        return cls(product.product_id, product.upt_code, product.kanwil_code, product.category, brand_name="")

    def missing_elements(self, on: date, book: RuleBook | None = None) -> tuple[str, ...]:
        return tuple(e for e in required_label_elements(self.category, on, book) if e not in self.label_elements)

    def status_of(self, aspect: Aspect) -> BrandingStatus:
        return self.label_status if aspect is Aspect.LABEL else self.packaging_status

    def update(
        self,
        *,
        product: Product,
        brand_name: str,
        label_elements: tuple[str, ...],
        packaging: str | None,
        today: date,
        book: RuleBook | None = None,
    ) -> None:
        _require_active(product)
        listed = label_element_names(today, book)
        for n, code in enumerate(label_elements):
            require_listed(f"label_elements[{n}]", code, listed, "Unsur label", "Label element")
        if len(set(label_elements)) != len(label_elements):
            raise RuleViolation(
                "label_elements", "listed-once", id="Setiap unsur label dicatat sekali.", en="Each label element is listed once."
            )
        self.brand_name, self.label_elements, self.packaging = brand_name, label_elements, packaging
        if self.label_status in CHECKED:
            self._require_complete_label(today, book)
        if self.packaging_status in CHECKED and not packaging:
            raise _packaging_needed(self.packaging_status)
        self.updated_on = today
        self.events.append(
            BrandingUpdated(
                product_id=self.product_id,
                upt_code=self.upt_code,
                kanwil_code=self.kanwil_code,
                brand_name=brand_name,
                label_elements=list(label_elements),
                packaging=packaging,
                label_status=self.label_status.value,
                packaging_status=self.packaging_status.value,
                updated_on=today,
            )
        )

    def move(
        self,
        aspect: Aspect,
        to: BrandingStatus,
        *,
        product: Product,
        legalisation: Legalisation,
        on: date,
        today: date,
        by: str,
        why: str,
        book: RuleBook | None = None,
    ) -> None:
        _require_active(product)
        current = self.status_of(aspect)
        what_id = "Label" if aspect is Aspect.LABEL else "Kemasan"
        require_transition(
            NEXT, current, to, what_id=f"{what_id} {self.brand_name}", what_en=f"The {aspect.value} of {self.brand_name}"
        )
        if on > today:
            raise RuleViolation(
                "on", "not-in-future", id="Perubahan status dicatat setelah terjadi.", en="A change is recorded after it happens."
            )
        last = max((t.on for t in self.transitions if t.aspect is aspect), default=None)
        if last is not None and on < last:
            raise RuleViolation(
                "on",
                "not-before-previous-change",
                id=f"Tanggal tidak boleh sebelum perubahan status sebelumnya ({last.isoformat()}).",
                en=f"The date cannot be before the previous change ({last.isoformat()}).",
            )
        if aspect is Aspect.LABEL and to is BrandingStatus.APPROVED:
            self._require_complete_label(on, book)
        if aspect is Aspect.LABEL and to is BrandingStatus.IN_USE and not legalisation.complete:
            missing = ", ".join(legalisation.missing)
            raise RuleViolation(
                "to",
                "legalised-before-label-in-use",
                id=f"Label belum dapat dipakai: izin yang wajib belum berlaku ({missing}).",
                en=f"The label cannot be used yet: required permits are not valid ({missing}).",
            )
        if aspect is Aspect.PACKAGING and to in CHECKED and not self.packaging:
            raise _packaging_needed(to)
        if aspect is Aspect.LABEL:
            self.label_status = to
        else:
            self.packaging_status = to
        self.transitions.append(BrandingTransition(aspect, current, to, on, by, why))
        self.events.append(
            BrandingStatusChanged(
                product_id=self.product_id,
                upt_code=self.upt_code,
                kanwil_code=self.kanwil_code,
                brand_name=self.brand_name,
                aspect=aspect.value,
                from_status=current.value,
                status=to.value,
                changed_on=on,
            )
        )

    def _require_complete_label(self, on: date, book: RuleBook | None) -> None:
        missing = self.missing_elements(on, book)
        if missing:
            raise RuleViolation(
                "label_elements",
                "required-label-elements",
                id=f"Label produk kategori {self.category} wajib memuat: {', '.join(missing)}.",
                en=f"The label of a {self.category} product must show: {', '.join(missing)}.",
            )


def _require_active(product: Product) -> None:
    if product.status is not ProductStatus.ACTIVE:
        raise RuleViolation(
            "product_id", "active-product", id="Produk ini sudah dihentikan.", en="This product was discontinued."
        )


def _packaging_needed(status: BrandingStatus) -> RuleViolation:
    return RuleViolation(
        "packaging",
        "described-before-approval",
        id=f"Kemasan berstatus {status.value} wajib dideskripsikan (bahan, ukuran).",
        en=f"Packaging that is {status.value} must be described (material, size).",
    )


def branding_not_found(product_id: str) -> NotFound:
    return NotFound(
        id=f"Produk {product_id} belum memiliki catatan merek.",
        en=f"Product {product_id} has no branding record yet.",
        errors=[FieldError("product_id", "branding-recorded", "Catat merek terlebih dahulu.", "Record the brand first.")],
    )
