"""Repositories: domain objects in and out of the service's tables."""

from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pas_remission.adapters.tables import facilities, inmates
from pas_remission.domain.facility import Facility, TimeZone, UptType
from pas_remission.domain.inmate import Inmate, ReleaseReason
from pas_shared.events.remission import CustodyStatus


class FacilityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, upt_code: str) -> Facility | None:
        row = (await self.session.execute(select(facilities).where(facilities.c.upt_code == upt_code))).mappings().first()
        if row is None:
            return None
        return Facility(
            upt_code=row["upt_code"],
            name=row["name"],
            upt_type=UptType(row["upt_type"]),
            kanwil_code=row["kanwil_code"],
            capacity=row["capacity"],
            time_zone=TimeZone(row["time_zone"]),
        )

    async def add(self, facility: Facility) -> None:
        await self.session.execute(insert(facilities).values(**facility_row(facility)))

    async def population(self, upt_code: str) -> int:
        query = select(func.count()).where(inmates.c.upt_code == upt_code, inmates.c.released_on.is_(None))
        return int((await self.session.execute(query)).scalar_one())


class InmateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, inmate_id: str) -> Inmate | None:
        row = (await self.session.execute(select(inmates).where(inmates.c.inmate_id == inmate_id))).mappings().first()
        if row is None:
            return None
        return Inmate(
            inmate_id=row["inmate_id"],
            register_number=row["register_number"],
            upt_code=row["upt_code"],
            kanwil_code=row["kanwil_code"],
            custody_status=CustodyStatus(row["custody_status"]),
            birth_date=row["birth_date"],
            admitted_on=row["admitted_on"],
            released_on=row["released_on"],
            release_reason=ReleaseReason(row["release_reason"]) if row["release_reason"] else None,
        )

    async def register_number_taken(self, upt_code: str, register_number: str) -> bool:
        query = select(inmates.c.inmate_id).where(inmates.c.upt_code == upt_code, inmates.c.register_number == register_number)
        return (await self.session.execute(query)).first() is not None

    async def add(self, inmate: Inmate) -> None:
        await self.session.execute(insert(inmates).values(**inmate_row(inmate)))

    async def save_release(self, inmate: Inmate) -> None:
        await self.session.execute(
            update(inmates)
            .where(inmates.c.inmate_id == inmate.inmate_id)
            .values(released_on=inmate.released_on, release_reason=inmate.release_reason)
        )


def facility_row(f: Facility) -> dict[str, Any]:
    return {
        "upt_code": f.upt_code,
        "name": f.name,
        "upt_type": f.upt_type.value,
        "kanwil_code": f.kanwil_code,
        "capacity": f.capacity,
        "time_zone": f.time_zone.value,
    }


def inmate_row(i: Inmate) -> dict[str, Any]:
    return {
        "inmate_id": i.inmate_id,
        "register_number": i.register_number,
        "upt_code": i.upt_code,
        "kanwil_code": i.kanwil_code,
        "custody_status": i.custody_status.value,
        "birth_date": i.birth_date,
        "admitted_on": i.admitted_on,
        "released_on": i.released_on,
        "release_reason": i.release_reason.value if i.release_reason else None,
        "is_child": i.is_child,
    }
