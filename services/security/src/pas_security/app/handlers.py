"""Use cases of discipline and escapes. Each runs in one unit of work: state, events (outbox) and
audit commit together. Every read and change takes the caller's scope (a record outside it is
not found, a UPT outside it is not known), and legal dates are the UPT's own calendar dates
(its time zone from the UPT directory)."""

from pas_security.adapters.incidents import IncidentRepository
from pas_security.adapters.repository import (
    EscapeeCounts,
    EscapeRepository,
    SanctionRepository,
    escape_row,
    sanction_row,
)
from pas_security.adapters.tables import facilities, roster
from pas_security.app.commands import (
    AddEscapees,
    AnnulSanction,
    RecordDeath,
    RecordRecapture,
    RecordSanction,
    ReportEscape,
)
from pas_security.domain.discipline import Sanction, sanction_not_found
from pas_security.domain.escape import Escape, EscapeStatus, check_escape_incident, escape_not_found
from pas_security.domain.incident import Incident, incident_not_found
from pas_shared.api import Page, Scope
from pas_shared.clock import Clock
from pas_shared.db import Database, UnitOfWork
from pas_shared.directory import KnownUpt, require_upt
from pas_shared.errors import RuleViolation
from pas_shared.ids import new_id
from pas_shared.roster import require_on_roster


async def record_sanction(db: Database, cmd: RecordSanction, *, scope: Scope, actor: str, clock: Clock) -> Sanction:
    async with UnitOfWork(db, actor=actor) as uow:
        upt = await require_upt(uow.session, facilities, cmd.upt_code, scope=scope)
        await require_on_roster(uow.session, roster, cmd.inmate_id, upt.upt_code)
        sanction = Sanction.impose(
            case_id=new_id(),
            inmate_id=cmd.inmate_id,
            upt_code=upt.upt_code,
            level=cmd.level,
            sanctioned_on=cmd.sanctioned_on,
            isolation_days=cmd.isolation_days,
            today=upt.today(clock),
        )
        await SanctionRepository(uow.session).add(sanction)
        _publish(uow, sanction, upt)
        uow.audit("discipline.sanctioned", "sanction", sanction.case_id, after=sanction_row(sanction))
    return sanction


async def annul_sanction(db: Database, cmd: AnnulSanction, *, scope: Scope, actor: str, clock: Clock) -> Sanction:
    async with UnitOfWork(db, actor=actor) as uow:
        sanctions = SanctionRepository(uow.session)
        sanction = await sanctions.get(cmd.case_id, scope)
        if sanction is None:
            raise sanction_not_found(cmd.case_id)
        upt = await require_upt(uow.session, facilities, sanction.upt_code)
        await require_on_roster(uow.session, roster, sanction.inmate_id, sanction.upt_code)
        before = sanction_row(sanction)
        sanction.annul(on=cmd.annulled_on, today=upt.today(clock))
        await sanctions.save_annulment(sanction)
        _publish(uow, sanction, upt)
        uow.audit("discipline.annulled", "sanction", sanction.case_id, before=before, after=sanction_row(sanction))
    return sanction


async def list_sanctions(
    db: Database, *, inmate_id: str | None, upt_code: str | None, kanwil_code: str | None, scope: Scope, page: Page
) -> tuple[list[Sanction], int]:
    async with db.sessions() as session:
        return await SanctionRepository(session).find(
            scope, inmate_id=inmate_id, upt_code=upt_code, kanwil_code=kanwil_code, page=page
        )


async def report_escape(db: Database, cmd: ReportEscape, *, scope: Scope, actor: str, clock: Clock) -> Escape:
    async with UnitOfWork(db, actor=actor) as uow:
        upt = await require_upt(uow.session, facilities, cmd.upt_code, scope=scope)
        await require_on_roster(uow.session, roster, cmd.inmate_id, upt.upt_code)
        if cmd.incident_id is not None:
            incident = await IncidentRepository(uow.session).get(cmd.incident_id, scope, for_update=True)
            if incident is None:
                error = incident_not_found(cmd.incident_id, "incident_id")
                raise RuleViolation("incident_id", "incident-exists", id=error.detail_id, en=error.detail_en)
            check_escape_incident(incident, upt_code=upt.upt_code)
        escapes = EscapeRepository(uow.session)
        escape = Escape.report(
            escape_id=new_id(),
            inmate_id=cmd.inmate_id,
            upt_code=upt.upt_code,
            escaped_at=cmd.escaped_at,
            method=cmd.method,
            now=clock(),
            zone=upt.zone,
            open_escape=await escapes.open_for_inmate(cmd.inmate_id),
            incident_id=cmd.incident_id,
        )
        await escapes.add(escape)
        _publish(uow, escape, upt)
        uow.audit("escape.reported", "escape", escape.escape_id, after=escape_row(escape))
    return escape


async def add_escapees(db: Database, cmd: AddEscapees, *, scope: Scope, actor: str, clock: Clock) -> list[Escape]:
    """Several escapees of one escape incident, all or none: each its own escape record with its
    own escape.reported (then escape.linked naming the incident), keyed by the inmate."""
    async with UnitOfWork(db, actor=actor) as uow:
        incident = await IncidentRepository(uow.session).get(cmd.incident_id, scope, for_update=True)
        if incident is None:
            raise incident_not_found(cmd.incident_id)
        check_escape_incident(incident, upt_code=incident.upt_code)
        upt = await require_upt(uow.session, facilities, incident.upt_code)
        escapes = EscapeRepository(uow.session)
        added: list[Escape] = []
        for i, given in enumerate(cmd.escapees):
            prefix = f"escapees[{i}]."
            if any(e.inmate_id == given.inmate_id for e in added):
                raise RuleViolation(
                    f"{prefix}inmate_id",
                    "escapee-listed-once",
                    id=f"WBP {given.inmate_id} disebut dua kali.",
                    en=f"Inmate {given.inmate_id} is listed twice.",
                )
            await _require_on_roster(uow, given.inmate_id, incident, prefix)
            escape = Escape.report(
                escape_id=new_id(),
                inmate_id=given.inmate_id,
                upt_code=upt.upt_code,
                escaped_at=given.escaped_at or incident.occurred_at,
                method=given.method,
                now=clock(),
                zone=upt.zone,
                open_escape=await escapes.open_for_inmate(given.inmate_id),
                incident_id=incident.incident_id,
                prefix=prefix,
            )
            added.append(escape)
        for i, escape in enumerate(added):
            await escapes.add(escape, field_name=f"escapees[{i}].inmate_id")
            _publish(uow, escape, upt)
            uow.audit("escape.reported", "escape", escape.escape_id, after=escape_row(escape))
    return added


async def _require_on_roster(uow: UnitOfWork, inmate_id: str, incident: Incident, prefix: str) -> None:
    try:
        await require_on_roster(uow.session, roster, inmate_id, incident.upt_code)
    except RuleViolation as refused:
        error = refused.errors[0]
        raise RuleViolation(f"{prefix}inmate_id", error.rule, id=refused.detail_id, en=refused.detail_en) from None


async def escapees_of_incident(
    db: Database, incident_id: str, *, status: EscapeStatus | None, scope: Scope, page: Page
) -> tuple[Incident, list[Escape], int, EscapeeCounts | None]:
    """The incident, a page of its escapees (oldest escape first) and its counts by status."""
    async with db.sessions() as session:
        incident = await IncidentRepository(session).get(incident_id, scope)
        if incident is None:
            raise incident_not_found(incident_id)
        escapes = EscapeRepository(session)
        found, total = await escapes.find(
            scope, upt_code=None, kanwil_code=None, status=status, page=page, incident_id=incident_id
        )
        counts, _ = await escapes.counts_by_incident(
            scope, upt_code=None, kanwil_code=None, incident_id=incident_id, page=Page(1, 0)
        )
    return incident, found, total, counts[0] if counts else None


async def escapee_counts(
    db: Database, *, upt_code: str | None, kanwil_code: str | None, scope: Scope, page: Page
) -> tuple[list[EscapeeCounts], int]:
    async with db.sessions() as session:
        return await EscapeRepository(session).counts_by_incident(
            scope, upt_code=upt_code, kanwil_code=kanwil_code, incident_id=None, page=page
        )


async def record_recapture(db: Database, cmd: RecordRecapture, *, scope: Scope, actor: str, clock: Clock) -> Escape:
    async with UnitOfWork(db, actor=actor) as uow:
        escapes = EscapeRepository(uow.session)
        escape = await escapes.get(cmd.escape_id, scope)
        if escape is None:
            raise escape_not_found(cmd.escape_id)
        upt = await require_upt(uow.session, facilities, escape.upt_code)
        before = escape_row(escape)
        escape.recapture(recaptured_at=cmd.recaptured_at, place=cmd.place, now=clock(), zone=upt.zone)
        await escapes.save_recapture(escape)
        _publish(uow, escape, upt)
        uow.audit("escape.recaptured", "escape", escape.escape_id, before=before, after=escape_row(escape))
    return escape


async def record_death(db: Database, cmd: RecordDeath, *, scope: Scope, actor: str, clock: Clock) -> Escape:
    """The escapee died at large: the escape ends (remission ends the time at large that day)."""
    async with UnitOfWork(db, actor=actor) as uow:
        escapes = EscapeRepository(uow.session)
        escape = await escapes.get(cmd.escape_id, scope)
        if escape is None:
            raise escape_not_found(cmd.escape_id)
        upt = await require_upt(uow.session, facilities, escape.upt_code)
        before = escape_row(escape)
        escape.record_death(died_on=cmd.died_on, place=cmd.place, source=cmd.source, today=upt.today(clock))
        await escapes.save_death(escape)
        _publish(uow, escape, upt)
        uow.audit("escape.died", "escape", escape.escape_id, before=before, after=escape_row(escape))
    return escape


async def list_escapes(
    db: Database,
    *,
    upt_code: str | None,
    kanwil_code: str | None,
    status: EscapeStatus | None,
    scope: Scope,
    page: Page,
    incident_id: str | None = None,
) -> tuple[list[Escape], int]:
    async with db.sessions() as session:
        return await EscapeRepository(session).find(
            scope, upt_code=upt_code, kanwil_code=kanwil_code, status=status, page=page, incident_id=incident_id
        )


def _publish(uow: UnitOfWork, aggregate: Sanction | Escape, upt: KnownUpt) -> None:
    # subject = inmate: one inmate's discipline (or escape) events stay in order on one partition.
    uow.emit_recorded(aggregate.events, subject=aggregate.inmate_id, uptcode=aggregate.upt_code, kanwilcode=upt.kanwil_code)
