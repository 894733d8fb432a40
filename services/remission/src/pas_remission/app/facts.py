"""Eligibility facts kept from other services' events: Register F entries from security's
discipline decisions. (Escapes and rehabilitation's programme and risk events follow.)"""

from sqlalchemy import bindparam, update
from sqlalchemy.dialects import postgresql, sqlite

from pas_remission.adapters.tables import register_f
from pas_shared.consumer import Received, Subscription
from pas_shared.db import UnitOfWork
from pas_shared.events.security import DISCIPLINE_ANNULLED, DISCIPLINE_SANCTIONED, DisciplineAnnulled, DisciplineSanctioned

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
