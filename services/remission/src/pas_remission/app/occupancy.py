"""Occupancy and decongestion: capacity changes (with history), occupancy per UPT, Kanwil or
nation as Ditjenpas reports it, and the forecast of releases in the coming days."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from pas_remission.adapters.repository import InmateRepository, OccupancyRepository
from pas_remission.app.access import one_region, read_region, region_parts
from pas_remission.app.handlers import local_today
from pas_remission.app.queries import Facts, case_for
from pas_remission.domain.engine import Engine, SentenceKind
from pas_remission.domain.facility import Facility
from pas_remission.domain.occupancy import (
    CapacityEntry,
    ExpectedRelease,
    Forecast,
    Level,
    Occupancy,
    UnitOccupancy,
    UptOccupancy,
    Window,
    change_capacity,
    forecast,
    holds_inmates,
    roll_up,
)
from pas_shared.api import Scope
from pas_shared.clock import Clock
from pas_shared.db import Database, UnitOfWork
from pas_shared.errors import NotFound, RuleViolation
from pas_shared.events.remission import CustodyStatus, FacilityCapacityChanged


def _unknown_facility(upt_code: str) -> NotFound:
    return NotFound(id=f"UPT {upt_code} belum terdaftar.", en=f"UPT {upt_code} is not registered.")


async def record_capacity(
    db: Database,
    upt_code: str,
    *,
    effective_on: date,
    capacity: int,
    reason: str,
    scope: Scope,
    actor: str,
    clock: Clock,
) -> tuple[list[dict[str, Any]], int]:
    """Record a capacity change. Returns the history as stored and the capacity in force today.
    A UPT outside the caller's scope is not found."""
    async with UnitOfWork(db, actor=actor) as uow:
        repo = OccupancyRepository(uow.session)
        found = _allowed(await repo.facilities_in(f"upt:{upt_code}"), scope)
        if not found:
            raise _unknown_facility(upt_code)
        facility = found[0]
        history = await repo.history(upt_code)
        entry = CapacityEntry(effective_on, capacity, reason)
        change = change_capacity(facility, history, entry, today=local_today(clock, facility))
        if change is not None:  # None: the same capacity on the same date again (a retry)
            await repo.record_capacity(upt_code, entry, by=actor, replaces=change.replaces is not None)
            if change.capacity_now != facility.capacity:
                await repo.set_current_capacity(upt_code, change.capacity_now)
            uow.emit(
                FacilityCapacityChanged(
                    upt_code=upt_code,
                    kanwil_code=facility.kanwil_code,
                    capacity=capacity,
                    effective_on=effective_on,
                    capacity_now=change.capacity_now,
                ),
                subject=upt_code,
                uptcode=upt_code,
                kanwilcode=facility.kanwil_code,
            )
            uow.audit(
                "facility.capacity-changed",
                "facility",
                upt_code,
                before={"entry": change.replaces, "capacity_now": facility.capacity},
                after={"entry": entry, "capacity_now": change.capacity_now},
            )
        return await repo.history_rows(upt_code), change.capacity_now if change else facility.capacity


def _allowed(found: list[Facility], scope: Scope) -> list[Facility]:
    return [f for f in found if scope.allows(upt_code=f.upt_code, kanwil_code=f.kanwil_code)]


async def capacity_history(db: Database, upt_code: str, *, scope: Scope) -> tuple[list[dict[str, Any]], int]:
    async with db.sessions() as session:
        repo = OccupancyRepository(session)
        found = _allowed(await repo.facilities_in(f"upt:{upt_code}"), scope)
        if not found:
            raise _unknown_facility(upt_code)
        return await repo.history_rows(upt_code), found[0].capacity


# Narrowest first: a caller sees figures no wider than their own scope.
_WIDTH = {Level.UPT: 0, Level.KANWIL: 1, Level.NATIONAL: 2}


@dataclass(frozen=True)
class OccupancyReport:
    level: Level  # of the units: the level asked for, narrowed to the caller's scope
    region: str  # what the figures cover: "national", "kanwil:<code>" or "upt:<code>"
    units: list[UnitOccupancy]


async def _facilities(repo: OccupancyRepository, region: str) -> list[Facility]:
    """The UPTs of a region that hold inmates (no Bapas)."""
    return [f for f in await repo.facilities_in(region) if holds_inmates(f)]


async def occupancy(
    db: Database, *, level: Level, upt_code: str | None, kanwil_code: str | None, on: date | None, scope: Scope
) -> OccupancyReport:
    """Who is held now against the capacity in force now, or on `on` when given (from the history;
    a UPT whose history starts after `on` had no recorded capacity then and is left out). Only
    over the UPTs the caller may see: a UPT or Kanwil outside their scope is not found, and a
    level wider than their scope (the nation for a Kanwil user) answers for their scope at its
    own level, saying so."""
    one_region(upt_code, kanwil_code)
    if level is Level.NATIONAL and (upt_code or kanwil_code):
        raise RuleViolation(
            "level",
            "national-unfiltered",
            id="Tingkat nasional mencakup semua UPT; gunakan tingkat upt atau kanwil untuk menyaring.",
            en="The national level covers every UPT; use level upt or kanwil to filter.",
        )
    if level is Level.KANWIL and upt_code:
        raise RuleViolation(
            "upt_code",
            "upt-filter-at-upt-level",
            id="Saring per UPT hanya pada tingkat upt.",
            en="Filter by UPT only at level upt.",
        )
    async with db.sessions() as session:
        region = await read_region(session, scope, upt_code=upt_code, kanwil_code=kanwil_code)
        repo = OccupancyRepository(session)
        facilities = await _facilities(repo, region)
        held = await repo.population_by_upt(region)
        capacities = await repo.capacities_on(on, region) if on is not None else {f.upt_code: f.capacity for f in facilities}
    widest = Level(region_parts(region)[0])
    level = level if _WIDTH[level] <= _WIDTH[widest] else widest
    upts = [
        UptOccupancy(
            f.upt_code,
            f.name,
            f.kanwil_code,
            Occupancy(
                detainees=held.get(f.upt_code, {}).get(CustodyStatus.TAHANAN, 0),
                convicts=held.get(f.upt_code, {}).get(CustodyStatus.NARAPIDANA, 0),
                capacity=capacities[f.upt_code],
            ),
        )
        for f in facilities
        if f.upt_code in capacities
    ]
    return OccupancyReport(level, region, roll_up(upts, level))


async def release_forecast(
    db: Database, *, days: int, upt_code: str | None, kanwil_code: str | None, scope: Scope, clock: Clock
) -> tuple[str, Forecast, int]:
    """Expected releases of held convicts with a term sentence in [today, today + days], today
    being each UPT's local date. The expected release is the engine's: expiration (time at large
    added) minus the remissions granted. An escapee not yet recaptured is left out: his date moves
    with every day at large. Only over the UPTs the caller may see (a UPT or Kanwil outside
    their scope is not found). Returns the region computed, the forecast and how many were left
    out that way."""
    async with db.sessions() as session:
        region = await read_region(session, scope, upt_code=upt_code, kanwil_code=kanwil_code)
        facilities = await _facilities(OccupancyRepository(session), region)
        inmates = InmateRepository(session)
        grants = await inmates.grants_by_inmate(region)  # batch reads, as batches do: not one query per inmate
        escapes = await inmates.escapes_by_inmate(region)
        held = await inmates.held_in(region)
    today = {f.upt_code: local_today(clock, f) for f in facilities}
    windows = {code: Window.ahead(on, days) for code, on in today.items()}
    engine = Engine()
    expected = []
    at_large = 0
    for inmate in held:
        v = inmate.verdict
        if inmate.upt_code not in windows or v is None or v.sentence_kind is not SentenceKind.TERM:
            continue
        i = inmate.inmate_id
        if any(end is None for _, end in escapes.get(i, [])):
            at_large += 1
            continue
        case = case_for(inmate, Facts(grants=grants.get(i, []), escapes=escapes.get(i, [])), today[inmate.upt_code], False)
        release_on = engine.release_date(case)
        assert release_on is not None  # a term sentence has an expiration date
        expected.append(ExpectedRelease(i, inmate.upt_code, release_on))
    return region, forecast(windows, expected), at_large
