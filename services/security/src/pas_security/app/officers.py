"""Officer use cases: register and reassign officers, record trainings and disciplinary actions
(each in one unit of work with its event and audit entry), and the reads leadership uses:
expiring certifications, training coverage and inmates per guard, within the caller's scope."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from pas_security.adapters.incidents import IncidentRepository
from pas_security.adapters.officers import (
    OfficerFilter,
    OfficerRepository,
    nip_taken,
    officer_row,
    sanction_row,
    training_row,
)
from pas_security.adapters.tables import facilities
from pas_security.domain.incident import incident_not_found
from pas_security.domain.officer import (
    CertificationState,
    Coverage,
    DisciplineRules,
    Officer,
    OfficerRules,
    OfficerSanction,
    SeparationReason,
    Training,
    coverage,
    guard_ratio_reference,
    officer_not_found,
    ratio,
)
from pas_security.domain.rules import RuleSet
from pas_shared.api import Page, Scope
from pas_shared.clock import Clock, latest_local_today, local_date
from pas_shared.db import Database, UnitOfWork
from pas_shared.directory import require_upt
from pas_shared.errors import RuleViolation
from pas_shared.ids import new_id


@dataclass(frozen=True, kw_only=True)
class RegisterOfficer:
    nip: str
    name: str
    position: str
    post: str
    upt_code: str
    assigned_on: date


@dataclass(frozen=True, kw_only=True)
class ReassignOfficer:
    position: str
    post: str
    upt_code: str
    assigned_on: date


@dataclass(frozen=True, kw_only=True)
class RecordTraining:
    kind: str
    completed_on: date
    passed: bool
    hours: int
    provider: str
    certificate_no: str | None


@dataclass(frozen=True, kw_only=True)
class DisciplineOfficer:
    level: str
    penalty: str
    reason: str
    decided_on: date
    decree_no: str
    incident_id: str | None


def _publish(uow: UnitOfWork, officer: Officer) -> None:
    # subject = officer: one officer's events stay in order on one partition.
    uow.emit_recorded(officer.events, subject=officer.officer_id, uptcode=officer.upt_code, kanwilcode=officer.kanwil_code)


async def register_officer(db: Database, cmd: RegisterOfficer, *, scope: Scope, actor: str, clock: Clock) -> Officer:
    async with UnitOfWork(db, actor=actor) as uow:
        upt = await require_upt(uow.session, facilities, cmd.upt_code, scope=scope)
        repo = OfficerRepository(uow.session)
        officer = Officer.register(
            officer_id=new_id(),
            nip=cmd.nip,
            name=cmd.name,
            position=cmd.position,
            post=cmd.post,
            upt_code=upt.upt_code,
            kanwil_code=upt.kanwil_code,
            assigned_on=cmd.assigned_on,
            today=upt.today(clock),
        )
        if await repo.nip_exists(cmd.nip):
            raise nip_taken(cmd.nip)
        await repo.add(officer)
        _publish(uow, officer)
        uow.audit("officer.registered", "officer", officer.officer_id, after=officer_row(officer))
    return officer


async def _load(uow: UnitOfWork, officer_id: str, scope: Scope) -> tuple[OfficerRepository, Officer]:
    repo = OfficerRepository(uow.session)
    officer = await repo.get(officer_id, scope, for_update=True)
    if officer is None:
        raise officer_not_found(officer_id)
    return repo, officer


async def reassign_officer(
    db: Database, officer_id: str, cmd: ReassignOfficer, *, scope: Scope, actor: str, clock: Clock
) -> Officer:
    async with UnitOfWork(db, actor=actor) as uow:
        repo, officer = await _load(uow, officer_id, scope)
        upt = await require_upt(uow.session, facilities, cmd.upt_code, scope=scope)
        before = officer_row(officer)
        officer.reassign(
            position=cmd.position,
            post=cmd.post,
            upt_code=upt.upt_code,
            kanwil_code=upt.kanwil_code,
            assigned_on=cmd.assigned_on,
            today=upt.today(clock),
        )
        await repo.save(officer)
        _publish(uow, officer)
        uow.audit("officer.reassigned", "officer", officer_id, before=before, after=officer_row(officer))
    return officer


async def separate_officer(
    db: Database, officer_id: str, *, on: date, reason: SeparationReason, scope: Scope, actor: str, clock: Clock
) -> Officer:
    async with UnitOfWork(db, actor=actor) as uow:
        repo, officer = await _load(uow, officer_id, scope)
        upt = await require_upt(uow.session, facilities, officer.upt_code)
        before = officer_row(officer)
        officer.separate(on=on, reason=reason, today=upt.today(clock))
        await repo.save(officer)
        _publish(uow, officer)
        uow.audit("officer.separated", "officer", officer_id, before=before, after=officer_row(officer))
    return officer


async def record_training(
    db: Database, officer_id: str, cmd: RecordTraining, *, scope: Scope, actor: str, clock: Clock
) -> Training:
    async with UnitOfWork(db, actor=actor) as uow:
        repo, officer = await _load(uow, officer_id, scope)
        upt = await require_upt(uow.session, facilities, officer.upt_code)
        training = officer.complete_training(
            training_id=new_id(),
            kind=cmd.kind,
            completed_on=cmd.completed_on,
            passed=cmd.passed,
            hours=cmd.hours,
            provider=cmd.provider,
            certificate_no=cmd.certificate_no,
            today=upt.today(clock),
        )
        await repo.add_training(training)
        _publish(uow, officer)
        uow.audit("training.completed", "officer", officer_id, after=training_row(training))
    return training


async def discipline_officer(
    db: Database, officer_id: str, cmd: DisciplineOfficer, *, scope: Scope, actor: str, clock: Clock
) -> OfficerSanction:
    async with UnitOfWork(db, actor=actor) as uow:
        repo, officer = await _load(uow, officer_id, scope)
        upt = await require_upt(uow.session, facilities, officer.upt_code)
        if cmd.incident_id is not None:
            incident = await IncidentRepository(uow.session).get(cmd.incident_id, scope)
            if incident is None or incident.upt_code != officer.upt_code:
                error = incident_not_found(cmd.incident_id, "incident_id")
                raise RuleViolation("incident_id", "incident-exists", id=error.detail_id, en=error.detail_en)
        sanction = officer.discipline(
            action_id=new_id(),
            level=cmd.level,
            penalty=cmd.penalty,
            reason=cmd.reason,
            decided_on=cmd.decided_on,
            decree_no=cmd.decree_no,
            incident_id=cmd.incident_id,
            today=upt.today(clock),
        )
        await repo.add_sanction(sanction)
        _publish(uow, officer)
        uow.audit("officer-discipline.imposed", "officer", officer_id, after=sanction_row(sanction))
    return sanction


@dataclass(frozen=True)
class OfficerRecord:
    officer: Officer
    trainings: list[Training]
    sanctions: list[OfficerSanction]
    today: date
    warning_days: int

    def state(self, t: Training) -> CertificationState:
        return t.state(self.today, self.warning_days)


async def get_officer(db: Database, officer_id: str, *, scope: Scope, clock: Clock) -> OfficerRecord:
    async with db.sessions() as session:
        repo = OfficerRepository(session)
        officer = await repo.get(officer_id, scope)
        if officer is None:
            raise officer_not_found(officer_id)
        upt = await require_upt(session, facilities, officer.upt_code)
        today = upt.today(clock)
        return OfficerRecord(
            officer, await repo.trainings_of(officer_id), await repo.sanctions_of(officer_id), today, _warning_days(today)
        )


def _warning_days(day: date) -> int:
    return OfficerRules.on(day).warning_days


async def list_officers(db: Database, f: OfficerFilter, *, scope: Scope, page: Page) -> tuple[list[Officer], int]:
    async with db.sessions() as session:
        return await OfficerRepository(session).find(f, scope, page)


@dataclass(frozen=True)
class Expiring:
    training: Training
    officer_name: str
    today: date  # the UPT's local today
    days_left: int  # negative: expired that many days ago
    state: CertificationState


async def expiring_certifications(
    db: Database,
    *,
    upt_code: str | None,
    kanwil_code: str | None,
    within_days: int | None,
    include_expired: bool,
    scope: Scope,
    page: Page,
    clock: Clock,
) -> tuple[list[Expiring], int, int]:
    """Each active officer's latest certification of a kind that ends within the window (default:
    rule data) from the UPT's local today, soonest first; expired ones too when asked."""
    latest = latest_local_today(clock)
    window = within_days if within_days is not None else _warning_days(latest)
    async with db.sessions() as session:
        rows = await OfficerRepository(session).expiring(
            scope, upt_code=upt_code, kanwil_code=kanwil_code, until=latest + timedelta(days=window)
        )
    now = clock()
    found = []
    for t, name, zone in rows:
        today = local_date(now, zone)
        assert t.valid_until is not None  # passed trainings only
        days_left = (t.valid_until - today).days
        if days_left >= window or (days_left < 0 and not include_expired):
            continue
        state = CertificationState.EXPIRED if days_left < 0 else CertificationState.EXPIRING
        found.append(Expiring(t, name, today, days_left, state))
    return found[page.offset : page.offset + page.limit], len(found), window


async def training_coverage(
    db: Database, *, upt_code: str | None, kanwil_code: str | None, on: date | None, scope: Scope, page: Page, clock: Clock
) -> tuple[list[Coverage], int]:
    """Per UPT in scope: of the active officers whose position needs a kind, the share holding a
    certification of it valid on the day (default: the UPT's local today)."""
    now = clock()
    async with db.sessions() as session:
        repo = OfficerRepository(session)
        upts = await repo.guards_and_population(scope, upt_code=upt_code, kanwil_code=kanwil_code)
        people = await repo.active_roster(scope, upt_code=upt_code, kanwil_code=kanwil_code)
        earliest = on or min((local_date(now, zone) for _, _, zone, _, _ in upts), default=now.date())
        certs = await repo.valid_certifications(scope, upt_code=upt_code, kanwil_code=kanwil_code, from_day=earliest)
    by_upt: dict[str, list[tuple[str, str]]] = defaultdict(list)
    officer_upt: dict[str, str] = {}
    for officer_id, position, upt, _ in people:
        by_upt[upt].append((officer_id, position))
        officer_upt[officer_id] = upt
    days = {upt: on or local_date(now, zone) for upt, _, zone, _, _ in upts}
    valid = {
        (officer_id, kind)
        for officer_id, kind, completed_on, valid_until in certs
        if officer_id in officer_upt and completed_on <= days.get(officer_upt[officer_id], earliest) <= valid_until
    }
    result = [
        coverage(
            upt_code=upt, kanwil_code=kanwil, on=days[upt], officers=by_upt[upt], valid=valid, rules=OfficerRules.on(days[upt])
        )
        for upt, kanwil, _, _, _ in upts
    ]
    return result[page.offset : page.offset + page.limit], len(result)


@dataclass(frozen=True)
class GuardRatio:
    upt_code: str
    kanwil_code: str
    population: int
    guards: int
    inmates_per_guard: float | None


async def guard_ratios(
    db: Database, *, upt_code: str | None, kanwil_code: str | None, scope: Scope, page: Page, clock: Clock
) -> tuple[list[GuardRatio], int, GuardRatio, RuleSet]:
    """Inmates per active guard per UPT (population from the roster's headcount), and the total
    over the UPTs listed computed on summed heads and guards (never an average of ratios)."""
    async with db.sessions() as session:
        rows = await OfficerRepository(session).guards_and_population(scope, upt_code=upt_code, kanwil_code=kanwil_code)
    found = [GuardRatio(u, k, p, g, ratio(p, g)) for u, k, _, p, g in rows]
    population, guards = sum(r.population for r in found), sum(r.guards for r in found)
    total = GuardRatio(upt_code or "", kanwil_code or "", population, guards, ratio(population, guards))
    return found[page.offset : page.offset + page.limit], len(found), total, guard_ratio_reference(latest_local_today(clock))


def reference_data(on: date | None, *, clock: Clock) -> tuple[date, OfficerRules, DisciplineRules | None]:
    """The lists in force on a day (default today); no discipline rules before PP 94/2021."""
    day = on or latest_local_today(clock)
    try:
        discipline = DisciplineRules.on(day)
    except RuleViolation:
        discipline = None
    return day, OfficerRules.on(day), discipline
