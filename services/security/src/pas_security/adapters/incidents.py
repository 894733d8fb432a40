"""Incidents and the UPTs they happen in: domain objects in and out of the service's tables."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, String, any_, bindparam, func, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from pas_security.adapters.tables import (
    incident_actions,
    incident_addenda,
    incident_escalations,
    incident_people,
    incident_transitions,
    incidents,
    roster,
)
from pas_security.domain.incident import (
    COUNTED,
    Action,
    Addendum,
    Escalation,
    Incident,
    IncidentStatus,
    Person,
    Transition,
)
from pas_shared.api import Page, Scope
from pas_shared.db import bulk_insert, fetch_rows


def scoped(query: Select[Any], table: Any, scope: Scope) -> Select[Any]:
    """Only the rows the caller's scope lets them see (the table has upt_code and kanwil_code)."""
    if scope.level == "upt":
        return query.where(table.c.upt_code == scope.code)
    if scope.level == "kanwil":
        return query.where(table.c.kanwil_code == scope.code)
    return query


# The roster lookup of an incident report, built once: a statement built per request is keyed for
# SQLAlchemy's compiled cache on every call, which cost more CPU than the query itself.
_ON_ROSTER = select(roster.roster.c.inmate_id).where(
    roster.roster.c.inmate_id.in_(bindparam("inmate_ids", expanding=True)), roster.roster.c.upt_code == bindparam("upt")
)
# On PostgreSQL the same as `= ANY(array)`: one statement for any number of ids, run through asyncpg
# directly (pas_shared.db.fetch_rows), which takes no expanding parameters.
_ON_ROSTER_PG = select(roster.roster.c.inmate_id).where(
    roster.roster.c.inmate_id == any_(bindparam("inmate_ids", type_=postgresql.ARRAY(String))),
    roster.roster.c.upt_code == bindparam("upt"),
)
# SET takes the columns named in the parameters (_escalation_values).
_UPDATE_ESCALATION = update(incident_escalations).where(
    incident_escalations.c.incident_id == bindparam("i"), incident_escalations.c.level == bindparam("lv")
)


async def inmates_on_roster(session: AsyncSession, upt_code: str, inmate_ids: list[str]) -> set[str]:
    """The ids the local roster knows in that UPT (held now, or released from it)."""
    if not inmate_ids:
        return set()
    if session.get_bind().dialect.name == "postgresql":
        return {r[0] for r in await fetch_rows(session, _ON_ROSTER_PG, {"inmate_ids": inmate_ids, "upt": upt_code})}
    return set((await session.execute(_ON_ROSTER, {"inmate_ids": inmate_ids, "upt": upt_code})).scalars())


@dataclass(frozen=True)
class IncidentFilter:
    upt_code: str | None = None
    kanwil_code: str | None = None
    occurred_from: date | None = None  # UPT-local dates, both included
    occurred_to: date | None = None
    category: str | None = None
    severity: str | None = None
    status: IncidentStatus | None = None
    counted_only: bool = False  # leave out drafts, duplicates and not-reportable ones
    unverified_only: bool = False  # only incidents naming an inmate not on the roster


def _filtered(query: Select[Any], f: IncidentFilter, scope: Scope) -> Select[Any]:
    query = scoped(query, incidents, scope)
    c = incidents.c
    if f.upt_code is not None:
        query = query.where(c.upt_code == f.upt_code)
    if f.kanwil_code is not None:
        query = query.where(c.kanwil_code == f.kanwil_code)
    if f.occurred_from is not None:
        query = query.where(c.occurred_on >= f.occurred_from)
    if f.occurred_to is not None:
        query = query.where(c.occurred_on <= f.occurred_to)
    if f.category is not None:
        query = query.where(c.category == f.category)
    if f.severity is not None:
        query = query.where(c.severity == f.severity)
    if f.status is not None:
        query = query.where(c.status == f.status.value)
    if f.counted_only:
        query = query.where(c.status.in_([s.value for s in COUNTED]))
    if f.unverified_only:
        query = query.where(c.unverified_inmates > 0)
    return query


@dataclass(frozen=True)
class OverdueEscalation:
    incident: Incident
    escalation: Escalation


class IncidentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, incident_id: str, scope: Scope, *, for_update: bool = False) -> Incident | None:
        """The whole incident, or None when it does not exist or is outside the caller's scope.
        `for_update` locks the row (PostgreSQL) so changes to one incident go one at a time."""
        query = scoped(select(incidents).where(incidents.c.incident_id == incident_id), incidents, scope)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        if row is None:
            return None
        incident = _incident(row)
        await self._load_children([incident])
        return incident

    async def find(self, f: IncidentFilter, scope: Scope, page: Page) -> tuple[list[Incident], int]:
        total = int((await self.session.execute(_filtered(select(func.count()).select_from(incidents), f, scope))).scalar_one())
        query = (
            _filtered(select(incidents), f, scope)
            .order_by(incidents.c.occurred_at.desc(), incidents.c.incident_id)
            .limit(page.limit)
            .offset(page.offset)
        )
        found = [_incident(row) for row in (await self.session.execute(query)).mappings()]
        return found, total

    async def counts(self, f: IncidentFilter, scope: Scope) -> list[tuple[str, str, str, int]]:
        """(upt, kanwil, category, count) over the incidents the statistics count."""
        c = incidents.c
        query = _filtered(select(c.upt_code, c.kanwil_code, c.category, func.count()), f, scope).group_by(
            c.upt_code, c.kanwil_code, c.category
        )
        rows = (await self.session.execute(query.order_by(c.upt_code, c.category))).all()
        return [(r[0], r[1], r[2], int(r[3])) for r in rows]

    async def overdue_escalations(
        self, now: datetime, scope: Scope, *, upt_code: str | None, kanwil_code: str | None, page: Page
    ) -> tuple[list[OverdueEscalation], int]:
        """Deadlines passed and not met, on incidents not excluded; the longest overdue first."""
        e, c = incident_escalations, incidents.c
        base = (
            select(incidents, e.c.level, e.c.due_at)
            .join(e, e.c.incident_id == c.incident_id)
            .where(
                e.c.escalated_at.is_(None),
                e.c.due_at < now,
                c.status.not_in([IncidentStatus.DUPLICATE, IncidentStatus.NOT_REPORTABLE]),
            )
        )
        base = _filtered(base, IncidentFilter(upt_code=upt_code, kanwil_code=kanwil_code), scope)
        total = int((await self.session.execute(select(func.count()).select_from(base.subquery()))).scalar_one())
        rows = (
            await self.session.execute(base.order_by(e.c.due_at, c.incident_id, e.c.level).limit(page.limit).offset(page.offset))
        ).mappings()
        return [OverdueEscalation(_incident(r), Escalation(r["level"], r["due_at"])) for r in rows], total

    async def overdue_escalation_counts(self, now: datetime) -> list[tuple[str, str, str, int]]:
        """(kanwil_code, level, category, count) of the deadlines passed and not met, counted as
        the overdue list counts them, over the whole nation (for the metrics)."""
        e, c = incident_escalations, incidents.c
        query = (
            select(c.kanwil_code, e.c.level, c.category, func.count())
            .join(e, e.c.incident_id == c.incident_id)
            .where(
                e.c.escalated_at.is_(None),
                e.c.due_at < now,
                c.status.not_in([IncidentStatus.DUPLICATE, IncidentStatus.NOT_REPORTABLE]),
            )
            .group_by(c.kanwil_code, e.c.level, c.category)
        )
        return [(k, lv, cat, int(n)) for k, lv, cat, n in (await self.session.execute(query)).all()]

    async def add(self, incident: Incident) -> None:
        """A new incident: its row and every child in one multi-row INSERT per table (its
        escalation deadlines too: a new incident has none stored yet, nothing to update)."""
        await bulk_insert(self.session, incidents, [incident_row(incident)])
        people = [
            {"incident_id": incident.incident_id, "seq": i, **_person_row(p)} for i, p in enumerate(incident.people, start=1)
        ]
        if people:
            await bulk_insert(self.session, incident_people, people)
        await self._save_children(incident, new=True)

    async def save(self, incident: Incident) -> None:
        """Status and the new actions, addenda, escalations and transitions (the row is locked)."""
        await self.session.execute(
            update(incidents)
            .where(incidents.c.incident_id == incident.incident_id)
            .values(status=incident.status.value, status_since=incident.status_since, duplicate_of=incident.duplicate_of)
        )
        await self._save_children(incident)

    async def _save_children(self, incident: Incident, *, new: bool = False) -> None:
        i = incident.incident_id
        if incident.new_actions:
            await bulk_insert(
                self.session, incident_actions, [{"incident_id": i, **_action_row(a)} for a in incident.new_actions]
            )
        if incident.new_addenda:
            await bulk_insert(
                self.session,
                incident_addenda,
                [
                    {
                        "incident_id": i,
                        "addendum_no": a.addendum_no,
                        "text": a.text,
                        "added_by": a.added_by,
                        "added_at": a.added_at,
                    }
                    for a in incident.new_addenda
                ],
            )
        if incident.new_transitions:
            first = len(incident.transitions) - len(incident.new_transitions) + 1
            await bulk_insert(
                self.session,
                incident_transitions,
                [{"incident_id": i, "seq": n, **_transition_row(t)} for n, t in enumerate(incident.new_transitions, start=first)],
            )
        changed = [incident.escalations[level] for level in dict.fromkeys(incident.changed_escalations)]
        if new and changed:
            await bulk_insert(
                self.session,
                incident_escalations,
                [{"incident_id": i, "level": e.level, **_escalation_values(e)} for e in changed],
            )
        elif changed:
            for e in changed:
                result = await self.session.execute(_UPDATE_ESCALATION, {"i": i, "lv": e.level, **_escalation_values(e)})
                if result.rowcount == 0:  # type: ignore[attr-defined]
                    await bulk_insert(
                        self.session, incident_escalations, [{"incident_id": i, "level": e.level, **_escalation_values(e)}]
                    )
        incident.new_actions.clear()
        incident.new_addenda.clear()
        incident.new_transitions.clear()
        incident.changed_escalations.clear()

    async def _load_children(self, found: list[Incident]) -> None:
        by_id = {i.incident_id: i for i in found}
        ids = list(by_id)

        async def rows(table: Any, order: Any) -> Any:
            return (
                await self.session.execute(select(table).where(table.c.incident_id.in_(ids)).order_by(table.c.incident_id, order))
            ).mappings()

        for r in await rows(incident_people, incident_people.c.seq):
            by_id[r["incident_id"]].people.append(
                Person(r["kind"], r["role"], r["inmate_id"], r["name"], r["nip"], r["verified"])
            )
        for r in await rows(incident_actions, incident_actions.c.seq):
            by_id[r["incident_id"]].actions.append(
                Action(r["seq"], r["taken_at"], r["description"], r["recorded_by"], r["recorded_at"])
            )
        for r in await rows(incident_addenda, incident_addenda.c.addendum_no):
            by_id[r["incident_id"]].addenda.append(Addendum(r["addendum_no"], r["text"], r["added_by"], r["added_at"]))
        for r in await rows(incident_escalations, incident_escalations.c.level):
            by_id[r["incident_id"]].escalations[r["level"]] = Escalation(
                r["level"], r["due_at"], r["escalated_at"], r["recorded_by"], r["note"]
            )
        for r in await rows(incident_transitions, incident_transitions.c.seq):
            from_status = None if r["from_status"] is None else IncidentStatus(r["from_status"])
            by_id[r["incident_id"]].transitions.append(
                Transition(from_status, IncidentStatus(r["to_status"]), r["by"], r["why"], r["at"])
            )


def _incident(row: Any) -> Incident:
    return Incident(
        incident_id=row["incident_id"],
        upt_code=row["upt_code"],
        kanwil_code=row["kanwil_code"],
        time_zone=row["time_zone"],
        category=row["category"],
        severity=row["severity"],
        critical=row["critical"],
        title=row["title"],
        location=row["location"],
        narrative=row["narrative"],
        occurred_at=row["occurred_at"],
        occurred_on=row["occurred_on"],
        status=IncidentStatus(row["status"]),
        status_since=row["status_since"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        duplicate_of=row["duplicate_of"],
    )


def incident_row(i: Incident) -> dict[str, Any]:
    return {
        "incident_id": i.incident_id,
        "upt_code": i.upt_code,
        "kanwil_code": i.kanwil_code,
        "time_zone": i.time_zone,
        "category": i.category,
        "severity": i.severity,
        "critical": i.critical,
        "title": i.title,
        "location": i.location,
        "narrative": i.narrative,
        "occurred_at": i.occurred_at,
        "occurred_on": i.occurred_on,
        "status": i.status.value,
        "status_since": i.status_since,
        "duplicate_of": i.duplicate_of,
        "inmates_involved": i.inmates_involved,
        "unverified_inmates": i.unverified_inmates,
        "officers_involved": i.officers_involved,
        "created_by": i.created_by,
        "created_at": i.created_at,
    }


def _person_row(p: Person) -> dict[str, Any]:
    return {"kind": p.kind, "role": p.role, "inmate_id": p.inmate_id, "name": p.name, "nip": p.nip, "verified": p.verified}


def _action_row(a: Action) -> dict[str, Any]:
    return {
        "seq": a.seq,
        "taken_at": a.taken_at,
        "description": a.description,
        "recorded_by": a.recorded_by,
        "recorded_at": a.recorded_at,
    }


def _escalation_values(e: Escalation) -> dict[str, Any]:
    return {"due_at": e.due_at, "escalated_at": e.escalated_at, "recorded_by": e.recorded_by, "note": e.note}


def _transition_row(t: Transition) -> dict[str, Any]:
    return {
        "from_status": None if t.from_status is None else t.from_status.value,
        "to_status": t.to_status.value,
        "by": t.by,
        "why": t.why,
        "at": t.at,
    }


def incident_audit(i: Incident) -> dict[str, Any]:
    """What the audit log keeps of an incident: the row, the people and the counts of the rest."""
    return incident_row(i) | {
        "people": [_person_row(p) for p in i.people],
        "actions": len(i.actions),
        "addenda": len(i.addenda),
        "escalations": {k: {"due_at": e.due_at, "escalated_at": e.escalated_at} for k, e in i.escalations.items()},
    }
