"""Gateway KPI benchmark: the national KPI endpoint served from read models built by replaying
about a million domain events, against a bare FastAPI endpoint returning the same JSON from
memory; and the replay itself against raw consumption of the same topics.

Run by `scripts/bench.sh` (BENCH_ONLY=gateway_kpi), which starts a private Kafka and PostgreSQL
on free ports and passes them in with --pg and --kafka. In one run:

events   --events (1,000,000) synthetic events of the types the gateway's KPI projections read
         (UPTs registered, admissions, releases, remission grants, incidents, escapes and
         recaptures, product sales, kitchen inspections), spread over --upts (532) UPTs in 33
         Kanwil, produced to a fresh namespace in the relay's wire format (CloudEvents binary
         mode: ce_* headers, JSON data). Not timed.
raw      one aiokafka consumer (all partitions of every topic assigned, its own process) reads
         them all: events/s = events / (first receive -> last receive).
rebuild  the real gateway (uvicorn, its KPI consumers, inbox dedupe, read models on a migrated
         PostgreSQL database) replays them from the start: events/s = events applied / (first
         inbox row -> inbox rows = events). Target >= 25 % of raw.
http     the gateway's national KPI answer (GET /api/v1/kpi/<area>, a national user's bearer
         token, consumers now idle) against a bare FastAPI endpoint returning the same bytes
         from memory (its own uvicorn process): --connections (64) keep-alive connections in a
         closed loop for --warmup-seconds then --seconds. Targets: gateway req/s >= 70 % of
         bare, gateway p99 <= 1.5x bare p99.

Verified: inbox rows = events, no dead-lettered event, every answer 200 with the same KPI
figures. Bounded by --total-timeout (default 900 s).
"""

import argparse
import asyncio
import contextlib
import io
import json
import logging
import os
import platform as host_platform
import pstats
import random
import subprocess
import sys
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from event_pipeline import (  # the sibling script's helpers
    HostCpu,
    HttpConn,
    ServiceProc,
    Worker,
    asyncpg_dsn,
    create_databases,
    dlq_messages,
    drop_databases,
    fetchval,
    free_port,
    now,
    percentile,
    process_cpu_seconds,
    run_and_report,
    run_worker,
    tail,
)

SELF = Path(__file__).resolve()
ROOT = SELF.parents[1]
log = logging.getLogger("bench.gateway_kpi")

KPI_CONSUMERS = "gateway.kpi-%"  # the inbox rows of the KPI projections (app/kpi_projection.py)
KPI_SOURCES = ("remission", "security", "rehabilitation", "food-audit")  # one consumer group each
TARGET_REBUILD_RATIO = 0.25
TARGET_RATE_RATIO = 0.70
TARGET_P99_RATIO = 1.5
ZONES = ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]
DEMO_PASSWORD = "bench-" + uuid.uuid4().hex[:12]

# Share of each event type in the stream (after the UPT registrations).
MIX = [
    ("admitted", 0.40),
    ("released", 0.10),
    ("granted", 0.15),
    ("incident", 0.15),
    ("escape", 0.002),
    ("recaptured", 0.0015),
    ("sale", 0.15),
    ("inspection", 0.0465),
]


def upt_directory(count: int) -> list[dict[str, Any]]:
    return [
        {
            "upt_code": f"LP-KPI{i:03d}",
            "name": f"Lapas Sintetis {i}",
            "upt_type": "Lapas",
            "kanwil_code": f"KW-{i % 33 + 1:02d}",
            "capacity": 150 + (i * 37) % 900,
            "time_zone": ZONES[i % len(ZONES)],
        }
        for i in range(count)
    ]


def synthetic_events(total: int, upts: list[dict[str, Any]], seed: int = 7) -> Iterator[tuple[Any, str, dict[str, Any]]]:
    """(payload, subject, upt) in stream order: every UPT first, then the mix, deterministic."""
    from pas_shared.events.food_audit import InspectionCompleted
    from pas_shared.events.rehabilitation import SaleRecorded
    from pas_shared.events.remission import FacilityRegistered, InmateAdmitted, InmateReleased, RemissionGranted
    from pas_shared.events.security import EscapeeRecaptured, EscapeReported, IncidentReported

    rng = random.Random(seed)
    for u in upts:
        yield FacilityRegistered(**u), u["upt_code"], u
    kinds, weights = zip(*MIX, strict=True)
    start = date(2026, 1, 1)
    admitted: list[tuple[str, dict[str, Any]]] = []
    escapes: list[tuple[str, str, dict[str, Any]]] = []
    for n in range(total - len(upts)):
        kind = rng.choices(kinds, weights)[0]
        if kind in ("released", "granted") and not admitted:
            kind = "admitted"
        if kind == "recaptured" and not escapes:
            kind = "escape"
        u = upts[rng.randrange(len(upts))]
        day = start + timedelta(days=rng.randrange(330))
        at = datetime(day.year, day.month, day.day, 3, tzinfo=UTC) + timedelta(minutes=rng.randrange(600))
        if kind == "admitted":
            inmate = f"inm-{n}"
            admitted.append((inmate, u))
            custody = "tahanan" if rng.random() < 0.35 else "narapidana"
            yield InmateAdmitted(
                inmate_id=inmate, upt_code=u["upt_code"], kanwil_code=u["kanwil_code"], custody_status=custody,
                is_child=rng.random() < 0.01, admitted_on=day,
            ), inmate, u  # fmt: skip
        elif kind == "released":
            inmate, u = admitted.pop(rng.randrange(len(admitted)))
            yield InmateReleased(inmate_id=inmate, upt_code=u["upt_code"], released_on=day, reason="expiry"), inmate, u
        elif kind == "granted":
            inmate, u = admitted[rng.randrange(len(admitted))]
            occasion = rng.choice(["remisi-umum", "remisi-khusus:idul-fitri", "remisi-khusus:natal"])
            yield RemissionGranted(
                grant_id=f"g-{n}", batch_id=f"b-{occasion}", inmate_id=inmate, upt_code=u["upt_code"], occasion=occasion,
                granted_on=day, months=rng.randrange(0, 4), days=rng.choice([0, 15]), remission_type="I",
                decree_number=f"PAS-{n}", release_on=day + timedelta(days=400),
            ), inmate, u  # fmt: skip
        elif kind == "incident":
            category, severity, critical = rng.choice(
                [("fight", "low", False), ("smuggling-phones", "medium", False), ("riot", "high", True)]
            )
            yield IncidentReported(
                incident_id=f"i-{n}", upt_code=u["upt_code"], kanwil_code=u["kanwil_code"], category=category,
                severity=severity, critical=critical, occurred_at=at, occurred_on=day, inmates_involved=2,
                unverified_inmates=0, officers_involved=1,
            ), f"i-{n}", u  # fmt: skip
        elif kind == "escape":
            inmate = f"esc-{n}"
            escapes.append((f"e-{n}", inmate, u))
            yield EscapeReported(
                escape_id=f"e-{n}", inmate_id=inmate, upt_code=u["upt_code"], escaped_at=at, escaped_on=day, method="memanjat"
            ), f"e-{n}", u  # fmt: skip
        elif kind == "recaptured":
            escape_id, inmate, u = escapes.pop(rng.randrange(len(escapes)))
            yield EscapeeRecaptured(
                escape_id=escape_id, inmate_id=inmate, upt_code=u["upt_code"], recaptured_at=at + timedelta(days=3),
                recaptured_on=day + timedelta(days=3), place="Pasar",
            ), escape_id, u  # fmt: skip
        elif kind == "sale":
            revenue = rng.randrange(10_000, 2_000_000)
            premi, pnbp = revenue * 15 // 100, revenue * 50 // 100
            yield SaleRecorded(
                sale_id=f"s-{n}", product_id=f"p-{n % 320}", upt_code=u["upt_code"], kanwil_code=u["kanwil_code"],
                sold_on=day, channel="outlet", buyer_type="public", quantity=1 + rng.randrange(20),
                revenue_rupiah=revenue, premi_rupiah=premi, pnbp_rupiah=pnbp, capital_rupiah=revenue - premi - pnbp,
            ), f"s-{n}", u  # fmt: skip
        else:
            score = rng.uniform(55, 99)
            yield InspectionCompleted(
                inspection_id=f"k-{n}", kitchen_id=f"kitchen-{u['upt_code']}", upt_code=u["upt_code"], kind="scheduled",
                template="slhs", template_version="1", inspected_on=day, hygiene_pct=score, structure_pct=score,
                management_pct=score, overall_pct=score, rating=int(score // 20), passed=score >= 70,
                failed_rules=[] if score >= 70 else ["hygiene"], findings_opened=0, findings_closed=0,
            ), f"k-{n}", u  # fmt: skip


async def produce(bootstrap: str, namespace: str, total: int, upts: list[dict[str, Any]]) -> dict[str, Any]:
    """Send the stream as the outbox relay sends events (same producer settings, same headers)."""
    from pas_shared.events.catalog import CATALOG
    from pas_shared.events.envelope import CONTENT_TYPE, cloudevent_attributes
    from pas_shared.ids import new_id
    from pas_shared.kafka import KafkaConnection, ensure_topics, new_producer

    events = list(synthetic_events(total, upts))
    topics = sorted({CATALOG.for_payload(type(p)).topic for p, _, _ in events})
    await ensure_topics(KafkaConnection(bootstrap), [namespace + t for t in topics], partitions=3, replication=1)
    producer = new_producer(KafkaConnection(bootstrap), "bench.gateway-kpi")
    await producer.start()
    per_type: dict[str, int] = {}
    try:
        pending = []
        for payload, subject, u in events:
            et = CATALOG.for_payload(type(payload))
            attributes = cloudevent_attributes(
                id=new_id(), source=et.source, type=et.name, time=datetime.now(UTC), subject=subject,
                dataschema=et.dataschema, uptcode=u["upt_code"], kanwilcode=u["kanwil_code"],
            )  # fmt: skip
            headers = [(f"ce_{k}", v.encode()) for k, v in attributes.items()]
            headers.append(("content-type", CONTENT_TYPE.encode()))
            pending.append(
                await producer.send(
                    namespace + et.topic, value=payload.model_dump_json().encode(), key=subject.encode(), headers=headers
                )
            )
            per_type[et.name] = per_type.get(et.name, 0) + 1
            if len(pending) >= 20_000:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return {"topics": topics, "events": len(events), "per_type": per_type}


async def worker_raw_consumer(cfg: dict[str, Any]) -> None:
    """Read `expected` messages of several topics (all partitions assigned, from the beginning)."""
    from aiokafka import AIOKafkaConsumer, TopicPartition
    from event_pipeline import _say, stop_client

    from pas_shared.kafka import KafkaConnection, client_kwargs

    kafka = KafkaConnection(cfg["bootstrap"])
    consumer = AIOKafkaConsumer(
        **client_kwargs(kafka), enable_auto_commit=False, auto_offset_reset="earliest", client_id="bench.raw"
    )
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        tps = [TopicPartition(t, p) for t in cfg["topics"] for p in sorted(consumer.partitions_for_topic(t) or [])]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        for tp in tps:
            await consumer.position(tp)
        _say({"ready": True, "partitions": len(tps)})
        expected, count = cfg["expected"], 0
        first = last = None
        deadline = now() + cfg["timeout"]
        while count < expected and now() < deadline:
            batches = await consumer.getmany(timeout_ms=200, max_records=10_000)
            if not batches:
                continue
            t = now()
            count += sum(len(records) for records in batches.values())
            first = first or t
            last = t
        _say({"count": count, "first_receive": first, "last_receive": last})
    finally:
        await stop_client(consumer)


async def committed_offsets(bootstrap: str, groups: Sequence[str]) -> int:
    """The sum of the offsets these consumer groups have committed, over all their partitions."""
    from aiokafka.admin import AIOKafkaAdminClient

    from pas_shared.kafka import KafkaConnection, client_kwargs

    admin = AIOKafkaAdminClient(**client_kwargs(KafkaConnection(bootstrap)))
    await admin.start()
    try:
        total = 0
        for group in groups:
            offsets = await admin.list_consumer_group_offsets(group)
            total += sum(meta.offset for meta in offsets.values() if meta.offset > 0)
        return total
    finally:
        await admin.close()


def database_cpu_seconds(database: str) -> float:
    """CPU seconds used so far by the PostgreSQL backends connected to `database` (their process
    titles name it), so the rebuild's database work is counted apart from other databases'."""
    total = 0.0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            title = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if title.startswith("postgres: ") and f" {database} " in title:
                total += process_cpu_seconds(int(proc.name)) or 0.0
    return total


def print_profile(path: Path, top: int = 30) -> None:
    for key in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(str(path), stream=out).strip_dirs().sort_stats(key).print_stats(top)
        print(f"\n---- profile {path.name} by {key} ----")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip()))


def serve_bare(port: int, payload_file: str) -> int:
    import uvicorn
    from fastapi import FastAPI, Response

    body = Path(payload_file).read_bytes()
    app = FastAPI()

    @app.get("/api/v1/kpi/{area}")
    async def kpi(area: str) -> Response:
        return Response(body, media_type="application/json")

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
    return 0


def start_bare(port: int, payload_file: Path, log_path: Path) -> "subprocess.Popen[bytes]":
    with log_path.open("ab") as log_file:
        return subprocess.Popen(
            [sys.executable, str(SELF), "_bare", str(port), str(payload_file)],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            cwd=str(ROOT),
        )


async def closed_loop(
    port: int, path: str, headers: dict[str, str], connections: int, warmup: float, seconds: float
) -> dict[str, Any]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[str] = []
    bodies: set[bytes] = set()
    start = now()
    window_open, window_close = start + warmup, start + warmup + seconds

    async def client() -> None:
        conn = HttpConn("127.0.0.1", port)
        try:
            while (sent := now()) < window_close:
                try:
                    async with asyncio.timeout(30):
                        status, payload = await conn.request("GET", path, headers=headers)
                except (OSError, TimeoutError, ConnectionError, asyncio.IncompleteReadError, ValueError) as exc:
                    errors.append(f"{type(exc).__name__}: {exc}")
                    conn.close()
                    continue
                answered = now()
                statuses[status] = statuses.get(status, 0) + 1
                if status != 200:
                    errors.append(f"HTTP {status}: {payload[:300]!r}")
                elif sent >= window_open and answered <= window_close:
                    latencies.append(answered - sent)
                    if len(bodies) < 3:
                        bodies.add(payload)
        finally:
            conn.close()

    await asyncio.gather(*(client() for _ in range(connections)))
    n = len(latencies)
    return {
        "requests_measured": n,
        "rps": round(n / seconds, 1),
        "p50_ms": round(1000 * (percentile(latencies, 50) or 0), 2) if n else None,
        "p99_ms": round(1000 * (percentile(latencies, 99) or 0), 2) if n else None,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors": errors[:5],
        "error_count": len(errors),
        "distinct_bodies": len(bodies),
    }


async def login(port: int) -> str:
    conn = HttpConn("127.0.0.1", port)
    try:
        body = f"username=nasional&password={DEMO_PASSWORD}".encode()
        status, payload = await conn.request(
            "POST", "/api/v1/auth/token", body, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
    finally:
        conn.close()
    if status != 200:
        raise RuntimeError(f"login failed: HTTP {status} {payload[:300]!r}")
    token: str = json.loads(payload)["access_token"]
    return token


def kpi_figures(payload: bytes) -> Any:
    """The figures of a KPI answer, without the parts that may differ between two reads."""
    answer = json.loads(payload)
    return [(k["id"], k["value"]) for k in answer.get("kpis", [])]


async def run(opts: argparse.Namespace) -> dict[str, Any]:
    from pas_shared.kafka import dlq_topic

    workdir = Path(opts.workdir)
    await asyncio.to_thread(workdir.mkdir, parents=True, exist_ok=True)
    database = f"bench_gateway_{uuid.uuid4().hex[:8]}"
    namespace = f"bench-gateway-{uuid.uuid4().hex[:6]}."
    upts = upt_directory(opts.upts)
    results: dict[str, Any] = {
        "benchmark": "gateway_kpi",
        "started_at": datetime.now(UTC).isoformat(),
        "host": {"python": host_platform.python_version(), "cpus": os.cpu_count(), "machine": host_platform.machine()},
        "options": {k: v for k, v in vars(opts).items() if k not in ("pg",)},
    }
    log.info("producing %d events", opts.events)
    t = now()
    produced = await produce(opts.kafka, namespace, opts.events, upts)
    results["produced"] = produced | {"seconds": round(now() - t, 1)}
    total, topics = produced["events"], produced["topics"]

    # raw: plain consumption of the same topics
    raw = Worker(
        "raw-consumer", {"bootstrap": opts.kafka, "topics": [namespace + t for t in topics], "expected": total,
                         "timeout": opts.phase_timeout}, workdir, SELF,
    )  # fmt: skip
    await raw.start()
    await raw.expect(90)
    cpu = HostCpu()
    got = await raw.expect(opts.phase_timeout + 30)
    raw_cpu = cpu.busy()
    await raw.stop()
    if got["count"] != total:
        raise RuntimeError(f"raw consumer read {got['count']} of {total}")
    raw_seconds = got["last_receive"] - got["first_receive"]
    results["raw"] = {"events": total, "seconds": round(raw_seconds, 2), "events_per_s": round(total / raw_seconds, 1),
                      "host_cpu": raw_cpu}  # fmt: skip

    # rebuild: the real gateway replays everything into its read models
    await create_databases(opts.pg, [database])
    dsn = asyncpg_dsn(opts.pg, database)
    env = {
        "database_url": f"{opts.pg}/{database}",
        "kafka_bootstrap": opts.kafka,
        "kafka_namespace": namespace,
        "log_json": True,
        "log_level": "WARNING",
        "relay_enabled": False,
        "jobs_enabled": False,
        "demo_password": DEMO_PASSWORD,
    }
    profile = str(workdir / "gateway-rebuild.pstats") if opts.profile else None
    gateway = ServiceProc("gateway", env, workdir, profile=profile)
    try:
        gateway.start()
        cpu = HostCpu()
        pg_cpu = database_cpu_seconds(database)
        first_at = first_count = None
        deadline = now() + opts.phase_timeout
        committed = 0
        while now() < deadline:
            # Progress from the KPI consumer groups' committed offsets (committed after their
            # database transaction): cheap to ask, where a count(*) of a growing inbox every 0.2 s
            # would take a share of the CPU the rebuild is measured on. Checked against the inbox once done.
            with contextlib.suppress(Exception):
                committed = await committed_offsets(opts.kafka, [f"{namespace}pas.gateway.kpi-{s}" for s in KPI_SOURCES])
            if committed and first_at is None:
                first_at, first_count = now(), committed
            if committed >= total:
                break
            await asyncio.sleep(0.2)
        done_at = now()
        rebuild_cpu = cpu.busy()
        pg_cpu = database_cpu_seconds(database) - pg_cpu
        # the KPI consumers' rows only: the gateway has other consumers of the same topics
        applied = int(await fetchval(dsn, f"SELECT count(*) FROM inbox WHERE consumer LIKE '{KPI_CONSUMERS}'"))
        if applied < total:
            raise RuntimeError(
                f"gateway applied {applied} of {total} within {opts.phase_timeout}s; log:\n{tail(gateway.log_path)}"
            )
        assert first_at is not None and first_count is not None
        rebuild_rate = (total - first_count) / (done_at - first_at)
        results["rebuild"] = {
            "events": total,
            "seconds": round(done_at - first_at, 2),
            "events_per_s": round(rebuild_rate, 1),
            "host_cpu": rebuild_cpu,
            "gateway_cpu_s": gateway.cpu_seconds(),
            "postgres_cpu_s": round(pg_cpu, 1),
        }
        await gateway.wait_ready(60)
        dead = 0
        for topic in topics:
            dead += await dlq_messages(opts.kafka, namespace + dlq_topic(topic))
        results["rebuild"]["dead_lettered"] = dead
        if not opts.rebuild_only:
            await http_phase(opts, results, gateway, workdir, applied, total, dead)
    finally:
        gateway.stop()
        if not opts.keep_databases:
            with contextlib.suppress(Exception):
                await drop_databases(opts.pg, [database])
    if profile:
        print_profile(Path(profile))
    rebuild_ratio = round(results["rebuild"]["events_per_s"] / results["raw"]["events_per_s"], 3)
    results["ratios"] = {"rebuild_vs_raw": rebuild_ratio}
    results["targets"] = {"rebuild_at_least_25pct_of_raw": rebuild_ratio >= TARGET_REBUILD_RATIO}
    if opts.rebuild_only:
        results["verification"] = {"ok": applied == total and dead == 0, "inbox_rows": applied, "dead_lettered": dead}
        return results
    g, b = results["gateway"], results["bare"]
    results["ratios"] |= {
        "rate": round(g["rps"] / b["rps"], 3) if b["rps"] else None,
        "p99": round(g["p99_ms"] / b["p99_ms"], 2) if g["p99_ms"] and b["p99_ms"] else None,
    }
    r = results["ratios"]
    results["targets"] |= {
        "rate_at_least_70pct_of_bare": r["rate"] is not None and r["rate"] >= TARGET_RATE_RATIO,
        "p99_at_most_1_5x_bare": r["p99"] is not None and r["p99"] <= TARGET_P99_RATIO,
    }
    return results


async def http_phase(
    opts: argparse.Namespace, results: dict[str, Any], gateway: ServiceProc, workdir: Path, applied: int, total: int, dead: int
) -> None:
    """The national KPI answer against the same bytes from a bare FastAPI endpoint."""
    bare = None
    try:
        # http: the national KPI answer against the same bytes from memory
        token = await login(gateway.port)
        path = f"/api/v1/kpi/{opts.area}"
        auth = {"Authorization": f"Bearer {token}"}
        conn = HttpConn("127.0.0.1", gateway.port)
        status, answer = await conn.request("GET", path, headers=auth)
        conn.close()
        if status != 200:
            raise RuntimeError(f"{path}: HTTP {status} {answer[:300]!r}")
        payload_file = workdir / "kpi-answer.json"
        payload_file.write_bytes(answer)
        results["answer"] = json.loads(answer)
        bare_port = free_port()
        bare = start_bare(bare_port, payload_file, workdir / "bare.log")
        for _ in range(100):
            with contextlib.suppress(OSError):
                _, writer = await asyncio.open_connection("127.0.0.1", bare_port)
                writer.close()
                break
            await asyncio.sleep(0.2)
        log.info("bare endpoint: %d connections, %.0f s", opts.connections, opts.seconds)
        cpu = HostCpu()
        results["bare"] = await closed_loop(bare_port, path, {}, opts.connections, opts.warmup_seconds, opts.seconds)
        results["bare"]["host_cpu"] = cpu.busy()
        log.info("gateway KPI endpoint: %d connections, %.0f s", opts.connections, opts.seconds)
        cpu = HostCpu()
        results["gateway"] = await closed_loop(gateway.port, path, auth, opts.connections, opts.warmup_seconds, opts.seconds)
        results["gateway"]["host_cpu"] = cpu.busy()
        conn = HttpConn("127.0.0.1", gateway.port)
        _, again = await conn.request("GET", path, headers=auth)
        conn.close()
        results["verification"] = {
            "inbox_rows": applied,
            "events": total,
            "dead_lettered": dead,
            "same_figures_after_load": kpi_figures(again) == kpi_figures(answer),
            "gateway_errors": results["gateway"]["error_count"],
            "bare_errors": results["bare"]["error_count"],
        }
        results["verification"]["ok"] = (
            applied == total and dead == 0 and results["verification"]["same_figures_after_load"]
            and results["gateway"]["error_count"] == 0 and results["bare"]["error_count"] == 0
        )  # fmt: skip
    finally:
        if bare is not None and bare.poll() is None:
            bare.terminate()
            bare.wait(timeout=10)


def report(results: dict[str, Any]) -> list[str]:
    def busy(phase: dict[str, Any]) -> Any:
        return phase["host_cpu"].get("busy_fraction")

    r, raw, rb = results["ratios"], results["raw"], results["rebuild"]
    ok = {True: "met", False: "MISSED"}
    t = results["targets"]
    rebuild = [
        f"Gateway KPIs from {raw['events']:,} replayed events ({results['options']['area']}, national)",
        "| phase | events/s | seconds | host CPU busy |",
        "|---|---|---|---|",
        f"| raw consumption (aiokafka) | {raw['events_per_s']:,.0f} | {raw['seconds']} | {busy(raw)} |",
        f"| gateway rebuild (read models) | {rb['events_per_s']:,.0f} | {rb['seconds']} | {busy(rb)} |",
        f"rebuild CPU per event: gateway {1e6 * (rb['gateway_cpu_s'] or 0) / rb['events']:.0f} us, "
        f"its PostgreSQL backends {1e6 * rb['postgres_cpu_s'] / rb['events']:.0f} us",
        f"rebuild/raw: {r['rebuild_vs_raw']} (target >= {TARGET_REBUILD_RATIO}: {ok[t['rebuild_at_least_25pct_of_raw']]})",
    ]
    if "gateway" not in results:
        return [*rebuild, f"verification: {results['verification']}"]
    g, b = results["gateway"], results["bare"]
    return [
        *rebuild,
        "",
        f"| endpoint ({results['options']['connections']} connections) | req/s | p50 ms | p99 ms | host CPU busy |",
        "|---|---|---|---|---|",
        f"| bare FastAPI (same JSON from memory) | {b['rps']} | {b['p50_ms']} | {b['p99_ms']} | {busy(b)} |",
        f"| gateway KPI (read models, token) | {g['rps']} | {g['p50_ms']} | {g['p99_ms']} | {busy(g)} |",
        f"rate gateway/bare: {r['rate']} (target >= {TARGET_RATE_RATIO}: {ok[t['rate_at_least_70pct_of_bare']]})",
        f"p99 gateway/bare: {r['p99']} (target <= {TARGET_P99_RATIO}: {ok[t['p99_at_most_1_5x_bare']]})",
        f"verification: {results['verification']}",
    ]


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pg", default=os.environ.get("PAS_BENCH_PG_URL"), help="postgresql+asyncpg://user@host:port (no database)")
    p.add_argument("--kafka", default=os.environ.get("PAS_BENCH_KAFKA_BOOTSTRAP"), help="bootstrap server (host:port)")
    p.add_argument("--workdir", default=str(ROOT / ".run" / "bench-gateway"), help="logs of the processes")
    p.add_argument("--events", type=int, default=1_000_000)
    p.add_argument("--upts", type=int, default=532)
    p.add_argument("--area", default="occupancy", help="the KPI area asked for (GET /api/v1/kpi/<area>)")
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--seconds", type=float, default=15)
    p.add_argument("--warmup-seconds", type=float, default=3)
    p.add_argument("--phase-timeout", type=float, default=600)
    p.add_argument("--total-timeout", type=float, default=1500)
    p.add_argument("--keep-databases", action="store_true")
    p.add_argument("--strict", action="store_true", help="exit 2 when a target is missed")
    p.add_argument("--profile", action="store_true", help="run the gateway under cProfile; print its top functions")
    p.add_argument("--rebuild-only", action="store_true", help="stop after the rebuild (no HTTP phase)")
    opts = p.parse_args(argv)
    if not opts.pg or not opts.kafka:
        p.error("--pg and --kafka are required (scripts/bench.sh passes them)")
    return opts


def main(argv: Sequence[str]) -> int:
    if argv[:1] == ["_bare"]:
        return serve_bare(int(argv[1]), argv[2])
    if argv[:1] == ["_worker"]:
        import event_pipeline

        event_pipeline.WORKERS["raw-consumer"] = worker_raw_consumer
        return run_worker(argv[1], json.loads(argv[2]))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    opts = parse_args(argv)
    status, _ = run_and_report("gateway_kpi", lambda: run(opts), report, total_timeout=opts.total_timeout, strict=opts.strict)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
