"""KPI formulas, the risk index and the rule data, without any I/O."""

from datetime import date

import pytest

from pas_gateway.domain.kpi_catalogue import AREAS, CATALOGUE, area_kpis
from pas_gateway.domain.kpi_composite import risk_index
from pas_gateway.domain.kpi_figures import Figures, median_of
from pas_gateway.domain.kpi_metrics import INDICATORS, kind_of, needs_of
from pas_gateway.domain.kpi_rules import province_key, ration_cost, risk_rules


def value(kpi_id: str, period_days: int = 365, **metrics: float) -> object:
    return CATALOGUE[kpi_id].value(Figures(metrics, period_days))


def test_every_area_has_kpis_with_both_languages_and_known_metrics() -> None:
    for area in AREAS:
        assert area_kpis(area), area
    for kpi in CATALOGUE.values():
        assert kpi.label_id and kpi.label_en and kpi.definition_id and kpi.definition_en and kpi.unit, kpi.id
        for name in kpi.needs:
            kind_of(name)  # raises for a metric no projection keeps
        if not kpi.available:
            assert kpi.note_id.startswith("Tidak tersedia") and kpi.note_en.startswith("Not available"), kpi.id


def test_overcrowding_as_ditjenpas_reports_it() -> None:
    # 281,762 occupants in 146,260 places: 92.6% over capacity, a ratio of 192.6% (domain.md 3.4).
    assert value("overcrowding_pct", detainees=81_762, convicts=200_000, capacity=146_260) == 92.6
    assert value("occupancy_ratio_pct", detainees=81_762, convicts=200_000, capacity=146_260) == 192.6
    assert value("overcrowding_pct", detainees=5) is None  # no capacity known: no figure, not infinity


def test_escape_rate_is_per_10000_occupants_per_year() -> None:
    # 52 escapees in 91 days among 386 occupants: 52 / 386 x 10,000 x 365 / 91.
    assert value("escape_rate_per_10k_year", 91, escapees=52, convicts=386) == round(52 / 386 * 10_000 * 365 / 91, 2)


def test_median_of_a_histogram() -> None:
    assert median_of({"11": 1}) == 11.0
    assert median_of({"3": 2, "10": 1}) == 3.0
    assert median_of({"3": 1, "10": 1}) == 6.5
    assert median_of({}) is None
    assert value("median_days_to_recapture", **{"recapture_days:11": 1, "recapture_days:2": 2, "recapture_days:30": 2}) == 11.0


def test_families_give_breakdowns_and_shares() -> None:
    metrics = {"permits_granted:halal": 3, "permits_granted:p-irt": 1, "products_active": 4}
    assert value("legalised_pct_by_permit", **metrics) == {"halal": 75.0, "p-irt": 25.0}
    assert value("product_categories", **{"products.category:bakery": 2, "products.category:batik": 0}) == 1.0
    assert value("type_ii_releases", **{"releases.reason:remission-ii": 2, "releases.reason:pb": 5}) == 2.0


def test_ration_cost_by_province_with_the_default_elsewhere() -> None:
    assert province_key("DKI Jakarta") == "dki-jakarta"
    assert ration_cost("DKI Jakarta", date(2026, 8, 17)) == 18_000
    assert ration_cost("Papua Selatan", date(2024, 5, 1)) == 37_000
    assert ration_cost("Aceh", date(2026, 8, 17)) == 17_000  # not in the PMK extract: the default
    assert ration_cost(None, date(2026, 8, 17)) == 17_000
    with pytest.raises(LookupError):
        ration_cost("Lampung", date(2023, 12, 31))  # before the rule data's first version


def test_risk_index_weights_the_components_it_has_data_for() -> None:
    rules = risk_rules(date(2026, 1, 1))
    # 300% over capacity (capped at 1), 10 incidents per 100 occupants per year (1), audit score 80
    # (gap 20 of 100: 0.2), 40 occupants per guard (40/60), kitchen rating 4 (gap 1 of 5: 0.2).
    f = Figures(
        {
            "convicts": 400,
            "capacity": 100,
            "incidents": 40,
            "audits": 1,
            "audit_score": 80,
            "guards": 10,
            "inspections": 2,
            "inspection_rating": 8,
        },
        365,
    )
    score = risk_index(f, rules)
    assert score is not None
    expected = 100 * (0.3 * 1 + 0.25 * 1 + 0.15 * 0.2 + 0.15 * (40 / 60) + 0.15 * 0.2) / 1.0
    assert score.index == round(expected, 1)
    # No audit, guard or inspection data: those weights leave the sum (the index is not diluted by
    # missing reports); occupants with no incident is a rate of 0, which counts.
    only = risk_index(Figures({"convicts": 150, "capacity": 100}, 365), rules)
    assert only is not None and set(only.components) == {"overcrowding", "incident_rate"}
    assert only.index == round(100 * (0.3 * 50 / 200) / (0.3 + 0.25), 1)
    assert risk_index(Figures({}, 365), rules) is None


def test_indicators_pull_in_what_they_need() -> None:
    needs = needs_of({"upt_overcrowded"})
    assert needs.indicators == ("upt_overcrowded",) and needs.levels == ("capacity", "convicts", "detainees")
    assert INDICATORS["upt_overcrowded"].of(Figures({"detainees": 3, "capacity": 2}, 1), risk_rules(date(2026, 1, 1))) == 1.0
    assert not CATALOGUE["overcrowded_upts"].has_series and CATALOGUE["occupants"].has_series
