"""Development programmes (program pembinaan): the programme a UPT runs, an inmate's enrolment
in it, attendance at its sessions, the grade and the completion.

A programme is kemandirian (skills and work: agriculture, bakery, batik, ...) or kepribadian
(religious, civic, education), of a category from rule data, run in a UPT (often at an SAE site,
Sarana Asimilasi dan Edukasi) with a capacity, instructors and partner organisations.
Remission asks whether the inmate is active in the programme with grade baik: grading publishes
ProgrammeGraded (once per enrolment), completion publishes ProgrammeCompleted (and the grade,
when it is given at completion).
"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from pydantic import BaseModel

from pas_rehabilitation.domain.catalogue import programme_categories, require_listed
from pas_shared.errors import Conflict, FieldError, NotFound, RuleViolation
from pas_shared.events.rehabilitation import Grade, ProgrammeCompleted, ProgrammeGraded
from pas_shared.rules import RuleBook
from pas_shared.workflow import changed_concurrently, require_transition


class ProgrammeKind(StrEnum):
    """Pembinaan kemandirian (skills, work) or pembinaan kepribadian (religion, character)."""

    KEMANDIRIAN = "kemandirian"
    KEPRIBADIAN = "kepribadian"


@dataclass(frozen=True)
class Programme:
    programme_id: str
    upt_code: str
    kanwil_code: str
    kind: ProgrammeKind
    category: str
    name: str
    sae_site: str | None
    capacity: int
    instructors: tuple[str, ...]
    partners: tuple[str, ...]
    starts_on: date
    ends_on: date | None

    @classmethod
    def open(
        cls,
        *,
        programme_id: str,
        upt_code: str,
        kanwil_code: str,
        kind: ProgrammeKind,
        category: str,
        name: str,
        sae_site: str | None,
        capacity: int,
        instructors: tuple[str, ...],
        partners: tuple[str, ...],
        starts_on: date,
        ends_on: date | None,
        book: RuleBook | None = None,
    ) -> "Programme":
        require_listed(
            "category",
            category,
            programme_categories(kind.value, starts_on, book),
            f"Kategori {kind.value}",
            f"{kind.value} category",
        )
        if capacity < 1:
            raise RuleViolation(
                "capacity", "positive", id="Kapasitas program minimal 1 orang.", en="A programme holds at least 1 inmate."
            )
        if ends_on is not None and ends_on < starts_on:
            raise RuleViolation(
                "ends_on",
                "not-before-start",
                id="Tanggal selesai program tidak boleh sebelum tanggal mulai.",
                en="A programme cannot end before it starts.",
            )
        if len(set(instructors)) != len(instructors) or len(set(partners)) != len(partners):
            raise RuleViolation(
                "instructors" if len(set(instructors)) != len(instructors) else "partners",
                "listed-once",
                id="Nama instruktur dan mitra masing-masing dicatat sekali.",
                en="Each instructor and each partner is listed once.",
            )
        return cls(
            programme_id,
            upt_code,
            kanwil_code,
            kind,
            category,
            name,
            sae_site,
            capacity,
            instructors,
            partners,
            starts_on,
            ends_on,
        )

    def runs_on(self, on: date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or on <= self.ends_on)


class EnrolmentStatus(StrEnum):
    ENROLLED = "enrolled"
    GRADED = "graded"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


ACTIVE = frozenset({EnrolmentStatus.ENROLLED, EnrolmentStatus.GRADED})

# Each state lists the states it may move to; anything else is refused. A grade is given once;
# completion and withdrawal are final.
NEXT: dict[EnrolmentStatus, set[EnrolmentStatus]] = {
    EnrolmentStatus.ENROLLED: {EnrolmentStatus.GRADED, EnrolmentStatus.COMPLETED, EnrolmentStatus.WITHDRAWN},
    EnrolmentStatus.GRADED: {EnrolmentStatus.COMPLETED, EnrolmentStatus.WITHDRAWN},
    EnrolmentStatus.COMPLETED: set(),
    EnrolmentStatus.WITHDRAWN: set(),
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
    # None only for enrolments made before programmes were records (free-text programme name).
    programme_id: str | None = None
    ended_on: date | None = None  # completed or withdrawn on
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def enrol(
        cls,
        *,
        enrolment_id: str,
        inmate_id: str,
        programme: Programme,
        enrolled_on: date,
        today: date,
        active_enrolments: int,
        already_enrolled: bool,
    ) -> "Enrolment":
        """`active_enrolments`: enrolments of the programme not completed or withdrawn;
        `already_enrolled`: the inmate has an active enrolment in it."""
        if enrolled_on > today:
            raise RuleViolation(
                "enrolled_on",
                "not-in-future",
                id="Tanggal mulai mengikuti program pembinaan tidak boleh di masa depan.",
                en="The enrolment date cannot be in the future.",
            )
        if not programme.runs_on(enrolled_on):
            raise RuleViolation(
                "enrolled_on",
                "within-programme-dates",
                id="Tanggal mulai mengikuti harus dalam masa berjalannya program.",
                en="The enrolment date must fall while the programme runs.",
            )
        if already_enrolled:
            raise RuleViolation(
                "inmate_id",
                "enrolled-once",
                id=f"WBP {inmate_id} sudah terdaftar aktif dalam program ini.",
                en=f"Inmate {inmate_id} is already enrolled in this programme.",
            )
        if active_enrolments >= programme.capacity:
            raise RuleViolation(
                "programme_id",
                "within-capacity",
                id=f"Program sudah penuh ({active_enrolments} dari kapasitas {programme.capacity}).",
                en=f"The programme is full ({active_enrolments} of capacity {programme.capacity}).",
            )
        # No event yet: remission needs the grade (ProgrammeGraded) and the completion.
        return cls(
            enrolment_id,
            inmate_id,
            programme.upt_code,
            programme.name,
            programme.kind,
            enrolled_on,
            programme_id=programme.programme_id,
        )

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
        self._set_grade(grade, graded_on, today)
        self.move(EnrolmentStatus.GRADED)

    def _set_grade(self, grade: Grade, graded_on: date, today: date) -> None:
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
                programme_id=self.programme_id,
            )
        )

    def complete(
        self,
        *,
        programme: Programme,
        completed_on: date,
        grade: Grade | None,
        today: date,
        sessions_held: int,
        sessions_attended: int,
    ) -> None:
        """Finish the programme. An ungraded enrolment is graded at completion (the grade is
        required then); a graded one keeps its grade (giving another is refused)."""
        self._require(EnrolmentStatus.COMPLETED)
        if self.status is EnrolmentStatus.GRADED and grade is not None:
            raise RuleViolation(
                "grade",
                "graded-once",
                id=f"Keikutsertaan ini sudah dinilai {self.grade}; nilai tidak diberikan dua kali.",
                en=f"This enrolment was already graded {self.grade}; a grade is given once.",
            )
        if self.status is EnrolmentStatus.ENROLLED and grade is None:
            raise RuleViolation(
                "grade",
                "required-to-complete",
                id="Program yang belum dinilai diselesaikan dengan nilai (baik, cukup, kurang).",
                en="An ungraded enrolment is completed with a grade (baik, cukup, kurang).",
            )
        if completed_on < self.enrolled_on or (self.graded_on is not None and completed_on < self.graded_on):
            raise RuleViolation(
                "completed_on",
                "not-before-enrolment-or-grade",
                id="Tanggal selesai tidak boleh sebelum tanggal mulai mengikuti atau tanggal penilaian.",
                en="The completion date cannot be before the enrolment or the grading date.",
            )
        if completed_on > today:
            raise RuleViolation(
                "completed_on",
                "not-in-future",
                id="Tanggal selesai tidak boleh di masa depan.",
                en="The completion date cannot be in the future.",
            )
        if grade is not None:
            self._set_grade(grade, completed_on, today)
        self.move(EnrolmentStatus.COMPLETED)
        self.ended_on = completed_on
        assert self.grade is not None and self.programme_id is not None
        self.events.append(
            ProgrammeCompleted(
                enrolment_id=self.enrolment_id,
                inmate_id=self.inmate_id,
                upt_code=self.upt_code,
                kanwil_code=programme.kanwil_code,
                programme_id=self.programme_id,
                programme=self.programme,
                kind=self.kind.value,
                category=programme.category,
                completed_on=completed_on,
                grade=self.grade,
                sessions_held=sessions_held,
                sessions_attended=sessions_attended,
            )
        )

    def withdraw(self, *, withdrawn_on: date, today: date) -> None:
        self._require(EnrolmentStatus.WITHDRAWN)
        if withdrawn_on < self.enrolled_on or withdrawn_on > today:
            raise RuleViolation(
                "withdrawn_on",
                "between-enrolment-and-today",
                id="Tanggal keluar dari program harus antara tanggal mulai mengikuti dan hari ini.",
                en="The withdrawal date must be between the enrolment date and today.",
            )
        self.move(EnrolmentStatus.WITHDRAWN)
        self.ended_on = withdrawn_on


@dataclass(frozen=True)
class Session:
    """One session of a programme (a day of training, a class, a study), with who attended."""

    session_id: str
    programme_id: str
    held_on: date
    topic: str | None
    present: frozenset[str]  # enrolment ids
    absent: frozenset[str]

    @classmethod
    def hold(
        cls,
        *,
        session_id: str,
        programme: Programme,
        held_on: date,
        topic: str | None,
        present_inmates: list[str],
        enrolments: list[Enrolment],
        today: date,
    ) -> "Session":
        """`enrolments`: the programme's active enrolments. Each one that began on or before
        the session is on its register, present or absent."""
        if held_on > today:
            raise RuleViolation(
                "held_on", "not-in-future", id="Sesi dicatat setelah dilaksanakan.", en="A session is recorded after it is held."
            )
        if not programme.runs_on(held_on):
            raise RuleViolation(
                "held_on",
                "within-programme-dates",
                id="Tanggal sesi harus dalam masa berjalannya program.",
                en="The session date must fall while the programme runs.",
            )
        if len(set(present_inmates)) != len(present_inmates):
            raise RuleViolation("present", "listed-once", id="Setiap WBP dicatat hadir sekali.", en="Each inmate is listed once.")
        on_register = {e.inmate_id: e.enrolment_id for e in enrolments if e.status in ACTIVE and e.enrolled_on <= held_on}
        for n, inmate_id in enumerate(present_inmates):
            if inmate_id not in on_register:
                raise RuleViolation(
                    f"present[{n}]",
                    "enrolled-in-programme",
                    id=f"WBP {inmate_id} tidak terdaftar aktif dalam program ini pada {held_on.isoformat()}.",
                    en=f"Inmate {inmate_id} is not enrolled in this programme on {held_on.isoformat()}.",
                )
        present = frozenset(on_register[i] for i in present_inmates)
        return cls(session_id, programme.programme_id, held_on, topic, present, frozenset(on_register.values()) - present)


def programme_not_found(programme_id: str) -> NotFound:
    return NotFound(
        id=f"Program pembinaan {programme_id} tidak ditemukan.",
        en=f"Programme {programme_id} does not exist.",
        errors=[FieldError("programme_id", "programme-exists", "Program tidak ditemukan.", "No such programme.")],
    )


def session_taken(programme_id: str, held_on: date) -> Conflict:
    return Conflict(
        id=f"Sesi program {programme_id} pada {held_on.isoformat()} sudah dicatat.",
        en=f"A session of programme {programme_id} on {held_on.isoformat()} is already recorded.",
        errors=[
            FieldError("held_on", "one-session-a-day", "Satu sesi per hari per program.", "One session a day per programme.")
        ],
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
