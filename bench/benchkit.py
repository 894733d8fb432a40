"""Helpers the load benchmarks share, beside those of event_pipeline.py (HttpConn, ServiceProc,
HostCpu, percentile, run_and_report): per-endpoint latency figures, a login to the gateway's
embedded token issuer, resident memory of service processes, and how far consumer groups are
behind the broker."""

import asyncio
import contextlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from event_pipeline import HttpConn, now, percentile


class Conn(HttpConn):
    """An HttpConn that opens a new connection when its last request is older than the
    server's keep-alive timeout (uvicorn's default is 5 s), as a browser does, rather than
    sending into a connection the server is closing."""

    def __init__(self, host: str, port: int, headers: dict[str, str] | None = None, keep_alive: float = 4.0) -> None:
        super().__init__(host, port, headers)
        self.keep_alive = keep_alive
        self.last_used = 0.0

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        if self.writer is not None and now() - self.last_used > self.keep_alive:
            self.close()
        try:
            return await super().request(method, path, body, headers)
        finally:
            self.last_used = now()


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(1000 * seconds, 2)


@dataclass
class EndpointStats:
    """Answers of one endpoint: latencies of those sent and answered inside the measured window,
    every status (warm-up included) and the first errors."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    error_count: int = 0

    def answered(self, status: int, sent: float, answered: float, window: tuple[float, float], ok: bool, body: bytes) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if not ok:
            self.failed(f"HTTP {status}: {body[:300]!r}")
        elif window[0] <= sent and answered <= window[1]:
            self.latencies.append(answered - sent)

    def failed(self, what: str) -> None:
        self.error_count += 1
        if len(self.errors) < 5:
            self.errors.append(what)

    def figures(self, seconds: float) -> dict[str, Any]:
        n = len(self.latencies)
        return {
            "requests_measured": n,
            "rps": round(n / seconds, 1) if seconds else None,
            "p50_ms": ms(percentile(self.latencies, 50)),
            "p99_ms": ms(percentile(self.latencies, 99)),
            "max_ms": ms(max(self.latencies)) if n else None,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "errors": self.errors,
            "error_count": self.error_count,
        }


class Endpoints:
    """EndpointStats by name, and the measured window they share."""

    def __init__(self) -> None:
        self.by_name: dict[str, EndpointStats] = {}
        self.window = (0.0, 0.0)

    def __getitem__(self, name: str) -> EndpointStats:
        return self.by_name.setdefault(name, EndpointStats())

    async def call(
        self, conn: HttpConn, name: str, method: str, path: str, body: bytes = b"", expect: Iterable[int] = (200, 201)
    ) -> tuple[int, bytes] | None:
        """One request, recorded under `name`; None (and an error recorded) when it failed."""
        sent = now()
        try:
            async with asyncio.timeout(30):
                status, payload = await conn.request(method, path, body)
        except (OSError, TimeoutError, ConnectionError, asyncio.IncompleteReadError, ValueError) as exc:
            self[name].failed(f"{type(exc).__name__}: {exc}")
            conn.close()
            return None
        ok = status in expect
        self[name].answered(status, sent, now(), self.window, ok, payload)
        return (status, payload) if ok else None

    def figures(self) -> dict[str, dict[str, Any]]:
        seconds = self.window[1] - self.window[0]
        return {name: stats.figures(seconds) for name, stats in sorted(self.by_name.items())}


async def login(port: int, username: str, password: str) -> dict[str, str]:
    """The Authorization header of a user of the gateway's embedded token issuer."""
    conn = Conn("127.0.0.1", port)
    try:
        status, payload = await conn.request(
            "POST",
            "/api/v1/auth/token",
            f"username={username}&password={password}".encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    finally:
        conn.close()
    if status != 200:
        raise RuntimeError(f"login of {username} failed: HTTP {status} {payload[:300]!r}")
    return {"Authorization": f"Bearer {json.loads(payload)['access_token']}"}


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS (resident now) and VmHWM (the peak resident set since the process started), KiB."""
    found: dict[str, int] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                found[name] = int(value.split()[0])
    return found


def children(pid: int) -> list[int]:
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
    return sorted(found)


class MemoryWatch:
    """Resident memory of processes: the kernel's peak (VmHWM) and, per phase, the highest VmRSS
    seen by sampling every `interval` seconds."""

    def __init__(self, pids: dict[str, int], interval: float = 0.5) -> None:
        self.pids = pids
        self.interval = interval
        self.phase = "start"
        self.per_phase: dict[str, dict[str, int]] = {}
        self.peak_kib: dict[str, int] = {}
        self._task: asyncio.Task[None] | None = None

    def sample(self) -> None:
        seen = self.per_phase.setdefault(self.phase, {})
        # A service's child processes (remission's batch workers) count too, each on its own line.
        watched = list(self.pids.items())
        watched += [(f"{name} child {child}", child) for name, pid in self.pids.items() for child in children(pid)]
        for name, pid in watched:
            m = memory_kib(pid)
            if "VmRSS" in m:
                seen[name] = max(seen.get(name, 0), m["VmRSS"])
            if "VmHWM" in m:
                self.peak_kib[name] = max(self.peak_kib.get(name, 0), m["VmHWM"])

    async def _run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    def enter(self, phase: str) -> None:
        self.sample()
        self.phase = phase

    async def stop(self) -> None:
        self.sample()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def figures(self) -> dict[str, Any]:
        """In MB (10^6 bytes)."""

        def mb(kib: int) -> float:
            return round(kib * 1024 / 1e6, 1)

        return {
            "peak_rss_mb": {k: mb(v) for k, v in sorted(self.peak_kib.items())},
            "max_sampled_rss_mb_by_phase": {
                phase: {k: mb(v) for k, v in sorted(seen.items())} for phase, seen in self.per_phase.items()
            },
        }


async def consumer_backlog(bootstrap: str, group_prefix: str) -> dict[str, int]:
    """Messages on the broker not yet committed, per consumer group whose id starts with
    `group_prefix`: for every partition of every topic a group has committed on, the end offset
    minus the committed offset (the whole partition where it has committed nothing)."""
    from aiokafka import AIOKafkaConsumer, TopicPartition
    from aiokafka.admin import AIOKafkaAdminClient

    from pas_shared.kafka import KafkaConnection, client_kwargs

    admin = AIOKafkaAdminClient(**client_kwargs(KafkaConnection(bootstrap)), request_timeout_ms=10_000)
    consumer = AIOKafkaConsumer(**client_kwargs(KafkaConnection(bootstrap)), enable_auto_commit=False)
    await admin.start()
    try:
        await consumer.start()
        try:
            groups = sorted(g[0] for g in await admin.list_consumer_groups() if str(g[0]).startswith(group_prefix))
            backlog: dict[str, int] = {}
            for group in groups:
                committed = await admin.list_consumer_group_offsets(group)
                topics = {tp.topic for tp in committed}
                tps = [TopicPartition(t, p) for t in sorted(topics) for p in sorted(await _partitions(consumer, t))]
                if not tps:
                    backlog[group] = 0
                    continue
                begin, end = await consumer.beginning_offsets(tps), await consumer.end_offsets(tps)
                backlog[group] = sum(
                    max(0, end[tp] - (committed[tp].offset if tp in committed and committed[tp].offset >= 0 else begin[tp]))
                    for tp in tps
                )
            return backlog
        finally:
            await consumer.stop()
    finally:
        await admin.close()


async def _partitions(consumer: Any, topic: str) -> set[int]:
    found: set[int] | None = consumer.partitions_for_topic(topic)
    if not found:
        await consumer._client.force_metadata_update()
        found = consumer.partitions_for_topic(topic)
    return found or set()
