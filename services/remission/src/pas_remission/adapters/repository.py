"""Repositories: domain objects in and out of the service's tables."""

from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Table, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pas_remission.adapters.tables import (
    at_large,
    batch_transitions,
    facilities,
    facility_capacity,
    inmate_conditions,
    inmate_special_conditions,
    inmate_transfers,
    inmates,
    register_f,
    remission_batch_designations,
    remission_batches,
    remission_grants,
    remission_proposals,
    social_assistance,
)
from pas_remission.domain.assistance import AssistanceKind, Distribution, FamilyMember, Relationship
from pas_remission.domain.batch import Batch, BatchStatus, Designation, Proposal
from pas_remission.domain.calendar import Span
from pas_remission.domain.engine import Grant, Occasion, SentenceKind
from pas_remission.domain.facility import Facility, TimeZone, UptClass, UptType
from pas_remission.domain.inmate import (
    CaseInputs,
    DetainingAuthority,
    Inmate,
    ReleaseReason,
    Religion,
    SpecialCondition,
    Transfer,
    TransferReason,
    Verdict,
    is_child_on,
)
from pas_remission.domain.occupancy import CapacityEntry
from pas_shared.api import Scope
from pas_shared.db import bulk_insert, fetch_rows, utcnow
from pas_shared.events.remission import CustodyStatus

# For lookups the service makes for itself (an event's inmate, the UPT of a record already found
# in the caller's scope, a transfer's destination), not on a caller's behalf.
EVERYWHERE = Scope()
# The first and last inmate id of a chunk of a batch: its facts are read for those inmates only.
Within = tuple[str, str] | None
# An inmate's columns the engine needs, as `held_case_rows` reads them.
CaseRow = tuple[Any, ...]


def in_scope(table: Table, scope: Scope) -> list[ColumnElement[bool]]:
    """The conditions limiting a table with upt_code and kanwil_code to the caller's scope: the
    inmates, the facilities, the applications and distributions (each by its own UPT)."""
    if scope.level == "upt":
        return [table.c.upt_code == scope.code]
    if scope.level == "kanwil":
        return [table.c.kanwil_code == scope.code]
    return []


class FacilityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, upt_code: str, *, scope: Scope) -> Facility | None:
        """The facility, or None when it is not registered or outside the caller's scope."""
        query = select(facilities).where(facilities.c.upt_code == upt_code, *in_scope(facilities, scope))
        row = (await self.session.execute(query)).mappings().first()
        if row is None:
            return None
        return Facility(
            upt_code=row["upt_code"],
            name=row["name"],
            upt_type=UptType(row["upt_type"]),
            kanwil_code=row["kanwil_code"],
            capacity=row["capacity"],
            time_zone=TimeZone(row["time_zone"]),
            upt_class=UptClass(row["upt_class"]) if row["upt_class"] else None,
            province=row["province"] or "",
        )

    async def add(self, facility: Facility) -> None:
        await self.session.execute(insert(facilities).values(**facility_row(facility)))

    async def population(self, upt_code: str) -> int:
        query = select(func.count()).where(inmates.c.upt_code == upt_code, inmates.c.released_on.is_(None))
        return int((await self.session.execute(query)).scalar_one())


class InmateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, inmate_id: str, *, scope: Scope, for_update: bool = False) -> Inmate | None:
        """The inmate, or None when unknown or held outside the caller's scope (the UPT holding
        them now decides). `for_update`: lock the row until the unit of work ends (PostgreSQL), so
        two concurrent changes of one inmate (e.g. two transfers) run one after the other."""
        query = select(inmates).where(inmates.c.inmate_id == inmate_id, *in_scope(inmates, scope))
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return None if row is None else inmate_from_row(row)

    async def held_in(self, scope: str) -> list[Inmate]:
        """Inmates not released, in a scope: "national", "kanwil:<code>" or "upt:<code>"."""
        query = select(inmates).where(inmates.c.released_on.is_(None), *_scope_filter(scope)).order_by(inmates.c.inmate_id)
        return [inmate_from_row(r) for r in await self.session.execute(query)]

    async def held_case_rows(self, scope: str, *, after: str = "", limit: int | None = None) -> list[CaseRow]:
        """What the engine needs of the inmates held in a scope, as plain rows (`case_inputs` reads
        one): the first `limit` by inmate id after `after`. A national batch reads them in chunks
        and hands them to a worker process, and plain rows cross that line at a fifth of the cost
        of the records."""
        i = inmates.c
        query = (
            select(
                i.inmate_id,
                i.upt_code,
                i.admitted_on,
                i.birth_date,
                i.religion,
                i.verdict_final_on,
                i.sentence_kind,
                i.sentence_years,
                i.sentence_months,
                i.sentence_days,
                i.fine_substitute_months,
                i.fine_substitute_days,
                i.crime,
            )
            .where(i.released_on.is_(None), i.inmate_id > after, *_scope_filter(scope))
            .order_by(i.inmate_id)
            .limit(limit)
        )
        return [tuple(r) for r in await fetch_rows(self.session, query)]

    async def held_among(self, scope: str, inmate_ids: list[str]) -> set[str]:
        """Which of these inmates are held in the scope now."""
        held: set[str] = set()
        for start in range(0, len(inmate_ids), 5000):  # stay far below PostgreSQL's parameter limit
            chunk = inmate_ids[start : start + 5000]
            query = select(inmates.c.inmate_id).where(
                inmates.c.inmate_id.in_(chunk), inmates.c.released_on.is_(None), *_scope_filter(scope)
            )
            held.update((await self.session.execute(query)).scalars())
        return held

    async def register_f_by_inmate(self, scope: str, within: Within = None) -> dict[str, list[date]]:
        query = (
            select(register_f.c.inmate_id, register_f.c.sanctioned_on)
            .join(inmates, inmates.c.inmate_id == register_f.c.inmate_id)
            .where(register_f.c.annulled_on.is_(None), inmates.c.released_on.is_(None), *_scope_filter(scope, within))
        )
        out: dict[str, list[date]] = {}
        for inmate_id, on in (await self.session.execute(query)).all():
            out.setdefault(inmate_id, []).append(on)
        return out

    async def grants_by_inmate(self, scope: str, within: Within = None) -> dict[str, list[Grant]]:
        g = remission_grants
        query = (
            select(g.c.inmate_id, g.c.occasion, g.c.granted_on, g.c.months, g.c.days)
            .join(inmates, inmates.c.inmate_id == g.c.inmate_id)
            .where(inmates.c.released_on.is_(None), *_scope_filter(scope, within))
            .order_by(g.c.granted_on)
        )
        out: dict[str, list[Grant]] = {}
        for inmate_id, occasion, granted_on, months, days in await fetch_rows(self.session, query):
            grant = Grant(_OCCASIONS[occasion.partition(":")[0]], granted_on, Span(0, months, days))
            out.setdefault(inmate_id, []).append(grant)
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

    async def escapes_by_inmate(self, scope: str, within: Within = None) -> dict[str, list[tuple[date, date | None]]]:
        query = (
            select(at_large.c.inmate_id, at_large.c.escaped_on, at_large.c.recaptured_on)
            .join(inmates, inmates.c.inmate_id == at_large.c.inmate_id)
            .where(inmates.c.released_on.is_(None), *_scope_filter(scope, within))
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

    async def conditions_by_inmate(self, scope: str, within: Within = None) -> dict[str, tuple[str | None, bool | None]]:
        c = inmate_conditions
        query = (
            select(c.c.inmate_id, c.c.programme_grade, c.c.risk_reduced)
            .join(inmates, inmates.c.inmate_id == c.c.inmate_id)
            .where(inmates.c.released_on.is_(None), *_scope_filter(scope, within))
        )
        return {i: (g, r) for i, g, r in (await self.session.execute(query)).all()}

    async def special_conditions(self, inmate_id: str) -> dict[str, date]:
        s = inmate_special_conditions
        rows = await self.session.execute(select(s.c.condition, s.c.met_on).where(s.c.inmate_id == inmate_id))
        return {condition: met_on for condition, met_on in rows}

    async def special_conditions_by_inmate(self, scope: str, within: Within = None) -> dict[str, dict[str, date]]:
        s = inmate_special_conditions
        query = (
            select(s.c.inmate_id, s.c.condition, s.c.met_on)
            .join(inmates, inmates.c.inmate_id == s.c.inmate_id)
            .where(inmates.c.released_on.is_(None), *_scope_filter(scope, within))
        )
        out: dict[str, dict[str, date]] = {}
        for inmate_id, condition, met_on in await self.session.execute(query):
            out.setdefault(inmate_id, {})[condition] = met_on
        return out

    async def add_special_condition(self, c: SpecialCondition, *, by: str) -> None:
        await self.session.execute(
            insert(inmate_special_conditions).values(
                inmate_id=c.inmate_id, condition=c.condition, met_on=c.met_on, evidence=c.evidence, recorded_by=by,
                recorded_at=utcnow(),
            )
        )  # fmt: skip

    async def grants(self, inmate_id: str) -> list[Grant]:
        query = select(remission_grants).where(remission_grants.c.inmate_id == inmate_id).order_by(remission_grants.c.granted_on)
        rows = (await self.session.execute(query)).mappings()
        return [Grant(Occasion(r["occasion"]), r["granted_on"], Span(months=r["months"], days=r["days"])) for r in rows]


_NO_FINE = Span()


def case_inputs(row: CaseRow) -> CaseInputs:
    inmate_id, upt, admitted, born, religion, final_on, kind, y, m, d, fm, fd, crime = row
    verdict = None
    if final_on is not None:
        fine = Span(0, fm, fd) if fm or fd else _NO_FINE
        verdict = Verdict(final_on, _SENTENCE_KINDS[kind], Span(y, m, d), fine, crime)
    return CaseInputs(inmate_id, upt, admitted, born, is_child_on(born, admitted), religion, verdict)


# Stored values to enum members by dictionary: a national batch reads 276,000 rows, and an
# Enum call per column costs more than the rest of the mapping.
_SENTENCE_KINDS = {k.value: k for k in SentenceKind}
_CUSTODY = {k.value: k for k in CustodyStatus}
_RELIGIONS = {k.value: k for k in Religion}
_RELEASE_REASONS = {k.value: k for k in ReleaseReason}
_OCCASIONS = {k.value: k for k in Occasion}
_AUTHORITIES = {k.value: k for k in DetainingAuthority}


def inmate_from_row(row: Any) -> Inmate:
    verdict = None
    if row.verdict_final_on is not None:
        verdict = Verdict(
            final_on=row.verdict_final_on,
            sentence_kind=_SENTENCE_KINDS[row.sentence_kind],
            sentence=Span(row.sentence_years, row.sentence_months, row.sentence_days),
            fine_substitute=Span(0, row.fine_substitute_months, row.fine_substitute_days),
            crime=row.crime,
        )
    return Inmate(
        row.inmate_id,
        row.register_number,
        row.upt_code,
        row.kanwil_code,
        _CUSTODY[row.custody_status],
        row.birth_date,
        row.admitted_on,
        _RELIGIONS[row.religion],
        verdict,
        row.released_on,
        _RELEASE_REASONS[row.release_reason] if row.release_reason else None,
        _AUTHORITIES[row.detaining_authority] if row.detaining_authority else None,
    )


def _scope_filter(scope: str, within: Within = None) -> list[Any]:
    kind, _, code = scope.partition(":")
    where = [] if within is None else [inmates.c.inmate_id.between(*within)]
    if kind == "upt":
        return [*where, inmates.c.upt_code == code]
    if kind == "kanwil":
        return [*where, inmates.c.kanwil_code == code]
    return where


def facility_row(f: Facility) -> dict[str, Any]:
    return {
        "upt_code": f.upt_code,
        "name": f.name,
        "upt_type": f.upt_type.value,
        "kanwil_code": f.kanwil_code,
        "capacity": f.capacity,
        "time_zone": f.time_zone.value,
        "upt_class": f.upt_class.value if f.upt_class else None,
        "province": f.province or None,
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
        "detaining_authority": i.detaining_authority.value if i.detaining_authority else None,
    }


class Grantable(NamedTuple):
    inmate_id: str
    months: int
    days: int
    remission_type: str
    release_on: date
    upt_code: str
    kanwil_code: str


class BatchRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, batch_id: str, *, for_update: bool = False) -> Batch | None:
        """`for_update`: lock the batch until the unit of work ends (PostgreSQL), so approvals and
        recomputations of one batch run one after the other."""
        query = select(remission_batches).where(remission_batches.c.batch_id == batch_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        if row is None:
            return None
        d = remission_batch_designations
        designated = (await self.session.execute(select(d).where(d.c.batch_id == batch_id))).mappings()
        return Batch(
            designations={r["inmate_id"]: Designation(r["inmate_id"], r["basis"], r["evidence"]) for r in designated},
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
            designated = [{"batch_id": batch.batch_id, **vars(x)} for x in batch.designations.values()]
            await bulk_insert(self.session, remission_batch_designations, designated)
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

    async def clear_proposals(self, batch_id: str) -> None:
        p = remission_proposals
        await self.session.execute(delete(p).where(p.c.batch_id == batch_id))

    async def add_proposals(self, rows: list[dict[str, Any]]) -> None:
        """Rows of `proposal_row`."""
        await bulk_insert(self.session, remission_proposals, rows)

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

    async def grantable(self, batch_id: str, *, after: str = "", limit: int) -> list[Grantable]:
        """The batch's eligible proposals for inmates still held (not released since), with the
        UPT and Kanwil holding them now (a transfer since the computation moves the grant with
        the person): the first `limit` by inmate id after `after` (a national batch is taken in
        chunks, so its grants and events are never all in memory at once)."""
        p = remission_proposals
        query = (
            select(
                p.c.inmate_id, p.c.months, p.c.days, p.c.remission_type, p.c.release_on, inmates.c.upt_code, inmates.c.kanwil_code
            )
            .join(inmates, inmates.c.inmate_id == p.c.inmate_id)
            .where(p.c.batch_id == batch_id, p.c.eligible.is_(True), inmates.c.released_on.is_(None), p.c.inmate_id > after)
            .order_by(p.c.inmate_id)
            .limit(limit)
        )
        return [Grantable(*row) for row in await fetch_rows(self.session, query)]

    async def add_grants(self, rows: list[dict[str, Any]]) -> None:
        await bulk_insert(self.session, remission_grants, rows)


def proposal_row(batch_id: str, x: Proposal) -> dict[str, Any]:
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


class OccupancyRepository:
    """Facilities per scope, their capacity history, and who they hold (occupancy and forecast)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def facilities_in(self, scope: str) -> list[Facility]:
        """Facilities in a scope: "national", "kanwil:<code>" or "upt:<code>"."""
        kind, _, code = scope.partition(":")
        query = select(facilities).order_by(facilities.c.upt_code)
        if kind == "upt":
            query = query.where(facilities.c.upt_code == code)
        elif kind == "kanwil":
            query = query.where(facilities.c.kanwil_code == code)
        return [
            Facility(
                upt_code=r["upt_code"],
                name=r["name"],
                upt_type=UptType(r["upt_type"]),
                kanwil_code=r["kanwil_code"],
                capacity=r["capacity"],
                time_zone=TimeZone(r["time_zone"]),
            )
            for r in (await self.session.execute(query)).mappings()
        ]

    async def population_by_upt(self, scope: str) -> dict[str, dict[CustodyStatus, int]]:
        """Inmates held now, per UPT and custody status (tahanan, narapidana): one grouped query."""
        query = (
            select(inmates.c.upt_code, inmates.c.custody_status, func.count())
            .where(inmates.c.released_on.is_(None), *_scope_filter(scope))
            .group_by(inmates.c.upt_code, inmates.c.custody_status)
        )
        out: dict[str, dict[CustodyStatus, int]] = {}
        for upt_code, status, n in (await self.session.execute(query)).all():
            out.setdefault(upt_code, {})[CustodyStatus(status)] = int(n)
        return out

    async def history(self, upt_code: str) -> list[CapacityEntry]:
        c = facility_capacity
        query = select(c.c.effective_on, c.c.capacity, c.c.reason).where(c.c.upt_code == upt_code).order_by(c.c.effective_on)
        return [CapacityEntry(on, capacity, reason) for on, capacity, reason in (await self.session.execute(query)).all()]

    async def history_rows(self, upt_code: str) -> list[dict[str, Any]]:
        """The history as stored, with who recorded each entry and when."""
        c = facility_capacity
        query = select(c).where(c.c.upt_code == upt_code).order_by(c.c.effective_on)
        return [dict(r) for r in (await self.session.execute(query)).mappings()]

    async def capacities_on(self, on: date, scope: str) -> dict[str, int]:
        """Per UPT in the scope, the capacity in force on `on` (the latest entry on or before it);
        UPTs whose history starts after `on` are absent. One query for the whole scope."""
        c = facility_capacity
        kind, _, code = scope.partition(":")
        latest = select(c.c.upt_code, func.max(c.c.effective_on).label("effective_on")).where(c.c.effective_on <= on)
        if kind == "upt":
            latest = latest.where(c.c.upt_code == code)
        elif kind == "kanwil":
            latest = latest.where(c.c.upt_code.in_(select(facilities.c.upt_code).where(facilities.c.kanwil_code == code)))
        sub = latest.group_by(c.c.upt_code).subquery()
        query = select(c.c.upt_code, c.c.capacity).join(
            sub, (sub.c.upt_code == c.c.upt_code) & (sub.c.effective_on == c.c.effective_on)
        )
        return {upt_code: int(n) for upt_code, n in (await self.session.execute(query)).all()}

    async def record_capacity(self, upt_code: str, entry: CapacityEntry, *, by: str, replaces: bool) -> None:
        values = {"capacity": entry.capacity, "reason": entry.reason, "recorded_by": by, "recorded_at": utcnow()}
        c = facility_capacity
        if replaces:
            await self.session.execute(
                update(c).where(c.c.upt_code == upt_code, c.c.effective_on == entry.effective_on).values(**values)
            )
        else:
            await self.session.execute(insert(c).values(upt_code=upt_code, effective_on=entry.effective_on, **values))

    async def set_current_capacity(self, upt_code: str, capacity: int) -> None:
        await self.session.execute(update(facilities).where(facilities.c.upt_code == upt_code).values(capacity=capacity))


class TransferRepository:
    """The history of transfers between UPTs."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, transfer: Transfer) -> None:
        t = transfer
        await self.session.execute(
            insert(inmate_transfers).values(
                transfer_id=t.transfer_id,
                inmate_id=t.inmate_id,
                from_upt_code=t.from_upt_code,
                from_kanwil_code=t.from_kanwil_code,
                to_upt_code=t.to_upt_code,
                to_kanwil_code=t.to_kanwil_code,
                from_register_number=t.from_register_number,
                to_register_number=t.to_register_number,
                transferred_on=t.transferred_on,
                reason=t.reason.value,
                by=t.by,
                at=t.at or utcnow(),
            )
        )

    async def of_inmate(self, inmate_id: str) -> list[Transfer]:
        """In the order they happened (by date, then as recorded: ids are time-ordered UUIDv7)."""
        t = inmate_transfers
        query = select(t).where(t.c.inmate_id == inmate_id).order_by(t.c.transferred_on, t.c.transfer_id)
        return [
            Transfer(
                transfer_id=r["transfer_id"],
                inmate_id=r["inmate_id"],
                from_upt_code=r["from_upt_code"],
                from_kanwil_code=r["from_kanwil_code"],
                to_upt_code=r["to_upt_code"],
                to_kanwil_code=r["to_kanwil_code"],
                transferred_on=r["transferred_on"],
                reason=TransferReason(r["reason"]),
                from_register_number=r["from_register_number"],
                to_register_number=r["to_register_number"],
                by=r["by"],
                at=r["at"],
            )
            for r in (await self.session.execute(query)).mappings()
        ]

    async def last_on(self, inmate_id: str) -> date | None:
        t = inmate_transfers
        found: date | None = (
            await self.session.execute(select(func.max(t.c.transferred_on)).where(t.c.inmate_id == inmate_id))
        ).scalar_one()
        return found


@dataclass(frozen=True)
class AssistanceFilter:
    upt_code: str | None = None
    kanwil_code: str | None = None
    programme: str | None = None
    from_date: date | None = None
    to_date: date | None = None

    def where(self) -> list[Any]:
        a = social_assistance
        found: list[Any] = []
        if self.upt_code is not None:
            found.append(a.c.upt_code == self.upt_code)
        if self.kanwil_code is not None:
            found.append(a.c.kanwil_code == self.kanwil_code)
        if self.programme is not None:
            found.append(a.c.programme == self.programme)
        if self.from_date is not None:
            found.append(a.c.distributed_on >= self.from_date)
        if self.to_date is not None:
            found.append(a.c.distributed_on <= self.to_date)
        return found


class AssistanceRepository:
    """Social-assistance distributions."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, d: Distribution, *, by: str) -> None:
        await self.session.execute(insert(social_assistance).values(**distribution_row(d), by=by, at=utcnow()))

    async def get(self, distribution_id: str, *, scope: Scope) -> Distribution | None:
        """The distribution, or None when unknown or outside the caller's scope (its own UPT decides)."""
        a = social_assistance
        query = select(a).where(a.c.distribution_id == distribution_id, *in_scope(a, scope))
        row = (await self.session.execute(query)).mappings().first()
        return None if row is None else _distribution_from_row(row)

    async def search(self, f: AssistanceFilter, *, scope: Scope, limit: int, offset: int) -> list[Distribution]:
        a = social_assistance
        query = (
            select(a)
            .where(*f.where(), *in_scope(a, scope))
            .order_by(a.c.distributed_on.desc(), a.c.distribution_id)
            .limit(limit)
            .offset(offset)
        )
        return [_distribution_from_row(r) for r in (await self.session.execute(query)).mappings()]

    async def totals(self, f: AssistanceFilter, *, scope: Scope) -> list[tuple[str, str, int, int]]:
        """(programme, kind, distributions, rupiah) over everything the filter matches in the scope."""
        a = social_assistance
        query = (
            select(a.c.programme, a.c.kind, func.count(), func.coalesce(func.sum(a.c.amount_rupiah), 0))
            .where(*f.where(), *in_scope(a, scope))
            .group_by(a.c.programme, a.c.kind)
            .order_by(a.c.programme, a.c.kind)
        )
        return [(p, k, int(n), int(total)) for p, k, n, total in (await self.session.execute(query)).all()]


def distribution_row(d: Distribution) -> dict[str, Any]:
    return {
        "distribution_id": d.distribution_id,
        "programme": d.programme,
        "kind": d.kind.value,
        "amount_rupiah": d.amount_rupiah,
        "description": d.description,
        "distributed_on": d.distributed_on,
        "partner_agency": d.partner_agency,
        "recipient_type": d.recipient_type.value,
        "inmate_id": d.inmate_id,
        "family_name": d.family.name if d.family else None,
        "relationship": d.family.relationship.value if d.family else None,
        "nik": d.family.nik if d.family else None,
        "upt_code": d.upt_code,
        "kanwil_code": d.kanwil_code,
    }


def _distribution_from_row(r: Any) -> Distribution:
    family = None
    if r["recipient_type"] == "family":
        family = FamilyMember(name=r["family_name"], relationship=Relationship(r["relationship"]), nik=r["nik"])
    return Distribution(
        distribution_id=r["distribution_id"],
        programme=r["programme"],
        kind=AssistanceKind(r["kind"]),
        amount_rupiah=r["amount_rupiah"],
        description=r["description"],
        distributed_on=r["distributed_on"],
        partner_agency=r["partner_agency"],
        inmate_id=r["inmate_id"],
        family=family,
        upt_code=r["upt_code"],
        kanwil_code=r["kanwil_code"],
    )
