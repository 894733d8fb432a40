from typing import Annotated

from fastapi import APIRouter, Query, status

from pas_rehabilitation.adapters.repository import AssessmentRepository, search_enrolments
from pas_rehabilitation.api.schemas import AssessmentIn, AssessmentOut, EnrolmentIn, EnrolmentOut, GradeIn
from pas_rehabilitation.app import handlers
from pas_rehabilitation.app.commands import AssessRisk, EnrolInProgramme, GradeEnrolment
from pas_rehabilitation.domain.programme import Enrolment, EnrolmentStatus
from pas_rehabilitation.domain.risk import Assessment
from pas_shared.api import ActorDep, ClockDep, DatabaseDep, PageDep, PageOut, ScopeDep
from pas_shared.events.remission import UPT_CODE

router = APIRouter(prefix="/api/v1")


def enrolment_out(enrolment: Enrolment) -> EnrolmentOut:
    return EnrolmentOut(
        enrolment_id=enrolment.enrolment_id,
        inmate_id=enrolment.inmate_id,
        upt_code=enrolment.upt_code,
        programme_id=enrolment.programme_id,
        programme=enrolment.programme,
        kind=enrolment.kind,
        enrolled_on=enrolment.enrolled_on,
        status=enrolment.status,
        grade=enrolment.grade,
        graded_on=enrolment.graded_on,
        ended_on=enrolment.ended_on,
    )


@router.post("/enrolments", status_code=status.HTTP_201_CREATED, operation_id="enrolInProgramme", tags=["programmes"])
async def enrol_in_programme(
    body: EnrolmentIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep
) -> EnrolmentOut:
    enrolment = await handlers.enrol_in_programme(
        db, EnrolInProgramme(**body.model_dump()), scope=scope, actor=actor, clock=clock
    )
    return enrolment_out(enrolment)


@router.post("/enrolments/{enrolment_id}/grade", operation_id="gradeEnrolment", tags=["programmes"])
async def grade_enrolment(
    enrolment_id: str, body: GradeIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep
) -> EnrolmentOut:
    cmd = GradeEnrolment(enrolment_id=enrolment_id, grade=body.grade, graded_on=body.graded_on)
    return enrolment_out(await handlers.grade_enrolment(db, cmd, scope=scope, actor=actor, clock=clock))


@router.get("/enrolments", operation_id="listEnrolments", tags=["programmes"])
async def list_enrolments(
    db: DatabaseDep,
    page: PageDep,
    scope: ScopeDep,
    inmate_id: str | None = None,
    programme_id: str | None = None,
    upt_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
    kanwil_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
    state: Annotated[EnrolmentStatus | None, Query(alias="status")] = None,
) -> PageOut[EnrolmentOut]:
    async with db.sessions() as session:
        found, total = await search_enrolments(
            session,
            scope,
            inmate_id=inmate_id,
            programme_id=programme_id,
            upt_code=upt_code,
            kanwil_code=kanwil_code,
            status=state,
            limit=page.limit,
            offset=page.offset,
        )
    return PageOut(items=[enrolment_out(e) for e in found], total=total, limit=page.limit, offset=page.offset)


def _assessment_out(assessment: Assessment) -> AssessmentOut:
    return AssessmentOut(
        assessment_id=assessment.assessment_id,
        inmate_id=assessment.inmate_id,
        upt_code=assessment.upt_code,
        level=assessment.level,
        assessed_on=assessment.assessed_on,
        previous_level=assessment.previous_level,
        reduced=assessment.reduced,
    )


@router.post("/risk-assessments", status_code=status.HTTP_201_CREATED, operation_id="assessRisk", tags=["risk"])
async def assess_risk(body: AssessmentIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep) -> AssessmentOut:
    assessment = await handlers.assess_risk(db, AssessRisk(**body.model_dump()), scope=scope, actor=actor, clock=clock)
    return _assessment_out(assessment)


@router.get("/risk-assessments", operation_id="listRiskAssessments", tags=["risk"])
async def list_risk_assessments(
    db: DatabaseDep,
    page: PageDep,
    scope: ScopeDep,
    inmate_id: str | None = None,
    upt_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
    kanwil_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
) -> PageOut[AssessmentOut]:
    async with db.sessions() as session:
        found, total = await AssessmentRepository(session).search(
            scope, inmate_id=inmate_id, upt_code=upt_code, kanwil_code=kanwil_code, limit=page.limit, offset=page.offset
        )
    return PageOut(items=[_assessment_out(a) for a in found], total=total, limit=page.limit, offset=page.offset)
