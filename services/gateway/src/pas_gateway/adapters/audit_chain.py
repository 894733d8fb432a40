"""Appending to and reading the hash-chained audit trail (tables `audit_chain` and its head).

An append first moves the chain head on by one (`UPDATE ... RETURNING`): on PostgreSQL that
locks the head row, on SQLite it takes the database's write lock, so concurrent appends (other
requests, other gateway processes) wait for each other and each chains onto the one committed
before it. Numbers are therefore gapless, and the head's hash is set in the same transaction.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pas_gateway.adapters.tables import audit_chain, audit_chain_head
from pas_gateway.domain.audit import AuditEntry, AuditRecord, chain

HEAD_ID = 1


async def append(session: AsyncSession, record: AuditRecord) -> AuditEntry:
    moved = await session.execute(
        update(audit_chain_head)
        .where(audit_chain_head.c.id == HEAD_ID)
        .values(seq=audit_chain_head.c.seq + 1)
        .returning(audit_chain_head.c.seq, audit_chain_head.c.hash)
    )
    seq, prev_hash = moved.one()
    entry = chain(int(seq), record, prev_hash)
    await session.execute(
        insert(audit_chain).values(seq=entry.seq, prev_hash=entry.prev_hash, hash=entry.hash, **_fields(record))
    )
    await session.execute(update(audit_chain_head).where(audit_chain_head.c.id == HEAD_ID).values(hash=entry.hash))
    return entry


def _fields(record: AuditRecord) -> dict[str, Any]:
    return {
        "at": record.at,
        "actor": record.actor,
        "scope": record.scope,
        "method": record.method,
        "path": record.path,
        "query": record.query,
        "status": record.status,
        "client": record.client,
        "correlation_id": record.correlation_id,
    }


def _entry(row: Any) -> AuditEntry:
    record = AuditRecord(
        at=row.at,
        actor=row.actor,
        scope=row.scope,
        method=row.method,
        path=row.path,
        query=row.query,
        status=row.status,
        client=row.client,
        correlation_id=row.correlation_id,
    )
    return AuditEntry(seq=int(row.seq), record=record, prev_hash=row.prev_hash, hash=row.hash)


async def entries_between(session: AsyncSession, after: int, upto: int, *, limit: int) -> Sequence[AuditEntry]:
    """Up to `limit` entries numbered after `after` and at most `upto`, in order."""
    query = select(audit_chain).where(audit_chain.c.seq > after, audit_chain.c.seq <= upto)
    rows = await session.execute(query.order_by(audit_chain.c.seq).limit(limit))
    return [_entry(row) for row in rows]


async def head(session: AsyncSession) -> tuple[int, str] | None:
    row = (
        await session.execute(select(audit_chain_head.c.seq, audit_chain_head.c.hash).where(audit_chain_head.c.id == HEAD_ID))
    ).first()
    return (int(row.seq), row.hash) if row else None
