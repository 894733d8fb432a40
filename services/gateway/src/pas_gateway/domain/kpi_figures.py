"""The figures KPIs are computed from: additive base metrics of one scope (a UPT, a Kanwil, the
nation) over one period, and the few helpers every KPI formula uses.

Base metrics are counters that add up across UPTs, so a Kanwil's or the nation's figures are the
sum of its UPTs' and every ratio is computed from the sums (never an average of ratios). A metric
named `family:key` is one member of a family (e.g. `incidents.category:riot`); a family whose keys
are whole numbers of days is a histogram (e.g. `recapture_days:12`), from which a median is read.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

KpiValue = float | dict[str, float] | list[dict[str, object]] | None


def add_into(total: dict[str, float], part: Mapping[str, float]) -> None:
    for name, value in part.items():
        total[name] = total.get(name, 0.0) + value


def summed(parts: Iterable[Mapping[str, float]]) -> dict[str, float]:
    total: dict[str, float] = {}
    for part in parts:
        add_into(total, part)
    return total


@dataclass(frozen=True)
class Figures:
    values: Mapping[str, float]
    period_days: int  # length of the period the flows cover (at least 1)

    def get(self, name: str) -> float:
        return self.values.get(name, 0.0)

    def family(self, prefix: str) -> dict[str, float]:
        """The members of a family, by key, in key order."""
        start = prefix + ":"
        return {k[len(start) :]: v for k, v in sorted(self.values.items()) if k.startswith(start) and v != 0}

    def pct(self, part: str, whole: str) -> float | None:
        return pct(self.get(part), self.get(whole))

    def mean(self, total: str, count: str, digits: int = 1) -> float | None:
        n = self.get(count)
        return None if n == 0 else round(self.get(total) / n, digits)

    def median(self, histogram: str) -> float | None:
        return median_of(self.family(histogram))


def pct(part: float, whole: float) -> float | None:
    return None if whole == 0 else round(part / whole * 100, 1)


def median_of(histogram: Mapping[str, float]) -> float | None:
    """The median of values counted in a histogram {value: count}; the mean of the two middle
    values when the count is even."""
    points = sorted((int(k), int(n)) for k, n in histogram.items() if n > 0)
    total = sum(n for _, n in points)
    if total == 0:
        return None

    def nth(i: int) -> int:  # the i-th value (0-based) in sorted order
        seen = 0
        for value, n in points:
            seen += n
            if i < seen:
                return value
        raise IndexError(i)

    if total % 2:
        return float(nth(total // 2))
    return (nth(total // 2 - 1) + nth(total // 2)) / 2
