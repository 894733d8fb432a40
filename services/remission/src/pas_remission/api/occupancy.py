"""Routes for capacity (with history), occupancy and the release forecast."""

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from pas_remission.api.schemas import Body
from pas_remission.app import occupancy as use_cases
from pas_remission.app.access import region_parts
from pas_remission.domain.occupancy import Level, UnitOccupancy
from pas_shared.api import ActorDep, ClockDep, DatabaseDep, ScopeDep
from pas_shared.events.remission import UPT_CODE

router = APIRouter(prefix="/api/v1")

# An API bound, not a rule of law: a year ahead (a leap year included) is the longest forecast.
MAX_FORECAST_DAYS = 366

DEFINITION = {
    "overcrowding_pct": "(occupants − capacity) / capacity × 100, as Ditjenpas reports 'over kapasitas'; "
    "negative when under capacity.",
    "occupancy_ratio_pct": "occupants / capacity × 100.",
    "definisi": "over kapasitas % = (penghuni − kapasitas) / kapasitas × 100; rasio hunian = penghuni / kapasitas × 100.",
    "unit": "percent, rounded to one decimal",
}


class CapacityIn(Body):
    effective_on: date = Field(description="The UPT's local date the capacity takes effect: today or earlier.")
    capacity: int = Field(ge=0, le=100_000)
    reason: str = Field(min_length=3, max_length=500, examples=["Blok C selesai dibangun (120 tempat)"])


class CapacityEntryOut(BaseModel):
    effective_on: date
    capacity: int
    reason: str
    recorded_by: str
    recorded_at: datetime


class CapacityOut(BaseModel):
    upt_code: str
    capacity_now: int
    history: list[CapacityEntryOut]


def _capacity_out(upt_code: str, rows: list[dict[str, Any]], now: int) -> CapacityOut:
    return CapacityOut(
        upt_code=upt_code,
        capacity_now=now,
        history=[
            CapacityEntryOut(
                effective_on=r["effective_on"],
                capacity=r["capacity"],
                reason=r["reason"],
                recorded_by=r["recorded_by"],
                recorded_at=r["recorded_at"],
            )
            for r in rows
        ],
    )


@router.post(
    "/facilities/{upt_code}/capacity", status_code=status.HTTP_201_CREATED, operation_id="changeCapacity", tags=["facilities"]
)
async def change_capacity(
    upt_code: str, body: CapacityIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep
) -> CapacityOut:
    """Record a change of capacity. An entry on a date that already has one corrects it; the same
    capacity on the same date again changes nothing. 404 for a UPT outside the caller's scope."""
    rows, now = await use_cases.record_capacity(
        db,
        upt_code,
        effective_on=body.effective_on,
        capacity=body.capacity,
        reason=body.reason,
        scope=scope,
        actor=actor,
        clock=clock,
    )
    return _capacity_out(upt_code, rows, now)


@router.get("/facilities/{upt_code}/capacity", operation_id="getCapacityHistory", tags=["facilities"])
async def capacity_history(upt_code: str, db: DatabaseDep, scope: ScopeDep) -> CapacityOut:
    rows, now = await use_cases.capacity_history(db, upt_code, scope=scope)
    return _capacity_out(upt_code, rows, now)


class UnitOccupancyOut(BaseModel):
    level: Level
    code: str = Field(description="The UPT code, the Kanwil code, or 'national'.")
    name: str | None = Field(description="The UPT's name (level upt).")
    kanwil_code: str | None
    upt_count: int
    detainees: int = Field(description="Tahanan: held without a final verdict.")
    convicts: int = Field(description="Narapidana: held with a final verdict.")
    occupants: int = Field(description="Penghuni: detainees + convicts.")
    capacity: int
    overcrowding_pct: float | None = Field(description="Over kapasitas %: (occupants − capacity) / capacity × 100.")
    occupancy_ratio_pct: float | None = Field(description="Occupants / capacity × 100.")
    over_capacity: bool = Field(description="Flagged only when occupants exceed capacity.")


class OccupancyOut(BaseModel):
    level: Level = Field(description="Of the units: the level asked for, narrowed to the caller's scope.")
    scope: str = Field(
        description="What the figures cover: national, kanwil:<code> or upt:<code>; never wider than the caller's scope."
    )
    capacity_on: date | None = Field(description="The date whose capacity is used; none: the capacity in force now.")
    definition: dict[str, str]
    units: list[UnitOccupancyOut]


def _unit_out(u: UnitOccupancy) -> UnitOccupancyOut:
    o = u.occupancy
    return UnitOccupancyOut(
        level=u.level,
        code=u.code,
        name=u.name,
        kanwil_code=u.kanwil_code,
        upt_count=u.upt_count,
        detainees=o.detainees,
        convicts=o.convicts,
        occupants=o.occupants,
        capacity=o.capacity,
        overcrowding_pct=o.overcrowding_pct,
        occupancy_ratio_pct=o.occupancy_ratio_pct,
        over_capacity=o.over_capacity,
    )


@router.get("/occupancy", operation_id="getOccupancy", tags=["occupancy"])
async def occupancy(
    db: DatabaseDep,
    scope: ScopeDep,
    level: Level = Level.NATIONAL,
    upt_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
    kanwil_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
    on: Annotated[date | None, Query(description="Use the capacity in force on this date; the population is current.")] = None,
) -> OccupancyOut:
    """Population (tahanan, narapidana) against capacity per UPT, Kanwil or for the nation. Bapas
    hold no one and are left out. Only over the UPTs the caller may see: a UPT or Kanwil outside
    their scope answers 404; a level wider than their scope (national for a Kanwil user) answers
    for their scope, `level` and `scope` saying what was computed."""
    report = await use_cases.occupancy(db, level=level, upt_code=upt_code, kanwil_code=kanwil_code, on=on, scope=scope)
    return OccupancyOut(
        level=report.level,
        scope=report.region,
        capacity_on=on,
        definition=DEFINITION,
        units=[_unit_out(u) for u in report.units],
    )


class ExpectedReleaseOut(BaseModel):
    inmate_id: str
    upt_code: str
    release_on: date


class WeekOut(BaseModel):
    week_start: date = Field(description="Monday of the ISO week.")
    releases: int


class UptForecastOut(BaseModel):
    upt_code: str
    from_on: date = Field(description="The UPT's local today.")
    to_on: date = Field(description="Today + days, included.")
    releases: int


class ForecastOut(BaseModel):
    level: Level = Field(
        description="What the forecast covers: national, one Kanwil or one UPT (never wider than the caller's scope)."
    )
    code: str = Field(description="The Kanwil or UPT code, or 'national'.")
    days: int
    total: int
    overdue: int = Field(description="Held convicts whose expected release date has passed: the register needs a look.")
    at_large: int = Field(description="Escapees not yet recaptured, left out: their date moves each day at large.")
    by_week: list[WeekOut]
    by_upt: list[UptForecastOut]
    releases: list[ExpectedReleaseOut]


@router.get("/release-forecast", operation_id="getReleaseForecast", tags=["occupancy"])
async def release_forecast(
    db: DatabaseDep,
    scope: ScopeDep,
    clock: ClockDep,
    days: Annotated[int, Query(ge=1, le=MAX_FORECAST_DAYS)] = 90,
    upt_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
    kanwil_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
) -> ForecastOut:
    """Expected releases (expiration minus remissions granted) of held convicts with a term
    sentence, from each UPT's local today to today + days. Over the UPT or Kanwil asked for (404
    outside the caller's scope) or the caller's whole scope, which `level` and `code` name."""
    region, f, at_large = await use_cases.release_forecast(
        db, days=days, upt_code=upt_code, kanwil_code=kanwil_code, scope=scope, clock=clock
    )
    level, code = region_parts(region)
    return ForecastOut(
        level=Level(level),
        code=code,
        days=days,
        total=len(f.releases),
        overdue=f.overdue,
        at_large=at_large,
        by_week=[WeekOut(week_start=w, releases=n) for w, n in f.by_week],
        by_upt=[UptForecastOut(upt_code=c, from_on=w.start, to_on=w.end, releases=n) for c, w, n in f.by_upt],
        releases=[ExpectedReleaseOut(inmate_id=e.inmate_id, upt_code=e.upt_code, release_on=e.release_on) for e in f.releases],
    )
