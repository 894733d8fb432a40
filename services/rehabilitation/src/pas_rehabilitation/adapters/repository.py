"""Repositories: domain objects in and out of the service's tables."""

from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pas_rehabilitation.adapters.scoping import within
from pas_rehabilitation.adapters.tables import enrolments, risk_assessments
from pas_rehabilitation.domain.programme import ACTIVE, Enrolment, EnrolmentStatus, ProgrammeKind, concurrent_change
from pas_rehabilitation.domain.risk import Assessment, concurrent_assessment
from pas_shared.api import Scope
from pas_shared.events.rehabilitation import Grade, RiskLevel


class EnrolmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, enrolment_id: str) -> Enrolment | None:
        query = select(enrolments).where(enrolments.c.enrolment_id == enrolment_id)
        row = (await self.session.execute(query)).mappings().first()
        return None if row is None else _enrolment(row)

    async def of_programme(self, programme_id: str, *, active_only: bool = False) -> list[Enrolment]:
        query = select(enrolments).where(enrolments.c.programme_id == programme_id)
        if active_only:
            query = query.where(enrolments.c.status.in_([s.value for s in ACTIVE]))
        query = query.order_by(enrolments.c.enrolled_on, enrolments.c.enrolment_id)
        return [_enrolment(row) for row in (await self.session.execute(query)).mappings()]

    async def add(self, enrolment: Enrolment) -> None:
        await self.session.execute(insert(enrolments).values(**enrolment_row(enrolment)))

    async def save(self, enrolment: Enrolment, *, was: EnrolmentStatus) -> None:
        """Save the status, grade and end; refused if another request changed the status first."""
        result = await self.session.execute(
            update(enrolments)
            .where(enrolments.c.enrolment_id == enrolment.enrolment_id, enrolments.c.status == was.value)
            .values(
                status=enrolment.status.value,
                grade=enrolment.grade.value if enrolment.grade is not None else None,
                graded_on=enrolment.graded_on,
                ended_on=enrolment.ended_on,
            )
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise concurrent_change(enrolment.enrolment_id)


def _enrolment(row: Any) -> Enrolment:
    return Enrolment(
        enrolment_id=row["enrolment_id"],
        inmate_id=row["inmate_id"],
        upt_code=row["upt_code"],
        programme=row["programme"],
        kind=ProgrammeKind(row["kind"]),
        enrolled_on=row["enrolled_on"],
        status=EnrolmentStatus(row["status"]),
        grade=None if row["grade"] is None else Grade(row["grade"]),
        graded_on=row["graded_on"],
        programme_id=row["programme_id"],
        ended_on=row["ended_on"],
    )


def enrolment_row(e: Enrolment) -> dict[str, Any]:
    return {
        "enrolment_id": e.enrolment_id,
        "inmate_id": e.inmate_id,
        "upt_code": e.upt_code,
        "programme": e.programme,
        "kind": e.kind.value,
        "enrolled_on": e.enrolled_on,
        "status": e.status.value,
        "grade": None if e.grade is None else e.grade.value,
        "graded_on": e.graded_on,
        "programme_id": e.programme_id,
        "ended_on": e.ended_on,
    }


class AssessmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def latest_for_inmate(self, inmate_id: str) -> Assessment | None:
        query = (
            select(risk_assessments)
            .where(risk_assessments.c.inmate_id == inmate_id)
            .order_by(risk_assessments.c.sequence.desc())
            .limit(1)
        )
        row = (await self.session.execute(query)).mappings().first()
        return None if row is None else _assessment(row)

    async def search(
        self,
        scope: Scope,
        *,
        inmate_id: str | None,
        upt_code: str | None,
        kanwil_code: str | None = None,
        limit: int,
        offset: int,
    ) -> tuple[list[Assessment], int]:
        r = risk_assessments
        where = within(scope, r.c.upt_code)
        if kanwil_code is not None:
            where += within(Scope("kanwil", kanwil_code), r.c.upt_code)
        for column, value in ((r.c.inmate_id, inmate_id), (r.c.upt_code, upt_code)):
            if value is not None:
                where.append(column == value)
        total = int((await self.session.execute(select(func.count()).select_from(r).where(*where))).scalar_one())
        query = select(r).where(*where).order_by(r.c.inmate_id, r.c.sequence).limit(limit).offset(offset)
        return [_assessment(row) for row in (await self.session.execute(query)).mappings()], total

    async def add(self, assessment: Assessment) -> None:
        try:
            await self.session.execute(insert(risk_assessments).values(**assessment_row(assessment)))
        except IntegrityError:
            # ux_risk_assessments_inmate_sequence: another assessment of this inmate committed first.
            raise concurrent_assessment(assessment.inmate_id) from None


def _assessment(row: Any) -> Assessment:
    return Assessment(
        assessment_id=row["assessment_id"],
        inmate_id=row["inmate_id"],
        upt_code=row["upt_code"],
        level=RiskLevel(row["level"]),
        assessed_on=row["assessed_on"],
        sequence=row["sequence"],
        previous_level=None if row["previous_level"] is None else RiskLevel(row["previous_level"]),
        reduced=row["reduced"],
    )


def assessment_row(a: Assessment) -> dict[str, Any]:
    return {
        "assessment_id": a.assessment_id,
        "inmate_id": a.inmate_id,
        "upt_code": a.upt_code,
        "level": a.level.value,
        "assessed_on": a.assessed_on,
        "sequence": a.sequence,
        "previous_level": None if a.previous_level is None else a.previous_level.value,
        "reduced": a.reduced,
    }


async def search_enrolments(
    session: AsyncSession,
    scope: Scope,
    *,
    inmate_id: str | None,
    programme_id: str | None,
    upt_code: str | None,
    status: EnrolmentStatus | None,
    limit: int,
    offset: int,
    kanwil_code: str | None = None,
) -> tuple[list[Enrolment], int]:
    e = enrolments
    where = within(scope, e.c.upt_code)
    if kanwil_code is not None:
        where += within(Scope("kanwil", kanwil_code), e.c.upt_code)
    for column, value in ((e.c.inmate_id, inmate_id), (e.c.programme_id, programme_id), (e.c.upt_code, upt_code)):
        if value is not None:
            where.append(column == value)
    if status is not None:
        where.append(e.c.status == status.value)
    total = int((await session.execute(select(func.count()).select_from(e).where(*where))).scalar_one())
    query = select(e).where(*where).order_by(e.c.enrolled_on, e.c.enrolment_id).limit(limit).offset(offset)
    return [_enrolment(row) for row in (await session.execute(query)).mappings()], total
