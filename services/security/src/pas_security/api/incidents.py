"""Routes for security incidents: report, review, addenda, escalations, lists and counts."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from pas_security.adapters.incidents import IncidentFilter
from pas_security.api.schemas import Body
from pas_security.app import incidents as use
from pas_security.domain.incident import (
    COUNTED,
    ActionIn,
    EscalationState,
    Incident,
    IncidentStatus,
    PersonIn,
)
from pas_shared.api import ActorDep, ClockDep, DatabaseDep, PageDep, PageOut, ScopeDep
from pas_shared.events.remission import UPT_CODE
from pas_shared.events.security import INCIDENT_CODE

router = APIRouter(prefix="/api/v1", tags=["incidents"])

INCIDENTS = "/incidents"
Code = Annotated[str, Field(pattern=INCIDENT_CODE)]
Why = Annotated[str, Field(min_length=3, max_length=500, description="Why: the review finding or decision behind the step.")]
LocalOrAware = Field(description="ISO 8601; with an offset, or without one for the UPT's local wall time.")


class PersonBody(Body):
    kind: Literal["inmate", "officer"]
    role: Code = Field(examples=["perpetrator"])
    inmate_id: str | None = Field(
        default=None, min_length=1, max_length=36, description="Inmates: an id not on the roster is kept, flagged unverified."
    )
    name: str | None = Field(default=None, min_length=2, max_length=200, description="Officers.")
    nip: str | None = Field(default=None, pattern=r"^[0-9]{18}$", description="Officers: the 18-digit NIP, when known.")


class ActionBody(Body):
    taken_at: datetime = LocalOrAware
    description: str = Field(min_length=3, max_length=1000)


class IncidentIn(Body):
    upt_code: str = Field(pattern=UPT_CODE, examples=["LP-CIPINANG"])
    category: Code = Field(examples=["riot"])
    severity: Code = Field(examples=["high"])
    title: str = Field(min_length=3, max_length=200)
    location: str = Field(min_length=2, max_length=200, examples=["Blok C lantai 2"])
    narrative: str = Field(min_length=10, max_length=20_000, description="As first written; corrections are addenda.")
    occurred_at: datetime = LocalOrAware
    people: list[PersonBody] = Field(default_factory=list, max_length=500)
    actions: list[ActionBody] = Field(default_factory=list, max_length=100)
    as_draft: bool = Field(default=False, description="Keep as a draft (nothing published) instead of reporting it now.")


class Step(StrEnum):
    REPORTED = "reported"
    UNDER_REVIEW = "under-review"
    NEEDS_UPDATE = "needs-update"
    CLOSED = "closed"
    DUPLICATE = "duplicate"
    NOT_REPORTABLE = "not-reportable"


class StepIn(Body):
    to: Step
    why: Why
    duplicate_of: str | None = Field(
        default=None, min_length=1, max_length=36, description="The original incident (duplicate only)."
    )


class AddendumIn(Body):
    text: str = Field(min_length=3, max_length=20_000)
    actions: list[ActionBody] = Field(default_factory=list, max_length=100)


class EscalationIn(Body):
    level: Code = Field(examples=["kanwil"])
    escalated_at: datetime = LocalOrAware
    note: str | None = Field(default=None, max_length=500, examples=["ditelepon ke Kadiv Pemasyarakatan"])


class PersonOut(BaseModel):
    kind: str
    role: str
    inmate_id: str | None
    name: str | None
    nip: str | None
    verified: bool | None = Field(description="Inmates: on the UPT's roster. False: unverified (flagged, kept).")


class ActionOut(BaseModel):
    seq: int
    taken_at: datetime
    description: str
    recorded_by: str
    recorded_at: datetime


class AddendumOut(BaseModel):
    addendum_no: int
    text: str
    added_by: str
    added_at: datetime


class EscalationOut(BaseModel):
    level: str
    due_at: datetime | None
    escalated_at: datetime | None
    state: EscalationState
    recorded_by: str | None
    note: str | None


class TransitionOut(BaseModel):
    from_status: IncidentStatus | None
    to_status: IncidentStatus
    by: str
    why: str
    at: datetime


class IncidentSummaryOut(BaseModel):
    incident_id: str
    upt_code: str
    kanwil_code: str
    category: str
    severity: str
    critical: bool
    title: str
    location: str
    occurred_at: datetime
    occurred_local: datetime = Field(description="occurred_at in the UPT's time zone.")
    occurred_on: date = Field(description="Calendar date in the UPT's time zone.")
    status: IncidentStatus
    status_since: datetime
    counted: bool = Field(description="Counted in statistics: reported and not a duplicate or not reportable.")
    duplicate_of: str | None
    inmates_involved: int
    unverified_inmates: int
    officers_involved: int


class IncidentOut(IncidentSummaryOut):
    narrative: str
    people: list[PersonOut]
    actions: list[ActionOut]
    addenda: list[AddendumOut]
    escalations: list[EscalationOut]
    transitions: list[TransitionOut]
    created_by: str
    created_at: datetime
    as_of: datetime = Field(description="The instant the escalation states were judged at.")


class OverdueEscalationOut(BaseModel):
    incident: IncidentSummaryOut
    level: str
    due_at: datetime
    hours_overdue: float


class CountOut(BaseModel):
    upt_code: str
    kanwil_code: str
    category: str
    count: int


class CountsOut(BaseModel):
    total: int
    definition: str
    items: list[CountOut]


class CodeOut(BaseModel):
    code: str
    name_id: str
    name_en: str


class CategoryOut(CodeOut):
    critical: bool


class LevelOut(CodeOut):
    hours: float


class ReferenceOut(BaseModel):
    on: date
    categories: list[CategoryOut]
    categories_source: str
    categories_status: str
    severities: list[CodeOut]
    inmate_roles: list[CodeOut]
    officer_roles: list[CodeOut]
    escalation_levels: list[LevelOut]
    escalation_source: str
    escalation_status: str


def _summary(i: Incident) -> dict[str, object]:
    return {
        "incident_id": i.incident_id,
        "upt_code": i.upt_code,
        "kanwil_code": i.kanwil_code,
        "category": i.category,
        "severity": i.severity,
        "critical": i.critical,
        "title": i.title,
        "location": i.location,
        "occurred_at": i.occurred_at,
        "occurred_local": i.occurred_at.astimezone(i.zone),
        "occurred_on": i.occurred_on,
        "status": i.status,
        "status_since": i.status_since,
        "counted": i.status in COUNTED,
        "duplicate_of": i.duplicate_of,
        "inmates_involved": i.inmates_involved,
        "unverified_inmates": i.unverified_inmates,
        "officers_involved": i.officers_involved,
    }


def _out(i: Incident, now: datetime) -> IncidentOut:
    return IncidentOut.model_validate(
        _summary(i)
        | {
            "narrative": i.narrative,
            "people": [
                PersonOut(kind=p.kind, role=p.role, inmate_id=p.inmate_id, name=p.name, nip=p.nip, verified=p.verified)
                for p in i.people
            ],
            "actions": [
                ActionOut(
                    seq=a.seq,
                    taken_at=a.taken_at,
                    description=a.description,
                    recorded_by=a.recorded_by,
                    recorded_at=a.recorded_at,
                )
                for a in i.actions
            ],
            "addenda": [
                AddendumOut(addendum_no=a.addendum_no, text=a.text, added_by=a.added_by, added_at=a.added_at) for a in i.addenda
            ],
            "escalations": [
                EscalationOut(
                    level=e.level,
                    due_at=e.due_at,
                    escalated_at=e.escalated_at,
                    state=e.state(now),
                    recorded_by=e.recorded_by,
                    note=e.note,
                )
                for e in i.escalations.values()
            ],
            "transitions": [
                TransitionOut(from_status=t.from_status, to_status=t.to_status, by=t.by, why=t.why, at=t.at)
                for t in i.transitions
            ],
            "created_by": i.created_by,
            "created_at": i.created_at,
            "as_of": now,
        }
    )


def _people(people: list[PersonBody]) -> list[PersonIn]:
    return [PersonIn(p.kind, p.role, p.inmate_id, p.name, p.nip) for p in people]


def _actions(actions: list[ActionBody]) -> list[ActionIn]:
    return [ActionIn(a.taken_at, a.description) for a in actions]


@router.post(INCIDENTS, status_code=status.HTTP_201_CREATED, operation_id="recordIncident")
async def record_incident(body: IncidentIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep) -> IncidentOut:
    """Reports an incident (publishes incident.reported), or keeps it as a draft. An inmate id not
    on the UPT's roster is accepted and flagged unverified. Critical categories get escalation
    deadlines (rule data)."""
    cmd = use.RecordIncident(
        upt_code=body.upt_code,
        category=body.category,
        severity=body.severity,
        title=body.title,
        location=body.location,
        narrative=body.narrative,
        occurred_at=body.occurred_at,
        people=_people(body.people),
        actions=_actions(body.actions),
        as_draft=body.as_draft,
    )
    incident = await use.record_incident(db, cmd, scope=scope, actor=actor, clock=clock)
    return _out(incident, clock())


UptQuery = Annotated[str | None, Query(pattern=UPT_CODE)]


@router.get(INCIDENTS, operation_id="listIncidents")
async def list_incidents(
    db: DatabaseDep,
    scope: ScopeDep,
    page: PageDep,
    upt_code: UptQuery = None,
    kanwil_code: UptQuery = None,
    occurred_from: Annotated[date | None, Query(alias="from", description="UPT-local date, included.")] = None,
    occurred_to: Annotated[date | None, Query(alias="to", description="UPT-local date, included.")] = None,
    category: Annotated[str | None, Query(pattern=INCIDENT_CODE)] = None,
    severity: Annotated[str | None, Query(pattern=INCIDENT_CODE)] = None,
    incident_status: Annotated[IncidentStatus | None, Query(alias="status")] = None,
    unverified: Annotated[bool, Query(description="Only incidents naming an inmate not on the roster.")] = False,
) -> PageOut[IncidentSummaryOut]:
    """Latest first. Filters by UPT, Kanwil, period (from/to), category, severity and status."""
    f = IncidentFilter(
        upt_code=upt_code,
        kanwil_code=kanwil_code,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
        category=category,
        severity=severity,
        status=incident_status,
        unverified_only=unverified,
    )
    found, total = await use.list_incidents(db, f, scope=scope, page=page)
    return PageOut(
        items=[IncidentSummaryOut.model_validate(_summary(i)) for i in found], total=total, limit=page.limit, offset=page.offset
    )


@router.get(f"{INCIDENTS}/counts", operation_id="countIncidents")
async def count_incidents(
    db: DatabaseDep,
    scope: ScopeDep,
    upt_code: UptQuery = None,
    kanwil_code: UptQuery = None,
    occurred_from: Annotated[date | None, Query(alias="from")] = None,
    occurred_to: Annotated[date | None, Query(alias="to")] = None,
    category: Annotated[str | None, Query(pattern=INCIDENT_CODE)] = None,
) -> CountsOut:
    """Incidents per UPT and category, as statistics count them."""
    f = IncidentFilter(
        upt_code=upt_code, kanwil_code=kanwil_code, occurred_from=occurred_from, occurred_to=occurred_to, category=category
    )
    found = await use.incident_counts(db, f, scope=scope)
    return CountsOut(
        total=sum(c.count for c in found),
        definition="Incidents reported (reported, under-review, needs-update or closed) by the UPT-local date they occurred; "
        "drafts, duplicates and not-reportable ones are left out.",
        items=[CountOut(upt_code=c.upt_code, kanwil_code=c.kanwil_code, category=c.category, count=c.count) for c in found],
    )


@router.get(f"{INCIDENTS}/escalations/overdue", operation_id="listOverdueEscalations")
async def overdue_escalations(
    db: DatabaseDep, scope: ScopeDep, page: PageDep, clock: ClockDep, upt_code: UptQuery = None, kanwil_code: UptQuery = None
) -> PageOut[OverdueEscalationOut]:
    """Critical incidents whose escalation deadline (to the Kanwil or headquarters) has passed
    unmet, longest overdue first; duplicates and not-reportable incidents are left out."""
    found, total, now = await use.overdue_escalations(
        db, upt_code=upt_code, kanwil_code=kanwil_code, scope=scope, page=page, clock=clock
    )
    items = []
    for o in found:
        assert o.escalation.due_at is not None  # only deadlines are overdue
        items.append(
            OverdueEscalationOut(
                incident=IncidentSummaryOut.model_validate(_summary(o.incident)),
                level=o.escalation.level,
                due_at=o.escalation.due_at,
                hours_overdue=round((now - o.escalation.due_at).total_seconds() / 3600, 2),
            )
        )
    return PageOut(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get(f"{INCIDENTS}/reference", operation_id="getIncidentReferenceData")
async def reference(clock: ClockDep, on: date | None = None) -> ReferenceOut:
    """The categories, severities, roles and escalation deadlines in force on `on` (default today)."""
    day, r = use.reference_data(on, clock=clock)
    return ReferenceOut(
        on=day,
        categories=[
            CategoryOut(code=c.code, name_id=c.name_id, name_en=c.name_en, critical=c.critical) for c in r.category_list()
        ],
        categories_source=r.categories.cite(),
        categories_status=r.categories.status,
        severities=[CodeOut(code=c.code, name_id=c.name_id, name_en=c.name_en) for c in r.severity_list()],
        inmate_roles=[CodeOut(code=c.code, name_id=c.name_id, name_en=c.name_en) for c in r.inmate_roles()],
        officer_roles=[CodeOut(code=c.code, name_id=c.name_id, name_en=c.name_en) for c in r.officer_roles()],
        escalation_levels=[LevelOut(code=lv.code, name_id=lv.name_id, name_en=lv.name_en, hours=lv.hours) for lv in r.levels()],
        escalation_source=r.escalation.cite(),
        escalation_status=r.escalation.status,
    )


@router.get(f"{INCIDENTS}/{{incident_id}}", operation_id="getIncident")
async def get_incident(incident_id: str, db: DatabaseDep, scope: ScopeDep, clock: ClockDep) -> IncidentOut:
    """The incident with its people, actions, addenda, escalations (state) and every transition."""
    return _out(await use.get_incident(db, incident_id, scope=scope), clock())


@router.post(f"{INCIDENTS}/{{incident_id}}/transitions", operation_id="moveIncident")
async def move_incident(
    incident_id: str, body: StepIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep
) -> IncidentOut:
    """A review step: reported, under-review, needs-update, closed, duplicate (with duplicate_of)
    or not-reportable. Back to under-review after needs-update needs an addendum first."""
    incident = await use.move_incident(
        db,
        incident_id,
        to=IncidentStatus(body.to.value),
        why=body.why,
        duplicate_of=body.duplicate_of,
        scope=scope,
        actor=actor,
        clock=clock,
    )
    return _out(incident, clock())


@router.post(f"{INCIDENTS}/{{incident_id}}/addenda", status_code=status.HTTP_201_CREATED, operation_id="addIncidentAddendum")
async def add_addendum(
    incident_id: str, body: AddendumIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep
) -> IncidentOut:
    """A correction or a later fact, with any further actions taken; the narrative stays as written."""
    incident = await use.add_addendum(
        db, incident_id, text=body.text, actions=_actions(body.actions), scope=scope, actor=actor, clock=clock
    )
    return _out(incident, clock())


@router.post(f"{INCIDENTS}/{{incident_id}}/escalations", operation_id="escalateIncident")
async def escalate(
    incident_id: str, body: EscalationIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep
) -> IncidentOut:
    """Records when the incident was escalated to the Kanwil or headquarters; publishes incident.escalated."""
    incident = await use.escalate(
        db, incident_id, level=body.level, escalated_at=body.escalated_at, note=body.note, scope=scope, actor=actor, clock=clock
    )
    return _out(incident, clock())
