"""The reference lists and numbers in rule data (rule_data/rehabilitation.json): programme
categories, product categories with the permits each needs, permit types, expiry-warning days,
flagship limits and the default premi split. Nothing here is a constant in code."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from functools import cache

from pas_shared.errors import RuleViolation
from pas_shared.rules import RuleBook, RuleSet


@cache
def rules() -> RuleBook:
    return RuleBook.from_package("pas_rehabilitation.domain", "rule_data/rehabilitation.json")


def in_force(rule_id: str, on: date, book: RuleBook | None = None) -> RuleSet:
    return (book or rules()).in_force(rule_id, on)


@dataclass(frozen=True)
class ProductCategory:
    code: str
    name: str
    # Each group must be met by one granted permit of a type in it: [["p-irt", "bpom"], ["halal"]]
    # reads "P-IRT or BPOM, and halal". No groups: the product needs no permit.
    required: tuple[tuple[str, ...], ...]
    applicable: frozenset[str]


def programme_categories(kind: str, on: date, book: RuleBook | None = None) -> dict[str, str]:
    """Category code -> name for a programme kind (kemandirian or kepribadian)."""
    listed = in_force("programme-categories", on, book).values["categories"].get(kind, [])
    return {c["code"]: c["name"] for c in listed}


def product_categories(on: date, book: RuleBook | None = None) -> dict[str, ProductCategory]:
    return {
        c["code"]: ProductCategory(
            c["code"], c["name"], tuple(tuple(group) for group in c["required"]), frozenset(c["applicable"])
        )
        for c in in_force("product-categories", on, book).values["categories"]
    }


def permit_types(on: date, book: RuleBook | None = None) -> dict[str, tuple[str, str]]:
    """Permit type code -> (name, usual issuing agency)."""
    return {t["code"]: (t["name"], t["agency"]) for t in in_force("permit-types", on, book).values["types"]}


def expiry_warning_days(on: date, book: RuleBook | None = None) -> tuple[int, ...]:
    """Days before valid_until at which a warning goes out, largest first."""
    return tuple(sorted((int(d) for d in in_force("permit-expiry-warnings", on, book).values["days_before"]), reverse=True))


def require_listed(field: str, code: str, listed: Collection[str], what_id: str, what_en: str) -> None:
    """Refuse a code that is not in the reference list in force, naming the list."""
    if code in listed:
        return
    valid = ", ".join(sorted(listed)) or "-"
    raise RuleViolation(
        field,
        "listed",
        id=f"{what_id} '{code}' tidak ada dalam daftar ({valid}).",
        en=f"{what_en} '{code}' is not in the list ({valid}).",
    )
