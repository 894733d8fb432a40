from datetime import date

import pytest

from pas_food_audit.domain.contracts import Contract, PenaltyClause, Vendor, Weekday
from pas_food_audit.domain.deliveries import Delivery
from pas_food_audit.domain.performance import performance
from pas_food_audit.domain.sanctions import ContractStanding, SanctionKind, Standing, fine_for
from pas_shared.errors import Conflict, RuleViolation
from pas_shared.events.food_audit import VendorSanctioned

VENDOR = Vendor("v1", "CV Sumber Pangan", None, "Jl. Raya 1", "LP-CIPINANG", "KW-DKI")
TODAY = date(2026, 3, 20)


def contract(value: int = 3_000_000_000, permille: int = 1, cap_pct: int = 5) -> Contract:
    return Contract.sign(
        contract_id="c1",
        contract_number="KTR-01/2026",
        tender_reference="LELANG-2026-01",
        vendor=VENDOR,
        province="dki-jakarta",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        value_rupiah=value,
        daily_ration_cost_rupiah=17_500,
        delivery_days=[Weekday.MON, Weekday.WED, Weekday.FRI],
        penalty=PenaltyClause(permille, cap_pct, ""),
    )


def delivery(day: date, ordered: int, delivered: int, rejected: int = 0, headcount: int = 100) -> Delivery:
    return Delivery.record(
        delivery_id=f"d-{day}",
        contract=contract(),
        delivered_on=day,
        headcount=headcount,
        ordered_rations=ordered,
        delivered_rations=delivered,
        rejected_rations=rejected,
        rejection_reason="busuk" if rejected else None,
        notes="",
        today=TODAY,
    )


def decide(
    s: ContractStanding, kind: SanctionKind, on: date, *, letter_number: str | None = None, ground: str | None = None
) -> None:
    s.decide(
        sanction_id=f"s{len(s.sanctions)}",
        kind=kind,
        decided_on=on,
        today=TODAY,
        by="kasi",
        why="x",
        vendor_name="CV",
        letter_number=letter_number,
        ground=ground,
    )


def test_a_fine_is_the_shortfall_late_one_day_under_the_clause_rounded_down_and_capped() -> None:
    found = [delivery(date(2026, 3, 2), 100, 100, rejected=7), delivery(date(2026, 3, 4), 100, 90)]
    # 17 rations short x Rp17,500 = Rp297,500; 1 per mille = Rp297.5 -> Rp297.
    f = fine_for(contract(), found, fined_so_far=0)
    assert (f.shortfall_rations, f.shortfall_value_rupiah, f.before_cap_rupiah, f.amount_rupiah) == (17, 297_500, 297, 297)
    small = contract(value=1_000_000, permille=1000, cap_pct=5)  # cap Rp50,000
    assert fine_for(small, found, fined_so_far=40_000).amount_rupiah == 10_000
    assert fine_for(small, found, fined_so_far=50_000).amount_rupiah == 0


def test_the_standing_moves_warning_suspension_reinstatement_termination() -> None:
    s = ContractStanding(contract())
    with pytest.raises(RuleViolation) as refused:
        decide(s, SanctionKind.SUSPENSION, date(2026, 3, 1))
    assert refused.value.errors[0].rule == "warned-before-suspension"
    for n in range(3):
        decide(s, SanctionKind.WARNING, date(2026, 3, 1 + n), letter_number=f"SP-{n + 1}")
    assert [x.warning_level for x in s.sanctions] == [1, 2, 3]
    with pytest.raises(RuleViolation) as fourth:
        decide(s, SanctionKind.WARNING, date(2026, 3, 5), letter_number="SP-4")
    assert fourth.value.errors[0].rule == "within-max-warnings"
    decide(s, SanctionKind.SUSPENSION, date(2026, 3, 6))
    assert (s.status, s.since, s.accepts_delivery_on(date(2026, 3, 5)), s.accepts_delivery_on(date(2026, 3, 6))) == (
        Standing.SUSPENDED,
        date(2026, 3, 6),
        True,
        False,
    )
    with pytest.raises(Conflict):
        decide(s, SanctionKind.SUSPENSION, date(2026, 3, 7))
    decide(s, SanctionKind.REINSTATEMENT, date(2026, 3, 8))
    decide(s, SanctionKind.TERMINATION, date(2026, 3, 9), ground="warnings-exhausted")
    assert s.status is Standing.TERMINATED
    event = s.events[-1]
    assert isinstance(event, VendorSanctioned) and (event.from_status, event.status, event.ground) == (
        "active",
        "terminated",
        "warnings-exhausted",
    )


def test_a_decision_cannot_predate_the_previous_one() -> None:
    s = ContractStanding(contract())
    decide(s, SanctionKind.WARNING, date(2026, 3, 10), letter_number="SP-1")
    with pytest.raises(RuleViolation) as refused:
        decide(s, SanctionKind.WARNING, date(2026, 3, 9), letter_number="SP-2")
    assert refused.value.errors[0].rule == "not-before-previous-sanction"


def test_performance_leaves_out_what_it_cannot_measure() -> None:
    found = [delivery(date(2026, 3, 2), 100, 100), delivery(date(2026, 3, 7), 100, 120, rejected=20, headcount=110)]
    p = performance(found, [], on=TODAY)
    # fulfilment 200/200 (120 delivered counts up to the order), quality 200/220, headcount 200/210, schedule 1/2
    assert p.components == {"fulfilment": 100.0, "quality": 90.9, "headcount": 95.2, "schedule": 50.0, "inspections": None}
    # (35 x 100 + 25 x 2000/22 + 15 x 2000/21 + 5 x 50) / 80 = (3500 + 2272.73 + 1428.57 + 250) / 80 = 93.14
    assert (p.score_pct, p.band, p.review) == (93.1, "A", False)
    with_inspections = performance(found, [40.0, 50.0], on=TODAY)
    assert with_inspections.components["inspections"] == 45.0
    # (7451.30 + 20 x 45) / 100 = 83.51
    assert (with_inspections.score_pct, with_inspections.band) == (83.5, "B")
    assert performance([], [], on=TODAY).score_pct is None
