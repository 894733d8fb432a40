"""`pas replay <service> <subscription> [--from-beginning | --since TIME] [--reapply]`: move one
consumer group of a stopped service back, so its consumer reads those messages again when the
service starts.

The group is `<namespace>pas.<subscription name>` (pas_shared.consumer). Events the consumer has
already applied are in its inbox and are skipped on the second reading: a plain replay applies
what was skipped or missed (e.g. event versions a new release now handles). `--reapply` also
removes those events from the consumer's inbox, in one transaction with an audit entry, so they
are applied again: for a projection that was emptied or restored from an older backup.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from aiokafka import TopicPartition
from sqlalchemy import delete

from pas_ops import kafka
from pas_ops.database import opened
from pas_ops.progress import progress
from pas_ops.services import OpsError, Target, spec_of, target
from pas_shared.consumer import Subscription
from pas_shared.db import UnitOfWork
from pas_shared.events.envelope import MalformedEvent, decode_kafka

ACTOR = "ops:pas-replay"
CHUNK = 1000


@dataclass(frozen=True)
class ReplayPlan:
    group_id: str
    to: dict[TopicPartition, int]  # the offset each partition is moved to
    was: dict[TopicPartition, int]  # the committed offset before (-1: none)
    end: dict[TopicPartition, int]

    @property
    def again(self) -> int:
        """Messages the consumer had already read that it reads again."""
        return sum(max(0, min(self.was[tp], self.end[tp]) - self.to[tp]) for tp in self.to if self.was[tp] >= 0)

    @property
    def delivered(self) -> int:
        """Messages delivered from the new position up to the end of each partition today."""
        return sum(max(0, self.end[tp] - self.to[tp]) for tp in self.to)


@dataclass(frozen=True)
class ReplayDone:
    plan: ReplayPlan
    forgotten: int  # inbox rows removed (--reapply)


def subscription_of(service: str, t: Target, name: str) -> Subscription:
    subs = spec_of(service, t.settings).subscriptions
    for sub in subs:
        if sub.name in (name, f"{t.settings.service_name}.{name}"):
            return sub
    names = ", ".join(s.name for s in subs) or "(tidak ada / none)"
    raise OpsError(
        f"{service} tidak punya subscription {name!r}; yang ada: {names}.",
        f"{service} has no subscription {name!r}; it has: {names}.",
        code=2,
    )


async def plan(t: Target, sub: Subscription, *, since: datetime | None) -> ReplayPlan:
    group_id = f"{t.namespace}pas.{sub.name}"
    tps = await kafka.partitions(t, [t.namespace + topic for topic in sub.topics()])
    if not tps:
        raise OpsError(
            f"Topik {', '.join(sub.topics())} belum ada di Kafka (namespace {t.namespace!r}): tidak ada yang diputar ulang.",
            f"The topics {', '.join(sub.topics())} do not exist in Kafka (namespace {t.namespace!r}): nothing to replay.",
        )
    async with kafka.consumer(t) as c:
        begin = await c.beginning_offsets(tps)
        end = await c.end_offsets(tps)
        if since is None:
            to = dict(begin)
        else:
            found = await c.offsets_for_times({tp: int(since.timestamp() * 1000) for tp in tps})
            to = {tp: (found[tp].offset if found.get(tp) is not None else end[tp]) for tp in tps}
    was = await kafka.committed(t, group_id, tps)
    return ReplayPlan(group_id, to, was, end)


async def _events_read_again(t: Target, p: ReplayPlan) -> dict[str, set[str]]:
    """(source -> event ids) of the messages between the new position and the old one."""
    ranges = {tp: (p.to[tp], min(p.was[tp], p.end[tp])) for tp in p.to if p.was[tp] > p.to[tp]}
    found: dict[str, set[str]] = defaultdict(set)
    if not ranges:
        return found
    async with kafka.consumer(t) as c:
        c.assign(list(ranges))
        for tp, (start, _) in ranges.items():
            c.seek(tp, start)
        with progress(sum(stop - start for start, stop in ranges.values()), f"reading {p.group_id}") as bar:
            pending = dict(ranges)
            while pending:
                batches = await c.getmany(*pending, timeout_ms=1000, max_records=5000)
                for tp, records in batches.items():
                    read = [r for r in records if r.offset < pending[tp][1]]
                    for r in read:
                        try:
                            envelope = decode_kafka(r.value, list(r.headers))
                        except MalformedEvent:
                            continue
                        found[envelope.source].add(envelope.id)
                    bar.update(len(read))
                for tp in list(pending):  # read up to the old position (or past it: retention removed some)
                    if await c.position(tp) >= pending[tp][1]:
                        pending.pop(tp)
    return found


async def replay(service: str, subscription: str, *, since: datetime | None, reapply: bool) -> ReplayDone:
    t = target(service)
    sub = subscription_of(service, t, subscription)
    group_id = f"{t.namespace}pas.{sub.name}"
    await kafka.require_stopped(t, group_id)
    p = await plan(t, sub, since=since)
    forgotten = 0
    async with opened(t) as db:
        if reapply:
            events = await _events_read_again(t, p)
            inbox = db.tables.inbox
            async with UnitOfWork(db, actor=ACTOR) as uow:
                for source, ids in events.items():
                    ordered = sorted(ids)
                    for k in range(0, len(ordered), CHUNK):
                        result = await uow.session.execute(
                            delete(inbox).where(
                                inbox.c.consumer == sub.name,
                                inbox.c.source == source,
                                inbox.c.event_id.in_(ordered[k : k + CHUNK]),
                            )
                        )
                        forgotten += int(getattr(result, "rowcount", 0) or 0)
                uow.audit("consumer.replayed", "consumer-group", group_id, before=_offsets(p.was), after=_record(p, forgotten))
        else:
            async with UnitOfWork(db, actor=ACTOR) as uow:
                uow.audit("consumer.replayed", "consumer-group", group_id, before=_offsets(p.was), after=_record(p, 0))
    await kafka.require_stopped(t, group_id)  # still stopped: a consumer that started meanwhile would keep its position
    async with kafka.consumer(t, group_id=group_id) as c:
        c.assign(list(p.to))
        await c.commit(dict(p.to))
    return ReplayDone(p, forgotten)


def _offsets(offsets: dict[TopicPartition, int]) -> dict[str, int]:
    return {f"{tp.topic}:{tp.partition}": o for tp, o in sorted(offsets.items())}


def _record(p: ReplayPlan, forgotten: int) -> dict[str, object]:
    return {"offsets": _offsets(p.to), "read_again": p.again, "delivered": p.delivered, "inbox_rows_removed": forgotten}
