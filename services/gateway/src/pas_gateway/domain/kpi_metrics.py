"""The base metrics the projections keep per UPT, and how each is read.

- A *level* is a current count (occupants, escapees at large, open incidents). The projections
  keep its current value per UPT and its change per day, so a series shows the level at the end
  of each day or month.
- A *flow* is counted per UPT and day (escapes, incidents, revenue); a period sums its days.
- A *window* is a dated count read relative to today, not to the asked period: e.g. releases
  expected in the next 90 days, certificates valid today, findings past their due date.
- An *indicator* is worked out per UPT from its other metrics and then counted (UPTs
  overcrowded, UPTs producing), so it is never a series.
A family (`name:*` in a KPI's needs) is every metric `name:<key>`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from pas_gateway.domain.kpi_composite import RISK_METRICS, risk_index
from pas_gateway.domain.kpi_figures import Figures
from pas_shared.rules import RuleSet

LEVELS = frozenset(
    {
        "detainees",
        "convicts",
        "capacity",
        "at_large",
        "incidents_open",
        "corrective_open",
        "officers",
        "guards",
        "products_active",
        "products_branded",
        "kitchens",
        "findings_open",
    }
)
LEVEL_FAMILIES = frozenset({"permits_granted", "products.category"})
FLOWS = frozenset(
    {
        "escapees",
        "escapees_recaptured",
        "incidents",
        "incidents_closed",
        "close_hours",
        "escalations_due",
        "escalations_on_time",
        "searches",
        "audits",
        "audit_score",
        "programme_completions",
        "sessions_held",
        "sessions_attended",
        "revenue_rupiah",
        "pnbp_deposited_rupiah",
        "premi_paid_rupiah",
        "remissions",
        "remission_days",
        "remission_saving_rupiah",
        "assistance",
        "assistance_rupiah",
        "inspections",
        "inspections_passed",
        "inspection_rating",
        "deliveries",
        "deliveries_short",
        "delivery_cost_rupiah",
        "delivery_headcount",
        "delivery_cost_std_rupiah",
        "delivery_standard_rupiah",
        "shortfall_rations",
    }
)
FLOW_FAMILIES = frozenset(
    {
        "incidents.category",
        "incidents.severity",
        "recapture_days",
        "seized",
        "remissions.occasion",
        "remissions.type",
        "releases.reason",
        "integration.granted",
        "integration.revoked",
        "sanctions",
    }
)
# Dated counts kept in the per-day table under a date that is not when something happened.
DATED = frozenset({"release_due", "trained_until", "certificate_valid_until", "finding_due"})


@dataclass(frozen=True)
class Window:
    """Days from `stored`'s per-day counts, relative to today: from today+start to today+end
    (both inclusive; None: open-ended)."""

    stored: str
    start: int | None
    end: int | None


WINDOWS = {
    "release_due_90": Window("release_due", 0, 89),
    "officers_trained": Window("trained_until", 0, None),
    "kitchens_certified": Window("certificate_valid_until", 0, None),
    "findings_overdue": Window("finding_due", None, -1),
    "audits_90": Window("audits", -89, 0),
}


@dataclass(frozen=True)
class Indicator:
    needs: tuple[str, ...]
    of: Callable[[Figures, RuleSet], float]


def _occupants(f: Figures) -> float:
    return f.get("detainees") + f.get("convicts")


def _risk(f: Figures, rules: RuleSet) -> float:
    score = risk_index(f, rules)
    return 0.0 if score is None else score.index


def _rated(f: Figures, rules: RuleSet) -> float:
    return float(risk_index(f, rules) is not None)


def _attention(f: Figures, rules: RuleSet) -> float:
    score = risk_index(f, rules)
    return float(score is not None and score.index >= rules.values["attention_threshold"])


INDICATORS = {
    "upt_count": Indicator((), lambda f, _: 1.0),
    "upt_overcrowded": Indicator(("detainees", "convicts", "capacity"), lambda f, _: float(_occupants(f) > f.get("capacity"))),
    "upt_producing": Indicator(("products_active",), lambda f, _: float(f.get("products_active") > 0)),
    "upt_audited_90": Indicator(("audits_90",), lambda f, _: float(f.get("audits_90") > 0)),
    "risk_index": Indicator(RISK_METRICS, _risk),
    "risk_rated": Indicator(RISK_METRICS, _rated),
    "risk_attention": Indicator(RISK_METRICS, _attention),
}


def family_of(name: str) -> str | None:
    return name[:-2] if name.endswith(":*") else None


def kind_of(name: str) -> str:
    family = family_of(name)
    if family is not None:
        if family in LEVEL_FAMILIES:
            return "level"
        if family in FLOW_FAMILIES:
            return "flow"
    elif name in LEVELS:
        return "level"
    elif name in FLOWS:
        return "flow"
    elif name in WINDOWS:
        return "window"
    elif name in INDICATORS:
        return "indicator"
    raise KeyError(f"unknown metric {name!r}")


@dataclass(frozen=True)
class Needs:
    """What one question needs from the store, split by how each is read."""

    levels: tuple[str, ...]  # names; families end with ':*'
    flows: tuple[str, ...]
    windows: tuple[str, ...]
    indicators: tuple[str, ...]

    @property
    def per_upt(self) -> bool:
        """Indicators (and windows feeding them) must be worked out UPT by UPT."""
        return bool(self.indicators)


def needs_of(names: set[str]) -> Needs:
    """Close over indicators' needs, then sort by kind."""
    todo, seen = list(names), set[str]()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if kind_of(name) == "indicator":
            todo.extend(INDICATORS[name].needs)
    by_kind: dict[str, list[str]] = {"level": [], "flow": [], "window": [], "indicator": []}
    for name in sorted(seen):
        by_kind[kind_of(name)].append(name)
    return Needs(*(tuple(by_kind[k]) for k in ("level", "flow", "window", "indicator")))
