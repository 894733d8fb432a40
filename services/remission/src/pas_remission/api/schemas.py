"""Request and response bodies (separate from tables and from events)."""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from pas_remission.domain.facility import TimeZone, UptType
from pas_remission.domain.inmate import ReleaseReason
from pas_shared.events.remission import UPT_CODE, CustodyStatus


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class FacilityIn(Body):
    upt_code: str = Field(pattern=UPT_CODE, examples=["LP-CIPINANG"])
    name: str = Field(min_length=1, max_length=200, examples=["Lapas Kelas I Cipinang"])
    upt_type: UptType
    kanwil_code: str = Field(pattern=UPT_CODE, examples=["KW-DKI"])
    capacity: int = Field(ge=0, le=100_000)
    time_zone: TimeZone


class FacilityOut(FacilityIn):
    population: int


class InmateIn(Body):
    register_number: str = Field(min_length=1, max_length=64)
    upt_code: str = Field(pattern=UPT_CODE)
    custody_status: CustodyStatus
    birth_date: date
    admitted_on: date


class InmateOut(BaseModel):
    inmate_id: str
    register_number: str
    upt_code: str
    kanwil_code: str
    custody_status: CustodyStatus
    is_child: bool
    admitted_on: date
    released_on: date | None
    release_reason: ReleaseReason | None


class ReleaseIn(Body):
    released_on: date
    reason: ReleaseReason
