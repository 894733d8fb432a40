"""The discipline rules: rule_data/discipline.json, read with the shared rule-book loader."""

from functools import cache

from pas_shared.rules import RuleBook, RuleSet

__all__ = ["RuleBook", "RuleSet", "default_rules"]


@cache
def default_rules() -> RuleBook:
    return RuleBook.from_package("pas_security.domain", "rule_data/discipline.json")
