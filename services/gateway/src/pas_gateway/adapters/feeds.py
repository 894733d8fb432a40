"""Storage of the partner feeds: partners, the feed log, and partner messages written to the
gateway's outbox (its relay publishes them; nothing here talks to the broker)."""

import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from pas_gateway.adapters.feed_tables import partner_feed_log, partners
from pas_gateway.domain.feeds import AllowedEvent, FeedMessage, Partner
from pas_shared.db import PlatformTables, bulk_insert, utcnow
from pas_shared.events.envelope import cloudevent_attributes
from pas_shared.events.public import SOURCE


def _events_json(events: tuple[AllowedEvent, ...]) -> str:
    return json.dumps(
        [
            {"type": a.type, "version": a.version, "fields": list(a.fields), "where": {k: list(v) for k, v in a.where.items()}}
            for a in events
        ]
    )


def _events(text: str) -> tuple[AllowedEvent, ...]:
    return tuple(
        AllowedEvent(e["type"], int(e["version"]), tuple(e["fields"]), {k: tuple(v) for k, v in e.get("where", {}).items()})
        for e in json.loads(text)
    )


def _partner(row: Any) -> Partner:
    return Partner(
        partner_id=row.partner_id,
        name=row.name,
        legal_basis=row.legal_basis,
        purpose=row.purpose,
        events=_events(row.events),
        kanwil_codes=tuple(json.loads(row.kanwil_codes)),
        retention_days=row.retention_days,
        active=row.active,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _values(p: Partner) -> dict[str, Any]:
    return {
        "name": p.name,
        "legal_basis": p.legal_basis,
        "purpose": p.purpose,
        "events": _events_json(p.events),
        "kanwil_codes": json.dumps(list(p.kanwil_codes)),
        "retention_days": p.retention_days,
        "active": p.active,
        "updated_at": p.updated_at,
    }


class PartnerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, partner: Partner) -> None:
        await self.session.execute(
            insert(partners).values(partner_id=partner.partner_id, created_at=partner.created_at, **_values(partner))
        )

    async def get(self, partner_id: str, *, lock: bool = False) -> Partner | None:
        query = select(partners).where(partners.c.partner_id == partner_id)
        if lock:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return _partner(row) if row else None

    async def save(self, partner: Partner) -> None:
        await self.session.execute(update(partners).where(partners.c.partner_id == partner.partner_id).values(**_values(partner)))

    async def count(self) -> int:
        return int((await self.session.execute(select(func.count()).select_from(partners))).scalar_one())

    async def page(self, *, limit: int, offset: int, active: bool | None) -> tuple[list[Partner], int]:
        where = [] if active is None else [partners.c.active == active]
        total = (await self.session.execute(select(func.count()).select_from(partners).where(*where))).scalar_one()
        rows = await self.session.execute(
            select(partners).where(*where).order_by(partners.c.partner_id).limit(limit).offset(offset)
        )
        return [_partner(r) for r in rows], int(total)

    async def active(self) -> list[Partner]:
        rows = await self.session.execute(select(partners).where(partners.c.active.is_(True)).order_by(partners.c.partner_id))
        return [_partner(r) for r in rows]

    async def all(self) -> list[Partner]:
        return [_partner(r) for r in await self.session.execute(select(partners).order_by(partners.c.partner_id))]


def _message(row: Any) -> FeedMessage:
    return FeedMessage(
        partner_id=row.partner_id,
        event_id=row.event_id,
        type=row.event_type,
        version=row.version,
        dataschema=f"/schemas/public/{row.event_type}.v{row.version}.json",
        subject=row.subject,
        time=row.occurred_at,
        uptcode=row.uptcode,
        kanwilcode=row.kanwilcode,
        data=json.loads(row.data),
        source=row.source,
        source_event_id=row.source_event_id,
    )


def _outbox_row(m: FeedMessage, now: datetime) -> dict[str, Any]:
    attributes = cloudevent_attributes(
        id=m.event_id,
        source=SOURCE,
        type=m.type,
        time=m.time,
        subject=m.subject,
        dataschema=m.dataschema,
        uptcode=m.uptcode,
        kanwilcode=m.kanwilcode,
    )
    return {
        "event_id": m.event_id,
        "topic": m.topic,
        "message_key": m.subject,
        "event_type": m.type,
        "attributes": json.dumps(attributes),
        "data": json.dumps(m.data, ensure_ascii=False, separators=(",", ":")),
        "created_at": now,
    }


class FeedLog:
    """The partner feed log and the outbox rows of partner messages, in the caller's transaction."""

    def __init__(self, session: AsyncSession, platform: PlatformTables) -> None:
        self.session = session
        self.outbox = platform.outbox

    async def append(self, messages: list[FeedMessage]) -> int:
        """Log each message not logged before (same partner and event id: a duplicate) and queue
        it in the outbox. Returns how many were new."""
        if not messages:
            return 0
        now = utcnow()
        dialect_insert = postgresql.insert if self.session.get_bind().dialect.name == "postgresql" else sqlite.insert
        rows = [
            {
                "partner_id": m.partner_id,
                "event_id": m.event_id,
                "source": m.source,
                "source_event_id": m.source_event_id,
                "event_type": m.type,
                "version": m.version,
                "subject": m.subject,
                "uptcode": m.uptcode,
                "kanwilcode": m.kanwilcode,
                "occurred_at": m.time,
                "written_at": now,
                "data": json.dumps(m.data, ensure_ascii=False, separators=(",", ":")),
            }
            for m in messages
        ]
        statement = (
            dialect_insert(partner_feed_log)
            .on_conflict_do_nothing()
            .returning(partner_feed_log.c.partner_id, partner_feed_log.c.event_id)
        )
        fresh = {(r.partner_id, r.event_id) for r in (await self.session.execute(statement, rows)).all()}
        new = [m for m in messages if (m.partner_id, m.event_id) in fresh]
        await bulk_insert(self.session, self.outbox, [_outbox_row(m, now) for m in new])
        return len(new)

    async def since(self, partner_id: str, since: datetime) -> list[FeedMessage]:
        rows = await self.session.execute(
            select(partner_feed_log)
            .where(partner_feed_log.c.partner_id == partner_id, partner_feed_log.c.occurred_at >= since)
            .order_by(partner_feed_log.c.occurred_at, partner_feed_log.c.event_id)
        )
        return [_message(r) for r in rows]

    async def requeue(self, messages: list[FeedMessage]) -> int:
        """Queue logged messages again with their own ids. A message still waiting in the outbox
        is left alone; a sent one's row is replaced by a new, unsent one (the relay publishes in
        outbox order, so the replay goes out after what is queued now). Returns how many messages
        are on their way (the waiting ones included, once)."""
        if not messages:
            return 0
        ids = [m.event_id for m in messages]
        waiting = set(
            (
                await self.session.execute(
                    select(self.outbox.c.event_id).where(self.outbox.c.event_id.in_(ids), self.outbox.c.sent_at.is_(None))
                )
            )
            .scalars()
            .all()
        )
        await self.session.execute(delete(self.outbox).where(self.outbox.c.event_id.in_(ids), self.outbox.c.sent_at.is_not(None)))
        now = utcnow()
        await bulk_insert(self.session, self.outbox, [_outbox_row(m, now) for m in messages if m.event_id not in waiting])
        return len(messages)

    async def forget_before(self, partner_id: str, before: datetime) -> int:
        result = await self.session.execute(
            delete(partner_feed_log).where(partner_feed_log.c.partner_id == partner_id, partner_feed_log.c.occurred_at < before)
        )
        return int(getattr(result, "rowcount", 0) or 0)
