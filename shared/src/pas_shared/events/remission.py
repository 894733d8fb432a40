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


class InmateSentenced(Payload):
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    sentence_kind: str = Field(pattern=r"^(term|life|death)$")
    verdict_final_on: date
    expiration: date | None = Field(description="Expiration date before any remission; none for life or death.")


class RemissionGranted(Payload):
    grant_id: str = Field(min_length=1)
    batch_id: str = Field(min_length=1)
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    occasion: str = Field(description="remisi-umum, remisi-khusus:<holiday> or remisi-dasawarsa")
    granted_on: date
    months: int = Field(ge=0)
    days: int = Field(ge=0)
    remission_type: str = Field(pattern=r"^(I|II)$")
    decree_number: str = Field(min_length=1)
    release_on: date


INMATE_SENTENCED = event_type("remission", "inmate", "sentenced", 1, InmateSentenced)
REMISSION_GRANTED = event_type("remission", "remission", "granted", 1, RemissionGranted)
