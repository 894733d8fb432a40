"""The composite UPT risk index: overcrowding, incident rate, SOP audit score, staff ratio and
kitchen rating in one number from 0 (no concern) to 100, so headquarters sees which UPTs need
attention first. Weights and scales are rule data and a policy choice (rule_data/kpi.json):

    index = 100 × Σ wᵢ·min(1, max(0, xᵢ / scaleᵢ)) / Σ wᵢ

over the components the UPT has data for (a component with no data leaves the sum and its
weight with it, so a UPT is not rated safe for lack of reports; `components` says which counted).
"""

from dataclasses import dataclass

from pas_gateway.domain.kpi_figures import Figures
from pas_shared.rules import RuleSet

# The metrics one UPT's figures need for its index.
RISK_METRICS = (
    "detainees",
    "convicts",
    "capacity",
    "incidents",
    "guards",
    "audits",
    "audit_score",
    "inspections",
    "inspection_rating",
)


@dataclass(frozen=True)
class RiskScore:
    index: float
    components: dict[str, float]  # each component's measure x_i, as used


def measures(f: Figures) -> dict[str, float]:
    """Each component's measure for one UPT, where its data exist."""
    occupants = f.get("detainees") + f.get("convicts")
    capacity = f.get("capacity")
    found: dict[str, float] = {}
    if capacity > 0:
        found["overcrowding"] = (occupants - capacity) / capacity * 100
    if occupants > 0:
        found["incident_rate"] = f.get("incidents") / occupants * 100 * 365 / f.period_days
    if f.get("audits") > 0:
        found["audit_gap"] = 100 - f.get("audit_score") / f.get("audits")
    if f.get("guards") > 0:
        found["staff_ratio"] = occupants / f.get("guards")
    if f.get("inspections") > 0:
        found["kitchen_gap"] = 5 - f.get("inspection_rating") / f.get("inspections")
    return found


def risk_index(f: Figures, rules: RuleSet) -> RiskScore | None:
    components: dict[str, dict[str, float]] = rules.values["components"]
    found = {name: x for name, x in measures(f).items() if name in components}
    weight = sum(components[name]["weight"] for name in found)
    if not found or weight == 0:
        return None
    score = sum(components[n]["weight"] * min(1.0, max(0.0, x / components[n]["scale"])) for n, x in found.items())
    return RiskScore(round(100 * score / weight, 1), {n: round(x, 2) for n, x in sorted(found.items())})
