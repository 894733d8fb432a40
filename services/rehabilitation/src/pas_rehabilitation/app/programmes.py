"""Programmes: open one, record a session's attendance, complete or withdraw an enrolment."""

from dataclasses import dataclass
from datetime import date

from pas_rehabilitation.adapters.programmes import ProgrammeRepository, SessionRepository, programme_row
from pas_rehabilitation.adapters.repository import EnrolmentRepository, enrolment_row
from pas_rehabilitation.adapters.tables import facilities
from pas_rehabilitation.domain.programme import (
    Enrolment,
    Programme,
    ProgrammeKind,
    Session,
    enrolment_not_found,
    programme_not_found,
)
from pas_shared.api import Scope
from pas_shared.clock import Clock
from pas_shared.db import Database, UnitOfWork
from pas_shared.directory import require_upt
from pas_shared.events.rehabilitation import Grade
from pas_shared.ids import new_id


@dataclass(frozen=True, kw_only=True)
class OpenProgramme:
    upt_code: str
    kind: ProgrammeKind
    category: str
    name: str
    sae_site: str | None
    capacity: int
    instructors: tuple[str, ...]
    partners: tuple[str, ...]
    starts_on: date
    ends_on: date | None


async def open_programme(db: Database, cmd: OpenProgramme, *, scope: Scope, actor: str) -> Programme:
    async with UnitOfWork(db, actor=actor) as uow:
        facility = await require_upt(uow.session, facilities, cmd.upt_code, scope=scope)
        programme = Programme.open(
            programme_id=new_id(),
            upt_code=facility.upt_code,
            kanwil_code=facility.kanwil_code,
            kind=cmd.kind,
            category=cmd.category,
            name=cmd.name,
            sae_site=cmd.sae_site,
            capacity=cmd.capacity,
            instructors=cmd.instructors,
            partners=cmd.partners,
            starts_on=cmd.starts_on,
            ends_on=cmd.ends_on,
        )
        await ProgrammeRepository(uow.session).add(programme)
        uow.audit("programme.opened", "programme", programme.programme_id, after=programme_row(programme))
    return programme


async def get_programme(db: Database, programme_id: str, scope: Scope) -> tuple[Programme, int]:
    async with db.sessions() as session:
        repo = ProgrammeRepository(session)
        programme = await repo.get(programme_id, scope)
        if programme is None:
            raise programme_not_found(programme_id)
        return programme, (await repo.active_counts([programme_id])).get(programme_id, 0)


async def record_session(
    db: Database,
    programme_id: str,
    *,
    held_on: date,
    topic: str | None,
    present: list[str],
    scope: Scope,
    actor: str,
    clock: Clock,
) -> Session:
    async with UnitOfWork(db, actor=actor) as uow:
        programme = await ProgrammeRepository(uow.session).get(programme_id, scope)
        if programme is None:
            raise programme_not_found(programme_id)
        facility = await require_upt(uow.session, facilities, programme.upt_code)
        session = Session.hold(
            session_id=new_id(),
            programme=programme,
            held_on=held_on,
            topic=topic,
            present_inmates=present,
            enrolments=await EnrolmentRepository(uow.session).of_programme(programme_id, active_only=True),
            today=facility.today(clock),
        )
        await SessionRepository(uow.session).add(session)
        uow.audit(
            "programme.session-recorded",
            "programme",
            programme_id,
            after={
                "session_id": session.session_id,
                "held_on": held_on,
                "present": len(session.present),
                "absent": len(session.absent),
            },
        )
    return session


async def _enrolment_in_scope(uow: UnitOfWork, enrolment_id: str, scope: Scope) -> tuple[Enrolment, Programme]:
    enrolment = await EnrolmentRepository(uow.session).get(enrolment_id)
    if enrolment is None or enrolment.programme_id is None:
        raise enrolment_not_found(enrolment_id)
    programme = await ProgrammeRepository(uow.session).get(enrolment.programme_id, scope)
    if programme is None:  # out of the caller's scope: as if it did not exist
        raise enrolment_not_found(enrolment_id)
    return enrolment, programme


async def complete_enrolment(
    db: Database, enrolment_id: str, *, completed_on: date, grade: Grade | None, scope: Scope, actor: str, clock: Clock
) -> tuple[Enrolment, tuple[int, int]]:
    async with UnitOfWork(db, actor=actor) as uow:
        enrolment, programme = await _enrolment_in_scope(uow, enrolment_id, scope)
        facility = await require_upt(uow.session, facilities, programme.upt_code)
        held, attended = (await SessionRepository(uow.session).attendance_of([enrolment_id])).get(enrolment_id, (0, 0))
        before, was = enrolment_row(enrolment), enrolment.status
        enrolment.complete(
            programme=programme,
            completed_on=completed_on,
            grade=grade,
            today=facility.today(clock),
            sessions_held=held,
            sessions_attended=attended,
        )
        await EnrolmentRepository(uow.session).save(enrolment, was=was)
        # subject = inmate: the grade and the completion stay in order with the inmate's other programme events.
        uow.emit_recorded(
            enrolment.events, subject=enrolment.inmate_id, uptcode=programme.upt_code, kanwilcode=programme.kanwil_code
        )
        uow.audit("programme.completed", "enrolment", enrolment_id, before=before, after=enrolment_row(enrolment))
    return enrolment, (held, attended)


async def withdraw_enrolment(
    db: Database, enrolment_id: str, *, withdrawn_on: date, scope: Scope, actor: str, clock: Clock
) -> Enrolment:
    async with UnitOfWork(db, actor=actor) as uow:
        enrolment, programme = await _enrolment_in_scope(uow, enrolment_id, scope)
        facility = await require_upt(uow.session, facilities, programme.upt_code)
        before, was = enrolment_row(enrolment), enrolment.status
        enrolment.withdraw(withdrawn_on=withdrawn_on, today=facility.today(clock))
        await EnrolmentRepository(uow.session).save(enrolment, was=was)
        uow.audit("programme.withdrawn", "enrolment", enrolment_id, before=before, after=enrolment_row(enrolment))
    return enrolment
