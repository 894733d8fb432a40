"""The remission rules: rule_data/remission.json, read with the shared rule-book loader."""

from functools import cache
from typing import Any

from pas_remission.domain.calendar import Span
from pas_shared.rules import RuleBook, RuleSet

__all__ = ["RuleBook", "RuleSet", "default_rules", "span_of"]


def span_of(raw: dict[str, Any]) -> Span:
    return Span(raw.get("years", 0), raw.get("months", 0), raw.get("days", 0))


@cache
def default_rules() -> RuleBook:
    return RuleBook.from_package("pas_remission.domain", "rule_data/remission.json")
