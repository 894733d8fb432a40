"""Read-side use cases: the engine's answer for one inmate, from the facts this service holds."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from pas_remission.adapters.repository import InmateRepository, Within
from pas_remission.domain.engine import LONG_TERM_ILLNESS, AtLarge, Case, Engine, Grant, Occasion, RemissionResult
from pas_remission.domain.inmate import FINE_PAID, CaseInputs, Inmate, inmate_not_found
from pas_shared.api import Scope
from pas_shared.db import Database
from pas_shared.errors import RuleViolation


async def remission_check(
    db: Database,
    *,
    inmate_id: str,
    occasion: Occasion,
    on: date,
    holiday: str | None,
    assume_conditions_met: bool,
    scope: Scope,
) -> RemissionResult:
    async with db.sessions() as session:
        repo = InmateRepository(session)
        inmate = await repo.get(inmate_id, scope=scope)
        if inmate is None:
            raise inmate_not_found(inmate_id)
        if inmate.verdict is None:
            raise RuleViolation(
                "inmate_id",
                "verdict-recorded",
                id="Putusan belum dicatat; remisi dihitung setelah ada putusan.",
                en="No verdict recorded yet; remission is computed once there is one.",
            )
        facts = await facts_of(repo, inmate_id)
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
    special: dict[str, date] = field(default_factory=dict)  # special-crime conditions and fine_paid, by the day met


async def facts_of(repo: InmateRepository, inmate_id: str) -> Facts:
    """Everything the service knows of one inmate beyond the register."""
    return Facts(
        await repo.register_f_dates(inmate_id),
        await repo.grants(inmate_id),
        await repo.escapes(inmate_id),
        *await repo.conditions(inmate_id),
        special=await repo.special_conditions(inmate_id),
    )


@dataclass(frozen=True)
class FactsIn:
    """The same for every inmate held in a scope, read in one query per kind of fact."""

    register_f: dict[str, list[date]]
    grants: dict[str, list[Grant]]
    escapes: dict[str, list[tuple[date, date | None]]]
    conditions: dict[str, tuple[str | None, bool | None]]
    special: dict[str, dict[str, date]]

    @classmethod
    async def load(cls, repo: InmateRepository, scope: str, within: Within = None) -> "FactsIn":
        """`within`: only the inmates with ids from the first to the last (one chunk of a batch)."""
        return cls(
            await repo.register_f_by_inmate(scope, within),
            await repo.grants_by_inmate(scope, within),
            await repo.escapes_by_inmate(scope, within),
            await repo.conditions_by_inmate(scope, within),
            await repo.special_conditions_by_inmate(scope, within),
        )

    def of(self, inmate_id: str, designation: str | None = None) -> Facts:
        i = inmate_id
        return Facts(
            self.register_f.get(i, []),
            self.grants.get(i, []),
            self.escapes.get(i, []),
            *self.conditions.get(i, (None, None)),
            designation=designation,
            special=self.special.get(i, {}),
        )


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
        conditions_met=frozenset(c for c, met_on in facts.special.items() if met_on <= on and c != FINE_PAID),
        fine_paid=FINE_PAID in facts.special and facts.special[FINE_PAID] <= on,
        birth_date=inmate.birth_date,
        long_term_illness=facts.designation == LONG_TERM_ILLNESS,
        tambahan_basis=facts.designation if facts.designation != LONG_TERM_ILLNESS else None,
    )
