"""Use cases of the inmate discipline procedure: report a violation (naming the seized items it
arose from), record the examination, the sidang TPP recommendation and the Kalapas' decision.
Each runs in one unit of work: the case, its step, its events (outbox) and the audit entry commit
together; a sanctioning decision also writes the sanction (Register F for berat) and publishes
discipline.sanctioned, which remission turns into a hold. A case not yet decided can be withdrawn."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from pas_security.adapters.discipline import CaseFilter, DisciplineCaseRepository, case_audit
from pas_security.adapters.searches import SearchRepository
from pas_security.adapters.tables import facilities, roster
from pas_security.domain.discipline_case import (
    Decision,
    DisciplineCase,
    Examination,
    ProcedureRules,
    Recommendation,
    Withdrawal,
    case_not_found,
)
from pas_shared.api import Page, Scope
from pas_shared.clock import Clock, latest_local_today
from pas_shared.db import Database, UnitOfWork
from pas_shared.directory import KnownUpt, require_upt
from pas_shared.errors import RuleViolation
from pas_shared.ids import new_id
from pas_shared.roster import require_on_roster


@dataclass(frozen=True, kw_only=True)
class ReportViolation:
    inmate_id: str
    upt_code: str
    violation: str
    occurred_on: date
    description: str
    reported_by: str
    seizure_ids: list[str]


def _publish(uow: UnitOfWork, case: DisciplineCase, upt: KnownUpt) -> None:
    # subject = inmate, as discipline.sanctioned: one inmate's discipline events stay in order.
    uow.emit_recorded(case.events, subject=case.inmate_id, uptcode=case.upt_code, kanwilcode=upt.kanwil_code)


async def _check_seizures(uow: UnitOfWork, cmd: ReportViolation, scope: Scope) -> None:
    """Each seized item named is one of this UPT's, found with this inmate or with no one named."""
    seizures = SearchRepository(uow.session)
    for i, seizure_id in enumerate(cmd.seizure_ids):
        seizure = await seizures.get_seizure(seizure_id, scope)
        if seizure is None or seizure.upt_code != cmd.upt_code:
            raise RuleViolation(
                f"seizure_ids[{i}]",
                "seizure-exists",
                id=f"Barang sitaan {seizure_id} tidak ditemukan di UPT {cmd.upt_code}.",
                en=f"Seizure {seizure_id} does not exist in UPT {cmd.upt_code}.",
            )
        if seizure.inmate_id is not None and seizure.inmate_id != cmd.inmate_id:
            raise RuleViolation(
                f"seizure_ids[{i}]",
                "seizure-of-inmate",
                id=f"Barang sitaan {seizure_id} ditemukan pada WBP lain ({seizure.inmate_id}).",
                en=f"Seizure {seizure_id} was found with another inmate ({seizure.inmate_id}).",
            )


async def report_violation(db: Database, cmd: ReportViolation, *, scope: Scope, actor: str, clock: Clock) -> DisciplineCase:
    async with UnitOfWork(db, actor=actor) as uow:
        upt = await require_upt(uow.session, facilities, cmd.upt_code, scope=scope)
        await require_on_roster(uow.session, roster, cmd.inmate_id, upt.upt_code)
        case = DisciplineCase.report(
            case_id=new_id(),
            inmate_id=cmd.inmate_id,
            upt_code=upt.upt_code,
            violation=cmd.violation,
            occurred_on=cmd.occurred_on,
            description=cmd.description,
            reported_by=cmd.reported_by,
            seizure_ids=cmd.seizure_ids,
            by=actor,
            now=clock(),
            today=upt.today(clock),
        )
        await _check_seizures(uow, cmd, scope)
        await DisciplineCaseRepository(uow.session).add(case)
        _publish(uow, case, upt)
        uow.audit("discipline.reported", "discipline-case", case.case_id, after=case_audit(case))
    return case


async def _advance(
    db: Database,
    case_id: str,
    step: str,
    *,
    scope: Scope,
    actor: str,
    clock: Clock,
    apply: Callable[[DisciplineCase, date], None],
) -> DisciplineCase:
    async with UnitOfWork(db, actor=actor) as uow:
        cases = DisciplineCaseRepository(uow.session)
        case = await cases.get(case_id, scope)
        if case is None:
            raise case_not_found(case_id)
        upt = await require_upt(uow.session, facilities, case.upt_code)
        before, was = case_audit(case), case.status
        apply(case, upt.today(clock))
        await cases.save(case, was=was)
        _publish(uow, case, upt)
        uow.audit(step, "discipline-case", case_id, before=before, after=case_audit(case))
    return case


async def examine(db: Database, case_id: str, exam: Examination, *, scope: Scope, actor: str, clock: Clock) -> DisciplineCase:
    def apply(case: DisciplineCase, today: date) -> None:
        case.examine(exam, by=actor, now=clock(), today=today)

    return await _advance(db, case_id, "discipline.examined", scope=scope, actor=actor, clock=clock, apply=apply)


async def recommend(db: Database, case_id: str, rec: Recommendation, *, scope: Scope, actor: str, clock: Clock) -> DisciplineCase:
    def apply(case: DisciplineCase, today: date) -> None:
        case.recommend(rec, by=actor, now=clock(), today=today)

    return await _advance(db, case_id, "discipline.recommended", scope=scope, actor=actor, clock=clock, apply=apply)


async def decide(db: Database, case_id: str, dec: Decision, *, scope: Scope, actor: str, clock: Clock) -> DisciplineCase:
    def apply(case: DisciplineCase, today: date) -> None:
        case.decide(dec, by=actor, now=clock(), today=today)

    step = "discipline.dismissed" if dec.terms is None else "discipline.sanctioned"
    return await _advance(db, case_id, step, scope=scope, actor=actor, clock=clock, apply=apply)


async def withdraw(db: Database, case_id: str, w: Withdrawal, *, scope: Scope, actor: str, clock: Clock) -> DisciplineCase:
    def apply(case: DisciplineCase, today: date) -> None:
        case.withdraw(w, by=actor, now=clock(), today=today)

    return await _advance(db, case_id, "discipline.withdrawn", scope=scope, actor=actor, clock=clock, apply=apply)


async def get_case(db: Database, case_id: str, *, scope: Scope) -> DisciplineCase:
    async with db.sessions() as session:
        case = await DisciplineCaseRepository(session).get(case_id, scope)
    if case is None:
        raise case_not_found(case_id)
    return case


async def list_cases(db: Database, f: CaseFilter, *, scope: Scope, page: Page) -> tuple[list[DisciplineCase], int]:
    async with db.sessions() as session:
        return await DisciplineCaseRepository(session).find(f, scope, page)


def reference_data(on: date | None, *, clock: Clock) -> tuple[date, ProcedureRules]:
    day = on or latest_local_today(clock)
    return day, ProcedureRules.on(day, "on")
