"""KPI read models from the security service's events: escapes and recaptures, incidents and
their closing and escalation, searches and seizures, SOP audits, officers and training."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from pas_gateway.adapters.kpi_store import Changes
from pas_gateway.adapters.tables import kpi_escape, kpi_incident, kpi_officer, kpi_upt
from pas_gateway.app.kpi_projection import day_of, kpi_subscription, load, projects, save, zones
from pas_shared.consumer import Received
from pas_shared.db import UnitOfWork
from pas_shared.events.security import (
    ESCAPE_REPORTED,
    ESCAPEE_DIED,
    ESCAPEE_RECAPTURED,
    INCIDENT_CLOSED,
    INCIDENT_ESCALATED,
    INCIDENT_EXCLUDED,
    INCIDENT_REPORTED,
    OFFICER_REASSIGNED,
    OFFICER_REGISTERED,
    OFFICER_SEPARATED,
    SEARCH_CONDUCTED,
    SOP_AUDIT_COMPLETED,
    TRAINING_COMPLETED,
    EscapeeDied,
    EscapeeRecaptured,
    EscapeReported,
    IncidentClosed,
    IncidentEscalated,
    IncidentExcluded,
    IncidentReported,
    OfficerReassigned,
    OfficerRegistered,
    OfficerSeparated,
    SearchConducted,
    SopAuditCompleted,
    TrainingCompleted,
)

security_kpi = kpi_subscription("security")


# -- Escapes ----------------------------------------------------------------------------------


@projects(security_kpi, ESCAPE_REPORTED, reads={kpi_escape: lambda e: e.data.escape_id})
async def escape_reported(uow: UnitOfWork, c: Changes, events: Sequence[Received[EscapeReported]]) -> None:
    known = await load(uow, kpi_escape, (e.data.escape_id for e in events))
    for e in events:
        d, kanwil = e.data, e.envelope.kanwilcode
        if d.escape_id in known:
            continue
        known[d.escape_id] = {
            "escape_id": d.escape_id,
            "upt_code": d.upt_code,
            "kanwil_code": kanwil,
            "escaped_on": d.escaped_on,
            "at_large": True,
        }
        c.count(d.upt_code, kanwil, "escapees", 1, d.escaped_on)
        c.level(d.upt_code, kanwil, "at_large", 1, d.escaped_on)
    save(uow, kpi_escape, known.values())


def _ends_time_at_large(c: Changes, row: dict[str, Any] | None, on: date) -> bool:
    if row is None or not row["at_large"]:
        return False
    row["at_large"] = False
    c.level(row["upt_code"], row["kanwil_code"], "at_large", -1, on)
    return True


@projects(security_kpi, ESCAPEE_RECAPTURED, reads={kpi_escape: lambda e: e.data.escape_id})
async def escapee_recaptured(uow: UnitOfWork, c: Changes, events: Sequence[Received[EscapeeRecaptured]]) -> None:
    """Recaptures count towards the escape's own day (the cohort), so a period's recapture rate
    and median days describe the escapes of that period."""
    known = await load(uow, kpi_escape, (e.data.escape_id for e in events))
    for e in events:
        row = known.get(e.data.escape_id)
        if _ends_time_at_large(c, row, e.data.recaptured_on):
            assert row is not None
            upt, kanwil, escaped_on = row["upt_code"], row["kanwil_code"], row["escaped_on"]
            c.count(upt, kanwil, "escapees_recaptured", 1, escaped_on)
            c.count(upt, kanwil, f"recapture_days:{(e.data.recaptured_on - escaped_on).days}", 1, escaped_on)
    save(uow, kpi_escape, known.values())


@projects(security_kpi, ESCAPEE_DIED, reads={kpi_escape: lambda e: e.data.escape_id})
async def escapee_died(uow: UnitOfWork, c: Changes, events: Sequence[Received[EscapeeDied]]) -> None:
    known = await load(uow, kpi_escape, (e.data.escape_id for e in events))
    for e in events:
        _ends_time_at_large(c, known.get(e.data.escape_id), e.data.died_on)
    save(uow, kpi_escape, known.values())


# -- Incidents --------------------------------------------------------------------------------


def _count_incident(c: Changes, row: dict[str, Any], delta: int) -> None:
    upt, kanwil, day = row["upt_code"], row["kanwil_code"], row["occurred_on"]
    c.count(upt, kanwil, "incidents", delta, day)
    c.count(upt, kanwil, f"incidents.category:{row['category']}", delta, day)
    c.count(upt, kanwil, f"incidents.severity:{row['severity']}", delta, day)


@projects(security_kpi, INCIDENT_REPORTED, reads={kpi_incident: lambda e: e.data.incident_id})
async def incident_reported(uow: UnitOfWork, c: Changes, events: Sequence[Received[IncidentReported]]) -> None:
    known = await load(uow, kpi_incident, (e.data.incident_id for e in events))
    for e in events:
        d = e.data
        if d.incident_id in known:
            continue
        row = known[d.incident_id] = {
            "incident_id": d.incident_id,
            "upt_code": d.upt_code,
            "kanwil_code": d.kanwil_code,
            "category": d.category,
            "severity": d.severity,
            "occurred_on": d.occurred_on,
            "occurred_at": d.occurred_at,
            "status": "open",
        }
        _count_incident(c, row, +1)
        c.level(d.upt_code, d.kanwil_code, "incidents_open", 1, d.occurred_on)
    save(uow, kpi_incident, known.values())


@projects(security_kpi, INCIDENT_CLOSED, reads={kpi_incident: lambda e: e.data.incident_id, kpi_upt: lambda e: e.data.upt_code})
async def incident_closed(uow: UnitOfWork, c: Changes, events: Sequence[Received[IncidentClosed]]) -> None:
    known = await load(uow, kpi_incident, (e.data.incident_id for e in events))
    zone_of = await zones(uow, (e.data.upt_code for e in events))
    for e in events:
        row = known.get(e.data.incident_id)
        if row is None or row["status"] != "open":
            continue
        row["status"] = "closed"
        upt, kanwil, day = row["upt_code"], row["kanwil_code"], day_of(e.data.closed_at, e.data.upt_code, zone_of)
        c.level(upt, kanwil, "incidents_open", -1, day)
        c.count(upt, kanwil, "incidents_closed", 1, day)
        c.count(upt, kanwil, "close_hours", (e.data.closed_at - row["occurred_at"]).total_seconds() / 3600, day)
    save(uow, kpi_incident, known.values())


@projects(security_kpi, INCIDENT_EXCLUDED, reads={kpi_incident: lambda e: e.data.incident_id, kpi_upt: lambda e: e.data.upt_code})
async def incident_excluded(uow: UnitOfWork, c: Changes, events: Sequence[Received[IncidentExcluded]]) -> None:
    """A duplicate or not-reportable incident leaves the statistics of the day it occurred."""
    known = await load(uow, kpi_incident, (e.data.incident_id for e in events))
    zone_of = await zones(uow, (e.data.upt_code for e in events))
    for e in events:
        row = known.get(e.data.incident_id)
        if row is None or row["status"] == "excluded":
            continue
        _count_incident(c, row, -1)
        if row["status"] == "open":
            c.level(
                row["upt_code"], row["kanwil_code"], "incidents_open", -1, day_of(e.data.excluded_at, row["upt_code"], zone_of)
            )
        row["status"] = "excluded"
    save(uow, kpi_incident, known.values())


@projects(security_kpi, INCIDENT_ESCALATED, reads={kpi_upt: lambda e: e.data.upt_code})
async def incident_escalated(uow: UnitOfWork, c: Changes, events: Sequence[Received[IncidentEscalated]]) -> None:
    zone_of = await zones(uow, (e.data.upt_code for e in events))
    for e in events:
        d = e.data
        if d.on_time is None:  # no deadline applies
            continue
        day = day_of(d.escalated_at, d.upt_code, zone_of)
        c.count(d.upt_code, e.envelope.kanwilcode, "escalations_due", 1, day)
        c.count(d.upt_code, e.envelope.kanwilcode, "escalations_on_time", int(d.on_time), day)


# -- Searches and SOP audits ------------------------------------------------------------------


@projects(security_kpi, SEARCH_CONDUCTED)
async def search_conducted(uow: UnitOfWork, c: Changes, events: Sequence[Received[SearchConducted]]) -> None:
    for e in events:
        d = e.data
        c.count(d.upt_code, d.kanwil_code, "searches", 1, d.started_on)
        for item in d.seized:
            c.count(d.upt_code, d.kanwil_code, f"seized:{item.item_type}", item.count, d.started_on)


@projects(security_kpi, SOP_AUDIT_COMPLETED)
async def sop_audit_completed(uow: UnitOfWork, c: Changes, events: Sequence[Received[SopAuditCompleted]]) -> None:
    for e in events:
        d = e.data
        c.count(d.upt_code, d.kanwil_code, "audits", 1, d.audited_on)
        c.count(d.upt_code, d.kanwil_code, "audit_score", d.score_pct, d.audited_on)
        c.level(
            d.upt_code, d.kanwil_code, "corrective_open", d.corrective_actions_opened - d.corrective_actions_closed, d.audited_on
        )


# -- Officers and training --------------------------------------------------------------------
# An officer counts where posted while active; a certification counts on its last valid day, so
# "valid today" is the sum over days from today on. Training and officer events travel on
# different topics: a training seen first keeps its date on a not-yet-active row.


def _officer_counts(c: Changes, row: dict[str, Any], delta: int, day: date) -> None:
    if not row["active"]:
        return
    upt, kanwil = row["upt_code"], row["kanwil_code"]
    c.level(upt, kanwil, "officers", delta, day)
    if row["guard"]:
        c.level(upt, kanwil, "guards", delta, day)
    if row["trained_until"] is not None:
        c.count(upt, kanwil, "trained_until", delta, row["trained_until"])


@projects(security_kpi, OFFICER_REGISTERED, reads={kpi_officer: lambda e: e.data.officer_id})
async def officer_registered(uow: UnitOfWork, c: Changes, events: Sequence[Received[OfficerRegistered]]) -> None:
    known = await load(uow, kpi_officer, (e.data.officer_id for e in events))
    for e in events:
        d = e.data
        row = known.setdefault(d.officer_id, {"officer_id": d.officer_id, "active": False, "trained_until": None})
        if row["active"]:
            continue
        row.update(upt_code=d.upt_code, kanwil_code=d.kanwil_code, guard=d.guard, active=True)
        _officer_counts(c, row, +1, d.assigned_on)
    save(uow, kpi_officer, known.values())


@projects(security_kpi, OFFICER_REASSIGNED, reads={kpi_officer: lambda e: e.data.officer_id})
async def officer_reassigned(uow: UnitOfWork, c: Changes, events: Sequence[Received[OfficerReassigned]]) -> None:
    known = await load(uow, kpi_officer, (e.data.officer_id for e in events))
    for e in events:
        d, row = e.data, known.get(e.data.officer_id)
        if row is None or not row["active"]:
            continue
        _officer_counts(c, row, -1, d.assigned_on)
        row.update(upt_code=d.upt_code, kanwil_code=d.kanwil_code, guard=d.guard)
        _officer_counts(c, row, +1, d.assigned_on)
    save(uow, kpi_officer, known.values())


@projects(security_kpi, OFFICER_SEPARATED, reads={kpi_officer: lambda e: e.data.officer_id})
async def officer_separated(uow: UnitOfWork, c: Changes, events: Sequence[Received[OfficerSeparated]]) -> None:
    known = await load(uow, kpi_officer, (e.data.officer_id for e in events))
    for e in events:
        row = known.get(e.data.officer_id)
        if row is None or not row["active"]:
            continue
        _officer_counts(c, row, -1, e.data.separated_on)
        row["active"] = False
    save(uow, kpi_officer, known.values())


@projects(security_kpi, TRAINING_COMPLETED, reads={kpi_officer: lambda e: e.data.officer_id})
async def training_completed(uow: UnitOfWork, c: Changes, events: Sequence[Received[TrainingCompleted]]) -> None:
    known = await load(uow, kpi_officer, (e.data.officer_id for e in events))
    for e in events:
        d = e.data
        if not d.passed or d.valid_until is None:
            continue
        row = known.setdefault(
            d.officer_id,
            {
                "officer_id": d.officer_id,
                "upt_code": d.upt_code,
                "kanwil_code": d.kanwil_code,
                "guard": False,
                "active": False,
                "trained_until": None,
            },
        )
        if row["trained_until"] is not None and row["trained_until"] >= d.valid_until:
            continue
        if row["active"] and row["trained_until"] is not None:
            c.count(row["upt_code"], row["kanwil_code"], "trained_until", -1, row["trained_until"])
        row["trained_until"] = d.valid_until
        if row["active"]:
            c.count(row["upt_code"], row["kanwil_code"], "trained_until", 1, d.valid_until)
    save(uow, kpi_officer, known.values())
