"""Remission batches: compute proposals for a scope, recompute before approval, approve with a
decree number. Only approval records grants and publishes `remission.granted` (and, for a
type II grant with nothing left to serve, the release)."""

import functools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pas_remission.adapters.repository import (
    BatchRepository,
    CaseRow,
    Grantable,
    InmateRepository,
    case_inputs,
    proposal_row,
)
from pas_remission.app.access import batch_region, region_within
from pas_remission.app.queries import FactsIn, case_for
from pas_remission.app.workers import INLINE, Workers
from pas_remission.domain.batch import Batch, BatchStatus, Designation, Proposal, Transition
from pas_remission.domain.engine import Engine, Occasion
from pas_remission.domain.inmate import ReleaseReason
from pas_shared.api import Scope
from pas_shared.db import Database, EventContext, UnitOfWork, outbox_row
from pas_shared.errors import NotFound, RuleViolation
from pas_shared.events.remission import InmateReleased, RemissionGranted
from pas_shared.ids import new_id

# Inmates computed per step of a batch: a national batch's 276,000 cases and their facts are read,
# computed and written chunk by chunk, so the service never holds them all at once.
PROPOSAL_CHUNK = 10_000
# Proposals granted per step of an approval, in its one transaction: a national batch's 150,000
# grants and their events are written chunk by chunk, so the service never holds them all at once.
APPROVAL_CHUNK = 5_000


def _not_found(batch_id: str) -> NotFound:
    return NotFound(id=f"Batch remisi {batch_id} tidak ditemukan.", en=f"Remission batch {batch_id} not found.")


async def _batch(session: AsyncSession, batch_id: str, scope: Scope, *, for_update: bool = False) -> Batch:
    """The batch, found only when its scope lies within the caller's (404 otherwise, as if it did
    not exist): a Kanwil user sees the batches of their Kanwil and its UPTs, a UPT user their own."""
    batch = await BatchRepository(session).get(batch_id, for_update=for_update)
    if batch is None or not await region_within(session, batch.scope, scope):
        raise _not_found(batch_id)
    return batch


async def get_batch(db: Database, batch_id: str, *, scope: Scope) -> Batch:
    async with db.sessions() as session:
        return await _batch(session, batch_id, scope)


async def batch_proposals(
    db: Database, batch_id: str, *, eligible: bool | None, limit: int, offset: int, scope: Scope
) -> list[Proposal]:
    async with db.sessions() as session:
        await _batch(session, batch_id, scope)
        return await BatchRepository(session).proposals(batch_id, eligible=eligible, limit=limit, offset=offset)


async def _propose(uow: UnitOfWork, batch: Batch, assume_conditions_met: bool, pool: Workers) -> int:
    """Compute and store the batch's proposals, chunk by chunk: a worker computes one chunk while
    this reads the next one and writes the one before. Returns how many."""
    inmates = InmateRepository(uow.session)
    repo = BatchRepository(uow.session)
    _check_designations(batch, await inmates.held_among(batch.scope, list(batch.designations)))
    await repo.clear_proposals(batch.batch_id)
    terms = ProposalTerms(
        batch_id=batch.batch_id,
        occasion=Occasion(batch.occasion),
        on=batch.on,
        holiday=batch.holiday,
        assume_conditions_met=assume_conditions_met,
        designated={i: d.basis for i, d in batch.designations.items()},
    )
    stored = 0

    async def chunks() -> AsyncIterator[tuple[list[CaseRow], FactsIn, ProposalTerms]]:
        after = ""
        while chunk := await inmates.held_case_rows(batch.scope, after=after, limit=PROPOSAL_CHUNK):
            after = chunk[-1][0]
            yield chunk, await FactsIn.load(inmates, batch.scope, within=(chunk[0][0], after)), terms

    async def store(rows: list[dict[str, Any]]) -> None:
        nonlocal stored
        await repo.add_proposals(rows)
        stored += len(rows)

    await pool.map_chunks(chunks(), propose, store)
    return stored


@dataclass(frozen=True)
class ProposalTerms:
    """What every proposal of a batch is computed under."""

    batch_id: str
    occasion: Occasion
    on: date
    holiday: str | None
    assume_conditions_met: bool
    designated: dict[str, str]  # inmate id -> the designation's basis


def propose(held: list[CaseRow], facts_in: FactsIn, terms: ProposalTerms) -> list[dict[str, Any]]:
    """The proposal rows of a chunk of held inmates: pure, run in a worker process (app/workers.py)."""
    engine = _batch_engine()
    on, occasion, holiday = terms.on, terms.occasion, terms.holiday
    rows = []
    for row in held:
        inmate = case_inputs(row)
        if inmate.verdict is None:  # a detainee: listed, with the reason, for a later susulan grant
            proposal = Proposal(inmate.inmate_id, inmate.upt_code, False, ("verdict-final",), None, None, None, True)
        else:
            facts = facts_in.of(inmate.inmate_id, terms.designated.get(inmate.inmate_id))
            r = engine.remission(case_for(inmate, facts, on, terms.assume_conditions_met), occasion, on, holiday=holiday)
            proposal = Proposal(
                inmate.inmate_id, inmate.upt_code, r.eligible, tuple(r.reasons), r.amount, r.type, r.release_on, r.later_grant
            )
        rows.append(proposal_row(terms.batch_id, proposal))
    return rows


@functools.cache
def _batch_engine() -> Engine:
    return Engine(explain=False)  # outcome and reasons only; GET /inmates/{id}/remission explains one


def _check_designations(batch: Batch, held: set[str]) -> None:
    bases = Engine().designation_bases(Occasion(batch.occasion), batch.on)
    valid = ", ".join(sorted(bases)) or "-"
    for n, d in enumerate(batch.designations.values()):
        if d.basis not in bases:
            raise RuleViolation(
                f"designations[{n}].basis",
                "basis-for-occasion",
                id=f"Dasar '{d.basis}' tidak berlaku untuk {batch.occasion} pada {batch.on}; yang berlaku: {valid}.",
                en=f"Basis '{d.basis}' does not apply to {batch.occasion} on {batch.on}; valid: {valid}.",
            )
        if d.inmate_id not in held:
            raise RuleViolation(
                f"designations[{n}].inmate_id",
                "held-in-scope",
                id=f"Warga binaan {d.inmate_id} tidak ditahan dalam cakupan batch ini.",
                en=f"Inmate {d.inmate_id} is not held in this batch's scope.",
            )


def check_occasion(occasion: Occasion, on: date, holiday: str | None) -> None:
    """A whole batch on a date that is not the occasion's is refused before anything is written."""
    refusal = Engine().occasion_refusal(occasion, on, holiday)
    if refusal is not None:
        raise RuleViolation(
            "on",
            refusal.rule,
            id=f"Tanggal {on.isoformat()} bukan tanggal {occasion.value}: {refusal.finding}.",
            en=f"{on.isoformat()} is not a date of {occasion.value}: {refusal.finding}.",
        )


async def compute_batch(
    db: Database,
    *,
    occasion: Occasion,
    holiday: str | None,
    on: date,
    upt_code: str | None,
    kanwil_code: str | None,
    scope: Scope,
    actor: str,
    assume_conditions_met: bool,
    designations: tuple[Designation, ...] = (),
    batch_workers: Workers = INLINE,
) -> Batch:
    """A batch for one UPT, one Kanwil or (with neither) the nation, within the caller's scope."""
    check_occasion(occasion, on, holiday)
    designated: dict[str, Designation] = {}
    for n, d in enumerate(designations):
        if d.inmate_id in designated:
            raise RuleViolation(
                f"designations[{n}].inmate_id",
                "designated-once",
                id=f"Warga binaan {d.inmate_id} ditetapkan dua kali.",
                en=f"Inmate {d.inmate_id} is designated twice.",
            )
        designated[d.inmate_id] = d
    async with UnitOfWork(db, actor=actor) as uow:
        region = await batch_region(uow.session, scope, upt_code=upt_code, kanwil_code=kanwil_code)
        batch = Batch(batch_id=new_id(), occasion=occasion.value, holiday=holiday, on=on, scope=region, designations=designated)
        batch.transitions.append(_created(actor))
        await BatchRepository(uow.session).save(batch, new=True)
        proposals = await _propose(uow, batch, assume_conditions_met, batch_workers)
        uow.audit("remission-batch.computed", "remission-batch", batch.batch_id, after={"scope": region, "proposals": proposals})
    return batch


async def recompute_batch(
    db: Database, batch_id: str, *, scope: Scope, actor: str, assume_conditions_met: bool, batch_workers: Workers = INLINE
) -> Batch:
    async with UnitOfWork(db, actor=actor) as uow:
        repo = BatchRepository(uow.session)
        batch = await _batch(uow.session, batch_id, scope, for_update=True)
        batch.move(BatchStatus.COMPUTED, by=actor, why="recomputed with the facts known now")
        await repo.save(batch)
        await _propose(uow, batch, assume_conditions_met, batch_workers)
        uow.audit("remission-batch.recomputed", "remission-batch", batch_id)
    return batch


async def approve_batch(
    db: Database, batch_id: str, *, decree_number: str, scope: Scope, actor: str, batch_workers: Workers = INLINE
) -> tuple[Batch, int]:
    """Returns the batch and how many grants this call made (0 when it was approved already).
    A national batch is granted chunk by chunk in the one transaction: a worker builds one
    chunk's grants and events while this reads the next chunk and writes the one before."""
    async with UnitOfWork(db, actor=actor) as uow:
        repo = BatchRepository(uow.session)
        # Locked: two approvals at once, the second waits, then grants nothing.
        batch = await _batch(uow.session, batch_id, scope, for_update=True)
        if not batch.approve(decree_number, by=actor):
            return batch, 0
        await repo.save(batch)
        terms = GrantTerms(
            batch_id=batch_id,
            occasion=batch.occasion,
            occasion_label=batch.occasion if batch.holiday is None else f"{batch.occasion}:{batch.holiday}",
            on=batch.on,
            decree_number=decree_number,
            context=uow.event_context(),
        )
        granted = 0

        async def chunks() -> AsyncIterator[tuple[list[Grantable], GrantTerms]]:
            after = ""
            while chunk := await repo.grantable(batch_id, after=after, limit=APPROVAL_CHUNK):
                after = chunk[-1].inmate_id
                yield chunk, terms

        async def write(g: Granting) -> None:
            nonlocal granted
            await repo.add_grants(g.grants)
            await InmateRepository(uow.session).mark_released(g.released, on=terms.on, reason=ReleaseReason.REMISSION_II)
            uow.add_outbox_rows(g.events)
            await uow.write_events()
            granted += len(g.grants)

        await batch_workers.map_chunks(chunks(), grant, write)
        uow.audit(
            "remission-batch.approved", "remission-batch", batch_id, after={"decree_number": decree_number, "grants": granted}
        )
    return batch, granted


@dataclass(frozen=True)
class GrantTerms:
    """What every grant of an approved batch shares."""

    batch_id: str
    occasion: str  # as stored with the grant
    occasion_label: str  # as published: with the holiday for a Remisi Khusus
    on: date
    decree_number: str
    context: EventContext


@dataclass(frozen=True)
class Granting:
    """One chunk of an approval: its grant rows, its outbox rows, the inmates released today."""

    grants: list[dict[str, Any]]
    events: list[dict[str, Any]]
    released: list[str]


def grant(chunk: list[Grantable], terms: GrantTerms) -> Granting:
    """The grants, `remission.granted` events and type II releases of one chunk: pure, run in a
    worker process (app/workers.py)."""
    grants, events, released = [], [], []
    for p in chunk:
        grant_id = new_id()
        grants.append(
            {
                "grant_id": grant_id,
                "inmate_id": p.inmate_id,
                "occasion": terms.occasion,
                "granted_on": terms.on,
                "months": p.months,
                "days": p.days,
                "batch_id": terms.batch_id,
                "remission_type": p.remission_type,
                "decree_number": terms.decree_number,
            }
        )
        row_of = functools.partial(
            outbox_row, subject=p.inmate_id, uptcode=p.upt_code, kanwilcode=p.kanwil_code, context=terms.context
        )
        granted = RemissionGranted(
            grant_id=grant_id,
            batch_id=terms.batch_id,
            inmate_id=p.inmate_id,
            upt_code=p.upt_code,
            occasion=terms.occasion_label,
            granted_on=terms.on,
            months=p.months,
            days=p.days,
            remission_type=p.remission_type,
            decree_number=terms.decree_number,
            release_on=p.release_on,
        )
        events.append(row_of(granted))
        if p.remission_type == "II" and p.release_on == terms.on:  # nothing left to serve: released today
            released.append(p.inmate_id)
            release = InmateReleased(
                inmate_id=p.inmate_id, upt_code=p.upt_code, released_on=terms.on, reason=ReleaseReason.REMISSION_II.value
            )
            events.append(row_of(release))
    return Granting(grants, events, released)


async def cancel_batch(db: Database, batch_id: str, *, why: str, scope: Scope, actor: str) -> Batch:
    """Withdraw a computed batch (wrong scope, wrong facts): nothing was granted, nothing is."""
    async with UnitOfWork(db, actor=actor) as uow:
        repo = BatchRepository(uow.session)
        batch = await _batch(uow.session, batch_id, scope, for_update=True)
        batch.move(BatchStatus.CANCELLED, by=actor, why=why)
        await repo.save(batch)
        uow.audit("remission-batch.cancelled", "remission-batch", batch_id, after={"why": why})
    return batch


def _created(actor: str) -> Transition:
    return Transition(None, BatchStatus.COMPUTED, actor, "computed")
