"""Event payloads published by the remission service (the owner of facilities and the register)."""

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from pas_shared.events.catalog import event_type

UPT_CODE = r"^[A-Z0-9-]{2,32}$"


class Payload(BaseModel):
    # Consumers ignore fields they do not know, so adding an optional field stays compatible.
    model_config = ConfigDict(frozen=True, extra="ignore")


class FacilityRegistered(Payload):
    upt_code: str = Field(pattern=UPT_CODE)
    name: str = Field(min_length=1, max_length=200)
    upt_type: str = Field(description="Lapas, Rutan, LPKA, LPP, Lapas Narkotika, Cabang Rutan, Bapas.")
    kanwil_code: str = Field(pattern=UPT_CODE)
    capacity: int = Field(ge=0)
    time_zone: str = Field(description="WIB, WITA or WIT as an IANA zone name.")


class CustodyStatus(StrEnum):
    TAHANAN = "tahanan"  # detainee, no final verdict yet
    NARAPIDANA = "narapidana"  # convict with an inkracht verdict


class InmateAdmitted(Payload):
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)
    custody_status: CustodyStatus
    is_child: bool
    admitted_on: date


class InmateReleased(Payload):
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    released_on: date
    reason: str = Field(min_length=1, max_length=64)


FACILITY_REGISTERED = event_type("remission", "facility", "registered", 1, FacilityRegistered)
INMATE_ADMITTED = event_type("remission", "inmate", "admitted", 1, InmateAdmitted)
INMATE_RELEASED = event_type("remission", "inmate", "released", 1, InmateReleased)
