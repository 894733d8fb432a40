"""The batch mode (explain=False) must take exactly the decisions of the explained mode; the
holiday reference data and the fraction convention behave as the README states."""

import json
from datetime import date
from pathlib import Path

import pytest

from pas_remission.app.cases import case_from_json
from pas_remission.domain.calendar import Span, fraction_of
from pas_remission.domain.engine import Engine, Occasion
from pas_remission.domain.holidays import HolidayCalendar, default_holidays

GOLDEN = sorted((Path(__file__).parent / "golden").glob("*.case.json"))
REMISSION_CASES = [p for p in GOLDEN if "occasion" in json.loads(p.read_text())["query"]]


def test_there_are_remission_cases_to_compare() -> None:
    assert len(REMISSION_CASES) >= 100


@pytest.mark.parametrize("case_file", REMISSION_CASES, ids=[p.name.removesuffix(".case.json") for p in REMISSION_CASES])
def test_batch_mode_takes_the_same_decision(case_file: Path) -> None:
    raw = json.loads(case_file.read_text())
    case, query = case_from_json(raw["case"]), raw["query"]
    args = (case, Occasion(query["occasion"]), date.fromisoformat(query["on"]))
    explained = Engine().remission(*args, holiday=query.get("holiday"))
    quick = Engine(explain=False).remission(*args, holiday=query.get("holiday"))
    outcome = ("eligible", "reasons", "name", "grant_index", "amount", "type", "release_on", "later_grant", "occasion")
    assert {k: getattr(quick, k) for k in outcome} == {k: getattr(explained, k) for k in outcome}
    assert quick.steps == [] and len(explained.steps) >= max(1, len(explained.reasons))


def test_explanations_name_every_failed_rule_and_its_source() -> None:
    raw = json.loads((Path(__file__).parent / "golden" / "rt-004-remisi-umum-refused-register-f.case.json").read_text())
    r = Engine().remission(case_from_json(raw["case"]), Occasion.TAMBAHAN, date(2024, 8, 17))
    failed = [s for s in r.steps if not s.passed]
    assert [s.rule for s in failed] == r.reasons == ["no-register-f", "remisi-umum-same-day"]
    assert "2024-07-01" in failed[0].finding and "Permenkumham" in failed[0].source
    assert "not eligible (no-register-f)" in failed[1].finding and "Keppres 174/1999" in failed[1].source


def test_holiday_calendar() -> None:
    cal = default_holidays()
    assert cal.dates_in("natal", 2031) == (date(2031, 12, 25),)
    assert cal.is_holiday("idul-fitri", date(2025, 3, 31)) is True
    assert cal.is_holiday("idul-fitri", date(2025, 4, 1)) is False
    assert cal.is_holiday("nyepi", date(2040, 3, 1)) is None  # year not in the data: unknown, not False
    assert cal.dates_in("idul-fitri", 2033) == (date(2033, 1, 3), date(2033, 12, 23))
    assert cal.status("waisak", date(2025, 5, 12)) == "confirmed"
    assert cal.status("idul-fitri", date(2030, 2, 5)) == "projected"
    holidays = {e.holiday for e in cal.entries()}
    assert holidays == {"idul-fitri", "natal", "nyepi", "waisak", "imlek"}
    custom = HolidayCalendar({"regulation": "test", "dates": {"nyepi": [{"on": "2027-03-08", "status": "reported"}]}})
    assert custom.is_holiday("nyepi", date(2027, 3, 8)) is True


@pytest.mark.parametrize(
    ("span", "p", "q", "expected"),
    [
        (Span(months=3), 1, 2, Span(months=1, days=15)),
        (Span(months=1), 1, 3, Span(days=10)),
        (Span(days=15), 1, 2, Span(days=7)),  # rounded down
        (Span(months=6), 1, 2, Span(months=3)),
        (Span(years=2), 1, 1, Span(years=2)),
    ],
)
def test_fraction_of_a_remission(span: Span, p: int, q: int, expected: Span) -> None:
    assert fraction_of(span, p, q, 30) == expected
