"""Occupancy and decongestion: capacity changes (with history), occupancy per UPT, Kanwil or
nation as Ditjenpas reports it, and the forecast of releases in the coming days."""

from datetime import date
from typing import Any

from pas_remission.adapters.repository import InmateRepository, OccupancyRepository
from pas_remission.app.handlers import local_today
from pas_remission.app.queries import Facts, case_for
from pas_remission.domain.engine import Engine, SentenceKind
from pas_remission.domain.facility import Facility, facility_not_registered
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
from pas_shared.clock import Clock
from pas_shared.db import Database, UnitOfWork
from pas_shared.errors import NotFound, RuleViolation
from pas_shared.events.remission import CustodyStatus, FacilityCapacityChanged


def _unknown_facility(upt_code: str) -> NotFound:
    return NotFound(id=f"UPT {upt_code} belum terdaftar.", en=f"UPT {upt_code} is not registered.")


async def record_capacity(
    db: Database, upt_code: str, *, effective_on: date, capacity: int, reason: str, actor: str, clock: Clock
) -> tuple[list[dict[str, Any]], int]:
    """Record a capacity change. Returns the history as stored and the capacity in force today."""
    async with UnitOfWork(db, actor=actor) as uow:
        repo = OccupancyRepository(uow.session)
        found = await repo.facilities_in(f"upt:{upt_code}")
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


async def capacity_history(db: Database, upt_code: str) -> tuple[list[dict[str, Any]], int]:
    async with db.sessions() as session:
        repo = OccupancyRepository(session)
        found = await repo.facilities_in(f"upt:{upt_code}")
        if not found:
            raise _unknown_facility(upt_code)
        return await repo.history_rows(upt_code), found[0].capacity


def scope_of(*, upt_code: str | None, kanwil_code: str | None) -> str:
    if upt_code and kanwil_code:
        raise RuleViolation(
            "kanwil_code", "one-scope", id="Pilih UPT atau Kanwil, bukan keduanya.", en="Give a UPT or a Kanwil, not both."
        )
    return f"upt:{upt_code}" if upt_code else f"kanwil:{kanwil_code}" if kanwil_code else "national"


async def _facilities(repo: OccupancyRepository, scope: str) -> list[Facility]:
    """The UPTs of a scope that hold inmates (no Bapas). A UPT asked for by code must exist."""
    found = await repo.facilities_in(scope)
    kind, _, code = scope.partition(":")
    if kind == "upt" and not found:
        raise facility_not_registered(code)
    return [f for f in found if holds_inmates(f)]


async def occupancy(
    db: Database, *, level: Level, upt_code: str | None, kanwil_code: str | None, on: date | None
) -> list[UnitOccupancy]:
    """Who is held now against the capacity in force now, or on `on` when given (from the history;
    a UPT whose history starts after `on` had no recorded capacity then and is left out)."""
    scope = scope_of(upt_code=upt_code, kanwil_code=kanwil_code)
    if level is Level.NATIONAL and scope != "national":
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
        repo = OccupancyRepository(session)
        facilities = await _facilities(repo, scope)
        held = await repo.population_by_upt(scope)
        capacities = await repo.capacities_on(on, scope) if on is not None else {f.upt_code: f.capacity for f in facilities}
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
    return roll_up(upts, level)


async def release_forecast(
    db: Database, *, days: int, upt_code: str | None, kanwil_code: str | None, clock: Clock
) -> tuple[Forecast, int]:
    """Expected releases of held convicts with a term sentence in [today, today + days], today
    being each UPT's local date. The expected release is the engine's: expiration (time at large
    added) minus the remissions granted. An escapee not yet recaptured is left out: his date moves
    with every day at large. Returns the forecast and how many were left out that way."""
    scope = scope_of(upt_code=upt_code, kanwil_code=kanwil_code)
    async with db.sessions() as session:
        facilities = await _facilities(OccupancyRepository(session), scope)
        inmates = InmateRepository(session)
        grants = await inmates.grants_by_inmate(scope)  # batch reads, as batches do: not one query per inmate
        escapes = await inmates.escapes_by_inmate(scope)
        held = await inmates.held_in(scope)
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
    return forecast(windows, expected), at_large
