from datetime import date

import pytest

from pas_remission.domain.facility import Facility, TimeZone, UptType
from pas_remission.domain.inmate import Inmate, ReleaseReason, Religion
from pas_shared.errors import Conflict, RuleViolation
from pas_shared.events.remission import CustodyStatus, InmateAdmitted, InmateReleased

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
