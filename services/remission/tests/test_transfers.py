"""Transfers between UPTs: the rules a move must meet and what it records."""

from datetime import date

import pytest

from pas_remission.domain.facility import Facility, TimeZone, UptType
from pas_remission.domain.inmate import Inmate, ReleaseReason, Religion, Transfer, TransferReason, upt_on
from pas_shared.errors import Conflict, RuleViolation
from pas_shared.events.remission import CustodyStatus, InmateTransferred

TODAY = date(2026, 11, 28)
SALEMBA = Facility("LP-SALEMBA", "Lapas Salemba", UptType.LAPAS, "KW-DKI", 500, TimeZone.WIB)
SUKAMISKIN = Facility("LP-SUKAMISKIN", "Lapas Sukamiskin", UptType.LAPAS, "KW-JABAR", 500, TimeZone.WIB)
BAPAS = Facility("BP-JAKSEL", "Bapas Jakarta Selatan", UptType.BAPAS, "KW-DKI", 0, TimeZone.WIB)
LPKA = Facility("LPKA-BANDUNG", "LPKA Bandung", UptType.LPKA, "KW-JABAR", 200, TimeZone.WIB)


def admitted(upt_code: str = "LP-CIPINANG", kanwil_code: str = "KW-DKI", birth_date: date = date(1990, 1, 1)) -> Inmate:
    inmate = Inmate.admit(
        inmate_id="i-1",
        register_number="B1-1",
        upt_code=upt_code,
        kanwil_code=kanwil_code,
        custody_status=CustodyStatus.NARAPIDANA,
        birth_date=birth_date,
        admitted_on=date(2026, 1, 10),
        religion=Religion.ISLAM,
        today=TODAY,
    )
    inmate.events.clear()
    return inmate


def move(inmate: Inmate, to: Facility = SUKAMISKIN, **changes: object) -> Transfer:
    values: dict[str, object] = {
        "transfer_id": "t-1",
        "to": to,
        "on": date(2026, 6, 1),
        "reason": TransferReason.DECONGESTION,
        "register_number": None,
        "previous_transfer_on": None,
        "at_large": False,
        "by": "officer",
        "today": TODAY,
    } | changes
    return inmate.transfer(**values)  # type: ignore[arg-type]


def test_a_transfer_moves_the_inmate_and_records_the_event() -> None:
    inmate = admitted()
    transfer = move(inmate)
    assert (inmate.upt_code, inmate.kanwil_code, inmate.register_number) == ("LP-SUKAMISKIN", "KW-JABAR", "B1-1")
    assert (transfer.from_upt_code, transfer.from_kanwil_code, transfer.to_upt_code, transfer.to_kanwil_code) == (
        "LP-CIPINANG",
        "KW-DKI",
        "LP-SUKAMISKIN",
        "KW-JABAR",
    )
    assert inmate.events == [
        InmateTransferred(
            transfer_id="t-1",
            inmate_id="i-1",
            from_upt_code="LP-CIPINANG",
            to_upt_code="LP-SUKAMISKIN",
            from_kanwil_code="KW-DKI",
            to_kanwil_code="KW-JABAR",
            transferred_on=date(2026, 6, 1),
            reason="decongestion",
        )
    ]


def test_the_destination_may_give_a_new_register_number() -> None:
    inmate = admitted()
    transfer = move(inmate, register_number="BI-77/2026")
    assert (transfer.from_register_number, transfer.to_register_number, inmate.register_number) == (
        "B1-1",
        "BI-77/2026",
        "BI-77/2026",
    )


@pytest.mark.parametrize(
    ("to", "changes", "field", "rule"),
    [
        (BAPAS, {}, "to_upt_code", "not-a-bapas"),
        (Facility("LP-CIPINANG", "Lapas Cipinang", UptType.LAPAS, "KW-DKI", 9, TimeZone.WIB), {}, "to_upt_code", "different-upt"),
        (LPKA, {}, "to_upt_code", "lpka-for-children"),  # an adult
        (SALEMBA, {"on": date(2026, 1, 9)}, "transferred_on", "not-before-admission"),
        (SALEMBA, {"previous_transfer_on": date(2026, 6, 2)}, "transferred_on", "not-before-previous-transfer"),
        (SALEMBA, {"on": date(2026, 11, 29)}, "transferred_on", "not-in-future"),
        (SALEMBA, {"at_large": True}, "inmate_id", "not-at-large"),
    ],
)
def test_refused_transfers_name_the_field_and_rule_and_change_nothing(
    to: Facility, changes: dict[str, object], field: str, rule: str
) -> None:
    inmate = admitted()
    with pytest.raises(RuleViolation) as refused:
        move(inmate, to, **changes)
    assert (refused.value.errors[0].field, refused.value.errors[0].rule) == (field, rule)
    assert (inmate.upt_code, inmate.kanwil_code, inmate.events) == ("LP-CIPINANG", "KW-DKI", [])


def test_edges_of_the_dates_are_allowed() -> None:
    on_admission = admitted()
    assert move(on_admission, on=date(2026, 1, 10)).transferred_on == date(2026, 1, 10)
    same_day_as_previous = admitted()
    assert move(same_day_as_previous, on=date(2026, 6, 1), previous_transfer_on=date(2026, 6, 1)).to_upt_code == "LP-SUKAMISKIN"
    today = admitted()
    assert move(today, on=TODAY).transferred_on == TODAY


def test_a_released_inmate_is_not_transferred() -> None:
    inmate = admitted()
    inmate.release(on=date(2026, 5, 1), reason=ReleaseReason.EXPIRATION, today=TODAY)
    inmate.events.clear()
    with pytest.raises(Conflict):
        move(inmate)
    assert inmate.upt_code == "LP-CIPINANG" and inmate.events == []


def test_children_go_only_to_an_lpka_and_an_lpka_takes_only_children() -> None:
    # Born 1 Jul 2009: 16 at admission (10 Jan 2026), still 16 on 1 Jun 2026.
    child = admitted(upt_code="LPKA-JAKARTA", birth_date=date(2009, 7, 1))
    assert child.is_child
    with pytest.raises(RuleViolation) as to_lapas:
        move(child, SALEMBA)
    assert to_lapas.value.errors[0].rule == "child-to-lpka"
    assert move(child, LPKA).to_upt_code == "LPKA-BANDUNG"


def test_a_child_who_turned_18_may_move_to_an_adult_facility_or_stay_in_lpkas() -> None:
    # Born 1 Feb 2008: 17 at admission (10 Jan 2026), 18 from 1 Feb 2026.
    aged_out = admitted(upt_code="LPKA-JAKARTA", birth_date=date(2008, 2, 1))
    with pytest.raises(RuleViolation) as day_before_birthday:
        move(aged_out, SALEMBA, on=date(2026, 1, 31))
    assert day_before_birthday.value.errors[0].rule == "child-to-lpka"
    assert move(aged_out, SALEMBA, on=date(2026, 2, 1)).to_upt_code == "LP-SALEMBA"
    other = admitted(upt_code="LPKA-JAKARTA", birth_date=date(2008, 2, 1))
    assert move(other, LPKA, on=date(2026, 3, 1)).to_upt_code == "LPKA-BANDUNG"


def test_the_upt_holding_an_inmate_on_a_date_follows_the_transfer_history() -> None:
    inmate = admitted()
    first = move(inmate, SALEMBA, on=date(2026, 3, 1), transfer_id="t-1")
    second = move(inmate, SUKAMISKIN, on=date(2026, 6, 1), transfer_id="t-2", previous_transfer_on=date(2026, 3, 1))
    history = [first, second]
    assert upt_on(inmate, history, date(2026, 2, 28)) == ("LP-CIPINANG", "KW-DKI")
    assert upt_on(inmate, history, date(2026, 3, 1)) == ("LP-SALEMBA", "KW-DKI")  # the day of a move: the destination
    assert upt_on(inmate, history, date(2026, 5, 31)) == ("LP-SALEMBA", "KW-DKI")
    assert upt_on(inmate, history, date(2026, 6, 1)) == ("LP-SUKAMISKIN", "KW-JABAR")
    assert upt_on(inmate, [], date(2026, 6, 1)) == ("LP-SUKAMISKIN", "KW-JABAR")  # no history: where it is now
