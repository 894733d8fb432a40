"""Commands: what a user asks the rehabilitation service to do."""

from dataclasses import dataclass
from datetime import date

from pas_shared.events.rehabilitation import Grade, RiskLevel


@dataclass(frozen=True, kw_only=True)
class EnrolInProgramme:
    inmate_id: str
    programme_id: str
    enrolled_on: date


@dataclass(frozen=True, kw_only=True)
class GradeEnrolment:
    enrolment_id: str
    grade: Grade
    graded_on: date


@dataclass(frozen=True, kw_only=True)
class AssessRisk:
    inmate_id: str
    upt_code: str
    level: RiskLevel
    assessed_on: date
