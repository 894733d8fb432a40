"""Event-pipeline benchmark: the Kafka ceiling, the outbox drain and commit→projection latency.

Run by `scripts/bench.sh` (`make bench`), which starts a private Kafka and PostgreSQL on free
ports and passes them in with --kafka and --pg. All three measurements run in one process tree
against the same broker and the same database server:

(a) raw      aiokafka alone: N messages of 1 KB, produced with the platform's producer settings
             (`pas_shared.kafka.new_producer`: idempotent, acks=all, linger 5 ms) to a fresh topic
             and read by one AIOKafkaConsumer in another process. msgs/s from the first send to
             the last receive. This is the ceiling.
(b) drain    N committed `inmate.admitted` outbox rows (written with `UnitOfWork.emit`, across
             realistic UPTs) in remission's migrated database; then the real `Relay` (one process)
             and the real `ConsumerRunner` with `roster_subscription` and inbox dedupe into a
             migrated security database (another process). events/s from relay start until the
             projection holds all N; verified afterwards (roster rows, headcount sum, inbox rows,
             unsent outbox rows, dead letters).
(c) latency  the real remission and security services as uvicorn processes; POST /api/v1/inmates
             at a steady rate (open loop, bounded connections) and, per admitted inmate, the time
             from the HTTP 201 (and from its outbox row's created_at) until its roster row is seen
             in security's database (polled every --poll-ms).

Prints a table with the targets ((b) >= 25% of (a); (c) p99 < 1 s) and writes
bench/results/event_pipeline-<UTC timestamp>.json.

Internal: `event_pipeline.py _worker ROLE CONFIG_JSON` runs one helper process (raw-consumer,
relay, consumer); it speaks JSON lines on stdout and takes commands on stdin.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import functools
import io
import json
import logging
import math
import os
import platform as host_platform
import pstats
import random
import runpy
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

SELF = Path(__file__).resolve()
ROOT = SELF.parents[1]
RESULTS = ROOT / "bench" / "results"
log = logging.getLogger("bench")

TARGET_DRAIN_RATIO = 0.25
TARGET_P99_SECONDS = 1.0


# --------------------------------------------------------------------------------------------
# small helpers


def now() -> float:
    """Wall-clock seconds. Every timestamp compared across processes (and with PostgreSQL's
    created_at) uses this clock; all processes run on this one host."""
    return time.time()


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of unsorted values; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summary(values: Sequence[float]) -> dict[str, Any]:
    return {
        "count": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": max(values) if values else None,
        "mean": (sum(values) / len(values)) if values else None,
    }


def asyncpg_dsn(sqlalchemy_url: str, database: str) -> str:
    return f"{sqlalchemy_url.replace('postgresql+asyncpg', 'postgresql')}/{database}"


def free_port() -> int:
    """A free port outside the ephemeral range (scripts/free_port.py says why)."""
    return int(runpy.run_path(str(ROOT / "scripts" / "free_port.py"))["free_port"]())


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"(no log at {path})"


def process_cpu_seconds(pid: int) -> float | None:
    """user+system CPU seconds a process has used so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class HostCpu:
    """Share of all CPUs busy between construction and busy() (from /proc/stat), and the load."""

    def __init__(self) -> None:
        self.start = self._read()

    @staticmethod
    def _read() -> tuple[int, int]:
        try:
            values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        except (OSError, ValueError, IndexError):
            return (0, 0)
        idle = values[3] + (values[4] if len(values) > 4 else 0)
        return sum(values), idle

    def busy(self) -> dict[str, Any]:
        total, idle = self._read()
        d_total, d_idle = total - self.start[0], idle - self.start[1]
        return {
            "busy_fraction": round(1 - d_idle / d_total, 3) if d_total > 0 else None,
            "cpus": os.cpu_count(),
            "loadavg_1m": round(os.getloadavg()[0], 2),
        }


def upt_codes(count: int) -> list[tuple[str, str]]:
    """(upt_code, kanwil_code) pairs: `count` UPTs spread over 33 Kanwil, as in Indonesia."""
    kanwils = [f"KW-{k:02d}" for k in range(1, 34)]
    return [(f"UPT-B{i:04d}", kanwils[i % len(kanwils)]) for i in range(count)]


async def create_databases(pg: str, names: Sequence[str]) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(pg, "postgres"))
    try:
        for name in names:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def drop_databases(pg: str, names: Sequence[str]) -> None:
    try:
        conn = await asyncpg.connect(asyncpg_dsn(pg, "postgres"))
    except (OSError, asyncpg.PostgresError) as exc:
        log.warning("could not drop the benchmark databases: %s", exc)
        return
    try:
        for name in names:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def fetchval(dsn: str, sql: str, *args: Any) -> Any:
    conn = await asyncpg.connect(dsn)
    try:
        return await conn.fetchval(sql, *args)
    finally:
        await conn.close()


async def migrate(service_root: Path, url: str) -> None:
    from pas_shared.migrations import upgrade_to_head

    await asyncio.to_thread(upgrade_to_head, service_root, url)


async def dlq_messages(bootstrap: str, topic: str) -> int:
    """How many messages a (dead-letter) topic holds; 0 when it does not exist."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    from pas_shared.kafka import KafkaConnection, client_kwargs

    consumer = AIOKafkaConsumer(**client_kwargs(KafkaConnection(bootstrap)), enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = consumer.partitions_for_topic(topic)
        if not partitions:
            return 0
        tps = [TopicPartition(topic, p) for p in partitions]
        begin = await consumer.beginning_offsets(tps)
        end = await consumer.end_offsets(tps)
        return sum(end[tp] - begin[tp] for tp in tps)
    finally:
        await stop_client(consumer)


async def stop_client(client: Any) -> None:
    """Stop an aiokafka client. A consumer stopped right after it started can raise the
    CancelledError of one of its own internal tasks; that one is not ours to propagate."""
    try:
        await client.stop()
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise
        log.debug("aiokafka raised an internal CancelledError on stop")


# --------------------------------------------------------------------------------------------
# helper processes (workers)


class Worker:
    """A helper process of ours (`_worker ROLE`): JSON lines out on stdout, commands in on stdin."""

    def __init__(self, role: str, config: dict[str, Any], workdir: Path, script: Path | None = None) -> None:
        self.role = role
        self.config = config
        self.script = script or SELF  # another benchmark's workers run from that script
        self.log_path = workdir / f"worker-{role}.log"
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log_path.open("ab") as log_file:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                str(self.script),
                "_worker",
                self.role,
                json.dumps(self.config),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=log_file,
                cwd=str(ROOT),
            )

    async def expect(self, timeout: float) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdout is not None
        try:
            line = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
        except TimeoutError:
            raise RuntimeError(f"worker {self.role} said nothing for {timeout:.0f}s; log:\n{tail(self.log_path)}") from None
        if not line:
            await self.proc.wait()
            raise RuntimeError(f"worker {self.role} exited ({self.proc.returncode}); log:\n{tail(self.log_path)}")
        message: dict[str, Any] = json.loads(line)
        if "error" in message:
            raise RuntimeError(f"worker {self.role} failed: {message['error']}")
        return message

    async def send(self, message: dict[str, Any]) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(message) + "\n").encode())
        await self.proc.stdin.drain()

    async def stop(self, timeout: float = 30) -> dict[str, Any]:
        """SIGTERM, then the worker's last JSON line (its final figures); SIGKILL if it hangs."""
        last: dict[str, Any] = {}
        if self.proc is None:
            return last
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(timeout):
                assert self.proc.stdout is not None
                while line := await self.proc.stdout.readline():
                    with contextlib.suppress(ValueError):
                        last = json.loads(line)
                await self.proc.wait()
        except TimeoutError:
            log.warning("worker %s did not stop within %.0fs; killing it", self.role, timeout)
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
            await self.proc.wait()
        return last


def _say(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


async def _stdin_lines() -> asyncio.StreamReader:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    return reader


async def _until_told(reader: asyncio.StreamReader, word: str) -> None:
    while True:
        line = await reader.readline()
        if not line:
            raise RuntimeError("the benchmark went away")
        if json.loads(line).get("cmd") == word:
            return


async def worker_raw_consumer(cfg: dict[str, Any]) -> None:
    """Read `expected` messages of one topic (all partitions assigned, from the beginning)."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    from pas_shared.kafka import KafkaConnection, client_kwargs

    kafka = KafkaConnection(cfg["bootstrap"])
    consumer = AIOKafkaConsumer(
        **client_kwargs(kafka), enable_auto_commit=False, auto_offset_reset="earliest", client_id="bench.raw"
    )
    await consumer.start()
    try:
        deadline = now() + 30
        partitions = consumer.partitions_for_topic(cfg["topic"])
        while not partitions and now() < deadline:
            await consumer._client.force_metadata_update()
            partitions = consumer.partitions_for_topic(cfg["topic"])
            await asyncio.sleep(0.1)
        if not partitions:
            raise RuntimeError(f"topic {cfg['topic']} not found")
        tps = [TopicPartition(cfg["topic"], p) for p in sorted(partitions)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        for tp in tps:
            await consumer.position(tp)  # resolve the offsets now, not on the clock
        _say({"ready": True, "partitions": len(tps)})
        expected, count, nbytes = cfg["expected"], 0, 0
        first = last = None
        deadline = now() + cfg["timeout"]
        while count < expected and now() < deadline:
            batches = await consumer.getmany(timeout_ms=200)
            if not batches:
                continue
            t = now()
            for records in batches.values():
                count += len(records)
                nbytes += sum(len(r.value or b"") for r in records)
            first = first or t
            last = t
        _say({"count": count, "bytes": nbytes, "first_receive": first, "last_receive": last})
    finally:
        await stop_client(consumer)


async def worker_relay(cfg: dict[str, Any]) -> None:
    """The real outbox relay of remission, configured as the service configures it."""
    from sqlalchemy import text

    from pas_remission.adapters.tables import platform as tables
    from pas_remission.settings import Settings
    from pas_shared.db import Database
    from pas_shared.kafka import new_producer
    from pas_shared.logging import configure_logging
    from pas_shared.metrics import Metrics
    from pas_shared.outbox import Relay

    s = Settings(
        **cfg["settings"], database_url=cfg["database_url"], kafka_bootstrap=cfg["bootstrap"], kafka_namespace=cfg["namespace"]
    )
    configure_logging(s.service_name, s.log_level, s.log_json)
    db = Database(s.database_url, tables)
    metrics = Metrics(s.service_name)
    relay = Relay(
        db,
        lambda: new_producer(s.kafka_connection(), f"pas.{s.service_name}.relay"),
        metrics,
        service=s.service_name,
        batch_size=s.relay_batch_size,
        idle_poll_seconds=s.relay_idle_poll_seconds,
        namespace=s.kafka_namespace,
    )
    stdin = await _stdin_lines()
    try:
        # A running service's relay has its producer and connections long before a backlog
        # arrives: start them off the clock.
        await relay._producer()
        async with db.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        _say({"ready": True, "batch_size": s.relay_batch_size, "idle_poll_seconds": s.relay_idle_poll_seconds})
        await _until_told(stdin, "go")
        _say({"started": now(), "cpu_s": time.process_time()})
        with contextlib.suppress(asyncio.CancelledError):
            await relay.run()
    finally:
        await db.dispose()
        published = metrics.registry.get_sample_value("pas_events_published_total") or 0
        _say({"published": published, "cpu_s": time.process_time()})


async def worker_consumer(cfg: dict[str, Any]) -> None:
    """The real roster consumer of security (ConsumerRunner + roster_subscription + inbox)."""
    from pas_security.adapters.tables import platform as tables
    from pas_security.adapters.tables import roster
    from pas_security.settings import Settings
    from pas_shared.consumer import ConsumerRunner
    from pas_shared.db import Database
    from pas_shared.kafka import new_producer
    from pas_shared.logging import configure_logging
    from pas_shared.metrics import Metrics
    from pas_shared.roster import roster_subscription

    s = Settings(
        **cfg["settings"], database_url=cfg["database_url"], kafka_bootstrap=cfg["bootstrap"], kafka_namespace=cfg["namespace"]
    )
    configure_logging(s.service_name, s.log_level, s.log_json)
    db = Database(s.database_url, tables)
    metrics = Metrics(s.service_name)
    sub = roster_subscription(s.service_name, roster)
    dlq_producer = new_producer(s.kafka_connection(), f"pas.{s.service_name}")
    await dlq_producer.start()
    runner = ConsumerRunner(
        db,
        sub,
        dlq_producer,
        metrics,
        kafka=s.kafka_connection(),
        batch_size=s.consumer_batch_size,
        max_attempts=s.consumer_max_attempts,
        backoff_seconds=s.consumer_backoff_seconds,
        namespace=s.kafka_namespace,
    )
    consumer = runner.new_consumer()
    await consumer.start()
    try:
        deadline = now() + 60
        while not consumer.assignment():
            if now() > deadline:
                raise RuntimeError("no partitions assigned within 60 s")
            await asyncio.sleep(0.05)
        ready = {"ready": True, "partitions": len(consumer.assignment()), "batch_size": s.consumer_batch_size}
        _say(ready | {"cpu_s": time.process_time()})
        with contextlib.suppress(asyncio.CancelledError):
            await runner.run(consumer)
    finally:
        await stop_client(consumer)
        await stop_client(dlq_producer)
        await db.dispose()
        consumed = metrics.registry.get_sample_value("pas_events_consumed_total", {"consumer": sub.name}) or 0
        duplicates = metrics.registry.get_sample_value("pas_events_duplicate_total", {"consumer": sub.name}) or 0
        _say({"consumed": consumed, "duplicates": duplicates, "cpu_s": time.process_time()})


WORKERS: dict[str, Callable[[dict[str, Any]], Awaitable[None]]] = {
    "raw-consumer": worker_raw_consumer,
    "relay": worker_relay,
    "consumer": worker_consumer,
}


def run_worker(role: str, cfg: dict[str, Any]) -> int:
    async def main() -> None:
        task = asyncio.current_task()
        assert task is not None
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, task.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await WORKERS[role](cfg)

    # CPU time, not wall time: on a shared 2-core host, wall time would charge whatever frame
    # was running when the process was descheduled.
    profiler = cProfile.Profile(time.process_time) if cfg.get("profile") else None
    try:
        if profiler:
            profiler.enable()
        asyncio.run(main())
    except Exception as exc:  # noqa: BLE001 - reported to the benchmark, which fails the run
        traceback.print_exc()
        _say({"error": f"{type(exc).__name__}: {exc}"})
        return 1
    finally:
        if profiler:
            profiler.disable()
            profiler.dump_stats(cfg["profile"])
    return 0


# --------------------------------------------------------------------------------------------
# (a) raw produce→consume ceiling


async def bench_raw(opts: argparse.Namespace, ctx: Context) -> dict[str, Any]:
    from pas_shared.kafka import KafkaConnection, ensure_topics, new_producer

    topic = f"{ctx.namespace('a')}bench.raw.v1"
    await ensure_topics(KafkaConnection(opts.kafka), [topic], partitions=opts.partitions, replication=1)
    reader = Worker(
        "raw-consumer",
        {
            "bootstrap": opts.kafka,
            "topic": topic,
            "expected": opts.raw_messages,
            "timeout": opts.phase_timeout,
            "profile": ctx.profile_path("raw-consumer"),
        },
        ctx.workdir,
    )
    await reader.start()
    ctx.workers.append(reader)
    await reader.expect(60)

    value = os.urandom(opts.message_bytes)
    keys = [str(uuid.uuid4()).encode() for _ in range(opts.raw_messages)]
    producer = new_producer(KafkaConnection(opts.kafka), "bench.raw")
    await producer.start()
    try:
        await producer.partitions_for(topic)  # metadata off the clock
        log.info("(a) producing %d messages of %d bytes to %s", opts.raw_messages, opts.message_bytes, topic)
        busy = HostCpu()
        first_send = now()
        deliveries = [await producer.send(topic, value=value, key=key) for key in keys]
        all_enqueued = now()
        async with asyncio.timeout(opts.phase_timeout):
            await asyncio.gather(*deliveries)
        all_acked = now()
    finally:
        await producer.stop()
    got = await reader.expect(opts.phase_timeout + 30)
    host_busy = busy.busy()
    await reader.stop()
    if got["count"] != opts.raw_messages:
        raise RuntimeError(f"(a) the consumer read {got['count']} of {opts.raw_messages} messages")
    elapsed = got["last_receive"] - first_send
    return {
        "messages": opts.raw_messages,
        "message_bytes": opts.message_bytes,
        "partitions": opts.partitions,
        "producer": "pas_shared.kafka.new_producer (idempotent, acks=all, linger_ms=5, max_batch_size=512 KiB)",
        "consumer": "one AIOKafkaConsumer, all partitions assigned, own process",
        "seconds": elapsed,
        "msgs_per_s": opts.raw_messages / elapsed,
        "mb_per_s": got["bytes"] / elapsed / 1e6,
        "produce_only_msgs_per_s": opts.raw_messages / (all_acked - first_send),
        "enqueue_seconds": all_enqueued - first_send,
        "consumer_lag_after_last_ack_s": got["last_receive"] - all_acked,
        "host_cpu_busy": host_busy,
    }


# --------------------------------------------------------------------------------------------
# (b) outbox drain: relay → Kafka → consumer → projection


async def seed_outbox(db_url: str, events: int, upts: list[tuple[str, str]], chunk: int = 5000) -> None:
    """`events` committed inmate.admitted outbox rows, written as the remission service writes
    them (`UnitOfWork.emit`, one event per inmate, subject = inmate id), plus the facilities."""
    from sqlalchemy import insert

    from pas_remission.adapters.tables import facilities
    from pas_remission.adapters.tables import platform as tables
    from pas_shared.db import Database, UnitOfWork
    from pas_shared.events.remission import CustodyStatus, InmateAdmitted
    from pas_shared.ids import new_id

    db = Database(db_url, tables)
    rng = random.Random(7)
    today = datetime.now(UTC).date()
    try:
        async with UnitOfWork(db, actor="bench") as uow:
            await uow.session.execute(
                insert(facilities),
                [
                    {
                        "upt_code": code,
                        "name": f"Lapas Bench {code}",
                        "upt_type": "Lapas",
                        "kanwil_code": kanwil,
                        "capacity": 2000,
                        "time_zone": "Asia/Jakarta",
                    }
                    for code, kanwil in upts
                ],
            )
        for start in range(0, events, chunk):
            async with UnitOfWork(db, actor="bench") as uow:
                for i in range(start, min(events, start + chunk)):
                    code, kanwil = upts[i % len(upts)]
                    inmate_id = new_id()
                    uow.emit(
                        InmateAdmitted(
                            inmate_id=inmate_id,
                            upt_code=code,
                            kanwil_code=kanwil,
                            custody_status=CustodyStatus.NARAPIDANA if i % 3 else CustodyStatus.TAHANAN,
                            is_child=rng.random() < 0.03,
                            admitted_on=today - timedelta(days=rng.randrange(1, 3000)),
                        ),
                        subject=inmate_id,
                        uptcode=code,
                        kanwilcode=kanwil,
                    )
        async with db.engine.connect() as conn:  # what autovacuum would have done to a backlog
            await conn.exec_driver_sql("ANALYZE outbox")
            await conn.commit()
    finally:
        await db.dispose()


async def bench_drain(opts: argparse.Namespace, ctx: Context) -> dict[str, Any]:
    from pas_remission.main import SERVICE_ROOT as REMISSION_ROOT
    from pas_security.main import SERVICE_ROOT as SECURITY_ROOT
    from pas_shared.events.catalog import CATALOG
    from pas_shared.events.remission import INMATE_ADMITTED
    from pas_shared.kafka import KafkaConnection, dlq_topic, ensure_topics

    ns = ctx.namespace("b")
    rem_db, sec_db = ctx.database("b_remission"), ctx.database("b_security")
    await create_databases(opts.pg, [rem_db, sec_db])
    rem_url, sec_url = f"{opts.pg}/{rem_db}", f"{opts.pg}/{sec_db}"
    await migrate(REMISSION_ROOT, rem_url)  # one at a time: alembic's context is process-global
    await migrate(SECURITY_ROOT, sec_url)
    topic = ns + INMATE_ADMITTED.topic
    # What the two services' KafkaRuntime creates at startup: their topics and the DLQ.
    topics = sorted({ns + t for t in CATALOG.topics("remission")} | {dlq_topic(topic)})
    await ensure_topics(KafkaConnection(opts.kafka), topics, partitions=opts.partitions, replication=1)

    upts = upt_codes(opts.upts)
    t = now()
    log.info("(b) writing %d outbox rows across %d UPTs", opts.events, len(upts))
    await seed_outbox(rem_url, opts.events, upts)
    seed_seconds = now() - t
    rem_dsn, sec_dsn = asyncpg_dsn(opts.pg, rem_db), asyncpg_dsn(opts.pg, sec_db)
    unsent_before = await fetchval(rem_dsn, "SELECT count(*) FROM outbox WHERE sent_at IS NULL")
    if unsent_before != opts.events:
        raise RuntimeError(f"(b) expected {opts.events} unsent outbox rows, found {unsent_before}")

    common = {"bootstrap": opts.kafka, "namespace": ns}
    consumer = Worker(
        "consumer",
        common | {"database_url": sec_url, "settings": opts.security_setting, "profile": ctx.profile_path("consumer")},
        ctx.workdir,
    )
    relay = Worker(
        "relay",
        common | {"database_url": rem_url, "settings": opts.remission_setting, "profile": ctx.profile_path("relay")},
        ctx.workdir,
    )
    ctx.workers += [consumer, relay]
    await consumer.start()
    await relay.start()
    consumer_ready = await consumer.expect(90)
    relay_ready = await relay.expect(90)

    log.info("(b) relay started; waiting for the projection to hold %d rows", opts.events)
    conn = await asyncpg.connect(sec_dsn)
    samples: list[tuple[float, int]] = []
    try:
        busy = HostCpu()
        await relay.send({"cmd": "go"})
        go = await relay.expect(30)
        started = go["started"]
        deadline = started + opts.phase_timeout
        projected = 0
        while projected < opts.events:
            if now() > deadline:
                raise RuntimeError(f"(b) only {projected} of {opts.events} events projected after {opts.phase_timeout}s")
            for w in (relay, consumer):
                if w.proc is not None and w.proc.returncode is not None:
                    raise RuntimeError(f"(b) worker {w.role} died; log:\n{tail(w.log_path)}")
            await asyncio.sleep(opts.drain_poll_ms / 1000)
            projected = int(await conn.fetchval("SELECT coalesce(sum(population), 0) FROM upt_headcount"))
            samples.append((now() - started, projected))
        done = now()
        host_busy = busy.busy()
    finally:
        await conn.close()
    relay_final = await relay.stop()
    consumer_final = await consumer.stop()

    # Verify, and take exact stage end times from the rows themselves.
    conn = await asyncpg.connect(sec_dsn)
    try:
        roster_rows = await conn.fetchval("SELECT count(*) FROM roster")
        distinct_upts = await conn.fetchval("SELECT count(*) FROM upt_headcount")
        population = await conn.fetchval("SELECT coalesce(sum(population), 0) FROM upt_headcount")
        inbox_rows = await conn.fetchval("SELECT count(*) FROM inbox")
        last_processed = await conn.fetchval("SELECT max(processed_at) FROM inbox")
    finally:
        await conn.close()
    conn = await asyncpg.connect(rem_dsn)
    try:
        unsent_after = await conn.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
        last_sent = await conn.fetchval("SELECT max(sent_at) FROM outbox")
        max_attempts = await conn.fetchval("SELECT max(attempts) FROM outbox")
    finally:
        await conn.close()
    dead_letters = await dlq_messages(opts.kafka, dlq_topic(topic))

    checks = {
        "roster_rows == events": roster_rows == opts.events,
        "sum(upt_headcount.population) == events": population == opts.events,
        "inbox_rows == events": inbox_rows == opts.events,
        "unsent outbox rows == 0": unsent_after == 0,
        "dead letters == 0": dead_letters == 0,
    }
    elapsed = done - started
    relay_cpu = relay_final.get("cpu_s", 0.0) - go.get("cpu_s", 0.0)
    consumer_cpu = consumer_final.get("cpu_s", 0.0) - consumer_ready.get("cpu_s", 0.0)
    relay_seconds = last_sent.timestamp() - started if last_sent else None
    result = {
        "events": opts.events,
        "upts": len(upts),
        "seed_seconds": seed_seconds,
        "seconds": elapsed,
        "events_per_s": opts.events / elapsed,
        "relay_seconds": relay_seconds,
        "relay_events_per_s": opts.events / relay_seconds if relay_seconds else None,
        "consumer_last_processed_after_s": last_processed.timestamp() - started if last_processed else None,
        "relay_published": relay_final.get("published"),
        "consumer_applied": consumer_final.get("consumed"),
        "consumer_duplicates": consumer_final.get("duplicates"),
        "host_cpu_busy": host_busy,
        "relay_cpu_s": relay_cpu,
        "consumer_cpu_s": consumer_cpu,
        "relay_cpu_ms_per_event": 1000 * relay_cpu / opts.events,
        "consumer_cpu_ms_per_event": 1000 * consumer_cpu / opts.events,
        "relay_batch_size": relay_ready.get("batch_size"),
        "consumer_batch_size": consumer_ready.get("batch_size"),
        "partitions": opts.partitions,
        "max_outbox_attempts": max_attempts,
        "verification": {
            "roster_rows": roster_rows,
            "headcount_upts": distinct_upts,
            "population_sum": population,
            "inbox_rows": inbox_rows,
            "unsent_outbox_rows": unsent_after,
            "dead_letters": dead_letters,
            "checks": checks,
        },
        "progress": [[round(t, 3), n] for t, n in samples],
        "progress_rates": _segment_rates(samples, opts.events),
    }
    if not all(checks.values()):
        failed = [name for name, ok in checks.items() if not ok]
        raise VerificationError(f"(b) verification failed: {failed}", result)
    if not opts.keep_databases:
        await drop_databases(opts.pg, [rem_db, sec_db])
        ctx.databases = [d for d in ctx.databases if d not in (rem_db, sec_db)]
    return result


def _segment_rates(samples: list[tuple[float, int]], total: int, segments: int = 5) -> list[dict[str, float]]:
    """events/s in each fifth of the drain: shows whether it slows down as the backlog shrinks."""
    out: list[dict[str, float]] = []
    prev_t, prev_n = 0.0, 0
    for k in range(1, segments + 1):
        goal = total * k // segments
        hit = next(((t, n) for t, n in samples if n >= goal), None)
        if hit is None:
            break
        t, n = hit
        if t > prev_t:
            out.append({"upto_events": n, "until_s": round(t, 3), "events_per_s": round((n - prev_n) / (t - prev_t), 1)})
        prev_t, prev_n = t, n
    return out


# --------------------------------------------------------------------------------------------
# (c) latency under a steady HTTP write load


class HttpConn:
    """A minimal HTTP/1.1 keep-alive client: far cheaper per request than httpx, so the load
    generator takes little of the two cores the services need."""

    def __init__(self, host: str, port: int, headers: dict[str, str] | None = None) -> None:
        self.host, self.port = host, port
        self.headers = headers or {}  # sent with every request (e.g. the bearer token)
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        try:
            return await self._request(method, path, body, self.headers | (headers or {}))
        except BaseException:
            self.close()
            raise

    async def _request(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        extra = "".join(f"{k}: {v}\r\n" for k, v in ({"Content-Type": "application/json"} | headers).items())
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{extra}Content-Length: {len(body)}\r\n\r\n"
        self.writer.write(head.encode() + body)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("connection closed by the server")
        status = int(status_line.split()[1])
        length, chunked, close = 0, False, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
            elif name == "connection" and value == "close":
                close = True
        if chunked:
            parts = []
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                parts.append(await self.reader.readexactly(size))
                await self.reader.readline()
            await self.reader.readline()
            payload = b"".join(parts)
        else:
            payload = await self.reader.readexactly(length)
        if close:
            self.close()
        return status, payload

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def run_and_report(
    name: str,
    run: Callable[[], Awaitable[dict[str, Any]]],
    report: Callable[[dict[str, Any]], list[str]],
    *,
    total_timeout: float,
    strict: bool,
) -> tuple[int, dict[str, Any]]:
    """Run a benchmark within its time bound, print its report, keep its results as JSON in
    bench/results/<name>-<UTC time>.json. Exit status: 1 if its verification failed, 2 if a
    target was missed under --strict, else 0."""

    async def bounded() -> dict[str, Any]:
        async with asyncio.timeout(total_timeout):
            return await run()

    results = asyncio.run(bounded())
    for line in report(results):
        print(line)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{name}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"results: {out}")
    if not results["verification"]["ok"]:
        return 1, results
    if strict and not all(results["targets"].values()):
        return 2, results
    return 0, results


BENCH_ISSUER = "pas-bench"
BENCH_AUDIENCE = "pas-api"


@functools.cache
def _bench_key() -> tuple[Any, str]:
    """The benchmark's own signing key and its JWKS as a file the services read (file://)."""
    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    path = Path(tempfile.mkdtemp(prefix="pas-bench-jwks-")) / "jwks.json"
    path.write_text(json.dumps({"keys": [jwk | {"kid": "bench-1", "use": "sig", "alg": "RS256"}]}))
    return key, path.as_uri()


def bench_auth_settings() -> dict[str, str]:
    """Settings that make a service verify the benchmark's tokens (as the tests' harness does)."""
    return {"auth_jwks_url": _bench_key()[1], "auth_issuer": BENCH_ISSUER, "auth_audience": BENCH_AUDIENCE}


def bench_auth_headers(*roles: str, scope: str = "national") -> dict[str, str]:
    """A bearer token of the benchmark's key with `roles`, valid for two hours."""
    import jwt

    t = int(time.time())
    claims = {"iss": BENCH_ISSUER, "aud": BENCH_AUDIENCE, "sub": "bench", "name": "bench", "iat": t, "exp": t + 7200}
    token = jwt.encode(
        claims | {"roles": list(roles), "pas_scope": scope}, _bench_key()[0], algorithm="RS256", headers={"kid": "bench-1"}
    )
    return {"Authorization": f"Bearer {token}"}


@functools.cache
def remission_writer() -> dict[str, str]:
    return bench_auth_headers("REMISSION__FACILITIES__RW", "REMISSION__INMATES__RW")


SERVICES = {
    "remission": ("pas_remission", "PAS_REMISSION_"),
    "security": ("pas_security", "PAS_SECURITY_"),
    "rehabilitation": ("pas_rehabilitation", "PAS_REHABILITATION_"),
    "food-audit": ("pas_food_audit", "PAS_FOOD_AUDIT_"),
    "gateway": ("pas_gateway", "PAS_GATEWAY_"),
}


class ServiceProc:
    """A real service as a uvicorn process, configured by environment variables as the
    integration tests' ServiceProcess does (the service's own defaults otherwise)."""

    def __init__(self, service: str, env: dict[str, Any], workdir: Path, profile: str | None = None) -> None:
        self.service = service
        self.profile = profile
        self.module, self.prefix = SERVICES[service]
        self.env = env
        self.port = free_port()
        self.log_path = workdir / f"{service}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = os.environ | {f"{self.prefix}{k.upper()}": str(v) for k, v in self.env.items()}
        with self.log_path.open("ab") as log_file:
            if self.profile:  # the same server, inside cProfile with a CPU-time clock
                command = [sys.executable, str(SELF), "_serve", self.module, str(self.port), self.profile]
            else:
                command = [sys.executable, "-m", "uvicorn", f"{self.module}.main:create", "--factory"]
                command += ["--host", "127.0.0.1", "--port", str(self.port)]
            self.proc = subprocess.Popen(
                command,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                cwd=str(ROOT),
            )

    async def wait_ready(self, timeout: float) -> None:
        deadline = now() + timeout
        while True:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.service} exited ({self.proc.returncode}); log:\n{tail(self.log_path)}")
            conn = HttpConn("127.0.0.1", self.port)
            with contextlib.suppress(OSError, ValueError, IndexError, asyncio.IncompleteReadError, TimeoutError):
                async with asyncio.timeout(5):
                    status, _ = await conn.request("GET", "/readyz")
                if status == 200:
                    conn.close()
                    return
            conn.close()
            if now() > deadline:
                raise RuntimeError(f"{self.service} not ready after {timeout:.0f}s; log:\n{tail(self.log_path)}")
            await asyncio.sleep(0.2)

    def cpu_seconds(self) -> float | None:
        return process_cpu_seconds(self.proc.pid) if self.proc is not None else None

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        # SIGINT, not SIGTERM: uvicorn shuts down gracefully on both and then re-raises the
        # signal; only SIGINT then unwinds Python (KeyboardInterrupt), so cProfile can write.
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


@dataclass
class Request:
    index: int
    scheduled: float
    body: bytes
    measured: bool
    sent: float = 0.0
    answered: float = 0.0
    status: int = 0
    inmate_id: str = ""
    error: str = ""


@dataclass
class Visibility:
    """Watches security's roster for the inmates remission has answered 201 for."""

    dsn: str
    interval: float
    pending: dict[str, float] = field(default_factory=dict)  # inmate id → 201 received at
    seen: dict[str, float] = field(default_factory=dict)  # inmate id → first poll that saw it
    polls: int = 0
    poll_seconds: list[float] = field(default_factory=list)

    async def run(self, stop: asyncio.Event, deadline: float) -> None:
        conn = await asyncpg.connect(self.dsn)
        try:
            while now() < deadline and not (stop.is_set() and not self.pending):
                started = now()
                if self.pending:
                    ids = list(self.pending)
                    rows = await conn.fetch("SELECT inmate_id FROM roster WHERE inmate_id = ANY($1::text[])", ids)
                    for row in rows:
                        self.seen[row[0]] = started  # committed before this poll's snapshot
                        del self.pending[row[0]]
                    self.polls += 1
                    self.poll_seconds.append(now() - started)
                await asyncio.sleep(max(0.0, self.interval - (now() - started)))
        finally:
            await conn.close()


def inmate_bodies(count: int, upts: list[tuple[str, str]], seed: int = 11) -> list[bytes]:
    rng = random.Random(seed)
    today = datetime.now(UTC).date()
    bodies = []
    for i in range(count):
        admitted = today - timedelta(days=rng.randrange(1, 3000))
        birth = admitted - timedelta(days=rng.randrange(15 * 365, 70 * 365))  # a few are children
        bodies.append(
            json.dumps(
                {
                    "register_number": f"BENCH-{i:07d}",
                    "upt_code": upts[i % len(upts)][0],
                    "custody_status": "narapidana" if i % 3 else "tahanan",
                    **({} if i % 3 else {"detaining_authority": "pengadilan-negeri"}),
                    "birth_date": birth.isoformat(),
                    "admitted_on": admitted.isoformat(),
                    "religion": "islam",
                }
            ).encode()
        )
    return bodies


async def register_facilities(port: int, upts: list[tuple[str, str]], concurrency: int = 8) -> None:
    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    for upt in upts:
        queue.put_nowait(upt)

    async def work() -> None:
        conn = HttpConn("127.0.0.1", port)
        try:
            while not queue.empty():
                code, kanwil = queue.get_nowait()
                body = json.dumps(
                    {
                        "upt_code": code,
                        "name": f"Lapas Bench {code}",
                        "upt_type": "Lapas",
                        "kanwil_code": kanwil,
                        "capacity": 2000,
                        "time_zone": "Asia/Jakarta",
                    }
                ).encode()
                async with asyncio.timeout(30):
                    status, payload = await conn.request("POST", "/api/v1/facilities", body, headers=remission_writer())
                if status not in (201, 409):
                    raise RuntimeError(f"POST /api/v1/facilities answered {status}: {payload[:300]!r}")
        finally:
            conn.close()

    await asyncio.gather(*(work() for _ in range(concurrency)))


async def run_load(
    port: int,
    bodies: list[bytes],
    rate: float,
    warmup_count: int,
    connections: int,
    grace: float,
    on_created: Callable[[str, float], None],
) -> tuple[list[Request], list[Request], float, list[float]]:
    """Open loop: request i is due at t0 + i/rate whatever happened to earlier ones; at most
    `connections` are in flight, so a slow service makes requests wait (measured from their due
    time) rather than lowering the offered rate. Requests still waiting for a connection
    `grace` seconds after the last one was due are not sent (returned as abandoned), which
    bounds the run when the service cannot keep up; so are warm-up requests still waiting when
    the measured window opens, so that window starts without the warm-up's backlog."""
    queue: asyncio.Queue[Request | None] = asyncio.Queue()
    done: list[Request] = []
    abandoned: list[Request] = []
    lags: list[float] = []
    t0 = now() + 0.2
    cutoff = t0 + len(bodies) / rate + grace
    window_opens = t0 + warmup_count / rate

    async def scheduler() -> None:
        i = 0
        while i < len(bodies):
            due = min(len(bodies), int((now() - t0) * rate) + 1)
            if due > i:
                lags.append(now() - (t0 + (due - 1) / rate))
            while i < due:
                queue.put_nowait(Request(i, t0 + i / rate, bodies[i], i >= warmup_count))
                i += 1
            await asyncio.sleep(max(0.0, t0 + i / rate - now()))
        for _ in range(connections):
            queue.put_nowait(None)

    async def client() -> None:
        conn = HttpConn("127.0.0.1", port)
        try:
            while (req := await queue.get()) is not None:
                if now() > (cutoff if req.measured else window_opens):
                    abandoned.append(req)
                    continue
                req.sent = now()
                try:
                    async with asyncio.timeout(30):
                        req.status, payload = await conn.request("POST", "/api/v1/inmates", req.body, headers=remission_writer())
                    req.answered = now()
                    if req.status == 201:
                        req.inmate_id = json.loads(payload)["inmate_id"]
                        on_created(req.inmate_id, req.answered)
                    else:
                        req.error = payload[:300].decode(errors="replace")
                except (OSError, ValueError, IndexError, asyncio.IncompleteReadError, TimeoutError) as exc:
                    req.answered = now()
                    req.error = f"{type(exc).__name__}: {exc}"
                done.append(req)
        finally:
            conn.close()

    await asyncio.gather(scheduler(), *(client() for _ in range(connections)))
    return done, abandoned, t0, lags


async def bench_latency(opts: argparse.Namespace, ctx: Context) -> dict[str, Any]:
    ns = ctx.namespace("c")
    rem_db, sec_db = ctx.database("c_remission"), ctx.database("c_security")
    await create_databases(opts.pg, [rem_db, sec_db])
    base = {"kafka_bootstrap": opts.kafka, "kafka_namespace": ns, "log_json": True, **bench_auth_settings()}
    remission = ServiceProc(
        "remission",
        opts.remission_setting | base | {"database_url": f"{opts.pg}/{rem_db}"},
        ctx.workdir,
        ctx.profile_path("remission-service"),
    )
    security = ServiceProc(
        "security",
        opts.security_setting | base | {"database_url": f"{opts.pg}/{sec_db}"},
        ctx.workdir,
        ctx.profile_path("security-service"),
    )
    ctx.services += [remission, security]
    remission.start()
    security.start()
    await asyncio.gather(remission.wait_ready(120), security.wait_ready(120))

    upts = upt_codes(opts.upts)
    log.info("(c) registering %d UPTs", len(upts))
    await register_facilities(remission.port, upts)

    warmup_count = int(opts.rate * opts.warmup_seconds)
    measured_count = int(opts.rate * opts.latency_seconds)
    bodies = inmate_bodies(1 + warmup_count + measured_count, upts)
    sec_dsn = asyncpg_dsn(opts.pg, sec_db)

    # One admission end to end first: the consumer has joined its group and the path is warm.
    conn = HttpConn("127.0.0.1", remission.port)
    status, payload = await conn.request("POST", "/api/v1/inmates", bodies[0], headers=remission_writer())
    conn.close()
    if status != 201:
        raise RuntimeError(f"(c) first admission answered {status}: {payload[:300]!r}")
    first_id = json.loads(payload)["inmate_id"]
    deadline = now() + 90
    while not await fetchval(sec_dsn, "SELECT count(*) FROM roster WHERE inmate_id = $1", first_id):
        if now() > deadline:
            raise RuntimeError(f"(c) first admission not in security's roster after 90 s; log:\n{tail(security.log_path)}")
        await asyncio.sleep(0.1)

    watcher = Visibility(sec_dsn, opts.poll_ms / 1000)
    stop = asyncio.Event()
    total_seconds = opts.warmup_seconds + opts.latency_seconds
    watch = asyncio.create_task(watcher.run(stop, now() + total_seconds + opts.settle_seconds + 30))
    log.info(
        "(c) %.0f writes/s for %ss (+%ss warm-up) over %d connections",
        opts.rate,
        opts.latency_seconds,
        opts.warmup_seconds,
        opts.connections,
    )

    def on_created(inmate_id: str, at: float) -> None:
        watcher.pending[inmate_id] = at

    try:
        cpu_before = {svc.service: svc.cpu_seconds() or 0.0 for svc in (remission, security)}
        busy = HostCpu()
        async with asyncio.timeout(total_seconds + opts.grace_seconds + 60):
            requests, abandoned, t0, lags = await run_load(
                remission.port, bodies[1:], opts.rate, warmup_count, opts.connections, opts.grace_seconds, on_created
            )
        host_busy = busy.busy()
        cpu_used = {svc.service: (svc.cpu_seconds() or 0.0) - cpu_before[svc.service] for svc in (remission, security)}
        load_ended = now()
        stop.set()
        async with asyncio.timeout(opts.settle_seconds + 30):
            await watch
    finally:
        if not watch.done():
            watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watch

    created = [r for r in requests if r.status == 201]
    created_at: dict[str, float] = {}
    conn2 = await asyncpg.connect(asyncpg_dsn(opts.pg, rem_db))
    try:
        rows = await conn2.fetch(
            "SELECT data::json->>'inmate_id' AS inmate_id, created_at FROM outbox WHERE event_type = $1",
            "pas.remission.inmate.admitted",
        )
        created_at = {r["inmate_id"]: r["created_at"].timestamp() for r in rows}
        unsent = await conn2.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
    finally:
        await conn2.close()
    sec = await asyncpg.connect(sec_dsn)
    try:
        roster_rows = await sec.fetchval("SELECT count(*) FROM roster")
        population = await sec.fetchval("SELECT coalesce(sum(population), 0) FROM upt_headcount")
    finally:
        await sec.close()
    remission.stop()
    security.stop()

    measured = [r for r in requests if r.measured]
    measured_abandoned = [r for r in abandoned if r.measured]
    warmup_abandoned = len(abandoned) - len(measured_abandoned)
    measured_ok = [r for r in measured if r.status == 201]
    errors = [r for r in requests if r.status != 201]
    from_201 = [watcher.seen[r.inmate_id] - r.answered for r in measured_ok if r.inmate_id in watcher.seen]
    from_created = [
        watcher.seen[r.inmate_id] - created_at[r.inmate_id]
        for r in measured_ok
        if r.inmate_id in watcher.seen and r.inmate_id in created_at
    ]
    not_seen = [r.inmate_id for r in created if r.inmate_id not in watcher.seen]
    window_start = t0 + warmup_count / opts.rate
    window = opts.latency_seconds
    answered_in_window = [r for r in measured_ok if r.answered <= window_start + window]
    checks = {
        "every 201 projected": not not_seen,
        "roster_rows == 201s + 1": roster_rows == len(created) + 1,
        "sum(population) == 201s + 1": population == len(created) + 1,
        "unsent outbox rows == 0": unsent == 0,
    }
    result = {
        "offered_rate": opts.rate,
        "seconds": window,
        "warmup_seconds": opts.warmup_seconds,
        "connections": opts.connections,
        "upts": len(upts),
        "poll_interval_ms": opts.poll_ms,
        "requests": len(measured) + len(measured_abandoned),
        "sent": len(measured),
        "abandoned_unsent": len(measured_abandoned),
        "warmup_abandoned_unsent": warmup_abandoned,
        "created_201": len(measured_ok),
        "errors": len(errors),
        "error_samples": [r.error or f"HTTP {r.status}" for r in errors[:5]],
        "achieved_rate": len(answered_in_window) / window,
        "completed_rate": len(measured_ok) / (max(r.answered for r in measured_ok) - window_start) if measured_ok else 0.0,
        "http_latency_from_due": summary([r.answered - r.scheduled for r in measured_ok]),
        "http_latency_from_send": summary([r.answered - r.sent for r in measured_ok]),
        "send_delay": summary([r.sent - r.scheduled for r in measured]),
        "scheduler_lag": summary(lags),
        "commit_to_projection_from_201": summary(from_201),
        "commit_to_projection_from_created_at": summary(from_created),
        "drain_after_load_s": (max(watcher.seen.values()) - load_ended) if watcher.seen else None,
        "host_cpu_busy": host_busy,
        "service_cpu_seconds": cpu_used,
        "remission_cpu_ms_per_request": 1000 * cpu_used["remission"] / len(requests) if requests else None,
        "security_cpu_ms_per_event": 1000 * cpu_used["security"] / len(created) if created else None,
        "visibility_polls": watcher.polls,
        "visibility_poll_query": summary(watcher.poll_seconds),
        "verification": {
            "roster_rows": roster_rows,
            "population_sum": population,
            "unsent_outbox_rows": unsent,
            "not_projected": len(not_seen),
            "checks": checks,
        },
    }
    if not all(checks.values()):
        failed = [name for name, ok in checks.items() if not ok]
        raise VerificationError(f"(c) verification failed: {failed}", result)
    if not opts.keep_databases:
        await drop_databases(opts.pg, [rem_db, sec_db])
        ctx.databases = [d for d in ctx.databases if d not in (rem_db, sec_db)]
    return result


# --------------------------------------------------------------------------------------------
# orchestration and report


class VerificationError(Exception):
    def __init__(self, message: str, result: dict[str, Any]) -> None:
        super().__init__(message)
        self.result = result


@dataclass
class Context:
    opts: argparse.Namespace
    run_id: str
    stamp: str
    workdir: Path
    workers: list[Worker] = field(default_factory=list)
    services: list[ServiceProc] = field(default_factory=list)
    databases: list[str] = field(default_factory=list)

    def namespace(self, phase: str) -> str:
        return f"bench{self.run_id}{phase}."

    def database(self, name: str) -> str:
        db = f"bench{self.run_id}_{name}"
        self.databases.append(db)
        return db

    def profile_path(self, role: str) -> str | None:
        if not self.opts.profile:
            return None
        return str(RESULTS / f"event_pipeline-{self.stamp}-{role}.pstats")

    async def cleanup(self) -> None:
        for w in self.workers:
            if w.proc is not None and w.proc.returncode is None:
                await w.stop(15)
        for s in self.services:
            s.stop()
        if self.databases and not self.opts.keep_databases:
            await drop_databases(self.opts.pg, self.databases)


def fmt(value: Any, unit: str = "", digits: int = 0) -> str:
    if value is None:
        return "-"
    if unit == "ms":  # value in seconds
        return f"{value * 1000:,.{digits}f} ms"
    if unit == "ms.":  # value already in milliseconds
        return f"{value:,.{digits}f} ms"
    return f"{value:,.{digits}f}{(' ' + unit) if unit else ''}"


def busy_text(busy: dict[str, Any] | None) -> str:
    if not busy or busy.get("busy_fraction") is None:
        return "-"
    return f"{busy['busy_fraction']:.0%} of {busy['cpus']} CPUs (load {busy['loadavg_1m']})"


def report(results: dict[str, Any]) -> list[str]:
    lines = ["", "Event pipeline benchmark", "=" * 78]
    raw, drain, lat = results.get("raw"), results.get("drain"), results.get("latency")
    rows: list[tuple[str, str]] = []
    if raw:
        rows += [
            ("(a) raw aiokafka produce→consume (1 KB)", fmt(raw["msgs_per_s"], "msgs/s")),
            ("    messages / seconds", f"{raw['messages']:,} / {raw['seconds']:.2f} s"),
            ("    produce-only (first send → last ack)", fmt(raw["produce_only_msgs_per_s"], "msgs/s")),
            ("    host CPU busy (all cores)", busy_text(raw.get("host_cpu_busy"))),
        ]
    if drain:
        rows += [
            ("(b) outbox drain: relay start → projection", fmt(drain["events_per_s"], "events/s")),
            ("    events / seconds", f"{drain['events']:,} / {drain['seconds']:.2f} s"),
            ("    relay alone (start → last row marked sent)", fmt(drain["relay_events_per_s"], "events/s")),
            ("    rate per fifth of the drain", ", ".join(f"{s['events_per_s']:,.0f}" for s in drain["progress_rates"])),
            (
                "    CPU per event: relay / consumer process",
                " / ".join(fmt(drain.get(k), "ms.", 3) for k in ("relay_cpu_ms_per_event", "consumer_cpu_ms_per_event")),
            ),
            ("    host CPU busy (all cores)", busy_text(drain.get("host_cpu_busy"))),
        ]
    if raw and drain:
        rows.append(("(b)/(a)", f"{drain['events_per_s'] / raw['msgs_per_s']:.1%}"))
    if lat:
        f201, fca = lat["commit_to_projection_from_201"], lat["commit_to_projection_from_created_at"]
        rows += [
            ("(c) offered / achieved write rate", f"{lat['offered_rate']:.0f} / {lat['achieved_rate']:.1f} req/s"),
            (
                "    requests due / 201 / errors / never sent",
                f"{lat['requests']:,} / {lat['created_201']:,} / {lat['errors']} / {lat.get('abandoned_unsent', 0):,}",
            ),
            (
                "    HTTP latency p50 / p99 (from due time)",
                f"{fmt(lat['http_latency_from_due']['p50'], 'ms', 1)} / {fmt(lat['http_latency_from_due']['p99'], 'ms', 1)}",
            ),
            (
                "    HTTP latency p50 / p99 (from send)",
                f"{fmt(lat['http_latency_from_send']['p50'], 'ms', 1)} / {fmt(lat['http_latency_from_send']['p99'], 'ms', 1)}",
            ),
            ("    201 → projection p50 / p95", f"{fmt(f201['p50'], 'ms')} / {fmt(f201['p95'], 'ms')}"),
            ("    201 → projection p99 / max", f"{fmt(f201['p99'], 'ms')} / {fmt(f201['max'], 'ms')}"),
            ("    outbox created_at → projection p50 / p95", f"{fmt(fca['p50'], 'ms')} / {fmt(fca['p95'], 'ms')}"),
            ("    outbox created_at → projection p99 / max", f"{fmt(fca['p99'], 'ms')} / {fmt(fca['max'], 'ms')}"),
            (
                "    CPU: remission per request / security per event",
                " / ".join(fmt(lat.get(k), "ms.", 2) for k in ("remission_cpu_ms_per_request", "security_cpu_ms_per_event")),
            ),
            ("    host CPU busy (all cores)", busy_text(lat.get("host_cpu_busy"))),
        ]
    width = max(len(k) for k, _ in rows) if rows else 0
    lines += [f"{k:<{width}}  {v}" for k, v in rows]
    lines += ["-" * 78, "Targets"]
    for name, t in results["targets"].items():
        lines.append(f"  {name:<60} {'MET' if t['met'] else 'NOT MET' if t['met'] is False else 'n/a'}  ({t['value']})")
    lines.append("=" * 78)
    return lines


def targets(results: dict[str, Any]) -> dict[str, Any]:
    raw, drain, lat = results.get("raw"), results.get("drain"), results.get("latency")
    out: dict[str, Any] = {}
    if raw and drain:
        ratio = drain["events_per_s"] / raw["msgs_per_s"]
        out["(b) drain >= 25% of (a) raw"] = {"met": ratio >= TARGET_DRAIN_RATIO, "value": f"{ratio:.1%}"}
    else:
        out["(b) drain >= 25% of (a) raw"] = {"met": None, "value": "not measured"}
    if lat:
        p99s = [lat["commit_to_projection_from_201"]["p99"], lat["commit_to_projection_from_created_at"]["p99"]]
        worst = max((p for p in p99s if p is not None), default=None)
        out["(c) commit→projection p99 < 1 s (worse of 201 / created_at)"] = {
            "met": worst is not None and worst < TARGET_P99_SECONDS,
            "value": fmt(worst, "ms"),
        }
        sustained = lat["achieved_rate"] >= 0.95 * lat["offered_rate"]
        out["(c) offered write rate sustained (achieved >= 95%)"] = {
            "met": sustained,
            "value": f"{lat['achieved_rate']:.1f} of {lat['offered_rate']:.0f} req/s",
        }
    else:
        out["(c) commit→projection p99 < 1 s (worse of 201 / created_at)"] = {"met": None, "value": "not measured"}
    return out


def print_profiles(ctx: Context, top: int) -> None:
    for path in sorted(RESULTS.glob(f"event_pipeline-{ctx.stamp}-*.pstats")):
        for key in ("tottime", "cumulative"):
            out = io.StringIO()
            stats = pstats.Stats(str(path), stream=out)
            stats.strip_dirs().sort_stats(key).print_stats(top)
            print(f"\n---- profile {path.name} by {key} ----")
            print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:20000])


async def orchestrate(opts: argparse.Namespace) -> int:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    ctx = Context(opts, uuid.uuid4().hex[:8], stamp, Path(opts.workdir))
    ctx.workdir.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    phases = set(opts.phases.split(","))
    results: dict[str, Any] = {
        "benchmark": "event_pipeline",
        "started_at": datetime.now(UTC).isoformat(),
        "host": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "platform": host_platform.platform()},
        "options": {k: v for k, v in vars(opts).items() if k not in ("pg",)},
    }
    status = 0
    try:
        pg_version = await fetchval(asyncpg_dsn(opts.pg, "postgres"), "SHOW server_version")
        import aiokafka

        results["host"] |= {"postgres": pg_version, "aiokafka": aiokafka.__version__}
        async with asyncio.timeout(opts.total_timeout):
            if "raw" in phases:
                log.info("(a) raw aiokafka ceiling")
                results["raw"] = await bench_raw(opts, ctx)
                log.info("(a) %.0f msgs/s", results["raw"]["msgs_per_s"])
            if "drain" in phases:
                log.info("(b) outbox drain")
                results["drain"] = await bench_drain(opts, ctx)
                log.info("(b) %.0f events/s", results["drain"]["events_per_s"])
            if "latency" in phases:
                log.info("(c) commit→projection latency")
                results["latency"] = await bench_latency(opts, ctx)
    except VerificationError as exc:
        log.error("%s", exc)
        key = "drain" if str(exc).startswith("(b)") else "latency"
        results[key] = exc.result
        results["failure"] = str(exc)
        status = 1
    except (Exception, asyncio.CancelledError) as exc:  # noqa: BLE001 - reported, recorded, and the run fails
        log.error("benchmark failed: %s", exc)
        traceback.print_exc()
        results["failure"] = f"{type(exc).__name__}: {exc}"
        status = 1
    finally:
        await ctx.cleanup()
    results["finished_at"] = datetime.now(UTC).isoformat()
    results["targets"] = targets(results)
    out_path = RESULTS / f"event_pipeline-{stamp}.json"
    out_path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print("\n".join(report(results)))
    if opts.profile:
        print_profiles(ctx, opts.profile_top)
    print(f"results: {out_path.relative_to(ROOT)}")
    if status == 0 and opts.strict and not all(t["met"] for t in results["targets"].values() if t["met"] is not None):
        status = 2
    if status == 1:
        print(f"FAILED: {results.get('failure')}", file=sys.stderr)
    return status


def env_default(name: str, default: Any) -> Any:
    value = os.environ.get(name)
    return type(default)(value) if value not in (None, "") else default


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Event pipeline benchmark: (a) raw Kafka ceiling, (b) outbox drain, (c) commit→projection latency.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--kafka", default=os.environ.get("PAS_BENCH_KAFKA_BOOTSTRAP"), help="bootstrap server (host:port)")
    p.add_argument(
        "--pg",
        default=os.environ.get("PAS_BENCH_PG_URL"),
        help="postgresql+asyncpg://user@host:port (no database); databases are created per run",
    )
    p.add_argument(
        "--workdir",
        default=os.environ.get("PAS_BENCH_WORKDIR", str(ROOT / ".run" / "bench")),
        help="folder for the helper processes' and services' logs",
    )
    p.add_argument("--phases", default="raw,drain,latency", help="comma-separated subset of raw,drain,latency")
    p.add_argument("--raw-messages", type=int, default=env_default("BENCH_RAW_MESSAGES", 100_000), help="(a) messages")
    p.add_argument("--message-bytes", type=int, default=1024, help="(a) message size")
    p.add_argument("--events", type=int, default=env_default("BENCH_EVENTS", 100_000), help="(b) outbox rows to drain")
    p.add_argument("--upts", type=int, default=530, help="UPTs the inmates are spread over (Indonesia has ~530)")
    p.add_argument("--partitions", type=int, default=3, help="partitions per topic (the services' default)")
    p.add_argument("--drain-poll-ms", type=float, default=50, help="(b) how often the projection is counted")
    p.add_argument("--rate", type=float, default=env_default("BENCH_RATE", 500.0), help="(c) offered writes per second")
    p.add_argument(
        "--latency-seconds", type=float, default=env_default("BENCH_LATENCY_SECONDS", 60.0), help="(c) measured load duration"
    )
    p.add_argument("--warmup-seconds", type=float, default=5.0, help="(c) load before the measured window (not counted)")
    p.add_argument("--connections", type=int, default=64, help="(c) concurrent HTTP connections (the bound)")
    p.add_argument("--poll-ms", type=float, default=20.0, help="(c) how often security's roster is polled")
    p.add_argument(
        "--grace-seconds",
        type=float,
        default=10.0,
        help="(c) requests still unsent this long after the last one was due are abandoned (and counted)",
    )
    p.add_argument("--settle-seconds", type=float, default=60.0, help="(c) how long to wait for the last projections")
    p.add_argument("--phase-timeout", type=float, default=360.0, help="bound on (a) and on (b)'s drain, seconds")
    p.add_argument("--total-timeout", type=float, default=900.0, help="bound on the whole run, seconds")
    for service in ("remission", "security"):
        p.add_argument(
            f"--{service}-setting",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help=f"override a {service} setting (e.g. relay_batch_size=2000, consumer_batch_size=1000) in (b) and (c); "
            "default: the service's own defaults",
        )
    p.add_argument("--keep-databases", action="store_true", help="do not drop the benchmark's databases")
    p.add_argument(
        "--profile",
        action="store_true",
        help="run (a)'s consumer, (b)'s relay and consumer and (c)'s services under cProfile (CPU time); stats in bench/results/",
    )
    p.add_argument("--profile-top", type=int, default=25, help="functions to print per profile")
    p.add_argument("--strict", action="store_true", help="exit 2 when a target is not met")
    opts = p.parse_args(argv)
    opts.workdir = os.path.abspath(opts.workdir)
    unknown = set(opts.phases.split(",")) - {"raw", "drain", "latency"}
    if unknown:
        p.error(f"unknown phases {sorted(unknown)}; choose from raw, drain, latency")
    for name in ("remission_setting", "security_setting"):
        pairs = [item.split("=", 1) for item in getattr(opts, name)]
        if any(len(pair) != 2 for pair in pairs):
            p.error(f"--{name.replace('_', '-')} takes NAME=VALUE")
        setattr(opts, name, {k.strip().lower(): v for k, v in pairs})
    if not opts.kafka or not opts.pg:
        p.error("--kafka and --pg are required (scripts/bench.sh starts a private Kafka and PostgreSQL and passes them)")
    return opts


def serve_profiled(module: str, port: int, out: str) -> int:
    """`uvicorn MODULE.main:create --factory` under cProfile (CPU time). uvicorn re-raises the
    SIGINT it stopped on, which unwinds here as KeyboardInterrupt, so the stats get written."""
    import uvicorn

    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    try:
        uvicorn.run(f"{module}.main:create", factory=True, host="127.0.0.1", port=port)
    except KeyboardInterrupt:
        pass
    finally:
        profiler.disable()
        profiler.dump_stats(out)
    return 0


def main(argv: Sequence[str]) -> int:
    if argv and argv[0] == "_worker":
        return run_worker(argv[1], json.loads(argv[2]))
    if argv and argv[0] == "_serve":
        return serve_profiled(argv[1], int(argv[2]), argv[3])
    logging.basicConfig(level=logging.INFO, format="%(asctime)s bench %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    return asyncio.run(orchestrate(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
