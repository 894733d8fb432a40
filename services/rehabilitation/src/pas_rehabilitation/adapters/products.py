"""Products, production batches and their workers, permits with their transitions."""

from datetime import date
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pas_rehabilitation.adapters.scoping import within
from pas_rehabilitation.adapters.tables import permit_transitions, permits, production_batches, production_workers, products
from pas_rehabilitation.domain.permit import Permit, PermitStatus, PermitTransition
from pas_rehabilitation.domain.product import FlagshipLevel, Material, Product, ProductionBatch, ProductStatus
from pas_shared.api import Scope


class ProductRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, p: Product) -> None:
        await self.session.execute(insert(products).values(**product_row(p)))

    async def get(self, product_id: str, scope: Scope | None = None, *, for_update: bool = False) -> Product | None:
        query = select(products).where(products.c.product_id == product_id)
        if scope is not None:
            query = query.where(*within(scope, products.c.upt_code, products.c.kanwil_code))
        if for_update:  # stock moves one request at a time
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        return None if row is None else _product(row)

    async def name_taken(self, upt_code: str, name: str) -> bool:
        query = select(func.count()).where(products.c.upt_code == upt_code, func.lower(products.c.name) == name.lower())
        return int((await self.session.execute(query)).scalar_one()) > 0

    async def flagships(self, level: FlagshipLevel, code: str, *, besides: str) -> int:
        """Active flagship products of a UPT (level upt) or a Kanwil (level kanwil), not counting `besides`."""
        p = products
        flag, where = (p.c.flagship_upt, p.c.upt_code) if level is FlagshipLevel.UPT else (p.c.flagship_kanwil, p.c.kanwil_code)
        query = select(func.count()).where(
            flag.is_(True), where == code, p.c.status == ProductStatus.ACTIVE.value, p.c.product_id != besides
        )
        return int((await self.session.execute(query)).scalar_one())

    async def save(self, p: Product) -> None:
        await self.session.execute(
            update(products)
            .where(products.c.product_id == p.product_id)
            .values(
                stock=p.stock,
                status=p.status.value,
                discontinued_on=p.discontinued_on,
                flagship_upt=p.flagship_upt,
                flagship_kanwil=p.flagship_kanwil,
            )
        )

    def _filters(
        self,
        scope: Scope,
        *,
        upt_code: str | None,
        kanwil_code: str | None,
        category: str | None,
        status: ProductStatus | None,
        flagship: bool | None,
        permit_type: str | None,
        permit_status: PermitStatus | None,
    ) -> list[Any]:
        p = products
        where = within(scope, p.c.upt_code, p.c.kanwil_code)
        for column, value in ((p.c.upt_code, upt_code), (p.c.kanwil_code, kanwil_code), (p.c.category, category)):
            if value is not None:
                where.append(column == value)
        if status is not None:
            where.append(p.c.status == status.value)
        if flagship is not None:
            where.append((p.c.flagship_upt | p.c.flagship_kanwil) == flagship)
        if permit_type is not None or permit_status is not None:
            having = select(permits.c.product_id)
            if permit_type is not None:
                having = having.where(permits.c.permit_type == permit_type)
            if permit_status is not None:
                having = having.where(permits.c.status == permit_status.value)
            where.append(p.c.product_id.in_(having))
        return where

    async def search(self, scope: Scope, *, limit: int, offset: int, **filters: Any) -> tuple[list[Product], int]:
        where = self._filters(scope, **filters)
        p = products
        total = int((await self.session.execute(select(func.count()).select_from(p).where(*where))).scalar_one())
        query = (
            select(p).where(*where).order_by(p.c.kanwil_code, p.c.upt_code, p.c.name, p.c.product_id).limit(limit).offset(offset)
        )
        return [_product(r) for r in (await self.session.execute(query)).mappings()], total

    async def active_in(self, scope: Scope, *, kanwil_code: str | None, upt_code: str | None) -> list[Product]:
        where = self._filters(
            scope,
            upt_code=upt_code,
            kanwil_code=kanwil_code,
            category=None,
            status=ProductStatus.ACTIVE,
            flagship=None,
            permit_type=None,
            permit_status=None,
        )
        query = select(products).where(*where).order_by(products.c.product_id)
        return [_product(r) for r in (await self.session.execute(query)).mappings()]


def product_row(p: Product) -> dict[str, Any]:
    return {
        "product_id": p.product_id,
        "upt_code": p.upt_code,
        "kanwil_code": p.kanwil_code,
        "name": p.name,
        "category": p.category,
        "unit": p.unit,
        "photo_ref": p.photo_ref,
        "registered_on": p.registered_on,
        "flagship_upt": p.flagship_upt,
        "flagship_kanwil": p.flagship_kanwil,
        "stock": p.stock,
        "status": p.status.value,
        "discontinued_on": p.discontinued_on,
    }


def _product(r: Any) -> Product:
    return Product(
        product_id=r["product_id"],
        upt_code=r["upt_code"],
        kanwil_code=r["kanwil_code"],
        name=r["name"],
        category=r["category"],
        unit=r["unit"],
        photo_ref=r["photo_ref"],
        registered_on=r["registered_on"],
        flagship_upt=r["flagship_upt"],
        flagship_kanwil=r["flagship_kanwil"],
        stock=int(r["stock"]),
        status=ProductStatus(r["status"]),
        discontinued_on=r["discontinued_on"],
    )


class ProductionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, b: ProductionBatch) -> None:
        await self.session.execute(insert(production_batches).values(**batch_row(b)))
        await self.session.execute(
            insert(production_workers),
            [{"batch_id": b.batch_id, "inmate_id": i, "upt_code": b.upt_code, "produced_on": b.produced_on} for i in b.workers],
        )

    async def of_product(self, product_id: str, *, limit: int, offset: int) -> tuple[list[ProductionBatch], int]:
        pb = production_batches
        where = [pb.c.product_id == product_id]
        total = int((await self.session.execute(select(func.count()).select_from(pb).where(*where))).scalar_one())
        query = select(pb).where(*where).order_by(pb.c.produced_on.desc(), pb.c.batch_id).limit(limit).offset(offset)
        rows = list((await self.session.execute(query)).mappings())
        workers: dict[str, list[str]] = {}
        if rows:
            w = production_workers
            found = await self.session.execute(
                select(w.c.batch_id, w.c.inmate_id).where(w.c.batch_id.in_([r["batch_id"] for r in rows])).order_by(w.c.inmate_id)
            )
            for batch_id, inmate_id in found.all():
                workers.setdefault(batch_id, []).append(inmate_id)
        return [_batch(r, workers.get(r["batch_id"], [])) for r in rows], total

    async def workers_until(self, upt_code: str, on: date) -> set[str]:
        """Inmates who worked in a production batch of the UPT on or before `on`."""
        w = production_workers
        query = select(w.c.inmate_id).where(w.c.upt_code == upt_code, w.c.produced_on <= on).distinct()
        return set((await self.session.execute(query)).scalars())


def batch_row(b: ProductionBatch) -> dict[str, Any]:
    return {
        "batch_id": b.batch_id,
        "product_id": b.product_id,
        "upt_code": b.upt_code,
        "produced_on": b.produced_on,
        "quantity": b.quantity,
        "materials": [
            {"name": m.name, "quantity": m.quantity, "unit": m.unit, "cost_rupiah": m.cost_rupiah} for m in b.materials
        ],
    }


def _batch(r: Any, workers: list[str]) -> ProductionBatch:
    materials = tuple(Material(m["name"], float(m["quantity"]), m["unit"], m["cost_rupiah"]) for m in r["materials"])
    return ProductionBatch(
        r["batch_id"], r["product_id"], r["upt_code"], r["produced_on"], int(r["quantity"]), materials, tuple(workers)
    )


class PermitRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, p: Permit) -> None:
        await self.session.execute(insert(permits).values(**permit_row(p)))

    async def exists(self, product_id: str, permit_type: str) -> bool:
        query = select(func.count()).where(permits.c.product_id == product_id, permits.c.permit_type == permit_type)
        return int((await self.session.execute(query)).scalar_one()) > 0

    async def get(self, permit_id: str, scope: Scope | None = None, *, for_update: bool = False) -> Permit | None:
        query = select(permits).where(permits.c.permit_id == permit_id)
        if scope is not None:
            query = query.where(*within(scope, permits.c.upt_code, permits.c.kanwil_code))
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        if row is None:
            return None
        return (await self._with_transitions([row]))[0]

    async def of_products(self, product_ids: list[str]) -> dict[str, list[Permit]]:
        if not product_ids:
            return {}
        query = select(permits).where(permits.c.product_id.in_(product_ids)).order_by(permits.c.permit_type)
        found: dict[str, list[Permit]] = {}
        for p in await self._with_transitions(list((await self.session.execute(query)).mappings())):
            found.setdefault(p.product_id, []).append(p)
        return found

    async def granted_with_end(self, upt_codes: list[str]) -> list[Permit]:
        """Granted permits with a valid_until, of the UPTs given, locked for the expiry check."""
        query = (
            select(permits)
            .where(
                permits.c.status == PermitStatus.GRANTED.value,
                permits.c.valid_until.is_not(None),
                permits.c.upt_code.in_(upt_codes),
            )
            .order_by(permits.c.permit_id)
            .with_for_update()
        )
        return await self._with_transitions(list((await self.session.execute(query)).mappings()))

    async def search(
        self,
        scope: Scope,
        *,
        upt_code: str | None,
        kanwil_code: str | None,
        permit_type: str | None,
        status: PermitStatus | None,
        expires_by: date | None,
        limit: int,
        offset: int,
    ) -> tuple[list[Permit], int]:
        p = permits
        where = within(scope, p.c.upt_code, p.c.kanwil_code)
        for column, value in ((p.c.upt_code, upt_code), (p.c.kanwil_code, kanwil_code), (p.c.permit_type, permit_type)):
            if value is not None:
                where.append(column == value)
        if status is not None:
            where.append(p.c.status == status.value)
        if expires_by is not None:
            where += [p.c.status == PermitStatus.GRANTED.value, p.c.valid_until.is_not(None), p.c.valid_until <= expires_by]
        total = int((await self.session.execute(select(func.count()).select_from(p).where(*where))).scalar_one())
        order = (p.c.valid_until, p.c.permit_id) if expires_by is not None else (p.c.upt_code, p.c.product_id, p.c.permit_type)
        query = select(p).where(*where).order_by(*order).limit(limit).offset(offset)
        return await self._with_transitions(list((await self.session.execute(query)).mappings())), total

    async def save(self, p: Permit, *, transitions_before: int) -> None:
        await self.session.execute(
            update(permits)
            .where(permits.c.permit_id == p.permit_id)
            .values(
                status=p.status.value,
                agency=p.agency,
                number=p.number,
                valid_from=p.valid_from,
                valid_until=p.valid_until,
                warned_days=list(p.warned_days),
            )
        )
        new = p.transitions[transitions_before:]
        if new:
            await self.session.execute(
                insert(permit_transitions),
                [
                    {
                        "permit_id": p.permit_id,
                        "seq": transitions_before + n + 1,
                        "from_status": t.from_status.value,
                        "to_status": t.to_status.value,
                        "on": t.on,
                        "by": t.by,
                        "why": t.why,
                    }
                    for n, t in enumerate(new)
                ],
            )

    async def _with_transitions(self, rows: list[Any]) -> list[Permit]:
        if not rows:
            return []
        t = permit_transitions
        query = select(t).where(t.c.permit_id.in_([r["permit_id"] for r in rows])).order_by(t.c.permit_id, t.c.seq)
        history: dict[str, list[PermitTransition]] = {}
        for r in (await self.session.execute(query)).mappings():
            history.setdefault(r["permit_id"], []).append(
                PermitTransition(PermitStatus(r["from_status"]), PermitStatus(r["to_status"]), r["on"], r["by"], r["why"])
            )
        return [_permit(r, history.get(r["permit_id"], [])) for r in rows]


def permit_row(p: Permit) -> dict[str, Any]:
    return {
        "permit_id": p.permit_id,
        "product_id": p.product_id,
        "upt_code": p.upt_code,
        "kanwil_code": p.kanwil_code,
        "permit_type": p.permit_type,
        "agency": p.agency,
        "status": p.status.value,
        "number": p.number,
        "valid_from": p.valid_from,
        "valid_until": p.valid_until,
        "warned_days": list(p.warned_days),
    }


def _permit(r: Any, transitions: list[PermitTransition]) -> Permit:
    return Permit(
        permit_id=r["permit_id"],
        product_id=r["product_id"],
        upt_code=r["upt_code"],
        kanwil_code=r["kanwil_code"],
        permit_type=r["permit_type"],
        agency=r["agency"],
        status=PermitStatus(r["status"]),
        number=r["number"],
        valid_from=r["valid_from"],
        valid_until=r["valid_until"],
        warned_days=tuple(int(d) for d in r["warned_days"]),
        transitions=transitions,
    )
