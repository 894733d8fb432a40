"""Pure rules of the food-audit domain: contracts against the cost standard, deliveries against
the headcount, SLHS renewal stages, inspection scoring and findings, menu cycles."""

from datetime import date

import pytest

from pas_food_audit.domain.contracts import Contract, CostCheck, Vendor, Weekday, cost_standard
from pas_food_audit.domain.deliveries import Delivery, DeliveryFlag
from pas_food_audit.domain.inspections import (
    Finding,
    FindingStatus,
    Inspection,
    InspectionKind,
    Score,
    Severity,
    pct,
    template_in_force,
)
from pas_food_audit.domain.kitchens import Certificate, CertificateStage, ConditionAssessment, Kitchen, add_months
from pas_food_audit.domain.menus import MenuCycle, ServedMenu
from pas_shared.errors import Conflict, RuleViolation

VENDOR = Vendor("v1", "CV Sumber Pangan", None, "Jl. Raya 1", "LP-CIPINANG", "KW-DKI")
KITCHEN = Kitchen("k1", "LP-CIPINANG", "KW-DKI", "Dapur utama")


def contract(**overrides: object) -> Contract:
    args: dict[str, object] = {
        "contract_id": "c1",
        "contract_number": "KTR-01/2026",
        "tender_reference": "LELANG-2026-01",
        "vendor": VENDOR,
        "province": "dki-jakarta",
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2026, 12, 31),
        "value_rupiah": 3_000_000_000,
        "daily_ration_cost_rupiah": 17_500,
        "delivery_days": [Weekday.MON, Weekday.WED, Weekday.FRI],
        "penalty": None,
    } | overrides
    return Contract.sign(**args)  # type: ignore[arg-type]


def rule_of(exc: pytest.ExceptionInfo[RuleViolation]) -> tuple[str, str]:
    return exc.value.errors[0].field, exc.value.errors[0].rule


def test_cost_standard_per_province_and_fiscal_year() -> None:
    assert cost_standard(2024, "dki-jakarta").rupiah == 18_000
    assert cost_standard(2024, "papua-selatan").rupiah == 37_000
    fy2026 = cost_standard(2026, "lampung")
    assert fy2026.rupiah == 17_000 and fy2026.status.startswith("unconfirmed")
    assert cost_standard(2024, "aceh").rupiah is None  # not in the source
    assert cost_standard(2027, "dki-jakarta").rupiah is None  # no figures for the year yet


def test_contract_cost_check_and_defaults() -> None:
    within = contract()
    assert within.cost_check is CostCheck.WITHIN and within.standard.rupiah == 18_000
    assert (within.penalty.late_penalty_permille_per_day, within.penalty.penalty_cap_pct) == (1, 5)
    assert contract(daily_ration_cost_rupiah=18_001).cost_check is CostCheck.ABOVE
    assert contract(daily_ration_cost_rupiah=18_000).cost_check is CostCheck.WITHIN
    assert contract(province="aceh").cost_check is CostCheck.NO_STANDARD
    signed = within.events[0]
    assert signed.standard_rupiah == 18_000 and signed.cost_check == "within-standard"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("overrides", "field", "rule"),
    [
        ({"ends_on": date(2025, 12, 31)}, "ends_on", "ends-after-starts"),
        ({"ends_on": date(2027, 1, 31)}, "ends_on", "within-fiscal-year"),
        ({"daily_ration_cost_rupiah": 4_000_000_000}, "daily_ration_cost_rupiah", "within-contract-value"),
        ({"delivery_days": [Weekday.MON, Weekday.MON]}, "delivery_days", "days-once-each"),
    ],
)
def test_contract_refusals(overrides: dict[str, object], field: str, rule: str) -> None:
    with pytest.raises(RuleViolation) as exc:
        contract(**overrides)
    assert rule_of(exc) == (field, rule)


def delivery(**overrides: object) -> Delivery:
    args: dict[str, object] = {
        "delivery_id": "d1",
        "contract": contract(),
        "delivered_on": date(2026, 3, 2),  # a Monday
        "headcount": 100,
        "ordered_rations": 100,
        "delivered_rations": 100,
        "rejected_rations": 0,
        "rejection_reason": None,
        "notes": "",
        "today": date(2026, 3, 2),
    } | overrides
    return Delivery.record(**args)  # type: ignore[arg-type]


def test_a_full_delivery_has_no_flags_and_costs_the_contract_price() -> None:
    d = delivery()
    assert d.flags == [] and d.cost_rupiah == 1_750_000 and d.cost_per_inmate_rupiah == 17_500


def test_shortfalls_against_order_and_headcount() -> None:
    # 95 ordered for 100 held; 94 delivered, 4 rejected as spoiled: 90 accepted; on a Tuesday.
    d = delivery(
        delivered_on=date(2026, 3, 3),
        today=date(2026, 3, 3),
        ordered_rations=95,
        delivered_rations=94,
        rejected_rations=4,
        rejection_reason="busuk",
    )
    assert (d.accepted_rations, d.shortfall_vs_order, d.shortfall_vs_headcount) == (90, 5, 10)
    assert d.flags == [
        DeliveryFlag.SHORT_OF_ORDER,
        DeliveryFlag.SHORT_OF_HEADCOUNT,
        DeliveryFlag.REJECTED_ON_QUALITY,
        DeliveryFlag.UNSCHEDULED_DAY,
    ]
    # 90 x 17,500 = 1,575,000 for 100 inmates: 15,750 each.
    assert (d.cost_rupiah, d.cost_per_inmate_rupiah) == (1_575_000, 15_750)


@pytest.mark.parametrize(
    ("overrides", "field", "rule"),
    [
        ({"delivered_on": date(2025, 12, 31)}, "delivered_on", "within-contract-period"),
        ({"delivered_on": date(2026, 3, 3)}, "delivered_on", "not-in-future"),
        ({"rejected_rations": 101, "rejection_reason": "x"}, "rejected_rations", "rejected-within-delivered"),
        ({"rejected_rations": 1}, "rejection_reason", "reason-for-rejection"),
    ],
)
def test_delivery_refusals(overrides: dict[str, object], field: str, rule: str) -> None:
    with pytest.raises(RuleViolation) as exc:
        delivery(**overrides)
    assert rule_of(exc) == (field, rule)


def test_certificate_defaults_to_a_year_and_warns_once_per_stage() -> None:
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    c = Certificate.record(
        certificate_id="s1",
        kitchen=KITCHEN,
        issuer="Dinkes",
        number="SLHS/1",
        issued_on=date(2026, 1, 15),
        expires_on=None,
        today=date(2026, 1, 20),
    )
    assert c.expires_on == date(2027, 1, 15)
    assert c.stage(date(2026, 11, 15)) is CertificateStage.VALID  # 61 days left
    assert c.stage(date(2026, 11, 16)) is CertificateStage.RENEWAL_DUE  # 60 days left
    assert c.stage(date(2027, 1, 15)) is CertificateStage.RENEWAL_DUE  # last valid day
    assert c.stage(date(2027, 1, 16)) is CertificateStage.EXPIRED
    c.events.clear()
    assert c.warn(date(2026, 11, 20)) and not c.warn(date(2026, 11, 21))
    assert c.warn(date(2027, 1, 16)) and not c.warn(date(2027, 2, 1))
    assert [(e.stage, e.days_left) for e in c.events] == [("renewal-due", 56), ("expired", -1)]  # type: ignore[attr-defined]
    with pytest.raises(RuleViolation) as exc:
        Certificate.record(
            certificate_id="s2",
            kitchen=KITCHEN,
            issuer="Dinkes",
            number="2",
            issued_on=date(2026, 1, 15),
            expires_on=date(2026, 1, 15),
            today=date(2026, 2, 1),
        )
    assert rule_of(exc) == ("expires_on", "expires-after-issue")


def test_infrastructure_assessment_needs_every_element_once() -> None:
    ratings = [(e, "baik", "") for e in ("stoves", "storage", "cold-chain", "water", "ventilation")] + [
        ("waste", "rusak-berat", "bocor")
    ]
    a = ConditionAssessment.assess(
        assessment_id="a", kitchen_id="k1", assessed_on=date(2026, 3, 1), assessor="x", ratings=ratings, today=date(2026, 3, 1)
    )
    assert a.score_pct == 83.3  # 15 of 18
    assert [e.element for e in a.elements if e.needs_attention] == ["waste"]
    with pytest.raises(RuleViolation) as exc:
        ConditionAssessment.assess(
            assessment_id="a",
            kitchen_id="k1",
            assessed_on=date(2026, 3, 1),
            assessor="x",
            ratings=ratings[:-1],
            today=date(2026, 3, 1),
        )
    assert rule_of(exc) == ("elements", "every-element-rated")
    with pytest.raises(RuleViolation) as exc:
        ConditionAssessment.assess(
            assessment_id="a",
            kitchen_id="k1",
            assessed_on=date(2026, 3, 1),
            assessor="x",
            ratings=[*ratings[:-1], ("waste", "lumayan", "")],
            today=date(2026, 3, 1),
        )
    assert rule_of(exc) == ("elements[5].condition", "condition-in-scale")


def full_marks() -> dict[str, int]:
    return {code: item.max for code, item in template_in_force(date(2026, 3, 1)).items.items()}


def inspect(marks: dict[str, int], open_findings: list[Finding] | None = None) -> tuple[Inspection, list[Finding], list[Finding]]:
    i = Inspection.schedule(
        inspection_id="i1", kitchen=KITCHEN, kind=InspectionKind.UNANNOUNCED, planned_on=date(2026, 3, 1), by="x"
    )
    opened, closed = i.complete(
        inspected_on=date(2026, 3, 2),
        inspector="Tim Kanwil",
        owner="Kasi Perawatan",
        scores=[Score(c, s, "", None) for c, s in marks.items()],
        open_findings=open_findings or [],
        new_ids=[f"f{n}" for n in range(len(marks))],
        today=date(2026, 3, 2),
        by="x",
    )
    return i, opened, closed


def test_template_totals() -> None:
    t = template_in_force(date(2026, 3, 1))
    # hygiene: handling 14 + storage 12 = 26; structure: 10 + 7 = 17; management: 10 + 6 + 8 = 24.
    assert sum(i.max for i in t.items.values()) == 67
    assert len(t.items) == 21


def test_full_marks_rate_5_and_pass() -> None:
    i, opened, closed = inspect(full_marks())
    assert i.result is not None and (i.result.rating, i.result.passed, opened, closed) == (5, True, [], [])
    assert pct(i.result.overall) == 100.0


def test_one_weak_sub_score_caps_the_rating() -> None:
    marks = full_marks()
    # Structure keeps 12 of 17 points (70.6%); overall 62 of 67 (92.5%) would be a 5, but a 5
    # needs every sub-score at 80 or more: the band with structure >= 70 gives 4.
    marks.update({"structure.floors-walls-clean": 0, "structure.drainage": 1})
    i, opened, _ = inspect(marks)
    assert i.result is not None
    assert pct(i.result.sub_scores["structure"]) == 70.6 and pct(i.result.overall) == 92.5
    assert (i.result.rating, i.result.passed) == (4, True)
    assert [(f.item, f.severity, f.due_on) for f in opened] == [
        ("structure.floors-walls-clean", Severity.MAJOR, date(2026, 3, 16)),
        ("structure.drainage", Severity.MINOR, date(2026, 4, 1)),
    ]
    assert {f.owner for f in opened} == {"Kasi Perawatan"}


def test_a_critical_item_short_of_full_marks_fails_whatever_the_rating() -> None:
    marks = full_marks()
    marks["pest-control.no-pests"] = 3
    i, opened, _ = inspect(marks)
    assert i.result is not None and i.result.rating == 5
    assert (i.result.passed, i.result.failed_rules) == (False, ("critical-item:pest-control.no-pests",))
    assert [(f.severity, f.due_on) for f in opened] == [(Severity.CRITICAL, date(2026, 3, 5))]


def test_low_scores_fail_on_rating() -> None:
    marks = {code: 0 for code in full_marks()}
    i, opened, _ = inspect(marks)
    assert i.result is not None and (i.result.rating, i.result.passed) == (0, False)
    assert "rating-below-3" in i.result.failed_rules and len(opened) == 21


def test_reinspection_closes_compliant_findings_and_keeps_the_rest() -> None:
    earlier = [
        Finding("old1", "i0", KITCHEN, "storage.temperature-log", Severity.MINOR, "o", "", date(2026, 2, 1), date(2026, 3, 1)),
        Finding("old2", "i0", KITCHEN, "structure.drainage", Severity.MINOR, "o", "", date(2026, 2, 1), date(2026, 3, 3)),
    ]
    marks = full_marks()
    marks["structure.drainage"] = 2  # still short: the open finding stays, no second one
    _, opened, closed = inspect(marks, earlier)
    assert opened == [] and [f.finding_id for f in closed] == ["old1"]
    assert earlier[0].status is FindingStatus.CLOSED and earlier[0].closed_on == date(2026, 3, 2)
    assert earlier[0].events[0].late is True  # type: ignore[attr-defined]
    assert earlier[1].status is FindingStatus.OPEN


def test_overdue_findings_escalate_once() -> None:
    f = Finding("f", "i", KITCHEN, "storage.temperature-log", Severity.MINOR, "o", "", date(2026, 2, 1), date(2026, 3, 1))
    assert not f.escalate_if_overdue(date(2026, 3, 1))  # due today: not overdue yet
    assert f.escalate_if_overdue(date(2026, 3, 4)) and not f.escalate_if_overdue(date(2026, 3, 5))
    assert f.events[0].days_overdue == 3  # type: ignore[attr-defined]
    f.close(inspection_id="i2", on=date(2026, 3, 6))
    with pytest.raises(Conflict):
        f.close(inspection_id="i3", on=date(2026, 3, 7))


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        ({"handling.hand-washing": 5}, "scores[1].score", "score-within-template"),
        ({"handling.no-such-item": 1}, "scores[21].item", "item-in-template"),
    ],
)
def test_scores_outside_the_template_are_refused(change: dict[str, int], field: str, rule: str) -> None:
    with pytest.raises(RuleViolation) as exc:
        inspect(full_marks() | change)
    assert rule_of(exc) == (field, rule)


def cycle_days(kcal_men: int = 2400) -> list[tuple[int, dict[str, str], dict[str, int]]]:
    meals = {"pagi": "nasi, telur", "siang": "nasi, ikan, sayur", "sore": "nasi, tempe, sayur"}
    return [(d, meals, {"adult-men": kcal_men if d != 4 else 2300, "adult-women": 2000}) for d in range(1, 11)]


def test_menu_cycle_checks_energy_per_group() -> None:
    c = MenuCycle.adopt(
        cycle_id="m", upt_code="LP-CIPINANG", kanwil_code="KW-DKI", effective_from=date(2026, 3, 1), days=cycle_days()
    )
    assert [d.day for d in c.days if not d.meets_standard] == [4]
    assert [(e.group, e.gap_kcal) for e in c.days[3].energy if not e.meets] == [("adult-men", 45)]
    assert (c.cycle_day_on(date(2026, 3, 1)), c.cycle_day_on(date(2026, 3, 11)), c.cycle_day_on(date(2026, 3, 24))) == (1, 1, 4)
    served = ServedMenu.check(
        served_id="s",
        cycle=c,
        served_on=date(2026, 3, 24),
        cycle_day_served=5,
        kcal={"adult-men": 2345, "adult-women": 1990},
        today=date(2026, 3, 24),
    )
    assert (served.cycle_day_expected, served.as_cycle, served.meets_standard) == (4, False, False)


@pytest.mark.parametrize(
    ("days", "field", "rule"),
    [
        (cycle_days()[:9], "days", "days-of-cycle"),
        ([*cycle_days()[:9], (10, {"pagi": "nasi"}, {"adult-men": 2400, "adult-women": 2000})], "days[9].meals", "main-meals"),
        ([*cycle_days()[:9], (10, cycle_days()[0][1], {"adult-men": 2400})], "days[9].kcal.adult-women", "energy-per-group"),
    ],
)
def test_menu_cycle_refusals(days: list[tuple[int, dict[str, str], dict[str, int]]], field: str, rule: str) -> None:
    with pytest.raises(RuleViolation) as exc:
        MenuCycle.adopt(cycle_id="m", upt_code="LP-CIPINANG", kanwil_code="KW-DKI", effective_from=date(2026, 3, 1), days=days)
    assert rule_of(exc) == (field, rule)
