"""Programmes, their sessions and attendance."""

from typing import Any

from sqlalchemy import case, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pas_rehabilitation.adapters.scoping import within
from pas_rehabilitation.adapters.tables import attendance, enrolments, programme_sessions, programmes
from pas_rehabilitation.domain.programme import ACTIVE, Programme, ProgrammeKind, Session, session_taken
from pas_shared.api import Scope


class ProgrammeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, p: Programme) -> None:
        await self.session.execute(insert(programmes).values(**programme_row(p)))

    async def get(self, programme_id: str, scope: Scope | None = None, *, for_update: bool = False) -> Programme | None:
        query = select(programmes).where(programmes.c.programme_id == programme_id)
        if scope is not None:
            query = query.where(*within(scope, programmes.c.upt_code, programmes.c.kanwil_code))
        if for_update:  # enrolments count against the capacity one at a time
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        return None if row is None else _programme(row)

    async def search(
        self,
        scope: Scope,
        *,
        upt_code: str | None,
        kanwil_code: str | None,
        kind: ProgrammeKind | None,
        category: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[tuple[Programme, int]], int]:
        """Programmes with the number of active enrolments of each, and the total matched."""
        p = programmes
        where = within(scope, p.c.upt_code, p.c.kanwil_code)
        for column, value in ((p.c.upt_code, upt_code), (p.c.kanwil_code, kanwil_code), (p.c.category, category)):
            if value is not None:
                where.append(column == value)
        if kind is not None:
            where.append(p.c.kind == kind.value)
        total = int((await self.session.execute(select(func.count()).select_from(p).where(*where))).scalar_one())
        query = select(p).where(*where).order_by(p.c.upt_code, p.c.name, p.c.programme_id).limit(limit).offset(offset)
        found = [_programme(r) for r in (await self.session.execute(query)).mappings()]
        counts = await self.active_counts([x.programme_id for x in found])
        return [(x, counts.get(x.programme_id, 0)) for x in found], total

    async def active_counts(self, ids: list[str]) -> dict[str, int]:
        if not ids:
            return {}
        e = enrolments
        query = (
            select(e.c.programme_id, func.count())
            .where(e.c.programme_id.in_(ids), e.c.status.in_([s.value for s in ACTIVE]))
            .group_by(e.c.programme_id)
        )
        return {pid: int(n) for pid, n in (await self.session.execute(query)).all()}


def programme_row(p: Programme) -> dict[str, Any]:
    return {
        "programme_id": p.programme_id,
        "upt_code": p.upt_code,
        "kanwil_code": p.kanwil_code,
        "kind": p.kind.value,
        "category": p.category,
        "name": p.name,
        "sae_site": p.sae_site,
        "capacity": p.capacity,
        "instructors": list(p.instructors),
        "partners": list(p.partners),
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
    }


def _programme(r: Any) -> Programme:
    return Programme(
        programme_id=r["programme_id"],
        upt_code=r["upt_code"],
        kanwil_code=r["kanwil_code"],
        kind=ProgrammeKind(r["kind"]),
        category=r["category"],
        name=r["name"],
        sae_site=r["sae_site"],
        capacity=r["capacity"],
        instructors=tuple(r["instructors"]),
        partners=tuple(r["partners"]),
        starts_on=r["starts_on"],
        ends_on=r["ends_on"],
    )


class SessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, s: Session) -> None:
        try:
            await self.session.execute(
                insert(programme_sessions).values(
                    session_id=s.session_id, programme_id=s.programme_id, held_on=s.held_on, topic=s.topic
                )
            )
        except IntegrityError:
            # ux_programme_sessions_programme_day; the unit of work rolls the whole request back.
            raise session_taken(s.programme_id, s.held_on) from None
        rows = [{"session_id": s.session_id, "enrolment_id": e, "present": True} for e in sorted(s.present)]
        rows += [{"session_id": s.session_id, "enrolment_id": e, "present": False} for e in sorted(s.absent)]
        if rows:
            await self.session.execute(insert(attendance), rows)

    async def attendance_of(self, enrolment_ids: list[str]) -> dict[str, tuple[int, int]]:
        """Enrolment id -> (sessions on its register, sessions attended)."""
        if not enrolment_ids:
            return {}
        a = attendance
        query = (
            select(a.c.enrolment_id, func.count(), func.sum(case((a.c.present, 1), else_=0)))
            .where(a.c.enrolment_id.in_(enrolment_ids))
            .group_by(a.c.enrolment_id)
        )
        return {e: (int(held), int(present or 0)) for e, held, present in (await self.session.execute(query)).all()}
