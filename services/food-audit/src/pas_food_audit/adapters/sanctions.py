"""Contract standings and vendor sanctions; the deliveries and inspection scores a fine and a
performance score are computed from."""

from datetime import date
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pas_food_audit.adapters.repository import Filter, _delivery, _page, _visible
from pas_food_audit.adapters.tables import contract_standings, contracts, deliveries, inspections, vendor_sanctions
from pas_food_audit.domain.contracts import Contract
from pas_food_audit.domain.deliveries import Delivery
from pas_food_audit.domain.inspections import InspectionStatus
from pas_food_audit.domain.sanctions import ContractStanding, Sanction, SanctionKind, Standing
from pas_shared.api import Page, Scope
from pas_shared.db import utcnow


class SanctionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock(self, contract_id: str) -> None:
        """Sanctions of one contract are decided one at a time (the standing, the warning count
        and the fines under the cap are read, then written)."""
        await self.session.execute(
            select(contracts.c.contract_id).where(contracts.c.contract_id == contract_id).with_for_update()
        )

    async def standing(self, contract: Contract) -> ContractStanding:
        row = (
            (
                await self.session.execute(
                    select(contract_standings).where(contract_standings.c.contract_id == contract.contract_id)
                )
            )
            .mappings()
            .first()
        )
        s = vendor_sanctions
        query = select(s).where(s.c.contract_id == contract.contract_id).order_by(s.c.decided_on, s.c.at, s.c.sanction_id)
        history = [_sanction(r) for r in (await self.session.execute(query)).mappings()]
        if row is None:
            return ContractStanding(contract, sanctions=history)
        return ContractStanding(contract, Standing(row["status"]), row["since"], history)

    async def save(self, standing: ContractStanding, *, sanctions_before: int, by: str) -> None:
        c = standing.contract
        values = {"status": standing.status.value, "since": standing.since}
        cs = contract_standings
        exists = (await self.session.execute(select(func.count()).where(cs.c.contract_id == c.contract_id))).scalar_one()
        if exists:
            await self.session.execute(update(cs).where(cs.c.contract_id == c.contract_id).values(**values))
        else:
            await self.session.execute(insert(cs).values(contract_id=c.contract_id, **values))
        added = standing.sanctions[sanctions_before:]
        if added:
            at = utcnow()
            await self.session.execute(
                insert(vendor_sanctions),
                [
                    sanction_row(x)
                    | {
                        "vendor_id": c.vendor.vendor_id,
                        "upt_code": c.upt_code,
                        "kanwil_code": c.kanwil_code,
                        "by": x.by,
                        "at": at,
                    }
                    for x in added
                ],
            )

    async def search(
        self, f: Filter, scope: Scope, page: Page, *, contract_id: str | None, kind: SanctionKind | None
    ) -> tuple[list[tuple[Sanction, str]], int]:
        """Sanctions with the vendor id of each, latest first."""
        s = vendor_sanctions
        where = f.where(s, scope, date_column="decided_on")
        if contract_id is not None:
            where.append(s.c.contract_id == contract_id)
        if kind is not None:
            where.append(s.c.kind == kind.value)
        rows, total = await _page(self.session, s, where, [s.c.decided_on.desc(), s.c.at.desc(), s.c.sanction_id], page)
        return [(_sanction(r), r["vendor_id"]) for r in rows], total

    async def get(self, sanction_id: str, scope: Scope) -> tuple[Sanction, str] | None:
        row = (
            (await self.session.execute(select(vendor_sanctions).where(vendor_sanctions.c.sanction_id == sanction_id)))
            .mappings()
            .first()
        )
        if row is None or not _visible(row, scope):
            return None
        return _sanction(row), row["vendor_id"]


async def deliveries_between(
    session: AsyncSession, *, start: date, end: date, contract_id: str | None = None, vendor_id: str | None = None
) -> list[Delivery]:
    d = deliveries
    where = [d.c.delivered_on >= start, d.c.delivered_on <= end]
    if contract_id is not None:
        where.append(d.c.contract_id == contract_id)
    if vendor_id is not None:
        where.append(d.c.vendor_id == vendor_id)
    rows = (await session.execute(select(d).where(*where).order_by(d.c.delivered_on, d.c.delivery_id))).mappings()
    return [_delivery(r) for r in rows]


async def inspection_scores(session: AsyncSession, upt_code: str, *, start: date, end: date) -> list[float]:
    """Overall scores of the inspections completed at the UPT's kitchens in the period."""
    i = inspections
    query = select(i.c.overall_pct).where(
        i.c.upt_code == upt_code,
        i.c.status == InspectionStatus.COMPLETED.value,
        i.c.inspected_on >= start,
        i.c.inspected_on <= end,
        i.c.overall_pct.is_not(None),
    )
    return [float(x) for x in (await session.execute(query)).scalars()]


def sanction_row(x: Sanction) -> dict[str, Any]:
    return {
        "sanction_id": x.sanction_id,
        "contract_id": x.contract_id,
        "kind": x.kind.value,
        "decided_on": x.decided_on,
        "from_status": x.from_status.value,
        "to_status": x.to_status.value,
        "letter_number": x.letter_number,
        "warning_level": x.warning_level,
        "amount_rupiah": x.amount_rupiah,
        "amount_before_cap_rupiah": x.amount_before_cap_rupiah,
        "shortfall_rations": x.shortfall_rations,
        "period_from": x.period_from,
        "period_to": x.period_to,
        "ground": x.ground,
        "why": x.why,
    }


def _sanction(r: Any) -> Sanction:
    return Sanction(
        sanction_id=r["sanction_id"],
        contract_id=r["contract_id"],
        kind=SanctionKind(r["kind"]),
        decided_on=r["decided_on"],
        from_status=Standing(r["from_status"]),
        to_status=Standing(r["to_status"]),
        by=r["by"],
        why=r["why"],
        letter_number=r["letter_number"],
        warning_level=r["warning_level"],
        amount_rupiah=r["amount_rupiah"],
        amount_before_cap_rupiah=r["amount_before_cap_rupiah"],
        shortfall_rations=r["shortfall_rations"],
        period_from=r["period_from"],
        period_to=r["period_to"],
        ground=r["ground"],
    )
