from datetime import date

import pytest

from pas_security.domain.discipline import DISCIPLINE_RULE, Sanction
from pas_security.domain.rules import RuleBook, default_rules
from pas_shared.errors import Conflict, RuleViolation
from pas_shared.events.security import DisciplineAnnulled, DisciplineLevel, DisciplineSanctioned

TODAY = date(2026, 11, 28)


def impose(**changes: object) -> Sanction:
    values: dict[str, object] = {
        "case_id": "c-1",
        "inmate_id": "i-1",
        "upt_code": "LP-X",
        "level": DisciplineLevel.SEDANG,
        "sanctioned_on": date(2026, 11, 20),
        "isolation_days": 6,
        "today": TODAY,
    } | changes
    return Sanction.impose(**values)  # type: ignore[arg-type]


def refused(**changes: object) -> RuleViolation:
    """A refused sanction is never built, so it cannot have recorded an event."""
    with pytest.raises(RuleViolation) as caught:
        impose(**changes)
    return caught.value


def test_the_rule_data_names_its_regulation_and_limits() -> None:
    rule_set = default_rules().in_force(DISCIPLINE_RULE, TODAY)
    assert "Permenkumham 6/2013 jo. Permenkumham 29/2017" in rule_set.regulation
    assert rule_set.article == "Pasal 8, Pasal 9"
    assert {k: v["max_isolation_days"] for k, v in rule_set.values["levels"].items()} == {"ringan": 0, "sedang": 6, "berat": 12}
    assert [k for k, v in rule_set.values["levels"].items() if v["register_f"]] == ["berat"]


def test_a_sanction_records_the_event() -> None:
    sanction = impose()
    assert sanction.events == [
        DisciplineSanctioned(
            case_id="c-1",
            inmate_id="i-1",
            upt_code="LP-X",
            level=DisciplineLevel.SEDANG,
            register_f=False,
            sanctioned_on=date(2026, 11, 20),
            isolation_days=6,
        )
    ]
    assert sanction.annulled_on is None


@pytest.mark.parametrize(
    ("level", "register_f"),
    [(DisciplineLevel.RINGAN, False), (DisciplineLevel.SEDANG, False), (DisciplineLevel.BERAT, True)],
)
def test_register_f_exactly_for_berat(level: DisciplineLevel, register_f: bool) -> None:
    sanction = impose(level=level, isolation_days=0)
    assert sanction.register_f is register_f
    assert isinstance(sanction.events[0], DisciplineSanctioned)
    assert sanction.events[0].register_f is register_f


@pytest.mark.parametrize(
    ("level", "days"),
    [
        (DisciplineLevel.RINGAN, 0),
        (DisciplineLevel.SEDANG, 0),
        (DisciplineLevel.SEDANG, 6),
        (DisciplineLevel.BERAT, 6),
        (DisciplineLevel.BERAT, 12),  # 6 days extended once: 2 x 6
    ],
)
def test_isolation_up_to_the_level_limit_is_allowed(level: DisciplineLevel, days: int) -> None:
    assert impose(level=level, isolation_days=days).isolation_days == days


@pytest.mark.parametrize(
    ("level", "days"),
    [
        (DisciplineLevel.RINGAN, 1),  # a ringan sanction is a warning only
        (DisciplineLevel.SEDANG, 7),
        (DisciplineLevel.BERAT, 13),
        (DisciplineLevel.SEDANG, -1),
    ],
)
def test_isolation_beyond_the_level_limit_is_refused(level: DisciplineLevel, days: int) -> None:
    error = refused(level=level, isolation_days=days)
    assert (error.errors[0].field, error.errors[0].rule) == ("isolation_days", "isolation-within-level-limit")
    assert error.errors[0].message_id and error.errors[0].message_en
    assert "Pasal 8, Pasal 9" in error.detail_en


def test_today_is_allowed_but_not_tomorrow() -> None:
    assert impose(sanctioned_on=TODAY).sanctioned_on == TODAY
    error = refused(sanctioned_on=date(2026, 11, 29))
    assert (error.errors[0].field, error.errors[0].rule) == ("sanctioned_on", "not-in-future")


def test_a_date_before_any_rule_in_force_is_refused() -> None:
    error = refused(sanctioned_on=date(2012, 12, 31))
    assert (error.errors[0].field, error.errors[0].rule) == ("sanctioned_on", "rule-in-force")


def test_the_rules_in_force_on_the_sanction_date_apply() -> None:
    def rule_set(effective_from: str, sedang_max: int) -> dict[str, object]:
        levels = {
            "ringan": {"max_isolation_days": 0, "register_f": False},
            "sedang": {"max_isolation_days": sedang_max, "register_f": False},
            "berat": {"max_isolation_days": 12, "register_f": True},
        }
        return {"id": DISCIPLINE_RULE, "regulation": "R", "effective_from": effective_from, "status": "test", "levels": levels}

    rules = RuleBook.from_json({"rule_sets": [rule_set("2013-01-01", 6), rule_set("2026-01-01", 3)]})
    assert impose(sanctioned_on=date(2025, 12, 31), isolation_days=6, rules=rules).isolation_days == 6
    with pytest.raises(RuleViolation):
        impose(sanctioned_on=date(2026, 1, 1), isolation_days=6, rules=rules)


def test_annulment_records_the_event() -> None:
    sanction = impose()
    sanction.events.clear()
    sanction.annul(on=date(2026, 11, 25), today=TODAY)
    assert sanction.annulled_on == date(2026, 11, 25)
    assert sanction.events == [
        DisciplineAnnulled(case_id="c-1", inmate_id="i-1", upt_code="LP-X", annulled_on=date(2026, 11, 25)),
    ]


def test_annulment_on_the_sanction_date_is_allowed() -> None:
    sanction = impose()
    sanction.annul(on=sanction.sanctioned_on, today=TODAY)
    assert sanction.annulled_on == sanction.sanctioned_on


def test_annulling_twice_is_a_conflict() -> None:
    sanction = impose()
    sanction.annul(on=date(2026, 11, 25), today=TODAY)
    sanction.events.clear()
    with pytest.raises(Conflict) as caught:
        sanction.annul(on=date(2026, 11, 26), today=TODAY)
    assert caught.value.detail_id and caught.value.detail_en
    assert sanction.annulled_on == date(2026, 11, 25)
    assert sanction.events == []


@pytest.mark.parametrize(
    ("on", "rule"),
    [(date(2026, 11, 19), "not-before-sanction"), (date(2026, 11, 29), "not-in-future")],
)
def test_annulment_dates_are_checked(on: date, rule: str) -> None:
    sanction = impose()
    sanction.events.clear()
    with pytest.raises(RuleViolation) as caught:
        sanction.annul(on=on, today=TODAY)
    assert (caught.value.errors[0].field, caught.value.errors[0].rule) == ("annulled_on", rule)
    assert sanction.annulled_on is None
    assert sanction.events == []
