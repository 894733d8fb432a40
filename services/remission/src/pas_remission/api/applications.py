"""Routes for integration-rights applications (PB, CB, CMB, asimilasi), their service-level
clocks, and the decongestion list (convicts past 2/3 with no application)."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from pydantic import BaseModel, Field

from pas_remission.api.schemas import Body
from pas_remission.app import applications, decongestion
from pas_remission.app.access import region_parts
from pas_remission.app.applications import ApplicationView
from pas_remission.domain.applications import Application, ApplicationStatus, IntegrationRight, StageClock, StageState
from pas_remission.domain.occupancy import Level
from pas_shared.api import ActorDep, ClockDep, DatabaseDep, Scope, ScopeDep
from pas_shared.clock import Clock
from pas_shared.db import Database
from pas_shared.events.remission import UPT_CODE

router = APIRouter(prefix="/api/v1", tags=["integration rights"])

APPLICATIONS = "/integration-applications"


class Step(StrEnum):
    """The steps taken with a reason only; the decree, release and revocation have their own routes."""

    DOCUMENTS_COMPLETE = "documents-complete"
    TPP_UPT_RECOMMENDED = "tpp-upt-recommended"
    KANWIL_VERIFIED = "kanwil-verified"
    DITJENPAS_APPROVED = "ditjenpas-approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"


Why = Annotated[str, Field(min_length=3, max_length=500, description="Why: the session, letter or decision behind the step.")]


class ApplicationIn(Body):
    inmate_id: str = Field(min_length=1, max_length=36)
    right: IntegrationRight
    proposed_on: date | None = Field(
        default=None, description="The proposed start, on which eligibility is checked (default: today, UPT local)."
    )
    why: Why = "diusulkan oleh UPT"


class DocumentsIn(Body):
    documents: list[Annotated[str, Field(pattern=r"^[a-z][a-z-]{1,62}[a-z]$")]] = Field(min_length=1, max_length=20)
    received_on: date | None = Field(default=None, description="Default: today (UPT local).")


class StepIn(Body):
    to: Step
    why: Why


class DecreeIn(Body):
    decree_number: str = Field(min_length=3, max_length=100, description="Number of the SK granting the right.")
    starts_on: date
    ends_on: date | None = Field(default=None, description="Asimilasi only; PB, CB and CMB ends are computed.")
    why: Why = "SK diterbitkan"


class ReleaseIn(Body):
    released_on: date | None = Field(default=None, description="Default: today (UPT local).")
    why: Why = "diserahkan ke Bapas untuk pembimbingan"


class RevokeIn(Body):
    ground: str = Field(pattern=r"^[a-z][a-z-]{1,30}[a-z]$", examples=["three-missed-reports"])
    revoked_on: date | None = Field(default=None, description="Default: today (UPT local).")
    why: Why


class DocumentOut(BaseModel):
    code: str
    name_id: str
    name_en: str
    received_on: date | None


class TransitionOut(BaseModel):
    from_status: ApplicationStatus | None
    to_status: ApplicationStatus
    by: str
    why: str
    at: datetime


class StageOut(BaseModel):
    stage: str
    from_status: ApplicationStatus
    until_status: ApplicationStatus
    limit: str
    basis: str
    entered_on: date | None
    due_on: date | None
    met_on: date | None
    state: StageState
    days_overdue: int


class ApplicationSummaryOut(BaseModel):
    application_id: str
    inmate_id: str
    upt_code: str
    kanwil_code: str
    right: IntegrationRight
    crime: str
    status: ApplicationStatus
    status_since: datetime
    opened_on: date
    proposed_on: date
    earliest_on: date | None
    decree_number: str | None
    decided_on: date | None
    starts_on: date | None
    ends_on: date | None
    supervised_from: date | None
    revocation_ground: str | None
    revoked_on: date | None
    completed_on: date | None


class ApplicationOut(ApplicationSummaryOut):
    documents_rule: str
    documents: list[DocumentOut]
    documents_missing: list[str]
    transitions: list[TransitionOut]
    service_levels: list[StageOut]
    as_of: date = Field(description="The UPT's local date the service levels were judged on.")


class OverdueOut(BaseModel):
    application_id: str
    inmate_id: str
    upt_code: str
    kanwil_code: str
    right: IntegrationRight
    status: ApplicationStatus
    stage: StageOut
    as_of: date


class OverdueListOut(BaseModel):
    count: int
    applications: int
    items: list[OverdueOut]


class CandidateOut(BaseModel):
    inmate_id: str
    register_number: str
    upt_code: str
    kanwil_code: str
    two_thirds_on: date
    days_past: int
    pb_eligible: bool
    pb_reasons: list[str]


class UptCountOut(BaseModel):
    upt_code: str
    kanwil_code: str
    count: int


class DecongestionOut(BaseModel):
    level: Level = Field(
        description="What the list covers: national, one Kanwil or one UPT (never wider than the caller's scope)."
    )
    code: str = Field(description="The Kanwil or UPT code, or 'national'.")
    total: int
    per_upt: list[UptCountOut]
    inmates: list[CandidateOut]


def _summary(a: Application) -> dict[str, object]:
    return {
        "application_id": a.application_id,
        "inmate_id": a.inmate_id,
        "upt_code": a.upt_code,
        "kanwil_code": a.kanwil_code,
        "right": a.right,
        "crime": a.crime,
        "status": a.status,
        "status_since": a.status_since,
        "opened_on": a.opened_on,
        "proposed_on": a.proposed_on,
        "earliest_on": a.earliest_on,
        "decree_number": a.decree_number,
        "decided_on": a.decided_on,
        "starts_on": a.starts_on,
        "ends_on": a.ends_on,
        "supervised_from": a.supervised_from,
        "revocation_ground": a.revocation_ground,
        "revoked_on": a.revoked_on,
        "completed_on": a.completed_on,
    }


def _stage(s: StageClock) -> StageOut:
    return StageOut(
        stage=s.stage,
        from_status=s.from_status,
        until_status=s.until_status,
        limit=s.limit,
        basis=s.basis,
        entered_on=s.entered_on,
        due_on=s.due_on,
        met_on=s.met_on,
        state=s.state,
        days_overdue=s.days_overdue,
    )


def _out(view: ApplicationView) -> ApplicationOut:
    a = view.application
    return ApplicationOut.model_validate(
        _summary(a)
        | {
            "documents_rule": view.documents_rule,
            "documents": [
                DocumentOut(code=d.code, name_id=d.name_id, name_en=d.name_en, received_on=a.documents.get(d.code))
                for d in view.required
            ],
            "documents_missing": a.missing_documents(view.required),
            "transitions": [
                TransitionOut(from_status=t.from_status, to_status=t.to_status, by=t.by, why=t.why, at=t.at)
                for t in a.transitions
            ],
            "service_levels": [_stage(s) for s in view.stages],
            "as_of": view.today,
        }
    )


async def _view(db: Database, application_id: str, scope: Scope, clock: Clock) -> ApplicationOut:
    return _out(await applications.get_application(db, application_id, scope=scope, clock=clock))


def _assume(request: Request) -> bool:
    return bool(request.app.state.settings.assume_programme_and_risk_met)


ScopeUpt = Annotated[str | None, Query(pattern=UPT_CODE)]


@router.post(APPLICATIONS, status_code=status.HTTP_201_CREATED, operation_id="openIntegrationApplication")
async def open_application(
    body: ApplicationIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep, request: Request
) -> ApplicationOut:
    """Runs the engine on the inmate for the right on the proposed start; refused (422, naming
    every unmet rule) when not eligible. An inmate held outside the caller's scope is not found."""
    app = await applications.open_application(
        db,
        inmate_id=body.inmate_id,
        right=body.right,
        proposed_on=body.proposed_on,
        why=body.why,
        scope=scope,
        actor=actor,
        clock=clock,
        assume_conditions_met=_assume(request),
    )
    return await _view(db, app.application_id, scope, clock)


@router.get(APPLICATIONS, operation_id="listIntegrationApplications")
async def list_applications(
    db: DatabaseDep,
    scope: ScopeDep,
    upt_code: ScopeUpt = None,
    kanwil_code: ScopeUpt = None,
    status: ApplicationStatus | None = None,
    right: IntegrationRight | None = None,
    inmate_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[ApplicationSummaryOut]:
    found = await applications.list_applications(
        db,
        upt_code=upt_code,
        kanwil_code=kanwil_code,
        status=status,
        right=right,
        inmate_id=inmate_id,
        scope=scope,
        limit=limit,
        offset=offset,
    )
    return [ApplicationSummaryOut.model_validate(_summary(a)) for a in found]


@router.get(f"{APPLICATIONS}/overdue", operation_id="listOverdueIntegrationApplications")
async def overdue(
    db: DatabaseDep, scope: ScopeDep, clock: ClockDep, upt_code: ScopeUpt = None, kanwil_code: ScopeUpt = None
) -> OverdueListOut:
    """Applications not yet decreed with a stage past its due date (working days, UPT local);
    one item per overdue stage. Per UPT, per Kanwil, or the caller's whole scope with neither
    (a UPT or Kanwil outside it: 404)."""
    found = await applications.overdue(db, upt_code=upt_code, kanwil_code=kanwil_code, scope=scope, clock=clock)
    items = [
        OverdueOut(
            application_id=o.application.application_id,
            inmate_id=o.application.inmate_id,
            upt_code=o.application.upt_code,
            kanwil_code=o.application.kanwil_code,
            right=o.application.right,
            status=o.application.status,
            stage=_stage(o.stage),
            as_of=o.today,
        )
        for o in found
    ]
    return OverdueListOut(count=len(items), applications=len({i.application_id for i in items}), items=items)


@router.get(f"{APPLICATIONS}/{{application_id}}", operation_id="getIntegrationApplication")
async def get_application(application_id: str, db: DatabaseDep, scope: ScopeDep, clock: ClockDep) -> ApplicationOut:
    """The application with its documents, every transition (who, when, why) and each stage's
    due date, when it was met or how overdue it is. 404 outside the caller's scope (the UPT the
    application is with decides)."""
    return await _view(db, application_id, scope, clock)


@router.post(f"{APPLICATIONS}/{{application_id}}/documents", operation_id="recordApplicationDocuments")
async def record_documents(
    application_id: str, body: DocumentsIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep
) -> ApplicationOut:
    await applications.record_documents(
        db, application_id, documents=body.documents, received_on=body.received_on, scope=scope, actor=actor, clock=clock
    )
    return await _view(db, application_id, scope, clock)


@router.post(f"{APPLICATIONS}/{{application_id}}/transitions", operation_id="moveIntegrationApplication")
async def move(
    application_id: str, body: StepIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep
) -> ApplicationOut:
    to = ApplicationStatus(body.to.value)
    await applications.take_step(db, application_id, to=to, why=body.why, scope=scope, actor=actor, clock=clock)
    return await _view(db, application_id, scope, clock)


@router.post(f"{APPLICATIONS}/{{application_id}}/decree", operation_id="decreeIntegrationRight")
async def decree(
    application_id: str, body: DecreeIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep, request: Request
) -> ApplicationOut:
    """The SK. The engine is asked again on the start date; publishes integration-right.decided."""
    await applications.decree(
        db,
        application_id,
        decree_number=body.decree_number,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        why=body.why,
        scope=scope,
        actor=actor,
        clock=clock,
        assume_conditions_met=_assume(request),
    )
    return await _view(db, application_id, scope, clock)


@router.post(f"{APPLICATIONS}/{{application_id}}/release", operation_id="releaseToBapasSupervision")
async def release(
    application_id: str, body: ReleaseIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep
) -> ApplicationOut:
    """PB, CB, CMB: the inmate is released (inmate.released, reason pb, cb or cmb) under Bapas
    supervision. Asimilasi: supervision starts and the inmate stays in the register."""
    await applications.release_to_supervision(
        db, application_id, released_on=body.released_on, why=body.why, scope=scope, actor=actor, clock=clock
    )
    return await _view(db, application_id, scope, clock)


@router.post(f"{APPLICATIONS}/{{application_id}}/revoke", operation_id="revokeIntegrationRight")
async def revoke(
    application_id: str, body: RevokeIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep
) -> ApplicationOut:
    """Pencabutan on a ground from the rule data; publishes integration-right.revoked. The return
    to custody is a separate admission."""
    await applications.revoke(
        db, application_id, ground=body.ground, revoked_on=body.revoked_on, why=body.why, scope=scope, actor=actor, clock=clock
    )
    return await _view(db, application_id, scope, clock)


@router.get("/decongestion", operation_id="getDecongestionList", tags=["decongestion"])
async def decongestion_list(
    db: DatabaseDep,
    scope: ScopeDep,
    clock: ClockDep,
    request: Request,
    upt_code: ScopeUpt = None,
    kanwil_code: ScopeUpt = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> DecongestionOut:
    """Held convicts whose 2/3 date is on or before today (UPT local) with no PB, CB or CMB
    application in progress or granted; longest past 2/3 first, with counts per UPT. Over the UPT
    or Kanwil asked for (404 outside the caller's scope) or the caller's whole scope, which
    `level` and `code` name."""
    found = await decongestion.decongestion(
        db, upt_code=upt_code, kanwil_code=kanwil_code, scope=scope, clock=clock, assume_conditions_met=_assume(request)
    )
    level, code = region_parts(found.region)
    return DecongestionOut(
        level=Level(level),
        code=code,
        total=len(found.candidates),
        per_upt=[UptCountOut(upt_code=u.upt_code, kanwil_code=u.kanwil_code, count=u.count) for u in found.per_upt],
        inmates=[
            CandidateOut(
                inmate_id=c.inmate_id,
                register_number=c.register_number,
                upt_code=c.upt_code,
                kanwil_code=c.kanwil_code,
                two_thirds_on=c.two_thirds_on,
                days_past=c.days_past,
                pb_eligible=c.pb_eligible,
                pb_reasons=list(c.pb_reasons),
            )
            for c in found.candidates[offset : offset + limit]
        ],
    )
