"""`pas dlq list|show|redrive`: the dead-letter topics `<topic>.dlq` (pas_shared.kafka.dlq_topic).

A consumer dead-letters a message with its original key, value and headers (the CloudEvents
`ce_*` attributes) plus `dlq_error`, `dlq_consumer`, `dlq_original_topic`,
`dlq_original_partition` and `dlq_original_offset` (pas_shared.consumer). Re-driving publishes
the message again, unchanged, to its original topic, without the `dlq_*` headers and with
`pas_redriven_from` = `<dlq topic>:<partition>:<offset>`; the same event id means every consumer
that applied it already skips it (its inbox), so a re-drive never applies an event twice.
Progress is the consumer group `<namespace>pas.ops.dlq-redrive`: its offsets are committed after
each published batch, so a second run re-drives only what was dead-lettered since, and
`pas dlq list` marks the messages already re-driven. `--record FILE` also appends one JSON line
per message re-driven.
"""

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from pas_ops import kafka
from pas_ops.progress import progress
from pas_ops.services import OpsError, Target, service_of_topic, target
from pas_shared.events.envelope import MalformedEvent, decode_kafka
from pas_shared.kafka import dlq_topic, new_producer

REDRIVE_GROUP = "pas.ops.dlq-redrive"
DLQ_HEADERS = ("dlq_error", "dlq_consumer", "dlq_original_topic", "dlq_original_partition", "dlq_original_offset")


@dataclass(frozen=True)
class DeadLetter:
    partition: int
    offset: int
    timestamp: datetime
    key: str
    headers: dict[str, str]
    value: bytes | None

    @property
    def error(self) -> str:
        return self.headers.get("dlq_error", "")

    @property
    def consumer(self) -> str:
        return self.headers.get("dlq_consumer", "")

    @property
    def event_type(self) -> str:
        return self.headers.get("ce_type", "?")

    @property
    def event_id(self) -> str:
        return self.headers.get("ce_id", "?")


@dataclass
class Redriven:
    dlq: str
    republished: list[dict[str, Any]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)  # not an event of ours: re-driving cannot fix it


def resolve(topic: str, service: str | None) -> tuple[Target, str]:
    """(target, namespaced DLQ topic) for a topic named with or without `.dlq`, without the namespace."""
    base = topic.removesuffix(".dlq")
    t = target(service or service_of_topic(base))
    if t.namespace and base.startswith(t.namespace):
        base = base[len(t.namespace) :]
    return t, t.namespace + dlq_topic(base)


def _letter(r: ConsumerRecord[bytes, bytes]) -> DeadLetter:
    headers = {name: (raw or b"").decode(errors="replace") for name, raw in r.headers}
    return DeadLetter(
        partition=r.partition,
        offset=r.offset,
        timestamp=datetime.fromtimestamp(r.timestamp / 1000, UTC),
        key=(r.key or b"").decode(errors="replace"),
        headers=headers,
        value=r.value,
    )


async def _read(
    c: AIOKafkaConsumer, start: dict[TopicPartition, int], stop: dict[TopicPartition, int]
) -> AsyncIterator[list[ConsumerRecord[bytes, bytes]]]:
    """The records of each partition from `start` up to (not including) `stop`, in batches."""
    pending = {tp: s for tp, s in stop.items() if start[tp] < s}
    if not pending:
        return
    c.assign(list(pending))
    for tp in pending:
        c.seek(tp, start[tp])
    while pending:
        batches = await c.getmany(*pending, timeout_ms=1000, max_records=1000)
        for tp, records in batches.items():
            wanted = [r for r in records if r.offset < pending[tp]]
            if wanted:
                yield wanted
        for tp in list(pending):
            if await c.position(tp) >= pending[tp]:
                pending.pop(tp)


async def dlq_topics(t: Target) -> dict[str, int]:
    """Every DLQ topic of the namespace and how many messages it holds."""
    names = await kafka.topics_named(t, ".dlq")
    counts: dict[str, int] = {}
    tps = await kafka.partitions(t, names)
    async with kafka.consumer(t) as c:
        begin = await c.beginning_offsets(tps) if tps else {}
        end = await c.end_offsets(tps) if tps else {}
    for name in names:
        counts[name.removeprefix(t.namespace)] = sum(end[tp] - begin[tp] for tp in tps if tp.topic == name)
    return counts


async def letters(t: Target, dlq: str, *, limit: int | None = None) -> tuple[list[DeadLetter], int, dict[TopicPartition, int]]:
    """(the oldest `limit` messages of the DLQ across its partitions, how many it holds, the re-drive group's position)."""
    tps = await kafka.partitions(t, [dlq])
    if not tps:
        raise OpsError(
            f"Topik {dlq} tidak ada (belum ada pesan yang gagal di sana, atau namespace salah).",
            f"Topic {dlq} does not exist (nothing was dead-lettered there yet, or the namespace is wrong).",
        )
    out: list[DeadLetter] = []
    async with kafka.consumer(t) as c:
        begin = await c.beginning_offsets(tps)
        end = await c.end_offsets(tps)
        total = sum(end[tp] - begin[tp] for tp in tps)
        # The oldest `limit` across partitions are among the first `limit` of each partition: read those, then sort.
        stop = end if limit is None else {tp: min(end[tp], begin[tp] + limit) for tp in tps}
        async for batch in _read(c, begin, stop):
            out.extend(_letter(r) for r in batch)
    redriven = await kafka.committed(t, f"{t.namespace}{REDRIVE_GROUP}", tps)
    out.sort(key=lambda d: (d.timestamp, d.partition, d.offset))
    return (out if limit is None else out[:limit]), total, redriven


async def redrive(t: Target, dlq: str, *, record: Path | None) -> Redriven:
    group_id = f"{t.namespace}{REDRIVE_GROUP}"
    await kafka.require_stopped(t, group_id)  # one re-drive at a time
    tps = await kafka.partitions(t, [dlq])
    if not tps:
        raise OpsError(f"Topik {dlq} tidak ada.", f"Topic {dlq} does not exist.")
    done = Redriven(dlq)
    producer = new_producer(t.kafka, "pas.ops.dlq-redrive")
    await producer.start()
    try:
        async with kafka.consumer(t, group_id=group_id) as c:
            begin = await c.beginning_offsets(tps)
            end = await c.end_offsets(tps)  # what is there now: a message dead-lettered again meanwhile waits for the next run
            was = await kafka.committed(t, group_id, tps)
            start = {tp: max(begin[tp], was[tp]) for tp in tps}
            with progress(sum(end[tp] - start[tp] for tp in tps), f"re-driving {dlq}") as bar:
                async for batch in _read(c, start, end):
                    deliveries = []
                    for r in batch:
                        entry = {"dlq_partition": r.partition, "dlq_offset": r.offset, **_describe(r)}
                        try:
                            decode_kafka(r.value, list(r.headers))
                        except MalformedEvent as exc:
                            done.refused.append(entry | {"why": str(exc)[:300]})
                            continue
                        original = entry["original_topic"] or dlq.removesuffix(".dlq")
                        headers = [(n, v) for n, v in r.headers if n not in DLQ_HEADERS]
                        headers.append(("pas_redriven_from", f"{dlq}:{r.partition}:{r.offset}".encode()))
                        deliveries.append(await producer.send(original, value=r.value, key=r.key, headers=headers))
                        done.republished.append(entry | {"to": original})
                    for delivery in deliveries:
                        await delivery  # on the original topic before the position moves past it
                    last = batch[-1]
                    await c.commit({TopicPartition(last.topic, last.partition): last.offset + 1})
                    bar.update(len(batch))
    finally:
        await producer.stop()
    if record is not None and (done.republished or done.refused):
        at = datetime.now(UTC).isoformat()
        with record.open("a", encoding="utf-8") as f:
            for entry in done.republished:
                f.write(json.dumps({"at": at, "action": "redriven", "dlq": dlq, **entry}, ensure_ascii=False) + "\n")
            for entry in done.refused:
                f.write(json.dumps({"at": at, "action": "refused", "dlq": dlq, **entry}, ensure_ascii=False) + "\n")
    return done


def _describe(r: ConsumerRecord[bytes, bytes]) -> dict[str, Any]:
    h = _letter(r).headers
    return {
        "event_id": h.get("ce_id", ""),
        "event_type": h.get("ce_type", ""),
        "consumer": h.get("dlq_consumer", ""),
        "error": h.get("dlq_error", "")[:500],
        "original_topic": h.get("dlq_original_topic", ""),
    }
