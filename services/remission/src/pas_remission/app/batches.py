"""Remission batches: compute proposals for a scope, recompute before approval, approve with a
decree number. Only approval records grants and publishes `remission.granted` (and, for a
type II grant with nothing left to serve, the release)."""

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from pas_remission.adapters.repository import BatchRepository, Grantable, InmateRepository
from pas_remission.app.access import batch_region, region_within
from pas_remission.app.queries import FactsIn, case_for
from pas_remission.domain.batch import Batch, BatchStatus, Designation, Proposal, Transition
from pas_remission.domain.engine import Engine, Occasion
from pas_remission.domain.inmate import ReleaseReason
from pas_shared.api import Scope
from pas_shared.db import Database, UnitOfWork
from pas_shared.errors import NotFound, RuleViolation
from pas_shared.events.remission import InmateReleased, RemissionGranted
from pas_shared.ids import new_id

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


async def _propose(uow: UnitOfWork, batch: Batch, assume_conditions_met: bool) -> list[Proposal]:
    inmates = InmateRepository(uow.session)
    facts_in = await FactsIn.load(inmates, batch.scope)
    engine = Engine(explain=False)  # outcome and reasons only; GET /inmates/{id}/remission explains one
    proposals = []
    held = await inmates.held_case_inputs(batch.scope)
    _check_designations(batch, {i.inmate_id for i in held})
    occasion = Occasion(batch.occasion)
    for inmate in held:
        if inmate.verdict is None:  # a detainee: listed, with the reason, for a later susulan grant
            proposals.append(Proposal(inmate.inmate_id, inmate.upt_code, False, ("verdict-final",), None, None, None, True))
            continue
        designated = batch.designations.get(inmate.inmate_id)
        facts = facts_in.of(inmate.inmate_id, designated.basis if designated else None)
        case = case_for(inmate, facts, batch.on, assume_conditions_met)
        r = engine.remission(case, occasion, batch.on, holiday=batch.holiday)
        proposals.append(
            Proposal(
                inmate.inmate_id, inmate.upt_code, r.eligible, tuple(r.reasons), r.amount, r.type, r.release_on, r.later_grant
            )
        )
    await BatchRepository(uow.session).replace_proposals(batch.batch_id, proposals)
    return proposals


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
        proposals = await _propose(uow, batch, assume_conditions_met)
        uow.audit(
            "remission-batch.computed", "remission-batch", batch.batch_id, after={"scope": region, "proposals": len(proposals)}
        )
    return batch


async def recompute_batch(db: Database, batch_id: str, *, scope: Scope, actor: str, assume_conditions_met: bool) -> Batch:
    async with UnitOfWork(db, actor=actor) as uow:
        repo = BatchRepository(uow.session)
        batch = await _batch(uow.session, batch_id, scope, for_update=True)
        batch.move(BatchStatus.COMPUTED, by=actor, why="recomputed with the facts known now")
        await repo.save(batch)
        await _propose(uow, batch, assume_conditions_met)
        uow.audit("remission-batch.recomputed", "remission-batch", batch_id)
    return batch


async def approve_batch(db: Database, batch_id: str, *, decree_number: str, scope: Scope, actor: str) -> tuple[Batch, int]:
    """Returns the batch and how many grants this call made (0 when it was approved already)."""
    async with UnitOfWork(db, actor=actor) as uow:
        repo = BatchRepository(uow.session)
        # Locked: two approvals at once, the second waits, then grants nothing.
        batch = await _batch(uow.session, batch_id, scope, for_update=True)
        if not batch.approve(decree_number, by=actor):
            return batch, 0
        await repo.save(batch)
        occasion = batch.occasion if batch.holiday is None else f"{batch.occasion}:{batch.holiday}"
        granted = 0
        after = ""
        while chunk := await repo.grantable(batch_id, after=after, limit=APPROVAL_CHUNK):
            after = chunk[-1].inmate_id
            granted += await _grant(uow, batch, chunk, occasion=occasion, decree_number=decree_number)
        uow.audit(
            "remission-batch.approved", "remission-batch", batch_id, after={"decree_number": decree_number, "grants": granted}
        )
    return batch, granted


async def _grant(uow: UnitOfWork, batch: Batch, chunk: list[Grantable], *, occasion: str, decree_number: str) -> int:
    """Grant one chunk of an approved batch: its grant rows, events and releases written now, in
    the approval's transaction."""
    batch_id = batch.batch_id
    released = []
    rows = []
    for p in chunk:
        grant_id = new_id()
        rows.append(
            {
                "grant_id": grant_id,
                "inmate_id": p.inmate_id,
                "occasion": batch.occasion,
                "granted_on": batch.on,
                "months": p.months,
                "days": p.days,
                "batch_id": batch_id,
                "remission_type": p.remission_type,
                "decree_number": decree_number,
            }
        )
        uow.emit(
            RemissionGranted(
                grant_id=grant_id,
                batch_id=batch_id,
                inmate_id=p.inmate_id,
                upt_code=p.upt_code,
                occasion=occasion,
                granted_on=batch.on,
                months=p.months,
                days=p.days,
                remission_type=p.remission_type,
                decree_number=decree_number,
                release_on=p.release_on,
            ),
            subject=p.inmate_id,
            uptcode=p.upt_code,
            kanwilcode=p.kanwil_code,
        )
        if p.remission_type == "II" and p.release_on == batch.on:  # nothing left to serve: released today
            released.append(p.inmate_id)
            uow.emit(
                InmateReleased(
                    inmate_id=p.inmate_id, upt_code=p.upt_code, released_on=batch.on, reason=ReleaseReason.REMISSION_II.value
                ),
                subject=p.inmate_id,
                uptcode=p.upt_code,
                kanwilcode=p.kanwil_code,
            )
    await BatchRepository(uow.session).add_grants(rows)
    await InmateRepository(uow.session).mark_released(released, on=batch.on, reason=ReleaseReason.REMISSION_II)
    await uow.write_events()
    return len(rows)


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
