"""The food-service rules: rule_data/food.json and rule_data/inspections.json, read with the
shared rule-book loader."""

from functools import cache

from pas_shared.rules import RuleBook, RuleSet

__all__ = ["RuleBook", "RuleSet", "food_rules", "inspection_rules"]


@cache
def food_rules() -> RuleBook:
    return RuleBook.from_package("pas_food_audit.domain", "rule_data/food.json")


@cache
def inspection_rules() -> RuleBook:
    return RuleBook.from_package("pas_food_audit.domain", "rule_data/inspections.json")
