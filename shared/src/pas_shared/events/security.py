"""Event payloads published by the security service."""

from datetime import date
from enum import StrEnum

from pydantic import Field

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


DISCIPLINE_SANCTIONED = event_type("security", "discipline", "sanctioned", 1, DisciplineSanctioned)
DISCIPLINE_ANNULLED = event_type("security", "discipline", "annulled", 1, DisciplineAnnulled)
