"""Brandings with their label and packaging history; partnerships with the UPTs taking part,
the products covered and their history."""

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pas_rehabilitation.adapters.scoping import within
from pas_rehabilitation.adapters.tables import (
    branding_transitions,
    brandings,
    facilities,
    partnership_products,
    partnership_transitions,
    partnership_upts,
    partnerships,
    products,
)
from pas_rehabilitation.domain.branding import Aspect, Branding, BrandingStatus, BrandingTransition
from pas_rehabilitation.domain.partnership import (
    Participant,
    Partnership,
    PartnershipLevel,
    PartnershipStatus,
    PartnershipTransition,
)
from pas_shared.api import Scope


class BrandingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, product_id: str, scope: Scope | None = None) -> Branding | None:
        query = select(brandings).where(brandings.c.product_id == product_id)
        if scope is not None:
            query = query.where(*within(scope, brandings.c.upt_code, brandings.c.kanwil_code))
        row = (await self.session.execute(query)).mappings().first()
        return None if row is None else (await self._with_transitions([row]))[0]

    async def save(self, b: Branding, *, new: bool, transitions_before: int) -> None:
        if new:
            await self.session.execute(insert(brandings).values(**branding_row(b)))
        else:
            await self.session.execute(update(brandings).where(brandings.c.product_id == b.product_id).values(**branding_row(b)))
        added = b.transitions[transitions_before:]
        if added:
            await self.session.execute(
                insert(branding_transitions),
                [
                    {
                        "product_id": b.product_id,
                        "seq": transitions_before + n + 1,
                        "aspect": t.aspect.value,
                        "from_status": t.from_status.value,
                        "to_status": t.to_status.value,
                        "on": t.on,
                        "by": t.by,
                        "why": t.why,
                    }
                    for n, t in enumerate(added)
                ],
            )

    async def search(
        self,
        scope: Scope,
        *,
        upt_code: str | None,
        kanwil_code: str | None,
        category: str | None,
        label_status: BrandingStatus | None,
        packaging_status: BrandingStatus | None,
        limit: int,
        offset: int,
    ) -> tuple[list[Branding], int]:
        b = brandings
        where = within(scope, b.c.upt_code, b.c.kanwil_code)
        for column, value in (
            (b.c.upt_code, upt_code),
            (b.c.kanwil_code, kanwil_code),
            (b.c.category, category),
            (b.c.label_status, label_status and label_status.value),
            (b.c.packaging_status, packaging_status and packaging_status.value),
        ):
            if value is not None:
                where.append(column == value)
        total = int((await self.session.execute(select(func.count()).select_from(b).where(*where))).scalar_one())
        query = select(b).where(*where).order_by(b.c.upt_code, b.c.brand_name, b.c.product_id).limit(limit).offset(offset)
        return await self._with_transitions(list((await self.session.execute(query)).mappings())), total

    async def in_use(self, product_ids: list[str]) -> set[str]:
        """Of these products, those whose label and packaging are both in use."""
        if not product_ids:
            return set()
        b = brandings
        query = select(b.c.product_id).where(
            b.c.product_id.in_(product_ids),
            b.c.label_status == BrandingStatus.IN_USE.value,
            b.c.packaging_status == BrandingStatus.IN_USE.value,
        )
        return set((await self.session.execute(query)).scalars())

    async def _with_transitions(self, rows: list[Any]) -> list[Branding]:
        if not rows:
            return []
        t = branding_transitions
        query = select(t).where(t.c.product_id.in_([r["product_id"] for r in rows])).order_by(t.c.product_id, t.c.seq)
        history: dict[str, list[BrandingTransition]] = {}
        for r in (await self.session.execute(query)).mappings():
            history.setdefault(r["product_id"], []).append(
                BrandingTransition(
                    Aspect(r["aspect"]),
                    BrandingStatus(r["from_status"]),
                    BrandingStatus(r["to_status"]),
                    r["on"],
                    r["by"],
                    r["why"],
                )
            )
        return [
            Branding(
                product_id=r["product_id"],
                upt_code=r["upt_code"],
                kanwil_code=r["kanwil_code"],
                category=r["category"],
                brand_name=r["brand_name"],
                label_elements=tuple(r["label_elements"]),
                packaging=r["packaging"],
                label_status=BrandingStatus(r["label_status"]),
                packaging_status=BrandingStatus(r["packaging_status"]),
                updated_on=r["updated_on"],
                transitions=history.get(r["product_id"], []),
            )
            for r in rows
        ]


def branding_row(b: Branding) -> dict[str, Any]:
    return {
        "product_id": b.product_id,
        "upt_code": b.upt_code,
        "kanwil_code": b.kanwil_code,
        "category": b.category,
        "brand_name": b.brand_name,
        "label_elements": list(b.label_elements),
        "packaging": b.packaging,
        "label_status": b.label_status.value,
        "packaging_status": b.packaging_status.value,
        "updated_on": b.updated_on,
    }


def visible(scope: Scope) -> list[ColumnElement[bool]]:
    """A partnership is seen by the signing unit's scope and by the UPTs taking part; one signed
    for a Kanwil also by its UPTs; one signed by Ditjenpas by everyone (it concerns every UPT)."""
    p = partnerships
    if scope.level == "national":
        return []
    taking_part = select(partnership_upts.c.partnership_id)
    if scope.level == "kanwil":
        kanwil: Any = scope.code
        taking_part = taking_part.where(partnership_upts.c.kanwil_code == scope.code)
        own = p.c.kanwil_code == kanwil
    else:
        kanwil = select(facilities.c.kanwil_code).where(facilities.c.upt_code == scope.code).scalar_subquery()
        taking_part = taking_part.where(partnership_upts.c.upt_code == scope.code)
        own = or_(p.c.upt_code == scope.code, and_(p.c.level == PartnershipLevel.KANWIL.value, p.c.kanwil_code == kanwil))
    return [or_(p.c.level == PartnershipLevel.NATIONAL.value, own, p.c.partnership_id.in_(taking_part))]


class PartnershipRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, p: Partnership) -> None:
        await self.session.execute(insert(partnerships).values(**partnership_row(p)))
        if p.participants:
            await self.session.execute(
                insert(partnership_upts),
                [
                    {"partnership_id": p.partnership_id, "upt_code": x.upt_code, "kanwil_code": x.kanwil_code}
                    for x in p.participants
                ],
            )
        if p.product_ids:
            await self.session.execute(
                insert(partnership_products), [{"partnership_id": p.partnership_id, "product_id": i} for i in p.product_ids]
            )

    async def document_taken(self, document_number: str) -> bool:
        """Recorded as a partnership's current document or as one it was renewed under."""
        in_records = select(func.count()).where(partnerships.c.document_number == document_number)
        in_history = select(func.count()).where(partnership_transitions.c.document_number == document_number)
        found = int((await self.session.execute(in_records)).scalar_one()) + int(
            (await self.session.execute(in_history)).scalar_one()
        )
        return found > 0

    async def get(self, partnership_id: str, scope: Scope | None = None, *, for_update: bool = False) -> Partnership | None:
        query = select(partnerships).where(partnerships.c.partnership_id == partnership_id)
        if scope is not None:
            query = query.where(*visible(scope))
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        return None if row is None else (await self._complete([row]))[0]

    async def save(self, p: Partnership, *, transitions_before: int) -> None:
        await self.session.execute(
            update(partnerships)
            .where(partnerships.c.partnership_id == p.partnership_id)
            .values(status=p.status.value, ends_on=p.ends_on, document_number=p.document_number, warned_days=list(p.warned_days))
        )
        added = p.transitions[transitions_before:]
        if added:
            await self.session.execute(
                insert(partnership_transitions),
                [
                    {
                        "partnership_id": p.partnership_id,
                        "seq": transitions_before + n + 1,
                        "from_status": t.from_status.value,
                        "to_status": t.to_status.value,
                        "on": t.on,
                        "by": t.by,
                        "why": t.why,
                        "document_number": t.document_number,
                    }
                    for n, t in enumerate(added)
                ],
            )

    async def active_for_update(self) -> list[Partnership]:
        """Every active partnership, locked, for the expiry check."""
        query = (
            select(partnerships)
            .where(partnerships.c.status == PartnershipStatus.ACTIVE.value)
            .order_by(partnerships.c.partnership_id)
            .with_for_update()
        )
        return await self._complete(list((await self.session.execute(query)).mappings()))

    async def search(
        self,
        scope: Scope,
        *,
        upt_code: str | None,
        kanwil_code: str | None,
        kind: str | None,
        status: PartnershipStatus | None,
        product_id: str | None,
        ends_by: date | None,
        limit: int,
        offset: int,
    ) -> tuple[list[Partnership], int]:
        p = partnerships
        where = visible(scope)
        if upt_code is not None:  # signed by the UPT or taking part
            where.append(
                or_(
                    p.c.upt_code == upt_code,
                    p.c.partnership_id.in_(
                        select(partnership_upts.c.partnership_id).where(partnership_upts.c.upt_code == upt_code)
                    ),
                )
            )
        if kanwil_code is not None:  # signed by the Kanwil or one of its UPTs, or with one of its UPTs taking part
            where.append(
                or_(
                    p.c.kanwil_code == kanwil_code,
                    p.c.partnership_id.in_(
                        select(partnership_upts.c.partnership_id).where(partnership_upts.c.kanwil_code == kanwil_code)
                    ),
                )
            )
        if product_id is not None:
            where.append(
                p.c.partnership_id.in_(
                    select(partnership_products.c.partnership_id).where(partnership_products.c.product_id == product_id)
                )
            )
        if kind is not None:
            where.append(p.c.kind == kind)
        if status is not None:
            where.append(p.c.status == status.value)
        if ends_by is not None:
            where += [p.c.status == PartnershipStatus.ACTIVE.value, p.c.ends_on <= ends_by]
        total = int((await self.session.execute(select(func.count()).select_from(p).where(*where))).scalar_one())
        query = select(p).where(*where).order_by(p.c.ends_on, p.c.partnership_id).limit(limit).offset(offset)
        return await self._complete(list((await self.session.execute(query)).mappings())), total

    async def _complete(self, rows: list[Any]) -> list[Partnership]:
        if not rows:
            return []
        ids = [r["partnership_id"] for r in rows]
        upts: dict[str, list[Participant]] = {}
        u = partnership_upts
        for r in (await self.session.execute(select(u).where(u.c.partnership_id.in_(ids)).order_by(u.c.upt_code))).mappings():
            upts.setdefault(r["partnership_id"], []).append(Participant(r["upt_code"], r["kanwil_code"]))
        covered: dict[str, list[str]] = {}
        pp = partnership_products
        for r in (
            await self.session.execute(select(pp).where(pp.c.partnership_id.in_(ids)).order_by(pp.c.product_id))
        ).mappings():
            covered.setdefault(r["partnership_id"], []).append(r["product_id"])
        history: dict[str, list[PartnershipTransition]] = {}
        t = partnership_transitions
        query = select(t).where(t.c.partnership_id.in_(ids)).order_by(t.c.partnership_id, t.c.seq)
        for r in (await self.session.execute(query)).mappings():
            history.setdefault(r["partnership_id"], []).append(
                PartnershipTransition(
                    PartnershipStatus(r["from_status"]),
                    PartnershipStatus(r["to_status"]),
                    r["on"],
                    r["by"],
                    r["why"],
                    r["document_number"],
                )
            )
        return [
            Partnership(
                partnership_id=r["partnership_id"],
                level=PartnershipLevel(r["level"]),
                upt_code=r["upt_code"],
                kanwil_code=r["kanwil_code"],
                partner=r["partner"],
                kind=r["kind"],
                document_number=r["document_number"],
                signed_on=r["signed_on"],
                starts_on=r["starts_on"],
                ends_on=r["ends_on"],
                scope=tuple(r["scope"]),
                participants=tuple(upts.get(r["partnership_id"], [])),
                product_ids=tuple(covered.get(r["partnership_id"], [])),
                status=PartnershipStatus(r["status"]),
                warned_days=tuple(int(d) for d in r["warned_days"]),
                transitions=history.get(r["partnership_id"], []),
            )
            for r in rows
        ]


async def products_of(session: AsyncSession, product_ids: list[str]) -> dict[str, tuple[str, str]]:
    """product id -> (UPT, Kanwil) of the products that exist."""
    if not product_ids:
        return {}
    query = select(products.c.product_id, products.c.upt_code, products.c.kanwil_code).where(
        products.c.product_id.in_(product_ids)
    )
    return {r[0]: (r[1], r[2]) for r in (await session.execute(query)).all()}


def partnership_row(p: Partnership) -> dict[str, Any]:
    return {
        "partnership_id": p.partnership_id,
        "level": p.level.value,
        "upt_code": p.upt_code,
        "kanwil_code": p.kanwil_code,
        "partner": p.partner,
        "kind": p.kind,
        "document_number": p.document_number,
        "signed_on": p.signed_on,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "scope": list(p.scope),
        "status": p.status.value,
        "warned_days": list(p.warned_days),
    }


def partnership_audit(p: Partnership) -> dict[str, Any]:
    return partnership_row(p) | {"upt_codes": [x.upt_code for x in p.participants], "product_ids": list(p.product_ids)}
