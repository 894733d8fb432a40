"""Repositories: domain objects in and out of the service's tables."""

from datetime import date
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pas_remission.adapters.tables import facilities, inmates, register_f, remission_grants
from pas_remission.domain.calendar import Span
from pas_remission.domain.engine import Grant, Occasion, SentenceKind
from pas_remission.domain.facility import Facility, TimeZone, UptType
from pas_remission.domain.inmate import Inmate, ReleaseReason, Religion, Verdict
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
        verdict = None
        if row["verdict_final_on"] is not None:
            verdict = Verdict(
                final_on=row["verdict_final_on"],
                sentence_kind=SentenceKind(row["sentence_kind"]),
                sentence=Span(row["sentence_years"], row["sentence_months"], row["sentence_days"]),
                fine_substitute=Span(months=row["fine_substitute_months"], days=row["fine_substitute_days"]),
                crime=row["crime"],
            )
        return Inmate(
            inmate_id=row["inmate_id"],
            register_number=row["register_number"],
            upt_code=row["upt_code"],
            kanwil_code=row["kanwil_code"],
            custody_status=CustodyStatus(row["custody_status"]),
            birth_date=row["birth_date"],
            admitted_on=row["admitted_on"],
            religion=Religion(row["religion"]),
            verdict=verdict,
            released_on=row["released_on"],
            release_reason=ReleaseReason(row["release_reason"]) if row["release_reason"] else None,
        )

    async def register_number_taken(self, upt_code: str, register_number: str) -> bool:
        query = select(inmates.c.inmate_id).where(inmates.c.upt_code == upt_code, inmates.c.register_number == register_number)
        return (await self.session.execute(query)).first() is not None

    async def add(self, inmate: Inmate) -> None:
        await self.session.execute(insert(inmates).values(**inmate_row(inmate)))

    async def save(self, inmate: Inmate) -> None:
        row = inmate_row(inmate)
        del row["inmate_id"]
        await self.session.execute(update(inmates).where(inmates.c.inmate_id == inmate.inmate_id).values(**row))

    async def register_f_dates(self, inmate_id: str) -> list[date]:
        query = select(register_f.c.sanctioned_on).where(register_f.c.inmate_id == inmate_id, register_f.c.annulled_on.is_(None))
        return sorted((await self.session.execute(query)).scalars())

    async def grants(self, inmate_id: str) -> list[Grant]:
        query = select(remission_grants).where(remission_grants.c.inmate_id == inmate_id).order_by(remission_grants.c.granted_on)
        rows = (await self.session.execute(query)).mappings()
        return [Grant(Occasion(r["occasion"]), r["granted_on"], Span(months=r["months"], days=r["days"])) for r in rows]


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
    v = i.verdict
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
        "religion": i.religion.value,
        "verdict_final_on": v.final_on if v else None,
        "sentence_kind": v.sentence_kind.value if v else None,
        "sentence_years": v.sentence.years if v else None,
        "sentence_months": v.sentence.months if v else None,
        "sentence_days": v.sentence.days if v else None,
        "fine_substitute_months": v.fine_substitute.total_months if v else None,
        "fine_substitute_days": v.fine_substitute.days if v else None,
        "crime": v.crime if v else None,
    }
