"""Read-side use cases: the engine's answer for one inmate, from the facts this service holds."""

from datetime import date

from pas_remission.adapters.repository import InmateRepository
from pas_remission.domain.engine import Case, Engine, Grant, Occasion, RemissionResult
from pas_remission.domain.inmate import Inmate, inmate_not_found
from pas_shared.db import Database
from pas_shared.errors import RuleViolation


async def remission_check(
    db: Database, *, inmate_id: str, occasion: Occasion, on: date, holiday: str | None, assume_conditions_met: bool
) -> RemissionResult:
    async with db.sessions() as session:
        repo = InmateRepository(session)
        inmate = await repo.get(inmate_id)
        if inmate is None:
            raise inmate_not_found(inmate_id)
        if inmate.verdict is None:
            raise RuleViolation(
                "inmate_id",
                "verdict-recorded",
                id="Putusan belum dicatat; remisi dihitung setelah ada putusan.",
                en="No verdict recorded yet; remission is computed once there is one.",
            )
        register_f = await repo.register_f_dates(inmate_id)
        grants = await repo.grants(inmate_id)
    return Engine().remission(case_for(inmate, register_f, grants, assume_conditions_met), occasion, on, holiday=holiday)


def case_for(inmate: Inmate, register_f: list[date], grants: list[Grant], assume_conditions_met: bool) -> Case:
    """The engine's view of one inmate from the register and the facts kept from events."""
    v = inmate.verdict
    assert v is not None
    return Case(
        detention_start=inmate.admitted_on,
        sentence_kind=v.sentence_kind,
        sentence=v.sentence,
        is_child=inmate.is_child,
        religion=inmate.religion.value,
        verdict_final_on=v.final_on,
        crime=v.crime,
        fine_substitute=v.fine_substitute,
        register_f=tuple(register_f),
        # Until rehabilitation publishes programme and risk events (issue 5) these two facts
        # are unknown: refused unless the deployment explicitly assumes them (a setting).
        programme_active=assume_conditions_met,
        risk_reduced=assume_conditions_met,
        grants=tuple(grants),
    )
