"""The outbox relay: publishes committed outbox rows to Kafka, in order, at least once.

Each round claims the oldest unsent rows (`FOR UPDATE SKIP LOCKED` on PostgreSQL), sends them
with the idempotent producer, awaits every delivery report, and only then marks the rows sent,
all inside one transaction. A crash after publishing but before marking re-sends the same
events with the same ids; consumers' inboxes make that harmless.

Per-aggregate order: on PostgreSQL a relay round also holds a transaction-level advisory lock,
so when several instances of a service run, one relay publishes at a time and rows leave in
`seq` order (SKIP LOCKED then only guards against other lockers of outbox rows).
"""

import asyncio
import json
import logging
import zlib
from collections.abc import Callable, Sequence
from datetime import timedelta

from aiokafka import AIOKafkaProducer
from opentelemetry.trace import Span, SpanKind
from sqlalchemy import RowMapping, delete, func, select, text, update

from pas_shared.db import Database, utcnow
from pas_shared.events.envelope import CONTENT_TYPE
from pas_shared.metrics import Metrics
from pas_shared.tracing import NO_TRACING, TRACEPARENT_HEADER, Tracing, end_spans, traceparent_of

log = logging.getLogger(__name__)

COALESCE_SECONDS = 0.005


class Relay:
    def __init__(
        self,
        db: Database,
        new_producer: Callable[[], AIOKafkaProducer],
        metrics: Metrics,
        *,
        service: str,
        batch_size: int,
        idle_poll_seconds: float,
        namespace: str = "",
        publish_timeout: float = 30.0,
        retention: timedelta = timedelta(days=3),
        tracing: Tracing = NO_TRACING,
    ) -> None:
        self.tracing = tracing
        self.namespace = namespace
        self.db = db
        self.new_producer = new_producer
        self.producer: AIOKafkaProducer | None = None
        self.publish_timeout = publish_timeout
        self.metrics = metrics
        self.batch_size = batch_size
        self.idle_poll_seconds = idle_poll_seconds
        self.retention = retention
        self._lock_key = zlib.crc32(f"pas-outbox-relay:{service}".encode())

    async def run(self) -> None:
        try:
            await self._run()
        finally:
            await self._drop_producer()

    async def _drop_producer(self) -> None:
        producer, self.producer = self.producer, None
        if producer is not None:
            try:
                await asyncio.wait_for(producer.stop(), 10)
            except Exception as exc:  # noqa: BLE001 - a stuck producer is abandoned, not fatal
                log.warning("could not stop the relay's producer cleanly: %s", exc)

    async def _producer(self) -> AIOKafkaProducer:
        if self.producer is None:
            producer = self.new_producer()
            try:
                await producer.start()
            except BaseException:
                await producer.stop()
                raise
            self.producer = producer
        return self.producer

    async def _run(self) -> None:
        backoff = self.idle_poll_seconds
        last_housekeeping = 0.0
        loop = asyncio.get_running_loop()
        while True:
            try:
                published = await self.publish_batch()
                backoff = self.idle_poll_seconds
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the rows stay unsent and are retried
                self.metrics.relay_errors.inc()
                log.warning("relay round failed, rows stay in the outbox: %r", exc)
                # A fresh producer after a failure: a producer whose broker went away can keep
                # batches in limbo; the rows are still unsent, so nothing is lost by dropping it.
                await self._drop_producer()
                published = 0
                backoff = min(5.0, backoff * 2)
            if loop.time() - last_housekeeping > 5:
                last_housekeeping = loop.time()
                await self._housekeeping()
            if published < self.batch_size:
                await self._wait_for_work(backoff)

    async def _wait_for_work(self, timeout: float) -> None:
        try:
            await asyncio.wait_for(self.db.outbox_written.wait(), timeout)
            # Let the commits arriving right behind this one join the round: under load one
            # round then carries many events instead of one each.
            await asyncio.sleep(COALESCE_SECONDS)
        except TimeoutError:
            pass
        self.db.outbox_written.clear()

    async def publish_batch(self) -> int:
        failed: list[int] = []
        try:
            return await self._publish_batch(failed)
        except Exception as exc:
            if failed:  # recorded after the claiming transaction ended: it held these rows' locks
                await self._record_failure(failed, repr(exc))
            raise

    async def _publish_batch(self, failed: list[int]) -> int:
        outbox = self.db.tables.outbox
        async with self.db.sessions() as session, session.begin():
            query = select(outbox).where(outbox.c.sent_at.is_(None)).order_by(outbox.c.seq).limit(self.batch_size)
            if self.db.is_postgres:
                got_lock = (
                    await session.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": self._lock_key})
                ).scalar_one()
                if not got_lock:
                    return 0  # another instance's relay is publishing
                query = query.with_for_update(skip_locked=True)
            rows = (await session.execute(query)).mappings().all()
            if not rows:
                return 0
            failed.extend(r["seq"] for r in rows)
            async with asyncio.timeout(self.publish_timeout):
                await self._send(rows)
            failed.clear()
            await session.execute(
                update(outbox)
                .where(outbox.c.seq.in_([r["seq"] for r in rows]))
                .values(sent_at=utcnow(), attempts=outbox.c.attempts + 1)
            )
        self.metrics.events_published.inc(len(rows))
        return len(rows)

    async def _send(self, rows: Sequence[RowMapping]) -> None:
        """Send every row and wait for every delivery report (acks=all). With tracing on, each
        event gets a PRODUCER span, a child of the context it was written in, that lasts until
        its delivery is confirmed; the message's `traceparent` header names that span."""
        producer = await self._producer()
        deliveries = []
        spans: list[Span] = []
        try:
            for row in rows:
                attributes = json.loads(row["attributes"])
                topic = self.namespace + row["topic"]
                headers = [(f"ce_{k}", v.encode()) for k, v in attributes.items()]
                headers.append(("content-type", CONTENT_TYPE.encode()))
                span = self._send_span(topic, attributes, row["message_key"]) if self.tracing.enabled else None
                if span is not None:
                    spans.append(span)
                    headers.append((TRACEPARENT_HEADER, traceparent_of(span).encode()))
                deliveries.append(
                    await producer.send(topic, value=row["data"].encode(), key=row["message_key"].encode(), headers=headers)
                )
            await asyncio.gather(*deliveries)
        except BaseException as exc:
            end_spans(spans, exc)
            raise
        end_spans(spans)

    def _send_span(self, topic: str, event: dict[str, str], key: str) -> Span | None:
        return self.tracing.start_span(
            f"send {topic}",
            SpanKind.PRODUCER,
            parent=event.get("traceparent"),
            attributes={
                "messaging.system": "kafka",
                "messaging.operation.type": "send",
                "messaging.destination.name": topic,
                "messaging.message.id": event["id"],
                "messaging.kafka.message.key": key,
                "cloudevents.event_type": event["type"],
            },
        )

    async def _record_failure(self, seqs: list[int], error: str) -> None:
        outbox = self.db.tables.outbox
        try:
            async with self.db.sessions() as session, session.begin():
                await session.execute(
                    update(outbox).where(outbox.c.seq.in_(seqs)).values(attempts=outbox.c.attempts + 1, last_error=error[:2000])
                )
        except Exception:
            log.exception("could not record the relay failure")

    async def _housekeeping(self) -> None:
        """Refresh the backlog gauges and purge rows published longer ago than the retention."""
        outbox = self.db.tables.outbox
        try:
            async with self.db.sessions() as session, session.begin():
                backlog, oldest = (
                    await session.execute(select(func.count(), func.min(outbox.c.created_at)).where(outbox.c.sent_at.is_(None)))
                ).one()
                await session.execute(delete(outbox).where(outbox.c.sent_at < utcnow() - self.retention))
        except Exception as exc:  # noqa: BLE001 - gauges only
            log.warning("outbox housekeeping failed: %s", exc)
            return
        self.metrics.outbox_backlog.set(backlog)
        age = 0.0
        if oldest is not None:
            age = (utcnow() - oldest).total_seconds()
        self.metrics.outbox_oldest_age.set(age)
