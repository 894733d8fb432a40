"""Routes of the feeds for other ministries: partner administration (national scope,
GATEWAY__PARTNERS__RO|RW; every write audited by the gateway's audit middleware and, with
before/after, in the audit log), replay, and the event catalogue as AsyncAPI 3.0 documents (the
public one for anyone, the internal one with GATEWAY__ASYNCAPI__RO)."""

import functools
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from pas_gateway.api.auth import national_only
from pas_gateway.app import feeds
from pas_gateway.domain.feeds import AllowedEvent, Partner
from pas_gateway.settings import Settings
from pas_shared.api import ActorDep, ClockDep, DatabaseDep, PageDep, PageOut
from pas_shared.events.asyncapi import build_internal, build_public
from pas_shared.events.public import PARTNER_ID


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


class AllowedEventIO(Body):
    type: str = Field(min_length=1, max_length=200, description="Public event type, e.g. pas.partner.escape.reported.")
    version: int = Field(ge=1, le=1000)
    fields: list[str] = Field(
        max_length=100, description="Payload fields the partner may see (its type's required ones included)."
    )
    where: dict[str, list[str | int | float | bool]] = Field(
        default_factory=dict, description="Optional conditions: field -> accepted values (e.g. permit_type: [halal])."
    )


class PartnerIn(Body):
    partner_id: str = Field(pattern=PARTNER_ID, description="Lower-case id; the partner's topic is pas.partner.<id>.v1.")
    name: str = Field(min_length=2, max_length=200)
    legal_basis: str = Field(min_length=10, max_length=2000, description="The regulation(s) and agreement the sharing rests on.")
    purpose: str = Field(min_length=10, max_length=2000)
    events: list[AllowedEventIO] = Field(min_length=1, max_length=50)
    kanwil_codes: list[str] = Field(default_factory=list, max_length=100, description="Region; empty: every Kanwil.")
    retention_days: int = Field(ge=1, description="How long messages are kept (topic and feed log).")
    active: bool = True


class PartnerChangeIn(Body):
    name: str | None = Field(default=None, min_length=2, max_length=200)
    legal_basis: str | None = Field(default=None, min_length=10, max_length=2000)
    purpose: str | None = Field(default=None, min_length=10, max_length=2000)
    events: list[AllowedEventIO] | None = Field(default=None, min_length=1, max_length=50)
    kanwil_codes: list[str] | None = Field(default=None, max_length=100)
    retention_days: int | None = Field(default=None, ge=1)
    active: bool | None = Field(default=None, description="false suspends the feed.")


class PartnerOut(BaseModel):
    partner_id: str
    name: str
    legal_basis: str
    purpose: str
    topic: str
    events: list[AllowedEventIO]
    kanwil_codes: list[str]
    retention_days: int
    active: bool
    created_at: datetime
    updated_at: datetime


class ReplayIn(Body):
    since: AwareDatetime = Field(description="Re-publish the partner's messages whose event time is at or after this instant.")


class ReplayOut(BaseModel):
    partner_id: str
    since: datetime
    queued: int = Field(
        description="Messages on their way again, with their original ids (one still waiting to be sent counts once)."
    )


def _allowed(items: list[AllowedEventIO]) -> list[AllowedEvent]:
    return [AllowedEvent(e.type, e.version, tuple(e.fields), {k: tuple(v) for k, v in e.where.items()}) for e in items]


def _out(p: Partner) -> PartnerOut:
    return PartnerOut(
        partner_id=p.partner_id,
        name=p.name,
        legal_basis=p.legal_basis,
        purpose=p.purpose,
        topic=p.topic,
        events=[
            AllowedEventIO(type=a.type, version=a.version, fields=list(a.fields), where={k: list(v) for k, v in a.where.items()})
            for a in p.events
        ],
        kanwil_codes=list(p.kanwil_codes),
        retention_days=p.retention_days,
        active=p.active,
        created_at=p.created_at,
        updated_at=p.updated_at,
    )


router = APIRouter(prefix="/api/v1/admin", tags=["partner feeds"], dependencies=[Depends(national_only)])


@router.post("/partners", status_code=status.HTTP_201_CREATED, operation_id="registerPartner")
async def register_partner(body: PartnerIn, request: Request, db: DatabaseDep, clock: ClockDep, actor: ActorDep) -> PartnerOut:
    """Register a partner agency: legal basis, purpose, the public events and fields it may
    receive, its region and retention. Its feed starts with the next matching event."""
    partner = await feeds.create_partner(
        db,
        clock,
        _settings(request),
        actor=actor,
        partner_id=body.partner_id,
        name=body.name,
        legal_basis=body.legal_basis,
        purpose=body.purpose,
        events=_allowed(body.events),
        kanwil_codes=body.kanwil_codes,
        retention_days=body.retention_days,
        active=body.active,
    )
    return _out(partner)


@router.get("/partners", operation_id="listPartners")
async def list_partners(
    db: DatabaseDep,
    page: PageDep,
    active: Annotated[bool | None, Query(description="Only active (true) or suspended (false) partners.")] = None,
) -> PageOut[PartnerOut]:
    items, total = await feeds.list_partners(db, limit=page.limit, offset=page.offset, active=active)
    return PageOut[PartnerOut](items=[_out(p) for p in items], total=total, limit=page.limit, offset=page.offset)


@router.get("/partners/{partner_id}", operation_id="getPartner")
async def get_partner(partner_id: str, db: DatabaseDep) -> PartnerOut:
    return _out(await feeds.get_partner(db, partner_id))


@router.patch("/partners/{partner_id}", operation_id="updatePartner")
async def update_partner(
    partner_id: str, body: PartnerChangeIn, request: Request, db: DatabaseDep, clock: ClockDep, actor: ActorDep
) -> PartnerOut:
    """Change a partner's allow-list, region, retention or texts, or suspend it (`active`)."""
    partner = await feeds.update_partner(
        db,
        clock,
        _settings(request),
        partner_id,
        actor=actor,
        name=body.name,
        legal_basis=body.legal_basis,
        purpose=body.purpose,
        events=_allowed(body.events) if body.events is not None else None,
        kanwil_codes=body.kanwil_codes,
        retention_days=body.retention_days,
        active=body.active,
    )
    return _out(partner)


@router.post("/partners/{partner_id}/replay", status_code=status.HTTP_202_ACCEPTED, operation_id="replayPartnerFeed")
async def replay_partner_feed(partner_id: str, body: ReplayIn, db: DatabaseDep, clock: ClockDep, actor: ActorDep) -> ReplayOut:
    """For a partner that was offline: publish again, through the outbox, every message of its
    feed since `since` (within its retention), with the same event ids."""
    queued = await feeds.replay(db, clock, partner_id, actor=actor, since=body.since)
    return ReplayOut(partner_id=partner_id, since=body.since, queued=queued)


# -- the event catalogue -----------------------------------------------------------------------


@functools.cache
def _internal() -> dict[str, Any]:
    return build_internal()


@functools.cache
def _public() -> dict[str, Any]:
    return build_public()


catalogue_router = APIRouter(tags=["event catalogue"])
public_catalogue_router = APIRouter(tags=["event catalogue"])


@catalogue_router.get("/api/v1/asyncapi/internal", operation_id="getInternalAsyncApi")
async def get_internal_asyncapi() -> dict[str, Any]:
    """AsyncAPI 3.0 document of the domain events of the five services (internal)."""
    return _internal()


@public_catalogue_router.get("/api/v1/public/asyncapi", operation_id="getPublicAsyncApi")
async def get_public_asyncapi() -> dict[str, Any]:
    """AsyncAPI 3.0 document of the integration events partners receive (public)."""
    return _public()
