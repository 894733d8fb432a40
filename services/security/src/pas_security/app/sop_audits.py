"""SOP audit use cases: conduct an audit (score, open and close corrective actions, publish
sop-audit.completed, audit log) in one unit of work; read audits and corrective actions within
the caller's scope."""

from dataclasses import dataclass
from datetime import date

from pas_security.adapters.sop_audits import AuditFilter, SopAuditRepository, action_row, audit_row
from pas_security.adapters.tables import facilities
from pas_security.domain.sop_audit import (
    ActionStatus,
    Answer,
    Audit,
    CorrectiveAction,
    Template,
    audit_not_found,
    scoring,
    template,
)
from pas_shared.api import Page, Scope
from pas_shared.clock import Clock, latest_local_today, local_date
from pas_shared.db import Database, UnitOfWork
from pas_shared.directory import require_upt
from pas_shared.ids import new_id


@dataclass(frozen=True, kw_only=True)
class ConductAudit:
    upt_code: str
    area: str
    audited_on: date
    auditor: str
    answers: list[Answer]


async def conduct_audit(
    db: Database, cmd: ConductAudit, *, scope: Scope, actor: str, clock: Clock
) -> tuple[Audit, list[CorrectiveAction]]:
    async with UnitOfWork(db, actor=actor) as uow:
        facility = await require_upt(uow.session, facilities, cmd.upt_code, scope=scope)
        repo = SopAuditRepository(uow.session)
        now = clock()
        audit = Audit.conduct(
            audit_id=new_id(),
            upt_code=facility.upt_code,
            kanwil_code=facility.kanwil_code,
            area=cmd.area,
            audited_on=cmd.audited_on,
            auditor=cmd.auditor,
            answers=cmd.answers,
            open_actions=await repo.open_actions(facility.upt_code, cmd.area),
            today=facility.date_at(now),
            by=actor,
            now=now,
            new_id=new_id,
        )
        await repo.add(audit)
        uow.emit_recorded(audit.events, subject=audit.audit_id, uptcode=audit.upt_code, kanwilcode=audit.kanwil_code)
        uow.audit(
            "sop-audit.completed",
            "sop-audit",
            audit.audit_id,
            after=audit_row(audit)
            | {"opened": [action_row(a) for a in audit.opened], "closed": [a.action_id for a in audit.closed]},
        )
    return audit, audit.opened + audit.closed


async def get_audit(db: Database, audit_id: str, *, scope: Scope) -> tuple[Audit, list[CorrectiveAction]]:
    async with db.sessions() as session:
        found = await SopAuditRepository(session).get(audit_id, scope)
    if found is None:
        raise audit_not_found(audit_id)
    return found


async def list_audits(db: Database, f: AuditFilter, *, scope: Scope, page: Page) -> tuple[list[Audit], int]:
    async with db.sessions() as session:
        return await SopAuditRepository(session).find(f, scope, page)


async def list_actions(
    db: Database,
    *,
    upt_code: str | None,
    kanwil_code: str | None,
    area: str | None,
    status: ActionStatus | None,
    overdue_only: bool,
    scope: Scope,
    page: Page,
    clock: Clock,
) -> tuple[list[tuple[CorrectiveAction, bool]], int]:
    """Each action with whether it is overdue (open, due date passed in the UPT's local today)."""
    now = clock()
    async with db.sessions() as session:
        rows = await SopAuditRepository(session).actions(
            scope,
            upt_code=upt_code,
            kanwil_code=kanwil_code,
            area=area,
            status=ActionStatus.OPEN if overdue_only else status,
            # No UPT's local today is later than the latest zone's: a cheap bound, refined per UPT below.
            due_before=latest_local_today(clock) if overdue_only else None,
        )
    judged = [(a, a.overdue_on(local_date(now, zone))) for a, zone in rows]
    if overdue_only:
        judged = [(a, late) for a, late in judged if late]
    return judged[page.offset : page.offset + page.limit], len(judged)


def templates_on(on: date | None, *, clock: Clock) -> tuple[date, list[Template], dict[str, int]]:
    day = on or latest_local_today(clock)
    s = scoring(day)
    return day, [template(area, day) for area in s.areas], s.weights
