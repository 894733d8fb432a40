from datetime import date

import pytest

from pas_rehabilitation.domain.programme import (
    NEXT,
    Enrolment,
    EnrolmentStatus,
    Programme,
    ProgrammeKind,
    Session,
)
from pas_shared.errors import Conflict, RuleViolation
from pas_shared.events.rehabilitation import Grade, ProgrammeCompleted, ProgrammeGraded

TODAY = date(2026, 11, 28)
ENROLLED_ON = date(2026, 8, 1)


def programme(**changes: object) -> Programme:
    values: dict[str, object] = {
        "programme_id": "pr-1",
        "upt_code": "LP-X",
        "kanwil_code": "KW-X",
        "kind": ProgrammeKind.KEMANDIRIAN,
        "category": "workshop",
        "name": "Pelatihan las listrik",
        "sae_site": "SAE Bengkel",
        "capacity": 2,
        "instructors": ("Budi",),
        "partners": ("BLK Jakarta",),
        "starts_on": date(2026, 7, 1),
        "ends_on": None,
    } | changes
    return Programme.open(**values)  # type: ignore[arg-type]


def enrol(*, kind: ProgrammeKind = ProgrammeKind.KEMANDIRIAN, **changes: object) -> Enrolment:
    category = "workshop" if kind is ProgrammeKind.KEMANDIRIAN else "religious"
    values: dict[str, object] = {
        "enrolment_id": "en-1",
        "inmate_id": "i-1",
        "programme": programme(kind=kind, category=category),
        "enrolled_on": ENROLLED_ON,
        "today": TODAY,
        "active_enrolments": 0,
        "already_enrolled": False,
    } | changes
    return Enrolment.enrol(**values)  # type: ignore[arg-type]


def test_the_state_machine() -> None:
    done = {EnrolmentStatus.COMPLETED, EnrolmentStatus.WITHDRAWN}
    assert NEXT == {
        EnrolmentStatus.ENROLLED: {EnrolmentStatus.GRADED} | done,
        EnrolmentStatus.GRADED: done,
        EnrolmentStatus.COMPLETED: set(),
        EnrolmentStatus.WITHDRAWN: set(),
    }
    assert set(NEXT) == set(EnrolmentStatus)


def test_an_enrolment_starts_ungraded_and_records_no_event() -> None:
    enrolment = enrol()
    assert (enrolment.status, enrolment.grade, enrolment.graded_on) == (EnrolmentStatus.ENROLLED, None, None)
    assert (enrolment.programme, enrolment.kind, enrolment.enrolled_on) == ("Pelatihan las listrik", "kemandirian", ENROLLED_ON)
    assert (enrolment.programme_id, enrolment.upt_code) == ("pr-1", "LP-X")
    assert enrolment.events == []


def test_enrolment_today_is_allowed_but_not_tomorrow() -> None:
    assert enrol(enrolled_on=TODAY).enrolled_on == TODAY
    # A refused enrolment is never built, so it cannot have recorded an event.
    with pytest.raises(RuleViolation) as caught:
        enrol(enrolled_on=date(2026, 11, 29))
    assert (caught.value.errors[0].field, caught.value.errors[0].rule) == ("enrolled_on", "not-in-future")
    assert caught.value.errors[0].message_id and caught.value.errors[0].message_en


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"active_enrolments": 2}, "programme_id", "within-capacity"),
        ({"already_enrolled": True}, "inmate_id", "enrolled-once"),
        ({"enrolled_on": date(2026, 6, 30)}, "enrolled_on", "within-programme-dates"),
    ],
)
def test_enrolment_refusals(changes: dict[str, object], field: str, rule: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        enrol(**changes)
    assert (caught.value.errors[0].field, caught.value.errors[0].rule) == (field, rule)


def test_one_place_left_is_taken() -> None:
    assert enrol(active_enrolments=1).status is EnrolmentStatus.ENROLLED


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"category": "bakery", "kind": ProgrammeKind.KEPRIBADIAN}, "category", "listed"),
        ({"category": "astrology"}, "category", "listed"),
        ({"capacity": 0}, "capacity", "positive"),
        ({"ends_on": date(2026, 6, 30)}, "ends_on", "not-before-start"),
        ({"instructors": ("Budi", "Budi")}, "instructors", "listed-once"),
    ],
)
def test_programme_refusals(changes: dict[str, object], field: str, rule: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        programme(**changes)
    assert (caught.value.errors[0].field, caught.value.errors[0].rule) == (field, rule)


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
            programme_id="pr-1",
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


def test_a_grade_is_given_once() -> None:
    enrolment = enrol()
    enrolment.record_grade(grade=Grade.BAIK, graded_on=date(2026, 11, 20), today=TODAY)
    enrolment.events.clear()
    for to in (EnrolmentStatus.ENROLLED, EnrolmentStatus.GRADED):
        with pytest.raises(Conflict):
            enrolment.move(to)
    assert enrolment.status is EnrolmentStatus.GRADED
    assert enrolment.events == []


def test_completion_with_grade_baik_publishes_the_grade_and_the_completion() -> None:
    enrolment = enrol()
    enrolment.complete(
        programme=programme(),
        completed_on=date(2026, 11, 1),
        grade=Grade.BAIK,
        today=TODAY,
        sessions_held=10,
        sessions_attended=9,
    )
    assert (enrolment.status, enrolment.grade, enrolment.graded_on, enrolment.ended_on) == (
        EnrolmentStatus.COMPLETED,
        Grade.BAIK,
        date(2026, 11, 1),
        date(2026, 11, 1),
    )
    graded, completed = enrolment.events
    assert isinstance(graded, ProgrammeGraded) and graded.grade is Grade.BAIK and graded.programme_id == "pr-1"
    assert completed == ProgrammeCompleted(
        enrolment_id="en-1",
        inmate_id="i-1",
        upt_code="LP-X",
        kanwil_code="KW-X",
        programme_id="pr-1",
        programme="Pelatihan las listrik",
        kind="kemandirian",
        category="workshop",
        completed_on=date(2026, 11, 1),
        grade=Grade.BAIK,
        sessions_held=10,
        sessions_attended=9,
    )


def test_completion_of_a_graded_enrolment_keeps_its_grade() -> None:
    enrolment = enrol()
    enrolment.record_grade(grade=Grade.CUKUP, graded_on=date(2026, 10, 1), today=TODAY)
    enrolment.events.clear()
    with pytest.raises(RuleViolation) as caught:
        enrolment.complete(
            programme=programme(), completed_on=TODAY, grade=Grade.BAIK, today=TODAY, sessions_held=0, sessions_attended=0
        )
    assert caught.value.errors[0].rule == "graded-once"
    with pytest.raises(RuleViolation) as caught:
        enrolment.complete(
            programme=programme(), completed_on=date(2026, 9, 30), grade=None, today=TODAY, sessions_held=0, sessions_attended=0
        )
    assert caught.value.errors[0].rule == "not-before-enrolment-or-grade"
    assert enrolment.status is EnrolmentStatus.GRADED and enrolment.events == []
    enrolment.complete(programme=programme(), completed_on=TODAY, grade=None, today=TODAY, sessions_held=0, sessions_attended=0)
    assert [type(e) for e in enrolment.events] == [ProgrammeCompleted]
    assert enrolment.grade is Grade.CUKUP


def test_an_ungraded_enrolment_needs_a_grade_to_complete() -> None:
    enrolment = enrol()
    with pytest.raises(RuleViolation) as caught:
        enrolment.complete(
            programme=programme(), completed_on=TODAY, grade=None, today=TODAY, sessions_held=0, sessions_attended=0
        )
    assert (caught.value.errors[0].field, caught.value.errors[0].rule) == ("grade", "required-to-complete")
    assert enrolment.events == [] and enrolment.status is EnrolmentStatus.ENROLLED


def test_withdrawal_ends_the_enrolment_without_an_event() -> None:
    enrolment = enrol()
    enrolment.withdraw(withdrawn_on=TODAY, today=TODAY)
    assert (enrolment.status, enrolment.ended_on, enrolment.events) == (EnrolmentStatus.WITHDRAWN, TODAY, [])
    with pytest.raises(Conflict):
        enrolment.complete(
            programme=programme(), completed_on=TODAY, grade=Grade.BAIK, today=TODAY, sessions_held=0, sessions_attended=0
        )


def test_a_session_registers_every_active_enrolment_present_or_absent() -> None:
    a = enrol()
    b = enrol(enrolment_id="en-2", inmate_id="i-2")
    late = enrol(enrolment_id="en-3", inmate_id="i-3", enrolled_on=date(2026, 11, 1))
    gone = enrol(enrolment_id="en-4", inmate_id="i-4")
    gone.withdraw(withdrawn_on=TODAY, today=TODAY)
    session = Session.hold(
        session_id="s-1",
        programme=programme(),
        held_on=date(2026, 10, 1),
        topic="Las titik",
        present_inmates=["i-1"],
        enrolments=[a, b, late, gone],
        today=TODAY,
    )
    assert (session.present, session.absent) == (frozenset({"en-1"}), frozenset({"en-2"}))
    for present, rule in ((["i-3"], "enrolled-in-programme"), (["i-1", "i-1"], "listed-once")):
        with pytest.raises(RuleViolation) as caught:
            Session.hold(
                session_id="s-2",
                programme=programme(),
                held_on=date(2026, 10, 1),
                topic=None,
                present_inmates=present,
                enrolments=[a, b, late],
                today=TODAY,
            )
        assert caught.value.errors[0].rule == rule
