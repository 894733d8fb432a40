"""What every KPI projection shares: one consumer group per source service (so each source's
progress is its own), the batch the handlers of one consumer batch share, and the UPT-local date
of an event.

Handlers are idempotent through the consumer's inbox (a redelivered event is skipped before it
reaches them) and take runs of events of one type, in the order they came. A source's topic mixes
its event types (admissions, releases, grants...), so runs are short: the handlers of one consumer
batch therefore share a `KpiBatch`. Before the first handler it reads, in one query per table, the
entity rows every event of the batch declared it needs (`projects(..., reads=...)`); the handlers
read and change those rows in memory and sum their changes per UPT, metric and day; after the
last handler the batch writes the changed rows and the sums in one upsert per table, in the
consumer's transaction (so it commits with the inbox rows, or not at all). A handler that needs
the stored sums themselves (a capacity, a recomputed saving) asks for them with `stored()`, which
writes what is pending first.

Each committed batch bumps `READ_MODEL_VERSION`, which the KPI answers' cache (app/kpi_cache.py)
compares against.
"""

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from pas_gateway.adapters import kpi_store
from pas_gateway.adapters.kpi_store import Changes
from pas_gateway.adapters.tables import kpi_upt
from pas_shared.clock import local_date
from pas_shared.consumer import Received, Subscription
from pas_shared.db import UnitOfWork
from pas_shared.events.catalog import EventType

P = TypeVar("P", bound=BaseModel)

DEFAULT_ZONE = "Asia/Jakarta"  # WIB: the zone of a UPT whose registration has not arrived yet
_BATCH = "kpi_batch"  # the session.info key of the batch being applied


class ReadModelVersion:
    """Bumped after every committed batch of KPI events in this process."""

    def __init__(self) -> None:
        self.value = 0

    def bump(self) -> None:
        self.value += 1


READ_MODEL_VERSION = ReadModelVersion()

KeyOf = Callable[[Any], str]  # the key of an entity row an event needs, from the event (a Received)
_READS: dict[tuple[str, int], Mapping[Table, KeyOf]] = {}  # event type -> the rows its handler reads


class KpiBatch:
    """The entity rows and the summed changes of the handlers of one consumer batch."""

    def __init__(self) -> None:
        self.changes = Changes()
        self._rows: dict[Table, dict[str, dict[str, Any] | None]] = {}  # None: known not to exist
        self._dirty: dict[Table, set[str]] = {}

    async def load(self, session: AsyncSession, table: Table, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The rows with these keys that exist (the batch's own copies: change them, then `save`)."""
        cached = self._rows.setdefault(table, {})
        wanted = set(ids)
        missing = [i for i in wanted if i not in cached]
        if missing:
            found = await kpi_store.load(session, table, missing)
            for i in missing:
                cached[i] = found.get(i)
        return {i: row for i in wanted if (row := cached[i]) is not None}

    def save(self, table: Table, rows: Iterable[dict[str, Any]]) -> None:
        key = table.primary_key.columns.values()[0].name
        cached, dirty = self._rows.setdefault(table, {}), self._dirty.setdefault(table, set())
        for row in rows:
            cached[row[key]] = row
            dirty.add(row[key])

    async def flush(self, session: AsyncSession) -> None:
        """Write the changed rows and the summed changes, and start summing afresh."""
        for table, keys in self._dirty.items():
            cached = self._rows[table]
            await kpi_store.save(session, table, (row for k in keys if (row := cached[k]) is not None))
        self._dirty = {}
        await kpi_store.apply(session, self.changes)
        self.changes.clear()  # the same object: a handler that asked for `stored()` keeps adding to it


@asynccontextmanager
async def kpi_batch(uow: UnitOfWork, events: list[Received[Any]]) -> AsyncIterator[KpiBatch]:
    """The batch the handlers of `events` share: the rows they declared read first, written after."""
    batch = KpiBatch()
    wanted: dict[Table, set[str]] = {}
    for e in events:
        for table, key_of in _READS.get((e.envelope.type, e.envelope.version), {}).items():
            wanted.setdefault(table, set()).add(key_of(e))
    for table, ids in wanted.items():
        await batch.load(uow.session, table, ids)
    uow.session.info[_BATCH] = batch
    try:
        yield batch
        await batch.flush(uow.session)
    finally:
        del uow.session.info[_BATCH]


def _batch_of(uow: UnitOfWork) -> KpiBatch:
    batch: KpiBatch = uow.session.info[_BATCH]
    return batch


def kpi_subscription(source: str) -> Subscription:
    return Subscription(name=f"gateway.kpi-{source}", around_batch=kpi_batch, after_commit=READ_MODEL_VERSION.bump)


def source_of(e: Received[Any]) -> str:
    return e.envelope.source.removeprefix("/pas/")


async def load(uow: UnitOfWork, table: Table, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Entity rows of the batch being applied (read once per batch)."""
    return await _batch_of(uow).load(uow.session, table, ids)


def save(uow: UnitOfWork, table: Table, rows: Iterable[dict[str, Any]]) -> None:
    """Keep these rows (new or changed) for the batch's write at its end."""
    _batch_of(uow).save(table, rows)


async def stored(uow: UnitOfWork) -> AsyncSession:
    """The session, once the batch's pending rows and sums are written: for a handler that reads
    or sets the stored sums themselves."""
    await _batch_of(uow).flush(uow.session)
    return uow.session


async def zones(uow: UnitOfWork, upt_codes: Iterable[str]) -> dict[str, str]:
    wanted = set(upt_codes)
    found = await load(uow, kpi_upt, wanted)
    return {u: found[u]["time_zone"] if u in found else DEFAULT_ZONE for u in wanted}


def day_of(moment: datetime, upt_code: str, zone_of: dict[str, str]) -> date:
    return local_date(moment, zone_of.get(upt_code, DEFAULT_ZONE))


Project = Callable[[UnitOfWork, Changes, Sequence[Received[P]]], Awaitable[None]]


def projects(
    sub: Subscription, event_type: EventType[P], *, reads: Mapping[Table, KeyOf] | None = None
) -> Callable[[Project[P]], Project[P]]:
    """Register `fn` as the handler of `event_type`: it fills the batch's Changes, which records
    the newest event time of the run for the source. `reads`: the entity rows (table -> their key
    from an event) the handler loads, read for the whole batch before its first handler."""
    if reads:
        _READS[event_type.key] = reads

    def register(fn: Project[P]) -> Project[P]:
        @sub.on(event_type)
        async def handle(uow: UnitOfWork, events: list[Received[P]]) -> None:
            batch = _batch_of(uow)
            await fn(uow, batch.changes, events)
            batch.changes.saw(source_of(events[0]), (e.envelope.time for e in events))

        return fn

    return register
