"""Use cases. Each runs in one unit of work: state, events (outbox) and audit commit together."""

from pas_rehabilitation.adapters.repository import (
    AssessmentRepository,
    EnrolmentRepository,
    assessment_row,
    enrolment_row,
)
from pas_rehabilitation.adapters.tables import roster
from pas_rehabilitation.app.commands import AssessRisk, EnrolInProgramme, GradeEnrolment
from pas_rehabilitation.domain.programme import Enrolment, enrolment_not_found
from pas_rehabilitation.domain.risk import Assessment
from pas_shared.clock import Clock, latest_local_today
from pas_shared.db import Database, UnitOfWork
from pas_shared.ids import new_id
from pas_shared.roster import RosterEntry, require_on_roster


async def enrol_in_programme(db: Database, cmd: EnrolInProgramme, *, actor: str, clock: Clock) -> Enrolment:
    async with UnitOfWork(db, actor=actor) as uow:
        entry = await require_on_roster(uow.session, roster, cmd.inmate_id, cmd.upt_code)
        enrolment = Enrolment.enrol(
            enrolment_id=new_id(),
            inmate_id=cmd.inmate_id,
            upt_code=cmd.upt_code,
            programme=cmd.programme,
            kind=cmd.kind,
            enrolled_on=cmd.enrolled_on,
            today=latest_local_today(clock),
        )
        await EnrolmentRepository(uow.session).add(enrolment)
        _publish(uow, enrolment, entry)  # nothing recorded yet; kept so that a later event is not forgotten
        uow.audit("programme.enrolled", "enrolment", enrolment.enrolment_id, after=enrolment_row(enrolment))
    return enrolment


async def grade_enrolment(db: Database, cmd: GradeEnrolment, *, actor: str, clock: Clock) -> Enrolment:
    async with UnitOfWork(db, actor=actor) as uow:
        enrolments = EnrolmentRepository(uow.session)
        enrolment = await enrolments.get(cmd.enrolment_id)
        if enrolment is None:
            raise enrolment_not_found(cmd.enrolment_id)
        entry = await require_on_roster(uow.session, roster, enrolment.inmate_id, enrolment.upt_code)
        before = enrolment_row(enrolment)
        enrolment.record_grade(grade=cmd.grade, graded_on=cmd.graded_on, today=latest_local_today(clock))
        await enrolments.save_grade(enrolment)
        _publish(uow, enrolment, entry)
        uow.audit("programme.graded", "enrolment", enrolment.enrolment_id, before=before, after=enrolment_row(enrolment))
    return enrolment


async def assess_risk(db: Database, cmd: AssessRisk, *, actor: str, clock: Clock) -> Assessment:
    async with UnitOfWork(db, actor=actor) as uow:
        entry = await require_on_roster(uow.session, roster, cmd.inmate_id, cmd.upt_code)
        assessments = AssessmentRepository(uow.session)
        assessment = Assessment.assess(
            assessment_id=new_id(),
            inmate_id=cmd.inmate_id,
            upt_code=cmd.upt_code,
            level=cmd.level,
            assessed_on=cmd.assessed_on,
            today=latest_local_today(clock),
            previous=await assessments.latest_for_inmate(cmd.inmate_id),
        )
        await assessments.add(assessment)
        _publish(uow, assessment, entry)
        uow.audit("risk.assessed", "risk_assessment", assessment.assessment_id, after=assessment_row(assessment))
    return assessment


def _publish(uow: UnitOfWork, aggregate: Enrolment | Assessment, entry: RosterEntry) -> None:
    # subject = inmate: one inmate's programme (or risk) events stay in order on one partition.
    uow.emit_recorded(aggregate.events, subject=aggregate.inmate_id, uptcode=aggregate.upt_code, kanwilcode=entry.kanwil_code)
