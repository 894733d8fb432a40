"""Read models the gateway builds from domain events (never from HTTP calls per request)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite

from pas_gateway.adapters.tables import occupancy
from pas_shared.consumer import Received, Subscription
from pas_shared.db import UnitOfWork
from pas_shared.events.remission import (
    FACILITY_REGISTERED,
    INMATE_ADMITTED,
    INMATE_RELEASED,
    INMATE_TRANSFERRED,
    FacilityRegistered,
    InmateAdmitted,
    InmateReleased,
    InmateTransferred,
)

occupancy_kpi = Subscription(name="gateway.kpi-occupancy")


@dataclass
class _Change:
    kanwil_code: str
    as_of: datetime
    delta: int = 0
    capacity: int | None = None


async def _apply(uow: UnitOfWork, changes: dict[str, _Change]) -> None:
    """One upsert per UPT. Facility and inmate events come from different topics, so either may
    arrive first: a UPT row starts with capacity 0 until its facility event arrives."""
    dialect_insert = postgresql.insert if uow.db.is_postgres else sqlite.insert
    for upt_code, c in sorted(changes.items()):
        stmt = dialect_insert(occupancy).values(
            upt_code=upt_code, kanwil_code=c.kanwil_code, capacity=c.capacity or 0, population=c.delta, as_of=c.as_of
        )
        updates: dict[str, object] = {"population": occupancy.c.population + c.delta, "as_of": c.as_of}
        if c.capacity is not None:
            updates["capacity"] = c.capacity
        await uow.session.execute(stmt.on_conflict_do_update(index_elements=[occupancy.c.upt_code], set_=updates))


@occupancy_kpi.on(FACILITY_REGISTERED)
async def facility_registered(uow: UnitOfWork, events: list[Received[FacilityRegistered]]) -> None:
    await _apply(uow, {e.data.upt_code: _Change(e.data.kanwil_code, e.envelope.time, capacity=e.data.capacity) for e in events})


@occupancy_kpi.on(INMATE_ADMITTED)
async def inmate_admitted(uow: UnitOfWork, events: list[Received[InmateAdmitted]]) -> None:
    await _apply(uow, _deltas((e.data.upt_code, e.data.kanwil_code, e.envelope.time, +1) for e in events))


@occupancy_kpi.on(INMATE_RELEASED)
async def inmate_released(uow: UnitOfWork, events: list[Received[InmateReleased]]) -> None:
    # A release names the UPT only; its Kanwil is already in the row (the admission came first).
    await _apply(uow, _deltas((e.data.upt_code, "", e.envelope.time, -1) for e in events))


@occupancy_kpi.on(INMATE_TRANSFERRED)
async def inmate_transferred(uow: UnitOfWork, events: list[Received[InmateTransferred]]) -> None:
    # One head leaves the origin and arrives at the destination (perhaps in another Kanwil).
    departures = ((e.data.from_upt_code, e.data.from_kanwil_code, e.envelope.time, -1) for e in events)
    arrivals = ((e.data.to_upt_code, e.data.to_kanwil_code, e.envelope.time, +1) for e in events)
    await _apply(uow, _deltas([*departures, *arrivals]))


def _deltas(items: Iterable[tuple[str, str, datetime, int]]) -> dict[str, _Change]:
    changes: dict[str, _Change] = {}
    for upt_code, kanwil_code, at, delta in items:
        change = changes.setdefault(upt_code, _Change(kanwil_code, at))
        change.as_of = max(change.as_of, at)
        change.delta += delta
    return changes
