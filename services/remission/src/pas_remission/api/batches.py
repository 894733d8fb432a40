"""Routes for remission batches (compute, review, recompute, approve)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from pydantic import BaseModel, Field

from pas_remission.adapters.repository import BatchRepository
from pas_remission.api.schemas import Body, SpanOut
from pas_remission.app import batches
from pas_remission.app.workers import Workers, workers
from pas_remission.domain.batch import Batch, BatchStatus, Designation
from pas_remission.domain.engine import Occasion
from pas_remission.domain.inmate import Holiday
from pas_shared.api import ActorDep, DatabaseDep, ScopeDep
from pas_shared.db import Database
from pas_shared.errors import RuleViolation
from pas_shared.events.remission import UPT_CODE

router = APIRouter(prefix="/api/v1/remission-batches", tags=["remission batches"])


class DesignationIn(Body):
    inmate_id: str = Field(min_length=1, max_length=36)
    basis: str = Field(
        min_length=1,
        max_length=32,
        description="Remisi Tambahan: jasa-negara, bermanfaat-kemanusiaan or pemuka; "
        "Remisi Kemanusiaan on 7 April: long-term-illness.",
    )
    evidence: str = Field(min_length=3, max_length=300, description="The document proving it (SK Kalapas, doctor's letter).")


class BatchIn(Body):
    occasion: Occasion
    holiday: Holiday | None = Field(default=None, description="Required for remisi-khusus.")
    on: date = Field(description="The occasion's date, e.g. 17 August for Remisi Umum.")
    upt_code: str | None = Field(default=None, pattern=UPT_CODE, description="One UPT; or give kanwil_code; neither = national.")
    kanwil_code: str | None = Field(default=None, pattern=UPT_CODE)
    designations: list[DesignationIn] = Field(
        default_factory=list,
        max_length=50_000,
        description="Inmates designated for a basis the register does not hold (Remisi Tambahan, "
        "Remisi Kemanusiaan on illness); only they are considered for it.",
    )


class ApproveIn(Body):
    decree_number: str = Field(min_length=3, max_length=100, description="Number of the SK (decree) granting the remissions.")


class CancelIn(Body):
    why: str = Field(min_length=3, max_length=500, description="Why the batch is withdrawn.")


class BatchOut(BaseModel):
    batch_id: str
    occasion: str
    holiday: str | None
    on: date
    scope: str
    status: BatchStatus
    decree_number: str | None
    eligible: int
    not_eligible: int
    granted_now: int = 0


class ProposalOut(BaseModel):
    inmate_id: str
    upt_code: str
    eligible: bool
    reasons: list[str]
    amount: SpanOut | None
    type: str | None
    release_on: date | None
    later_grant: bool


async def _out(db: Database, batch: Batch, granted_now: int = 0) -> BatchOut:
    async with db.sessions() as session:
        counts = await BatchRepository(session).counts(batch.batch_id)
    return BatchOut(
        batch_id=batch.batch_id,
        occasion=batch.occasion,
        holiday=batch.holiday,
        on=batch.on,
        scope=batch.scope,
        status=batch.status,
        decree_number=batch.decree_number,
        granted_now=granted_now,
        **counts,
    )


def _assume(request: Request) -> bool:
    return bool(request.app.state.settings.assume_programme_and_risk_met)


def _workers(request: Request) -> Workers:
    return workers(request.app.state.settings.batch_workers)


@router.post("", status_code=status.HTTP_201_CREATED, operation_id="computeRemissionBatch")
async def compute(body: BatchIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, request: Request) -> BatchOut:
    """For a UPT, a Kanwil or (neither) the nation, within the caller's scope: a UPT or Kanwil
    outside it is refused on its field (422), a region wider than it on `scope` (422)."""
    if body.upt_code and body.kanwil_code:
        raise RuleViolation(
            "kanwil_code", "one-scope", id="Pilih UPT atau Kanwil, bukan keduanya.", en="Give a UPT or a Kanwil, not both."
        )
    if (body.occasion is Occasion.KHUSUS) != (body.holiday is not None):
        raise RuleViolation(
            "holiday",
            "holiday-with-remisi-khusus",
            id="Hari raya diisi untuk remisi khusus saja, dan wajib untuknya.",
            en="A holiday is given for remisi-khusus, and only for it.",
        )
    holiday = body.holiday.value if body.holiday else None
    batch = await batches.compute_batch(
        db,
        occasion=body.occasion,
        holiday=holiday,
        on=body.on,
        upt_code=body.upt_code,
        kanwil_code=body.kanwil_code,
        scope=scope,
        actor=actor,
        assume_conditions_met=_assume(request),
        designations=tuple(Designation(**d.model_dump()) for d in body.designations),
        batch_workers=_workers(request),
    )
    return await _out(db, batch)


@router.get("/{batch_id}", operation_id="getRemissionBatch")
async def get(batch_id: str, db: DatabaseDep, scope: ScopeDep) -> BatchOut:
    """404 for a batch whose scope is not within the caller's."""
    return await _out(db, await batches.get_batch(db, batch_id, scope=scope))


@router.get("/{batch_id}/proposals", operation_id="listRemissionProposals")
async def proposals(
    batch_id: str,
    db: DatabaseDep,
    scope: ScopeDep,
    eligible: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[ProposalOut]:
    found = await batches.batch_proposals(db, batch_id, eligible=eligible, limit=limit, offset=offset, scope=scope)
    return [
        ProposalOut(
            inmate_id=p.inmate_id,
            upt_code=p.upt_code,
            eligible=p.eligible,
            reasons=list(p.reasons),
            amount=SpanOut(years=0, months=p.amount.total_months, days=p.amount.days) if p.amount else None,
            type=p.type,
            release_on=p.release_on,
            later_grant=p.later_grant,
        )
        for p in found
    ]


@router.post("/{batch_id}/recompute", operation_id="recomputeRemissionBatch")
async def recompute(batch_id: str, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, request: Request) -> BatchOut:
    batch = await batches.recompute_batch(
        db, batch_id, scope=scope, actor=actor, assume_conditions_met=_assume(request), batch_workers=_workers(request)
    )
    return await _out(db, batch)


@router.post("/{batch_id}/approve", operation_id="approveRemissionBatch")
async def approve(
    batch_id: str, body: ApproveIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, request: Request
) -> BatchOut:
    batch, granted = await batches.approve_batch(
        db, batch_id, decree_number=body.decree_number, scope=scope, actor=actor, batch_workers=_workers(request)
    )
    return await _out(db, batch, granted)


@router.post("/{batch_id}/cancel", operation_id="cancelRemissionBatch")
async def cancel(batch_id: str, body: CancelIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep) -> BatchOut:
    """Withdraw a computed batch before approval; an approved one cannot be cancelled (409)."""
    return await _out(db, await batches.cancel_batch(db, batch_id, why=body.why, scope=scope, actor=actor))
