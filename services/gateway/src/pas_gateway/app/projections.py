"""Read models the gateway builds from domain events (never from HTTP calls per request)."""

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from pas_gateway.adapters.tables import occupancy
from pas_shared.consumer import Subscription
from pas_shared.db import UnitOfWork
from pas_shared.events.envelope import Envelope
from pas_shared.events.remission import (
    FACILITY_REGISTERED,
    INMATE_ADMITTED,
    INMATE_RELEASED,
    FacilityRegistered,
    InmateAdmitted,
    InmateReleased,
)

occupancy_kpi = Subscription(name="gateway.kpi-occupancy")


async def _upsert(
    uow: UnitOfWork, *, upt_code: str, kanwil_code: str, envelope: Envelope, capacity: int | None, delta: int
) -> None:
    """Facility and inmate events come from different topics, so either may arrive first."""
    dialect_insert = postgresql.insert if uow.db.is_postgres else sqlite.insert
    stmt = dialect_insert(occupancy).values(
        upt_code=upt_code, kanwil_code=kanwil_code, capacity=capacity or 0, population=delta, as_of=envelope.time
    )
    changes: dict[str, object] = {"population": occupancy.c.population + delta, "as_of": envelope.time}
    if capacity is not None:
        changes["capacity"] = capacity
    await uow.session.execute(stmt.on_conflict_do_update(index_elements=[occupancy.c.upt_code], set_=changes))


@occupancy_kpi.on(FACILITY_REGISTERED)
async def facility_registered(uow: UnitOfWork, envelope: Envelope, event: FacilityRegistered) -> None:
    await _upsert(
        uow, upt_code=event.upt_code, kanwil_code=event.kanwil_code, envelope=envelope, capacity=event.capacity, delta=0
    )


@occupancy_kpi.on(INMATE_ADMITTED)
async def inmate_admitted(uow: UnitOfWork, envelope: Envelope, event: InmateAdmitted) -> None:
    await _upsert(uow, upt_code=event.upt_code, kanwil_code=event.kanwil_code, envelope=envelope, capacity=None, delta=1)


@occupancy_kpi.on(INMATE_RELEASED)
async def inmate_released(uow: UnitOfWork, envelope: Envelope, event: InmateReleased) -> None:
    await uow.session.execute(
        update(occupancy)
        .where(occupancy.c.upt_code == event.upt_code)
        .values(population=occupancy.c.population - 1, as_of=envelope.time)
    )
