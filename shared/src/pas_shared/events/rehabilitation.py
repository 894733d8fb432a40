"""Event payloads published by the rehabilitation service."""

from datetime import date
from enum import StrEnum

from pydantic import Field

from pas_shared.events.catalog import event_type
from pas_shared.events.remission import UPT_CODE, Payload


class Grade(StrEnum):
    """Grade of a development programme; "baik" proves good behaviour for remission."""

    BAIK = "baik"
    CUKUP = "cukup"
    KURANG = "kurang"


class RiskLevel(StrEnum):
    TINGGI = "tinggi"
    SEDANG = "sedang"
    RENDAH = "rendah"


class ProgrammeGraded(Payload):
    enrolment_id: str = Field(min_length=1)
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    programme: str = Field(min_length=1, max_length=200)
    grade: Grade
    graded_on: date


class RiskAssessed(Payload):
    assessment_id: str = Field(min_length=1)
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    level: RiskLevel
    previous_level: RiskLevel | None
    reduced: bool = Field(description="The level went down compared with the previous assessment.")
    assessed_on: date


PROGRAMME_GRADED = event_type("rehabilitation", "programme", "graded", 1, ProgrammeGraded)
RISK_ASSESSED = event_type("rehabilitation", "risk", "assessed", 1, RiskAssessed)
