"""Integration-rights applications: open one (the engine checks eligibility), record the
documents, take each step, decree, release to Bapas supervision, complete or revoke. Each use
case runs in one unit of work: the application, its transitions, the register, the events
(outbox) and the audit entry commit together or not at all. Only the decree, a revocation, a
completion and a release publish anything."""

from dataclasses import asdict, dataclass, replace
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from pas_remission.adapters.applications import ApplicationRepository, application_row
from pas_remission.adapters.repository import EVERYWHERE, FacilityRepository, InmateRepository, inmate_row
from pas_remission.app.access import read_region, region_parts
from pas_remission.app.handlers import local_today
from pas_remission.app.queries import case_for, facts_of
from pas_remission.domain.applications import (
    BEFORE_DECREE,
    ENDED,
    Application,
    ApplicationStatus,
    Document,
    IntegrationRight,
    StageClock,
    StageState,
    application_not_found,
    decide,
    integration_rules,
    one_open_application,
    required_documents,
    revocation_grounds,
    same_lane,
    service_levels,
    stage_clocks,
)
from pas_remission.domain.engine import Case, Engine
from pas_remission.domain.facility import Facility
from pas_remission.domain.inmate import Inmate, inmate_not_found
from pas_shared.api import Scope
from pas_shared.clock import Clock, local_date
from pas_shared.db import Database, UnitOfWork
from pas_shared.errors import Conflict, RuleViolation
from pas_shared.ids import new_id


async def _case(session: AsyncSession, inmate: Inmate, on: date, assume_conditions_met: bool) -> Case:
    """The engine's view of the inmate on `on`. A completed asimilasi counts as asimilasi served
    (narkotika sentences of 5 years or more need it before PB)."""
    repo = InmateRepository(session)
    i = inmate.inmate_id
    facts = await facts_of(repo, i)
    case = case_for(inmate, facts, on, assume_conditions_met)
    if await ApplicationRepository(session).asimilasi_completed(i):
        case = replace(case, asimilasi_served=True)
    return case


async def _facility(session: AsyncSession, upt_code: str) -> Facility:
    facility = await FacilityRepository(session).get(upt_code, scope=EVERYWHERE)
    if facility is None:  # applications and the register only name registered facilities
        raise RuntimeError(f"unknown UPT {upt_code}")
    return facility


async def _held_inmate(session: AsyncSession, inmate_id: str, scope: Scope) -> Inmate:
    inmate = await InmateRepository(session).get(inmate_id, scope=scope)
    if inmate is None:
        raise inmate_not_found(inmate_id)
    if inmate.released_on is not None:
        raise Conflict(
            id=f"WBP {inmate_id} sudah bebas pada {inmate.released_on.isoformat()}.",
            en=f"Inmate {inmate_id} was released on {inmate.released_on.isoformat()}.",
        )
    return inmate


async def _load(uow: UnitOfWork, application_id: str, scope: Scope) -> tuple[ApplicationRepository, Application, Facility]:
    """The application, found only within the caller's scope (404 outside it, before anything is
    written), its repository and the UPT it is with."""
    repo = ApplicationRepository(uow.session)
    app = await repo.get(application_id, scope=scope)
    if app is None:
        raise application_not_found(application_id)
    return repo, app, await _facility(uow.session, app.upt_code)


async def open_application(
    db: Database,
    *,
    inmate_id: str,
    right: IntegrationRight,
    proposed_on: date | None,
    why: str,
    scope: Scope,
    actor: str,
    clock: Clock,
    assume_conditions_met: bool,
) -> Application:
    async with UnitOfWork(db, actor=actor) as uow:
        inmate = await _held_inmate(uow.session, inmate_id, scope)
        if inmate.verdict is None:
            raise RuleViolation(
                "inmate_id",
                "verdict-recorded",
                id="Putusan belum dicatat; hak integrasi hanya untuk narapidana.",
                en="No verdict recorded yet; integration rights are for convicts only.",
            )
        repo = ApplicationRepository(uow.session)
        if any(
            a.status not in ENDED and same_lane(a.right, right) for a in await repo.find(inmate_id=inmate_id, scope=EVERYWHERE)
        ):
            raise one_open_application(inmate_id, right)  # the unique index catches concurrent requests
        facility = await _facility(uow.session, inmate.upt_code)
        today = local_today(clock, facility)
        on = proposed_on or today
        decision = decide(Engine(), right, await _case(uow.session, inmate, on, assume_conditions_met), on)
        app = Application.open(
            application_id=new_id(),
            inmate_id=inmate_id,
            upt_code=inmate.upt_code,
            kanwil_code=inmate.kanwil_code,
            right=right,
            crime=inmate.verdict.crime,
            decision=decision,
            proposed_on=on,
            today=today,
            now=clock(),
            by=actor,
            why=why,
        )
        await repo.add(app)
        uow.audit(
            "integration-application.opened",
            "integration-application",
            app.application_id,
            after=application_row(app) | {"eligibility": [asdict(s) for s in decision.steps]},
        )
    return app


async def record_documents(
    db: Database,
    application_id: str,
    *,
    documents: list[str],
    received_on: date | None,
    scope: Scope,
    actor: str,
    clock: Clock,
) -> Application:
    async with UnitOfWork(db, actor=actor) as uow:
        repo, app, facility = await _load(uow, application_id, scope)
        today = local_today(clock, facility)
        before = application_row(app)
        _, required = required_documents(integration_rules(), app.right, app.opened_on)
        new = app.record_documents(documents, received_on=received_on or today, required=required, today=today)
        if new:
            await repo.save(app, by=actor, at=clock())
            uow.audit(
                "integration-application.documents-received",
                "integration-application",
                application_id,
                before=before,
                after=application_row(app),
            )
    return app


async def take_step(
    db: Database, application_id: str, *, to: ApplicationStatus, why: str, scope: Scope, actor: str, clock: Clock
) -> Application:
    """documents-complete, tpp-upt-recommended, kanwil-verified, ditjenpas-approved, rejected,
    withdrawn or completed."""
    async with UnitOfWork(db, actor=actor) as uow:
        repo, app, facility = await _load(uow, application_id, scope)
        today = local_today(clock, facility)
        before = application_row(app)
        _, required = required_documents(integration_rules(), app.right, app.opened_on)
        now = clock()
        app.step(to, required=required, by=actor, why=why, at=now, today=today)
        await repo.save(app, by=actor, at=now)
        uow.emit_recorded(app.events, subject=app.application_id, uptcode=app.upt_code, kanwilcode=app.kanwil_code)
        uow.audit(
            f"integration-application.{to.value}",
            "integration-application",
            application_id,
            before=before,
            after=application_row(app),
        )
    return app


async def decree(
    db: Database,
    application_id: str,
    *,
    decree_number: str,
    starts_on: date,
    ends_on: date | None,
    why: str,
    scope: Scope,
    actor: str,
    clock: Clock,
    assume_conditions_met: bool,
) -> Application:
    async with UnitOfWork(db, actor=actor) as uow:
        repo, app, facility = await _load(uow, application_id, scope)
        today = local_today(clock, facility)
        before = application_row(app)
        inmate = await _held_inmate(uow.session, app.inmate_id, EVERYWHERE)  # held where the application is
        engine = Engine()
        case = await _case(uow.session, inmate, starts_on, assume_conditions_met)
        release_on = engine.release_date(case)
        assert release_on is not None  # the engine refuses life and death sentences before this
        now = clock()
        decided = app.decree(
            decree_number=decree_number,
            starts_on=starts_on,
            ends_on=ends_on,
            decision=decide(engine, app.right, case, starts_on),
            release_on=release_on,
            by=actor,
            why=why,
            at=now,
            today=today,
        )
        if not decided:
            return app
        await repo.save(app, by=actor, at=now)
        uow.emit_recorded(app.events, subject=app.application_id, uptcode=app.upt_code, kanwilcode=app.kanwil_code)
        uow.audit(
            "integration-application.decreed",
            "integration-application",
            application_id,
            before=before,
            after=application_row(app),
        )
    return app


async def release_to_supervision(
    db: Database, application_id: str, *, released_on: date | None, why: str, scope: Scope, actor: str, clock: Clock
) -> Application:
    """PB, CB, CMB: the inmate leaves the UPT (released in the register, reason pb, cb or cmb)
    under Bapas supervision. Asimilasi: supervision starts; the inmate stays in the register."""
    async with UnitOfWork(db, actor=actor) as uow:
        repo, app, facility = await _load(uow, application_id, scope)
        today = local_today(clock, facility)
        on = released_on or today
        before = application_row(app)
        now = clock()
        reason = app.start_supervision(on=on, by=actor, why=why, at=now, today=today)
        if reason is not None:
            inmates = InmateRepository(uow.session)
            inmate = await _held_inmate(uow.session, app.inmate_id, EVERYWHERE)
            inmate_before = inmate_row(inmate)
            inmate.release(on=on, reason=reason, today=today)
            await inmates.save(inmate)
            uow.emit_recorded(inmate.events, subject=inmate.inmate_id, uptcode=inmate.upt_code, kanwilcode=inmate.kanwil_code)
            uow.audit("inmate.released", "inmate", inmate.inmate_id, before=inmate_before, after=inmate_row(inmate))
        await repo.save(app, by=actor, at=now)
        uow.audit(
            "integration-application.under-bapas-supervision",
            "integration-application",
            application_id,
            before=before,
            after=application_row(app),
        )
    return app


async def revoke(
    db: Database,
    application_id: str,
    *,
    ground: str,
    revoked_on: date | None,
    why: str,
    scope: Scope,
    actor: str,
    clock: Clock,
) -> Application:
    """Pencabutan: recorded here and published. The person's return to custody is a new
    admission in the register, recorded separately."""
    async with UnitOfWork(db, actor=actor) as uow:
        repo, app, facility = await _load(uow, application_id, scope)
        today = local_today(clock, facility)
        on = revoked_on or today
        before = application_row(app)
        _, grounds = revocation_grounds(integration_rules(), on)
        now = clock()
        app.revoke(ground=ground, grounds=grounds, on=on, by=actor, why=why, at=now, today=today)
        await repo.save(app, by=actor, at=now)
        uow.emit_recorded(app.events, subject=app.application_id, uptcode=app.upt_code, kanwilcode=app.kanwil_code)
        uow.audit(
            "integration-application.revoked",
            "integration-application",
            application_id,
            before=before,
            after=application_row(app),
        )
    return app


# -- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationView:
    application: Application
    documents_rule: str
    required: list[Document]
    stages: list[StageClock]
    today: date  # the UPT's local date the stages were judged on


def _today_in(clock: Clock, zone: str) -> date:
    return local_date(clock(), zone)


async def get_application(db: Database, application_id: str, *, scope: Scope, clock: Clock) -> ApplicationView:
    async with db.sessions() as session:
        app = await ApplicationRepository(session).get(application_id, scope=scope)
        if app is None:
            raise application_not_found(application_id)
        facility = await _facility(session, app.upt_code)
    rules = integration_rules()
    today = _today_in(clock, facility.time_zone.value)
    doc_rule, required = required_documents(rules, app.right, app.opened_on)
    stages = stage_clocks(app, service_levels(rules, app.opened_on), facility.time_zone.value, today)
    return ApplicationView(app, f"{doc_rule.cite()} [{doc_rule.status}]", required, stages, today)


async def list_applications(
    db: Database,
    *,
    upt_code: str | None,
    kanwil_code: str | None,
    status: ApplicationStatus | None,
    right: IntegrationRight | None,
    inmate_id: str | None,
    scope: Scope,
    limit: int,
    offset: int,
) -> list[Application]:
    """The applications in the caller's scope the filters match (a UPT or Kanwil outside the
    scope matches nothing)."""
    async with db.sessions() as session:
        return await ApplicationRepository(session).find(
            upt_code=upt_code,
            kanwil_code=kanwil_code,
            status=status,
            right=right,
            inmate_id=inmate_id,
            scope=scope,
            limit=limit,
            offset=offset,
        )


@dataclass(frozen=True)
class Overdue:
    application: Application
    stage: StageClock
    today: date


async def overdue(db: Database, *, upt_code: str | None, kanwil_code: str | None, scope: Scope, clock: Clock) -> list[Overdue]:
    """Applications not yet decreed with a stage past its due date, in the UPT's local calendar,
    in the UPT or Kanwil asked for (within the caller's scope, 404 otherwise) or the whole scope."""
    async with db.sessions() as session:
        kind, code = region_parts(await read_region(session, scope, upt_code=upt_code, kanwil_code=kanwil_code))
        repo = ApplicationRepository(session)
        apps = await repo.with_history(
            sorted(BEFORE_DECREE),
            upt_code=code if kind == "upt" else None,
            kanwil_code=code if kind == "kanwil" else None,
            scope=scope,
        )
        zones = await repo.zones()
    rules = integration_rules()
    out = []
    for app in apps:
        zone = zones[app.upt_code]
        today = _today_in(clock, zone)
        for stage in stage_clocks(app, service_levels(rules, app.opened_on), zone, today):
            if stage.state is StageState.OVERDUE:
                out.append(Overdue(app, stage, today))
    return sorted(out, key=lambda o: (-o.stage.days_overdue, o.application.application_id, o.stage.stage))
