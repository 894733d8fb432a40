"""Routes for inmate discipline (sanctions, Register F) and escapes. Every route takes the
caller's scope: a record outside it is not found, a UPT outside it is not known."""

from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import Field

from pas_security.adapters.repository import EscapeeCounts
from pas_security.api.schemas import (
    AnnulIn,
    DeathIn,
    EscapeeCountsOut,
    EscapeesIn,
    EscapeIn,
    EscapeOut,
    RecaptureIn,
    SanctionIn,
    SanctionOut,
)
from pas_security.app import handlers
from pas_security.app.commands import (
    AddEscapees,
    AnnulSanction,
    Escapee,
    RecordDeath,
    RecordRecapture,
    RecordSanction,
    ReportEscape,
)
from pas_security.domain.discipline import Sanction
from pas_security.domain.escape import Escape, EscapeStatus
from pas_shared.api import ActorDep, ClockDep, DatabaseDep, PageDep, PageOut, ScopeDep
from pas_shared.events.remission import UPT_CODE

router = APIRouter(prefix="/api/v1")

UptQuery = Annotated[str | None, Query(pattern=UPT_CODE)]


def sanction_out(sanction: Sanction) -> SanctionOut:
    return SanctionOut(
        case_id=sanction.case_id,
        inmate_id=sanction.inmate_id,
        upt_code=sanction.upt_code,
        level=sanction.level,
        register_f=sanction.register_f,
        sanctioned_on=sanction.sanctioned_on,
        isolation_days=sanction.isolation_days,
        annulled_on=sanction.annulled_on,
    )


@router.post("/discipline/sanctions", status_code=status.HTTP_201_CREATED, operation_id="recordSanction", tags=["discipline"])
async def record_sanction(body: SanctionIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep) -> SanctionOut:
    cmd = RecordSanction(**body.model_dump())
    return sanction_out(await handlers.record_sanction(db, cmd, scope=scope, actor=actor, clock=clock))


@router.post("/discipline/sanctions/{case_id}/annul", operation_id="annulSanction", tags=["discipline"])
async def annul_sanction(
    case_id: str, body: AnnulIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep
) -> SanctionOut:
    cmd = AnnulSanction(case_id=case_id, annulled_on=body.annulled_on)
    return sanction_out(await handlers.annul_sanction(db, cmd, scope=scope, actor=actor, clock=clock))


@router.get("/discipline/sanctions", operation_id="listSanctions", tags=["discipline"])
async def list_sanctions(
    db: DatabaseDep,
    scope: ScopeDep,
    page: PageDep,
    inmate_id: Annotated[str | None, Query(min_length=1, max_length=36)] = None,
    upt_code: UptQuery = None,
    kanwil_code: UptQuery = None,
) -> PageOut[SanctionOut]:
    """Oldest first."""
    found, total = await handlers.list_sanctions(
        db, inmate_id=inmate_id, upt_code=upt_code, kanwil_code=kanwil_code, scope=scope, page=page
    )
    return PageOut(items=[sanction_out(s) for s in found], total=total, limit=page.limit, offset=page.offset)


def _escape_out(escape: Escape) -> EscapeOut:
    return EscapeOut(
        escape_id=escape.escape_id,
        inmate_id=escape.inmate_id,
        upt_code=escape.upt_code,
        escaped_at=escape.escaped_at,
        escaped_on=escape.escaped_on,
        method=escape.method,
        status=escape.status,
        recaptured_at=escape.recaptured_at,
        recaptured_on=escape.recaptured_on,
        place=escape.place,
        died_on=escape.died_on,
        death_place=escape.death_place,
        death_source=escape.death_source,
        incident_id=escape.incident_id,
    )


def _counts_out(c: EscapeeCounts) -> EscapeeCountsOut:
    return EscapeeCountsOut(
        incident_id=c.incident_id,
        upt_code=c.upt_code,
        first_escaped_at=c.first_escaped_at,
        escapees=c.escapees,
        at_large=c.by_status[EscapeStatus.AT_LARGE],
        recaptured=c.by_status[EscapeStatus.RECAPTURED],
        dead=c.by_status[EscapeStatus.DEAD],
    )


class IncidentEscapeesOut(PageOut[EscapeOut]):
    """A page of the escapees of one escape incident, with the counts of all of them."""

    incident_id: str
    category: str
    counts: EscapeeCountsOut | None = Field(description="None while the incident groups no escapee.")


@router.post("/escapes", status_code=status.HTTP_201_CREATED, operation_id="reportEscape", tags=["escapes"])
async def report_escape(body: EscapeIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep) -> EscapeOut:
    """One escapee; with `incident_id`, grouped under that escape incident (escape.linked follows
    escape.reported)."""
    escape = await handlers.report_escape(db, ReportEscape(**body.model_dump()), scope=scope, actor=actor, clock=clock)
    return _escape_out(escape)


@router.post("/escapes/{escape_id}/recapture", operation_id="recordRecapture", tags=["escapes"])
async def record_recapture(
    escape_id: str, body: RecaptureIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep
) -> EscapeOut:
    cmd = RecordRecapture(escape_id=escape_id, recaptured_at=body.recaptured_at, place=body.place)
    return _escape_out(await handlers.record_recapture(db, cmd, scope=scope, actor=actor, clock=clock))


@router.post("/escapes/{escape_id}/death", operation_id="recordEscapeeDeath", tags=["escapes"])
async def record_death(
    escape_id: str, body: DeathIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep
) -> EscapeOut:
    """The escapee died at large (status dead): publishes escape.died, which ends the time at large."""
    cmd = RecordDeath(escape_id=escape_id, died_on=body.died_on, place=body.place, source=body.source)
    return _escape_out(await handlers.record_death(db, cmd, scope=scope, actor=actor, clock=clock))


@router.get("/escapes", operation_id="listEscapes", tags=["escapes"])
async def list_escapes(
    db: DatabaseDep,
    scope: ScopeDep,
    page: PageDep,
    upt_code: UptQuery = None,
    kanwil_code: UptQuery = None,
    escape_status: Annotated[EscapeStatus | None, Query(alias="status")] = None,
    incident_id: Annotated[str | None, Query(min_length=1, max_length=36)] = None,
) -> PageOut[EscapeOut]:
    """Oldest escape first."""
    found, total = await handlers.list_escapes(
        db, upt_code=upt_code, kanwil_code=kanwil_code, status=escape_status, scope=scope, page=page, incident_id=incident_id
    )
    return PageOut(items=[_escape_out(e) for e in found], total=total, limit=page.limit, offset=page.offset)


@router.get("/escapes/by-incident", operation_id="countEscapeesByIncident", tags=["escapes"])
async def escapee_counts(
    db: DatabaseDep, scope: ScopeDep, page: PageDep, upt_code: UptQuery = None, kanwil_code: UptQuery = None
) -> PageOut[EscapeeCountsOut]:
    """Per escape incident: how many escaped, and how many are at large, recaptured or dead now;
    the incident whose first escape is oldest first. Escapes reported without an incident are not
    listed here."""
    found, total = await handlers.escapee_counts(db, upt_code=upt_code, kanwil_code=kanwil_code, scope=scope, page=page)
    return PageOut(items=[_counts_out(c) for c in found], total=total, limit=page.limit, offset=page.offset)


@router.post(
    "/incidents/{incident_id}/escapees", status_code=status.HTTP_201_CREATED, operation_id="addEscapees", tags=["escapes"]
)
async def add_escapees(
    incident_id: str, body: EscapeesIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep
) -> list[EscapeOut]:
    """Adds escapees to an open escape incident, all or none: each on the UPT's roster, not at large
    already, listed once. Each is its own escape (status at large) with its own escape.reported,
    then escape.linked naming the incident."""
    cmd = AddEscapees(
        incident_id=incident_id,
        escapees=[Escapee(inmate_id=e.inmate_id, escaped_at=e.escaped_at, method=e.method) for e in body.escapees],
    )
    return [_escape_out(e) for e in await handlers.add_escapees(db, cmd, scope=scope, actor=actor, clock=clock)]


@router.get("/incidents/{incident_id}/escapees", operation_id="listEscapeesOfIncident", tags=["escapes"])
async def escapees_of_incident(
    incident_id: str,
    db: DatabaseDep,
    scope: ScopeDep,
    page: PageDep,
    escape_status: Annotated[EscapeStatus | None, Query(alias="status")] = None,
) -> IncidentEscapeesOut:
    """The escapees the incident groups (oldest escape first), with its counts by status."""
    incident, found, total, counts = await handlers.escapees_of_incident(
        db, incident_id, status=escape_status, scope=scope, page=page
    )
    return IncidentEscapeesOut(
        items=[_escape_out(e) for e in found],
        total=total,
        limit=page.limit,
        offset=page.offset,
        incident_id=incident.incident_id,
        category=incident.category,
        counts=None if counts is None else _counts_out(counts),
    )
