from datetime import UTC, date, datetime

import pytest

from pas_security.domain.discipline_case import (
    NEXT,
    OPEN,
    CaseStatus,
    Decision,
    DisciplineCase,
    Examination,
    ProcedureRules,
    Recommendation,
    Terms,
    Withdrawal,
)
from pas_shared.errors import Conflict, RuleViolation
from pas_shared.events.security import (
    DisciplineDismissed,
    DisciplineExamined,
    DisciplineLevel,
    DisciplineRecommended,
    DisciplineReported,
    DisciplineSanctioned,
    DisciplineWithdrawn,
)

TODAY = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
BERAT = Terms(DisciplineLevel.BERAT, ("isolation", "rights-postponed"), 6)
WARNING = Terms(DisciplineLevel.RINGAN, ("written-warning",), 0)


def report(**changes: object) -> DisciplineCase:
    values: dict[str, object] = {
        "case_id": "c-1",
        "inmate_id": "i-1",
        "upt_code": "LP-X",
        "violation": "communication-device",
        "occurred_on": date(2026, 11, 20),
        "description": "HP ditemukan di kamar",
        "reported_by": "Regu Pengamanan II",
        "seizure_ids": ["s-1"],
        "by": "kplp",
        "now": NOW,
        "today": TODAY,
    } | changes
    return DisciplineCase.report(**values)  # type: ignore[arg-type]


def examined(**changes: object) -> DisciplineCase:
    case = report(**changes)
    case.examine(Examination(date(2026, 11, 21), "Tim Pemeriksa", "Mengakui", "BAP-1"), by="kplp", now=NOW, today=TODAY)
    return case


def recommended(terms: Terms | None = BERAT, **changes: object) -> DisciplineCase:
    case = examined(**changes)
    case.recommend(Recommendation(date(2026, 11, 23), "Ketua TPP", terms, "terbukti"), by="tpp", now=NOW, today=TODAY)
    return case


def decision(terms: Terms | None = BERAT, on: date = date(2026, 11, 24)) -> Decision:
    return Decision(on, "Kalapas", "W.8.PAS-1", terms, "sesuai rekomendasi TPP")


def rule_of(error: RuleViolation) -> tuple[str, str]:
    return error.errors[0].field, error.errors[0].rule


def test_the_state_machine() -> None:
    assert set(NEXT) == set(CaseStatus)
    assert NEXT[CaseStatus.REPORTED] == {CaseStatus.EXAMINED, CaseStatus.WITHDRAWN}
    assert NEXT[CaseStatus.SANCTIONED] == NEXT[CaseStatus.DISMISSED] == NEXT[CaseStatus.WITHDRAWN] == set()
    assert OPEN == {CaseStatus.REPORTED, CaseStatus.EXAMINED, CaseStatus.TPP_RECOMMENDED}


def test_the_violations_level_comes_from_the_rule_data() -> None:
    case = report()
    assert (case.level, case.status, case.seizure_ids) == (DisciplineLevel.BERAT, CaseStatus.REPORTED, ["s-1"])
    assert report(violation="missing-apel").level is DisciplineLevel.RINGAN
    assert report(violation="tattoo-piercing").level is DisciplineLevel.SEDANG
    assert case.events == [
        DisciplineReported(
            case_id="c-1",
            inmate_id="i-1",
            upt_code="LP-X",
            violation="communication-device",
            level=DisciplineLevel.BERAT,
            occurred_on=date(2026, 11, 20),
            seizure_ids=["s-1"],
        )
    ]
    assert [(s.seq, s.from_status, s.to_status, s.by) for s in case.steps] == [(1, None, CaseStatus.REPORTED, "kplp")]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"violation": "singing"}, ("violation", "violation-known")),
        ({"occurred_on": date(2026, 11, 29)}, ("occurred_on", "not-in-future")),
        ({"occurred_on": date(2012, 12, 31)}, ("occurred_on", "rule-in-force")),
        ({"seizure_ids": ["s-1", "s-1"]}, ("seizure_ids", "seizures-unique")),
    ],
)
def test_a_report_is_checked(changes: dict[str, object], expected: tuple[str, str]) -> None:
    with pytest.raises(RuleViolation) as caught:
        report(**changes)
    assert rule_of(caught.value) == expected


def test_the_full_procedure_ends_in_a_register_f_sanction() -> None:
    case = recommended()
    case.events.clear()
    case.decide(decision(), by="kalapas", now=NOW, today=TODAY)
    assert case.status is CaseStatus.SANCTIONED
    assert case.sanction is not None and case.sanction.register_f and case.sanction.case_id == "c-1"
    assert case.events == [
        DisciplineSanctioned(
            case_id="c-1",
            inmate_id="i-1",
            upt_code="LP-X",
            level=DisciplineLevel.BERAT,
            register_f=True,
            sanctioned_on=date(2026, 11, 24),
            isolation_days=6,
        )
    ]
    assert [(s.seq, s.to_status, s.on, s.by) for s in case.steps] == [
        (1, CaseStatus.REPORTED, date(2026, 11, 20), "kplp"),
        (2, CaseStatus.EXAMINED, date(2026, 11, 21), "kplp"),
        (3, CaseStatus.TPP_RECOMMENDED, date(2026, 11, 23), "tpp"),
        (4, CaseStatus.SANCTIONED, date(2026, 11, 24), "kalapas"),
    ]
    assert case.steps[-1].why == "sesuai rekomendasi TPP"


def test_examination_and_recommendation_publish_events() -> None:
    case = examined()
    assert case.events[-1] == DisciplineExamined(case_id="c-1", inmate_id="i-1", upt_code="LP-X", examined_on=date(2026, 11, 21))
    case.recommend(Recommendation(date(2026, 11, 23), "Ketua TPP", None, "tidak terbukti"), by="tpp", now=NOW, today=TODAY)
    assert case.events[-1] == DisciplineRecommended(
        case_id="c-1",
        inmate_id="i-1",
        upt_code="LP-X",
        held_on=date(2026, 11, 23),
        sanction_recommended=False,
        level=None,
        measures=[],
        isolation_days=0,
    )


def test_a_dismissal_imposes_nothing() -> None:
    case = recommended(terms=None)
    case.decide(decision(None), by="kalapas", now=NOW, today=TODAY)
    assert (case.status, case.sanction) == (CaseStatus.DISMISSED, None)
    assert case.events[-1] == DisciplineDismissed(case_id="c-1", inmate_id="i-1", upt_code="LP-X", decided_on=date(2026, 11, 24))


def test_sedang_and_berat_need_the_sidang_tpp_but_ringan_does_not() -> None:
    case = examined()
    with pytest.raises(RuleViolation) as caught:
        case.decide(decision(), by="kalapas", now=NOW, today=TODAY)
    assert rule_of(caught.value) == ("status", "tpp-recommendation-required")
    assert (case.status, case.sanction) == (CaseStatus.EXAMINED, None)
    ringan = examined(violation="missing-apel")
    ringan.decide(decision(WARNING), by="kalapas", now=NOW, today=TODAY)
    assert ringan.sanction is not None and not ringan.sanction.register_f


def test_no_decision_without_an_examination() -> None:
    with pytest.raises(Conflict):
        report(violation="missing-apel").decide(decision(WARNING), by="kalapas", now=NOW, today=TODAY)


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        (Terms(DisciplineLevel.RINGAN, ("isolation",), 3), ("terms.measures", "measure-of-level")),
        (Terms(DisciplineLevel.BERAT, (), 0), ("terms.measures", "measure-required")),
        (Terms(DisciplineLevel.BERAT, ("isolation", "isolation"), 6), ("terms.measures", "measures-unique")),
        (Terms(DisciplineLevel.BERAT, ("isolation",), 0), ("terms.isolation_days", "isolation-matches-measure")),
        (Terms(DisciplineLevel.SEDANG, ("rights-postponed",), 2), ("terms.isolation_days", "isolation-matches-measure")),
        (Terms(DisciplineLevel.SEDANG, ("isolation",), 7), ("terms.isolation_days", "isolation-within-level-limit")),
        (Terms(DisciplineLevel.BERAT, ("isolation",), 13), ("terms.isolation_days", "isolation-within-level-limit")),
    ],
)
def test_terms_follow_the_level(terms: Terms, expected: tuple[str, str]) -> None:
    with pytest.raises(RuleViolation) as caught:
        recommended(terms=terms)
    assert rule_of(caught.value) == expected
    case = recommended()
    with pytest.raises(RuleViolation) as caught:
        case.decide(decision(terms), by="kalapas", now=NOW, today=TODAY)
    assert rule_of(caught.value) == expected
    assert (case.status, case.sanction) == (CaseStatus.TPP_RECOMMENDED, None)


@pytest.mark.parametrize(
    ("on", "expected"),
    [(date(2026, 11, 22), ("decided_on", "date-order")), (date(2026, 11, 29), ("decided_on", "not-in-future"))],
)
def test_the_decision_date_follows_the_recommendation(on: date, expected: tuple[str, str]) -> None:
    with pytest.raises(RuleViolation) as caught:
        recommended().decide(decision(on=on), by="kalapas", now=NOW, today=TODAY)
    assert rule_of(caught.value) == expected


def test_an_examination_before_the_violation_is_refused() -> None:
    case = report()
    with pytest.raises(RuleViolation) as caught:
        case.examine(Examination(date(2026, 11, 19), "Tim", "x", None), by="kplp", now=NOW, today=TODAY)
    assert rule_of(caught.value) == ("examined_on", "date-order")


def test_a_decided_case_is_final() -> None:
    case = recommended()
    case.decide(decision(), by="kalapas", now=NOW, today=TODAY)
    with pytest.raises(Conflict):
        case.decide(decision(None), by="kalapas", now=NOW, today=TODAY)


def test_the_rule_data_lists_measures_for_each_level() -> None:
    rules = ProcedureRules.on(TODAY, "on")
    assert rules.level_measures(DisciplineLevel.RINGAN) == ["spoken-warning", "written-warning"]
    assert (rules.tpp_required(DisciplineLevel.RINGAN), rules.tpp_required(DisciplineLevel.BERAT)) == (False, True)
    assert all(m in rules.measures() for level in DisciplineLevel for m in rules.level_measures(level))
    assert {v["level"] for v in rules.violations().values()} == {"ringan", "sedang", "berat"}


def withdrawal(on: date = date(2026, 11, 25)) -> Withdrawal:
    return Withdrawal(on, "KPLP", "laporan keliru: HP milik petugas")


def test_a_case_not_yet_decided_can_be_withdrawn_with_its_reason() -> None:
    case = recommended()
    case.events.clear()
    case.withdraw(withdrawal(), by="kplp", now=NOW, today=TODAY)
    assert (case.status, case.withdrawal, case.sanction) == (CaseStatus.WITHDRAWN, withdrawal(), None)
    assert case.events == [
        DisciplineWithdrawn(
            case_id="c-1", inmate_id="i-1", upt_code="LP-X", withdrawn_on=date(2026, 11, 25), from_status="tpp-recommended"
        )
    ]
    last = case.steps[-1]
    assert (last.from_status, last.to_status, last.on, last.why) == (
        CaseStatus.TPP_RECOMMENDED,
        CaseStatus.WITHDRAWN,
        date(2026, 11, 25),
        "laporan keliru: HP milik petugas",
    )
    with pytest.raises(Conflict):  # nothing follows a withdrawal
        case.decide(decision(on=date(2026, 11, 26)), by="kalapas", now=NOW, today=TODAY)
    with pytest.raises(Conflict) as caught:
        case.require_open("case_id")
    assert (caught.value.errors[0].field, caught.value.errors[0].rule) == ("case_id", "case-open")


def test_a_reported_case_is_withdrawn_from_reported() -> None:
    case = report()
    case.withdraw(withdrawal(on=date(2026, 11, 20)), by="kplp", now=NOW, today=TODAY)
    assert case.status is CaseStatus.WITHDRAWN
    assert isinstance(case.events[-1], DisciplineWithdrawn) and case.events[-1].from_status == "reported"


@pytest.mark.parametrize(
    ("on", "expected"),
    [(date(2026, 11, 22), ("withdrawn_on", "date-order")), (date(2026, 11, 29), ("withdrawn_on", "not-in-future"))],
)
def test_a_withdrawal_date_follows_the_last_step_and_is_not_in_the_future(on: date, expected: tuple[str, str]) -> None:
    case = recommended()  # the sidang TPP was on 23 November
    case.events.clear()
    with pytest.raises(RuleViolation) as caught:
        case.withdraw(withdrawal(on), by="kplp", now=NOW, today=TODAY)
    assert rule_of(caught.value) == expected
    assert (case.status, case.events, case.withdrawal) == (CaseStatus.TPP_RECOMMENDED, [], None)


def test_a_decided_case_cannot_be_withdrawn_a_sanction_is_annulled() -> None:
    sanctioned = recommended()
    sanctioned.decide(decision(), by="kalapas", now=NOW, today=TODAY)
    dismissed = recommended(None)
    dismissed.decide(decision(None), by="kalapas", now=NOW, today=TODAY)
    for case in (sanctioned, dismissed):
        case.events.clear()
        with pytest.raises(Conflict) as caught:
            case.withdraw(withdrawal(), by="kplp", now=NOW, today=TODAY)
        assert (caught.value.errors[0].field, caught.value.errors[0].rule) == ("status", "status-transition")
        assert case.events == [] and case.withdrawal is None
    with pytest.raises(Conflict) as caught:
        sanctioned.withdraw(withdrawal(), by="kplp", now=NOW, today=TODAY)
    assert "annulled" in caught.value.detail_en and "dibatalkan" in caught.value.detail_id
