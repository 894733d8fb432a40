"""Remisi Khusus holiday dates per year: reference data (rule_data/holidays.json), not code.

A Remisi Khusus is granted on the religion's holiday. Natal has a fixed date; the others move
every year and are listed with how sure each date is. A year not listed is unknown: the engine
refuses rather than guesses, and says which file to complete.
"""

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class HolidayDate:
    holiday: str
    on: date
    status: str


class HolidayCalendar:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.source: str = raw["regulation"]
        self._fixed: dict[str, str] = dict(raw.get("fixed", {}))
        self._dates: dict[tuple[str, int], list[HolidayDate]] = {}
        for holiday, entries in raw.get("dates", {}).items():
            for entry in entries:
                d = HolidayDate(holiday, date.fromisoformat(entry["on"]), entry["status"])
                self._dates.setdefault((holiday, d.on.year), []).append(d)

    def dates_in(self, holiday: str, year: int) -> tuple[date, ...] | None:
        """The holiday's dates in that year; None when the year is not in the reference data."""
        fixed = self._fixed.get(holiday)
        if fixed is not None:
            return (date.fromisoformat(f"{year:04d}-{fixed}"),)
        listed = self._dates.get((holiday, year))
        return None if listed is None else tuple(d.on for d in listed)

    def is_holiday(self, holiday: str, on: date) -> bool | None:
        """True or False, or None when the year is not known for that holiday."""
        known = self.dates_in(holiday, on.year)
        return None if known is None else on in known

    def status(self, holiday: str, on: date) -> str:
        if holiday in self._fixed:
            return "fixed"
        return next((d.status for d in self._dates.get((holiday, on.year), []) if d.on == on), "unknown")

    def entries(self) -> list[HolidayDate]:
        fixed = [HolidayDate(h, date(1, 1, 1), "fixed") for h in self._fixed]
        return fixed + sorted((d for ds in self._dates.values() for d in ds), key=lambda d: (d.on, d.holiday))


@cache
def default_holidays() -> HolidayCalendar:
    text = resources.files("pas_remission.domain").joinpath("rule_data/holidays.json").read_text(encoding="utf-8")
    return HolidayCalendar(json.loads(text))
