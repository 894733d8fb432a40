"""Rule data: the regulations' numbers, loaded from versioned JSON (rule_data/remission.json).

A new Permenkumham is a data change: add a rule set with the same id and a later
`effective_from`; cases dated before it keep computing under the old one.
"""

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from pas_remission.domain.calendar import Span


@dataclass(frozen=True)
class RuleSet:
    id: str
    regulation: str
    article: str
    effective_from: date
    status: str
    values: dict[str, Any]

    def cite(self) -> str:
        return f"{self.regulation}{', ' + self.article if self.article else ''}"

    def span(self, key: str) -> Span:
        return span_of(self.values[key])

    def fraction(self, key: str) -> tuple[int, int]:
        p, q = self.values[key]
        return int(p), int(q)


def span_of(raw: dict[str, int]) -> Span:
    return Span(raw.get("years", 0), raw.get("months", 0), raw.get("days", 0))


class RuleBook:
    def __init__(self, rule_sets: list[RuleSet]) -> None:
        self._by_id: dict[str, list[RuleSet]] = {}
        for rs in sorted(rule_sets, key=lambda r: r.effective_from):
            self._by_id.setdefault(rs.id, []).append(rs)

    def in_force(self, rule_id: str, on: date) -> RuleSet:
        versions = [rs for rs in self._by_id.get(rule_id, []) if rs.effective_from <= on]
        if not versions:
            raise LookupError(f"no version of rule {rule_id!r} in force on {on.isoformat()}")
        return versions[-1]

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> "RuleBook":
        sets = []
        for item in raw["rule_sets"]:
            meta = {"id", "regulation", "article", "effective_from", "status"}
            sets.append(
                RuleSet(
                    id=item["id"],
                    regulation=item["regulation"],
                    article=item.get("article", ""),
                    effective_from=date.fromisoformat(item["effective_from"]),
                    status=item["status"],
                    values={k: v for k, v in item.items() if k not in meta},
                )
            )
        return cls(sets)


@cache
def default_rules() -> RuleBook:
    text = resources.files("pas_remission.domain").joinpath("rule_data/remission.json").read_text(encoding="utf-8")
    return RuleBook.from_json(json.loads(text))
