"""Search (razia) use cases: record a search with its team and seizures, move a seized item along
its chain of custody, link it later to an incident or a discipline case (each in one unit of
work with its events and audit entry), and read
searches, seizures and totals within the caller's scope."""

from dataclasses import dataclass
from datetime import date, datetime

from pas_security.adapters.discipline import DisciplineCaseRepository
from pas_security.adapters.incidents import IncidentRepository, inmates_on_roster
from pas_security.adapters.searches import (
    SearchFilter,
    SearchRepository,
    SeizureFilter,
    search_audit,
    seizure_audit,
    seizure_row,
)
from pas_security.adapters.tables import facilities
from pas_security.domain.discipline_case import case_not_found
from pas_security.domain.incident import incident_not_found
from pas_security.domain.search import (
    CustodyStatus,
    Search,
    SearchRules,
    Seizure,
    SeizureIn,
    TeamMember,
    search_not_found,
    seizure_not_found,
)
from pas_shared.api import Page, Scope
from pas_shared.clock import Clock, latest_local_today
from pas_shared.db import Database, UnitOfWork
from pas_shared.directory import require_upt
from pas_shared.errors import RuleViolation
from pas_shared.ids import new_id


@dataclass(frozen=True, kw_only=True)
class ConductSearch:
    upt_code: str
    place: str
    location: str
    started_at: datetime
    ended_at: datetime | None
    team: list[TeamMember]
    items: list[SeizureIn]
    incident_id: str | None
    notes: str | None


@dataclass(frozen=True, kw_only=True)
class CustodyMove:
    to: CustodyStatus
    at: datetime
    handled_by: str
    place: str
    witness: str
    recipient: str | None
    document_no: str | None


@dataclass(frozen=True, kw_only=True)
class LinkSeizure:
    incident_id: str | None
    case_id: str | None
    why: str


def _publish(uow: UnitOfWork, events_of: Search | Seizure) -> None:
    # subject = search: a search's events and those of its seized items stay in order.
    uow.emit_recorded(events_of.events, subject=events_of.search_id, uptcode=events_of.upt_code, kanwilcode=events_of.kanwil_code)


async def conduct_search(db: Database, cmd: ConductSearch, *, scope: Scope, actor: str, clock: Clock) -> Search:
    async with UnitOfWork(db, actor=actor) as uow:
        upt = await require_upt(uow.session, facilities, cmd.upt_code, scope=scope)
        if cmd.incident_id is not None:
            incident = await IncidentRepository(uow.session).get(cmd.incident_id, scope)
            if incident is None or incident.upt_code != upt.upt_code:
                error = incident_not_found(cmd.incident_id, "incident_id")
                raise RuleViolation("incident_id", "incident-exists", id=error.detail_id, en=error.detail_en)
        named = [i.inmate_id for i in cmd.items if i.inmate_id]
        search = Search.conduct(
            search_id=new_id(),
            upt_code=upt.upt_code,
            kanwil_code=upt.kanwil_code,
            time_zone=upt.time_zone,
            place=cmd.place,
            location=cmd.location,
            started_at=cmd.started_at,
            ended_at=cmd.ended_at,
            team=cmd.team,
            items=cmd.items,
            incident_id=cmd.incident_id,
            notes=cmd.notes,
            on_roster=await inmates_on_roster(uow.session, upt.upt_code, named),
            new_id=new_id,
            by=actor,
            now=clock(),
        )
        await SearchRepository(uow.session).add(search)
        _publish(uow, search)
        uow.audit("search.conducted", "search", search.search_id, after=search_audit(search))
    return search


async def move_seizure(db: Database, seizure_id: str, cmd: CustodyMove, *, scope: Scope, actor: str, clock: Clock) -> Seizure:
    async with UnitOfWork(db, actor=actor) as uow:
        repo = SearchRepository(uow.session)
        seizure = await repo.get_seizure(seizure_id, scope, for_update=True)
        if seizure is None:
            raise seizure_not_found(seizure_id)
        before = seizure_row(seizure)
        seizure.move(
            cmd.to,
            at=cmd.at,
            handled_by=cmd.handled_by,
            place=cmd.place,
            witness=cmd.witness,
            recipient=cmd.recipient,
            document_no=cmd.document_no,
            by=actor,
            now=clock(),
        )
        await repo.save_seizure(seizure)
        _publish(uow, seizure)
        uow.audit(f"seizure.{cmd.to.value}", "seizure", seizure_id, before=before, after=seizure_row(seizure))
    return seizure


async def link_seizure(db: Database, seizure_id: str, cmd: LinkSeizure, *, scope: Scope, actor: str, clock: Clock) -> Seizure:
    """Links a seized item, after its search, to one incident or one discipline case of its UPT."""
    if (cmd.incident_id is None) == (cmd.case_id is None):
        raise RuleViolation(
            "incident_id",
            "one-link-target",
            id="Sebutkan tepat satu: incident_id atau case_id.",
            en="Give exactly one of incident_id and case_id.",
        )
    async with UnitOfWork(db, actor=actor) as uow:
        repo = SearchRepository(uow.session)
        seizure = await repo.get_seizure(seizure_id, scope, for_update=True)
        if seizure is None:
            raise seizure_not_found(seizure_id)
        before = seizure_audit(seizure)
        if cmd.incident_id is not None:
            incident = await IncidentRepository(uow.session).get(cmd.incident_id, scope)
            if incident is None:
                error = incident_not_found(cmd.incident_id, "incident_id")
                raise RuleViolation("incident_id", "incident-exists", id=error.detail_id, en=error.detail_en)
            search_incident_id = await repo.search_incident_id(seizure.search_id)
            seizure.link_incident(incident, search_incident_id=search_incident_id, why=cmd.why, by=actor, now=clock())
        else:
            assert cmd.case_id is not None  # exactly one is given (checked above)
            case = await DisciplineCaseRepository(uow.session).get(cmd.case_id, scope, for_update=True)
            if case is None:
                error = case_not_found(cmd.case_id)
                raise RuleViolation("case_id", "case-exists", id=error.detail_id, en=error.detail_en)
            seizure.link_case(case, why=cmd.why, by=actor, now=clock())
        await repo.save_links(seizure)
        _publish(uow, seizure)
        uow.audit("seizure.linked", "seizure", seizure_id, before=before, after=seizure_audit(seizure) | {"why": cmd.why})
    return seizure


async def get_search(db: Database, search_id: str, *, scope: Scope) -> Search:
    async with db.sessions() as session:
        search = await SearchRepository(session).get(search_id, scope)
    if search is None:
        raise search_not_found(search_id)
    return search


async def list_searches(db: Database, f: SearchFilter, *, scope: Scope, page: Page) -> tuple[list[tuple[Search, int]], int]:
    async with db.sessions() as session:
        return await SearchRepository(session).find(f, scope, page)


async def get_seizure(db: Database, seizure_id: str, *, scope: Scope) -> Seizure:
    async with db.sessions() as session:
        seizure = await SearchRepository(session).get_seizure(seizure_id, scope)
    if seizure is None:
        raise seizure_not_found(seizure_id)
    return seizure


async def list_seizures(db: Database, f: SeizureFilter, *, scope: Scope, page: Page) -> tuple[list[Seizure], int]:
    async with db.sessions() as session:
        return await SearchRepository(session).find_seizures(f, scope, page)


@dataclass(frozen=True)
class UptTotals:
    upt_code: str
    kanwil_code: str
    searches: int
    items: dict[str, tuple[int, float | None, int | None]]  # item type -> (count, grams, rupiah)


async def totals(db: Database, f: SearchFilter, *, scope: Scope) -> list[UptTotals]:
    """Per UPT: searches held and what they seized, per item type."""
    async with db.sessions() as session:
        repo = SearchRepository(session)
        counts = await repo.search_counts(f, scope)
        rows = await repo.totals(f, scope)
    items: dict[tuple[str, str], dict[str, tuple[int, float | None, int | None]]] = {k: {} for k in counts}
    for upt, kanwil, item_type, _, n, grams, rupiah in rows:
        items[(upt, kanwil)][item_type] = (n, None if grams is None else float(grams), None if rupiah is None else int(rupiah))
    return [UptTotals(upt, kanwil, counts[(upt, kanwil)], items[(upt, kanwil)]) for upt, kanwil in sorted(counts)]


def reference_data(on: date | None, *, clock: Clock) -> tuple[date, SearchRules]:
    day = on or latest_local_today(clock)
    return day, SearchRules.on(day, "on")
