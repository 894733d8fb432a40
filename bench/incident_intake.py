"""Incident-intake benchmark: concurrent HTTP incident reports against the real security service
on PostgreSQL, compared in the same run with a bare FastAPI endpoint doing the same validation
and no I/O.

Run by `scripts/bench.sh` (BENCH_ONLY=incident_intake), which starts a private Kafka and
PostgreSQL on free ports and passes them in with --pg and --kafka. Both servers are uvicorn
processes on 127.0.0.1 (one worker each, as the service is deployed):

bare     `incident_intake.py _bare PORT`: POST /api/v1/incidents parses the same request body
         (pas_security.api.incidents.IncidentIn, extra fields forbidden), runs the same domain
         validation (Incident.record: rule data in force, category, severity, people, actions,
         times in the UPT's zone) against an in-memory UPT directory and answers the same JSON
         (201). No database, no outbox, no middleware.
service  the security service (`pas_security.main:create`) with its middleware, relay and
         consumers, on a migrated PostgreSQL database whose UPT directory is seeded with the
         same UPTs: each 201 has written the incident, its people, actions, escalation
         deadlines and transition, one outbox row and one audit row in one transaction.

Load: closed loop, `--clients` (32) keep-alive connections each sending the next request as soon
as the previous one is answered, for `--warmup-seconds` then `--seconds` measured; the rate is
the highest this host sustains at that concurrency. Reported: req/s, p50/p99 (of requests
answered in the measured window), and the ratios service/bare. Targets: rate >= 30 % of bare,
p99 <= 2x bare p99. Verified afterwards: incidents rows = outbox rows = 201 answers from the
service, and no error answers. Bounded by --total-timeout (default 110 s).
"""

import argparse
import asyncio
import contextlib
import json
import logging
import os
import platform as host_platform
import pstats
import subprocess
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from event_pipeline import (  # the sibling script's helpers
    RESULTS,
    HostCpu,
    HttpConn,
    ServiceProc,
    asyncpg_dsn,
    bench_auth_headers,
    bench_auth_settings,
    create_databases,
    drop_databases,
    free_port,
    now,
    percentile,
    run_and_report,
    tail,
)

SELF = Path(__file__).resolve()
ROOT = SELF.parents[1]
log = logging.getLogger("bench.incident_intake")

TARGET_RATE_RATIO = 0.30
TARGET_P99_RATIO = 2.0
PATH = "/api/v1/incidents"
CATEGORIES = [("fight", "low"), ("smuggling-phones", "medium"), ("riot", "high"), ("extortion", "medium"), ("escape", "critical")]
ZONES = ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]


def upts(count: int) -> list[dict[str, str]]:
    return [
        {
            "upt_code": f"LP-BENCH{i:03d}",
            "name": f"Lapas Bench {i}",
            "upt_type": "Lapas",
            "kanwil_code": f"KW-B{i % 33:02d}",
            "time_zone": ZONES[i % len(ZONES)],
        }
        for i in range(count)
    ]


def bodies(count: int, directory: list[dict[str, str]]) -> list[bytes]:
    """Varied, valid reports: each names an inmate (not on the roster: kept, flagged) and an
    officer, with one action; one in five is a critical category (escalation deadlines)."""
    start = datetime.now(UTC) - timedelta(days=2)
    out = []
    for i in range(count):
        category, severity = CATEGORIES[i % len(CATEGORIES)]
        at = start + timedelta(minutes=i % 1000)
        out.append(
            json.dumps(
                {
                    "upt_code": directory[i % len(directory)]["upt_code"],
                    "category": category,
                    "severity": severity,
                    "title": f"Kejadian uji {i}",
                    "location": "Blok C",
                    "narrative": "Keributan di blok C saat apel malam; regu jaga menenangkan WBP.",
                    "occurred_at": at.isoformat(),
                    "people": [
                        {"kind": "inmate", "role": "perpetrator", "inmate_id": f"bench-inmate-{i % 5000}"},
                        {"kind": "officer", "role": "responder", "name": "Budi Santoso", "nip": "198501012010011001"},
                    ],
                    "actions": [{"taken_at": (at + timedelta(minutes=10)).isoformat(), "description": "Blok ditutup"}],
                }
            ).encode()
        )
    return out


# --------------------------------------------------------------------------------------------
# the bare endpoint (its own process)


def bare_app(directory: list[dict[str, str]]) -> Any:
    from fastapi import FastAPI, status

    from pas_security.api.incidents import IncidentIn, IncidentOut, _actions, _out, _people
    from pas_security.domain.incident import Incident
    from pas_shared.errors import DomainError
    from pas_shared.ids import new_id

    known = {u["upt_code"]: u for u in directory}
    app = FastAPI()

    @app.post(PATH, status_code=status.HTTP_201_CREATED)
    async def record(body: IncidentIn) -> IncidentOut:
        upt = known.get(body.upt_code)
        if upt is None:
            raise ValueError("unknown UPT")  # never happens with the benchmark's bodies
        moment = datetime.now(UTC)
        try:
            incident = Incident.record(
                incident_id=new_id(),
                upt_code=upt["upt_code"],
                kanwil_code=upt["kanwil_code"],
                time_zone=upt["time_zone"],
                category=body.category,
                severity=body.severity,
                title=body.title,
                location=body.location,
                narrative=body.narrative,
                occurred_at=body.occurred_at,
                people=_people(body.people),
                on_roster=set(),
                actions=_actions(body.actions),
                as_draft=body.as_draft,
                by="anonymous",
                now=moment,
            )
        except DomainError as exc:  # same validation; the benchmark sends only valid bodies
            raise ValueError(str(exc)) from exc
        return _out(incident, moment)

    return app


def serve_bare(port: int, upt_count: int) -> int:
    import uvicorn

    uvicorn.run(bare_app(upts(upt_count)), host="127.0.0.1", port=port, log_level="warning")
    return 0


class BareProc:
    def __init__(self, workdir: Path, upt_count: int) -> None:
        self.port = free_port()
        self.upt_count = upt_count
        self.log_path = workdir / "bare.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log_path.open("ab") as log_file:
            self.proc = subprocess.Popen(
                [sys.executable, str(SELF), "_bare", str(self.port), str(self.upt_count)],
                stdout=log_file,
                stderr=subprocess.STDOUT,
                cwd=str(ROOT),
            )

    async def wait_ready(self, timeout: float) -> None:
        deadline = now() + timeout
        while True:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"bare server exited; log:\n{tail(self.log_path)}")
            with contextlib.suppress(OSError):
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                return
            if now() > deadline:
                raise RuntimeError(f"bare server not ready after {timeout:.0f}s; log:\n{tail(self.log_path)}")
            await asyncio.sleep(0.2)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


# --------------------------------------------------------------------------------------------
# load


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)  # answered inside the measured window
    statuses: dict[int, int] = field(default_factory=dict)  # every answer, warm-up included
    errors: list[str] = field(default_factory=list)
    measured_seconds: float = 0.0

    def figures(self) -> dict[str, Any]:
        n = len(self.latencies)
        return {
            "requests_measured": n,
            "rps": round(n / self.measured_seconds, 1) if self.measured_seconds else None,
            "p50_ms": None if not n else round(1000 * (percentile(self.latencies, 50) or 0), 2),
            "p99_ms": None if not n else round(1000 * (percentile(self.latencies, 99) or 0), 2),
            "max_ms": None if not n else round(1000 * max(self.latencies), 2),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "errors": self.errors[:5],
            "error_count": len(self.errors),
        }


async def closed_loop(
    port: int, payloads: list[bytes], clients: int, warmup: float, seconds: float, headers: dict[str, str] | None = None
) -> LoadResult:
    result = LoadResult()
    start = now()
    window_open, window_close = start + warmup, start + warmup + seconds
    counter = iter(range(10**9))

    async def client() -> None:
        conn = HttpConn("127.0.0.1", port, headers)
        try:
            while (sent := now()) < window_close:
                body = payloads[next(counter) % len(payloads)]
                try:
                    async with asyncio.timeout(30):
                        status, payload = await conn.request("POST", PATH, body)
                except (OSError, TimeoutError, ConnectionError, asyncio.IncompleteReadError, ValueError) as exc:
                    result.errors.append(f"{type(exc).__name__}: {exc}")
                    conn.close()
                    continue
                answered = now()
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if status != 201:
                    result.errors.append(f"HTTP {status}: {payload[:300]!r}")
                elif sent >= window_open and answered <= window_close:
                    result.latencies.append(answered - sent)
        finally:
            conn.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    result.measured_seconds = seconds
    return result


# --------------------------------------------------------------------------------------------


async def seed_directory(dsn: str, directory: list[dict[str, str]]) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.executemany(
            "INSERT INTO facilities (upt_code, name, upt_type, kanwil_code, time_zone) VALUES ($1, $2, $3, $4, $5)",
            [(u["upt_code"], u["name"], u["upt_type"], u["kanwil_code"], u["time_zone"]) for u in directory],
        )
    finally:
        await conn.close()


async def run(opts: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(opts.workdir)
    await asyncio.to_thread(workdir.mkdir, parents=True, exist_ok=True)
    database = f"bench_incident_{uuid.uuid4().hex[:8]}"
    namespace = f"bench-incident-{uuid.uuid4().hex[:6]}."
    directory = upts(opts.upts)
    payloads = bodies(5000, directory)
    # Both endpoints get the same bearer token; the service verifies it (RS256), the bare one ignores it.
    writer = bench_auth_headers("SECURITY__INCIDENTS__RW")
    bare = BareProc(workdir, opts.upts)
    service = ServiceProc(
        "security",
        {
            "database_url": f"{opts.pg}/{database}",
            "kafka_bootstrap": opts.kafka,
            "kafka_namespace": namespace,
            "log_json": True,
            "log_level": "WARNING",
            **bench_auth_settings(),
        },
        workdir,
        str(RESULTS / "incident_intake-service.pstats") if opts.profile else None,
    )
    if opts.profile:
        await asyncio.to_thread(RESULTS.mkdir, parents=True, exist_ok=True)
    await create_databases(opts.pg, [database])
    dsn = asyncpg_dsn(opts.pg, database)
    results: dict[str, Any] = {
        "benchmark": "incident_intake",
        "started_at": datetime.now(UTC).isoformat(),
        "options": {k: v for k, v in vars(opts).items() if k not in ("pg", "kafka", "workdir")},
        "host": {"python": host_platform.python_version(), "cpus": os.cpu_count(), "machine": host_platform.machine()},
    }
    try:
        bare.start()
        service.start()
        await asyncio.gather(bare.wait_ready(60), service.wait_ready(90))
        await seed_directory(dsn, directory)

        cpu = HostCpu()
        log.info("bare endpoint: %d clients, %.0f s (+%.0f s warm-up)", opts.clients, opts.seconds, opts.warmup_seconds)
        bare_load = await closed_loop(bare.port, payloads, opts.clients, opts.warmup_seconds, opts.seconds, writer)
        results["bare"] = bare_load.figures() | {"host_cpu": cpu.busy()}
        bare.stop()  # not competing for the CPUs while the service runs

        cpu = HostCpu()
        service_cpu_before = service.cpu_seconds()
        log.info("security service: %d clients, %.0f s (+%.0f s warm-up)", opts.clients, opts.seconds, opts.warmup_seconds)
        service_load = await closed_loop(service.port, payloads, opts.clients, opts.warmup_seconds, opts.seconds, writer)
        service_cpu_after = service.cpu_seconds()
        results["service"] = service_load.figures() | {"host_cpu": cpu.busy()}
        if service_cpu_before is not None and service_cpu_after is not None and service_load.statuses.get(201):
            results["service"]["cpu_ms_per_request"] = round(
                1000 * (service_cpu_after - service_cpu_before) / service_load.statuses[201], 2
            )

        conn = await asyncpg.connect(dsn)
        try:
            created = await conn.fetchval("SELECT count(*) FROM incidents")
            outbox = await conn.fetchval("SELECT count(*) FROM outbox WHERE event_type = 'pas.security.incident.reported'")
            unsent = await conn.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
        finally:
            await conn.close()
        answered_201 = service_load.statuses.get(201, 0)
        results["verification"] = {
            "incidents_rows": created,
            "outbox_rows": outbox,
            "answered_201": answered_201,
            "unsent_outbox_rows_at_end": unsent,
            "ok": created == outbox == answered_201 and not bare_load.errors and not service_load.errors,
        }
        b, s = results["bare"], results["service"]
        rate_ratio = (s["rps"] / b["rps"]) if b["rps"] and s["rps"] else None
        p99_ratio = (s["p99_ms"] / b["p99_ms"]) if b["p99_ms"] and s["p99_ms"] else None
        results["ratios"] = {
            "rate": None if rate_ratio is None else round(rate_ratio, 3),
            "p99": None if p99_ratio is None else round(p99_ratio, 2),
        }
        results["targets"] = {
            "rate_at_least_30pct_of_bare": rate_ratio is not None and rate_ratio >= TARGET_RATE_RATIO,
            "p99_at_most_2x_bare": p99_ratio is not None and p99_ratio <= TARGET_P99_RATIO,
        }
    finally:
        bare.stop()
        service.stop()
        if not opts.keep_databases:
            await drop_databases(opts.pg, [database])
    return results


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(r: dict[str, Any]) -> list[str]:
    b, s, ratios, t = r["bare"], r["service"], r["ratios"], r["targets"]
    clients = r["options"]["clients"]

    def row(name: str, f: dict[str, Any]) -> str:
        return f"| {name} | {f['rps']} | {f['p50_ms']} | {f['p99_ms']} | {f['host_cpu']['busy_fraction']} |"

    return [
        f"Incident intake at {clients} concurrent clients ({r['options']['seconds']:.0f} s measured)",
        "| endpoint | req/s | p50 ms | p99 ms | host CPU busy |",
        "|---|---|---|---|---|",
        row("bare FastAPI (same validation, no I/O)", b),
        row("security service (PostgreSQL, outbox)", s),
        f"rate ratio service/bare: {ratios['rate']} (target >= {TARGET_RATE_RATIO}: {verdict(t['rate_at_least_30pct_of_bare'])})",
        f"p99 ratio service/bare:  {ratios['p99']}  (target <= {TARGET_P99_RATIO}: {verdict(t['p99_at_most_2x_bare'])})",
        f"verification: {r['verification']}",
    ]


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pg", default=os.environ.get("PAS_BENCH_PG_URL"), help="postgresql+asyncpg://user@host:port (no database)")
    p.add_argument("--kafka", default=os.environ.get("PAS_BENCH_KAFKA_BOOTSTRAP"), help="bootstrap server (host:port)")
    p.add_argument("--workdir", default=str(ROOT / ".run" / "bench-incident"), help="logs of the two servers")
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--warmup-seconds", type=float, default=3)
    p.add_argument("--upts", type=int, default=30, help="UPTs in the directory (in WIB, WITA and WIT)")
    p.add_argument("--total-timeout", type=float, default=110)
    p.add_argument("--keep-databases", action="store_true")
    p.add_argument("--strict", action="store_true", help="exit 2 when a target is missed")
    p.add_argument(
        "--profile", action="store_true", help="run the service under cProfile (CPU time); top functions printed, .pstats kept"
    )
    opts = p.parse_args(argv)
    if not opts.pg or not opts.kafka:
        p.error("--pg and --kafka are required (scripts/bench.sh passes them)")
    return opts


def main(argv: Sequence[str]) -> int:
    if argv[:1] == ["_bare"]:
        return serve_bare(int(argv[1]), int(argv[2]))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    opts = parse_args(argv)
    status, _ = run_and_report("incident_intake", lambda: run(opts), report, total_timeout=opts.total_timeout, strict=opts.strict)
    if opts.profile:
        stats = pstats.Stats(str(RESULTS / "incident_intake-service.pstats"))
        stats.sort_stats("tottime").print_stats(30)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
