"""The KPI rule data (rule_data/kpi.json): ration cost for the food-budget saving of remission,
and the composite risk index's weights (a policy choice, marked so in the data)."""

import re
from datetime import date
from functools import cache

from pas_shared.rules import RuleBook, RuleSet


@cache
def kpi_rules() -> RuleBook:
    return RuleBook.from_package("pas_gateway.domain", "rule_data/kpi.json")


def province_key(province: str | None) -> str:
    """'DKI Jakarta' -> 'dki-jakarta', the key of the rule data."""
    return re.sub(r"[^a-z0-9]+", "-", (province or "").lower()).strip("-")


def ration_cost(province: str | None, on: date, rules: RuleBook | None = None) -> int:
    """Rupiah per inmate per day in the UPT's province on that date (the default where the
    regulation's figure for the province is not known)."""
    rs = (rules or kpi_rules()).in_force("ration-cost", on)
    by_province: dict[str, int] = rs.values["rupiah_per_day_by_province"]
    return int(by_province.get(province_key(province), rs.values["default_rupiah_per_day"]))


def days_per_month(on: date, rules: RuleBook | None = None) -> int:
    return int((rules or kpi_rules()).in_force("ration-cost", on).values["days_per_month"])


def risk_rules(on: date, rules: RuleBook | None = None) -> RuleSet:
    return (rules or kpi_rules()).in_force("upt-risk-index", on)
