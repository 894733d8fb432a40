from fastapi import APIRouter, status

from pas_remission.adapters.repository import FacilityRepository, InmateRepository
from pas_remission.api.schemas import FacilityIn, FacilityOut, InmateIn, InmateOut, ReleaseIn
from pas_remission.app import handlers
from pas_remission.app.commands import AdmitInmate, RegisterFacility, ReleaseInmate
from pas_remission.domain.inmate import Inmate
from pas_shared.api import ActorDep, ClockDep, DatabaseDep
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
        released_on=inmate.released_on,
        release_reason=inmate.release_reason,
    )


@router.post("/facilities", status_code=status.HTTP_201_CREATED, operation_id="registerFacility", tags=["facilities"])
async def register_facility(body: FacilityIn, db: DatabaseDep, actor: ActorDep) -> FacilityOut:
    await handlers.register_facility(db, RegisterFacility(**body.model_dump()), actor=actor)
    return FacilityOut(**body.model_dump(), population=0)


@router.get("/facilities/{upt_code}", operation_id="getFacility", tags=["facilities"])
async def get_facility(upt_code: str, db: DatabaseDep) -> FacilityOut:
    async with db.sessions() as session:
        repo = FacilityRepository(session)
        facility = await repo.get(upt_code)
        if facility is None:
            raise NotFound(id=f"UPT {upt_code} belum terdaftar.", en=f"UPT {upt_code} is not registered.")
        population = await repo.population(upt_code)
    return FacilityOut(
        upt_code=facility.upt_code,
        name=facility.name,
        upt_type=facility.upt_type,
        kanwil_code=facility.kanwil_code,
        capacity=facility.capacity,
        time_zone=facility.time_zone,
        population=population,
    )


@router.post("/inmates", status_code=status.HTTP_201_CREATED, operation_id="admitInmate", tags=["inmates"])
async def admit_inmate(body: InmateIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep) -> InmateOut:
    inmate = await handlers.admit_inmate(db, AdmitInmate(**body.model_dump()), actor=actor, clock=clock)
    return _inmate_out(inmate)


@router.get("/inmates/{inmate_id}", operation_id="getInmate", tags=["inmates"])
async def get_inmate(inmate_id: str, db: DatabaseDep) -> InmateOut:
    async with db.sessions() as session:
        inmate = await InmateRepository(session).get(inmate_id)
    if inmate is None:
        raise NotFound(id=f"WBP {inmate_id} tidak ada dalam register.", en=f"Inmate {inmate_id} is not in the register.")
    return _inmate_out(inmate)


@router.post("/inmates/{inmate_id}/release", operation_id="releaseInmate", tags=["inmates"])
async def release_inmate(inmate_id: str, body: ReleaseIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep) -> InmateOut:
    cmd = ReleaseInmate(inmate_id=inmate_id, released_on=body.released_on, reason=body.reason)
    return _inmate_out(await handlers.release_inmate(db, cmd, actor=actor, clock=clock))
