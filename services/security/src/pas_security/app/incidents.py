"""Incident use cases. Each runs in one unit of work: the incident and its children, the events
(outbox) and the audit entry commit together or not at all. Every read and change takes the
caller's scope: an incident outside it is not found."""

from dataclasses import dataclass
from datetime import date, datetime

from pas_security.adapters.incidents import (
    IncidentFilter,
    IncidentRepository,
    OverdueEscalation,
    incident_audit,
    inmates_on_roster,
)
from pas_security.adapters.tables import facilities
from pas_security.domain.incident import ActionIn, Incident, IncidentRules, IncidentStatus, PersonIn, incident_not_found
from pas_shared.api import Page, Scope
from pas_shared.clock import Clock, latest_local_today
from pas_shared.db import Database, UnitOfWork
from pas_shared.directory import require_upt
from pas_shared.errors import RuleViolation
from pas_shared.ids import new_id


@dataclass(frozen=True, kw_only=True)
class RecordIncident:
    upt_code: str
    category: str
    severity: str
    title: str
    location: str
    narrative: str
    occurred_at: datetime
    people: list[PersonIn]
    actions: list[ActionIn]
    as_draft: bool


def _publish(uow: UnitOfWork, incident: Incident) -> None:
    # subject = incident: its events stay in order on one partition.
    uow.emit_recorded(incident.events, subject=incident.incident_id, uptcode=incident.upt_code, kanwilcode=incident.kanwil_code)


async def record_incident(db: Database, cmd: RecordIncident, *, scope: Scope, actor: str, clock: Clock) -> Incident:
    async with UnitOfWork(db, actor=actor) as uow:
        facility = await require_upt(uow.session, facilities, cmd.upt_code, scope=scope)
        named = [p.inmate_id for p in cmd.people if p.kind == "inmate" and p.inmate_id]
        incident = Incident.record(
            incident_id=new_id(),
            upt_code=facility.upt_code,
            kanwil_code=facility.kanwil_code,
            time_zone=facility.time_zone,
            category=cmd.category,
            severity=cmd.severity,
            title=cmd.title,
            location=cmd.location,
            narrative=cmd.narrative,
            occurred_at=cmd.occurred_at,
            people=cmd.people,
            on_roster=await inmates_on_roster(uow.session, facility.upt_code, named),
            actions=cmd.actions,
            as_draft=cmd.as_draft,
            by=actor,
            now=clock(),
        )
        await IncidentRepository(uow.session).add(incident)
        _publish(uow, incident)
        uow.audit("incident.recorded", "incident", incident.incident_id, after=incident_audit(incident))
    return incident


async def _load(uow: UnitOfWork, incident_id: str, scope: Scope) -> tuple[IncidentRepository, Incident]:
    repo = IncidentRepository(uow.session)
    incident = await repo.get(incident_id, scope, for_update=True)
    if incident is None:
        raise incident_not_found(incident_id)
    return repo, incident


async def move_incident(
    db: Database,
    incident_id: str,
    *,
    to: IncidentStatus,
    why: str,
    duplicate_of: str | None,
    scope: Scope,
    actor: str,
    clock: Clock,
) -> Incident:
    async with UnitOfWork(db, actor=actor) as uow:
        repo, incident = await _load(uow, incident_id, scope)
        before = incident_audit(incident)
        original = None
        if duplicate_of is not None:
            if to is not IncidentStatus.DUPLICATE:
                raise RuleViolation(
                    "duplicate_of",
                    "duplicate-only",
                    id="duplicate_of hanya untuk status duplicate.",
                    en="duplicate_of is given only to mark a duplicate.",
                )
            original = await repo.get(duplicate_of, scope)
            if original is None:
                error = incident_not_found(duplicate_of, "duplicate_of")
                raise RuleViolation("duplicate_of", "incident-exists", id=error.detail_id, en=error.detail_en)
        incident.move(to, by=actor, why=why, at=clock(), duplicate_of=original)
        await repo.save(incident)
        _publish(uow, incident)
        uow.audit(f"incident.{to.value}", "incident", incident_id, before=before, after=incident_audit(incident))
    return incident


async def add_addendum(
    db: Database, incident_id: str, *, text: str, actions: list[ActionIn], scope: Scope, actor: str, clock: Clock
) -> Incident:
    async with UnitOfWork(db, actor=actor) as uow:
        repo, incident = await _load(uow, incident_id, scope)
        before = incident_audit(incident)
        incident.add_addendum(text=text, actions=actions, by=actor, now=clock())
        await repo.save(incident)
        _publish(uow, incident)
        uow.audit("incident.amended", "incident", incident_id, before=before, after=incident_audit(incident) | {"addendum": text})
    return incident


async def escalate(
    db: Database,
    incident_id: str,
    *,
    level: str,
    escalated_at: datetime,
    note: str | None,
    scope: Scope,
    actor: str,
    clock: Clock,
) -> Incident:
    async with UnitOfWork(db, actor=actor) as uow:
        repo, incident = await _load(uow, incident_id, scope)
        before = incident_audit(incident)
        incident.escalate(level=level, escalated_at=escalated_at, note=note, by=actor, now=clock())
        await repo.save(incident)
        _publish(uow, incident)
        uow.audit("incident.escalated", "incident", incident_id, before=before, after=incident_audit(incident))
    return incident


async def get_incident(db: Database, incident_id: str, *, scope: Scope) -> Incident:
    async with db.sessions() as session:
        incident = await IncidentRepository(session).get(incident_id, scope)
    if incident is None:
        raise incident_not_found(incident_id)
    return incident


async def list_incidents(db: Database, f: IncidentFilter, *, scope: Scope, page: Page) -> tuple[list[Incident], int]:
    async with db.sessions() as session:
        return await IncidentRepository(session).find(f, scope, page)


@dataclass(frozen=True)
class CategoryCount:
    upt_code: str
    kanwil_code: str
    category: str
    count: int


async def incident_counts(db: Database, f: IncidentFilter, *, scope: Scope) -> list[CategoryCount]:
    """Counts per UPT and category of the incidents statistics count (reported, not excluded)."""
    async with db.sessions() as session:
        rows = await IncidentRepository(session).counts(IncidentFilter(**{**f.__dict__, "counted_only": True}), scope)
    return [CategoryCount(*r) for r in rows]


async def overdue_escalations(
    db: Database, *, upt_code: str | None, kanwil_code: str | None, scope: Scope, page: Page, clock: Clock
) -> tuple[list[OverdueEscalation], int, datetime]:
    now = clock()
    async with db.sessions() as session:
        found, total = await IncidentRepository(session).overdue_escalations(
            now, scope, upt_code=upt_code, kanwil_code=kanwil_code, page=page
        )
    return found, total, now


async def overdue_escalation_counts(db: Database, now: datetime) -> dict[tuple[str, ...], float]:
    """Overdue escalation deadlines per (Kanwil, level, category), nationally: the gauge behind
    the alert on critical incidents (escapes first) not escalated in time."""
    async with db.sessions() as session:
        rows = await IncidentRepository(session).overdue_escalation_counts(now)
    return {(kanwil, level, category): float(n) for kanwil, level, category, n in rows}


def reference_data(on: date | None, *, clock: Clock) -> tuple[date, IncidentRules]:
    """The categories, severities, roles and escalation deadlines in force on a day (default: today)."""
    day = on or latest_local_today(clock)
    return day, IncidentRules.on(day)
