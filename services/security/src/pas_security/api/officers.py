"""Routes for officers: registration and assignment, trainings and certifications with expiry
warnings, internal disciplinary actions, training coverage and inmates per guard."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from pas_security.adapters.officers import OfficerFilter
from pas_security.api.schemas import Body
from pas_security.app import officers as use
from pas_security.domain.officer import (
    CertificationState,
    Officer,
    OfficerSanction,
    OfficerStatus,
    SeparationReason,
    Training,
)
from pas_shared.api import ActorDep, ClockDep, DatabaseDep, PageDep, PageOut, ScopeDep
from pas_shared.events.remission import UPT_CODE
from pas_shared.events.security import INCIDENT_CODE

router = APIRouter(prefix="/api/v1", tags=["officers"])

Code = Annotated[str, Field(pattern=INCIDENT_CODE)]
UptQuery = Annotated[str | None, Query(pattern=UPT_CODE)]
NIP = r"^[0-9]{18}$"

COVERAGE_DEFINITION = (
    "For each training kind: of the UPT's active officers whose position needs it (rule data), the share holding a "
    "certification of that kind valid on the day (completed_on ≤ day ≤ valid_until). fully_trained: of the officers whose "
    "position needs any kind, those holding every kind it needs. Percentages rounded half up to one decimal; none when no "
    "officer needs the kind."
)
RATIO_DEFINITION = (
    "inmates_per_guard = population (the roster's headcount of the UPT) ÷ active officers in a guard position (rule data), "
    "rounded half up to one decimal; none without guards. The total divides summed population by summed guards."
)


class OfficerIn(Body):
    nip: str = Field(pattern=NIP, description="Nomor Induk Pegawai (18 digits), unique.")
    name: str = Field(min_length=2, max_length=200)
    position: Code = Field(examples=["penjaga-tahanan"])
    post: str = Field(min_length=2, max_length=200, examples=["Regu jaga II, blok C"])
    upt_code: str = Field(pattern=UPT_CODE, examples=["LP-CIPINANG"])
    assigned_on: date


class ReassignIn(Body):
    position: Code
    post: str = Field(min_length=2, max_length=200)
    upt_code: str = Field(pattern=UPT_CODE)
    assigned_on: date


class SeparationIn(Body):
    separated_on: date
    reason: SeparationReason


class TrainingIn(Body):
    kind: Code = Field(examples=["searching"])
    completed_on: date
    passed: bool
    hours: int = Field(ge=1, le=2000)
    provider: str = Field(min_length=2, max_length=200, examples=["Poltekip"])
    certificate_no: str | None = Field(default=None, min_length=1, max_length=100, description="Required when passed.")


class OfficerDisciplineIn(Body):
    level: Code = Field(examples=["sedang"])
    penalty: Code = Field(examples=["potongan-tukin-enam-bulan"])
    reason: Code = Field(examples=["halinar-phone"])
    decided_on: date
    decree_no: str = Field(min_length=3, max_length=100)
    incident_id: str | None = Field(default=None, min_length=1, max_length=36, description="The incident it follows, if any.")


class OfficerOut(BaseModel):
    officer_id: str
    nip: str
    name: str
    position: str
    guard: bool
    post: str
    upt_code: str
    kanwil_code: str
    assigned_on: date
    status: OfficerStatus
    separated_on: date | None
    separation_reason: str | None


class TrainingOut(BaseModel):
    training_id: str
    officer_id: str
    upt_code: str
    kind: str
    completed_on: date
    passed: bool
    hours: int
    provider: str
    certificate_no: str | None
    valid_until: date | None
    state: CertificationState | None = Field(default=None, description="On the UPT's local today (officer reads only).")


class OfficerSanctionOut(BaseModel):
    action_id: str
    officer_id: str
    upt_code: str
    kanwil_code: str
    level: str
    penalty: str
    reason: str
    decided_on: date
    decree_no: str
    incident_id: str | None


class OfficerDetailOut(OfficerOut):
    today: date = Field(description="The UPT's local today, the day certification states are judged on.")
    trainings: list[TrainingOut]
    disciplinary_actions: list[OfficerSanctionOut]


class ExpiringOut(BaseModel):
    officer_id: str
    officer_name: str
    upt_code: str
    kanwil_code: str
    kind: str
    certificate_no: str | None
    valid_until: date
    days_left: int = Field(description="Days from the UPT's local today to the last valid day; negative once expired.")
    state: CertificationState


class ExpiringPageOut(PageOut[ExpiringOut]):
    within_days: int


class KindCoverageOut(BaseModel):
    kind: str
    required: int
    certified: int
    share_pct: float | None


class CoverageOut(BaseModel):
    upt_code: str
    kanwil_code: str
    on: date
    officers: int
    needing_training: int
    fully_trained: int
    fully_trained_pct: float | None
    kinds: list[KindCoverageOut]


class CoveragePageOut(PageOut[CoverageOut]):
    definition: str


class GuardRatioOut(BaseModel):
    upt_code: str
    kanwil_code: str
    population: int
    guards: int
    inmates_per_guard: float | None


class GuardRatioPageOut(PageOut[GuardRatioOut]):
    definition: str
    all_listed: GuardRatioOut = Field(description="Every UPT listed (all pages) on summed heads and guards.")
    reference_inmates_per_guard: float
    reference_source: str
    reference_status: str


class PositionOut(BaseModel):
    code: str
    name_id: str
    name_en: str
    guard: bool


class KindOut(BaseModel):
    code: str
    name_id: str
    name_en: str
    validity_months: int
    required_for: list[str]


class OfficerReferenceOut(BaseModel):
    on: date
    positions: list[PositionOut]
    training_kinds: list[KindOut]
    training_source: str
    training_status: str
    expiry_warning_days: int
    discipline_penalties: dict[str, list[str]] = Field(description="Empty before PP 94/2021 took effect.")
    discipline_reasons: list[str]
    discipline_source: str | None
    separation_reasons: list[str]


def _officer(o: Officer) -> dict[str, object]:
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
        "status": o.status,
        "separated_on": o.separated_on,
        "separation_reason": o.separation_reason,
    }


def _training(t: Training, state: CertificationState | None = None) -> TrainingOut:
    return TrainingOut(
        training_id=t.training_id,
        officer_id=t.officer_id,
        upt_code=t.upt_code,
        kind=t.kind,
        completed_on=t.completed_on,
        passed=t.passed,
        hours=t.hours,
        provider=t.provider,
        certificate_no=t.certificate_no,
        valid_until=t.valid_until,
        state=state,
    )


def _sanction(s: OfficerSanction) -> OfficerSanctionOut:
    return OfficerSanctionOut(
        action_id=s.action_id,
        officer_id=s.officer_id,
        upt_code=s.upt_code,
        kanwil_code=s.kanwil_code,
        level=s.level,
        penalty=s.penalty,
        reason=s.reason,
        decided_on=s.decided_on,
        decree_no=s.decree_no,
        incident_id=s.incident_id,
    )


@router.post("/officers", status_code=status.HTTP_201_CREATED, operation_id="registerOfficer")
async def register_officer(body: OfficerIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep) -> OfficerOut:
    """Registers an officer in a UPT (publishes officer.registered: no name or NIP in the event)."""
    cmd = use.RegisterOfficer(**body.model_dump())
    return OfficerOut.model_validate(_officer(await use.register_officer(db, cmd, scope=scope, actor=actor, clock=clock)))


@router.get("/officers", operation_id="listOfficers")
async def list_officers(
    db: DatabaseDep,
    scope: ScopeDep,
    page: PageDep,
    upt_code: UptQuery = None,
    kanwil_code: UptQuery = None,
    position: Annotated[str | None, Query(pattern=INCIDENT_CODE)] = None,
    officer_status: Annotated[OfficerStatus | None, Query(alias="status")] = None,
) -> PageOut[OfficerOut]:
    f = OfficerFilter(upt_code=upt_code, kanwil_code=kanwil_code, position=position, status=officer_status)
    found, total = await use.list_officers(db, f, scope=scope, page=page)
    return PageOut(
        items=[OfficerOut.model_validate(_officer(o)) for o in found], total=total, limit=page.limit, offset=page.offset
    )


@router.get("/officers/reference", operation_id="getOfficerReferenceData")
async def reference(clock: ClockDep, on: date | None = None) -> OfficerReferenceOut:
    """Positions (guard or not), training kinds with validity and who needs them, the warning
    window and the disciplinary penalties in force on `on` (default today)."""
    day, r, d = use.reference_data(on, clock=clock)
    return OfficerReferenceOut(
        on=day,
        positions=[PositionOut(code=p.code, name_id=p.name_id, name_en=p.name_en, guard=p.guard) for p in r.positions()],
        training_kinds=[
            KindOut(
                code=k.code,
                name_id=k.name_id,
                name_en=k.name_en,
                validity_months=k.validity_months,
                required_for=sorted(k.required_for),
            )
            for k in r.kinds()
        ],
        training_source=r.kinds_set.cite(),
        training_status=r.kinds_set.status,
        expiry_warning_days=r.warning_days,
        discipline_penalties=d.penalties() if d else {},
        discipline_reasons=d.reasons() if d else [],
        discipline_source=d.rule.cite() if d else None,
        separation_reasons=[r.value for r in SeparationReason],
    )


@router.get("/officers/certifications/expiring", operation_id="listExpiringCertifications")
async def expiring(
    db: DatabaseDep,
    scope: ScopeDep,
    page: PageDep,
    clock: ClockDep,
    upt_code: UptQuery = None,
    kanwil_code: UptQuery = None,
    within_days: Annotated[int | None, Query(ge=1, le=730, description="Default: the rule data's warning window.")] = None,
    include_expired: Annotated[bool, Query(description="Also the latest certifications already expired.")] = False,
) -> ExpiringPageOut:
    """Expiry warnings: each active officer's latest certification of a kind ending within the
    window from the UPT's local today, soonest first (a renewed certification is not listed)."""
    found, total, window = await use.expiring_certifications(
        db,
        upt_code=upt_code,
        kanwil_code=kanwil_code,
        within_days=within_days,
        include_expired=include_expired,
        scope=scope,
        page=page,
        clock=clock,
    )
    items = []
    for e in found:
        assert e.training.valid_until is not None
        items.append(
            ExpiringOut(
                officer_id=e.training.officer_id,
                officer_name=e.officer_name,
                upt_code=e.training.upt_code,
                kanwil_code=e.training.kanwil_code,
                kind=e.training.kind,
                certificate_no=e.training.certificate_no,
                valid_until=e.training.valid_until,
                days_left=e.days_left,
                state=e.state,
            )
        )
    return ExpiringPageOut(items=items, total=total, limit=page.limit, offset=page.offset, within_days=window)


@router.get("/officers/training-coverage", operation_id="getTrainingCoverage")
async def training_coverage(
    db: DatabaseDep,
    scope: ScopeDep,
    page: PageDep,
    clock: ClockDep,
    upt_code: UptQuery = None,
    kanwil_code: UptQuery = None,
    on: Annotated[date | None, Query(description="Default: each UPT's local today.")] = None,
) -> CoveragePageOut:
    found, total = await use.training_coverage(
        db, upt_code=upt_code, kanwil_code=kanwil_code, on=on, scope=scope, page=page, clock=clock
    )
    items = [
        CoverageOut(
            upt_code=c.upt_code,
            kanwil_code=c.kanwil_code,
            on=c.on,
            officers=c.officers,
            needing_training=c.needing_training,
            fully_trained=c.fully_trained,
            fully_trained_pct=c.fully_trained_pct,
            kinds=[
                KindCoverageOut(kind=k.kind, required=k.required, certified=k.certified, share_pct=k.share_pct) for k in c.kinds
            ],
        )
        for c in found
    ]
    return CoveragePageOut(items=items, total=total, limit=page.limit, offset=page.offset, definition=COVERAGE_DEFINITION)


@router.get("/officers/guard-ratio", operation_id="getInmatesPerGuard")
async def guard_ratio(
    db: DatabaseDep, scope: ScopeDep, page: PageDep, clock: ClockDep, upt_code: UptQuery = None, kanwil_code: UptQuery = None
) -> GuardRatioPageOut:
    """Inmates per guard per UPT in the directory, and over all the UPTs listed."""
    found, total, everything, ref = await use.guard_ratios(
        db, upt_code=upt_code, kanwil_code=kanwil_code, scope=scope, page=page, clock=clock
    )

    def out(r: use.GuardRatio) -> GuardRatioOut:
        return GuardRatioOut(
            upt_code=r.upt_code,
            kanwil_code=r.kanwil_code,
            population=r.population,
            guards=r.guards,
            inmates_per_guard=r.inmates_per_guard,
        )

    return GuardRatioPageOut(
        items=[out(r) for r in found],
        total=total,
        limit=page.limit,
        offset=page.offset,
        definition=RATIO_DEFINITION,
        all_listed=out(everything),
        reference_inmates_per_guard=float(ref.values["inmates_per_guard"]),
        reference_source=ref.cite(),
        reference_status=ref.status,
    )


@router.get("/officers/{officer_id}", operation_id="getOfficer")
async def get_officer(officer_id: str, db: DatabaseDep, scope: ScopeDep, clock: ClockDep) -> OfficerDetailOut:
    """The officer with every training (and its certification's state today) and disciplinary action."""
    r = await use.get_officer(db, officer_id, scope=scope, clock=clock)
    return OfficerDetailOut.model_validate(
        _officer(r.officer)
        | {
            "today": r.today,
            "trainings": [_training(t, r.state(t)) for t in r.trainings],
            "disciplinary_actions": [_sanction(s) for s in r.sanctions],
        }
    )


@router.post("/officers/{officer_id}/assignment", operation_id="reassignOfficer")
async def reassign(
    officer_id: str, body: ReassignIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep
) -> OfficerOut:
    """A new position, post or UPT (publishes officer.reassigned)."""
    cmd = use.ReassignOfficer(**body.model_dump())
    officer = await use.reassign_officer(db, officer_id, cmd, scope=scope, actor=actor, clock=clock)
    return OfficerOut.model_validate(_officer(officer))


@router.post("/officers/{officer_id}/separation", operation_id="separateOfficer")
async def separate(
    officer_id: str, body: SeparationIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep
) -> OfficerOut:
    """The officer leaves the service's ranks here (publishes officer.separated)."""
    officer = await use.separate_officer(
        db, officer_id, on=body.separated_on, reason=body.reason, scope=scope, actor=actor, clock=clock
    )
    return OfficerOut.model_validate(_officer(officer))


@router.post("/officers/{officer_id}/trainings", status_code=status.HTTP_201_CREATED, operation_id="recordTraining")
async def record_training(
    officer_id: str, body: TrainingIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep
) -> TrainingOut:
    """A completed training; a passed one gives a certification valid for the kind's months
    (rule data). Publishes training.completed."""
    cmd = use.RecordTraining(**body.model_dump())
    return _training(await use.record_training(db, officer_id, cmd, scope=scope, actor=actor, clock=clock))


@router.post("/officers/{officer_id}/disciplinary-actions", status_code=status.HTTP_201_CREATED, operation_id="disciplineOfficer")
async def discipline(
    officer_id: str, body: OfficerDisciplineIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep
) -> OfficerSanctionOut:
    """An internal disciplinary action on the officer (PP 94/2021 levels and penalties, rule data);
    publishes officer-discipline.imposed."""
    cmd = use.DisciplineOfficer(**body.model_dump())
    return _sanction(await use.discipline_officer(db, officer_id, cmd, scope=scope, actor=actor, clock=clock))
