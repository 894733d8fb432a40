"""Repositories: domain objects in and out of the service's tables."""

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pas_security.adapters.tables import escapes, sanctions
from pas_security.domain.discipline import Sanction
from pas_security.domain.escape import Escape, EscapeStatus, concurrent_change, still_at_large
from pas_shared.events.security import DisciplineLevel


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


class EscapeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, escape_id: str) -> Escape | None:
        row = (await self.session.execute(select(escapes).where(escapes.c.escape_id == escape_id))).mappings().first()
        return None if row is None else _escape(row)

    async def open_for_inmate(self, inmate_id: str) -> Escape | None:
        query = select(escapes).where(escapes.c.inmate_id == inmate_id, escapes.c.status == EscapeStatus.AT_LARGE.value)
        row = (await self.session.execute(query)).mappings().first()
        return None if row is None else _escape(row)

    async def find(self, *, upt_code: str | None = None, status: EscapeStatus | None = None) -> list[Escape]:
        query = select(escapes).order_by(escapes.c.escaped_at, escapes.c.escape_id)
        if upt_code is not None:
            query = query.where(escapes.c.upt_code == upt_code)
        if status is not None:
            query = query.where(escapes.c.status == status.value)
        return [_escape(row) for row in (await self.session.execute(query)).mappings()]

    async def add(self, escape: Escape) -> None:
        try:
            await self.session.execute(insert(escapes).values(**escape_row(escape)))
        except IntegrityError:
            # ux_escapes_open_inmate: another report for this inmate committed first.
            raise still_at_large(escape.inmate_id) from None

    async def save_recapture(self, escape: Escape) -> None:
        result = await self.session.execute(
            update(escapes)
            .where(escapes.c.escape_id == escape.escape_id, escapes.c.status == EscapeStatus.AT_LARGE.value)
            .values(
                status=escape.status.value,
                recaptured_at=escape.recaptured_at,
                recaptured_on=escape.recaptured_on,
                place=escape.place,
            )
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise concurrent_change(escape.escape_id)


def _escape(row: Any) -> Escape:
    return Escape(
        escape_id=row["escape_id"],
        inmate_id=row["inmate_id"],
        upt_code=row["upt_code"],
        escaped_at=row["escaped_at"],
        escaped_on=row["escaped_on"],
        method=row["method"],
        status=EscapeStatus(row["status"]),
        recaptured_at=row["recaptured_at"],
        recaptured_on=row["recaptured_on"],
        place=row["place"],
    )


def escape_row(e: Escape) -> dict[str, Any]:
    return {
        "escape_id": e.escape_id,
        "inmate_id": e.inmate_id,
        "upt_code": e.upt_code,
        "escaped_at": e.escaped_at,
        "escaped_on": e.escaped_on,
        "method": e.method,
        "status": e.status.value,
        "recaptured_at": e.recaptured_at,
        "recaptured_on": e.recaptured_on,
        "place": e.place,
    }
