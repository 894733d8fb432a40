"""Repositories: domain objects in and out of the service's tables."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pas_security.adapters.tables import roster, sanctions
from pas_security.domain.discipline import Sanction
from pas_shared.events.security import DisciplineLevel


@dataclass(frozen=True)
class RosterEntry:
    """One inmate on this service's local roster (kept from remission's inmate events)."""

    inmate_id: str
    upt_code: str
    kanwil_code: str
    released_on: date | None


class RosterRepository:
    """Read-only: the roster is written by the roster subscription in pas_shared.roster."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, inmate_id: str) -> RosterEntry | None:
        table = roster.roster
        query = select(table.c.inmate_id, table.c.upt_code, table.c.kanwil_code, table.c.released_on).where(
            table.c.inmate_id == inmate_id
        )
        row = (await self.session.execute(query)).mappings().first()
        if row is None:
            return None
        return RosterEntry(
            inmate_id=row["inmate_id"], upt_code=row["upt_code"], kanwil_code=row["kanwil_code"], released_on=row["released_on"]
        )


class SanctionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, case_id: str) -> Sanction | None:
        row = (await self.session.execute(select(sanctions).where(sanctions.c.case_id == case_id))).mappings().first()
        return None if row is None else _sanction(row)

    async def for_inmate(self, inmate_id: str) -> list[Sanction]:
        query = (
            select(sanctions).where(sanctions.c.inmate_id == inmate_id).order_by(sanctions.c.sanctioned_on, sanctions.c.case_id)
        )
        return [_sanction(row) for row in (await self.session.execute(query)).mappings()]

    async def add(self, sanction: Sanction) -> None:
        await self.session.execute(insert(sanctions).values(**sanction_row(sanction)))

    async def save_annulment(self, sanction: Sanction) -> None:
        await self.session.execute(
            update(sanctions).where(sanctions.c.case_id == sanction.case_id).values(annulled_on=sanction.annulled_on)
        )


def _sanction(row: Any) -> Sanction:
    return Sanction(
        case_id=row["case_id"],
        inmate_id=row["inmate_id"],
        upt_code=row["upt_code"],
        level=DisciplineLevel(row["level"]),
        register_f=row["register_f"],
        sanctioned_on=row["sanctioned_on"],
        isolation_days=row["isolation_days"],
        annulled_on=row["annulled_on"],
    )


def sanction_row(s: Sanction) -> dict[str, Any]:
    return {
        "case_id": s.case_id,
        "inmate_id": s.inmate_id,
        "upt_code": s.upt_code,
        "level": s.level.value,
        "register_f": s.register_f,
        "sanctioned_on": s.sanctioned_on,
        "isolation_days": s.isolation_days,
        "annulled_on": s.annulled_on,
    }
