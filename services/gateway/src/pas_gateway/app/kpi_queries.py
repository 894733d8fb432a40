"""The KPI questions: one area for a scope and period (with its breakdown), one KPI's series by
day or month, and the public statistics. Answered from the per-UPT read models only."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pas_gateway.adapters import kpi_store
from pas_gateway.adapters.kpi_store import UptRow
from pas_gateway.app.kpi_projection import kpi_subscription
from pas_gateway.domain.kpi_catalogue import CATALOGUE, SOURCES, Kpi, area_kpis, area_needs, area_sources
from pas_gateway.domain.kpi_composite import risk_index
from pas_gateway.domain.kpi_figures import Figures, KpiValue, add_into, summed
from pas_gateway.domain.kpi_metrics import INDICATORS, LEVEL_FAMILIES, LEVELS, Needs
from pas_gateway.domain.kpi_rules import risk_rules
from pas_shared.api import Scope
from pas_shared.db import Database
from pas_shared.errors import NotFound, RuleViolation

SUBSCRIPTION_SOURCE = {kpi_subscription(s).name: s for s in SOURCES}  # consumer group name -> source

MAX_DAY_POINTS = 1100  # a daily series longer than about three years is asked by month


@dataclass(frozen=True)
class SourceState:
    source: str
    as_of: datetime | None
    behind: bool
    detail: str


def source_states(
    stored: dict[str, tuple[datetime, int]], lag: dict[str, int | None], *, now: datetime, behind_after: timedelta
) -> dict[str, SourceState]:
    """A source is behind when the broker holds events its consumer has not applied and the
    newest event applied is older than `behind_after`."""
    states = {}
    for source in SOURCES:
        as_of = stored[source][0] if source in stored else None
        pending = lag.get(source)
        if pending is None:
            behind, detail = False, "unknown: the consumer's position on the broker is not known"
        elif pending == 0:
            behind, detail = False, "up to date with the broker"
        elif as_of is None or now - as_of > behind_after:
            behind, detail = True, f"{pending} events on the broker not applied yet"
        else:
            behind, detail = False, f"catching up: {pending} events on the broker not applied yet"
        states[source] = SourceState(source, as_of, behind, detail)
    return states


def _no_such_scope(what: str) -> NotFound:
    return NotFound(id=f"{what} tidak ditemukan.", en=f"{what} not found.")


async def resolve_scope(db: Database, caller: Scope, *, kanwil_code: str | None, upt_code: str | None) -> Scope:
    """The scope asked, within the caller's: a Kanwil user asking for the nation gets their
    Kanwil; another Kanwil or a UPT outside it answers 404, as if it did not exist."""
    if upt_code:
        async with db.sessions() as session:
            found = [u for u in await kpi_store.upts(session, Scope("upt", upt_code))]
        if not found or not caller.allows(upt_code=upt_code, kanwil_code=found[0].kanwil_code):
            raise _no_such_scope(f"UPT {upt_code}")
        if kanwil_code and kanwil_code != found[0].kanwil_code:
            raise _no_such_scope(f"UPT {upt_code} di Kanwil {kanwil_code}")
        return Scope("upt", upt_code)
    if kanwil_code:
        if caller.level == "upt" or (caller.level == "kanwil" and caller.code != kanwil_code):
            raise _no_such_scope(f"Kanwil {kanwil_code}")
        async with db.sessions() as session:
            if not await kpi_store.upts(session, Scope("kanwil", kanwil_code)):
                raise _no_such_scope(f"Kanwil {kanwil_code}")
        return Scope("kanwil", kanwil_code)
    return caller


def check_period(period_from: date | None, period_to: date | None) -> None:
    if period_from is not None and period_to is not None and period_from > period_to:
        raise RuleViolation(
            "period_from",
            "period-order",
            id="Awal periode harus sebelum atau sama dengan akhir periode.",
            en="The period must start on or before its end.",
        )


@dataclass(frozen=True)
class KpiFigure:
    kpi: Kpi
    value: KpiValue
    as_of: datetime | None


@dataclass(frozen=True)
class BreakdownRow:
    level: str
    code: str
    name: str
    kpis: dict[str, KpiValue]


@dataclass(frozen=True)
class AreaAnswer:
    area: str
    scope: Scope
    period_from: date | None
    period_to: date | None
    as_of: datetime | None
    sources: list[SourceState]
    kpis: list[KpiFigure]
    breakdown: list[BreakdownRow]
    attention: list[dict[str, Any]]


def _kpi_as_of(kpi: Kpi, states: dict[str, SourceState]) -> datetime | None:
    times = [states[s].as_of for s in kpi.sources]
    return None if any(t is None for t in times) else min(t for t in times if t is not None)


def _with_indicators(values: dict[str, float], needs: Needs, period_days: int, today: date) -> dict[str, float]:
    if not needs.indicators:
        return values
    f = Figures(values, period_days)
    rules = risk_rules(today)
    return values | {name: INDICATORS[name].of(f, rules) for name in needs.indicators}


async def area_answer(
    db: Database,
    area: str,
    scope: Scope,
    *,
    period_from: date | None,
    period_to: date | None,
    today: date,
    states: dict[str, SourceState],
) -> AreaAnswer:
    check_period(period_from, period_to)
    needs = area_needs(area)
    async with db.sessions() as session:
        values, kanwil_of = await kpi_store.per_upt(session, scope, needs, period=(period_from, period_to), today=today)
        directory = await kpi_store.upts(session, scope)
        start = period_from or await kpi_store.first_day(session, scope, needs.flows)
    end = period_to or today
    period_days = max(1, (end - (start or end)).days + 1)
    names = {u.upt_code: u for u in directory}
    for u in directory:
        kanwil_of.setdefault(u.upt_code, u.kanwil_code)
    per_upt = {upt: _with_indicators(values.get(upt, {}), needs, period_days, today) for upt in sorted(kanwil_of)}

    kpis = area_kpis(area)

    def compute(parts: list[dict[str, float]]) -> dict[str, KpiValue]:
        f = Figures(summed(parts), period_days)
        return {k.id: k.value(f) for k in kpis}

    total = compute(list(per_upt.values()))
    groups: dict[tuple[str, str], list[dict[str, float]]] = defaultdict(list)
    if scope.level != "upt":
        for upt, v in per_upt.items():
            groups[("kanwil", kanwil_of[upt]) if scope.level == "national" else ("upt", upt)].append(v)
    breakdown = [
        BreakdownRow(level, code, names[code].name if level == "upt" and code in names else code, compute(parts))
        for (level, code), parts in sorted(groups.items())
    ]
    relevant = area_sources(area)
    as_ofs = [states[s].as_of for s in relevant]
    return AreaAnswer(
        area=area,
        scope=scope,
        period_from=start,
        period_to=end,
        as_of=None if any(t is None for t in as_ofs) else min(t for t in as_ofs if t is not None),
        sources=[states[s] for s in relevant],
        kpis=[KpiFigure(k, total[k.id], _kpi_as_of(k, states)) for k in kpis],
        breakdown=breakdown,
        attention=_attention(per_upt, kanwil_of, names, period_days, today) if area == "composite" else [],
    )


def _attention(
    per_upt: dict[str, dict[str, float]], kanwil_of: dict[str, str], names: dict[str, UptRow], period_days: int, today: date
) -> list[dict[str, Any]]:
    """The UPTs that need attention first: highest risk index, with the measures behind it."""
    rules = risk_rules(today)
    scored: list[tuple[float, str, dict[str, Any]]] = []
    for upt, values in per_upt.items():
        score = risk_index(Figures(values, period_days), rules)
        if score is not None:
            name = names[upt].name if upt in names else upt
            entry = {
                "upt_code": upt,
                "kanwil_code": kanwil_of[upt],
                "name": name,
                "index": score.index,
                "components": score.components,
            }
            scored.append((-score.index, upt, entry))
    return [entry for _, _, entry in sorted(scored)[: int(rules.values["attention_list_size"])]]


def _is_level(metric: str) -> bool:
    return metric in LEVELS or metric.split(":", 1)[0] in LEVEL_FAMILIES


def _bucket(day: date, interval: str) -> str:
    return day.isoformat() if interval == "day" else day.strftime("%Y-%m")


def _bucket_end(day: date, interval: str) -> date:
    if interval == "day":
        return day
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


async def series_answer(
    db: Database,
    area: str,
    kpi_id: str,
    scope: Scope,
    *,
    interval: str,
    period_from: date | None,
    period_to: date | None,
    today: date,
) -> list[tuple[str, KpiValue]]:
    """The KPI per day or month: flows summed in each bucket, levels as they stood at its end."""
    check_period(period_from, period_to)
    kpi = CATALOGUE.get(kpi_id)
    if kpi is None or kpi.area != area:
        raise RuleViolation(
            "kpi", "kpi-in-area", id=f"KPI {kpi_id} tidak ada di area {area}.", en=f"KPI {kpi_id} is not in area {area}."
        )
    if not kpi.has_series:
        raise RuleViolation(
            "kpi",
            "kpi-series",
            id=f"KPI {kpi_id} hanya tersedia sebagai angka saat ini, bukan deret waktu.",
            en=f"KPI {kpi_id} is available as a current figure only, not as a series.",
        )
    needs = kpi.metric_needs
    end = period_to or today
    async with db.sessions() as session:
        by_day = await kpi_store.per_day(session, scope, [*needs.levels, *needs.flows], until=end)
    if not by_day:
        return []
    start = period_from or min(by_day)
    if interval == "day" and (end - start).days + 1 > MAX_DAY_POINTS:
        raise RuleViolation(
            "period_from",
            "series-length",
            id=f"Deret harian paling banyak {MAX_DAY_POINTS} hari; gunakan interval bulan.",
            en=f"A daily series covers at most {MAX_DAY_POINTS} days; use the monthly interval.",
        )
    levels: dict[str, float] = {}
    for day in sorted(d for d in by_day if d < start):  # levels as they stood when the period began
        add_into(levels, {m: v for m, v in by_day[day].items() if _is_level(m)})
    points: list[tuple[str, KpiValue]] = []
    day = start
    while day <= end:
        bucket_end = min(_bucket_end(day, interval), end)
        flows: dict[str, float] = {}
        while day <= bucket_end:
            for metric, value in by_day.get(day, {}).items():
                target = levels if _is_level(metric) else flows
                target[metric] = target.get(metric, 0.0) + value
            day += timedelta(days=1)
        period_days = (bucket_end - max(start, _bucket_start(bucket_end, interval))).days + 1
        points.append((_bucket(bucket_end, interval), kpi.value(Figures(levels | flows, period_days))))
    return points


def _bucket_start(day: date, interval: str) -> date:
    return day if interval == "day" else day.replace(day=1)


PUBLIC_OCCUPANCY = ("occupants", "capacity", "overcrowding_pct")
PUBLIC_PRODUCTS = ("upts_producing", "products_active", "legalised_pct_by_permit", "branded_pct")


async def public_statistics(db: Database, *, today: date, states: dict[str, SourceState]) -> dict[str, Any]:
    """Aggregates only, for the public transparency page: occupancy by Kanwil, remission
    recipients by occasion, products and legalisation progress. Built from the national KPI
    answers, which hold counts per Kanwil and never a person."""

    async def national(area: str) -> AreaAnswer:
        return await area_answer(db, area, Scope(), period_from=None, period_to=None, today=today, states=states)

    occupancy, remission, products = await national("occupancy"), await national("remission"), await national("rehabilitation")
    figures = {f.kpi.id: f.value for a in (occupancy, remission, products) for f in a.kpis}
    return {
        "as_of": {a.area: a.as_of for a in (occupancy, remission, products)},
        "occupancy": {
            "national": {k: figures[k] for k in PUBLIC_OCCUPANCY},
            "by_kanwil": [{"kanwil_code": b.code} | {k: b.kpis[k] for k in PUBLIC_OCCUPANCY} for b in occupancy.breakdown],
        },
        "remission_recipients_by_occasion": figures["remission_recipients_by_occasion"],
        "remission_recipients": figures["remission_recipients"],
        "products": {k: figures[k] for k in PUBLIC_PRODUCTS},
    }
