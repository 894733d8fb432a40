"""Eligibility facts kept from other services' events: Register F entries from security's
discipline decisions, time at large from its escape reports, and the latest programme grade and
risk assessment from rehabilitation."""

import logging
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.dialects import postgresql, sqlite

from pas_remission.adapters.repository import EVERYWHERE, InmateRepository
from pas_remission.adapters.tables import at_large, inmate_conditions, register_f
from pas_remission.domain.inmate import ReleaseReason
from pas_shared.consumer import Received, Subscription
from pas_shared.db import UnitOfWork
from pas_shared.errors import DomainError
from pas_shared.events.rehabilitation import PROGRAMME_GRADED, RISK_ASSESSED, ProgrammeGraded, RiskAssessed
from pas_shared.events.security import (
    DISCIPLINE_ANNULLED,
    DISCIPLINE_SANCTIONED,
    ESCAPE_REPORTED,
    ESCAPEE_DIED,
    ESCAPEE_RECAPTURED,
    DisciplineAnnulled,
    DisciplineSanctioned,
    EscapeeDied,
    EscapeeRecaptured,
    EscapeReported,
)

log = logging.getLogger(__name__)
eligibility_facts = Subscription(name="remission.eligibility-facts")


@eligibility_facts.on(DISCIPLINE_SANCTIONED)
async def sanctioned(uow: UnitOfWork, events: list[Received[DisciplineSanctioned]]) -> None:
    rows = [
        {"case_id": e.data.case_id, "inmate_id": e.data.inmate_id, "sanctioned_on": e.data.sanctioned_on}
        for e in events
        if e.data.register_f  # only Register F entries block remission and integration rights
    ]
    if rows:
        dialect_insert = postgresql.insert if uow.db.is_postgres else sqlite.insert
        await uow.session.execute(dialect_insert(register_f).on_conflict_do_nothing(), rows)


@eligibility_facts.on(DISCIPLINE_ANNULLED)
async def annulled(uow: UnitOfWork, events: list[Received[DisciplineAnnulled]]) -> None:
    await uow.session.execute(
        update(register_f).where(register_f.c.case_id == bindparam("b_case")).values(annulled_on=bindparam("b_on")),
        [{"b_case": e.data.case_id, "b_on": e.data.annulled_on} for e in events],
    )


@eligibility_facts.on(ESCAPE_REPORTED)
async def escaped(uow: UnitOfWork, events: list[Received[EscapeReported]]) -> None:
    dialect_insert = postgresql.insert if uow.db.is_postgres else sqlite.insert
    rows = [{"escape_id": e.data.escape_id, "inmate_id": e.data.inmate_id, "escaped_on": e.data.escaped_on} for e in events]
    await uow.session.execute(dialect_insert(at_large).on_conflict_do_nothing(), rows)


@eligibility_facts.on(ESCAPEE_RECAPTURED)
async def recaptured(uow: UnitOfWork, events: list[Received[EscapeeRecaptured]]) -> None:
    await uow.session.execute(
        update(at_large).where(at_large.c.escape_id == bindparam("b_id")).values(recaptured_on=bindparam("b_on")),
        [{"b_id": e.data.escape_id, "b_on": e.data.recaptured_on} for e in events],
    )


@eligibility_facts.on(ESCAPEE_DIED)
async def died_at_large(uow: UnitOfWork, events: list[Received[EscapeeDied]]) -> None:
    # Death ends the time at large (the escape's end date is the day of death) and the sentence:
    # the register releases the person with reason death, so no remission or right is computed
    # for them any more, and the rosters and KPIs follow the release event.
    await uow.session.execute(
        update(at_large).where(at_large.c.escape_id == bindparam("b_id")).values(recaptured_on=bindparam("b_on")),
        [{"b_id": e.data.escape_id, "b_on": e.data.died_on} for e in events],
    )
    inmates = InmateRepository(uow.session)
    for e in events:
        inmate = await inmates.get(e.data.inmate_id, scope=EVERYWHERE, for_update=True)
        if inmate is None or inmate.released_on is not None:
            continue  # not in this register, or released already (redelivery): nothing to do
        try:
            inmate.release(on=e.data.died_on, reason=ReleaseReason.DEATH, today=e.data.died_on)
        except DomainError:  # a death dated before admission: keep the fact, leave the register to an officer
            log.warning("death at large not applied to the register", extra={"inmate_id": inmate.inmate_id})
            continue
        await inmates.save(inmate)
        uow.emit_recorded(inmate.events, subject=inmate.inmate_id, uptcode=inmate.upt_code, kanwilcode=inmate.kanwil_code)


async def _latest(uow: UnitOfWork, rows: list[dict[str, Any]], date_column: str) -> None:
    """Keep the newest fact per inmate: an older event arriving late does not overwrite it."""
    dialect_insert = postgresql.insert if uow.db.is_postgres else sqlite.insert
    stmt = dialect_insert(inmate_conditions)
    changed = [k for k in rows[0] if k != "inmate_id"]
    column = inmate_conditions.c[date_column]
    await uow.session.execute(
        stmt.on_conflict_do_update(
            index_elements=[inmate_conditions.c.inmate_id],
            set_={k: stmt.excluded[k] for k in changed},
            where=(column.is_(None)) | (stmt.excluded[date_column] >= column),
        ),
        rows,
    )


@eligibility_facts.on(PROGRAMME_GRADED)
async def graded(uow: UnitOfWork, events: list[Received[ProgrammeGraded]]) -> None:
    for e in events:  # one at a time: two grades of one inmate in a batch must not collide
        row = {"inmate_id": e.data.inmate_id, "programme_grade": e.data.grade.value, "graded_on": e.data.graded_on}
        await _latest(uow, [row], "graded_on")


@eligibility_facts.on(RISK_ASSESSED)
async def assessed(uow: UnitOfWork, events: list[Received[RiskAssessed]]) -> None:
    for e in events:
        row = {"inmate_id": e.data.inmate_id, "risk_reduced": e.data.reduced, "assessed_on": e.data.assessed_on}
        await _latest(uow, [row], "assessed_on")
