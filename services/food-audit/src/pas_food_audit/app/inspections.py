"""Inspections and findings: schedule an inspection of a kitchen, complete it with the scores
(rating, findings opened, findings of earlier inspections closed, events and audit in one unit
of work), cancel it, and escalate findings past their due date."""

from datetime import date, timedelta

from pas_food_audit.adapters.repository import (
    Filter,
    FindingRepository,
    InspectionRepository,
    KitchenRepository,
    finding_row,
    inspection_row,
)
from pas_food_audit.adapters.tables import facilities
from pas_food_audit.domain.inspections import Finding, Inspection, InspectionKind, Score, inspection_not_found
from pas_food_audit.domain.kitchens import kitchen_not_found
from pas_shared.api import Page, Scope
from pas_shared.clock import Clock
from pas_shared.db import Database, UnitOfWork
from pas_shared.directory import require_upt
from pas_shared.ids import new_id


async def schedule_inspection(
    db: Database, *, kitchen_id: str, kind: InspectionKind, planned_on: date, scope: Scope, actor: str
) -> Inspection:
    async with UnitOfWork(db, actor=actor) as uow:
        kitchen = await KitchenRepository(uow.session).get(kitchen_id, scope)
        if kitchen is None:
            raise kitchen_not_found(kitchen_id)
        inspection = Inspection.schedule(inspection_id=new_id(), kitchen=kitchen, kind=kind, planned_on=planned_on, by=actor)
        await InspectionRepository(uow.session).add(inspection)
        uow.audit("inspection.scheduled", "inspection", inspection.inspection_id, after=inspection_row(inspection))
    return inspection


async def complete_inspection(
    db: Database,
    inspection_id: str,
    *,
    inspected_on: date,
    inspector: str,
    owner: str,
    scores: list[Score],
    scope: Scope,
    actor: str,
    clock: Clock,
) -> tuple[Inspection, list[Finding], list[Finding]]:
    async with UnitOfWork(db, actor=actor) as uow:
        repo = InspectionRepository(uow.session)
        inspection = await repo.get(inspection_id, scope, for_update=True)
        if inspection is None:
            raise inspection_not_found(inspection_id)
        upt = await require_upt(uow.session, facilities, inspection.kitchen.upt_code)
        findings = FindingRepository(uow.session)
        unresolved = await findings.unresolved(inspection.kitchen.kitchen_id)
        opened, closed = inspection.complete(
            inspected_on=inspected_on,
            inspector=inspector,
            owner=owner,
            scores=scores,
            open_findings=unresolved,
            new_ids=[new_id() for _ in range(len(scores))],
            today=upt.today(clock),
            by=actor,
        )
        await repo.save(inspection)
        await findings.add(opened)
        await findings.save(closed)
        k = inspection.kitchen
        uow.emit_recorded(inspection.events, subject=inspection_id, uptcode=k.upt_code, kanwilcode=k.kanwil_code)
        for f in opened + closed:
            uow.emit_recorded(f.events, subject=f.finding_id, uptcode=k.upt_code, kanwilcode=k.kanwil_code)
        uow.audit("inspection.completed", "inspection", inspection_id, after=inspection_row(inspection))
        for f in opened:
            uow.audit("finding.opened", "finding", f.finding_id, after=finding_row(f))
        for f in closed:
            uow.audit("finding.closed", "finding", f.finding_id, after=finding_row(f))
    return inspection, opened, closed


async def cancel_inspection(db: Database, inspection_id: str, *, why: str, scope: Scope, actor: str) -> Inspection:
    async with UnitOfWork(db, actor=actor) as uow:
        repo = InspectionRepository(uow.session)
        inspection = await repo.get(inspection_id, scope, for_update=True)
        if inspection is None:
            raise inspection_not_found(inspection_id)
        before = inspection_row(inspection)
        inspection.cancel(by=actor, why=why)
        await repo.save(inspection)
        uow.audit("inspection.cancelled", "inspection", inspection_id, before=before, after=inspection_row(inspection))
    return inspection


async def get_inspection(db: Database, inspection_id: str, scope: Scope) -> tuple[Inspection, list[Finding]]:
    async with db.sessions() as session:
        found = await InspectionRepository(session).get(inspection_id, scope)
        if found is None:
            raise inspection_not_found(inspection_id)
        findings, _ = await FindingRepository(session).search(Filter(), scope, Page(500, 0), inspection_id=inspection_id)
    return found, findings


async def list_inspections(db: Database, f: Filter, scope: Scope, page: Page) -> tuple[list[Inspection], int]:
    async with db.sessions() as session:
        return await InspectionRepository(session).search(f, scope, page)


async def list_findings(
    db: Database, f: Filter, scope: Scope, page: Page, *, inspection_id: str | None
) -> tuple[list[Finding], int]:
    async with db.sessions() as session:
        return await FindingRepository(session).search(f, scope, page, inspection_id=inspection_id)


async def escalate_overdue_findings(db: Database, scope: Scope, *, actor: str, clock: Clock) -> list[Finding]:
    """Escalate every open finding whose due date has passed in its UPT (once: an escalated
    finding is not escalated again) and publish `finding.escalated`."""
    async with UnitOfWork(db, actor=actor) as uow:
        repo = FindingRepository(uow.session)
        # The latest local date in any zone bounds the candidates; each is then judged on its UPT's date.
        bound = clock().date() + timedelta(days=1)
        escalated = []
        for f in await repo.open_due_before(bound, scope):
            upt = await require_upt(uow.session, facilities, f.kitchen.upt_code)
            if f.escalate_if_overdue(upt.today(clock)):
                escalated.append(f)
                uow.emit_recorded(f.events, subject=f.finding_id, uptcode=f.kitchen.upt_code, kanwilcode=f.kitchen.kanwil_code)
                uow.audit("finding.escalated", "finding", f.finding_id, after=finding_row(f))
        await repo.save(escalated)
    return escalated
