"""The menu cycle of a UPT (10 days, three main meals a day) with the energy each day gives per
group, checked against the energy standard (adult men 2,345 kcal, adult women 1,995 kcal per
Kepdirjen PAS-498/2015), and served menus checked against the cycle and the standard."""

from dataclasses import dataclass
from datetime import date

from pas_food_audit.domain.rules import RuleBook, food_rules
from pas_shared.errors import NotFound, RuleViolation

ENERGY_RULE = "energy-standard"
CYCLE_RULE = "menu-cycle"


@dataclass(frozen=True)
class EnergyCheck:
    group: str
    kcal: int
    standard_kcal: int

    @property
    def meets(self) -> bool:
        return self.kcal >= self.standard_kcal

    @property
    def gap_kcal(self) -> int:
        return max(0, self.standard_kcal - self.kcal)


def energy_checks(kcal: dict[str, int], on: date, field: str, rules: RuleBook | None = None) -> tuple[EnergyCheck, ...]:
    """One check per group of the standard in force on `on`; every group needs a figure."""
    standard: dict[str, int] = (rules or food_rules()).in_force(ENERGY_RULE, on).values["kcal_per_day"]
    unknown = sorted(set(kcal) - set(standard))
    if unknown:
        raise RuleViolation(
            f"{field}.{unknown[0]}",
            "group-in-standard",
            id=f"Kelompok {unknown[0]} tidak ada dalam standar; kelompok: {', '.join(standard)}.",
            en=f"Group {unknown[0]} is not in the standard; the groups are: {', '.join(standard)}.",
        )
    missing = [g for g in standard if g not in kcal]
    if missing:
        raise RuleViolation(
            f"{field}.{missing[0]}",
            "energy-per-group",
            id=f"Energi per hari untuk kelompok {missing[0]} wajib diisi.",
            en=f"The energy per day for group {missing[0]} is required.",
        )
    return tuple(EnergyCheck(g, int(kcal[g]), int(s)) for g, s in standard.items())


@dataclass(frozen=True)
class MenuDay:
    day: int  # 1 .. cycle length
    meals: dict[str, str]  # main meal -> what is served
    energy: tuple[EnergyCheck, ...]

    @property
    def meets_standard(self) -> bool:
        return all(e.meets for e in self.energy)


@dataclass(frozen=True)
class MenuCycle:
    cycle_id: str
    upt_code: str
    kanwil_code: str
    effective_from: date
    days: tuple[MenuDay, ...]
    regulation: str
    status: str

    def cycle_day_on(self, on: date) -> int:
        """Day 1 is `effective_from`; the cycle then repeats."""
        return (on - self.effective_from).days % len(self.days) + 1

    @classmethod
    def adopt(
        cls,
        *,
        cycle_id: str,
        upt_code: str,
        kanwil_code: str,
        effective_from: date,
        days: list[tuple[int, dict[str, str], dict[str, int]]],
        rules: RuleBook | None = None,
    ) -> "MenuCycle":
        """`days`: (day number, meals, kcal per group) for each day of the cycle."""
        book = rules or food_rules()
        cycle = book.in_force(CYCLE_RULE, effective_from)
        length, meals = int(cycle.values["cycle_days"]), list(cycle.values["main_meals"])
        numbers = sorted(d for d, _, _ in days)
        if numbers != list(range(1, length + 1)):
            raise RuleViolation(
                "days",
                "days-of-cycle",
                id=f"Siklus menu terdiri dari hari 1 sampai {length}, masing-masing sekali.",
                en=f"A menu cycle has days 1 to {length}, each once.",
            )
        out = []
        for n, (day, served, kcal) in enumerate(sorted(days, key=lambda d: d[0])):
            missing = [m for m in meals if not served.get(m)]
            extra = sorted(set(served) - set(meals))
            if missing or extra:
                raise RuleViolation(
                    f"days[{n}].meals",
                    "main-meals",
                    id=f"Hari {day}: isi tepat makan {', '.join(meals)}.",
                    en=f"Day {day}: give exactly the meals {', '.join(meals)}.",
                )
            out.append(MenuDay(day, {m: served[m] for m in meals}, energy_checks(kcal, effective_from, f"days[{n}].kcal", book)))
        standard = book.in_force(ENERGY_RULE, effective_from)
        return cls(cycle_id, upt_code, kanwil_code, effective_from, tuple(out), standard.regulation, standard.status)


@dataclass(frozen=True)
class ServedMenu:
    """What a UPT served on one day, checked against its cycle and the energy standard."""

    served_id: str
    cycle_id: str
    upt_code: str
    served_on: date
    cycle_day_served: int
    cycle_day_expected: int
    energy: tuple[EnergyCheck, ...]

    @property
    def as_cycle(self) -> bool:
        return self.cycle_day_served == self.cycle_day_expected

    @property
    def meets_standard(self) -> bool:
        return all(e.meets for e in self.energy)

    @classmethod
    def check(
        cls,
        *,
        served_id: str,
        cycle: MenuCycle,
        served_on: date,
        cycle_day_served: int,
        kcal: dict[str, int],
        today: date,
        rules: RuleBook | None = None,
    ) -> "ServedMenu":
        if served_on < cycle.effective_from:
            raise RuleViolation(
                "served_on",
                "cycle-in-force",
                id=f"Siklus menu ini berlaku mulai {cycle.effective_from}.",
                en=f"This menu cycle applies from {cycle.effective_from}.",
            )
        if served_on > today:
            raise RuleViolation(
                "served_on", "not-in-future", id="Menu dicatat setelah disajikan.", en="A menu is recorded after it is served."
            )
        if not 1 <= cycle_day_served <= len(cycle.days):
            raise RuleViolation(
                "cycle_day",
                "day-of-cycle",
                id=f"Hari siklus harus 1 sampai {len(cycle.days)}.",
                en=f"The cycle day must be from 1 to {len(cycle.days)}.",
            )
        return cls(
            served_id,
            cycle.cycle_id,
            cycle.upt_code,
            served_on,
            cycle_day_served,
            cycle.cycle_day_on(served_on),
            energy_checks(kcal, served_on, "kcal", rules),
        )


def cycle_not_found(upt_code: str) -> NotFound:
    return NotFound(id=f"Siklus menu {upt_code} tidak ditemukan.", en=f"Menu cycle {upt_code} not found.")
