"""SOP audits and corrective actions in and out of the service's tables."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pas_security.adapters.incidents import scoped
from pas_security.adapters.tables import corrective_actions, facilities, sop_audit_items, sop_audits
from pas_security.domain.sop_audit import ActionStatus, Audit, CorrectiveAction, Finding, ItemScore
from pas_shared.api import Page, Scope
from pas_shared.errors import Conflict


@dataclass(frozen=True)
class AuditFilter:
    upt_code: str | None = None
    kanwil_code: str | None = None
    area: str | None = None
    audited_from: date | None = None
    audited_to: date | None = None


def _audits(query: Select[Any], f: AuditFilter, scope: Scope) -> Select[Any]:
    c = sop_audits.c
    query = scoped(query, sop_audits, scope)
    if f.upt_code is not None:
        query = query.where(c.upt_code == f.upt_code)
    if f.kanwil_code is not None:
        query = query.where(c.kanwil_code == f.kanwil_code)
    if f.area is not None:
        query = query.where(c.area == f.area)
    if f.audited_from is not None:
        query = query.where(c.audited_on >= f.audited_from)
    if f.audited_to is not None:
        query = query.where(c.audited_on <= f.audited_to)
    return query


class SopAuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open_actions(self, upt_code: str, area: str) -> list[CorrectiveAction]:
        c = corrective_actions.c
        query = (
            select(corrective_actions)
            .where(c.upt_code == upt_code, c.area == area, c.status == ActionStatus.OPEN.value)
            .with_for_update()
        )
        return [_action(r) for r in (await self.session.execute(query)).mappings()]

    async def add(self, audit: Audit) -> None:
        await self.session.execute(insert(sop_audits).values(**audit_row(audit)))
        await self.session.execute(
            insert(sop_audit_items),
            [
                {
                    "audit_id": audit.audit_id,
                    "item": i.item,
                    "seq": n,
                    "mandatory": i.mandatory,
                    "finding": i.finding.value,
                    "evidence": i.evidence,
                }
                for n, i in enumerate(audit.items, start=1)
            ],
        )
        for closed in audit.closed:
            await self.session.execute(
                update(corrective_actions)
                .where(corrective_actions.c.action_id == closed.action_id)
                .values(status=closed.status.value, closed_on=closed.closed_on, closed_by_audit_id=closed.closed_by_audit_id)
            )
        if audit.opened:
            try:
                await self.session.execute(insert(corrective_actions), [action_row(a) for a in audit.opened])
            except IntegrityError:
                # ux_corrective_actions_open_item: a concurrent audit of the same area opened it first.
                raise Conflict(
                    id=f"Audit SOP {audit.area} di {audit.upt_code} baru saja dicatat oleh permintaan lain; muat ulang.",
                    en=f"An SOP audit of {audit.area} in {audit.upt_code} was just recorded by another request; reload.",
                ) from None

    async def get(self, audit_id: str, scope: Scope) -> tuple[Audit, list[CorrectiveAction]] | None:
        query = scoped(select(sop_audits).where(sop_audits.c.audit_id == audit_id), sop_audits, scope)
        row = (await self.session.execute(query)).mappings().first()
        if row is None:
            return None
        audit = _audit(row)
        items = select(sop_audit_items).where(sop_audit_items.c.audit_id == audit_id).order_by(sop_audit_items.c.seq)
        audit.items = [
            ItemScore(r["item"], r["mandatory"], Finding(r["finding"]), r["evidence"])
            for r in (await self.session.execute(items)).mappings()
        ]
        c = corrective_actions.c
        actions = select(corrective_actions).where((c.audit_id == audit_id) | (c.closed_by_audit_id == audit_id)).order_by(c.item)
        return audit, [_action(r) for r in (await self.session.execute(actions)).mappings()]

    async def find(self, f: AuditFilter, scope: Scope, page: Page) -> tuple[list[Audit], int]:
        total = int((await self.session.execute(_audits(select(func.count()).select_from(sop_audits), f, scope))).scalar_one())
        query = (
            _audits(select(sop_audits), f, scope)
            .order_by(sop_audits.c.audited_on.desc(), sop_audits.c.audit_id)
            .limit(page.limit)
            .offset(page.offset)
        )
        return [_audit(r) for r in (await self.session.execute(query)).mappings()], total

    async def actions(
        self,
        scope: Scope,
        *,
        upt_code: str | None,
        kanwil_code: str | None,
        area: str | None,
        status: ActionStatus | None,
        due_before: date | None,
    ) -> list[tuple[CorrectiveAction, str]]:
        """Corrective actions with their UPT's time zone, oldest due first."""
        c = corrective_actions.c
        query = scoped(
            select(corrective_actions, facilities.c.time_zone).join(facilities, facilities.c.upt_code == c.upt_code),
            corrective_actions,
            scope,
        )
        if upt_code is not None:
            query = query.where(c.upt_code == upt_code)
        if kanwil_code is not None:
            query = query.where(c.kanwil_code == kanwil_code)
        if area is not None:
            query = query.where(c.area == area)
        if status is not None:
            query = query.where(c.status == status.value)
        if due_before is not None:
            query = query.where(c.due_on < due_before)
        rows = (await self.session.execute(query.order_by(c.due_on, c.upt_code, c.area, c.item))).mappings()
        return [(_action(r), r["time_zone"]) for r in rows]


def _audit(r: Any) -> Audit:
    return Audit(
        audit_id=r["audit_id"],
        upt_code=r["upt_code"],
        kanwil_code=r["kanwil_code"],
        area=r["area"],
        template_version=r["template_version"],
        audited_on=r["audited_on"],
        auditor=r["auditor"],
        score_pct=r["score_pct"],
        mandatory_compliant=r["mandatory_compliant"],
        mandatory_total=r["mandatory_total"],
        created_by=r["created_by"],
        created_at=r["created_at"],
    )


def audit_row(a: Audit) -> dict[str, Any]:
    return {
        "audit_id": a.audit_id,
        "upt_code": a.upt_code,
        "kanwil_code": a.kanwil_code,
        "area": a.area,
        "template_version": a.template_version,
        "audited_on": a.audited_on,
        "auditor": a.auditor,
        "score_pct": a.score_pct,
        "mandatory_compliant": a.mandatory_compliant,
        "mandatory_total": a.mandatory_total,
        "created_by": a.created_by,
        "created_at": a.created_at,
    }


def _action(r: Any) -> CorrectiveAction:
    return CorrectiveAction(
        action_id=r["action_id"],
        audit_id=r["audit_id"],
        upt_code=r["upt_code"],
        kanwil_code=r["kanwil_code"],
        area=r["area"],
        item=r["item"],
        owner=r["owner"],
        due_on=r["due_on"],
        opened_on=r["opened_on"],
        status=ActionStatus(r["status"]),
        closed_on=r["closed_on"],
        closed_by_audit_id=r["closed_by_audit_id"],
    )


def action_row(a: CorrectiveAction) -> dict[str, Any]:
    return {
        "action_id": a.action_id,
        "audit_id": a.audit_id,
        "upt_code": a.upt_code,
        "kanwil_code": a.kanwil_code,
        "area": a.area,
        "item": a.item,
        "owner": a.owner,
        "due_on": a.due_on,
        "opened_on": a.opened_on,
        "status": a.status.value,
        "closed_on": a.closed_on,
        "closed_by_audit_id": a.closed_by_audit_id,
    }
