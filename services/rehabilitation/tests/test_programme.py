from datetime import date

import pytest

from pas_rehabilitation.domain.programme import NEXT, Enrolment, EnrolmentStatus, ProgrammeKind
from pas_shared.errors import Conflict, RuleViolation
from pas_shared.events.rehabilitation import Grade, ProgrammeGraded

TODAY = date(2026, 11, 28)
ENROLLED_ON = date(2026, 8, 1)


def enrol(**changes: object) -> Enrolment:
    values: dict[str, object] = {
        "enrolment_id": "en-1",
        "inmate_id": "i-1",
        "upt_code": "LP-X",
        "programme": "Pelatihan las listrik",
        "kind": ProgrammeKind.KEMANDIRIAN,
        "enrolled_on": ENROLLED_ON,
        "today": TODAY,
    } | changes
    return Enrolment.enrol(**values)  # type: ignore[arg-type]


def test_the_state_machine() -> None:
    assert NEXT == {EnrolmentStatus.ENROLLED: {EnrolmentStatus.GRADED}, EnrolmentStatus.GRADED: set()}
    assert set(NEXT) == set(EnrolmentStatus)


def test_an_enrolment_starts_ungraded_and_records_no_event() -> None:
    enrolment = enrol()
    assert (enrolment.status, enrolment.grade, enrolment.graded_on) == (EnrolmentStatus.ENROLLED, None, None)
    assert (enrolment.programme, enrolment.kind, enrolment.enrolled_on) == ("Pelatihan las listrik", "kemandirian", ENROLLED_ON)
    assert enrolment.events == []


def test_enrolment_today_is_allowed_but_not_tomorrow() -> None:
    assert enrol(enrolled_on=TODAY).enrolled_on == TODAY
    # A refused enrolment is never built, so it cannot have recorded an event.
    with pytest.raises(RuleViolation) as caught:
        enrol(enrolled_on=date(2026, 11, 29))
    assert (caught.value.errors[0].field, caught.value.errors[0].rule) == ("enrolled_on", "not-in-future")
    assert caught.value.errors[0].message_id and caught.value.errors[0].message_en


@pytest.mark.parametrize("grade", list(Grade))
def test_a_grade_records_the_event(grade: Grade) -> None:
    enrolment = enrol(kind=ProgrammeKind.KEPRIBADIAN)
    enrolment.record_grade(grade=grade, graded_on=date(2026, 11, 20), today=TODAY)
    assert (enrolment.status, enrolment.grade, enrolment.graded_on) == (EnrolmentStatus.GRADED, grade, date(2026, 11, 20))
    assert enrolment.events == [
        ProgrammeGraded(
            enrolment_id="en-1",
            inmate_id="i-1",
            upt_code="LP-X",
            programme="Pelatihan las listrik",
            grade=grade,
            graded_on=date(2026, 11, 20),
        )
    ]


@pytest.mark.parametrize("graded_on", [ENROLLED_ON, TODAY])
def test_grading_on_the_enrolment_date_and_today_is_allowed(graded_on: date) -> None:
    enrolment = enrol()
    enrolment.record_grade(grade=Grade.BAIK, graded_on=graded_on, today=TODAY)
    assert enrolment.graded_on == graded_on


@pytest.mark.parametrize(
    ("graded_on", "rule"),
    [(date(2026, 7, 31), "not-before-enrolment"), (date(2026, 11, 29), "not-in-future")],
)
def test_grading_dates_are_checked(graded_on: date, rule: str) -> None:
    enrolment = enrol()
    with pytest.raises(RuleViolation) as caught:
        enrolment.record_grade(grade=Grade.BAIK, graded_on=graded_on, today=TODAY)
    assert (caught.value.errors[0].field, caught.value.errors[0].rule) == ("graded_on", rule)
    assert caught.value.errors[0].message_id and caught.value.errors[0].message_en
    assert (enrolment.status, enrolment.grade, enrolment.graded_on) == (EnrolmentStatus.ENROLLED, None, None)
    assert enrolment.events == []


def test_grading_twice_is_a_conflict() -> None:
    enrolment = enrol()
    enrolment.record_grade(grade=Grade.CUKUP, graded_on=date(2026, 11, 20), today=TODAY)
    enrolment.events.clear()
    with pytest.raises(Conflict) as caught:
        # A bad date too: the state is what is refused.
        enrolment.record_grade(grade=Grade.BAIK, graded_on=date(2027, 1, 1), today=TODAY)
    assert caught.value.detail_id and caught.value.detail_en
    assert "cukup" in caught.value.detail_en
    assert [(e.field, e.rule) for e in caught.value.errors] == [("status", "status-transition")]
    assert (enrolment.grade, enrolment.graded_on) == (Grade.CUKUP, date(2026, 11, 20))
    assert enrolment.events == []


def test_graded_is_final() -> None:
    enrolment = enrol()
    enrolment.record_grade(grade=Grade.BAIK, graded_on=date(2026, 11, 20), today=TODAY)
    enrolment.events.clear()
    for to in EnrolmentStatus:
        with pytest.raises(Conflict):
            enrolment.move(to)
    assert enrolment.status is EnrolmentStatus.GRADED
    assert enrolment.events == []
