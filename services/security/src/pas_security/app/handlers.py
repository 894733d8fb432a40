"""Use cases. Each runs in one unit of work: state, events (outbox) and audit commit together."""

from pas_security.adapters.repository import (
    EscapeRepository,
    SanctionRepository,
    escape_row,
    sanction_row,
)
from pas_security.adapters.tables import roster
from pas_security.app.commands import AnnulSanction, RecordRecapture, RecordSanction, ReportEscape
from pas_security.domain.discipline import Sanction
from pas_security.domain.escape import Escape, escape_not_found
from pas_shared.clock import Clock, latest_local_today
from pas_shared.db import Database, UnitOfWork
from pas_shared.errors import NotFound
from pas_shared.ids import new_id
from pas_shared.roster import RosterEntry, require_on_roster


async def record_sanction(db: Database, cmd: RecordSanction, *, actor: str, clock: Clock) -> Sanction:
    async with UnitOfWork(db, actor=actor) as uow:
        entry = await require_on_roster(uow.session, roster, cmd.inmate_id, cmd.upt_code)
        sanction = Sanction.impose(
            case_id=new_id(),
            inmate_id=cmd.inmate_id,
            upt_code=cmd.upt_code,
            level=cmd.level,
            sanctioned_on=cmd.sanctioned_on,
            isolation_days=cmd.isolation_days,
            today=latest_local_today(clock),
        )
        await SanctionRepository(uow.session).add(sanction)
        _publish(uow, sanction, entry)
        uow.audit("discipline.sanctioned", "sanction", sanction.case_id, after=sanction_row(sanction))
    return sanction


async def annul_sanction(db: Database, cmd: AnnulSanction, *, actor: str, clock: Clock) -> Sanction:
    async with UnitOfWork(db, actor=actor) as uow:
        sanctions = SanctionRepository(uow.session)
        sanction = await sanctions.get(cmd.case_id)
        if sanction is None:
            raise NotFound(id=f"Hukuman disiplin {cmd.case_id} tidak ditemukan.", en=f"Sanction {cmd.case_id} does not exist.")
        entry = await require_on_roster(uow.session, roster, sanction.inmate_id, sanction.upt_code)
        before = sanction_row(sanction)
        sanction.annul(on=cmd.annulled_on, today=latest_local_today(clock))
        await sanctions.save_annulment(sanction)
        _publish(uow, sanction, entry)
        uow.audit("discipline.annulled", "sanction", sanction.case_id, before=before, after=sanction_row(sanction))
    return sanction


async def report_escape(db: Database, cmd: ReportEscape, *, actor: str, clock: Clock) -> Escape:
    async with UnitOfWork(db, actor=actor) as uow:
        entry = await require_on_roster(uow.session, roster, cmd.inmate_id, cmd.upt_code)
        escapes = EscapeRepository(uow.session)
        # The escape date (escaped_on) is taken in WIB for now: see domain.escape.DEFAULT_UPT_ZONE.
        escape = Escape.report(
            escape_id=new_id(),
            inmate_id=cmd.inmate_id,
            upt_code=cmd.upt_code,
            escaped_at=cmd.escaped_at,
            method=cmd.method,
            now=clock(),
            open_escape=await escapes.open_for_inmate(cmd.inmate_id),
        )
        await escapes.add(escape)
        _publish(uow, escape, entry)
        uow.audit("escape.reported", "escape", escape.escape_id, after=escape_row(escape))
    return escape


async def record_recapture(db: Database, cmd: RecordRecapture, *, actor: str, clock: Clock) -> Escape:
    async with UnitOfWork(db, actor=actor) as uow:
        escapes = EscapeRepository(uow.session)
        escape = await escapes.get(cmd.escape_id)
        if escape is None:
            raise escape_not_found(cmd.escape_id)
        entry = await require_on_roster(uow.session, roster, escape.inmate_id, escape.upt_code)
        before = escape_row(escape)
        escape.recapture(recaptured_at=cmd.recaptured_at, place=cmd.place, now=clock())
        await escapes.save_recapture(escape)
        _publish(uow, escape, entry)
        uow.audit("escape.recaptured", "escape", escape.escape_id, before=before, after=escape_row(escape))
    return escape


def _publish(uow: UnitOfWork, aggregate: Sanction | Escape, entry: RosterEntry) -> None:
    # subject = inmate: one inmate's discipline (or escape) events stay in order on one partition.
    uow.emit_recorded(aggregate.events, subject=aggregate.inmate_id, uptcode=aggregate.upt_code, kanwilcode=entry.kanwil_code)
