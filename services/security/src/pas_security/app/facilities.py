"""The UPTs as remission registers them: kept from `facility.registered` for each UPT's Kanwil
and time zone (incident times and deadlines are local to the UPT)."""

from pas_security.adapters.incidents import FacilityRepository
from pas_shared.consumer import Received, Subscription
from pas_shared.db import UnitOfWork
from pas_shared.events.remission import FACILITY_REGISTERED, FacilityRegistered

facility_directory = Subscription(name="security.facilities")


@facility_directory.on(FACILITY_REGISTERED)
async def registered(uow: UnitOfWork, events: list[Received[FacilityRegistered]]) -> None:
    latest = {
        e.data.upt_code: {
            "upt_code": e.data.upt_code,
            "kanwil_code": e.data.kanwil_code,
            "name": e.data.name,
            "upt_type": e.data.upt_type,
            "time_zone": e.data.time_zone,
        }
        for e in events
    }
    await FacilityRepository(uow.session).upsert(uow.db, list(latest.values()))
