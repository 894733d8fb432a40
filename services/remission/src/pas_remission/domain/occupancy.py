"""Occupancy, capacity history and the release forecast. Pure: no I/O, no clock.

Reporting convention (domain.md §3.4): Ditjenpas reports "over kapasitas %" as
(penghuni − kapasitas) / kapasitas × 100; some outlets quote the occupancy ratio
penghuni / kapasitas instead (e.g. "199%"), so both are given and labelled. Units that are not
over capacity are not flagged. Bapas hold no one and are left out of occupancy.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from pas_remission.domain.facility import Facility, UptType
from pas_shared.errors import RuleViolation

_ONE_DECIMAL = Decimal("0.1")


def _percent(numerator: int, denominator: int) -> float:
    """numerator / denominator × 100, rounded half away from zero to one decimal (as published)."""
    return float((Decimal(numerator) * 100 / Decimal(denominator)).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Occupancy:
    """Who is held (tahanan and narapidana) against the places there are."""

    detainees: int  # tahanan: no final verdict yet
    convicts: int  # narapidana: final (inkracht) verdict
    capacity: int

    @property
    def occupants(self) -> int:
        """Penghuni: every WBP held."""
        return self.detainees + self.convicts

    @property
    def overcrowding_pct(self) -> float | None:
        """Over kapasitas %: (occupants − capacity) / capacity × 100; negative when under capacity.
        None when there is no capacity to divide by."""
        return None if self.capacity == 0 else _percent(self.occupants - self.capacity, self.capacity)

    @property
    def occupancy_ratio_pct(self) -> float | None:
        """Occupants / capacity × 100 (the "199%" some outlets quote)."""
        return None if self.capacity == 0 else _percent(self.occupants, self.capacity)

    @property
    def over_capacity(self) -> bool:
        return self.occupants > self.capacity

    def __add__(self, other: "Occupancy") -> "Occupancy":
        return Occupancy(self.detainees + other.detainees, self.convicts + other.convicts, self.capacity + other.capacity)


NO_ONE = Occupancy(0, 0, 0)


class Level(StrEnum):
    UPT = "upt"
    KANWIL = "kanwil"
    NATIONAL = "national"


@dataclass(frozen=True)
class UptOccupancy:
    upt_code: str
    name: str
    kanwil_code: str
    occupancy: Occupancy


@dataclass(frozen=True)
class UnitOccupancy:
    """One line of an occupancy report: a UPT, a Kanwil or the nation."""

    level: Level
    code: str  # upt_code, kanwil_code or "national"
    name: str | None  # the UPT's name; None for a Kanwil or the nation
    kanwil_code: str | None  # None for the nation
    upt_count: int
    occupancy: Occupancy


def holds_inmates(facility: Facility) -> bool:
    """A Bapas supervises clients in the community; it holds no one and has no places."""
    return facility.upt_type is not UptType.BAPAS


def roll_up(upts: Iterable[UptOccupancy], level: Level) -> list[UnitOccupancy]:
    """Per UPT, summed per Kanwil, or summed for the nation. Sums are of heads and places; the
    percentages are computed on the sums (never an average of percentages)."""
    upts = sorted(upts, key=lambda u: u.upt_code)
    if level is Level.UPT:
        return [UnitOccupancy(level, u.upt_code, u.name, u.kanwil_code, 1, u.occupancy) for u in upts]
    groups: dict[str, list[UptOccupancy]] = {}
    for u in upts:
        groups.setdefault(u.kanwil_code if level is Level.KANWIL else "national", []).append(u)
    if level is Level.NATIONAL and not groups:
        groups["national"] = []
    return [
        UnitOccupancy(
            level,
            code,
            None,
            code if level is Level.KANWIL else None,
            len(members),
            sum((m.occupancy for m in members), NO_ONE),
        )
        for code, members in sorted(groups.items())
    ]


# -- capacity history ------------------------------------------------------------------------


REGISTRATION_REASON = "capacity at registration"


@dataclass(frozen=True)
class CapacityEntry:
    """The capacity of a UPT from `effective_on` until the next entry."""

    effective_on: date
    capacity: int
    reason: str


@dataclass(frozen=True)
class CapacityChange:
    entry: CapacityEntry
    replaces: CapacityEntry | None  # an entry on the same date, corrected by this one
    capacity_now: int  # the capacity in force today once the change is recorded


def capacity_on(history: Sequence[CapacityEntry], on: date) -> int | None:
    """The capacity in force on `on`: the latest entry that took effect on or before it. None
    before the first entry (the UPT had no recorded capacity then)."""
    found = [e for e in history if e.effective_on <= on]
    return max(found, key=lambda e: e.effective_on).capacity if found else None


def change_capacity(
    facility: Facility, history: Sequence[CapacityEntry], entry: CapacityEntry, *, today: date
) -> CapacityChange | None:
    """Validate a change of capacity and say what it does. `today` is the UPT's local date.

    - the capacity meets the facility's rules (not negative; a Bapas stays 0);
    - it takes effect today or earlier: a change is recorded when it happens (a planned block
      is recorded on the day it opens), so the capacity in force today is always the latest entry;
    - not before the first entry (the capacity at registration): history starts there;
    - an entry on a date that already has one corrects it. The same capacity again on the same
      date changes nothing (None), so a retried request records once.
    """
    replace(facility, capacity=entry.capacity)  # the facility's own rules on capacity
    if entry.effective_on > today:
        raise RuleViolation(
            "effective_on",
            "not-in-future",
            id="Perubahan kapasitas dicatat pada hari berlakunya atau sesudahnya, bukan sebelumnya.",
            en="A capacity change is recorded on or after the day it takes effect, not ahead of time.",
        )
    if history:
        first = min(e.effective_on for e in history)
        if entry.effective_on < first:
            raise RuleViolation(
                "effective_on",
                "not-before-first-capacity",
                id=f"Riwayat kapasitas UPT {facility.upt_code} dimulai {first.isoformat()}; tanggal tidak boleh sebelumnya.",
                en=f"The capacity history of UPT {facility.upt_code} starts on {first.isoformat()}; the date cannot be earlier.",
            )
    same_day = next((e for e in history if e.effective_on == entry.effective_on), None)
    if same_day is not None and same_day.capacity == entry.capacity:
        return None
    after = [e for e in history if e.effective_on != entry.effective_on] + [entry]
    now = capacity_on(after, today)
    assert now is not None  # the entry itself takes effect on or before today
    return CapacityChange(entry, same_day, now)


# -- release forecast ------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpectedRelease:
    inmate_id: str
    upt_code: str
    release_on: date


@dataclass(frozen=True)
class Window:
    """The days a UPT's forecast covers: from its local today to today + days, both included."""

    start: date
    end: date

    @classmethod
    def ahead(cls, today: date, days: int) -> "Window":
        return cls(today, today + timedelta(days=days))

    def __contains__(self, on: object) -> bool:
        return isinstance(on, date) and self.start <= on <= self.end


def week_start(on: date) -> date:
    """The Monday of `on`'s ISO week."""
    return on - timedelta(days=on.weekday())


@dataclass(frozen=True)
class Forecast:
    releases: list[ExpectedRelease]  # in the window, by date then inmate
    by_week: list[tuple[date, int]]  # every ISO week the windows touch (Monday, releases), zeros included
    by_upt: list[tuple[str, Window, int]]  # every UPT asked about, zeros included
    overdue: int  # expected release before today but still held: the register needs a look


def forecast(windows: dict[str, Window], expected: Iterable[ExpectedRelease]) -> Forecast:
    """The expected releases that fall in their UPT's window, counted per ISO week and per UPT."""
    releases: list[ExpectedRelease] = []
    overdue = 0
    for e in expected:
        window = windows[e.upt_code]
        if e.release_on in window:
            releases.append(e)
        elif e.release_on < window.start:
            overdue += 1
    releases.sort(key=lambda e: (e.release_on, e.inmate_id))
    weeks: dict[date, int] = {}
    if windows:
        monday = week_start(min(w.start for w in windows.values()))
        last = max(w.end for w in windows.values())
        while monday <= last:
            weeks[monday] = 0
            monday += timedelta(days=7)
    per_upt = dict.fromkeys(windows, 0)
    for e in releases:
        weeks[week_start(e.release_on)] += 1
        per_upt[e.upt_code] += 1
    return Forecast(
        releases=releases,
        by_week=sorted(weeks.items()),
        by_upt=[(code, windows[code], n) for code, n in sorted(per_upt.items())],
        overdue=overdue,
    )
