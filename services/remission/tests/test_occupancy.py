"""Occupancy as Ditjenpas reports it, capacity history rules and the release forecast (pure)."""

from datetime import date

import pytest

from pas_remission.domain.facility import Facility, TimeZone, UptType
from pas_remission.domain.occupancy import (
    CapacityEntry,
    ExpectedRelease,
    Level,
    Occupancy,
    UptOccupancy,
    Window,
    capacity_on,
    change_capacity,
    forecast,
    roll_up,
    week_start,
)
from pas_shared.errors import RuleViolation


@pytest.mark.parametrize(
    ("occupants", "capacity", "overcrowding", "ratio"),
    [
        (281_762, 146_260, 92.6, 192.6),  # national, Jul 2025 (detik d-8056099): "93%"
        (266_421, 135_561, 96.5, 196.5),  # national, Sep 2021 (data.tempo.co): "97%"
        (927, 98, 845.9, 945.9),  # Lapas IIA Bagansiapiapi, Mar 2023 (era.id): "845%"
        (377, 88, 328.4, 428.4),  # Lapas IIB Tasikmalaya (matakota.com): "328%"
    ],
)
def test_published_figures(occupants: int, capacity: int, overcrowding: float, ratio: float) -> None:
    o = Occupancy(detainees=0, convicts=occupants, capacity=capacity)
    assert (o.overcrowding_pct, o.occupancy_ratio_pct, o.over_capacity) == (overcrowding, ratio, True)


def test_detainees_and_convicts_are_both_occupants() -> None:
    o = Occupancy(detainees=131, convicts=246, capacity=88)  # Tasikmalaya's 377 split in two
    assert (o.occupants, o.overcrowding_pct) == (377, 328.4)


def test_under_capacity_is_negative_and_not_flagged() -> None:
    o = Occupancy(detainees=10, convicts=30, capacity=50)
    assert (o.overcrowding_pct, o.occupancy_ratio_pct, o.over_capacity) == (-20.0, 80.0, False)
    full = Occupancy(detainees=0, convicts=50, capacity=50)
    assert (full.overcrowding_pct, full.over_capacity) == (0.0, False)


def test_rounding_is_half_away_from_zero() -> None:
    # exactly halfway: 1.25% -> 1.3 (Python's round() on floats, half to even, would give 1.2)
    assert Occupancy(0, 81, 80).overcrowding_pct == 1.3  # 1/80 = 1.25%
    assert Occupancy(0, 79, 80).overcrowding_pct == -1.3


def test_no_capacity_gives_no_percentages_but_is_flagged_when_someone_is_held() -> None:
    o = Occupancy(detainees=2, convicts=0, capacity=0)
    assert (o.overcrowding_pct, o.occupancy_ratio_pct, o.over_capacity) == (None, None, True)


UPTS = [
    UptOccupancy("LP-B", "Lapas B", "KW-1", Occupancy(10, 90, 50)),
    UptOccupancy("LP-A", "Lapas A", "KW-1", Occupancy(5, 15, 40)),
    UptOccupancy("RT-C", "Rutan C", "KW-2", Occupancy(30, 0, 10)),
]


def test_roll_up_sums_heads_and_places_then_computes() -> None:
    per_upt = roll_up(UPTS, Level.UPT)
    assert [(u.code, u.occupancy.overcrowding_pct) for u in per_upt] == [("LP-A", -50.0), ("LP-B", 100.0), ("RT-C", 200.0)]
    per_kanwil = roll_up(UPTS, Level.KANWIL)
    assert [(u.code, u.upt_count, u.occupancy) for u in per_kanwil] == [
        ("KW-1", 2, Occupancy(15, 105, 90)),
        ("KW-2", 1, Occupancy(30, 0, 10)),
    ]
    assert per_kanwil[0].occupancy.overcrowding_pct == 33.3  # 120/90, not the mean of -50% and 100%
    (nation,) = roll_up(UPTS, Level.NATIONAL)
    assert (nation.code, nation.upt_count, nation.occupancy, nation.occupancy.overcrowding_pct) == (
        "national",
        3,
        Occupancy(45, 105, 100),
        50.0,
    )
    assert roll_up([], Level.NATIONAL)[0].occupancy == Occupancy(0, 0, 0)


LAPAS = Facility("LP-A", "Lapas A", UptType.LAPAS, "KW-1", 100, TimeZone.WIB)
BAPAS = Facility("BAPAS-A", "Bapas A", UptType.BAPAS, "KW-1", 0, TimeZone.WIB)
HISTORY = [
    CapacityEntry(date(2026, 1, 10), 100, "registration"),
    CapacityEntry(date(2026, 6, 1), 160, "block C opened"),
]
TODAY = date(2026, 11, 28)


def test_capacity_on_a_date_is_the_latest_entry_on_or_before_it() -> None:
    assert capacity_on(HISTORY, date(2026, 1, 9)) is None
    assert capacity_on(HISTORY, date(2026, 1, 10)) == 100
    assert capacity_on(HISTORY, date(2026, 5, 31)) == 100
    assert capacity_on(HISTORY, date(2026, 6, 1)) == 160
    assert capacity_on(HISTORY, date(2030, 1, 1)) == 160


def test_a_new_latest_entry_is_the_capacity_now() -> None:
    change = change_capacity(LAPAS, HISTORY, CapacityEntry(date(2026, 11, 28), 140, "block A closed"), today=TODAY)
    assert change is not None and (change.capacity_now, change.replaces) == (140, None)


def test_a_past_entry_behind_a_later_one_does_not_change_the_capacity_now() -> None:
    change = change_capacity(LAPAS, HISTORY, CapacityEntry(date(2026, 3, 1), 120, "recount"), today=TODAY)
    assert change is not None and change.capacity_now == 160


def test_an_entry_on_the_same_date_corrects_it_and_a_retry_changes_nothing() -> None:
    change = change_capacity(LAPAS, HISTORY, CapacityEntry(date(2026, 6, 1), 150, "typo"), today=TODAY)
    assert change is not None and (change.capacity_now, change.replaces) == (150, HISTORY[1])
    assert change_capacity(LAPAS, HISTORY, CapacityEntry(date(2026, 6, 1), 160, "again"), today=TODAY) is None


@pytest.mark.parametrize(
    ("facility", "entry", "field", "rule"),
    [
        (LAPAS, CapacityEntry(date(2026, 7, 1), -1, "x"), "capacity", "non-negative"),
        (BAPAS, CapacityEntry(date(2026, 7, 1), 5, "x"), "capacity", "bapas-holds-no-inmates"),
        (LAPAS, CapacityEntry(date(2026, 11, 29), 120, "x"), "effective_on", "not-in-future"),
        (LAPAS, CapacityEntry(date(2026, 1, 9), 120, "x"), "effective_on", "not-before-first-capacity"),
    ],
)
def test_capacity_changes_are_checked(facility: Facility, entry: CapacityEntry, field: str, rule: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        change_capacity(facility, HISTORY, entry, today=TODAY)
    assert (refused.value.errors[0].field, refused.value.errors[0].rule) == (field, rule)


def test_week_start_is_the_iso_monday() -> None:
    assert week_start(date(2026, 11, 30)) == date(2026, 11, 30)  # a Monday
    assert week_start(date(2026, 12, 6)) == date(2026, 11, 30)  # the Sunday after
    assert week_start(date(2027, 1, 1)) == date(2026, 12, 28)  # ISO week 53 of 2026


def test_forecast_keeps_the_window_and_counts_per_week_and_upt() -> None:
    windows = {"LP-A": Window.ahead(date(2026, 11, 28), 14), "LP-B": Window.ahead(date(2026, 11, 28), 14)}
    assert windows["LP-A"] == Window(date(2026, 11, 28), date(2026, 12, 12))
    expected = [
        ExpectedRelease("i-1", "LP-A", date(2026, 11, 28)),  # today: in
        ExpectedRelease("i-2", "LP-A", date(2026, 12, 12)),  # last day: in
        ExpectedRelease("i-3", "LP-A", date(2026, 12, 13)),  # a day after: out
        ExpectedRelease("i-4", "LP-B", date(2026, 12, 1)),
        ExpectedRelease("i-5", "LP-B", date(2026, 11, 27)),  # yesterday: overdue
    ]
    f = forecast(windows, expected)
    assert [e.inmate_id for e in f.releases] == ["i-1", "i-4", "i-2"]
    assert f.by_week == [(date(2026, 11, 23), 1), (date(2026, 11, 30), 1), (date(2026, 12, 7), 1)]
    assert [(code, n) for code, _, n in f.by_upt] == [("LP-A", 2), ("LP-B", 1)]
    assert f.overdue == 1


def test_forecast_with_no_release_lists_every_week_and_upt_with_zero() -> None:
    f = forecast({"LP-A": Window.ahead(date(2026, 11, 30), 7)}, [])
    assert (f.releases, f.by_week, f.overdue) == ([], [(date(2026, 11, 30), 0), (date(2026, 12, 7), 0)], 0)
    assert [(code, n) for code, _, n in f.by_upt] == [("LP-A", 0)]
