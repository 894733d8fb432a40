"""Calendar arithmetic for legal dates: whole years, months and days, never 30/365-day
approximations. Adding months clamps to the month's last day (31 Jan + 1 month = 28/29 Feb)."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, order=True)
class Span:
    """A length in calendar units, as sentences and remissions are written."""

    years: int = 0
    months: int = 0
    days: int = 0

    def __post_init__(self) -> None:
        if self.years < 0 or self.months < 0 or self.days < 0:
            raise ValueError("a span is never negative")

    @property
    def total_months(self) -> int:
        return self.years * 12 + self.months

    def plus(self, other: "Span") -> "Span":
        """Sum in units: months carry into years, days stay days (a month has no fixed length)."""
        months = self.total_months + other.total_months
        return Span(months // 12, months % 12, self.days + other.days)

    def __str__(self) -> str:
        parts = [f"{n} {unit}" for n, unit in ((self.years, "y"), (self.months, "m"), (self.days, "d")) if n]
        return " ".join(parts) or "0 d"


NO_TIME = Span()


_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(d: date, months: int) -> date:
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    day = d.day
    if day > 28:  # only then can the month be too short (the engine calls this ~10 times per inmate)
        last = 29 if month == 1 and calendar.isleap(year) else _DAYS_IN_MONTH[month]
        day = min(day, last)
    return date(year, month + 1, day)


def add_span(d: date, span: Span) -> date:
    """Years and months first (calendar), then days."""
    months = span.years * 12 + span.months
    end = add_months(d, months) if months else d
    return end + timedelta(days=span.days) if span.days else end


def subtract_span(d: date, span: Span) -> date:
    """Months first (calendar), then days: the convention for release = expiration − remissions."""
    months = span.years * 12 + span.months
    end = add_months(d, -months) if months else d
    return end - timedelta(days=span.days) if span.days else end


def months_between(start: date, end: date) -> tuple[int, int]:
    """Whole calendar months from start to end, and the days left over (end >= start)."""
    if end < start:
        raise ValueError("end before start")
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    return months, (end - add_months(start, months)).days


def served_more_than(start: date, on: date, months: int) -> bool:
    """True when the time from `start` to `on` is strictly more than `months` calendar months."""
    return on > add_months(start, months)


def served_at_least(start: date, on: date, months: int) -> bool:
    return on >= add_months(start, months)


def fraction_of(span: Span, p: int, q: int, days_per_month: int) -> Span:
    """p/q of a remission written in months and days, counting `days_per_month` days to a month
    (a convention from the rule data, used only to split a remission), rounded down to whole days."""
    days = (span.total_months * days_per_month + span.days) * p // q
    months, days = divmod(days, days_per_month)
    return Span(months // 12, months % 12, days)
