"""Routes of the inmate discipline procedure: the violation report, the examination, the sidang
TPP recommendation and the Kalapas' decision (whose outcome is the sanction of routes.py), the
withdrawal of a case not yet decided, the cases within the caller's scope, and the reference
data in force."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from pas_security.adapters.discipline import CaseFilter
from pas_security.api.routes import sanction_out
from pas_security.api.schemas import Body, SanctionOut
from pas_security.app import discipline as use
from pas_security.domain.discipline_case import (
    CaseStatus,
    Decision,
    DisciplineCase,
    Examination,
    Recommendation,
    Terms,
    Withdrawal,
)
from pas_shared.api import ActorDep, ClockDep, DatabaseDep, PageDep, PageOut, ScopeDep
from pas_shared.errors import RuleViolation
from pas_shared.events.remission import UPT_CODE
from pas_shared.events.security import INCIDENT_CODE, DisciplineLevel

router = APIRouter(prefix="/api/v1/discipline", tags=["discipline"])

Code = Annotated[str, Field(pattern=INCIDENT_CODE)]
UptQuery = Annotated[str | None, Query(pattern=UPT_CODE)]
Name = Annotated[str, Field(min_length=2, max_length=200)]
Text = Annotated[str, Field(min_length=2, max_length=4000)]


class ViolationIn(Body):
    inmate_id: str = Field(min_length=1, max_length=36)
    upt_code: str = Field(pattern=UPT_CODE, examples=["LP-CIPINANG"])
    violation: Code = Field(examples=["communication-device"], description="A violation of the reference data.")
    occurred_on: date = Field(description="The UPT-local date of the violation.")
    description: str = Field(min_length=2, max_length=2000)
    reported_by: Name = Field(description="The officer who reports the violation.")
    seizure_ids: list[str] = Field(default_factory=list, max_length=100, description="Seized items this case arose from.")


class ExaminationIn(Body):
    examined_on: date
    examiner: Name = Field(description="Who examined (the KPLP's Tim Pemeriksa).")
    findings: Text
    bap_no: str | None = Field(default=None, min_length=2, max_length=100, description="Berita Acara Pemeriksaan.")


class TermsIn(Body):
    level: DisciplineLevel
    measures: list[Code] = Field(max_length=5, examples=[["isolation", "rights-postponed"]])
    # The per-level limit is a domain rule from the rule data, refused there by name.
    isolation_days: int = Field(ge=0)


class RecommendationIn(Body):
    held_on: date = Field(description="The day of the sidang TPP.")
    chair: Name = Field(description="Who chaired the sidang TPP.")
    sanction_recommended: bool
    terms: TermsIn | None = Field(default=None, description="Required when a sanction is recommended, absent otherwise.")
    reasons: Text


class Outcome(StrEnum):
    SANCTIONED = "sanctioned"
    DISMISSED = "dismissed"


class DecisionIn(Body):
    decided_on: date
    decided_by: Name = Field(description="The Kalapas (or Karutan) who decided.")
    decree_no: str = Field(min_length=2, max_length=100)
    outcome: Outcome
    terms: TermsIn | None = Field(default=None, description="Required when sanctioned, absent when dismissed.")
    why: Text


class WithdrawalIn(Body):
    withdrawn_on: date = Field(description="The UPT-local date the case was withdrawn.")
    withdrawn_by: Name = Field(description="Who withdrew it (e.g. the KPLP or the Kalapas).")
    reason: Text


class WithdrawalOut(BaseModel):
    withdrawn_on: date
    withdrawn_by: str
    reason: str


class TermsOut(BaseModel):
    level: DisciplineLevel
    measures: list[str]
    isolation_days: int


class ExaminationOut(BaseModel):
    examined_on: date
    examiner: str
    findings: str
    bap_no: str | None


class RecommendationOut(BaseModel):
    held_on: date
    chair: str
    sanction_recommended: bool
    terms: TermsOut | None
    reasons: str


class DecisionOut(BaseModel):
    decided_on: date
    decided_by: str
    decree_no: str
    outcome: Outcome
    terms: TermsOut | None
    why: str


class CaseStepOut(BaseModel):
    seq: int
    from_status: CaseStatus | None
    to_status: CaseStatus
    on: date
    by: str
    at: datetime
    why: str


class CaseOut(BaseModel):
    case_id: str
    inmate_id: str
    upt_code: str
    violation: str
    level: DisciplineLevel = Field(description="The level of the violation reported; the decision may differ.")
    occurred_on: date
    description: str
    reported_by: str
    status: CaseStatus
    seizure_ids: list[str]
    examination: ExaminationOut | None
    recommendation: RecommendationOut | None
    decision: DecisionOut | None
    withdrawal: WithdrawalOut | None
    sanction: SanctionOut | None = Field(description="The decision's outcome (Register F for berat); may be annulled later.")
    steps: list[CaseStepOut]


class ViolationOut(BaseModel):
    code: str
    level: DisciplineLevel
    name_id: str
    name_en: str
    status: str | None


class MeasureOut(BaseModel):
    code: str
    name_id: str
    name_en: str


class LevelOut(BaseModel):
    level: DisciplineLevel
    measures: list[str]
    tpp_required: bool


class DisciplineReferenceOut(BaseModel):
    on: date
    violations: list[ViolationOut]
    measures: list[MeasureOut]
    levels: list[LevelOut]
    source: str
    status: str


def _terms_out(t: Terms | None) -> TermsOut | None:
    return None if t is None else TermsOut(level=t.level, measures=list(t.measures), isolation_days=t.isolation_days)


def _terms(given: TermsIn | None, wanted: bool) -> Terms | None:
    if wanted != (given is not None):
        raise RuleViolation(
            "terms",
            "terms-with-sanction",
            id="Bentuk hukuman (terms) diisi jika dan hanya jika hukuman disiplin dijatuhkan atau direkomendasikan.",
            en="Terms are given if and only if a sanction is imposed or recommended.",
        )
    return None if given is None else Terms(given.level, tuple(given.measures), given.isolation_days)


def _out(c: DisciplineCase) -> CaseOut:
    exam, rec, dec = c.examination, c.recommendation, c.decision
    return CaseOut(
        case_id=c.case_id,
        inmate_id=c.inmate_id,
        upt_code=c.upt_code,
        violation=c.violation,
        level=c.level,
        occurred_on=c.occurred_on,
        description=c.description,
        reported_by=c.reported_by,
        status=c.status,
        seizure_ids=c.seizure_ids,
        examination=None if exam is None else ExaminationOut(**vars(exam)),
        recommendation=None
        if rec is None
        else RecommendationOut(
            held_on=rec.held_on,
            chair=rec.chair,
            sanction_recommended=rec.terms is not None,
            terms=_terms_out(rec.terms),
            reasons=rec.reasons,
        ),
        decision=None
        if dec is None
        else DecisionOut(
            decided_on=dec.decided_on,
            decided_by=dec.decided_by,
            decree_no=dec.decree_no,
            outcome=Outcome.DISMISSED if dec.terms is None else Outcome.SANCTIONED,
            terms=_terms_out(dec.terms),
            why=dec.why,
        ),
        withdrawal=None
        if c.withdrawal is None
        else WithdrawalOut(
            withdrawn_on=c.withdrawal.withdrawn_on, withdrawn_by=c.withdrawal.withdrawn_by, reason=c.withdrawal.reason
        ),
        sanction=None if c.sanction is None else sanction_out(c.sanction),
        steps=[CaseStepOut(**vars(s)) for s in c.steps],
    )


@router.get("/reference", operation_id="getDisciplineReferenceData")
async def reference(clock: ClockDep, on: date | None = None) -> DisciplineReferenceOut:
    """The violations (with their level), the measures and what each level allows, in force on `on`."""
    day, r = use.reference_data(on, clock=clock)
    return DisciplineReferenceOut(
        on=day,
        violations=[
            ViolationOut(code=k, level=v["level"], name_id=v["name_id"], name_en=v["name_en"], status=v.get("status"))
            for k, v in r.violations().items()
        ],
        measures=[MeasureOut(code=k, name_id=v["name_id"], name_en=v["name_en"]) for k, v in r.measures().items()],
        levels=[LevelOut(level=lv, measures=r.level_measures(lv), tpp_required=r.tpp_required(lv)) for lv in DisciplineLevel],
        source=r.rule_set.cite(),
        status=r.rule_set.status,
    )


@router.post("/cases", status_code=status.HTTP_201_CREATED, operation_id="reportViolation")
async def report(body: ViolationIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep) -> CaseOut:
    """Opens a discipline case (status reported) with the violation's level from the reference data,
    linked to the seized items named; publishes discipline.reported."""
    cmd = use.ReportViolation(**body.model_dump())
    return _out(await use.report_violation(db, cmd, scope=scope, actor=actor, clock=clock))


@router.post("/cases/{case_id}/examination", operation_id="recordExamination")
async def examination(
    case_id: str, body: ExaminationIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep
) -> CaseOut:
    exam = Examination(body.examined_on, body.examiner, body.findings, body.bap_no)
    return _out(await use.examine(db, case_id, exam, scope=scope, actor=actor, clock=clock))


@router.post("/cases/{case_id}/tpp-recommendation", operation_id="recordTppRecommendation")
async def tpp_recommendation(
    case_id: str, body: RecommendationIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep
) -> CaseOut:
    rec = Recommendation(body.held_on, body.chair, _terms(body.terms, body.sanction_recommended), body.reasons)
    return _out(await use.recommend(db, case_id, rec, scope=scope, actor=actor, clock=clock))


@router.post("/cases/{case_id}/decision", operation_id="recordDisciplineDecision")
async def decision(case_id: str, body: DecisionIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep) -> CaseOut:
    """The Kalapas' decision: sanctioned (the sanction, Register F for berat, discipline.sanctioned)
    or dismissed (discipline.dismissed). Sedang and berat need the sidang TPP first (rule data)."""
    terms = _terms(body.terms, body.outcome is Outcome.SANCTIONED)
    dec = Decision(body.decided_on, body.decided_by, body.decree_no, terms, body.why)
    return _out(await use.decide(db, case_id, dec, scope=scope, actor=actor, clock=clock))


@router.post("/cases/{case_id}/withdrawal", operation_id="withdrawDisciplineCase")
async def withdrawal(
    case_id: str, body: WithdrawalIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep
) -> CaseOut:
    """Withdraws a case not yet decided (reported, examined or tpp-recommended): status withdrawn,
    no sanction; publishes discipline.withdrawn. A decided sanction is annulled instead
    (POST /discipline/sanctions/{case_id}/annul)."""
    w = Withdrawal(body.withdrawn_on, body.withdrawn_by, body.reason)
    return _out(await use.withdraw(db, case_id, w, scope=scope, actor=actor, clock=clock))


@router.get("/cases", operation_id="listDisciplineCases")
async def list_cases(
    db: DatabaseDep,
    scope: ScopeDep,
    page: PageDep,
    upt_code: UptQuery = None,
    kanwil_code: UptQuery = None,
    inmate_id: Annotated[str | None, Query(min_length=1, max_length=36)] = None,
    case_status: Annotated[CaseStatus | None, Query(alias="status")] = None,
    level: DisciplineLevel | None = None,
    occurred_from: Annotated[date | None, Query(alias="from", description="UPT-local date, included.")] = None,
    occurred_to: Annotated[date | None, Query(alias="to", description="UPT-local date, included.")] = None,
) -> PageOut[CaseOut]:
    """Oldest violation first."""
    f = CaseFilter(upt_code, kanwil_code, inmate_id, case_status, level, occurred_from, occurred_to)
    found, total = await use.list_cases(db, f, scope=scope, page=page)
    return PageOut(items=[_out(c) for c in found], total=total, limit=page.limit, offset=page.offset)


@router.get("/cases/{case_id}", operation_id="getDisciplineCase")
async def get_case(case_id: str, db: DatabaseDep, scope: ScopeDep) -> CaseOut:
    return _out(await use.get_case(db, case_id, scope=scope))
