"""Request and response bodies (separate from tables and from events)."""

from datetime import date

from pydantic import BaseModel, Field

from pas_rehabilitation.domain.programme import EnrolmentStatus, ProgrammeKind
from pas_shared.api import Body as Body  # the shared base: unknown fields and unstorable text refused
from pas_shared.events.rehabilitation import Grade, RiskLevel
from pas_shared.events.remission import UPT_CODE

CODE = r"^[a-z][a-z0-9-]{1,39}$"  # reference-list codes (categories, permit types)


class EnrolmentIn(Body):
    inmate_id: str = Field(min_length=1, max_length=36)
    programme_id: str = Field(min_length=1, max_length=36, description="The programme; its UPT is the enrolment's.")
    enrolled_on: date


class GradeIn(Body):
    grade: Grade = Field(description='"baik" proves good behaviour for remission.')
    graded_on: date


class EnrolmentOut(BaseModel):
    enrolment_id: str
    inmate_id: str
    upt_code: str
    programme_id: str | None = Field(description="None for enrolments made before programmes were records.")
    programme: str
    kind: ProgrammeKind
    enrolled_on: date
    status: EnrolmentStatus
    grade: Grade | None
    graded_on: date | None
    ended_on: date | None = Field(description="Completed or withdrawn on.")


class AssessmentIn(Body):
    inmate_id: str = Field(min_length=1, max_length=36)
    upt_code: str = Field(pattern=UPT_CODE, examples=["LP-CIPINANG"])
    level: RiskLevel
    assessed_on: date


class AssessmentOut(BaseModel):
    assessment_id: str
    inmate_id: str
    upt_code: str
    level: RiskLevel
    assessed_on: date
    previous_level: RiskLevel | None = Field(description="Level of the inmate's previous assessment in this service, if any.")
    reduced: bool = Field(description="The level went down compared with the previous assessment.")
