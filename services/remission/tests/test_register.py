from datetime import date

import pytest

from pas_remission.domain.calendar import Span
from pas_remission.domain.engine import SentenceKind
from pas_remission.domain.facility import Facility, TimeZone, UptType
from pas_remission.domain.inmate import DetainingAuthority, Inmate, ReleaseReason, Religion, Verdict, special_crime_conditions
from pas_shared.errors import Conflict, RuleViolation
from pas_shared.events.remission import CustodyStatus, InmateAdmitted, InmateReleased, SpecialConditionRecorded

TODAY = date(2026, 11, 28)


def admit(**changes: object) -> Inmate:
    values: dict[str, object] = {
        "inmate_id": "i-1",
        "register_number": "B1-1",
        "upt_code": "LP-X",
        "kanwil_code": "KW-X",
        "custody_status": CustodyStatus.NARAPIDANA,
        "birth_date": date(1990, 1, 1),
        "admitted_on": date(2026, 1, 10),
        "religion": Religion.ISLAM,
        "today": TODAY,
    } | changes
    return Inmate.admit(**values)  # type: ignore[arg-type]


def test_admission_records_the_event() -> None:
    inmate = admit()
    assert inmate.events == [
        InmateAdmitted(
            inmate_id="i-1",
            upt_code="LP-X",
            kanwil_code="KW-X",
            custody_status=CustodyStatus.NARAPIDANA,
            is_child=False,
            admitted_on=date(2026, 1, 10),
        )
    ]


@pytest.mark.parametrize(
    ("birth", "admitted", "child"),
    [
        (date(2008, 1, 11), date(2026, 1, 10), True),  # 17 the day before the 18th birthday
        (date(2008, 1, 10), date(2026, 1, 10), False),  # 18 on the birthday itself
        (date(2008, 2, 29), date(2026, 2, 28), True),  # leap-day birthday not reached yet
    ],
)
def test_child_is_under_18_on_the_admission_date(birth: date, admitted: date, child: bool) -> None:
    assert admit(birth_date=birth, admitted_on=admitted).is_child is child


def test_admission_dates_are_checked() -> None:
    with pytest.raises(RuleViolation) as future:
        admit(admitted_on=date(2026, 11, 29))
    assert future.value.errors[0].field == "admitted_on"
    with pytest.raises(RuleViolation) as born_after:
        admit(birth_date=date(2026, 2, 1))
    assert born_after.value.errors[0].rule == "before-admission"


def test_release_once_and_not_before_admission() -> None:
    inmate = admit()
    inmate.events.clear()
    with pytest.raises(RuleViolation):
        inmate.release(on=date(2025, 12, 31), reason=ReleaseReason.EXPIRATION, today=TODAY)
    assert inmate.events == []
    inmate.release(on=date(2026, 6, 1), reason=ReleaseReason.PB, today=TODAY)
    assert inmate.events == [InmateReleased(inmate_id="i-1", upt_code="LP-X", released_on=date(2026, 6, 1), reason="pb")]
    with pytest.raises(Conflict):
        inmate.release(on=date(2026, 6, 2), reason=ReleaseReason.PB, today=TODAY)
    assert len(inmate.events) == 1


def test_facility_rules() -> None:
    with pytest.raises(RuleViolation, match="negative"):
        Facility("LP-X", "x", UptType.LAPAS, "KW-X", -1, TimeZone.WIB)
    with pytest.raises(RuleViolation) as bapas:
        Facility("BP-X", "Bapas X", UptType.BAPAS, "KW-X", 10, TimeZone.WITA)
    assert bapas.value.errors[0].rule == "bapas-holds-no-inmates"


def test_a_detainee_is_admitted_with_the_detaining_authority() -> None:
    with pytest.raises(RuleViolation) as missing:
        admit(custody_status=CustodyStatus.TAHANAN)
    assert (missing.value.errors[0].field, missing.value.errors[0].rule) == ("detaining_authority", "required-for-detainee")
    detainee = admit(custody_status=CustodyStatus.TAHANAN, detaining_authority=DetainingAuthority.PENUNTUT_UMUM)
    assert detainee.detaining_authority is DetainingAuthority.PENUNTUT_UMUM
    detainee.record_verdict(Verdict(date(2026, 5, 1), SentenceKind.TERM, Span(years=2)), today=TODAY)
    assert detainee.detaining_authority is None and detainee.custody_status is CustodyStatus.NARAPIDANA


def test_special_conditions_follow_the_crime_and_the_fine() -> None:
    inmate = admit()
    with pytest.raises(RuleViolation) as no_verdict:
        inmate.meet_condition("fine_paid", met_on=date(2026, 6, 1), evidence="kuitansi", applicable=set(), today=TODAY)
    assert no_verdict.value.errors[0].rule == "verdict-recorded"
    inmate.record_verdict(
        Verdict(date(2026, 3, 1), SentenceKind.TERM, Span(years=4), fine_substitute=Span(months=3), crime="korupsi"),
        today=TODAY,
    )
    inmate.events.clear()
    applicable = special_crime_conditions("korupsi", date(2026, 6, 1))
    assert applicable == {"fine_and_restitution_paid"}
    assert special_crime_conditions("umum", date(2026, 6, 1)) == set()
    with pytest.raises(RuleViolation) as wrong:
        inmate.meet_condition("loyalty_pledge_signed", met_on=date(2026, 6, 1), evidence="x", applicable=applicable, today=TODAY)
    assert (wrong.value.errors[0].field, wrong.value.errors[0].rule) == ("condition", "condition-applies")
    with pytest.raises(RuleViolation) as future:
        inmate.meet_condition("fine_paid", met_on=date(2026, 12, 1), evidence="x", applicable=applicable, today=TODAY)
    assert future.value.errors[0].field == "met_on"
    assert inmate.events == []
    met = inmate.meet_condition("fine_paid", met_on=date(2026, 6, 1), evidence="kuitansi 12", applicable=applicable, today=TODAY)
    assert (met.condition, met.met_on) == ("fine_paid", date(2026, 6, 1))
    assert inmate.events == [
        SpecialConditionRecorded(inmate_id="i-1", upt_code="LP-X", condition="fine_paid", met_on=date(2026, 6, 1))
    ]
