"""Routes for searches (razia) and seizures: record a search with its team and the items seized,
the chain of custody of each item, links added later to incidents and discipline cases, lists,
totals and the reference data."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from pas_security.adapters.searches import SearchFilter, SeizureFilter
from pas_security.api.schemas import Body
from pas_security.app import searches as use
from pas_security.domain.search import CustodyStatus, LinkKind, Search, Seizure, SeizureIn, TeamMember
from pas_shared.api import ActorDep, ClockDep, DatabaseDep, PageDep, PageOut, ScopeDep
from pas_shared.events.remission import UPT_CODE
from pas_shared.events.security import INCIDENT_CODE

router = APIRouter(prefix="/api/v1", tags=["searches"])

Code = Annotated[str, Field(pattern=INCIDENT_CODE)]
UptQuery = Annotated[str | None, Query(pattern=UPT_CODE)]
LocalOrAware = "ISO 8601; with an offset, or without one for the UPT's local wall time."


class TeamMemberIn(Body):
    name: str = Field(min_length=2, max_length=200)
    role: Code = Field(examples=["leader"])
    nip: str | None = Field(default=None, pattern=r"^[0-9]{18}$")


class SeizedItemIn(Body):
    item_type: Code = Field(examples=["phone"])
    count: int = Field(ge=1, le=100_000)
    description: str = Field(min_length=2, max_length=500)
    weight_grams: Decimal | None = Field(default=None, gt=0, max_digits=12, decimal_places=3, description="Narcotics only.")
    amount_rupiah: int | None = Field(default=None, gt=0, description="Cash only.")
    inmate_id: str | None = Field(
        default=None, min_length=1, max_length=36, description="Found with this inmate; an id not on the roster is flagged."
    )


class SearchIn(Body):
    upt_code: str = Field(pattern=UPT_CODE, examples=["LP-CIPINANG"])
    place: Code = Field(examples=["block"])
    location: str = Field(min_length=2, max_length=200, examples=["Blok C"])
    started_at: datetime = Field(description=LocalOrAware)
    ended_at: datetime | None = Field(default=None, description=LocalOrAware)
    team: list[TeamMemberIn] = Field(min_length=1, max_length=200)
    items: list[SeizedItemIn] = Field(default_factory=list, max_length=1000, description="Empty when nothing was found.")
    incident_id: str | None = Field(default=None, min_length=1, max_length=36)
    notes: str | None = Field(default=None, max_length=2000)


class Step(StrEnum):
    STORED = "stored"
    DESTROYED = "destroyed"
    HANDED_OVER = "handed-over"


class CustodyIn(Body):
    to: Step
    at: datetime = Field(description=LocalOrAware)
    handled_by: str = Field(min_length=2, max_length=200, description="The officer who handled the item.")
    place: str = Field(min_length=2, max_length=200, examples=["Gudang barang bukti"])
    witness: str = Field(min_length=2, max_length=500)
    recipient: Code | None = Field(default=None, description="Hand-over only: police, bnn, prosecutor, state-treasury, ...")
    document_no: str | None = Field(default=None, min_length=2, max_length=100, description="Berita acara (disposal).")


class LinkIn(Body):
    incident_id: str | None = Field(default=None, min_length=1, max_length=36, description="An incident of the item's UPT.")
    case_id: str | None = Field(default=None, min_length=1, max_length=36, description="A discipline case not yet decided.")
    why: str = Field(min_length=2, max_length=2000, description="Why the item belongs to it.")


class LinkOut(BaseModel):
    kind: LinkKind
    target_id: str
    linked_by: str
    linked_at: datetime
    why: str


class TeamMemberOut(BaseModel):
    name: str
    role: str
    nip: str | None


class CustodyStepOut(BaseModel):
    seq: int
    from_status: CustodyStatus | None
    to_status: CustodyStatus
    at: datetime
    at_local: datetime
    handled_by: str
    place: str
    witness: str
    recipient: str | None
    document_no: str | None
    recorded_by: str
    recorded_at: datetime


class SeizureOut(BaseModel):
    seizure_id: str
    search_id: str
    upt_code: str
    kanwil_code: str
    item_type: str
    count: int
    description: str
    weight_grams: Decimal | None
    amount_rupiah: int | None
    inmate_id: str | None
    inmate_verified: bool | None = Field(description="On the UPT's roster; false: unverified (flagged, kept).")
    status: CustodyStatus
    custody: list[CustodyStepOut]
    discipline_case_ids: list[str] = Field(description="The inmate discipline cases this item led to.")
    incident_ids: list[str] = Field(
        description="Incidents it was linked to after the search (the search's own is on the search)."
    )
    links: list[LinkOut] = Field(description="The links added after the search, oldest first, with who, when and why.")


class SearchSummaryOut(BaseModel):
    search_id: str
    upt_code: str
    kanwil_code: str
    place: str
    location: str
    started_at: datetime
    started_local: datetime
    started_on: date
    ended_at: datetime | None
    incident_id: str | None
    items_seized: int


class SearchOut(SearchSummaryOut):
    notes: str | None
    team: list[TeamMemberOut]
    seizures: list[SeizureOut]
    unverified_inmates: int
    created_by: str
    created_at: datetime


class ItemTotalOut(BaseModel):
    item_type: str
    count: int
    weight_grams: float | None
    amount_rupiah: int | None


class UptTotalsOut(BaseModel):
    upt_code: str
    kanwil_code: str
    searches: int
    seized: list[ItemTotalOut]


class TotalsOut(BaseModel):
    definition: str
    items: list[UptTotalsOut]


class CodeOut(BaseModel):
    code: str
    name_id: str
    name_en: str


class ItemTypeOut(CodeOut):
    measure: str


class SearchReferenceOut(BaseModel):
    on: date
    places: list[CodeOut]
    team_roles: list[str]
    item_types: list[ItemTypeOut]
    recipients: list[str]
    source: str
    status: str


def _step(s: Seizure) -> list[CustodyStepOut]:
    zone = ZoneInfo(s.time_zone)
    return [
        CustodyStepOut(
            seq=st.seq,
            from_status=st.from_status,
            to_status=st.to_status,
            at=st.at,
            at_local=st.at.astimezone(zone),
            handled_by=st.handled_by,
            place=st.place,
            witness=st.witness,
            recipient=st.recipient,
            document_no=st.document_no,
            recorded_by=st.recorded_by,
            recorded_at=st.recorded_at,
        )
        for st in s.steps
    ]


def _seizure(s: Seizure) -> SeizureOut:
    return SeizureOut(
        seizure_id=s.seizure_id,
        search_id=s.search_id,
        upt_code=s.upt_code,
        kanwil_code=s.kanwil_code,
        item_type=s.item_type,
        count=s.count,
        description=s.description,
        weight_grams=s.weight_grams,
        amount_rupiah=s.amount_rupiah,
        inmate_id=s.inmate_id,
        inmate_verified=s.inmate_verified,
        status=s.status,
        custody=_step(s),
        discipline_case_ids=s.discipline_case_ids,
        incident_ids=s.incident_ids,
        links=[
            LinkOut(kind=k.kind, target_id=k.target_id, linked_by=k.linked_by, linked_at=k.linked_at, why=k.why) for k in s.links
        ],
    )


def _summary(s: Search, items: int) -> dict[str, object]:
    return {
        "search_id": s.search_id,
        "upt_code": s.upt_code,
        "kanwil_code": s.kanwil_code,
        "place": s.place,
        "location": s.location,
        "started_at": s.started_at,
        "started_local": s.started_at.astimezone(ZoneInfo(s.time_zone)),
        "started_on": s.started_on,
        "ended_at": s.ended_at,
        "incident_id": s.incident_id,
        "items_seized": items,
    }


def _out(s: Search) -> SearchOut:
    return SearchOut.model_validate(
        _summary(s, sum(z.count for z in s.seizures))
        | {
            "notes": s.notes,
            "team": [TeamMemberOut(name=m.name, role=m.role, nip=m.nip) for m in s.team],
            "seizures": [_seizure(z) for z in s.seizures],
            "unverified_inmates": s.unverified_inmates,
            "created_by": s.created_by,
            "created_at": s.created_at,
        }
    )


@router.post("/searches", status_code=status.HTTP_201_CREATED, operation_id="conductSearch")
async def conduct(body: SearchIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep) -> SearchOut:
    """Records a search with its team and every item seized (each starts its chain of custody as
    seized, witnessed by the team's witnesses). Publishes search.conducted."""
    cmd = use.ConductSearch(
        upt_code=body.upt_code,
        place=body.place,
        location=body.location,
        started_at=body.started_at,
        ended_at=body.ended_at,
        team=[TeamMember(m.name, m.role, m.nip) for m in body.team],
        items=[SeizureIn(i.item_type, i.count, i.description, i.weight_grams, i.amount_rupiah, i.inmate_id) for i in body.items],
        incident_id=body.incident_id,
        notes=body.notes,
    )
    return _out(await use.conduct_search(db, cmd, scope=scope, actor=actor, clock=clock))


@router.get("/searches", operation_id="listSearches")
async def list_searches(
    db: DatabaseDep,
    scope: ScopeDep,
    page: PageDep,
    upt_code: UptQuery = None,
    kanwil_code: UptQuery = None,
    started_from: Annotated[date | None, Query(alias="from", description="UPT-local date, included.")] = None,
    started_to: Annotated[date | None, Query(alias="to", description="UPT-local date, included.")] = None,
    place: Annotated[str | None, Query(pattern=INCIDENT_CODE)] = None,
    incident_id: str | None = None,
) -> PageOut[SearchSummaryOut]:
    """Latest first."""
    f = SearchFilter(upt_code, kanwil_code, started_from, started_to, place, incident_id)
    found, total = await use.list_searches(db, f, scope=scope, page=page)
    items = [SearchSummaryOut.model_validate(_summary(s, n)) for s, n in found]
    return PageOut(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/searches/totals", operation_id="getSearchTotals")
async def search_totals(
    db: DatabaseDep,
    scope: ScopeDep,
    upt_code: UptQuery = None,
    kanwil_code: UptQuery = None,
    started_from: Annotated[date | None, Query(alias="from")] = None,
    started_to: Annotated[date | None, Query(alias="to")] = None,
) -> TotalsOut:
    """Per UPT: searches held in the period and what they seized, by item type."""
    found = await use.totals(db, SearchFilter(upt_code, kanwil_code, started_from, started_to), scope=scope)
    return TotalsOut(
        definition="Searches by the UPT-local date they began; seized items summed per type (count, grams of narcotics, "
        "rupiah of cash), whatever their custody status.",
        items=[
            UptTotalsOut(
                upt_code=t.upt_code,
                kanwil_code=t.kanwil_code,
                searches=t.searches,
                seized=[
                    ItemTotalOut(item_type=k, count=n, weight_grams=g, amount_rupiah=r)
                    for k, (n, g, r) in sorted(t.items.items())
                ],
            )
            for t in found
        ],
    )


@router.get("/searches/reference", operation_id="getSearchReferenceData")
async def reference(clock: ClockDep, on: date | None = None) -> SearchReferenceOut:
    """Places, team roles, item types (and how each is measured) and recipients in force on `on`."""
    day, r = use.reference_data(on, clock=clock)
    return SearchReferenceOut(
        on=day,
        places=[CodeOut(code=c, name_id=i, name_en=e) for c, i, e in r.places()],
        team_roles=r.team_roles(),
        item_types=[ItemTypeOut(code=t.code, name_id=t.name_id, name_en=t.name_en, measure=t.measure) for t in r.types()],
        recipients=r.recipients(),
        source=r.types_set.cite(),
        status=r.types_set.status,
    )


@router.get("/searches/{search_id}", operation_id="getSearch")
async def get_search(search_id: str, db: DatabaseDep, scope: ScopeDep) -> SearchOut:
    return _out(await use.get_search(db, search_id, scope=scope))


@router.get("/seizures", operation_id="listSeizures")
async def list_seizures(
    db: DatabaseDep,
    scope: ScopeDep,
    page: PageDep,
    upt_code: UptQuery = None,
    kanwil_code: UptQuery = None,
    item_type: Annotated[str | None, Query(pattern=INCIDENT_CODE)] = None,
    custody_status: Annotated[CustodyStatus | None, Query(alias="status")] = None,
    unverified: Annotated[bool, Query(description="Only items found with an inmate not on the roster.")] = False,
    incident_id: Annotated[
        str | None, Query(min_length=1, max_length=36, description="Found in a search that followed it, or linked to it later.")
    ] = None,
) -> PageOut[SeizureOut]:
    f = SeizureFilter(upt_code, kanwil_code, item_type, custody_status, unverified, incident_id=incident_id)
    found, total = await use.list_seizures(db, f, scope=scope, page=page)
    return PageOut(items=[_seizure(s) for s in found], total=total, limit=page.limit, offset=page.offset)


@router.get("/seizures/{seizure_id}", operation_id="getSeizure")
async def get_seizure(seizure_id: str, db: DatabaseDep, scope: ScopeDep) -> SeizureOut:
    return _seizure(await use.get_seizure(db, seizure_id, scope=scope))


@router.post("/seizures/{seizure_id}/custody", operation_id="moveSeizure")
async def move_seizure(
    seizure_id: str, body: CustodyIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep
) -> SeizureOut:
    """The next step of the item's chain of custody: stored, then destroyed or handed-over (with
    the recipient); publishes seizure.stored or seizure.disposed."""
    cmd = use.CustodyMove(
        to=CustodyStatus(body.to.value),
        at=body.at,
        handled_by=body.handled_by,
        place=body.place,
        witness=body.witness,
        recipient=body.recipient,
        document_no=body.document_no,
    )
    return _seizure(await use.move_seizure(db, seizure_id, cmd, scope=scope, actor=actor, clock=clock))


@router.post("/seizures/{seizure_id}/links", operation_id="linkSeizure")
async def link_seizure(
    seizure_id: str, body: LinkIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep
) -> SeizureOut:
    """Links the item, after its search, to an incident or a discipline case (exactly one) of its
    own UPT. Links are only added, never removed or changed; publishes seizure.linked."""
    cmd = use.LinkSeizure(incident_id=body.incident_id, case_id=body.case_id, why=body.why)
    return _seizure(await use.link_seizure(db, seizure_id, cmd, scope=scope, actor=actor, clock=clock))
