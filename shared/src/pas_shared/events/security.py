"""Event payloads published by the security service."""

from datetime import date
from enum import StrEnum

from pydantic import AwareDatetime, Field

from pas_shared.events.catalog import event_type
from pas_shared.events.remission import UPT_CODE, Payload


class DisciplineLevel(StrEnum):
    """Permenkumham 6/2013 as amended by 29/2017, Pasal 8 and 9."""

    RINGAN = "ringan"
    SEDANG = "sedang"
    BERAT = "berat"


class DisciplineSanctioned(Payload):
    case_id: str = Field(min_length=1)
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    level: DisciplineLevel
    register_f: bool = Field(description="Recorded in Register F (serious sanctions); blocks remisi and integration rights.")
    sanctioned_on: date
    isolation_days: int = Field(ge=0, le=12)


class DisciplineAnnulled(Payload):
    case_id: str = Field(min_length=1)
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    annulled_on: date


class EscapeReported(Payload):
    escape_id: str = Field(min_length=1)
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    escaped_at: AwareDatetime
    escaped_on: date = Field(description="Calendar date of the escape in the UPT's own time zone.")
    method: str = Field(min_length=1, max_length=200)


class EscapeeRecaptured(Payload):
    escape_id: str = Field(min_length=1)
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    recaptured_at: AwareDatetime
    recaptured_on: date = Field(description="Calendar date of the recapture in the UPT's own time zone.")
    place: str = Field(min_length=1, max_length=200)


DISCIPLINE_SANCTIONED = event_type("security", "discipline", "sanctioned", 1, DisciplineSanctioned)
DISCIPLINE_ANNULLED = event_type("security", "discipline", "annulled", 1, DisciplineAnnulled)
ESCAPE_REPORTED = event_type("security", "escape", "reported", 1, EscapeReported)
ESCAPEE_RECAPTURED = event_type("security", "escape", "recaptured", 1, EscapeeRecaptured)
