"""Read-side use cases: the engine's answer for one inmate, from the facts this service holds."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from pas_remission.adapters.repository import InmateRepository
from pas_remission.domain.engine import LONG_TERM_ILLNESS, AtLarge, Case, Engine, Grant, Occasion, RemissionResult
from pas_remission.domain.inmate import CaseInputs, Inmate, inmate_not_found
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
        facts = Facts(
            await repo.register_f_dates(inmate_id),
            await repo.grants(inmate_id),
            await repo.escapes(inmate_id),
            *await repo.conditions(inmate_id),
        )
    return Engine().remission(case_for(inmate, facts, on, assume_conditions_met), occasion, on, holiday=holiday)


@dataclass(frozen=True)
class Facts:
    """What this service knows of an inmate beyond the register, mostly from other services."""

    register_f: list[date] = field(default_factory=list)
    grants: list[Grant] = field(default_factory=list)
    escapes: list[tuple[date, date | None]] = field(default_factory=list)  # (escaped, recaptured or None)
    programme_grade: str | None = None  # latest grade from rehabilitation; "baik" proves good conduct
    risk_reduced: bool | None = None  # latest risk assessment went down
    designation: str | None = None  # a batch's designation: a Remisi Tambahan basis or long-term-illness


def case_for(inmate: Inmate | CaseInputs, facts: Facts, on: date, assume_conditions_met: bool) -> Case:
    """The engine's view of one inmate on `on`, from the register and the facts kept from events.
    An escapee not yet recaptured counts as at large up to and including `on`."""
    if isinstance(inmate, Inmate):
        inmate = inmate.case_inputs()
    v = inmate.verdict
    assert v is not None
    return Case(
        detention_start=inmate.admitted_on,
        sentence_kind=v.sentence_kind,
        sentence=v.sentence,
        is_child=inmate.is_child,
        religion=inmate.religion,
        verdict_final_on=v.final_on,
        crime=v.crime,
        fine_substitute=v.fine_substitute,
        register_f=tuple(facts.register_f),
        at_large=tuple(AtLarge(start, end or on + timedelta(days=1)) for start, end in facts.escapes),
        # From rehabilitation's events; with no event yet the condition is not met, unless the
        # deployment assumes it (a setting for data migrated from before this platform).
        programme_active=facts.programme_grade == "baik" if facts.programme_grade is not None else assume_conditions_met,
        risk_reduced=facts.risk_reduced if facts.risk_reduced is not None else assume_conditions_met,
        grants=tuple(facts.grants),
        birth_date=inmate.birth_date,
        long_term_illness=facts.designation == LONG_TERM_ILLNESS,
        tambahan_basis=facts.designation if facts.designation != LONG_TERM_ILLNESS else None,
    )
