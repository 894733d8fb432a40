"""Routes for SOP audits: checklist templates, audits with their score, corrective actions."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from pas_security.adapters.sop_audits import AuditFilter
from pas_security.api.schemas import Body
from pas_security.app import sop_audits as use
from pas_security.domain.sop_audit import ActionStatus, Answer, Audit, CorrectiveAction, Finding
from pas_shared.api import ActorDep, ClockDep, DatabaseDep, PageDep, PageOut, ScopeDep
from pas_shared.events.remission import UPT_CODE
from pas_shared.events.security import INCIDENT_CODE

router = APIRouter(prefix="/api/v1", tags=["sop audits"])

Code = Annotated[str, Field(pattern=INCIDENT_CODE)]
UptQuery = Annotated[str | None, Query(pattern=UPT_CODE)]
AreaQuery = Annotated[str | None, Query(pattern=INCIDENT_CODE)]

SCORE_DEFINITION = (
    "score_pct = 100 × Σ weight(compliant items) / Σ weight(applicable items); mandatory items weigh 2, optional 1 "
    "(rule data), not-applicable items (optional only) are left out; rounded half up to one decimal."
)


class AnswerIn(Body):
    item: Code
    finding: Finding
    evidence: str | None = Field(default=None, min_length=3, max_length=2000, description="Required for a non-compliance.")
    owner: str | None = Field(default=None, min_length=2, max_length=200, description="Who must put a non-compliance right.")
    due_on: date | None = Field(default=None, description="When the corrective action is due (default: rule data, 30 days).")


class AuditIn(Body):
    upt_code: str = Field(pattern=UPT_CODE, examples=["LP-CIPINANG"])
    area: Code = Field(examples=["perimeter-gate"])
    audited_on: date
    auditor: str = Field(min_length=2, max_length=200)
    items: list[AnswerIn] = Field(min_length=1, max_length=200)


class ItemOut(BaseModel):
    item: str
    mandatory: bool
    finding: Finding
    evidence: str | None


class ActionOut(BaseModel):
    action_id: str
    audit_id: str
    upt_code: str
    kanwil_code: str
    area: str
    item: str
    owner: str
    due_on: date
    opened_on: date
    status: ActionStatus
    closed_on: date | None
    closed_by_audit_id: str | None
    overdue: bool | None = Field(default=None, description="Open and past its due date in the UPT's local today (lists only).")


class AuditSummaryOut(BaseModel):
    audit_id: str
    upt_code: str
    kanwil_code: str
    area: str
    template_version: str
    audited_on: date
    auditor: str
    score_pct: float = Field(description=SCORE_DEFINITION)
    mandatory_compliant: int
    mandatory_total: int


class AuditOut(AuditSummaryOut):
    items: list[ItemOut]
    corrective_actions_opened: list[ActionOut]
    corrective_actions_closed: list[ActionOut]


class TemplateItemOut(BaseModel):
    code: str
    mandatory: bool
    text_id: str
    text_en: str


class TemplateOut(BaseModel):
    area: str
    version: str
    name_id: str
    name_en: str
    source: str
    status: str
    items: list[TemplateItemOut]


class TemplatesOut(BaseModel):
    on: date
    score_definition: str
    weights: dict[str, int]
    templates: list[TemplateOut]


def _summary(a: Audit) -> dict[str, object]:
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
    }


def _action(a: CorrectiveAction, overdue: bool | None = None) -> ActionOut:
    return ActionOut(
        action_id=a.action_id,
        audit_id=a.audit_id,
        upt_code=a.upt_code,
        kanwil_code=a.kanwil_code,
        area=a.area,
        item=a.item,
        owner=a.owner,
        due_on=a.due_on,
        opened_on=a.opened_on,
        status=a.status,
        closed_on=a.closed_on,
        closed_by_audit_id=a.closed_by_audit_id,
        overdue=overdue,
    )


def _out(audit: Audit, actions: list[CorrectiveAction]) -> AuditOut:
    return AuditOut.model_validate(
        _summary(audit)
        | {
            "items": [ItemOut(item=i.item, mandatory=i.mandatory, finding=i.finding, evidence=i.evidence) for i in audit.items],
            "corrective_actions_opened": [_action(a) for a in actions if a.audit_id == audit.audit_id],
            "corrective_actions_closed": [_action(a) for a in actions if a.closed_by_audit_id == audit.audit_id],
        }
    )


@router.get("/sop-audits/templates", operation_id="getSopChecklistTemplates")
async def templates(clock: ClockDep, on: date | None = None) -> TemplatesOut:
    """The checklist of every SOP area in force on `on` (default today), with the score's weights."""
    day, found, weights = use.templates_on(on, clock=clock)
    return TemplatesOut(
        on=day,
        score_definition=SCORE_DEFINITION,
        weights=weights,
        templates=[
            TemplateOut(
                area=t.area,
                version=t.version,
                name_id=t.name_id,
                name_en=t.name_en,
                source=t.rule.cite(),
                status=t.rule.status,
                items=[
                    TemplateItemOut(code=i.code, mandatory=i.mandatory, text_id=i.text_id, text_en=i.text_en) for i in t.items
                ],
            )
            for t in found
        ],
    )


@router.post("/sop-audits", status_code=status.HTTP_201_CREATED, operation_id="conductSopAudit")
async def conduct(body: AuditIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep) -> AuditOut:
    """Scores every item of the area's checklist; non-compliances open corrective actions, items
    compliant again close the open ones. Publishes sop-audit.completed."""
    cmd = use.ConductAudit(
        upt_code=body.upt_code,
        area=body.area,
        audited_on=body.audited_on,
        auditor=body.auditor,
        answers=[Answer(i.item, i.finding, i.evidence, i.owner, i.due_on) for i in body.items],
    )
    audit, actions = await use.conduct_audit(db, cmd, scope=scope, actor=actor, clock=clock)
    return _out(audit, actions)


@router.get("/sop-audits", operation_id="listSopAudits")
async def list_audits(
    db: DatabaseDep,
    scope: ScopeDep,
    page: PageDep,
    upt_code: UptQuery = None,
    kanwil_code: UptQuery = None,
    area: AreaQuery = None,
    audited_from: Annotated[date | None, Query(alias="from")] = None,
    audited_to: Annotated[date | None, Query(alias="to")] = None,
) -> PageOut[AuditSummaryOut]:
    """Latest first, with each audit's score."""
    f = AuditFilter(upt_code=upt_code, kanwil_code=kanwil_code, area=area, audited_from=audited_from, audited_to=audited_to)
    found, total = await use.list_audits(db, f, scope=scope, page=page)
    return PageOut(
        items=[AuditSummaryOut.model_validate(_summary(a)) for a in found], total=total, limit=page.limit, offset=page.offset
    )


@router.get("/sop-audits/{audit_id}", operation_id="getSopAudit")
async def get_audit(audit_id: str, db: DatabaseDep, scope: ScopeDep) -> AuditOut:
    audit, actions = await use.get_audit(db, audit_id, scope=scope)
    return _out(audit, actions)


@router.get("/corrective-actions", operation_id="listCorrectiveActions")
async def list_actions(
    db: DatabaseDep,
    scope: ScopeDep,
    page: PageDep,
    clock: ClockDep,
    upt_code: UptQuery = None,
    kanwil_code: UptQuery = None,
    area: AreaQuery = None,
    action_status: Annotated[ActionStatus | None, Query(alias="status")] = None,
    overdue: Annotated[bool, Query(description="Only open actions past their due date (UPT local).")] = False,
) -> PageOut[ActionOut]:
    """Oldest due first."""
    found, total = await use.list_actions(
        db,
        upt_code=upt_code,
        kanwil_code=kanwil_code,
        area=area,
        status=action_status,
        overdue_only=overdue,
        scope=scope,
        page=page,
        clock=clock,
    )
    return PageOut(items=[_action(a, late) for a, late in found], total=total, limit=page.limit, offset=page.offset)
