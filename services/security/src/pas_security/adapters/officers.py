"""Officers, their trainings and disciplinary actions: domain objects in and out of the tables,
and the reads behind training coverage and the inmates-per-guard ratio."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pas_security.adapters.incidents import scoped
from pas_security.adapters.tables import facilities, officer_sanctions, officer_trainings, officers, roster
from pas_security.domain.officer import Officer, OfficerSanction, OfficerStatus, Training
from pas_shared.api import Page, Scope
from pas_shared.errors import Conflict, FieldError


@dataclass(frozen=True)
class OfficerFilter:
    upt_code: str | None = None
    kanwil_code: str | None = None
    position: str | None = None
    status: OfficerStatus | None = None


def _filtered(query: Select[Any], table: Any, scope: Scope, upt_code: str | None, kanwil_code: str | None) -> Select[Any]:
    query = scoped(query, table, scope)
    if upt_code is not None:
        query = query.where(table.c.upt_code == upt_code)
    if kanwil_code is not None:
        query = query.where(table.c.kanwil_code == kanwil_code)
    return query


def nip_taken(nip: str) -> Conflict:
    return Conflict(
        id=f"NIP {nip} sudah terdaftar untuk petugas lain.",
        en=f"NIP {nip} is already registered for another officer.",
        errors=[FieldError("nip", "nip-unique", "NIP sudah terdaftar.", "The NIP is already registered.")],
    )


class OfficerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, officer_id: str, scope: Scope, *, for_update: bool = False) -> Officer | None:
        query = scoped(select(officers).where(officers.c.officer_id == officer_id), officers, scope)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        return None if row is None else _officer(row)

    async def nip_exists(self, nip: str) -> bool:
        return (await self.session.execute(select(officers.c.officer_id).where(officers.c.nip == nip))).first() is not None

    async def add(self, officer: Officer) -> None:
        try:
            await self.session.execute(insert(officers).values(**officer_row(officer)))
        except IntegrityError:  # uq_officers_nip: another registration of the NIP committed first
            raise nip_taken(officer.nip) from None

    async def save(self, officer: Officer) -> None:
        row = officer_row(officer)
        del row["officer_id"], row["nip"], row["name"]
        await self.session.execute(update(officers).where(officers.c.officer_id == officer.officer_id).values(**row))

    async def find(self, f: OfficerFilter, scope: Scope, page: Page) -> tuple[list[Officer], int]:
        def where(query: Select[Any]) -> Select[Any]:
            query = _filtered(query, officers, scope, f.upt_code, f.kanwil_code)
            if f.position is not None:
                query = query.where(officers.c.position == f.position)
            if f.status is not None:
                query = query.where(officers.c.status == f.status.value)
            return query

        total = int((await self.session.execute(where(select(func.count()).select_from(officers)))).scalar_one())
        query = where(select(officers)).order_by(officers.c.upt_code, officers.c.name, officers.c.officer_id)
        rows = (await self.session.execute(query.limit(page.limit).offset(page.offset))).mappings()
        return [_officer(r) for r in rows], total

    async def add_training(self, training: Training) -> None:
        await self.session.execute(insert(officer_trainings).values(**training_row(training)))

    async def trainings_of(self, officer_id: str) -> list[Training]:
        query = (
            select(officer_trainings)
            .where(officer_trainings.c.officer_id == officer_id)
            .order_by(officer_trainings.c.completed_on, officer_trainings.c.training_id)
        )
        return [_training(r) for r in (await self.session.execute(query)).mappings()]

    async def add_sanction(self, sanction: OfficerSanction) -> None:
        await self.session.execute(insert(officer_sanctions).values(**sanction_row(sanction)))

    async def sanctions_of(self, officer_id: str) -> list[OfficerSanction]:
        query = (
            select(officer_sanctions)
            .where(officer_sanctions.c.officer_id == officer_id)
            .order_by(officer_sanctions.c.decided_on, officer_sanctions.c.action_id)
        )
        return [_sanction(r) for r in (await self.session.execute(query)).mappings()]

    async def expiring(
        self, scope: Scope, *, upt_code: str | None, kanwil_code: str | None, until: date
    ) -> list[tuple[Training, str, str]]:
        """The latest passed certification of each active officer and kind whose last valid day
        is on or before `until`, with the officer's name and the UPT's time zone."""
        t, o = officer_trainings, officers
        newer = officer_trainings.alias("newer")
        later_exists = (
            select(newer.c.training_id)
            .where(
                newer.c.officer_id == t.c.officer_id,
                newer.c.kind == t.c.kind,
                newer.c.passed.is_(True),
                newer.c.valid_until > t.c.valid_until,
            )
            .exists()
        )
        query = (
            select(t, o.c.name, facilities.c.time_zone)
            .join(o, o.c.officer_id == t.c.officer_id)
            .join(facilities, facilities.c.upt_code == o.c.upt_code)
            .where(t.c.passed.is_(True), t.c.valid_until <= until, o.c.status == OfficerStatus.ACTIVE.value, ~later_exists)
        )
        query = _filtered(query, o, scope, upt_code, kanwil_code).order_by(t.c.valid_until, t.c.training_id)
        return [(_training(r), r["name"], r["time_zone"]) for r in (await self.session.execute(query)).mappings()]

    async def active_roster(
        self, scope: Scope, *, upt_code: str | None, kanwil_code: str | None
    ) -> list[tuple[str, str, str, str]]:
        """(officer_id, position, upt_code, kanwil_code) of every active officer in scope."""
        o = officers.c
        query = select(o.officer_id, o.position, o.upt_code, o.kanwil_code).where(o.status == OfficerStatus.ACTIVE.value)
        query = _filtered(query, officers, scope, upt_code, kanwil_code)
        return [(r[0], r[1], r[2], r[3]) for r in (await self.session.execute(query)).all()]

    async def valid_certifications(
        self, scope: Scope, *, upt_code: str | None, kanwil_code: str | None, from_day: date
    ) -> list[tuple[str, str, date, date]]:
        """(officer_id, kind, completed_on, valid_until) of passed trainings still valid on or after
        `from_day`, for active officers in scope (judged per UPT-local day by the caller)."""
        t, o = officer_trainings.c, officers.c
        query = (
            select(t.officer_id, t.kind, t.completed_on, t.valid_until)
            .join(officers, o.officer_id == t.officer_id)
            .where(t.passed.is_(True), t.valid_until >= from_day, o.status == OfficerStatus.ACTIVE.value)
        )
        query = _filtered(query, officers, scope, upt_code, kanwil_code)
        return [(r[0], r[1], r[2], r[3]) for r in (await self.session.execute(query)).all()]

    async def guards_and_population(
        self, scope: Scope, *, upt_code: str | None, kanwil_code: str | None
    ) -> list[tuple[str, str, str, int, int]]:
        """(upt_code, kanwil_code, time_zone, population, active guards) of every UPT in the
        directory within scope; population from the local roster's headcount."""
        f, h, o = facilities.c, roster.headcount.c, officers.c
        guards = (
            select(o.upt_code, func.count().label("guards"))
            .where(o.status == OfficerStatus.ACTIVE.value, o.guard.is_(True))
            .group_by(o.upt_code)
            .subquery()
        )
        query = (
            select(f.upt_code, f.kanwil_code, f.time_zone, h.population, guards.c.guards)
            .outerjoin(roster.headcount, h.upt_code == f.upt_code)
            .outerjoin(guards, guards.c.upt_code == f.upt_code)
        )
        query = _filtered(query, facilities, scope, upt_code, kanwil_code).order_by(f.upt_code)
        return [(r[0], r[1], r[2], int(r[3] or 0), int(r[4] or 0)) for r in (await self.session.execute(query)).all()]


def _officer(row: Any) -> Officer:
    return Officer(
        officer_id=row["officer_id"],
        nip=row["nip"],
        name=row["name"],
        position=row["position"],
        guard=row["guard"],
        post=row["post"],
        upt_code=row["upt_code"],
        kanwil_code=row["kanwil_code"],
        assigned_on=row["assigned_on"],
        status=OfficerStatus(row["status"]),
        separated_on=row["separated_on"],
        separation_reason=row["separation_reason"],
    )


def officer_row(o: Officer) -> dict[str, Any]:
    return {
        "officer_id": o.officer_id,
        "nip": o.nip,
        "name": o.name,
        "position": o.position,
        "guard": o.guard,
        "post": o.post,
        "upt_code": o.upt_code,
        "kanwil_code": o.kanwil_code,
        "assigned_on": o.assigned_on,
        "status": o.status.value,
        "separated_on": o.separated_on,
        "separation_reason": o.separation_reason,
    }


def _training(row: Any) -> Training:
    return Training(
        row["training_id"],
        row["officer_id"],
        row["upt_code"],
        row["kanwil_code"],
        row["kind"],
        row["completed_on"],
        row["passed"],
        row["hours"],
        row["provider"],
        row["certificate_no"],
        row["valid_until"],
    )


def training_row(t: Training) -> dict[str, Any]:
    return {
        "training_id": t.training_id,
        "officer_id": t.officer_id,
        "upt_code": t.upt_code,
        "kanwil_code": t.kanwil_code,
        "kind": t.kind,
        "completed_on": t.completed_on,
        "passed": t.passed,
        "hours": t.hours,
        "provider": t.provider,
        "certificate_no": t.certificate_no,
        "valid_until": t.valid_until,
    }


def _sanction(row: Any) -> OfficerSanction:
    return OfficerSanction(
        row["action_id"],
        row["officer_id"],
        row["upt_code"],
        row["kanwil_code"],
        row["level"],
        row["penalty"],
        row["reason"],
        row["decided_on"],
        row["decree_no"],
        row["incident_id"],
    )


def sanction_row(s: OfficerSanction) -> dict[str, Any]:
    return {
        "action_id": s.action_id,
        "officer_id": s.officer_id,
        "upt_code": s.upt_code,
        "kanwil_code": s.kanwil_code,
        "level": s.level,
        "penalty": s.penalty,
        "reason": s.reason,
        "decided_on": s.decided_on,
        "decree_no": s.decree_no,
        "incident_id": s.incident_id,
    }
