"""Repositories: domain objects in and out of the service's tables."""

from datetime import date
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pas_remission.adapters.tables import (
    at_large,
    batch_transitions,
    facilities,
    inmate_conditions,
    inmates,
    register_f,
    remission_batches,
    remission_grants,
    remission_proposals,
)
from pas_remission.domain.batch import Batch, BatchStatus, Proposal
from pas_remission.domain.calendar import Span
from pas_remission.domain.engine import Grant, Occasion, SentenceKind
from pas_remission.domain.facility import Facility, TimeZone, UptType
from pas_remission.domain.inmate import Inmate, ReleaseReason, Religion, Verdict
from pas_shared.db import utcnow
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
        return None if row is None else inmate_from_row(row)

    async def held_in(self, scope: str) -> list[Inmate]:
        """Inmates not released, in a scope: "national", "kanwil:<code>" or "upt:<code>"."""
        query = select(inmates).where(inmates.c.released_on.is_(None), *_scope_filter(scope)).order_by(inmates.c.inmate_id)
        return [inmate_from_row(r) for r in (await self.session.execute(query)).mappings()]

    async def register_f_by_inmate(self, scope: str) -> dict[str, list[date]]:
        query = (
            select(register_f.c.inmate_id, register_f.c.sanctioned_on)
            .join(inmates, inmates.c.inmate_id == register_f.c.inmate_id)
            .where(register_f.c.annulled_on.is_(None), inmates.c.released_on.is_(None), *_scope_filter(scope))
        )
        out: dict[str, list[date]] = {}
        for inmate_id, on in (await self.session.execute(query)).all():
            out.setdefault(inmate_id, []).append(on)
        return out

    async def grants_by_inmate(self, scope: str) -> dict[str, list[Grant]]:
        g = remission_grants
        query = (
            select(g.c.inmate_id, g.c.occasion, g.c.granted_on, g.c.months, g.c.days)
            .join(inmates, inmates.c.inmate_id == g.c.inmate_id)
            .where(inmates.c.released_on.is_(None), *_scope_filter(scope))
            .order_by(g.c.granted_on)
        )
        out: dict[str, list[Grant]] = {}
        for r in (await self.session.execute(query)).mappings():
            grant = Grant(Occasion(r["occasion"]), r["granted_on"], Span(months=r["months"], days=r["days"]))
            out.setdefault(r["inmate_id"], []).append(grant)
        return out

    async def register_number_taken(self, upt_code: str, register_number: str) -> bool:
        query = select(inmates.c.inmate_id).where(inmates.c.upt_code == upt_code, inmates.c.register_number == register_number)
        return (await self.session.execute(query)).first() is not None

    async def add(self, inmate: Inmate) -> None:
        await self.session.execute(insert(inmates).values(**inmate_row(inmate)))

    async def mark_released(self, inmate_ids: list[str], *, on: date, reason: ReleaseReason) -> None:
        for start in range(0, len(inmate_ids), 5000):  # stay far below PostgreSQL's parameter limit
            chunk = inmate_ids[start : start + 5000]
            await self.session.execute(
                update(inmates).where(inmates.c.inmate_id.in_(chunk)).values(released_on=on, release_reason=reason.value)
            )

    async def save(self, inmate: Inmate) -> None:
        row = inmate_row(inmate)
        del row["inmate_id"]
        await self.session.execute(update(inmates).where(inmates.c.inmate_id == inmate.inmate_id).values(**row))

    async def register_f_dates(self, inmate_id: str) -> list[date]:
        query = select(register_f.c.sanctioned_on).where(register_f.c.inmate_id == inmate_id, register_f.c.annulled_on.is_(None))
        return sorted((await self.session.execute(query)).scalars())

    async def escapes(self, inmate_id: str) -> list[tuple[date, date | None]]:
        query = select(at_large.c.escaped_on, at_large.c.recaptured_on).where(at_large.c.inmate_id == inmate_id)
        return [(a, b) for a, b in (await self.session.execute(query)).all()]

    async def escapes_by_inmate(self, scope: str) -> dict[str, list[tuple[date, date | None]]]:
        query = (
            select(at_large.c.inmate_id, at_large.c.escaped_on, at_large.c.recaptured_on)
            .join(inmates, inmates.c.inmate_id == at_large.c.inmate_id)
            .where(inmates.c.released_on.is_(None), *_scope_filter(scope))
        )
        out: dict[str, list[tuple[date, date | None]]] = {}
        for inmate_id, start, end in (await self.session.execute(query)).all():
            out.setdefault(inmate_id, []).append((start, end))
        return out

    async def conditions(self, inmate_id: str) -> tuple[str | None, bool | None]:
        c = inmate_conditions
        row = (
            await self.session.execute(select(c.c.programme_grade, c.c.risk_reduced).where(c.c.inmate_id == inmate_id))
        ).first()
        return (row[0], row[1]) if row else (None, None)

    async def conditions_by_inmate(self, scope: str) -> dict[str, tuple[str | None, bool | None]]:
        c = inmate_conditions
        query = (
            select(c.c.inmate_id, c.c.programme_grade, c.c.risk_reduced)
            .join(inmates, inmates.c.inmate_id == c.c.inmate_id)
            .where(inmates.c.released_on.is_(None), *_scope_filter(scope))
        )
        return {i: (g, r) for i, g, r in (await self.session.execute(query)).all()}

    async def grants(self, inmate_id: str) -> list[Grant]:
        query = select(remission_grants).where(remission_grants.c.inmate_id == inmate_id).order_by(remission_grants.c.granted_on)
        rows = (await self.session.execute(query)).mappings()
        return [Grant(Occasion(r["occasion"]), r["granted_on"], Span(months=r["months"], days=r["days"])) for r in rows]


def inmate_from_row(row: Any) -> Inmate:
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


def _scope_filter(scope: str) -> list[Any]:
    kind, _, code = scope.partition(":")
    if kind == "upt":
        return [inmates.c.upt_code == code]
    if kind == "kanwil":
        return [inmates.c.kanwil_code == code]
    return []


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


class BatchRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, batch_id: str) -> Batch | None:
        row = (
            (await self.session.execute(select(remission_batches).where(remission_batches.c.batch_id == batch_id)))
            .mappings()
            .first()
        )
        if row is None:
            return None
        return Batch(
            batch_id=row["batch_id"],
            occasion=row["occasion"],
            holiday=row["holiday"],
            on=row["occasion_on"],
            scope=row["scope"],
            status=BatchStatus(row["status"]),
            decree_number=row["decree_number"],
        )

    async def save(self, batch: Batch, *, new: bool = False) -> None:
        values = {
            "occasion": batch.occasion,
            "holiday": batch.holiday,
            "occasion_on": batch.on,
            "scope": batch.scope,
            "status": batch.status.value,
            "decree_number": batch.decree_number,
        }
        if new:
            await self.session.execute(insert(remission_batches).values(batch_id=batch.batch_id, **values))
        else:
            await self.session.execute(
                update(remission_batches).where(remission_batches.c.batch_id == batch.batch_id).values(**values)
            )
        if batch.transitions:
            await self.session.execute(
                insert(batch_transitions),
                [
                    {
                        "batch_id": batch.batch_id,
                        "from_status": t.from_status.value if t.from_status else None,
                        "to_status": t.to_status.value,
                        "by": t.by,
                        "why": t.why,
                        "at": utcnow(),
                    }
                    for t in batch.transitions
                ],
            )
            batch.transitions.clear()

    async def replace_proposals(self, batch_id: str, proposals: list[Proposal]) -> None:
        p = remission_proposals
        await self.session.execute(delete(p).where(p.c.batch_id == batch_id))
        if proposals:
            await self.session.execute(insert(p), [_proposal_row(batch_id, x) for x in proposals])

    async def proposals(
        self, batch_id: str, *, eligible: bool | None = None, limit: int | None = None, offset: int = 0
    ) -> list[Proposal]:
        p = remission_proposals
        query = select(p).where(p.c.batch_id == batch_id).order_by(p.c.inmate_id).offset(offset)
        if eligible is not None:
            query = query.where(p.c.eligible == eligible)
        if limit is not None:
            query = query.limit(limit)
        return [
            Proposal(
                inmate_id=r["inmate_id"],
                upt_code=r["upt_code"],
                eligible=r["eligible"],
                reasons=tuple(x for x in r["reasons"].split(",") if x),
                amount=None if r["months"] is None else Span(months=r["months"], days=r["days"]),
                type=r["remission_type"],
                release_on=r["release_on"],
                later_grant=r["later_grant"],
            )
            for r in (await self.session.execute(query)).mappings()
        ]

    async def counts(self, batch_id: str) -> dict[str, int]:
        p = remission_proposals
        query = select(p.c.eligible, func.count()).where(p.c.batch_id == batch_id).group_by(p.c.eligible)
        found = {bool(e): int(n) for e, n in (await self.session.execute(query)).all()}
        return {"eligible": found.get(True, 0), "not_eligible": found.get(False, 0)}

    async def add_grants(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self.session.execute(insert(remission_grants), rows)


def _proposal_row(batch_id: str, x: Proposal) -> dict[str, Any]:
    return {
        "batch_id": batch_id,
        "inmate_id": x.inmate_id,
        "upt_code": x.upt_code,
        "eligible": x.eligible,
        "reasons": ",".join(x.reasons),
        "months": x.amount.total_months if x.amount else None,
        "days": x.amount.days if x.amount else None,
        "remission_type": x.type,
        "release_on": x.release_on,
        "later_grant": x.later_grant,
    }
