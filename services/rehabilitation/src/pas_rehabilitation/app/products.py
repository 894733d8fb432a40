"""Products: register, flag as flagship, discontinue, record production (roster-checked workers)."""

from dataclasses import dataclass
from datetime import date

from pas_rehabilitation.adapters.products import ProductionRepository, ProductRepository, batch_row, product_row
from pas_rehabilitation.adapters.tables import facilities, roster
from pas_rehabilitation.domain.product import FlagshipLevel, Material, Product, ProductionBatch, product_not_found
from pas_shared.api import Scope
from pas_shared.clock import Clock
from pas_shared.db import Database, UnitOfWork
from pas_shared.directory import require_upt
from pas_shared.errors import RuleViolation
from pas_shared.ids import new_id
from pas_shared.roster import require_on_roster


@dataclass(frozen=True, kw_only=True)
class RegisterProduct:
    upt_code: str
    name: str
    category: str
    unit: str
    photo_ref: str | None


async def register_product(db: Database, cmd: RegisterProduct, *, scope: Scope, actor: str, clock: Clock) -> Product:
    async with UnitOfWork(db, actor=actor) as uow:
        facility = await require_upt(uow.session, facilities, cmd.upt_code, scope=scope)
        products = ProductRepository(uow.session)
        product = Product.register(
            product_id=new_id(),
            upt_code=facility.upt_code,
            kanwil_code=facility.kanwil_code,
            name=cmd.name,
            category=cmd.category,
            unit=cmd.unit,
            photo_ref=cmd.photo_ref,
            today=facility.today(clock),
            name_taken=await products.name_taken(facility.upt_code, cmd.name),
        )
        await products.add(product)
        _publish(uow, product)
        uow.audit("product.registered", "product", product.product_id, after=product_row(product))
    return product


def _publish(uow: UnitOfWork, product: Product) -> None:
    uow.emit_recorded(product.events, subject=product.product_id, uptcode=product.upt_code, kanwilcode=product.kanwil_code)


async def _product_for_update(uow: UnitOfWork, product_id: str, scope: Scope) -> Product:
    product = await ProductRepository(uow.session).get(product_id, scope, for_update=True)
    if product is None:
        raise product_not_found(product_id)
    return product


async def get_product(db: Database, product_id: str, scope: Scope) -> Product:
    async with db.sessions() as session:
        product = await ProductRepository(session).get(product_id, scope)
    if product is None:
        raise product_not_found(product_id)
    return product


async def discontinue_product(db: Database, product_id: str, *, scope: Scope, actor: str, clock: Clock) -> Product:
    async with UnitOfWork(db, actor=actor) as uow:
        product = await _product_for_update(uow, product_id, scope)
        facility = await require_upt(uow.session, facilities, product.upt_code)
        before = product_row(product)
        product.discontinue(on=facility.today(clock))
        product.flagship_upt = product.flagship_kanwil = False
        await ProductRepository(uow.session).save(product)
        _publish(uow, product)
        uow.audit("product.discontinued", "product", product_id, before=before, after=product_row(product))
    return product


async def set_flagship(
    db: Database, product_id: str, *, level: FlagshipLevel, flagship: bool, scope: Scope, actor: str, clock: Clock
) -> Product:
    async with UnitOfWork(db, actor=actor) as uow:
        product = await _product_for_update(uow, product_id, scope)
        facility = await require_upt(uow.session, facilities, product.upt_code)
        code = product.upt_code if level is FlagshipLevel.UPT else product.kanwil_code
        before = product_row(product)
        others = await ProductRepository(uow.session).flagships(level, code, besides=product_id)
        product.set_flagship(level, flagship, others=others, on=facility.today(clock))
        await ProductRepository(uow.session).save(product)
        uow.audit("product.flagship-set", "product", product_id, before=before, after=product_row(product))
    return product


async def record_production(
    db: Database,
    product_id: str,
    *,
    produced_on: date,
    quantity: int,
    materials: tuple[Material, ...],
    workers: tuple[str, ...],
    scope: Scope,
    actor: str,
    clock: Clock,
) -> tuple[ProductionBatch, Product]:
    async with UnitOfWork(db, actor=actor) as uow:
        product = await _product_for_update(uow, product_id, scope)
        facility = await require_upt(uow.session, facilities, product.upt_code)
        for n, inmate_id in enumerate(workers):
            try:
                await require_on_roster(uow.session, roster, inmate_id, product.upt_code)
            except RuleViolation as refused:  # name the worker's position in the list
                e = refused.errors[0]
                raise RuleViolation(f"workers[{n}]", e.rule, id=e.message_id, en=e.message_en) from None
        before = product_row(product)
        batch = ProductionBatch.record(
            batch_id=new_id(),
            product=product,
            produced_on=produced_on,
            quantity=quantity,
            materials=materials,
            workers=workers,
            today=facility.today(clock),
        )
        await ProductionRepository(uow.session).add(batch)
        await ProductRepository(uow.session).save(product)
        uow.audit(
            "production.recorded", "product", product_id, before=before, after=product_row(product) | {"batch": batch_row(batch)}
        )
    return batch, product
