"""The UPTs this service knows, from remission's facility events (their Kanwil, type and zone)."""

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from pas_rehabilitation.adapters.programmes import FacilityRepository
from pas_rehabilitation.adapters.tables import facilities
from pas_rehabilitation.domain.facility import Facility, unknown_upt
from pas_shared.api import Scope
from pas_shared.consumer import Received, Subscription
from pas_shared.db import UnitOfWork
from pas_shared.events.remission import FACILITY_REGISTERED, FacilityRegistered

facility_registry = Subscription(name="rehabilitation.facilities")


@facility_registry.on(FACILITY_REGISTERED)
async def facility_registered(uow: UnitOfWork, events: list[Received[FacilityRegistered]]) -> None:
    dialect_insert = postgresql.insert if uow.db.is_postgres else sqlite.insert
    for e in events:
        d = e.data
        values = {"name": d.name, "upt_type": d.upt_type, "kanwil_code": d.kanwil_code, "time_zone": d.time_zone}
        stmt = dialect_insert(facilities).values(upt_code=d.upt_code, **values)
        await uow.session.execute(stmt.on_conflict_do_update(index_elements=[facilities.c.upt_code], set_=values))


async def require_facility(
    session: AsyncSession, upt_code: str, *, scope: Scope | None = None, field: str = "upt_code", for_update: bool = False
) -> Facility:
    """The UPT as this service knows it; one outside the caller's scope is as unknown as one never registered."""
    found = await FacilityRepository(session).get(upt_code, for_update=for_update)
    if found is None or (scope is not None and not scope.allows(upt_code=upt_code, kanwil_code=found.kanwil_code)):
        raise unknown_upt(upt_code, field)
    return found
