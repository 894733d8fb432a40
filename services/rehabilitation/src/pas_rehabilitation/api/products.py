"""Routes for products: register, list (filter by UPT, Kanwil, category, permit status), read one
with its legalisation, flagship, discontinue, production batches; the headline figures."""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from pas_rehabilitation.adapters.products import ProductionRepository, ProductRepository
from pas_rehabilitation.api.permits import PermitOut, permit_out
from pas_rehabilitation.api.schemas import CODE, Body
from pas_rehabilitation.app import permits, products
from pas_rehabilitation.app.products import RegisterProduct
from pas_rehabilitation.domain.catalogue import in_force, product_categories
from pas_rehabilitation.domain.permit import Legalisation, Permit, PermitStatus
from pas_rehabilitation.domain.product import FlagshipLevel, Material, Product, ProductionBatch, ProductStatus
from pas_shared.api import ActorDep, ClockDep, DatabaseDep, PageDep, PageOut, ScopeDep
from pas_shared.events.remission import UPT_CODE

router = APIRouter(prefix="/api/v1", tags=["products"])


class ProductIn(Body):
    upt_code: str = Field(pattern=UPT_CODE, examples=["LP-PATI"])
    name: str = Field(min_length=1, max_length=200, examples=["Roti manis"])
    category: str = Field(pattern=CODE, examples=["food"], description="From GET /api/v1/product-categories.")
    unit: str = Field(min_length=1, max_length=20, examples=["pcs", "kg", "pack", "m2"])
    photo_ref: str | None = Field(
        default=None, min_length=1, max_length=500, description="Where the photo is stored (URL or key)."
    )


class LegalisationOut(BaseModel):
    required: list[str] = Field(description='Each entry must be met by one valid permit, e.g. "p-irt or bpom", "halal".')
    missing: list[str]
    complete: bool = Field(description="Every requirement met by a permit valid today (true when none is required).")
    granted: list[str] = Field(description="Permit types valid today.")
    in_progress: list[str] = Field(description="Permit types applied for or under review.")


class ProductOut(BaseModel):
    product_id: str
    upt_code: str
    kanwil_code: str
    name: str
    category: str
    unit: str
    photo_ref: str | None
    registered_on: date
    flagship_upt: bool
    flagship_kanwil: bool
    stock: int
    status: ProductStatus
    discontinued_on: date | None


class ProductDetailOut(ProductOut):
    legalisation: LegalisationOut
    permits: list[PermitOut]


def product_out(p: Product) -> ProductOut:
    return ProductOut(
        product_id=p.product_id,
        upt_code=p.upt_code,
        kanwil_code=p.kanwil_code,
        name=p.name,
        category=p.category,
        unit=p.unit,
        photo_ref=p.photo_ref,
        registered_on=p.registered_on,
        flagship_upt=p.flagship_upt,
        flagship_kanwil=p.flagship_kanwil,
        stock=p.stock,
        status=p.status,
        discontinued_on=p.discontinued_on,
    )


def _legalisation_out(state: Legalisation) -> LegalisationOut:
    return LegalisationOut(
        required=[" or ".join(group) for group in state.required],
        missing=list(state.missing),
        complete=state.complete,
        granted=list(state.granted),
        in_progress=list(state.in_progress),
    )


def _detail(p: Product, state: Legalisation, found: list[Permit]) -> ProductDetailOut:
    return ProductDetailOut(
        **product_out(p).model_dump(), legalisation=_legalisation_out(state), permits=[permit_out(x) for x in found]
    )


@router.post("/products", status_code=status.HTTP_201_CREATED, operation_id="registerProduct")
async def register(body: ProductIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep) -> ProductOut:
    cmd = RegisterProduct(
        upt_code=body.upt_code, name=body.name, category=body.category, unit=body.unit, photo_ref=body.photo_ref
    )
    return product_out(await products.register_product(db, cmd, scope=scope, actor=actor, clock=clock))


@router.get("/products", operation_id="listProducts")
async def list_products(
    db: DatabaseDep,
    page: PageDep,
    scope: ScopeDep,
    upt_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
    kanwil_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
    category: Annotated[str | None, Query(pattern=CODE)] = None,
    state: Annotated[ProductStatus | None, Query(alias="status")] = None,
    flagship: bool | None = None,
    permit_type: Annotated[str | None, Query(pattern=CODE, description="With a permit of this type (and permit_status).")] = None,
    permit_status: PermitStatus | None = None,
) -> PageOut[ProductOut]:
    async with db.sessions() as session:
        found, total = await ProductRepository(session).search(
            scope,
            limit=page.limit,
            offset=page.offset,
            upt_code=upt_code,
            kanwil_code=kanwil_code,
            category=category,
            status=state,
            flagship=flagship,
            permit_type=permit_type,
            permit_status=permit_status,
        )
    return PageOut(items=[product_out(p) for p in found], total=total, limit=page.limit, offset=page.offset)


class FiguresOut(BaseModel):
    level: Literal["upt", "kanwil", "national"]
    code: str = Field(description="The UPT code, the Kanwil code, or 'national'.")
    kanwil_code: str | None
    upts_producing: int = Field(description="UPTs with at least one active product.")
    lapas_producing: int = Field(description="Of those, Lapas (Lapas, Lapas Narkotika, LPP).")
    upt_types: dict[str, int]
    product_types: int = Field(
        description="Active products (each a product type made in one UPT): GET /products?status=active counts the same."
    )
    categories: int = Field(description="Distinct product categories among them.")
    flagship_products: int
    needing_permits: int = Field(description="Active products whose category requires permits.")
    fully_legalised: int = Field(description="Of those, with every requirement met by a permit valid on the UPT's today.")
    legalisation_in_progress: int = Field(description="Of those not fully legalised, with a permit applied for or under review.")
    legalisation_coverage_pct: float | None = Field(
        description="fully_legalised / needing_permits x 100, one decimal; none if none need permits."
    )
    permits_granted: dict[str, int] = Field(description="Active products with a valid permit, per permit type.")
    branded: int = Field(description="Active products whose label and packaging are both in use.")
    headline_id: str = Field(description="The headline in Bahasa Indonesia.")
    headline_en: str


class HeadlineOut(BaseModel):
    definition: str
    items: list[FiguresOut]


@router.get("/products/headline", operation_id="getProductHeadline")
async def headline(
    db: DatabaseDep,
    clock: ClockDep,
    scope: ScopeDep,
    level: Literal["upt", "kanwil", "national"] = "national",
    kanwil_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
    upt_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
) -> HeadlineOut:
    """'N Lapas produce M types of products', computed from the product records: per UPT, per
    Kanwil or for the nation, with legalisation coverage. Units with no active product are not listed."""
    rows = await permits.headline(db, level=level, kanwil_code=kanwil_code, upt_code=upt_code, scope=scope, clock=clock)
    if level == "national" and not rows:
        rows = [("national", None, permits.Figures())]
    items = []
    for code, kanwil, f in rows:
        # Half away from zero, on whole numbers (no float error at the .x5 boundary).
        n = f.needing_permits
        coverage = None if n == 0 else ((f.fully_legalised * 2000 + n) // (2 * n)) / 10
        items.append(
            FiguresOut(
                level=level,
                code=code,
                kanwil_code=kanwil,
                upts_producing=f.upts_producing,
                lapas_producing=f.lapas_producing,
                upt_types=f.upt_types,
                product_types=f.product_types,
                categories=f.categories,
                flagship_products=f.flagship_products,
                needing_permits=f.needing_permits,
                fully_legalised=f.fully_legalised,
                legalisation_in_progress=f.legalisation_in_progress,
                legalisation_coverage_pct=coverage,
                permits_granted=f.permits_granted,
                branded=f.branded,
                headline_id=f"{f.lapas_producing} Lapas ({f.upts_producing} UPT) memproduksi {f.product_types} jenis produk",
                headline_en=f"{f.lapas_producing} Lapas ({f.upts_producing} UPTs) produce {f.product_types} types of products",
            )
        )
    return HeadlineOut(
        definition="Active products only (registered, not discontinued); a product type is one product record of one UPT.",
        items=items,
    )


class CategoryOut(BaseModel):
    code: str
    name: str
    required: list[str]
    applicable: list[str]


class CategoriesOut(BaseModel):
    regulation: str
    status: str
    effective_from: date
    categories: list[CategoryOut]


@router.get("/product-categories", operation_id="listProductCategories")
async def categories(clock: ClockDep, on: date | None = None) -> CategoriesOut:
    day = on or clock().date()
    rs = in_force("product-categories", day)
    return CategoriesOut(
        regulation=rs.cite(),
        status=rs.status,
        effective_from=rs.effective_from,
        categories=[
            CategoryOut(code=c.code, name=c.name, required=[" or ".join(g) for g in c.required], applicable=sorted(c.applicable))
            for c in product_categories(day).values()
        ],
    )


@router.get("/products/{product_id}", operation_id="getProduct")
async def get_product(product_id: str, db: DatabaseDep, clock: ClockDep, scope: ScopeDep) -> ProductDetailOut:
    product = await products.get_product(db, product_id, scope)
    state, found = (await permits.legalisation_of(db, [product], clock))[product_id]
    return _detail(product, state, found)


class DiscontinueIn(Body):
    why: str = Field(min_length=1, max_length=500)


@router.post("/products/{product_id}/discontinue", operation_id="discontinueProduct")
async def discontinue(
    product_id: str, body: DiscontinueIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep
) -> ProductOut:
    return product_out(await products.discontinue_product(db, product_id, scope=scope, actor=actor, clock=clock))


class FlagshipIn(Body):
    level: FlagshipLevel
    flagship: bool


@router.post("/products/{product_id}/flagship", operation_id="setProductFlagship")
async def flagship(
    product_id: str, body: FlagshipIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep
) -> ProductOut:
    p = await products.set_flagship(
        db, product_id, level=body.level, flagship=body.flagship, scope=scope, actor=actor, clock=clock
    )
    return product_out(p)


class MaterialIn(Body):
    name: str = Field(min_length=1, max_length=200, examples=["tepung terigu"])
    quantity: float = Field(gt=0)
    unit: str = Field(min_length=1, max_length=20, examples=["kg"])
    cost_rupiah: int | None = Field(default=None, ge=0, strict=True)


class ProductionIn(Body):
    produced_on: date
    quantity: int = Field(ge=1, le=10**9, strict=True, description="Units of the product's unit.")
    materials: list[MaterialIn] = Field(default_factory=list, max_length=100)
    workers: list[str] = Field(min_length=1, max_length=1000, description="The inmates who worked (on the UPT's roster).")


class ProductionOut(BaseModel):
    batch_id: str
    product_id: str
    upt_code: str
    produced_on: date
    quantity: int
    materials: list[MaterialIn]
    workers: list[str]


class ProductionRecordedOut(ProductionOut):
    stock: int = Field(description="The product's stock after this batch.")


def _batch_out(b: ProductionBatch) -> ProductionOut:
    return ProductionOut(
        batch_id=b.batch_id,
        product_id=b.product_id,
        upt_code=b.upt_code,
        produced_on=b.produced_on,
        quantity=b.quantity,
        materials=[MaterialIn(name=m.name, quantity=m.quantity, unit=m.unit, cost_rupiah=m.cost_rupiah) for m in b.materials],
        workers=list(b.workers),
    )


@router.post("/products/{product_id}/production", status_code=status.HTTP_201_CREATED, operation_id="recordProduction")
async def record_production(
    product_id: str, body: ProductionIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep
) -> ProductionRecordedOut:
    batch, product = await products.record_production(
        db,
        product_id,
        produced_on=body.produced_on,
        quantity=body.quantity,
        materials=tuple(Material(m.name, m.quantity, m.unit, m.cost_rupiah) for m in body.materials),
        workers=tuple(body.workers),
        scope=scope,
        actor=actor,
        clock=clock,
    )
    return ProductionRecordedOut(**_batch_out(batch).model_dump(), stock=product.stock)


@router.get("/products/{product_id}/production", operation_id="listProduction")
async def list_production(product_id: str, db: DatabaseDep, page: PageDep, scope: ScopeDep) -> PageOut[ProductionOut]:
    await products.get_product(db, product_id, scope)  # 404 when out of scope
    async with db.sessions() as session:
        found, total = await ProductionRepository(session).of_product(product_id, limit=page.limit, offset=page.offset)
    return PageOut(items=[_batch_out(b) for b in found], total=total, limit=page.limit, offset=page.offset)
