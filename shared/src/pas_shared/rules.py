"""Versioned rule data: regulation-derived numbers live in JSON files next to each service's
domain code, never as constants in code.

Each rule set names its regulation, article, the date it takes effect and how sure the data
is (`status`). A new regulation is a data change: add a rule set with the same id and a later
`effective_from`; facts dated before it keep being judged under the old one.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import Any

from pas_shared.errors import RuleNotInForce

_META = {"id", "regulation", "article", "effective_from", "status"}


@dataclass(frozen=True)
class RuleSet:
    id: str
    regulation: str
    article: str
    effective_from: date
    status: str
    values: dict[str, Any]
    citation: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Cited in every explanation step: formatted once.
        object.__setattr__(self, "citation", f"{self.regulation}{', ' + self.article if self.article else ''}")

    def cite(self) -> str:
        return self.citation

    def fraction(self, key: str) -> tuple[int, int]:
        p, q = self.values[key]
        return int(p), int(q)


class RuleBook:
    def __init__(self, rule_sets: list[RuleSet]) -> None:
        self._by_id: dict[str, list[RuleSet]] = {}
        self._in_force: dict[tuple[str, date], RuleSet] = {}  # a batch asks the same question 276,000 times
        for rs in sorted(rule_sets, key=lambda r: r.effective_from):
            self._by_id.setdefault(rs.id, []).append(rs)

    def in_force(self, rule_id: str, on: date) -> RuleSet:
        found = self._in_force.get((rule_id, on))
        if found is None:
            found = self._in_force_uncached(rule_id, on)
            if len(self._in_force) > 4096:  # bounded: a long-running service is asked about many dates
                self._in_force.clear()
            self._in_force[(rule_id, on)] = found
        return found

    def _in_force_uncached(self, rule_id: str, on: date) -> RuleSet:
        if rule_id not in self._by_id:  # a rule the code names but the data lacks: a bug, not bad input
            raise LookupError(f"no rule {rule_id!r} in this rule book")
        versions = [rs for rs in self._by_id[rule_id] if rs.effective_from <= on]
        if not versions:  # a date before the first version: the caller asked about a date no rule covers
            raise RuleNotInForce(rule_id, on.isoformat())
        return versions[-1]

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> "RuleBook":
        return cls(
            [
                RuleSet(
                    id=item["id"],
                    regulation=item["regulation"],
                    article=item.get("article", ""),
                    effective_from=date.fromisoformat(item["effective_from"]),
                    status=item["status"],
                    values={k: v for k, v in item.items() if k not in _META},
                )
                for item in raw["rule_sets"]
            ]
        )

    @classmethod
    def from_package(cls, package: str, resource: str) -> "RuleBook":
        """Load `resource` (e.g. "rule_data/remission.json") shipped inside `package`."""
        return cls.from_json(json.loads(resources.files(package).joinpath(resource).read_text(encoding="utf-8")))
