"""Development programmes (program pembinaan): an inmate's enrolment and its grade.

Remission asks whether the inmate is active in the development programme with grade baik;
this service records the enrolment and, once, the grade (ProgrammeGraded). Attendance, the
programme catalogue and the sidang TPP that decides the grade are later slices.
"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from pydantic import BaseModel

from pas_shared.errors import Conflict, FieldError, NotFound, RuleViolation
from pas_shared.events.rehabilitation import Grade, ProgrammeGraded
from pas_shared.workflow import changed_concurrently, require_transition


class ProgrammeKind(StrEnum):
    """Pembinaan kemandirian (skills, work) or pembinaan kepribadian (religion, character)."""

    KEMANDIRIAN = "kemandirian"
    KEPRIBADIAN = "kepribadian"


class EnrolmentStatus(StrEnum):
    ENROLLED = "enrolled"
    GRADED = "graded"


# Each state lists the states it may move to; anything else is refused. A grade is final.
NEXT: dict[EnrolmentStatus, set[EnrolmentStatus]] = {
    EnrolmentStatus.ENROLLED: {EnrolmentStatus.GRADED},
    EnrolmentStatus.GRADED: set(),
}


@dataclass
class Enrolment:
    enrolment_id: str
    inmate_id: str
    upt_code: str
    programme: str
    kind: ProgrammeKind
    enrolled_on: date
    status: EnrolmentStatus = EnrolmentStatus.ENROLLED
    grade: Grade | None = None
    graded_on: date | None = None
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def enrol(
        cls,
        *,
        enrolment_id: str,
        inmate_id: str,
        upt_code: str,
        programme: str,
        kind: ProgrammeKind,
        enrolled_on: date,
        today: date,
    ) -> "Enrolment":
        if enrolled_on > today:
            raise RuleViolation(
                "enrolled_on",
                "not-in-future",
                id="Tanggal mulai mengikuti program pembinaan tidak boleh di masa depan.",
                en="The enrolment date cannot be in the future.",
            )
        # No event yet: remission only needs the grade (ProgrammeGraded).
        return cls(enrolment_id, inmate_id, upt_code, programme, kind, enrolled_on)

    def move(self, to: EnrolmentStatus) -> None:
        self._require(to)
        self.status = to

    def _require(self, to: EnrolmentStatus) -> None:
        already_id = already_en = ""
        if self.grade is not None and self.graded_on is not None:
            already_id = f" (nilai {self.grade.value} pada {self.graded_on.isoformat()})"
            already_en = f" (grade {self.grade.value} on {self.graded_on.isoformat()})"
        require_transition(
            NEXT,
            self.status,
            to,
            what_id=f"Keikutsertaan {self.enrolment_id}",
            what_en=f"Enrolment {self.enrolment_id}",
            detail_id=already_id,
            detail_en=already_en,
        )

    def record_grade(self, *, grade: Grade, graded_on: date, today: date) -> None:
        # The state is checked first: grading a graded enrolment is a conflict whatever the date.
        self._require(EnrolmentStatus.GRADED)
        if graded_on < self.enrolled_on:
            raise RuleViolation(
                "graded_on",
                "not-before-enrolment",
                id="Tanggal penilaian tidak boleh sebelum tanggal mulai mengikuti program.",
                en="The grading date cannot be before the enrolment date.",
            )
        if graded_on > today:
            raise RuleViolation(
                "graded_on",
                "not-in-future",
                id="Tanggal penilaian tidak boleh di masa depan.",
                en="The grading date cannot be in the future.",
            )
        self.move(EnrolmentStatus.GRADED)
        self.grade = grade
        self.graded_on = graded_on
        self.events.append(
            ProgrammeGraded(
                enrolment_id=self.enrolment_id,
                inmate_id=self.inmate_id,
                upt_code=self.upt_code,
                programme=self.programme,
                grade=grade,
                graded_on=graded_on,
            )
        )


def concurrent_change(enrolment_id: str) -> Conflict:
    """The enrolment changed between reading and saving it (another grade came first)."""
    return changed_concurrently(
        what_id=f"Keikutsertaan {enrolment_id}", what_en=f"Enrolment {enrolment_id}", noun_id="keikutsertaan", noun_en="enrolment"
    )


def enrolment_not_found(enrolment_id: str) -> NotFound:
    return NotFound(
        id=f"Keikutsertaan program {enrolment_id} tidak ditemukan.",
        en=f"Enrolment {enrolment_id} does not exist.",
        errors=[FieldError("enrolment_id", "enrolment-exists", "Data keikutsertaan tidak ditemukan.", "No such enrolment.")],
    )
