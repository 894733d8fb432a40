"""The UPTs this service knows (from remission's facility events)."""

from fastapi import APIRouter
from pydantic import BaseModel

from pas_rehabilitation.adapters.tables import facilities
from pas_shared.api import DatabaseDep, ScopeDep
from pas_shared.directory import get_upt
from pas_shared.errors import NotFound

router = APIRouter(prefix="/api/v1", tags=["facilities"])


class FacilityOut(BaseModel):
    upt_code: str
    name: str
    upt_type: str
    kanwil_code: str
    time_zone: str


@router.get("/facilities/{upt_code}", operation_id="getKnownFacility")
async def get_facility(upt_code: str, db: DatabaseDep, scope: ScopeDep) -> FacilityOut:
    async with db.sessions() as session:
        f = await get_upt(session, facilities, upt_code, scope=scope)
    if f is None:
        raise NotFound(id=f"UPT {upt_code} belum diketahui layanan ini.", en=f"UPT {upt_code} is not known to this service.")
    return FacilityOut(upt_code=f.upt_code, name=f.name, upt_type=f.upt_type, kanwil_code=f.kanwil_code, time_zone=f.time_zone)
