"""A vendor's performance for a period, from its deliveries and the inspections of its UPT's
kitchens. The components, weights and bands are rule data (`vendor-performance`, unconfirmed):

    fulfilment  = rations accepted, each day up to its order / ordered rations
    quality     = 1 - rejected / delivered rations
    headcount   = rations accepted up to each day's headcount / inmates held those days
    schedule    = deliveries on the contract's delivery days / deliveries
    inspections = mean overall score of the inspections completed in the period

each in percent; the score is the weighted mean of the components that have data (a component
with nothing to measure is left out, not counted as zero), one decimal, half up. Computed on
exact fractions, so the same records always give the same figure.
"""

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from pas_food_audit.domain.deliveries import Delivery
from pas_food_audit.domain.rules import RuleBook, food_rules

PERFORMANCE_RULE = "vendor-performance"
COMPONENTS = ("fulfilment", "quality", "headcount", "schedule", "inspections")


def one_decimal(x: Fraction) -> float:
    """Half up to one decimal (x is never negative here)."""
    return int(x * 10 + Fraction(1, 2)) / 10


@dataclass(frozen=True)
class Performance:
    deliveries: int
    inspections: int
    components: dict[str, float | None]
    score_pct: float | None
    band: str | None
    review: bool  # below the rule data's review threshold


def _ratio(num: int, den: int) -> Fraction | None:
    return None if den == 0 else Fraction(100 * num, den)


def performance(
    deliveries: list[Delivery], inspection_scores: list[float], *, on: date, rules: RuleBook | None = None
) -> Performance:
    values = (rules or food_rules()).in_force(PERFORMANCE_RULE, on).values
    exact: dict[str, Fraction | None] = {
        "fulfilment": _ratio(accepted_within_order(deliveries), sum(d.ordered_rations for d in deliveries)),
        "quality": _ratio(
            sum(d.delivered_rations - d.rejected_rations for d in deliveries), sum(d.delivered_rations for d in deliveries)
        ),
        "headcount": _ratio(sum(min(d.accepted_rations, d.headcount) for d in deliveries), sum(d.headcount for d in deliveries)),
        "schedule": _ratio(sum(1 for d in deliveries if d.scheduled), len(deliveries)),
        "inspections": (
            None
            if not inspection_scores
            else sum((Fraction(str(s)) for s in inspection_scores), Fraction(0)) / len(inspection_scores)
        ),
    }
    weights = {k: int(values["weights"][k]) for k in COMPONENTS}
    measured = {k: v for k, v in exact.items() if v is not None and weights[k] > 0}
    score = Fraction(sum(weights[k] * v for k, v in measured.items()), sum(weights[k] for k in measured)) if measured else None
    band = None
    if score is not None:
        band = next(b["band"] for b in sorted(values["bands"], key=lambda b: -b["min_pct"]) if score >= b["min_pct"])
    return Performance(
        deliveries=len(deliveries),
        inspections=len(inspection_scores),
        components={k: None if v is None else one_decimal(v) for k, v in exact.items()},
        score_pct=None if score is None else one_decimal(score),
        band=band,
        review=score is not None and score < int(values["review_below_pct"]),
    )


def accepted_within_order(deliveries: list[Delivery]) -> int:
    """Rations accepted, each day counted up to what was ordered (more than ordered is not better)."""
    return sum(min(d.accepted_rations, d.ordered_rations) for d in deliveries)
