"""Use cases. Each runs in one unit of work: state, events (outbox) and audit commit together."""

from pas_rehabilitation.adapters.programmes import ProgrammeRepository
from pas_rehabilitation.adapters.repository import (
    AssessmentRepository,
    EnrolmentRepository,
    assessment_row,
    enrolment_row,
)
from pas_rehabilitation.adapters.tables import facilities, roster
from pas_rehabilitation.app.commands import AssessRisk, EnrolInProgramme, GradeEnrolment
from pas_rehabilitation.domain.programme import Enrolment, enrolment_not_found, programme_not_found
from pas_rehabilitation.domain.risk import Assessment
from pas_shared.api import Scope
from pas_shared.clock import Clock
from pas_shared.db import Database, UnitOfWork
from pas_shared.directory import require_upt
from pas_shared.ids import new_id
from pas_shared.roster import RosterEntry, require_on_roster


async def enrol_in_programme(db: Database, cmd: EnrolInProgramme, *, scope: Scope, actor: str, clock: Clock) -> Enrolment:
    async with UnitOfWork(db, actor=actor) as uow:
        # Locked: two enrolments at once cannot both take the last place.
        programme = await ProgrammeRepository(uow.session).get(cmd.programme_id, scope, for_update=True)
        if programme is None:
            raise programme_not_found(cmd.programme_id)
        entry = await require_on_roster(uow.session, roster, cmd.inmate_id, programme.upt_code)
        facility = await require_upt(uow.session, facilities, programme.upt_code)
        enrolments = EnrolmentRepository(uow.session)
        active = await enrolments.of_programme(programme.programme_id, active_only=True)
        enrolment = Enrolment.enrol(
            enrolment_id=new_id(),
            inmate_id=cmd.inmate_id,
            programme=programme,
            enrolled_on=cmd.enrolled_on,
            today=facility.today(clock),
            active_enrolments=len(active),
            already_enrolled=any(e.inmate_id == cmd.inmate_id for e in active),
        )
        await enrolments.add(enrolment)
        _publish(uow, enrolment, entry)  # nothing recorded yet; kept so that a later event is not forgotten
        uow.audit("programme.enrolled", "enrolment", enrolment.enrolment_id, after=enrolment_row(enrolment))
    return enrolment


async def grade_enrolment(db: Database, cmd: GradeEnrolment, *, scope: Scope, actor: str, clock: Clock) -> Enrolment:
    async with UnitOfWork(db, actor=actor) as uow:
        enrolments = EnrolmentRepository(uow.session)
        enrolment = await enrolments.get(cmd.enrolment_id)
        if enrolment is None:
            raise enrolment_not_found(cmd.enrolment_id)
        entry = await require_on_roster(uow.session, roster, enrolment.inmate_id, enrolment.upt_code)
        if not scope.allows(upt_code=entry.upt_code, kanwil_code=entry.kanwil_code):  # out of scope: as if it did not exist
            raise enrolment_not_found(cmd.enrolment_id)
        upt = await require_upt(uow.session, facilities, enrolment.upt_code)
        before = enrolment_row(enrolment)
        was = enrolment.status
        enrolment.record_grade(grade=cmd.grade, graded_on=cmd.graded_on, today=upt.today(clock))
        await enrolments.save(enrolment, was=was)
        _publish(uow, enrolment, entry)
        uow.audit("programme.graded", "enrolment", enrolment.enrolment_id, before=before, after=enrolment_row(enrolment))
    return enrolment


async def assess_risk(db: Database, cmd: AssessRisk, *, scope: Scope, actor: str, clock: Clock) -> Assessment:
    async with UnitOfWork(db, actor=actor) as uow:
        upt = await require_upt(uow.session, facilities, cmd.upt_code, scope=scope)
        entry = await require_on_roster(uow.session, roster, cmd.inmate_id, cmd.upt_code)
        assessments = AssessmentRepository(uow.session)
        assessment = Assessment.assess(
            assessment_id=new_id(),
            inmate_id=cmd.inmate_id,
            upt_code=cmd.upt_code,
            level=cmd.level,
            assessed_on=cmd.assessed_on,
            today=upt.today(clock),
            previous=await assessments.latest_for_inmate(cmd.inmate_id),
        )
        await assessments.add(assessment)
        _publish(uow, assessment, entry)
        uow.audit("risk.assessed", "risk_assessment", assessment.assessment_id, after=assessment_row(assessment))
    return assessment


def _publish(uow: UnitOfWork, aggregate: Enrolment | Assessment, entry: RosterEntry) -> None:
    # subject = inmate: one inmate's programme (or risk) events stay in order on one partition.
    uow.emit_recorded(aggregate.events, subject=aggregate.inmate_id, uptcode=aggregate.upt_code, kanwilcode=entry.kanwil_code)
