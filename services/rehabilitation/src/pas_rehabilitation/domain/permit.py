"""Legalisation: the permits of a product (NIB, P-IRT, halal, BPOM, trademark, SNI), each a state
machine, and what a product's category requires (rule data: food needs P-IRT or BPOM, and halal;
crafts need neither).

    not-started -> applied -> under-review -> granted -> expired
                                           -> rejected
A rejected or expired permit may be applied for again (a renewal keeps its history). A grant
needs the number and the first day of validity; the last day is given when the permit has one.
Warnings go out ahead of expiry, once per threshold (days in rule data), and at expiry.
"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from pydantic import BaseModel

from pas_rehabilitation.domain.catalogue import ProductCategory, expiry_warning_days, permit_types, require_listed
from pas_rehabilitation.domain.product import Product
from pas_shared.errors import FieldError, NotFound, RuleViolation
from pas_shared.events.rehabilitation import PermitExpiryWarned, PermitStatusChanged
from pas_shared.rules import RuleBook
from pas_shared.workflow import require_transition


class PermitStatus(StrEnum):
    NOT_STARTED = "not-started"
    APPLIED = "applied"
    UNDER_REVIEW = "under-review"
    GRANTED = "granted"
    REJECTED = "rejected"
    EXPIRED = "expired"


NEXT: dict[PermitStatus, set[PermitStatus]] = {
    PermitStatus.NOT_STARTED: {PermitStatus.APPLIED},
    PermitStatus.APPLIED: {PermitStatus.UNDER_REVIEW, PermitStatus.REJECTED},
    PermitStatus.UNDER_REVIEW: {PermitStatus.GRANTED, PermitStatus.REJECTED},
    PermitStatus.GRANTED: {PermitStatus.EXPIRED},
    PermitStatus.REJECTED: {PermitStatus.APPLIED},
    PermitStatus.EXPIRED: {PermitStatus.APPLIED},
}

IN_PROGRESS = frozenset({PermitStatus.APPLIED, PermitStatus.UNDER_REVIEW})


@dataclass(frozen=True)
class PermitTransition:
    from_status: PermitStatus
    to_status: PermitStatus
    on: date
    by: str
    why: str


@dataclass
class Permit:
    permit_id: str
    product_id: str
    upt_code: str
    kanwil_code: str
    permit_type: str
    agency: str
    status: PermitStatus = PermitStatus.NOT_STARTED
    number: str | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    warned_days: tuple[int, ...] = ()  # thresholds already warned for the current grant
    transitions: list[PermitTransition] = field(default_factory=list)
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def start(
        cls,
        *,
        permit_id: str,
        product: Product,
        category: ProductCategory,
        permit_type: str,
        agency: str | None,
        on: date,
        exists: bool,
        book: RuleBook | None = None,
    ) -> "Permit":
        types = permit_types(on, book)
        require_listed("permit_type", permit_type, types, "Jenis izin", "Permit type")
        if permit_type not in category.applicable:
            valid = ", ".join(sorted(category.applicable))
            raise RuleViolation(
                "permit_type",
                "applicable-to-category",
                id=f"Izin {permit_type} tidak berlaku untuk produk kategori {category.code} (yang berlaku: {valid}).",
                en=f"A {permit_type} permit does not apply to a {category.code} product (applicable: {valid}).",
            )
        if exists:
            raise RuleViolation(
                "permit_type",
                "one-per-type",
                id=f"Produk ini sudah memiliki catatan izin {permit_type}.",
                en=f"This product already has a {permit_type} permit record.",
            )
        return cls(
            permit_id, product.product_id, product.upt_code, product.kanwil_code, permit_type, agency or types[permit_type][1]
        )

    def move(
        self,
        to: PermitStatus,
        *,
        on: date,
        today: date,
        by: str,
        why: str,
        product_name: str,
        number: str | None = None,
        valid_from: date | None = None,
        valid_until: date | None = None,
        agency: str | None = None,
    ) -> None:
        require_transition(NEXT, self.status, to, what_id=f"Izin {self.permit_type}", what_en=f"Permit {self.permit_type}")
        if on > today:
            raise RuleViolation(
                "on", "not-in-future", id="Perubahan status dicatat setelah terjadi.", en="A change is recorded after it happens."
            )
        last = self.transitions[-1].on if self.transitions else None
        if last is not None and on < last:
            raise RuleViolation(
                "on",
                "not-before-previous-change",
                id=f"Tanggal tidak boleh sebelum perubahan status sebelumnya ({last.isoformat()}).",
                en=f"The date cannot be before the previous change ({last.isoformat()}).",
            )
        if to is not PermitStatus.GRANTED and (number or valid_from or valid_until):
            raise RuleViolation(
                "number" if number else "valid_from" if valid_from else "valid_until",
                "granted-only",
                id="Nomor dan masa berlaku diisi hanya saat izin terbit (granted).",
                en="The number and validity are given only when the permit is granted.",
            )
        if to is PermitStatus.GRANTED:
            self._grant(number, valid_from, valid_until, on)
        elif to is PermitStatus.EXPIRED:
            if self.valid_until is None or on <= self.valid_until:
                raise RuleViolation(
                    "on",
                    "after-valid-until",
                    id=f"Izin berlaku sampai {self.valid_until or 'tanpa batas'}; belum kedaluwarsa pada {on.isoformat()}.",
                    en=f"The permit is valid until {self.valid_until or 'no end date'}; it has not expired on {on.isoformat()}.",
                )
        elif to is PermitStatus.APPLIED:
            # A new application (also a renewal): the previous grant's details are history.
            self.number = self.valid_from = self.valid_until = None
            self.warned_days = ()
        if agency:
            self.agency = agency
        self.transitions.append(PermitTransition(self.status, to, on, by, why))
        from_status = self.status
        self.status = to
        self.events.append(
            PermitStatusChanged(
                permit_id=self.permit_id,
                product_id=self.product_id,
                product_name=product_name,
                upt_code=self.upt_code,
                kanwil_code=self.kanwil_code,
                permit_type=self.permit_type,
                from_status=from_status.value,
                status=to.value,
                changed_on=on,
                agency=self.agency,
                number=self.number,
                valid_from=self.valid_from,
                valid_until=self.valid_until,
            )
        )

    def _grant(self, number: str | None, valid_from: date | None, valid_until: date | None, on: date) -> None:
        if not number:
            raise RuleViolation(
                "number",
                "required-for-granted",
                id="Izin yang terbit wajib dicatat nomornya.",
                en="A granted permit needs its number.",
            )
        if valid_from is None:
            raise RuleViolation(
                "valid_from",
                "required-for-granted",
                id="Izin yang terbit wajib dicatat tanggal mulai berlakunya.",
                en="A granted permit needs the first day of its validity.",
            )
        if valid_until is not None and valid_until < valid_from:
            raise RuleViolation(
                "valid_until",
                "not-before-valid-from",
                id="Akhir masa berlaku tidak boleh sebelum awalnya.",
                en="The validity cannot end before it starts.",
            )
        if valid_until is not None and valid_until < on:
            raise RuleViolation(
                "valid_until",
                "not-expired-when-granted",
                id="Izin yang sudah lewat masa berlakunya dicatat sebagai kedaluwarsa, bukan terbit.",
                en="A permit past its validity is recorded as expired, not granted.",
            )
        self.number, self.valid_from, self.valid_until = number, valid_from, valid_until

    def valid_on(self, on: date) -> bool:
        return (
            self.status is PermitStatus.GRANTED
            and self.valid_from is not None
            and self.valid_from <= on
            and (self.valid_until is None or on <= self.valid_until)
        )

    def check_expiry(self, *, today: date, product_name: str, book: RuleBook | None = None) -> bool:
        """On `today` (the UPT's local date): a granted permit past its valid_until expires; one
        within a warning threshold is warned once per threshold (the nearest threshold reached;
        the farther ones it passed are marked too, so a late check sends one warning, not three).
        Returns whether anything changed."""
        if self.status is not PermitStatus.GRANTED or self.valid_until is None:
            return False
        if today > self.valid_until:
            self.move(
                PermitStatus.EXPIRED, on=today, today=today, by="system", why="valid_until passed", product_name=product_name
            )
            return True
        days_left = (self.valid_until - today).days
        reached = [d for d in expiry_warning_days(today, book) if days_left <= d and d not in self.warned_days]
        if not reached:
            return False
        self.warned_days = tuple(sorted({*self.warned_days, *reached}, reverse=True))
        assert self.number is not None
        self.events.append(
            PermitExpiryWarned(
                permit_id=self.permit_id,
                product_id=self.product_id,
                upt_code=self.upt_code,
                kanwil_code=self.kanwil_code,
                permit_type=self.permit_type,
                number=self.number,
                valid_until=self.valid_until,
                days_left=days_left,
                threshold_days=min(reached),
            )
        )
        return True


@dataclass(frozen=True)
class Legalisation:
    """How far a product is legalised on a date, against its category's requirements."""

    required: tuple[tuple[str, ...], ...]
    met: tuple[bool, ...]  # per requirement group
    granted: tuple[str, ...]  # permit types valid on the date
    in_progress: tuple[str, ...]

    @property
    def needs_permits(self) -> bool:
        return bool(self.required)

    @property
    def complete(self) -> bool:
        return all(self.met)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(" or ".join(group) for group, ok in zip(self.required, self.met, strict=True) if not ok)


def legalisation(category: ProductCategory, permits: list[Permit], on: date) -> Legalisation:
    granted = tuple(sorted(p.permit_type for p in permits if p.valid_on(on)))
    in_progress = tuple(sorted(p.permit_type for p in permits if p.status in IN_PROGRESS))
    met = tuple(any(t in granted for t in group) for group in category.required)
    return Legalisation(category.required, met, granted, in_progress)


def permit_not_found(permit_id: str) -> NotFound:
    return NotFound(
        id=f"Izin {permit_id} tidak ditemukan.",
        en=f"Permit {permit_id} does not exist.",
        errors=[FieldError("permit_id", "permit-exists", "Izin tidak ditemukan.", "No such permit.")],
    )
