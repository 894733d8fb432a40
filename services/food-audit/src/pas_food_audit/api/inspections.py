"""Routes for inspections (schedule, complete with scores, cancel, read, list, the template in
force) and findings (list, escalate the overdue)."""

from dataclasses import replace
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from pas_food_audit.api.schemas import Body, FilterDep
from pas_food_audit.app import inspections
from pas_food_audit.domain.inspections import (
    Finding,
    FindingStatus,
    Inspection,
    InspectionKind,
    InspectionStatus,
    Score,
    Severity,
    pct,
    template_in_force,
)
from pas_shared.api import ActorDep, ClockDep, DatabaseDep, PageDep, PageOut, ScopeDep

router = APIRouter(prefix="/api/v1", tags=["inspections and findings"])


class InspectionIn(Body):
    kitchen_id: str = Field(min_length=1, max_length=36)
    kind: InspectionKind
    planned_on: date = Field(description="The template in force on this day is used.")


class ScoreIn(Body):
    item: str = Field(min_length=3, max_length=100, examples=["handling.raw-cooked-separated"])
    score: int = Field(strict=True, description="Compliance points, 0 to the item's max in the template.")
    note: str = Field(default="", max_length=1000, description="Evidence: what was seen.")
    owner: str | None = Field(
        default=None, min_length=1, max_length=200, description="Who corrects it; default: the inspection's owner."
    )


class CompletionIn(Body):
    inspected_on: date
    inspector: str = Field(min_length=1, max_length=200)
    owner: str = Field(
        min_length=1, max_length=200, description="Who is responsible for corrective actions, e.g. the Kasi Perawatan."
    )
    scores: list[ScoreIn] = Field(min_length=1, max_length=500)


class CancelIn(Body):
    why: str = Field(min_length=3, max_length=500)


class SectionOut(BaseModel):
    section: str
    sub_score: str
    points: int
    max_points: int
    pct: float


class ResultOut(BaseModel):
    hygiene_pct: float
    structure_pct: float
    management_pct: float
    overall_pct: float
    rating: int = Field(description="0-5; see the README for the scheme.")
    passed: bool
    failed_rules: list[str]
    sections: list[SectionOut]


class ScoreOut(BaseModel):
    item: str
    score: int
    max: int
    note: str
    owner: str | None


class TransitionOut(BaseModel):
    from_status: InspectionStatus | None
    to_status: InspectionStatus
    by: str
    why: str


class FindingOut(BaseModel):
    finding_id: str
    inspection_id: str
    kitchen_id: str
    upt_code: str
    kanwil_code: str
    item: str
    severity: Severity
    owner: str
    note: str
    opened_on: date
    due_on: date
    status: FindingStatus
    escalated_on: date | None
    closed_on: date | None
    closed_by_inspection_id: str | None


class InspectionOut(BaseModel):
    inspection_id: str
    kitchen_id: str
    upt_code: str
    kanwil_code: str
    kind: InspectionKind
    planned_on: date
    template_version: str
    status: InspectionStatus
    inspected_on: date | None
    inspector: str | None
    result: ResultOut | None


class InspectionDetailOut(InspectionOut):
    scores: list[ScoreOut]
    transitions: list[TransitionOut]
    findings: list[FindingOut] = Field(description="Findings this inspection opened.")


class CompletedOut(InspectionOut):
    findings_opened: list[FindingOut]
    findings_closed: list[FindingOut]


class TemplateItemOut(BaseModel):
    code: str
    max: int
    critical: bool
    name_id: str
    name_en: str


class TemplateSectionOut(BaseModel):
    code: str
    sub_score: str
    name_id: str
    name_en: str
    items: list[TemplateItemOut]


class TemplateOut(BaseModel):
    id: str
    version: str
    regulation: str
    status: str
    sections: list[TemplateSectionOut]


def inspection_out(i: Inspection) -> InspectionOut:
    r = i.result
    result = None
    if r is not None:
        result = ResultOut(
            hygiene_pct=pct(r.sub_scores["hygiene"]),
            structure_pct=pct(r.sub_scores["structure"]),
            management_pct=pct(r.sub_scores["management"]),
            overall_pct=pct(r.overall),
            rating=r.rating,
            passed=r.passed,
            failed_rules=list(r.failed_rules),
            sections=[
                SectionOut(
                    section=s.section,
                    sub_score=s.sub_score,
                    points=s.points,
                    max_points=s.max_points,
                    pct=round(100 * s.points / s.max_points, 1),
                )
                for s in r.sections
            ],
        )
    k = i.kitchen
    return InspectionOut(
        inspection_id=i.inspection_id,
        kitchen_id=k.kitchen_id,
        upt_code=k.upt_code,
        kanwil_code=k.kanwil_code,
        kind=i.kind,
        planned_on=i.planned_on,
        template_version=i.template_version,
        status=i.status,
        inspected_on=i.inspected_on,
        inspector=i.inspector,
        result=result,
    )


def finding_out(f: Finding) -> FindingOut:
    return FindingOut(
        finding_id=f.finding_id,
        inspection_id=f.inspection_id,
        kitchen_id=f.kitchen.kitchen_id,
        upt_code=f.kitchen.upt_code,
        kanwil_code=f.kitchen.kanwil_code,
        item=f.item,
        severity=f.severity,
        owner=f.owner,
        note=f.note,
        opened_on=f.opened_on,
        due_on=f.due_on,
        status=f.status,
        escalated_on=f.escalated_on,
        closed_on=f.closed_on,
        closed_by_inspection_id=f.closed_by_inspection_id,
    )


@router.get("/inspection-templates/current", operation_id="getInspectionTemplate")
async def template(clock: ClockDep, on: date | None = None) -> TemplateOut:
    """The template in force on `on` (default: today), with how sure its data is."""
    t = template_in_force(on or clock().date())
    return TemplateOut(
        id=t.id,
        version=t.version,
        regulation=t.regulation,
        status=t.status,
        sections=[
            TemplateSectionOut(
                code=s.code,
                sub_score=s.sub_score,
                name_id=s.name_id,
                name_en=s.name_en,
                items=[
                    TemplateItemOut(code=i.code, max=i.max, critical=i.critical, name_id=i.name_id, name_en=i.name_en)
                    for i in s.items
                ],
            )
            for s in t.sections
        ],
    )


@router.post("/inspections", status_code=status.HTTP_201_CREATED, operation_id="scheduleInspection")
async def schedule(body: InspectionIn, db: DatabaseDep, actor: ActorDep, scope: ScopeDep) -> InspectionOut:
    i = await inspections.schedule_inspection(
        db, kitchen_id=body.kitchen_id, kind=body.kind, planned_on=body.planned_on, scope=scope, actor=actor
    )
    return inspection_out(i)


@router.post("/inspections/{inspection_id}/complete", operation_id="completeInspection")
async def complete(
    inspection_id: str, body: CompletionIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep
) -> CompletedOut:
    i, opened, closed = await inspections.complete_inspection(
        db,
        inspection_id,
        inspected_on=body.inspected_on,
        inspector=body.inspector,
        owner=body.owner,
        scores=[Score(s.item, s.score, s.note, s.owner) for s in body.scores],
        scope=scope,
        actor=actor,
        clock=clock,
    )
    return CompletedOut(
        **inspection_out(i).model_dump(),
        findings_opened=[finding_out(f) for f in opened],
        findings_closed=[finding_out(f) for f in closed],
    )


@router.post("/inspections/{inspection_id}/cancel", operation_id="cancelInspection")
async def cancel(inspection_id: str, body: CancelIn, db: DatabaseDep, actor: ActorDep, scope: ScopeDep) -> InspectionOut:
    return inspection_out(await inspections.cancel_inspection(db, inspection_id, why=body.why, scope=scope, actor=actor))


@router.get("/inspections/{inspection_id}", operation_id="getInspection")
async def get(inspection_id: str, db: DatabaseDep, scope: ScopeDep) -> InspectionDetailOut:
    i, found = await inspections.get_inspection(db, inspection_id, scope)
    items = i.template().items
    return InspectionDetailOut(
        **inspection_out(i).model_dump(),
        scores=[
            ScoreOut(item=s.item, score=s.score, max=items[s.item].max, note=s.note, owner=s.owner) for s in i.scores.values()
        ],
        transitions=[TransitionOut(from_status=t.from_status, to_status=t.to_status, by=t.by, why=t.why) for t in i.transitions],
        findings=[finding_out(f) for f in found],
    )


@router.get("/inspections", operation_id="listInspections")
async def list_(
    db: DatabaseDep,
    scope: ScopeDep,
    page: PageDep,
    f: FilterDep,
    status_: Annotated[InspectionStatus | None, Query(alias="status")] = None,
    kitchen_id: Annotated[str | None, Query(max_length=36)] = None,
) -> PageOut[InspectionOut]:
    """`from`/`to` filter the planned date."""
    found, total = await inspections.list_inspections(
        db, replace(f, status=status_.value if status_ else None, kitchen_id=kitchen_id), scope, page
    )
    return PageOut(items=[inspection_out(i) for i in found], total=total, limit=page.limit, offset=page.offset)


@router.get("/findings", operation_id="listFindings")
async def findings(
    db: DatabaseDep,
    scope: ScopeDep,
    page: PageDep,
    f: FilterDep,
    status_: Annotated[FindingStatus | None, Query(alias="status")] = None,
    kitchen_id: Annotated[str | None, Query(max_length=36)] = None,
    inspection_id: Annotated[str | None, Query(max_length=36)] = None,
) -> PageOut[FindingOut]:
    """`from`/`to` filter the due date; soonest due first."""
    found, total = await inspections.list_findings(
        db, replace(f, status=status_.value if status_ else None, kitchen_id=kitchen_id), scope, page, inspection_id=inspection_id
    )
    return PageOut(items=[finding_out(x) for x in found], total=total, limit=page.limit, offset=page.offset)


@router.post("/findings/escalations", operation_id="escalateOverdueFindings")
async def escalate(db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep) -> list[FindingOut]:
    """Run by a scheduler (daily): escalate each open finding past its due date (the UPT's local
    date), once; returns the findings escalated now."""
    return [finding_out(f) for f in await inspections.escalate_overdue_findings(db, scope, actor=actor, clock=clock)]
