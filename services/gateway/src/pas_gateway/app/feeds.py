"""Use cases of the feeds for other ministries: partner administration (audited), the
subscription that turns domain events into partner messages, replay, and the jobs that keep
partner topics and the feed log within each partner's retention.

Flow: a domain event (e.g. pas.security.escape.reported) reaches the `gateway.feeds` consumer
(inbox: each source event once); it is mapped to its public payload (domain/feed_mapping.py),
routed to the partners that receive its type in their region and meet their conditions,
minimised to each one's fields (domain/feeds.py), and written to the partner feed log and the
gateway's outbox in the consumer's transaction. The relay publishes it on the partner's topic.

Replay (an offline partner): the feed log holds every message of the partner's retention
period; a replay from a point in time queues the logged messages again, with their own ids
(deterministic per partner and source event), so a partner that de-duplicates on ce_id sees
each message once. Chosen over re-reading the source topics from an offset by time: the log is
in our database (no dependence on the source topics' retention), replays exactly what the
partner was sent, and a narrowed allow-list is applied again before anything is re-sent.
"""

import json
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

from pydantic import TypeAdapter

from pas_gateway.adapters.feed_topics import ensure_partner_topics
from pas_gateway.adapters.feeds import FeedLog, PartnerRepository
from pas_gateway.domain.feed_mapping import MAPPINGS
from pas_gateway.domain.feeds import (
    AllowedEvent,
    Partner,
    check_events,
    check_partner_id,
    check_region,
    check_retention,
    check_text,
    replayable,
    route,
)
from pas_gateway.settings import Settings
from pas_shared.clock import Clock
from pas_shared.consumer import Received, Subscription
from pas_shared.db import Database, UnitOfWork
from pas_shared.errors import Conflict, NotFound, RuleViolation
from pas_shared.jobs import ACTOR, Job

SEED_ACTOR = "system:feeds-seed"


def _audited(p: Partner) -> dict[str, Any]:
    return {
        "name": p.name,
        "legal_basis": p.legal_basis,
        "purpose": p.purpose,
        "events": [{"type": a.type, "version": a.version, "fields": list(a.fields), "where": a.where} for a in p.events],
        "kanwil_codes": list(p.kanwil_codes),
        "retention_days": p.retention_days,
        "active": p.active,
    }


def _not_found(partner_id: str) -> NotFound:
    return NotFound(id=f"Mitra {partner_id} tidak ditemukan.", en=f"Partner {partner_id} not found.")


async def create_partner(
    db: Database,
    clock: Clock,
    settings: Settings,
    *,
    actor: str,
    partner_id: str,
    name: str,
    legal_basis: str,
    purpose: str,
    events: list[AllowedEvent],
    kanwil_codes: list[str],
    retention_days: int,
    active: bool = True,
) -> Partner:
    now = clock()
    partner = Partner(
        partner_id=check_partner_id(partner_id),
        name=check_text("name", name, min_length=2),
        legal_basis=check_text("legal_basis", legal_basis, min_length=10),
        purpose=check_text("purpose", purpose, min_length=10),
        events=check_events(events),
        kanwil_codes=check_region(kanwil_codes),
        retention_days=check_retention(retention_days, max_days=settings.feeds_max_retention_days),
        active=active,
        created_at=now,
        updated_at=now,
    )
    async with UnitOfWork(db, actor=actor) as uow:
        repo = PartnerRepository(uow.session)
        if await repo.get(partner.partner_id) is not None:
            raise Conflict(
                id=f"Mitra {partner.partner_id} sudah terdaftar.", en=f"Partner {partner.partner_id} is registered already."
            )
        await repo.add(partner)
        uow.audit("partner.registered", "partner", partner.partner_id, after=_audited(partner))
    return partner


async def update_partner(
    db: Database,
    clock: Clock,
    settings: Settings,
    partner_id: str,
    *,
    actor: str,
    name: str | None = None,
    legal_basis: str | None = None,
    purpose: str | None = None,
    events: list[AllowedEvent] | None = None,
    kanwil_codes: list[str] | None = None,
    retention_days: int | None = None,
    active: bool | None = None,
) -> Partner:
    """Change what a partner receives from now on (messages already sent stay sent; a replay
    applies the new allow-list). `active=false` suspends the feed."""
    checked: dict[str, Any] = {}
    if name is not None:
        checked["name"] = check_text("name", name, min_length=2)
    if legal_basis is not None:
        checked["legal_basis"] = check_text("legal_basis", legal_basis, min_length=10)
    if purpose is not None:
        checked["purpose"] = check_text("purpose", purpose, min_length=10)
    if events is not None:
        checked["events"] = check_events(events)
    if kanwil_codes is not None:
        checked["kanwil_codes"] = check_region(kanwil_codes)
    if retention_days is not None:
        checked["retention_days"] = check_retention(retention_days, max_days=settings.feeds_max_retention_days)
    if active is not None:
        checked["active"] = active
    async with UnitOfWork(db, actor=actor) as uow:
        repo = PartnerRepository(uow.session)
        before = await repo.get(partner_id, lock=True)
        if before is None:
            raise _not_found(partner_id)
        after = replace(before, **checked, updated_at=clock())
        await repo.save(after)
        uow.audit("partner.updated", "partner", partner_id, before=_audited(before), after=_audited(after))
    return after


async def get_partner(db: Database, partner_id: str) -> Partner:
    async with db.sessions() as session:
        partner = await PartnerRepository(session).get(partner_id)
    if partner is None:
        raise _not_found(partner_id)
    return partner


async def list_partners(db: Database, *, limit: int, offset: int, active: bool | None) -> tuple[list[Partner], int]:
    async with db.sessions() as session:
        return await PartnerRepository(session).page(limit=limit, offset=offset, active=active)


async def replay(db: Database, clock: Clock, partner_id: str, *, actor: str, since: datetime) -> int:
    """Queue again every logged message of the partner whose event time is at or after `since`,
    with the same ids, filtered and minimised by the partner's allow-list as it is now."""
    if since > clock():
        raise RuleViolation("since", "since-past", id="Waktu mulai harus di masa lalu.", en="`since` must be in the past.")
    async with UnitOfWork(db, actor=actor) as uow:
        partner = await PartnerRepository(uow.session).get(partner_id)
        if partner is None:
            raise _not_found(partner_id)
        if not partner.active:
            raise RuleViolation(
                "partner_id",
                "partner-active",
                id="Mitra ini ditangguhkan: aktifkan dulu.",
                en="This partner is suspended: activate it first.",
            )
        log = FeedLog(uow.session, db.tables)
        messages = [m for m in (replayable(partner, m) for m in await log.since(partner_id, since)) if m is not None]
        queued = await log.requeue(messages)
        uow.audit("partner.replayed", "partner", partner_id, after={"since": since.isoformat(), "queued": queued})
    if queued:
        db.outbox_written.set()
    return queued


# -- the subscription ---------------------------------------------------------------------------


async def _forward(uow: UnitOfWork, events: list[Received[Any]]) -> None:
    partners = await PartnerRepository(uow.session).active()
    if not partners:
        return
    messages = []
    for event in events:
        envelope = event.envelope
        mapping = MAPPINGS[(envelope.type, envelope.version)]
        payload = mapping.build(event.data, envelope.kanwilcode).model_dump(mode="json")
        messages += route(
            partners,
            event_type=mapping.target,
            payload=payload,
            subject=str(payload[mapping.subject_field]),
            time=envelope.time,
            uptcode=envelope.uptcode or payload.get("upt_code", ""),
            kanwilcode=envelope.kanwilcode or payload.get("kanwil_code", ""),
            source=envelope.source,
            source_event_id=envelope.id,
        )
    await FeedLog(uow.session, uow.db.tables).append(messages)


FEED_SUBSCRIPTION = Subscription("gateway.feeds", handlers={key: _forward for key in MAPPINGS})


# -- seed and jobs -----------------------------------------------------------------------------

_SEED_EVENTS = TypeAdapter(list[dict[str, Any]])


def seed_partners() -> list[dict[str, Any]]:
    """The example partners of domain/rule_data/partners.json."""
    text = resources.files("pas_gateway.domain").joinpath("rule_data/partners.json").read_text()
    return list(json.loads(text)["partners"])


def allowed_events(items: list[dict[str, Any]]) -> list[AllowedEvent]:
    return [
        AllowedEvent(e["type"], int(e["version"]), tuple(e["fields"]), {k: tuple(v) for k, v in (e.get("where") or {}).items()})
        for e in _SEED_EVENTS.validate_python(items)
    ]


def _now() -> datetime:
    return datetime.now(UTC)


def on_start(settings: Settings, clock: Clock = _now) -> Callable[[Database], Awaitable[None]]:
    """At startup: the example partners when configured and none is registered yet."""

    async def start(db: Database) -> None:
        if not settings.feeds_seed_examples:
            return
        async with db.sessions() as session:
            if await PartnerRepository(session).count():
                return
        for p in seed_partners():
            await create_partner(
                db,
                clock,
                settings,
                actor=SEED_ACTOR,
                partner_id=p["partner_id"],
                name=p["name"],
                legal_basis=p["legal_basis"],
                purpose=p["purpose"],
                events=allowed_events(p["events"]),
                kanwil_codes=p["kanwil_codes"],
                retention_days=p["retention_days"],
            )

    return start


async def apply_retention(db: Database, clock: Clock) -> int:
    """Forget logged messages older than each partner's retention (the topic drops them too)."""
    forgotten = 0
    async with UnitOfWork(db, actor=ACTOR) as uow:
        log = FeedLog(uow.session, db.tables)
        for partner in await PartnerRepository(uow.session).all():
            forgotten += await log.forget_before(partner.partner_id, clock() - timedelta(days=partner.retention_days))
    return forgotten


def jobs(settings: Settings) -> list[Job]:
    async def topics(db: Database, clock: Clock) -> list[str]:
        async with db.sessions() as session:
            active = await PartnerRepository(session).active()
        return await ensure_partner_topics(
            settings.kafka_connection(),
            {settings.kafka_namespace + p.topic: p.retention_days for p in active},
            partitions=settings.topic_partitions,
            replication=settings.topic_replication,
        )

    return [Job("feeds.partner-topics", topics), Job("feeds.retention", apply_retention)]
