"""The security rule data (rule_data/*.json), read with the shared rule-book loader."""

from functools import cache

from pas_shared.rules import RuleBook, RuleSet

__all__ = ["RuleBook", "RuleSet", "default_rules", "incident_rules", "officer_rules", "search_rules", "sop_rules"]


@cache
def default_rules() -> RuleBook:
    return RuleBook.from_package("pas_security.domain", "rule_data/discipline.json")


@cache
def incident_rules() -> RuleBook:
    return RuleBook.from_package("pas_security.domain", "rule_data/incidents.json")


@cache
def sop_rules() -> RuleBook:
    return RuleBook.from_package("pas_security.domain", "rule_data/sop_audits.json")


@cache
def officer_rules() -> RuleBook:
    return RuleBook.from_package("pas_security.domain", "rule_data/officers.json")


@cache
def search_rules() -> RuleBook:
    return RuleBook.from_package("pas_security.domain", "rule_data/searches.json")
