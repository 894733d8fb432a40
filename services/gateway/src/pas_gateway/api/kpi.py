"""National KPIs from the read models: the catalogue, one area for a scope and period with its
breakdown, one KPI's series, and the public statistics (aggregates only, no login)."""

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from pas_gateway.adapters import kpi_store
from pas_gateway.adapters.kpi_lag import lags
from pas_gateway.app import kpi_queries
from pas_gateway.app.kpi_queries import SUBSCRIPTION_SOURCE, AreaAnswer, SourceState
from pas_gateway.domain.kpi_catalogue import CATALOGUE
from pas_gateway.domain.kpi_figures import KpiValue
from pas_shared.api import ClockDep, DatabaseDep, ScopeDep
from pas_shared.clock import Clock, latest_local_today
from pas_shared.db import Database

router = APIRouter(prefix="/api/v1", tags=["kpi"])
public_router = APIRouter(prefix="/api/v1", tags=["public"])


class Area(StrEnum):
    OCCUPANCY = "occupancy"
    SECURITY = "security"
    REHABILITATION = "rehabilitation"
    REMISSION = "remission"
    FOOD = "food"
    COMPOSITE = "composite"


class Interval(StrEnum):
    DAY = "day"
    MONTH = "month"


class KpiDefinitionOut(BaseModel):
    id: str
    area: str
    label_id: str
    label_en: str
    definition_id: str
    definition_en: str
    unit: str
    sources: list[str]
    available: bool
    series: bool
    note_id: str
    note_en: str


class ScopeOut(BaseModel):
    level: str
    code: str


class SourceOut(BaseModel):
    source: str
    as_of: datetime | None
    behind: bool
    detail: str


class KpiOut(BaseModel):
    id: str
    label_id: str
    label_en: str
    definition_id: str
    definition_en: str
    unit: str
    value: KpiValue
    as_of: datetime | None
    available: bool
    note_id: str
    note_en: str


class BreakdownOut(BaseModel):
    level: str
    code: str
    name: str
    kpis: dict[str, KpiValue]


class PeriodOut(BaseModel):
    period_from: date | None
    period_to: date | None


class AreaOut(BaseModel):
    area: str
    scope: ScopeOut
    period: PeriodOut
    as_of: datetime | None
    sources: list[SourceOut]
    kpis: list[KpiOut]
    breakdown: list[BreakdownOut]
    attention: list[dict[str, Any]]


class PointOut(BaseModel):
    period: str
    value: KpiValue


class SeriesOut(BaseModel):
    kpi: str
    area: str
    scope: ScopeOut
    interval: str
    points: list[PointOut]


async def _states(request: Request, db: Database, clock: Clock) -> dict[str, SourceState]:
    kafka = getattr(request.app.state, "kafka", None)
    lag = await lags(kafka.runners if kafka is not None else [], SUBSCRIPTION_SOURCE)
    async with db.sessions() as session:
        stored = await kpi_store.sources(session)
    behind_after = timedelta(seconds=request.app.state.settings.kpi_behind_after_seconds)
    return kpi_queries.source_states(stored, lag, now=clock(), behind_after=behind_after)


def _source_out(s: SourceState) -> SourceOut:
    return SourceOut(source=s.source, as_of=s.as_of, behind=s.behind, detail=s.detail)


def _area_out(a: AreaAnswer) -> AreaOut:
    return AreaOut(
        area=a.area,
        scope=ScopeOut(level=a.scope.level, code=a.scope.code),
        period=PeriodOut(period_from=a.period_from, period_to=a.period_to),
        as_of=a.as_of,
        sources=[_source_out(s) for s in a.sources],
        kpis=[
            KpiOut(
                id=f.kpi.id,
                label_id=f.kpi.label_id,
                label_en=f.kpi.label_en,
                definition_id=f.kpi.definition_id,
                definition_en=f.kpi.definition_en,
                unit=f.kpi.unit,
                value=f.value,
                as_of=f.as_of,
                available=f.kpi.available,
                note_id=f.kpi.note_id,
                note_en=f.kpi.note_en,
            )
            for f in a.kpis
        ],
        breakdown=[BreakdownOut(level=b.level, code=b.code, name=b.name, kpis=b.kpis) for b in a.breakdown],
        attention=a.attention,
    )


PeriodFrom = Annotated[date | None, Query(description="First day of the period (UPT-local dates); default: the first recorded.")]
PeriodTo = Annotated[date | None, Query(description="Last day of the period; default: today.")]


@router.get("/kpi", operation_id="listKpis")
async def list_kpis() -> list[KpiDefinitionOut]:
    """Every KPI: its area, label and definition in Bahasa Indonesia and English, and unit."""
    return [
        KpiDefinitionOut(
            id=k.id,
            area=k.area,
            label_id=k.label_id,
            label_en=k.label_en,
            definition_id=k.definition_id,
            definition_en=k.definition_en,
            unit=k.unit,
            sources=list(k.sources),
            available=k.available,
            series=k.has_series,
            note_id=k.note_id,
            note_en=k.note_en,
        )
        for k in CATALOGUE.values()
    ]


@router.get("/kpi/{area}", operation_id="getKpiArea")
async def kpi_area(
    area: Area,
    request: Request,
    db: DatabaseDep,
    scope: ScopeDep,
    clock: ClockDep,
    period_from: PeriodFrom = None,
    period_to: PeriodTo = None,
    kanwil_code: str | None = None,
    upt_code: str | None = None,
) -> AreaOut:
    """One area's KPIs for the nation, a Kanwil or a UPT (within the caller's scope), with the
    breakdown one level down, each figure's as-of time and each source's state."""
    target = await kpi_queries.resolve_scope(db, scope, kanwil_code=kanwil_code, upt_code=upt_code)
    answer = await kpi_queries.area_answer(
        db,
        area.value,
        target,
        period_from=period_from,
        period_to=period_to,
        today=latest_local_today(clock),
        states=await _states(request, db, clock),
    )
    return _area_out(answer)


@router.get("/kpi/{area}/series", operation_id="getKpiSeries")
async def kpi_series(
    area: Area,
    db: DatabaseDep,
    scope: ScopeDep,
    clock: ClockDep,
    kpi: str,
    interval: Interval = Interval.MONTH,
    period_from: PeriodFrom = None,
    period_to: PeriodTo = None,
    kanwil_code: str | None = None,
    upt_code: str | None = None,
) -> SeriesOut:
    """One KPI per day or month: flows summed in each, levels as they stood at its end."""
    target = await kpi_queries.resolve_scope(db, scope, kanwil_code=kanwil_code, upt_code=upt_code)
    points = await kpi_queries.series_answer(
        db,
        area.value,
        kpi,
        target,
        interval=interval.value,
        period_from=period_from,
        period_to=period_to,
        today=latest_local_today(clock),
    )
    return SeriesOut(
        kpi=kpi,
        area=area.value,
        scope=ScopeOut(level=target.level, code=target.code),
        interval=interval.value,
        points=[PointOut(period=p, value=v) for p, v in points],
    )


@public_router.get("/public/statistics", operation_id="getPublicStatistics")
async def public_statistics(request: Request, db: DatabaseDep, clock: ClockDep) -> dict[str, Any]:
    """Aggregate figures for the public (no login): occupancy by Kanwil, remission recipients by
    occasion, products and legalisation progress. Never a person's data."""
    return await kpi_queries.public_statistics(db, today=latest_local_today(clock), states=await _states(request, db, clock))
