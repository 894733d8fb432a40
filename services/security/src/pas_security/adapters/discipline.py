"""Discipline cases, their steps and their links to seized items: domain objects in and out of the
tables. A case's sanction is the row of `sanctions` with the case's id."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pas_security.adapters.repository import _page, _sanction, sanction_row, scoped_by_upt
from pas_security.adapters.tables import discipline_case_steps, discipline_cases, sanctions, seizure_discipline_cases
from pas_security.domain.discipline_case import (
    CaseStatus,
    CaseStep,
    Decision,
    DisciplineCase,
    Examination,
    Recommendation,
    Terms,
    Withdrawal,
)
from pas_shared.api import Page, Scope
from pas_shared.errors import Conflict, FieldError
from pas_shared.events.security import DisciplineLevel


@dataclass(frozen=True)
class CaseFilter:
    upt_code: str | None = None
    kanwil_code: str | None = None
    inmate_id: str | None = None
    status: CaseStatus | None = None
    level: DisciplineLevel | None = None
    occurred_from: date | None = None  # UPT-local dates, both included
    occurred_to: date | None = None


def _join(measures: tuple[str, ...]) -> str:
    return ",".join(measures)


def _terms(sanction: bool | None, level: str | None, measures: str | None, isolation_days: int | None) -> Terms | None:
    if not sanction or level is None:
        return None
    return Terms(DisciplineLevel(level), tuple(m for m in (measures or "").split(",") if m), isolation_days or 0)


def case_row(c: DisciplineCase) -> dict[str, Any]:
    exam, rec, dec = c.examination, c.recommendation, c.decision
    rec_terms = rec.terms if rec else None
    dec_terms = dec.terms if dec else None
    return {
        "case_id": c.case_id,
        "inmate_id": c.inmate_id,
        "upt_code": c.upt_code,
        "violation": c.violation,
        "level": c.level.value,
        "occurred_on": c.occurred_on,
        "description": c.description,
        "reported_by": c.reported_by,
        "status": c.status.value,
        "examined_on": exam.examined_on if exam else None,
        "examiner": exam.examiner if exam else None,
        "findings": exam.findings if exam else None,
        "bap_no": exam.bap_no if exam else None,
        "tpp_held_on": rec.held_on if rec else None,
        "tpp_chair": rec.chair if rec else None,
        "tpp_sanction": None if rec is None else rec_terms is not None,
        "tpp_level": rec_terms.level.value if rec_terms else None,
        "tpp_measures": _join(rec_terms.measures) if rec_terms else None,
        "tpp_isolation_days": rec_terms.isolation_days if rec_terms else None,
        "tpp_reasons": rec.reasons if rec else None,
        "decided_on": dec.decided_on if dec else None,
        "decided_by": dec.decided_by if dec else None,
        "decree_no": dec.decree_no if dec else None,
        "decision_sanction": None if dec is None else dec_terms is not None,
        "decision_level": dec_terms.level.value if dec_terms else None,
        "decision_measures": _join(dec_terms.measures) if dec_terms else None,
        "decision_isolation_days": dec_terms.isolation_days if dec_terms else None,
        "decision_why": dec.why if dec else None,
        "withdrawn_on": c.withdrawal.withdrawn_on if c.withdrawal else None,
        "withdrawn_by": c.withdrawal.withdrawn_by if c.withdrawal else None,
        "withdrawal_reason": c.withdrawal.reason if c.withdrawal else None,
    }


def case_audit(c: DisciplineCase) -> dict[str, Any]:
    return case_row(c) | {"seizure_ids": list(c.seizure_ids)}


def _case(row: Any) -> DisciplineCase:
    exam = rec = dec = None
    if row["examined_on"] is not None:
        exam = Examination(row["examined_on"], row["examiner"], row["findings"], row["bap_no"])
    if row["tpp_held_on"] is not None:
        terms = _terms(row["tpp_sanction"], row["tpp_level"], row["tpp_measures"], row["tpp_isolation_days"])
        rec = Recommendation(row["tpp_held_on"], row["tpp_chair"], terms, row["tpp_reasons"])
    if row["decided_on"] is not None:
        terms = _terms(row["decision_sanction"], row["decision_level"], row["decision_measures"], row["decision_isolation_days"])
        dec = Decision(row["decided_on"], row["decided_by"], row["decree_no"], terms, row["decision_why"])
    withdrawal = None
    if row["withdrawn_on"] is not None:
        withdrawal = Withdrawal(row["withdrawn_on"], row["withdrawn_by"], row["withdrawal_reason"])
    return DisciplineCase(
        case_id=row["case_id"],
        inmate_id=row["inmate_id"],
        upt_code=row["upt_code"],
        violation=row["violation"],
        level=DisciplineLevel(row["level"]),
        occurred_on=row["occurred_on"],
        description=row["description"],
        reported_by=row["reported_by"],
        status=CaseStatus(row["status"]),
        examination=exam,
        recommendation=rec,
        decision=dec,
        withdrawal=withdrawal,
    )


def concurrent_case_change(case_id: str) -> Conflict:
    return Conflict(
        id=f"Perkara disiplin {case_id} baru saja diubah oleh permintaan lain; muat ulang dan periksa kembali.",
        en=f"Discipline case {case_id} was just changed by another request; reload and check again.",
        errors=[
            FieldError(
                "status",
                "status-transition",
                "Status perkara berubah sebelum perubahan ini disimpan.",
                "The case's status changed before this change was saved.",
            )
        ],
    )


class DisciplineCaseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, case: DisciplineCase) -> None:
        await self.session.execute(insert(discipline_cases).values(**case_row(case)))
        if case.seizure_ids:
            await self.session.execute(
                insert(seizure_discipline_cases), [{"seizure_id": s, "case_id": case.case_id} for s in case.seizure_ids]
            )
        await self._save_steps(case)

    async def save(self, case: DisciplineCase, *, was: CaseStatus) -> None:
        """Saves the case's new step; refused when another request moved the case first."""
        result = await self.session.execute(
            update(discipline_cases)
            .where(discipline_cases.c.case_id == case.case_id, discipline_cases.c.status == was.value)
            .values(**{k: v for k, v in case_row(case).items() if k != "case_id"})
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise concurrent_case_change(case.case_id)
        if case.sanction is not None:
            await self.session.execute(insert(sanctions).values(**sanction_row(case.sanction)))
        await self._save_steps(case)

    async def get(self, case_id: str, scope: Scope, *, for_update: bool = False) -> DisciplineCase | None:
        """`for_update` locks the case's row (PostgreSQL): a link waits for a decision in flight."""
        query = scoped_by_upt(
            select(discipline_cases).where(discipline_cases.c.case_id == case_id),
            discipline_cases,
            scope,
            upt_code=None,
            kanwil_code=None,
        )
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        if row is None:
            return None
        case = _case(row)
        await self._load([case])
        return case

    async def find(self, f: CaseFilter, scope: Scope, page: Page) -> tuple[list[DisciplineCase], int]:
        c = discipline_cases.c
        query = scoped_by_upt(select(discipline_cases), discipline_cases, scope, upt_code=f.upt_code, kanwil_code=f.kanwil_code)
        for column, value in (
            (c.inmate_id, f.inmate_id),
            (c.status, None if f.status is None else f.status.value),
            (c.level, None if f.level is None else f.level.value),
        ):
            if value is not None:
                query = query.where(column == value)
        if f.occurred_from is not None:
            query = query.where(c.occurred_on >= f.occurred_from)
        if f.occurred_to is not None:
            query = query.where(c.occurred_on <= f.occurred_to)
        rows, total = await _page(self.session, query, [c.occurred_on, c.case_id], page)
        found = [_case(r) for r in rows]
        await self._load(found)
        return found, total

    async def _load(self, found: list[DisciplineCase]) -> None:
        """Steps, linked seizures and the sanction of the cases found."""
        if not found:
            return
        by_id = {c.case_id: c for c in found}
        ids = list(by_id)
        steps = (
            select(discipline_case_steps)
            .where(discipline_case_steps.c.case_id.in_(ids))
            .order_by(discipline_case_steps.c.case_id, discipline_case_steps.c.seq)
        )
        for r in (await self.session.execute(steps)).mappings():
            by_id[r["case_id"]].steps.append(
                CaseStep(
                    r["seq"],
                    None if r["from_status"] is None else CaseStatus(r["from_status"]),
                    CaseStatus(r["to_status"]),
                    r["on"],
                    r["by"],
                    r["at"],
                    r["why"],
                )
            )
        links = (
            select(seizure_discipline_cases)
            .where(seizure_discipline_cases.c.case_id.in_(ids))
            .order_by(seizure_discipline_cases.c.seizure_id)
        )
        for r in (await self.session.execute(links)).mappings():
            by_id[r["case_id"]].seizure_ids.append(r["seizure_id"])
        for r in (await self.session.execute(select(sanctions).where(sanctions.c.case_id.in_(ids)))).mappings():
            by_id[r["case_id"]].sanction = _sanction(r)

    async def _save_steps(self, case: DisciplineCase) -> None:
        if case.new_steps:
            await self.session.execute(
                insert(discipline_case_steps),
                [
                    {
                        "case_id": case.case_id,
                        "seq": st.seq,
                        "from_status": None if st.from_status is None else st.from_status.value,
                        "to_status": st.to_status.value,
                        "on": st.on,
                        "by": st.by,
                        "at": st.at,
                        "why": st.why,
                    }
                    for st in case.new_steps
                ],
            )
            case.new_steps.clear()


async def cases_of_seizures(session: AsyncSession, seizure_ids: list[str]) -> dict[str, list[str]]:
    """seizure id -> the discipline cases it led to."""
    found: dict[str, list[str]] = {}
    if not seizure_ids:
        return found
    query = (
        select(seizure_discipline_cases)
        .where(seizure_discipline_cases.c.seizure_id.in_(seizure_ids))
        .order_by(seizure_discipline_cases.c.case_id)
    )
    for r in (await session.execute(query)).mappings():
        found.setdefault(r["seizure_id"], []).append(r["case_id"])
    return found
