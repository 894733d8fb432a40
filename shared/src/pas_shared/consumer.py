"""The consumer runner: at-least-once delivery from Kafka, exactly-once effect in the database.

For each poll (the records of one or more partitions, each partition's in order):
1. decode every message; a message that is not a valid event of ours, or whose payload breaks
   its schema, goes straight to `<topic>.dlq` (retrying cannot fix it);
2. events of types or versions this consumer does not handle are skipped and counted;
3. in ONE database transaction: insert (consumer, source, id) into the inbox for all of them
   (a duplicate key means "already applied"), run the handler of each new event (inside the
   subscription's optional batch scope, e.g. a projection's summed writes), commit;
4. only then commit the Kafka offsets (and call the subscription's optional after-commit hook).
A crash anywhere before 4 redelivers the batch and the inbox skips what was applied.

A handler that fails is retried (bounded, with backoff) one event at a time, then its message
goes to the DLQ with the error in its headers and the consumer moves on. A database that is
unreachable is not the event's fault: that is retried until it returns, and nothing is DLQ'd.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from opentelemetry.trace import SpanKind
from pydantic import BaseModel, ValidationError
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, OperationalError

from pas_shared.db import Database, UnitOfWork, driver_connection, utcnow
from pas_shared.events.catalog import CATALOG, EventType
from pas_shared.events.envelope import Envelope, MalformedEvent, decode_kafka, peek_type
from pas_shared.kafka import KafkaConnection, client_kwargs, dlq_topic
from pas_shared.logging import correlation_id
from pas_shared.metrics import Metrics
from pas_shared.tracing import NO_TRACING, TRACEPARENT_HEADER, Tracing

log = logging.getLogger(__name__)

P = TypeVar("P", bound=BaseModel)


@dataclass(frozen=True)
class Received(Generic[P]):
    """An event as a handler gets it: the envelope and the validated payload."""

    envelope: Envelope
    data: P


# Handlers take a run of consecutive events of one type, so a projection can apply a whole
# batch in a few statements; the run may hold a single event.
Handler = Callable[[UnitOfWork, list[Received[Any]]], Awaitable[None]]
# Optional, around all the handlers of one batch, inside its transaction (e.g. a projection that
# reads what the whole batch needs in one query before, and writes its summed changes after).
BatchScope = Callable[[UnitOfWork, list[Received[Any]]], AbstractAsyncContextManager[Any]]


@dataclass
class Subscription:
    """One consumer (one consumer group) of a service, for one purpose."""

    name: str  # e.g. "security.roster"; the group id is "<namespace>pas.<name>"
    handlers: dict[tuple[str, int], Handler] = field(default_factory=dict)
    around_batch: BatchScope | None = None
    after_commit: Callable[[], None] | None = None  # called once a batch that applied events has committed

    def on(self, event_type: EventType[Any]) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            self.handlers[event_type.key] = fn
            return fn

        return register

    def topics(self) -> list[str]:
        found = (CATALOG.get(name, version) for name, version in self.handlers)
        return sorted({et.topic for et in found if et is not None})


@dataclass
class _Item:
    record: ConsumerRecord[bytes, bytes]
    envelope: Envelope
    payload: BaseModel
    handler: Handler


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError | ConnectionError | OSError | TimeoutError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


class ConsumerRunner:
    def __init__(
        self,
        db: Database,
        subscription: Subscription,
        dlq_producer: AIOKafkaProducer,
        metrics: Metrics,
        *,
        kafka: KafkaConnection,
        batch_size: int,
        max_attempts: int,
        backoff_seconds: float,
        namespace: str = "",
        tracing: Tracing = NO_TRACING,
    ) -> None:
        self.tracing = tracing
        self.namespace = namespace
        self.db = db
        self.sub = subscription
        self.dlq_producer = dlq_producer
        self.metrics = metrics
        self.kafka = kafka
        self.batch_size = batch_size
        self.max_attempts = max_attempts
        self.backoff = backoff_seconds
        self.consumer: AIOKafkaConsumer | None = None
        # Built once: compiling a fresh multi-row statement per batch cost half the consumer's CPU.
        dialect_insert = postgresql.insert if db.is_postgres else sqlite.insert
        inbox = db.tables.inbox
        self._inbox_insert = dialect_insert(inbox).on_conflict_do_nothing().returning(inbox.c.source, inbox.c.event_id)
        # On PostgreSQL the batch's inbox rows go to asyncpg as one array per column, in one
        # statement (through the session a batch of 2,000 cost 15 % of a projection's CPU).
        self._pg_inbox_insert = (
            f"INSERT INTO {inbox.name} (consumer, source, event_id, event_type, processed_at) "
            "SELECT $1::text, s, i, t, $5::timestamptz FROM unnest($2::text[], $3::text[], $4::text[]) AS u(s, i, t) "
            "ON CONFLICT DO NOTHING RETURNING source, event_id"
        )

    def new_consumer(self) -> AIOKafkaConsumer:
        group_id = f"{self.namespace}pas.{self.sub.name}"
        return AIOKafkaConsumer(
            *(self.namespace + t for t in self.sub.topics()),
            **client_kwargs(self.kafka),
            group_id=group_id,
            client_id=group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=self.batch_size,
        )

    async def run(self, consumer: AIOKafkaConsumer) -> None:
        self.consumer = consumer
        while True:
            batches = await consumer.getmany(timeout_ms=500, max_records=self.batch_size)
            if not batches:
                continue
            # Every partition's records of the poll in one transaction and one offset commit: per
            # partition, a replay of 9 partitions ran 9 small transactions and commits per poll.
            # Each partition's records stay in their order (one aggregate lives on one partition).
            await self.process([r for records in batches.values() for r in records])
            await consumer.commit({tp: records[-1].offset + 1 for tp, records in batches.items()})
            for tp, records in batches.items():
                self._record_lag(consumer, tp, records[-1].offset)

    def _record_lag(self, consumer: AIOKafkaConsumer, tp: TopicPartition, offset: int) -> None:
        high = consumer.highwater(tp)
        if high is not None:
            self.metrics.consumer_lag.labels(self.sub.name, tp.topic, str(tp.partition)).set(max(0, high - offset - 1))

    async def process(self, records: list[ConsumerRecord[bytes, bytes]]) -> None:
        items: list[_Item] = []
        for record in records:
            known = peek_type(record.headers)
            if known is not None and known not in self.sub.handlers:  # not ours to read: not even parsed
                self.metrics.events_skipped.labels(self.sub.name, f"{known[0]}.v{known[1]}").inc()
                continue
            try:
                envelope = decode_kafka(record.value, list(record.headers))
            except MalformedEvent as exc:
                await self.dead_letter(record, f"malformed: {exc}")
                continue
            handler = self.sub.handlers.get((envelope.type, envelope.version))
            event_type = CATALOG.get(envelope.type, envelope.version)
            if handler is None or event_type is None:
                self.metrics.events_skipped.labels(self.sub.name, f"{envelope.type}.v{envelope.version}").inc()
                continue
            try:
                payload = event_type.payload.model_validate(envelope.data)
            except ValidationError as exc:
                await self.dead_letter(record, f"payload breaks {envelope.dataschema}: {exc.errors(include_url=False)}")
                continue
            items.append(_Item(record, envelope, payload, handler))
        if not items:
            return
        try:
            await self._apply_transient_safe(items)
        except _HandlerFailed:
            for item in items:  # isolate the poison message: one event per transaction
                await self._apply_one_with_retries(item)

    async def _apply_transient_safe(self, items: list[_Item]) -> None:
        delay = self.backoff
        while True:
            try:
                await self._apply(items)
                return
            except _HandlerFailed:
                raise
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not _is_transient(exc):
                    raise _HandlerFailed(str(exc)) from exc
                log.warning("database unavailable, consumer %s waits %.1fs: %s", self.sub.name, delay, exc)
                await asyncio.sleep(delay)
                delay = min(10.0, delay * 2)

    async def _inbox(self, uow: UnitOfWork, items: list[_Item]) -> set[tuple[str, str]]:
        """Insert the inbox rows; returns the (source, id) of those not there before."""
        now = utcnow()
        if self.db.is_postgres:
            driver = await driver_connection(uow.session)
            found = await driver.fetch(
                self._pg_inbox_insert,
                self.sub.name,
                [i.envelope.source for i in items],
                [i.envelope.id for i in items],
                [i.envelope.type for i in items],
                now,
            )
            return {(r[0], r[1]) for r in found}
        rows = [
            {
                "consumer": self.sub.name,
                "source": i.envelope.source,
                "event_id": i.envelope.id,
                "event_type": i.envelope.type,
                "processed_at": now,
            }
            for i in items
        ]
        return {(r.source, r.event_id) for r in (await uow.session.execute(self._inbox_insert, rows)).all()}

    async def _apply(self, items: list[_Item]) -> None:
        async with UnitOfWork(self.db, actor=f"consumer:{self.sub.name}") as uow:
            fresh = await self._inbox(uow, items)
            new: list[_Item] = []
            for item in items:
                key = (item.envelope.source, item.envelope.id)
                if key in fresh:
                    fresh.discard(key)  # the same event twice in one batch is applied once
                    new.append(item)
            if new:
                await self._handle(uow, new)
            applied = len(new)
        self.metrics.events_consumed.labels(self.sub.name).inc(applied)
        self.metrics.events_duplicate.labels(self.sub.name).inc(len(items) - applied)
        if applied and self.sub.after_commit is not None:
            self.sub.after_commit()

    async def _handle(self, uow: UnitOfWork, new: list[_Item]) -> None:
        """The new events' handlers, run by run, inside the subscription's batch scope if it has one."""
        try:
            scope = (
                self.sub.around_batch(uow, [Received(i.envelope, i.payload) for i in new])
                if self.sub.around_batch is not None
                else contextlib.nullcontext()
            )
            async with scope:
                for run in _runs(new):
                    await self._handle_run(uow, run)
        except _HandlerFailed:
            raise
        except Exception as exc:  # the batch scope's own reads and writes
            if _is_transient(exc):
                raise
            raise _HandlerFailed(f"{type(exc).__name__}: {exc}") from exc

    async def _handle_run(self, uow: UnitOfWork, run: list[_Item]) -> None:
        first = run[0].envelope
        # Events a handler emits carry the correlation id and trace of what caused them
        # (UnitOfWork.emit(cause=...) sets them per event; this is the default). The run is the
        # first event's work in its trace: a CONSUMER span with tracing on, the others linked.
        token = correlation_id.set(first.correlationid or first.id)
        topic = run[0].record.topic
        attributes = {
            "messaging.system": "kafka",
            "messaging.operation.type": "process",
            "messaging.destination.name": topic,
            "messaging.consumer.group.name": f"{self.namespace}pas.{self.sub.name}",
            "messaging.message.id": first.id,
            "messaging.batch.message_count": len(run),
            "cloudevents.event_type": first.type,
        }
        try:
            with self.tracing.span(
                f"process {topic}",
                SpanKind.CONSUMER,
                parent=_sent_in(run[0]),
                attributes=attributes,
                links=[_sent_in(i) for i in run[1:]] if self.tracing.enabled else (),
            ):
                await run[0].handler(uow, [Received(i.envelope, i.payload) for i in run])
        except Exception as exc:
            if _is_transient(exc):
                raise
            raise _HandlerFailed(f"{type(exc).__name__}: {exc}") from exc
        finally:
            correlation_id.reset(token)

    async def _apply_one_with_retries(self, item: _Item) -> None:
        error = ""
        for attempt in range(1, self.max_attempts + 1):
            try:
                await self._apply_transient_safe([item])
                return
            except _HandlerFailed as exc:
                error = str(exc)
                log.warning(
                    "handler failed (attempt %d of %d) for %s %s: %s",
                    attempt,
                    self.max_attempts,
                    item.envelope.type,
                    item.envelope.id,
                    error,
                )
                if attempt < self.max_attempts:
                    await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
        await self.dead_letter(item.record, f"handler failed {self.max_attempts} times: {error}")

    async def dead_letter(self, record: ConsumerRecord[bytes, bytes], error: str) -> None:
        headers = [
            *record.headers,
            ("dlq_error", error[:4000].encode()),
            ("dlq_consumer", self.sub.name.encode()),
            ("dlq_original_topic", record.topic.encode()),
            ("dlq_original_partition", str(record.partition).encode()),
            ("dlq_original_offset", str(record.offset).encode()),
        ]
        delivery = await self.dlq_producer.send(dlq_topic(record.topic), value=record.value, key=record.key, headers=headers)
        await delivery  # the offset is committed only once the DLQ holds the message
        self.metrics.dead_lettered.labels(self.sub.name, record.topic).inc()
        log.error(
            "message sent to dead-letter topic",
            extra={"topic": record.topic, "partition": record.partition, "offset": record.offset, "error": error[:500]},
        )


def _sent_in(item: _Item) -> str:
    """The trace context a message was sent in: its `traceparent` header (the relay's PRODUCER
    span), else the context its event was written in (`ce_traceparent`)."""
    for name, value in item.record.headers:
        if name == TRACEPARENT_HEADER and value:
            return str(value.decode(errors="replace"))
    return item.envelope.traceparent or ""


def _runs(items: list[_Item]) -> list[list[_Item]]:
    """Consecutive events of the same type, in order (order across types is kept)."""
    runs: list[list[_Item]] = []
    for item in items:
        if runs and runs[-1][0].envelope.type == item.envelope.type and runs[-1][0].handler is item.handler:
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


class _HandlerFailed(Exception):
    pass
