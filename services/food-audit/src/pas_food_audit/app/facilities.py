"""The UPTs this service knows, kept from remission's `facility.registered` events, and the
local date of each (legal dates are the UPT's own calendar dates)."""

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from pas_food_audit.adapters.repository import FacilityRepository
from pas_food_audit.adapters.tables import facilities
from pas_food_audit.domain.upt import Upt, upt_not_known
from pas_shared.api import Scope
from pas_shared.clock import Clock
from pas_shared.consumer import Received, Subscription
from pas_shared.db import UnitOfWork
from pas_shared.events.remission import FACILITY_REGISTERED, FacilityRegistered


def facilities_subscription(service: str) -> Subscription:
    sub = Subscription(name=f"{service}.facilities")

    @sub.on(FACILITY_REGISTERED)
    async def registered(uow: UnitOfWork, events: list[Received[FacilityRegistered]]) -> None:
        dialect_insert = postgresql.insert if uow.db.is_postgres else sqlite.insert
        rows = {
            e.data.upt_code: {
                "upt_code": e.data.upt_code,
                "name": e.data.name,
                "kanwil_code": e.data.kanwil_code,
                "time_zone": e.data.time_zone,
            }
            for e in events
        }
        stmt = dialect_insert(facilities).values(list(rows.values()))
        stmt = stmt.on_conflict_do_update(
            index_elements=[facilities.c.upt_code],
            set_={"name": stmt.excluded.name, "kanwil_code": stmt.excluded.kanwil_code, "time_zone": stmt.excluded.time_zone},
        )
        await uow.session.execute(stmt)

    return sub


async def require_upt(session: AsyncSession, upt_code: str, field: str = "upt_code", *, scope: Scope | None = None) -> Upt:
    """The UPT as remission registered it; one outside the caller's scope is refused as if unknown."""
    found = await FacilityRepository(session).get(upt_code)
    if found is None or (scope is not None and not scope.allows(upt_code=found.upt_code, kanwil_code=found.kanwil_code)):
        raise upt_not_known(upt_code, field)
    return found


def local_today(clock: Clock, upt: Upt) -> date:
    return clock().astimezone(ZoneInfo(upt.time_zone)).date()
