"""Products of inmate work (produk UMKM pemasyarakatan): each product type a UPT makes, its
production batches (quantity, materials, the inmates who worked) and its stock.

Stock only moves through production (up) and sales (down); a sale of more than the stock is
refused. A product is active until it is discontinued; the headline counts active products.
"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from pydantic import BaseModel

from pas_rehabilitation.domain.catalogue import in_force, product_categories, require_listed
from pas_shared.errors import Conflict, FieldError, NotFound, RuleViolation
from pas_shared.events.rehabilitation import ProductDiscontinued, ProductRegistered
from pas_shared.rules import RuleBook
from pas_shared.workflow import require_transition


class ProductStatus(StrEnum):
    ACTIVE = "active"
    DISCONTINUED = "discontinued"


NEXT = {ProductStatus.ACTIVE: {ProductStatus.DISCONTINUED}, ProductStatus.DISCONTINUED: set()}


class FlagshipLevel(StrEnum):
    """Produk unggulan: chosen by the UPT or by its Kanwil (Dirjenpas, Nov 2025)."""

    UPT = "upt"
    KANWIL = "kanwil"


@dataclass
class Product:
    product_id: str
    upt_code: str
    kanwil_code: str
    name: str
    category: str
    unit: str
    photo_ref: str | None
    registered_on: date
    flagship_upt: bool = False
    flagship_kanwil: bool = False
    stock: int = 0
    status: ProductStatus = ProductStatus.ACTIVE
    discontinued_on: date | None = None
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def register(
        cls,
        *,
        product_id: str,
        upt_code: str,
        kanwil_code: str,
        name: str,
        category: str,
        unit: str,
        photo_ref: str | None,
        today: date,
        name_taken: bool,
        book: RuleBook | None = None,
    ) -> "Product":
        require_listed("category", category, product_categories(today, book), "Kategori produk", "Product category")
        if name_taken:
            raise RuleViolation(
                "name",
                "one-product-type-per-name",
                id=f"UPT {upt_code} sudah mencatat produk '{name}'.",
                en=f"UPT {upt_code} already records a product named '{name}'.",
            )
        product = cls(product_id, upt_code, kanwil_code, name, category, unit, photo_ref, today)
        product.events.append(
            ProductRegistered(
                product_id=product_id,
                upt_code=upt_code,
                kanwil_code=kanwil_code,
                name=name,
                category=category,
                unit=unit,
                flagship_upt=False,
                flagship_kanwil=False,
            )
        )
        return product

    def discontinue(self, *, on: date) -> None:
        require_transition(
            NEXT, self.status, ProductStatus.DISCONTINUED, what_id=f"Produk {self.name}", what_en=f"Product {self.name}"
        )
        self.status = ProductStatus.DISCONTINUED
        self.discontinued_on = on
        self.events.append(
            ProductDiscontinued(
                product_id=self.product_id, upt_code=self.upt_code, kanwil_code=self.kanwil_code, discontinued_on=on
            )
        )

    def set_flagship(self, level: FlagshipLevel, flagship: bool, *, others: int, on: date, book: RuleBook | None = None) -> None:
        """`others`: flagship products at that level already (the UPT's, or the Kanwil's), not this one."""
        if flagship and self.status is not ProductStatus.ACTIVE:
            raise RuleViolation(
                "flagship",
                "active-product",
                id="Produk yang dihentikan tidak dapat menjadi produk unggulan.",
                en="A discontinued product cannot be a flagship.",
            )
        limit = int(in_force("flagship-products", on, book).values[f"max_per_{level.value}"])
        if flagship and others >= limit:
            where = "UPT" if level is FlagshipLevel.UPT else "Kanwil"
            raise RuleViolation(
                "level",
                "flagship-limit",
                id=f"Produk unggulan {where} paling banyak {limit}; sudah ada {others}.",
                en=f"A {where} has at most {limit} flagship products; it has {others}.",
            )
        if level is FlagshipLevel.UPT:
            self.flagship_upt = flagship
        else:
            self.flagship_kanwil = flagship


@dataclass(frozen=True)
class Material:
    name: str
    quantity: float
    unit: str
    cost_rupiah: int | None


@dataclass(frozen=True)
class ProductionBatch:
    batch_id: str
    product_id: str
    upt_code: str
    produced_on: date
    quantity: int
    materials: tuple[Material, ...]
    workers: tuple[str, ...]  # inmate ids, each on the roster of the product's UPT

    @classmethod
    def record(
        cls,
        *,
        batch_id: str,
        product: Product,
        produced_on: date,
        quantity: int,
        materials: tuple[Material, ...],
        workers: tuple[str, ...],
        today: date,
    ) -> "ProductionBatch":
        if product.status is not ProductStatus.ACTIVE:
            raise RuleViolation(
                "product_id", "active-product", id="Produk ini sudah dihentikan.", en="This product was discontinued."
            )
        if quantity < 1:
            raise RuleViolation("quantity", "positive", id="Jumlah produksi minimal 1.", en="A batch produces at least 1 unit.")
        if produced_on > today:
            raise RuleViolation(
                "produced_on",
                "not-in-future",
                id="Produksi dicatat setelah terjadi.",
                en="A batch is recorded after it is produced.",
            )
        if not workers:
            raise RuleViolation(
                "workers",
                "at-least-one",
                id="Catat WBP yang bekerja (minimal satu).",
                en="Name the inmates who worked (at least one).",
            )
        if len(set(workers)) != len(workers):
            raise RuleViolation("workers", "listed-once", id="Setiap WBP dicatat sekali.", en="Each inmate is listed once.")
        product.stock += quantity
        return cls(batch_id, product.product_id, product.upt_code, produced_on, quantity, materials, workers)


class SaleChannel(StrEnum):
    SHOWROOM = "showroom"  # gerai / galeri hasil karya at the UPT
    EXHIBITION = "exhibition"  # pameran, e.g. IPPA Fest
    MARKETPLACE = "marketplace"  # online marketplaces
    ORDER = "order"  # pesanan / kontrak (a buyer's order, a supply contract)
    PARTNER = "partner"  # a partner shop, cooperative or company that resells


class BuyerType(StrEnum):
    INDIVIDUAL = "individual"
    GOVERNMENT = "government"  # instansi pemerintah, incl. other UPTs and the MBG programme
    BUSINESS = "business"
    COOPERATIVE = "cooperative"
    EXPORT = "export"


def product_not_found(product_id: str, field_name: str = "product_id") -> NotFound:
    return NotFound(
        id=f"Produk {product_id} tidak ditemukan.",
        en=f"Product {product_id} does not exist.",
        errors=[FieldError(field_name, "product-exists", "Produk tidak ditemukan.", "No such product.")],
    )


def stock_changed(product_id: str) -> Conflict:
    return Conflict(
        id=f"Stok produk {product_id} baru saja berubah; muat ulang dan periksa kembali.",
        en=f"The stock of product {product_id} just changed; reload and check again.",
        errors=[FieldError("quantity", "within-stock", "Stok berubah sebelum penjualan disimpan.", "The stock changed first.")],
    )
