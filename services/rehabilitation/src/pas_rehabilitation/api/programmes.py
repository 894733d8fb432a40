"""Routes for programmes: open one, list and read them, record a session's attendance, complete
or withdraw an enrolment, and the categories (rule data)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from pas_rehabilitation.adapters.programmes import ProgrammeRepository
from pas_rehabilitation.api.routes import enrolment_out
from pas_rehabilitation.api.schemas import CODE, Body, EnrolmentOut
from pas_rehabilitation.app import programmes
from pas_rehabilitation.app.programmes import OpenProgramme
from pas_rehabilitation.domain.catalogue import in_force, programme_categories
from pas_rehabilitation.domain.programme import Programme, ProgrammeKind
from pas_shared.api import ActorDep, ClockDep, DatabaseDep, PageDep, PageOut, ScopeDep
from pas_shared.events.rehabilitation import Grade
from pas_shared.events.remission import UPT_CODE

router = APIRouter(prefix="/api/v1", tags=["programmes"])


class ProgrammeIn(Body):
    upt_code: str = Field(pattern=UPT_CODE, examples=["LP-CIPINANG"])
    kind: ProgrammeKind
    category: str = Field(pattern=CODE, examples=["bakery", "religious"], description="From GET /api/v1/programme-categories.")
    name: str = Field(min_length=1, max_length=200, examples=["Pelatihan roti dan kue"])
    sae_site: str | None = Field(
        default=None, min_length=1, max_length=200, description="The SAE (Sarana Asimilasi dan Edukasi) site."
    )
    capacity: int = Field(ge=1, le=10_000)
    instructors: list[str] = Field(default_factory=list, max_length=50)
    partners: list[str] = Field(
        default_factory=list, max_length=50, description="Partner organisations (companies, agencies, NGOs)."
    )
    starts_on: date
    ends_on: date | None = None


class ProgrammeOut(BaseModel):
    programme_id: str
    upt_code: str
    kanwil_code: str
    kind: ProgrammeKind
    category: str
    name: str
    sae_site: str | None
    capacity: int
    enrolled: int = Field(description="Active enrolments (not completed, not withdrawn).")
    instructors: list[str]
    partners: list[str]
    starts_on: date
    ends_on: date | None


def _out(p: Programme, enrolled: int) -> ProgrammeOut:
    return ProgrammeOut(
        programme_id=p.programme_id,
        upt_code=p.upt_code,
        kanwil_code=p.kanwil_code,
        kind=p.kind,
        category=p.category,
        name=p.name,
        sae_site=p.sae_site,
        capacity=p.capacity,
        enrolled=enrolled,
        instructors=list(p.instructors),
        partners=list(p.partners),
        starts_on=p.starts_on,
        ends_on=p.ends_on,
    )


@router.post("/programmes", status_code=status.HTTP_201_CREATED, operation_id="openProgramme")
async def open_programme(body: ProgrammeIn, db: DatabaseDep, actor: ActorDep, scope: ScopeDep) -> ProgrammeOut:
    cmd = OpenProgramme(
        upt_code=body.upt_code,
        kind=body.kind,
        category=body.category,
        name=body.name,
        sae_site=body.sae_site,
        capacity=body.capacity,
        instructors=tuple(body.instructors),
        partners=tuple(body.partners),
        starts_on=body.starts_on,
        ends_on=body.ends_on,
    )
    return _out(await programmes.open_programme(db, cmd, scope=scope, actor=actor), 0)


@router.get("/programmes", operation_id="listProgrammes")
async def list_programmes(
    db: DatabaseDep,
    page: PageDep,
    scope: ScopeDep,
    upt_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
    kanwil_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
    kind: ProgrammeKind | None = None,
    category: Annotated[str | None, Query(pattern=CODE)] = None,
) -> PageOut[ProgrammeOut]:
    async with db.sessions() as session:
        found, total = await ProgrammeRepository(session).search(
            scope, upt_code=upt_code, kanwil_code=kanwil_code, kind=kind, category=category, limit=page.limit, offset=page.offset
        )
    return PageOut(items=[_out(p, n) for p, n in found], total=total, limit=page.limit, offset=page.offset)


@router.get("/programmes/{programme_id}", operation_id="getProgramme")
async def get_programme(programme_id: str, db: DatabaseDep, scope: ScopeDep) -> ProgrammeOut:
    return _out(*await programmes.get_programme(db, programme_id, scope))


class SessionIn(Body):
    held_on: date
    topic: str | None = Field(default=None, min_length=1, max_length=200)
    present: list[str] = Field(max_length=10_000, description="Inmates present; every other active enrolment is recorded absent.")


class SessionOut(BaseModel):
    session_id: str
    programme_id: str
    held_on: date
    topic: str | None
    present: int
    absent: int


@router.post("/programmes/{programme_id}/sessions", status_code=status.HTTP_201_CREATED, operation_id="recordProgrammeSession")
async def record_session(
    programme_id: str, body: SessionIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep
) -> SessionOut:
    s = await programmes.record_session(
        db, programme_id, held_on=body.held_on, topic=body.topic, present=body.present, scope=scope, actor=actor, clock=clock
    )
    return SessionOut(
        session_id=s.session_id,
        programme_id=s.programme_id,
        held_on=s.held_on,
        topic=s.topic,
        present=len(s.present),
        absent=len(s.absent),
    )


class CompleteIn(Body):
    completed_on: date
    grade: Grade | None = Field(default=None, description="Required when the enrolment was not graded yet; refused when it was.")


class CompletedOut(EnrolmentOut):
    sessions_held: int = Field(description="Sessions on the inmate's register while enrolled.")
    sessions_attended: int


@router.post("/enrolments/{enrolment_id}/complete", operation_id="completeEnrolment")
async def complete(
    enrolment_id: str, body: CompleteIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep
) -> CompletedOut:
    e, (held, attended) = await programmes.complete_enrolment(
        db, enrolment_id, completed_on=body.completed_on, grade=body.grade, scope=scope, actor=actor, clock=clock
    )
    return CompletedOut(**enrolment_out(e).model_dump(), sessions_held=held, sessions_attended=attended)


class WithdrawIn(Body):
    withdrawn_on: date


@router.post("/enrolments/{enrolment_id}/withdraw", operation_id="withdrawEnrolment")
async def withdraw(
    enrolment_id: str, body: WithdrawIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep
) -> EnrolmentOut:
    e = await programmes.withdraw_enrolment(
        db, enrolment_id, withdrawn_on=body.withdrawn_on, scope=scope, actor=actor, clock=clock
    )
    return enrolment_out(e)


class CategoryOut(BaseModel):
    code: str
    name: str


class CategoriesOut(BaseModel):
    regulation: str
    status: str
    effective_from: date
    kemandirian: list[CategoryOut]
    kepribadian: list[CategoryOut]


@router.get("/programme-categories", operation_id="listProgrammeCategories")
async def categories(clock: ClockDep, on: date | None = None) -> CategoriesOut:
    day = on or clock().date()
    rs = in_force("programme-categories", day)
    by_kind = {k: [CategoryOut(code=c, name=n) for c, n in programme_categories(k.value, day).items()] for k in ProgrammeKind}
    return CategoriesOut(
        regulation=rs.cite(),
        status=rs.status,
        effective_from=rs.effective_from,
        kemandirian=by_kind[ProgrammeKind.KEMANDIRIAN],
        kepribadian=by_kind[ProgrammeKind.KEPRIBADIAN],
    )
