from datetime import date
from typing import Any

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, Field

from pas_remission.adapters.repository import FacilityRepository, InmateRepository, TransferRepository
from pas_remission.api.schemas import (
    FacilityIn,
    FacilityOut,
    InmateIn,
    InmateOut,
    ReleaseIn,
    RemissionCheckOut,
    SpanOut,
    SpecialConditionIn,
    SpecialConditionOut,
    StepOut,
    TransferIn,
    TransferOut,
    VerdictIn,
)
from pas_remission.app import handlers, queries
from pas_remission.app.commands import (
    AdmitInmate,
    RecordSpecialCondition,
    RecordVerdict,
    RegisterFacility,
    ReleaseInmate,
    TransferInmate,
)
from pas_remission.domain.calendar import NO_TIME, Span
from pas_remission.domain.engine import Occasion, SentenceKind
from pas_remission.domain.facility import Facility
from pas_remission.domain.inmate import Holiday, Inmate, Transfer, Verdict, inmate_not_found
from pas_remission.domain.reference import reference
from pas_shared.api import ActorDep, ClockDep, DatabaseDep, ScopeDep
from pas_shared.errors import NotFound

router = APIRouter(prefix="/api/v1")


def _inmate_out(inmate: Inmate) -> InmateOut:
    return InmateOut(
        inmate_id=inmate.inmate_id,
        register_number=inmate.register_number,
        upt_code=inmate.upt_code,
        kanwil_code=inmate.kanwil_code,
        custody_status=inmate.custody_status,
        is_child=inmate.is_child,
        admitted_on=inmate.admitted_on,
        religion=inmate.religion,
        released_on=inmate.released_on,
        release_reason=inmate.release_reason,
        detaining_authority=inmate.detaining_authority,
    )


@router.post("/facilities", status_code=status.HTTP_201_CREATED, operation_id="registerFacility", tags=["facilities"])
async def register_facility(body: FacilityIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep) -> FacilityOut:
    """A Kanwil user registers UPTs of their Kanwil; a UPT user only their own UPT (422 on the
    field outside the scope)."""
    cmd = RegisterFacility(**body.model_dump())
    facility = await handlers.register_facility(db, cmd, scope=scope, actor=actor, clock=clock)
    return _facility_out(facility, population=0)


def _facility_out(facility: Facility, *, population: int) -> FacilityOut:
    return FacilityOut(
        upt_code=facility.upt_code,
        name=facility.name,
        upt_type=facility.upt_type,
        kanwil_code=facility.kanwil_code,
        capacity=facility.capacity,
        time_zone=facility.time_zone,
        upt_class=facility.upt_class,
        province=facility.province,
        population=population,
    )


class KanwilOut(BaseModel):
    code: str
    name: str
    provinces: list[str]
    time_zone: str
    note: str


class ReferenceOut(BaseModel):
    about: str
    status: str
    kanwil: list[KanwilOut]
    upts: list[dict[str, Any]] = Field(description="Named UPTs (reported); not the full register.")


@router.get("/reference", operation_id="getReferenceData", tags=["facilities"])
async def get_reference() -> ReferenceOut:
    """The 33 Kanwil with their provinces and time zone, and the named UPTs of the reference data."""
    ref = reference()
    return ReferenceOut(
        about=ref.about,
        status=ref.status,
        kanwil=[
            KanwilOut(code=k.code, name=k.name, provinces=list(k.provinces), time_zone=k.time_zone.value, note=k.note)
            for k in ref.kanwil.values()
        ],
        upts=ref.upts,
    )


@router.get("/facilities/{upt_code}", operation_id="getFacility", tags=["facilities"])
async def get_facility(upt_code: str, db: DatabaseDep, scope: ScopeDep) -> FacilityOut:
    """404 for a UPT not registered or outside the caller's scope."""
    async with db.sessions() as session:
        repo = FacilityRepository(session)
        facility = await repo.get(upt_code, scope=scope)
        if facility is None:
            raise NotFound(id=f"UPT {upt_code} belum terdaftar.", en=f"UPT {upt_code} is not registered.")
        population = await repo.population(upt_code)
    return _facility_out(facility, population=population)


@router.post("/inmates", status_code=status.HTTP_201_CREATED, operation_id="admitInmate", tags=["inmates"])
async def admit_inmate(body: InmateIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep) -> InmateOut:
    """Into a UPT within the caller's scope (422 on upt_code otherwise, as for an unknown UPT)."""
    inmate = await handlers.admit_inmate(db, AdmitInmate(**body.model_dump()), scope=scope, actor=actor, clock=clock)
    return _inmate_out(inmate)


@router.get("/inmates/{inmate_id}", operation_id="getInmate", tags=["inmates"])
async def get_inmate(inmate_id: str, db: DatabaseDep, scope: ScopeDep) -> InmateOut:
    """404 for an inmate unknown or held outside the caller's scope (the UPT holding them now decides)."""
    async with db.sessions() as session:
        inmate = await InmateRepository(session).get(inmate_id, scope=scope)
    if inmate is None:
        raise inmate_not_found(inmate_id)
    return _inmate_out(inmate)


@router.post("/inmates/{inmate_id}/release", operation_id="releaseInmate", tags=["inmates"])
async def release_inmate(
    inmate_id: str, body: ReleaseIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep
) -> InmateOut:
    cmd = ReleaseInmate(inmate_id=inmate_id, released_on=body.released_on, reason=body.reason)
    return _inmate_out(await handlers.release_inmate(db, cmd, scope=scope, actor=actor, clock=clock))


def _transfer_out(t: Transfer) -> TransferOut:
    return TransferOut(
        transfer_id=t.transfer_id,
        inmate_id=t.inmate_id,
        from_upt_code=t.from_upt_code,
        from_kanwil_code=t.from_kanwil_code,
        to_upt_code=t.to_upt_code,
        to_kanwil_code=t.to_kanwil_code,
        from_register_number=t.from_register_number,
        to_register_number=t.to_register_number,
        transferred_on=t.transferred_on,
        reason=t.reason,
        by=t.by,
        at=t.at,
    )


@router.post(
    "/inmates/{inmate_id}/transfers", status_code=status.HTTP_201_CREATED, operation_id="transferInmate", tags=["inmates"]
)
async def transfer_inmate(
    inmate_id: str, body: TransferIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep
) -> TransferOut:
    """Move the inmate to another UPT; publishes pas.remission.inmate.transferred. The caller must
    see the inmate where they are held now; the destination may be any registered UPT."""
    cmd = TransferInmate(inmate_id=inmate_id, **body.model_dump())
    _, transfer = await handlers.transfer_inmate(db, cmd, scope=scope, actor=actor, clock=clock)
    return _transfer_out(transfer)


@router.get("/inmates/{inmate_id}/transfers", operation_id="listInmateTransfers", tags=["inmates"])
async def list_transfers(inmate_id: str, db: DatabaseDep, scope: ScopeDep) -> list[TransferOut]:
    """Where the inmate has been moved, oldest first (for callers who see where they are held now)."""
    async with db.sessions() as session:
        if await InmateRepository(session).get(inmate_id, scope=scope) is None:
            raise inmate_not_found(inmate_id)
        found = await TransferRepository(session).of_inmate(inmate_id)
    return [_transfer_out(t) for t in found]


@router.put("/inmates/{inmate_id}/verdict", operation_id="recordVerdict", tags=["inmates"])
async def record_verdict(
    inmate_id: str, body: VerdictIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep
) -> InmateOut:
    sentence = body.sentence
    verdict = Verdict(
        final_on=body.verdict_final_on,
        sentence_kind=sentence.kind,
        sentence=Span(sentence.years, sentence.months, sentence.days) if sentence.kind is SentenceKind.TERM else NO_TIME,
        fine_substitute=Span(body.fine_substitute.years, body.fine_substitute.months, body.fine_substitute.days),
        crime=body.crime,
    )
    cmd = RecordVerdict(inmate_id=inmate_id, verdict=verdict)
    inmate = await handlers.record_verdict(db, cmd, scope=scope, actor=actor, clock=clock)
    return _inmate_out(inmate)


@router.post(
    "/inmates/{inmate_id}/special-conditions",
    status_code=status.HTTP_201_CREATED,
    operation_id="recordSpecialCondition",
    tags=["inmates"],
)
async def record_special_condition(
    inmate_id: str, body: SpecialConditionIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep
) -> SpecialConditionOut:
    """Korupsi: fine and restitution paid; terorisme: deradicalisation completed and the loyalty
    pledge signed; any verdict with a fine-substitute term: the fine paid. Counted from `met_on`."""
    cmd = RecordSpecialCondition(inmate_id=inmate_id, **body.model_dump())
    c = await handlers.record_special_condition(db, cmd, scope=scope, actor=actor, clock=clock)
    return SpecialConditionOut(inmate_id=c.inmate_id, condition=c.condition, met_on=c.met_on, evidence=c.evidence)


@router.get("/inmates/{inmate_id}/remission", operation_id="checkRemission", tags=["remission"])
async def check_remission(
    inmate_id: str,
    db: DatabaseDep,
    scope: ScopeDep,
    request: Request,
    occasion: Occasion,
    on: date,
    holiday: Holiday | None = None,
) -> RemissionCheckOut:
    """The engine's answer for this inmate on one occasion, with every rule it applied."""
    settings = request.app.state.settings
    r = await queries.remission_check(
        db,
        inmate_id=inmate_id,
        occasion=occasion,
        on=on,
        holiday=holiday.value if holiday else None,
        assume_conditions_met=settings.assume_programme_and_risk_met,
        scope=scope,
    )
    return RemissionCheckOut(
        inmate_id=inmate_id,
        occasion=r.occasion,
        on=on,
        eligible=r.eligible,
        reasons=r.reasons,
        grant_index=r.grant_index,
        amount=SpanOut(years=r.amount.years, months=r.amount.months, days=r.amount.days) if r.amount else None,
        type=r.type,
        release_on=r.release_on,
        later_grant=r.later_grant,
        steps=[StepOut(rule=s.rule, source=s.source, finding=s.finding, passed=s.passed) for s in r.steps],
    )
