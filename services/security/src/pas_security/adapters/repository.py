"""Repositories: domain objects in and out of the service's tables."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Table, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pas_security.adapters.tables import escapes, facilities, sanctions
from pas_security.domain.discipline import Sanction
from pas_security.domain.escape import Escape, EscapeStatus, concurrent_change, still_at_large
from pas_shared.api import Page, Scope
from pas_shared.events.security import DisciplineLevel


def scoped_by_upt(
    query: Select[Any], table: Table, scope: Scope, *, upt_code: str | None, kanwil_code: str | None
) -> Select[Any]:
    """The rows of UPTs within the caller's scope (and the filters). These tables hold the UPT
    only: its Kanwil comes from the UPT directory."""
    if scope.level == "upt":
        query = query.where(table.c.upt_code == scope.code)
    for kanwil in (scope.code if scope.level == "kanwil" else None, kanwil_code):
        if kanwil is not None:
            query = query.where(table.c.upt_code.in_(select(facilities.c.upt_code).where(facilities.c.kanwil_code == kanwil)))
    if upt_code is not None:
        query = query.where(table.c.upt_code == upt_code)
    return query


async def _page(session: AsyncSession, query: Select[Any], order: list[Any], page: Page) -> tuple[list[Any], int]:
    total = int((await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one())
    rows = (await session.execute(query.order_by(*order).limit(page.limit).offset(page.offset))).mappings()
    return list(rows), total


class SanctionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, case_id: str, scope: Scope) -> Sanction | None:
        query = scoped_by_upt(
            select(sanctions).where(sanctions.c.case_id == case_id), sanctions, scope, upt_code=None, kanwil_code=None
        )
        row = (await self.session.execute(query)).mappings().first()
        return None if row is None else _sanction(row)

    async def find(
        self, scope: Scope, *, inmate_id: str | None, upt_code: str | None, kanwil_code: str | None, page: Page
    ) -> tuple[list[Sanction], int]:
        query = scoped_by_upt(select(sanctions), sanctions, scope, upt_code=upt_code, kanwil_code=kanwil_code)
        if inmate_id is not None:
            query = query.where(sanctions.c.inmate_id == inmate_id)
        rows, total = await _page(self.session, query, [sanctions.c.sanctioned_on, sanctions.c.case_id], page)
        return [_sanction(r) for r in rows], total

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


@dataclass(frozen=True)
class EscapeeCounts:
    incident_id: str
    upt_code: str
    first_escaped_at: datetime
    escapees: int
    by_status: dict[EscapeStatus, int]


class EscapeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, escape_id: str, scope: Scope) -> Escape | None:
        query = scoped_by_upt(
            select(escapes).where(escapes.c.escape_id == escape_id), escapes, scope, upt_code=None, kanwil_code=None
        )
        row = (await self.session.execute(query)).mappings().first()
        return None if row is None else _escape(row)

    async def open_for_inmate(self, inmate_id: str) -> Escape | None:
        query = select(escapes).where(escapes.c.inmate_id == inmate_id, escapes.c.status == EscapeStatus.AT_LARGE.value)
        row = (await self.session.execute(query)).mappings().first()
        return None if row is None else _escape(row)

    async def find(
        self,
        scope: Scope,
        *,
        upt_code: str | None,
        kanwil_code: str | None,
        status: EscapeStatus | None,
        page: Page,
        incident_id: str | None = None,
    ) -> tuple[list[Escape], int]:
        query = scoped_by_upt(select(escapes), escapes, scope, upt_code=upt_code, kanwil_code=kanwil_code)
        if status is not None:
            query = query.where(escapes.c.status == status.value)
        if incident_id is not None:
            query = query.where(escapes.c.incident_id == incident_id)
        rows, total = await _page(self.session, query, [escapes.c.escaped_at, escapes.c.escape_id], page)
        return [_escape(r) for r in rows], total

    async def add(self, escape: Escape, *, field_name: str = "inmate_id") -> None:
        try:
            await self.session.execute(insert(escapes).values(**escape_row(escape)))
        except IntegrityError:
            # ux_escapes_open_inmate: another report for this inmate committed first.
            raise still_at_large(escape.inmate_id, field_name=field_name) from None

    async def counts_by_incident(
        self, scope: Scope, *, upt_code: str | None, kanwil_code: str | None, incident_id: str | None, page: Page
    ) -> tuple[list[EscapeeCounts], int]:
        """Per escape incident: its escapees by status, the incident whose first escape is oldest first."""
        e = escapes.c
        query = scoped_by_upt(
            select(
                e.incident_id,
                e.upt_code,
                func.min(e.escaped_at).label("first_escaped_at"),
                func.count().label("escapees"),
                *(func.count().filter(e.status == s.value).label(s.value) for s in EscapeStatus),
            ).where(e.incident_id.is_not(None)),
            escapes,
            scope,
            upt_code=upt_code,
            kanwil_code=kanwil_code,
        ).group_by(e.incident_id, e.upt_code)
        if incident_id is not None:
            query = query.where(e.incident_id == incident_id)
        rows, total = await _page(self.session, query, [func.min(e.escaped_at), e.incident_id], page)
        found = [
            EscapeeCounts(
                r["incident_id"],
                r["upt_code"],
                r["first_escaped_at"],
                int(r["escapees"]),
                {s: int(r[s.value]) for s in EscapeStatus},
            )
            for r in rows
        ]
        return found, total

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

    async def save_death(self, escape: Escape) -> None:
        result = await self.session.execute(
            update(escapes)
            .where(escapes.c.escape_id == escape.escape_id, escapes.c.status == EscapeStatus.AT_LARGE.value)
            .values(
                status=escape.status.value,
                died_on=escape.died_on,
                death_place=escape.death_place,
                death_source=escape.death_source,
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
        died_on=row["died_on"],
        death_place=row["death_place"],
        death_source=row["death_source"],
        incident_id=row["incident_id"],
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
        "died_on": e.died_on,
        "death_place": e.death_place,
        "death_source": e.death_source,
        "incident_id": e.incident_id,
    }
