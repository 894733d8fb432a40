"""National-scale load: the five services and the gateway as real uvicorn processes on PostgreSQL
and Kafka, the synthetic national register, a year of activity, a Remisi Umum batch, then
frontend users reading KPIs through the gateway while others write.

Run by `scripts/bench.sh` (BENCH_ONLY=national_load), which starts a private Kafka and PostgreSQL
on free ports and passes them in with --pg and --kafka. One run, in this order:

register  `pas migrate remission` and `pas seed demo --scale S` (the operator's seed path: the
          SYNTHETIC register of pas_remission.demo, ~532 UPTs in the 33 Kanwil, ~276,000 people
          at scale 1, written with COPY and their events in remission's outbox). Then all six
          processes start (remission with assume_programme_and_risk_met, as the batch benchmark)
          and the platform drains: every consumer group of the run's namespace at the end of its
          topics and no unsent outbox row in any service.
year      a year of activity through the services' own APIs (one kitchen with its SLHS
          certificate and one product with a production run per UPT first), --setup-clients
          (16) connections: at scale 1 (an assumption of this benchmark, scaled with --scale)
          6,000 incidents, 2,128 SOP audits (four per UPT), 2,128 kitchen inspections (scheduled
          then completed) and 10,640 sales, dated over the last 365 days (times --year-scale,
          which defaults to --scale). Drained again.
batch     Remisi Umum on the latest 17 August, national, computed and approved through the
          gateway (POST /api/v1/remission/remission-batches, then .../approve). From 2 s before
          the approval until lag has recovered (or --recovery-timeout), probe writes go through
          the gateway every --probe-interval (an admission to remission and an incident to
          security). Recovery: the time from the approval's answer until every probe committed
          from then on reaches the gateway's read model within 1 s.
idle      the endpoints of the load phase on the otherwise idle platform: --idle-clients (2)
          connections in a closed loop cycling through them for --idle-seconds (30).
load      --readers (200) frontend users each GET /api/v1/kpi/<area> (the six areas in turn)
          with a national, a Kanwil or a UPT user's token (a third each), and --writers (50)
          users writing incidents, sales, SOP audits and inspections through the gateway, each
          user pausing --read-think / --write-think seconds (exponential, mean) between
          requests, --warmup-seconds then --seconds measured. Then drained.

Event lag = the gateway's inbox row of the event (written in the transaction that updates the
KPI read model, its time taken as that transaction begins) - the service's outbox row (written
in the transaction of the write, a little before its commit), both from this host's clock, for
every event of the idle and load windows of a type the gateway's KPIs consume. Memory: each
process's VmHWM (the kernel's peak resident set) and the highest VmRSS sampled in each phase.

Targets (printed with met / MISSED): under load, every KPI read endpoint's and every write
endpoint's p99 <= 3x its idle p99; lag back under 1 s within 10 s after the batch approval; no
service above 300 MB resident. Verified: no transport error or unexpected status in any phase,
every load-window event of a consumed type reflected in the gateway, nothing dead-lettered.
Results: bench/results/national_load-<UTC time>.json. Bounded by --total-timeout.
"""

import argparse
import asyncio
import contextlib
import json
import logging
import os
import platform as host_platform
import random
import sys
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchkit import Conn, Endpoints, MemoryWatch, consumer_backlog, login, ms
from event_pipeline import (  # the sibling script's helpers
    HostCpu,
    ServiceProc,
    asyncpg_dsn,
    create_databases,
    dlq_messages,
    drop_databases,
    now,
    percentile,
    run_and_report,
    tail,
)

SELF = Path(__file__).resolve()
ROOT = SELF.parents[1]
log = logging.getLogger("bench.national_load")

TARGET_P99_RATIO = 3.0
TARGET_LAG_SECONDS = 1.0
TARGET_RECOVERY_SECONDS = 10.0
TARGET_RSS_MB = 300.0
SERVICES = ("remission", "security", "rehabilitation", "food-audit", "gateway")
AREAS = ("occupancy", "security", "rehabilitation", "remission", "food", "composite")
LEVELS = ("national", "kanwil", "upt")
# A year of activity at scale 1: an assumption of this benchmark (no national figure was found).
YEAR = {"incident": 6_000, "sop-audit": 2_128, "inspection": 2_128, "sale": 10_640}
# What a writer of the load phase sends, and how often.
WRITE_MIX: tuple[tuple[str, float], ...] = (("incident", 0.4), ("sale", 0.3), ("inspection", 0.15), ("sop-audit", 0.15))
WRITING = ("security", "rehabilitation", "food-audit")  # the services the load phase writes to
PERIMETER = ("gate-log", "body-search", "double-door", "wall-patrol", "lighting")
INCIDENTS = (("fight", "low"), ("smuggling-phones", "medium"), ("riot", "high"), ("extortion", "medium"))
PROBE_ADMISSION, PROBE_INCIDENT = "pas.remission.inmate.admitted", "pas.security.incident.reported"
PASSWORD = "bench-" + uuid.uuid4().hex[:12]


def since_epoch(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC)


async def rows(dsn: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn)
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


async def pas(args: list[str], env: dict[str, str], log_path: Path, timeout: float) -> float:
    """The operator's tool (`.venv/bin/pas`), as an operator runs it; seconds taken."""
    started = now()
    with log_path.open("ab") as out:
        proc = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).with_name("pas")), *args, env=os.environ | env, stdout=out, stderr=out, cwd=str(ROOT)
        )
        try:
            async with asyncio.timeout(timeout):
                code = await proc.wait()
        except TimeoutError:
            proc.kill()
            await proc.wait()
            raise RuntimeError(f"pas {' '.join(args)} took more than {timeout:.0f}s; log:\n{tail(log_path)}") from None
    if code != 0:
        raise RuntimeError(f"pas {' '.join(args)} failed ({code}); log:\n{tail(log_path)}")
    return now() - started


# --------------------------------------------------------------------------------------------
# the platform


@dataclass
class Platform:
    procs: dict[str, ServiceProc]
    dsn: dict[str, str]
    namespace: str
    kafka: str

    @property
    def gateway(self) -> ServiceProc:
        return self.procs["gateway"]

    async def unsent(self) -> int:
        total = 0
        for dsn in self.dsn.values():
            total += int((await rows(dsn, "SELECT count(*) FROM outbox WHERE sent_at IS NULL"))[0][0])
        return total

    async def drained(self, timeout: float, what: str) -> dict[str, Any]:
        """Wait until no outbox row is unsent and every consumer group of the run is at the end
        of its topics, the set of groups unchanged for three polls in a row."""
        started = now()
        deadline = started + timeout
        groups: list[str] = []
        stable = 0
        backlog: dict[str, int] = {}
        unsent = -1
        while now() < deadline:
            with contextlib.suppress(Exception):  # a group rebalancing answers errors for a moment
                unsent = await self.unsent()
                backlog = await consumer_backlog(self.kafka, self.namespace)
                stable = stable + 1 if sorted(backlog) == groups else 0
                groups = sorted(backlog)
                if unsent == 0 and backlog and not any(backlog.values()) and stable >= 3:
                    return {"seconds": round(now() - started, 1), "consumer_groups": len(groups)}
            await asyncio.sleep(1.0)
        raise RuntimeError(f"{what}: not drained after {timeout:.0f}s (unsent outbox rows {unsent}, backlog {backlog})")

    def stop(self) -> None:
        for proc in self.procs.values():
            proc.stop()


def start_platform(opts: argparse.Namespace, workdir: Path, databases: dict[str, str], namespace: str) -> Platform:
    base = {
        "kafka_bootstrap": opts.kafka,
        "kafka_namespace": namespace,
        "log_json": True,
        "log_level": "WARNING",
    }
    procs = {s: ServiceProc(s, base | {"database_url": f"{opts.pg}/{databases[s]}"}, workdir) for s in SERVICES}
    jwks = f"http://127.0.0.1:{procs['gateway'].port}/.well-known/jwks.json"
    for s in SERVICES[:-1]:
        procs[s].env["auth_jwks_url"] = jwks  # the services verify the gateway's tokens, as in `make run`
    procs["remission"].env["assume_programme_and_risk_met"] = True
    procs["gateway"].env |= {
        "demo_password": PASSWORD,
        "demo_scopes": ",".join(opts.demo_scopes),
        "upstream_read_timeout_seconds": 600,  # a national batch is computed inside one request
        **{f"upstream_{s.replace('-', '_')}_url": f"http://127.0.0.1:{procs[s].port}" for s in SERVICES[:-1]},
    }
    return Platform(procs, {s: asyncpg_dsn(opts.pg, databases[s]) for s in SERVICES}, namespace, opts.kafka)


# --------------------------------------------------------------------------------------------
# writes (the same bodies for the year, the probes, the idle and the load phases)


@dataclass
class World:
    """What the writes refer to: the register's UPTs, a kitchen and a product in each."""

    upts: list[dict[str, Any]]
    kitchens: list[str] = field(default_factory=list)
    products: list[str] = field(default_factory=list)
    marks: dict[str, int] = field(default_factory=dict)  # inspection template item -> max score
    today: date = field(default_factory=lambda: datetime.now(UTC).date())
    serial: int = 0

    def next(self) -> int:
        self.serial += 1
        return self.serial


class Door:
    """Where writes go: straight to each service (the year's set-up) or through the gateway."""

    def __init__(self, ports: dict[str, int], via_gateway: bool, auth: dict[str, str]) -> None:
        self.ports, self.via_gateway, self.auth = ports, via_gateway, auth
        self.conns: dict[str, Conn] = {}

    def conn(self, service: str) -> Conn:
        key = "gateway" if self.via_gateway else service
        if key not in self.conns:
            self.conns[key] = Conn("127.0.0.1", self.ports[key], self.auth)
        return self.conns[key]

    def path(self, service: str, path: str) -> str:
        return f"/api/v1/{service}{path}" if self.via_gateway else f"/api/v1{path}"

    async def call(
        self, stats: Endpoints, service: str, method: str, path: str, body: dict[str, Any] | None, name: str = ""
    ) -> Any:
        """The answer's JSON, or None when the call failed (recorded under METHOD /service/name)."""
        raw = b"" if body is None else json.dumps(body).encode()
        answer = await stats.call(self.conn(service), f"{method} /{service}{name or path}", method, self.path(service, path), raw)
        return None if answer is None else json.loads(answer[1])

    def close(self) -> None:
        for conn in self.conns.values():
            conn.close()


def _day(world: World, rng: random.Random, within_days: int) -> date:
    return world.today - timedelta(days=rng.randrange(within_days))


async def write_incident(door: Door, stats: Endpoints, world: World, rng: random.Random, within_days: int = 1) -> None:
    upt = rng.choice(world.upts)
    category, severity = rng.choice(INCIDENTS)
    at = datetime.now(UTC) - timedelta(days=rng.randrange(within_days), minutes=5 + rng.randrange(600))
    n = world.next()
    body = {
        "upt_code": upt["upt_code"], "category": category, "severity": severity, "title": f"Kejadian uji {n}",
        "location": "Blok C", "narrative": "Keributan di blok C saat apel malam; regu jaga menenangkan WBP.",
        "occurred_at": at.isoformat(),
        "people": [{"kind": "officer", "role": "responder", "name": "Budi Santoso", "nip": "198501012010011001"}],
        "actions": [{"taken_at": (at + timedelta(minutes=3)).isoformat(), "description": "Blok ditutup"}],
    }  # fmt: skip
    await door.call(stats, "security", "POST", "/incidents", body)


async def write_audit(door: Door, stats: Endpoints, world: World, rng: random.Random, within_days: int = 1) -> None:
    upt = rng.choice(world.upts)
    on = _day(world, rng, within_days)
    items: list[dict[str, Any]] = [{"item": code, "finding": "compliant"} for code in PERIMETER]
    if rng.random() < 0.3:
        items[PERIMETER.index("wall-patrol")] = {
            "item": "wall-patrol", "finding": "non-compliant", "evidence": "pos 3 kosong saat sidak malam", "owner": "Karupam",
            "due_on": (on + timedelta(days=14)).isoformat(),
        }  # fmt: skip
    body = {
        "upt_code": upt["upt_code"],
        "area": "perimeter-gate",
        "audited_on": on.isoformat(),
        "auditor": "Tim Kanwil",
        "items": items,
    }
    await door.call(stats, "security", "POST", "/sop-audits", body)


async def write_inspection(door: Door, stats: Endpoints, world: World, rng: random.Random, within_days: int = 1) -> None:
    kitchen = rng.choice(world.kitchens)
    on = _day(world, rng, within_days)
    planned = await door.call(
        stats, "food-audit", "POST", "/inspections", {"kitchen_id": kitchen, "kind": "scheduled", "planned_on": on.isoformat()}
    )
    if planned is None:
        return
    scores = [{"item": item, "score": top if rng.random() < 0.9 else 0, "note": "dilihat"} for item, top in world.marks.items()]
    completion = {"inspected_on": on.isoformat(), "inspector": "Tim Kanwil", "owner": "Kasi Perawatan", "scores": scores}
    path = f"/inspections/{planned['inspection_id']}/complete"
    await door.call(stats, "food-audit", "POST", path, completion, "/inspections/{id}/complete")


async def write_sale(door: Door, stats: Endpoints, world: World, rng: random.Random, within_days: int = 1) -> None:
    quantity = 1 + rng.randrange(20)
    body = {
        "product_id": rng.choice(world.products), "sold_on": _day(world, rng, within_days).isoformat(),
        "channel": rng.choice(["showroom", "order", "marketplace"]), "buyer_type": rng.choice(["individual", "business"]),
        "quantity": quantity, "revenue_rupiah": quantity * rng.randrange(5_000, 100_000),
    }  # fmt: skip
    await door.call(stats, "rehabilitation", "POST", "/sales", body)


WRITERS: dict[str, Callable[..., Awaitable[None]]] = {
    "incident": write_incident,
    "sop-audit": write_audit,
    "inspection": write_inspection,
    "sale": write_sale,
}


async def admit_probe(door: Door, stats: Endpoints, world: World, rng: random.Random) -> None:
    n = world.next()
    admitted = world.today - timedelta(days=1 + rng.randrange(30))
    body = {
        "register_number": f"PROBE-{n:07d}", "upt_code": rng.choice(world.upts)["upt_code"], "custody_status": "narapidana",
        "birth_date": (admitted - timedelta(days=30 * 365)).isoformat(), "admitted_on": admitted.isoformat(), "religion": "islam",
    }  # fmt: skip
    await door.call(stats, "remission", "POST", "/inmates", body)


# --------------------------------------------------------------------------------------------
# phases


async def load_world(platform: Platform, door: Door, stats: Endpoints, clients: int) -> World:
    """The register's UPTs (with one held inmate each); a kitchen with its SLHS and a product
    with a large production run in every UPT that holds someone."""
    found = await rows(
        platform.dsn["remission"],
        "SELECT f.upt_code, f.kanwil_code, min(i.inmate_id) AS worker FROM facilities f "
        "JOIN inmates i ON i.upt_code = f.upt_code AND i.released_on IS NULL GROUP BY 1, 2 ORDER BY 1",
    )
    world = World([dict(r) for r in found])
    template = await door.call(stats, "food-audit", "GET", "/inspection-templates/current", None)
    world.marks = {i["code"]: i["max"] for s in template["sections"] for i in s["items"]}
    produced_on = (world.today - timedelta(days=370)).isoformat()

    async def equip(upt: dict[str, Any], door: Door) -> None:
        code = upt["upt_code"]
        kitchen = await door.call(stats, "food-audit", "POST", "/kitchens", {"upt_code": code, "name": "Dapur utama"})
        if kitchen is not None:
            world.kitchens.append(kitchen["kitchen_id"])
            cert = {
                "issuer": "Dinas Kesehatan",
                "number": f"SLHS/{code}",
                "issued_on": (world.today - timedelta(days=100)).isoformat(),
            }
            path = f"/kitchens/{kitchen['kitchen_id']}/certificates"
            await door.call(stats, "food-audit", "POST", path, cert, "/kitchens/{id}/certificates")
        product = await door.call(
            stats,
            "rehabilitation",
            "POST",
            "/products",
            {"upt_code": code, "name": "Batako", "category": "construction-materials", "unit": "pcs"},
        )
        if product is not None:
            world.products.append(product["product_id"])
            run = {"produced_on": produced_on, "quantity": 10**8, "workers": [upt["worker"]]}
            path = f"/products/{product['product_id']}/production"
            await door.call(stats, "rehabilitation", "POST", path, run, "/products/{id}/production")

    await in_parallel(world.upts, equip, clients, door)
    if not world.kitchens or not world.products:
        raise RuntimeError(f"set-up failed: {stats.figures()}")
    return world


async def in_parallel(items: Sequence[Any], job: Callable[..., Awaitable[None]], clients: int, door: Door) -> None:
    """Run `job(item)` over `items` on `clients` connections (one Door each, same ports)."""
    queue: asyncio.Queue[Any] = asyncio.Queue()
    for item in items:
        queue.put_nowait(item)

    async def worker() -> None:
        mine = Door(door.ports, door.via_gateway, door.auth)
        try:
            while not queue.empty():
                await job(queue.get_nowait(), door=mine)
        finally:
            mine.close()

    await asyncio.gather(*(worker() for _ in range(clients)))


async def year_of_activity(platform: Platform, opts: argparse.Namespace, auth: dict[str, str]) -> tuple[World, dict[str, Any]]:
    ports = {s: p.port for s, p in platform.procs.items()}
    stats = Endpoints()
    stats.window = (now(), now() + 10**6)
    door = Door(ports, False, auth)
    started = now()
    rng = random.Random(2026)

    world = await load_world(platform, door, stats, opts.setup_clients)
    setup_seconds = now() - started
    jobs = [kind for kind, count in YEAR.items() for _ in range(max(1, round(count * opts.year_scale)))]
    rng.shuffle(jobs)

    async def one(kind: str, door: Door) -> None:
        await WRITERS[kind](door, stats, world, rng, within_days=365)

    started = now()
    await in_parallel(jobs, one, opts.setup_clients, door)
    seconds = now() - started
    door.close()
    stats.window = (started, now())
    figures = stats.figures()
    return world, {
        "set_up": {"upts": len(world.upts), "kitchens": len(world.kitchens), "products": len(world.products),
                   "seconds": round(setup_seconds, 1)},
        "writes": {kind: max(1, round(count * opts.year_scale)) for kind, count in YEAR.items()},
        "seconds": round(seconds, 1),
        "requests_per_s": round(sum(sum(f["statuses"].values()) for f in figures.values()) / seconds, 1),
        "endpoints": {
            k: {f: v[f] for f in ("statuses", "p50_ms", "p99_ms", "errors", "error_count")} for k, v in figures.items()
        },
        "error_count": sum(v["error_count"] for v in figures.values()),
    }  # fmt: skip


async def reflected(platform: Platform, service: str, event_ids: list[str]) -> dict[str, datetime]:
    """When the gateway's KPI consumer of `service` took each event (its inbox row's
    processed_at, set as the consumer's transaction begins; the read model commits with it).
    By the inbox's primary key (consumer, source, event id)."""
    found = await rows(
        platform.dsn["gateway"],
        "SELECT event_id, processed_at FROM inbox WHERE consumer = $1 AND source = $2 AND event_id = ANY($3::text[])",
        f"gateway.kpi-{service}",
        f"/pas/{service}",
        event_ids,
    )
    return {r["event_id"]: r["processed_at"] for r in found}


async def event_lags(platform: Platform, window: tuple[float, float], services: Sequence[str]) -> dict[str, Any]:
    """Per event type, commit (outbox created_at) -> KPI read model (the gateway's inbox row) for
    the events written by `services` in the window."""
    since, until = window
    written: list[asyncpg.Record] = []
    seen: dict[str, datetime] = {}
    for service in services:
        mine = await rows(
            platform.dsn[service],
            "SELECT event_id, event_type, created_at FROM outbox WHERE created_at >= $1 AND created_at <= $2",
            since_epoch(since),
            since_epoch(until),
        )
        seen |= await reflected(platform, service, [r["event_id"] for r in mine])
        written += mine
    by_type: dict[str, list[float]] = {}
    missing: dict[str, int] = {}
    for r in written:
        at = seen.get(r["event_id"])
        if at is None:
            missing[r["event_type"]] = missing.get(r["event_type"], 0) + 1
        else:
            by_type.setdefault(r["event_type"], []).append((at - r["created_at"]).total_seconds())
    every = [lag for lags in by_type.values() for lag in lags]

    def fig(lags: list[float]) -> dict[str, Any]:
        return {"events": len(lags), "p50_ms": ms(percentile(lags, 50)), "p99_ms": ms(percentile(lags, 99)),
                "max_ms": ms(max(lags)) if lags else None}  # fmt: skip

    return {
        "all": fig(every),
        "by_type": {t: fig(lags) for t, lags in sorted(by_type.items())},
        # types the gateway's KPIs consume (some of their events reflected) with events that were not
        "unreflected": {t: n for t, n in missing.items() if t in by_type},
        "not_consumed_by_kpis": {t: n for t, n in missing.items() if t not in by_type},
    }


async def remisi_umum(platform: Platform, opts: argparse.Namespace, world: World, auth: dict[str, str]) -> dict[str, Any]:
    """Compute and approve the national Remisi Umum through the gateway, with probes measuring
    how long lag stays above 1 s after the approval."""
    today = world.today
    on = date(today.year if (today.month, today.day) >= (8, 17) else today.year - 1, 8, 17)
    conn = Conn("127.0.0.1", platform.gateway.port, auth)
    stats = Endpoints()
    stats.window = (now(), now() + 10**6)
    started = now()
    batch = await stats.call(
        conn, "POST /remission/remission-batches", "POST", "/api/v1/remission/remission-batches",
        json.dumps({"occasion": "remisi-umum", "on": on.isoformat()}).encode(),
    )  # fmt: skip
    if batch is None:
        raise RuntimeError(f"batch compute failed: {stats.figures()}")
    computed = json.loads(batch[1])
    compute_seconds = now() - started

    probes = Endpoints()
    probes.window = (now(), now() + 10**6)
    probing = asyncio.Event()
    rng = random.Random(17)
    doors = [Door({"gateway": platform.gateway.port}, True, auth) for _ in range(2)]  # one request at a time each

    async def probe() -> None:
        while not probing.is_set():
            t = now()
            await asyncio.gather(admit_probe(doors[0], probes, world, rng), write_incident(doors[1], probes, world, rng))
            await asyncio.sleep(max(0.0, opts.probe_interval - (now() - t)))

    probes_after = await outbox_tops(platform)
    probe_task = asyncio.create_task(probe())
    await asyncio.sleep(2)
    approve_started = now()
    path = f"/api/v1/remission/remission-batches/{computed['batch_id']}/approve"
    decree = {"decree_number": f"PAS-BENCH.PK.05.04/{on.year}"}
    approved = await stats.call(conn, "POST /remission/remission-batches/{id}/approve", "POST", path, json.dumps(decree).encode())
    approved_at = now()
    conn.close()
    if approved is None:
        probing.set()
        await probe_task
        raise RuntimeError(f"batch approval failed: {stats.figures()}")
    granted = json.loads(approved[1])["granted_now"]
    # The batch's own events: grants and type II releases (the probes' admissions are not).
    batch_rows = await rows(
        platform.dsn["remission"],
        "SELECT event_id, event_type FROM outbox WHERE seq > $1 AND event_type <> $2",
        probes_after["remission"],
        PROBE_ADMISSION,
    )
    emitted: dict[str, int] = {}
    for r in batch_rows:
        emitted[r["event_type"]] = emitted.get(r["event_type"], 0) + 1
    batch_events = len(batch_rows)
    # Watch until the probes of the last 3 s are all reflected within 1 s (at least 10 s after
    # the approval) and the gateway holds the batch's events, or until the bound.
    pending = {r["event_id"] for r in batch_rows}
    applied_at: float | None = None
    last_applied = 0.0
    lags: list[tuple[float, float | None]] = []
    deadline = approved_at + opts.recovery_timeout
    while now() < deadline:
        await asyncio.sleep(1)
        lags = await probe_lags(platform, probes_after)
        if pending:
            found = await reflected(platform, "remission", list(pending))
            pending -= found.keys()
            last_applied = max([last_applied, *(at.timestamp() for at in found.values())])
            if not pending:
                applied_at = last_applied
        recent = [lag for created, lag in lags if created >= now() - 4 and created <= now() - 1]
        if (
            now() > approved_at + TARGET_RECOVERY_SECONDS
            and applied_at
            and recent
            and all(lag is not None and lag < TARGET_LAG_SECONDS for lag in recent)
        ):
            break
    probing.set()
    await probe_task
    for door in doors:
        door.close()
    lags = await probe_lags(platform, probes_after)
    recovered_by = recovery(lags, approved_at)
    before = [lag for created, lag in lags if created < approve_started and lag is not None]
    return {
        "occasion": "remisi-umum",
        "on": on.isoformat(),
        "proposals": computed["eligible"] + computed["not_eligible"],
        "eligible": computed["eligible"],
        "granted": granted,
        "events_emitted": batch_events,
        "events_by_type": emitted,
        "compute_seconds": round(compute_seconds, 1),
        "approve_seconds": round(approved_at - approve_started, 1),
        "batch_reflected_after_approval_s": None if applied_at is None else round(applied_at - approved_at, 1),
        "probes": len(lags),
        "probe_lag_before_approval_p99_ms": ms(percentile(before, 99)),
        "probe_lag_max_ms": ms(max((lag for _, lag in lags if lag is not None), default=None)),
        "probes_unreflected": sum(1 for _, lag in lags if lag is None),
        "lag_under_1s_after_approval_s": recovered_by,
        "probe_errors": probes.figures(),
        "host_cpu": None,
    }


PROBED = (("remission", PROBE_ADMISSION), ("security", PROBE_INCIDENT))


async def outbox_tops(platform: Platform) -> dict[str, int]:
    """The last outbox seq of each probed service: the probes' rows come after it."""
    return {s: int((await rows(platform.dsn[s], "SELECT coalesce(max(seq), 0) FROM outbox"))[0][0]) for s, _ in PROBED}


async def probe_lags(platform: Platform, after: dict[str, int]) -> list[tuple[float, float | None]]:
    """(created, lag seconds or None when not reflected yet) of every probe event written after
    the outbox seq `after` (by the primary key: remission's outbox holds the whole register)."""
    out: list[tuple[float, float | None]] = []
    for service, event_type in PROBED:
        written = await rows(
            platform.dsn[service],
            "SELECT event_id, created_at FROM outbox WHERE seq > $1 AND event_type = $2",
            after[service],
            event_type,
        )
        seen = await reflected(platform, service, [r["event_id"] for r in written])
        for r in written:
            at = seen.get(r["event_id"])
            out.append((r["created_at"].timestamp(), None if at is None else (at - r["created_at"]).total_seconds()))
    return sorted(out)


def recovery(lags: list[tuple[float, float | None]], approved_at: float) -> float | None:
    """Seconds from the approval's answer to the first probe from which every probe (committed
    after the approval) reached the read model within 1 s; None while the last one has not."""
    after = [(created, lag) for created, lag in lags if created >= approved_at]
    first_good = None
    for created, lag in after:
        if lag is None or lag >= TARGET_LAG_SECONDS:
            first_good = None
        elif first_good is None:
            first_good = created
    return None if first_good is None else round(first_good - approved_at, 1)


@dataclass
class Users:
    national: dict[str, str]
    by_level: dict[str, list[dict[str, str]]]


async def read_kpi(conn: Conn, stats: Endpoints, area: str, level: str) -> None:
    await stats.call(conn, f"GET /kpi/{area} [{level}]", "GET", f"/api/v1/kpi/{area}")


async def idle_phase(platform: Platform, opts: argparse.Namespace, world: World, users: Users) -> dict[str, Any]:
    stats = Endpoints()
    start = now()
    stats.window = (start + 2, start + 2 + opts.idle_seconds)
    steps: list[tuple[str, str]] = [("read", f"{area}|{level}") for area in AREAS for level in LEVELS]
    steps += [("write", kind) for kind, _ in WRITE_MIX]

    async def client(k: int) -> None:
        rng = random.Random(100 + k)
        readers = {level: Conn("127.0.0.1", platform.gateway.port, users.by_level[level][0]) for level in LEVELS}
        door = Door({"gateway": platform.gateway.port}, True, users.national)
        order = steps[k:] + steps[:k]
        try:
            while now() < stats.window[1]:
                for kind, what in order:
                    if kind == "read":
                        area, level = what.split("|")
                        await read_kpi(readers[level], stats, area, level)
                    else:
                        await WRITERS[what](door, stats, world, rng)
        finally:
            door.close()
            for conn in readers.values():
                conn.close()

    cpu = HostCpu()
    await asyncio.gather(*(client(k) for k in range(opts.idle_clients)))
    return {"endpoints": stats.figures(), "host_cpu": cpu.busy(), "window": stats.window}


async def load_phase(platform: Platform, opts: argparse.Namespace, world: World, users: Users) -> dict[str, Any]:
    stats = Endpoints()
    start = now()
    stats.window = (start + opts.warmup_seconds, start + opts.warmup_seconds + opts.seconds)
    kinds = [kind for kind, _ in WRITE_MIX]
    weights = [weight for _, weight in WRITE_MIX]

    async def reader(k: int) -> None:
        rng = random.Random(1000 + k)
        level = LEVELS[k % len(LEVELS)]
        tokens = users.by_level[level]
        conn = Conn("127.0.0.1", platform.gateway.port, tokens[k // len(LEVELS) % len(tokens)])
        n = rng.randrange(len(AREAS))
        await asyncio.sleep(rng.uniform(0, opts.read_think))  # users do not all start at once
        try:
            while now() < stats.window[1]:
                await read_kpi(conn, stats, AREAS[n % len(AREAS)], level)
                n += 1
                await asyncio.sleep(min(rng.expovariate(1 / opts.read_think), 10 * opts.read_think))
        finally:
            conn.close()

    async def writer(k: int) -> None:
        rng = random.Random(5000 + k)
        door = Door({"gateway": platform.gateway.port}, True, users.national)
        await asyncio.sleep(rng.uniform(0, opts.write_think))
        try:
            while now() < stats.window[1]:
                await WRITERS[rng.choices(kinds, weights)[0]](door, stats, world, rng)
                await asyncio.sleep(min(rng.expovariate(1 / opts.write_think), 10 * opts.write_think))
        finally:
            door.close()

    cpu = HostCpu()
    cpu_before = {s: p.cpu_seconds() or 0.0 for s, p in platform.procs.items()}
    own_before = sum(os.times()[:2])
    await asyncio.gather(*(reader(k) for k in range(opts.readers)), *(writer(k) for k in range(opts.writers)))
    cpu_used = {s: round((p.cpu_seconds() or 0.0) - cpu_before[s], 1) for s, p in platform.procs.items()}
    cpu_used["load generator (this process)"] = round(sum(os.times()[:2]) - own_before, 1)
    return {"endpoints": stats.figures(), "host_cpu": cpu.busy(), "service_cpu_s": cpu_used, "window": stats.window}


# --------------------------------------------------------------------------------------------


async def run(opts: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(opts.workdir)
    await asyncio.to_thread(workdir.mkdir, parents=True, exist_ok=True)
    tag = uuid.uuid4().hex[:8]
    databases = {s: f"bench_national_{s.replace('-', '_')}_{tag}" for s in SERVICES}
    namespace = f"bench-national-{tag}."
    results: dict[str, Any] = {
        "benchmark": "national_load",
        "started_at": datetime.now(UTC).isoformat(),
        "host": {
            "python": host_platform.python_version(),
            "cpus": os.cpu_count(),
            "machine": host_platform.machine(),
            "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "options": {k: v for k, v in vars(opts).items() if k not in ("pg", "kafka", "workdir")},
    }
    await create_databases(opts.pg, list(databases.values()))
    platform = start_platform(opts, workdir, databases, namespace)
    memory: MemoryWatch | None = None
    try:
        # register: the operator's seed path into remission's database
        ops_env = {
            "PAS_REMISSION_DATABASE_URL": f"{opts.pg}/{databases['remission']}",
            "PAS_REMISSION_KAFKA_BOOTSTRAP": opts.kafka,
            "PAS_REMISSION_KAFKA_NAMESPACE": namespace,
        }
        migrate_s = await pas(["migrate", "remission"], ops_env, workdir / "pas.log", 300)
        log.info("seeding the synthetic register at scale %s", opts.scale)
        seed_s = await pas(["seed", "demo", "--scale", str(opts.scale)], ops_env, workdir / "pas.log", opts.phase_timeout)
        counts = (
            await rows(
                platform.dsn["remission"],
                "SELECT (SELECT count(*) FROM facilities), (SELECT count(DISTINCT kanwil_code) FROM facilities), "
                "(SELECT count(*) FROM inmates), (SELECT count(*) FROM outbox)",
            )
        )[0]
        results["register"] = {"upts": counts[0], "kanwil": counts[1], "inmates": counts[2], "events": counts[3],
                               "migrate_s": round(migrate_s, 1), "seed_s": round(seed_s, 1)}  # fmt: skip
        scopes = await rows(
            platform.dsn["remission"],
            "(SELECT 'kanwil:' || kanwil_code AS s FROM inmates GROUP BY kanwil_code ORDER BY count(*) DESC LIMIT 3) UNION ALL "
            "(SELECT 'upt:' || upt_code FROM inmates GROUP BY upt_code ORDER BY count(*) DESC LIMIT 3)",
        )
        opts.demo_scopes = [r[0] for r in scopes]
        platform.gateway.env["demo_scopes"] = ",".join(opts.demo_scopes)

        log.info("starting the five services")
        platform.gateway.start()
        await platform.gateway.wait_ready(120)
        for s in SERVICES[:-1]:
            platform.procs[s].start()
        await asyncio.gather(*(platform.procs[s].wait_ready(180) for s in SERVICES[:-1]))
        memory = MemoryWatch({s: p.proc.pid for s, p in platform.procs.items() if p.proc is not None})
        memory.start()
        memory.enter("register-drain")
        cpu = HostCpu()
        results["register"]["drain"] = await platform.drained(opts.phase_timeout, "register") | {"host_cpu": cpu.busy()}
        log.info("register drained: %s", results["register"]["drain"])

        national = await login(platform.gateway.port, "nasional", PASSWORD)
        by_level: dict[str, list[dict[str, str]]] = {"national": [national], "kanwil": [], "upt": []}
        for scope in opts.demo_scopes:
            level, code = scope.split(":", 1)
            by_level[level].append(await login(platform.gateway.port, f"{level}-{code.lower()}", PASSWORD))
        users = Users(national, by_level)

        memory.enter("year")
        log.info("a year of activity through the services' APIs")
        cpu = HostCpu()
        world, results["year"] = await year_of_activity(platform, opts, national)
        results["year"]["host_cpu"] = cpu.busy()
        results["year"]["drain"] = await platform.drained(opts.phase_timeout, "year")
        log.info("year: %s", results["year"])

        memory.enter("batch")
        log.info("Remisi Umum, national, through the gateway")
        cpu = HostCpu()
        results["batch"] = await remisi_umum(platform, opts, world, national)
        results["batch"]["host_cpu"] = cpu.busy()
        results["batch"]["drain"] = await platform.drained(opts.phase_timeout, "batch")
        log.info("batch: %s", {k: v for k, v in results["batch"].items() if k != "probe_errors"})

        memory.enter("idle")
        log.info("idle: %d clients, %.0f s", opts.idle_clients, opts.idle_seconds)
        results["idle"] = await idle_phase(platform, opts, world, users)
        await platform.drained(opts.phase_timeout, "idle")
        results["idle"]["event_lag"] = await event_lags(platform, results["idle"]["window"], WRITING)

        memory.enter("load")
        log.info(
            "load: %d readers, %d writers, %.0f s (+%.0f s warm-up)",
            opts.readers,
            opts.writers,
            opts.seconds,
            opts.warmup_seconds,
        )
        results["load"] = await load_phase(platform, opts, world, users)
        memory.enter("settle")
        results["load"]["drain"] = await platform.drained(opts.phase_timeout, "load")
        results["load"]["event_lag"] = await event_lags(platform, results["load"]["window"], WRITING)
        await memory.stop()
        results["memory"] = memory.figures()
        dead = 0
        for topic in await dlq_topics(opts.kafka, namespace):
            dead += await dlq_messages(opts.kafka, topic)
        results["dead_lettered"] = dead
    finally:
        if memory is not None:
            await memory.stop()
        platform.stop()
        if not opts.keep_databases:
            await drop_databases(opts.pg, list(databases.values()))
    results["comparison"] = compare(results["idle"]["endpoints"], results["load"]["endpoints"])
    results["targets"] = targets(results)
    results["verification"] = verification(results)
    return results


async def dlq_topics(bootstrap: str, namespace: str) -> list[str]:
    from aiokafka.admin import AIOKafkaAdminClient

    from pas_shared.kafka import KafkaConnection, client_kwargs

    admin = AIOKafkaAdminClient(**client_kwargs(KafkaConnection(bootstrap)))
    await admin.start()
    try:
        return sorted(t for t in await admin.list_topics() if t.startswith(namespace) and t.endswith(".dlq"))
    finally:
        await admin.close()


def compare(idle: dict[str, Any], load: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, under in load.items():
        base = idle.get(name, {})
        ratio = under["p99_ms"] / base["p99_ms"] if under.get("p99_ms") and base.get("p99_ms") else None
        out[name] = {
            "idle_p50_ms": base.get("p50_ms"), "idle_p99_ms": base.get("p99_ms"), "idle_requests": base.get("requests_measured"),
            "rps": under["rps"], "p50_ms": under["p50_ms"], "p99_ms": under["p99_ms"],
            "p99_ratio": None if ratio is None else round(ratio, 2),
            "met": ratio is not None and ratio <= TARGET_P99_RATIO,
        }  # fmt: skip
    return out


def targets(r: dict[str, Any]) -> dict[str, bool]:
    reads = [v for k, v in r["comparison"].items() if k.startswith("GET ")]
    writes = [v for k, v in r["comparison"].items() if not k.startswith("GET ")]
    recovered = r["batch"]["lag_under_1s_after_approval_s"]
    peaks = r["memory"]["peak_rss_mb"].values()
    return {
        "reads_p99_within_3x_idle": bool(reads) and all(v["met"] for v in reads),
        "writes_p99_within_3x_idle": bool(writes) and all(v["met"] for v in writes),
        "lag_under_1s_within_10s_after_batch": recovered is not None and recovered <= TARGET_RECOVERY_SECONDS,
        "no_service_above_300mb": bool(peaks) and max(peaks) <= TARGET_RSS_MB,
    }


def verification(r: dict[str, Any]) -> dict[str, Any]:
    errors = {
        "year": r["year"]["error_count"],
        "batch_probes": sum(v["error_count"] for v in r["batch"]["probe_errors"].values()),
        "idle": sum(v["error_count"] for v in r["idle"]["endpoints"].values()),
        "load": sum(v["error_count"] for v in r["load"]["endpoints"].values()),
    }
    unreflected = sum(r["load"]["event_lag"]["unreflected"].values()) + sum(r["idle"]["event_lag"]["unreflected"].values())
    return {
        "errors": errors,
        "unreflected_events": unreflected,
        "dead_lettered": r["dead_lettered"],
        "ok": not any(errors.values()) and unreflected == 0 and r["dead_lettered"] == 0,
    }


def report(r: dict[str, Any]) -> list[str]:
    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    reg, year, batch, t = r["register"], r["year"], r["batch"], r["targets"]
    o = r["options"]
    lines = [
        f"National load (scale {o['scale']}): {reg['upts']} UPTs in {reg['kanwil']} Kanwil, {reg['inmates']:,} people; "
        f"seed {reg['seed_s']} s, {reg['events']:,} events drained in {reg['drain']['seconds']} s",
        f"year: {sum(year['writes'].values()):,} writes {year['writes']} in {year['seconds']} s ({year['requests_per_s']} req/s)",
        f"batch {batch['on']}: {batch['proposals']:,} proposals, {batch['granted']:,} granted, "
        f"{batch['events_emitted']:,} events; "
        f"compute {batch['compute_seconds']} s, approve {batch['approve_seconds']} s; all reflected in the gateway "
        f"{batch['batch_reflected_after_approval_s']} s after approval; probe lag max {batch['probe_lag_max_ms']} ms; "
        f"lag < 1 s for writes committed from {batch['lag_under_1s_after_approval_s']} s after approval",
        "",
        f"{o['readers']} readers (think {o['read_think']} s) + {o['writers']} writers (think {o['write_think']} s), "
        f"{o['seconds']:.0f} s measured; idle: {o['idle_clients']} clients closed loop, {o['idle_seconds']:.0f} s",
        "| endpoint | idle p50 | idle p99 | load req/s | load p50 | load p99 | p99 ratio | |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, c in r["comparison"].items():
        lines.append(
            f"| {name} | {c['idle_p50_ms']} | {c['idle_p99_ms']} | {c['rps']} | {c['p50_ms']} | {c['p99_ms']} | "
            f"{c['p99_ratio']} | {verdict(c['met'])} |"
        )
    lag, idle_lag = r["load"]["event_lag"]["all"], r["idle"]["event_lag"]["all"]
    lines += [
        f"host CPU busy: idle {r['idle']['host_cpu']['busy_fraction']}, load {r['load']['host_cpu']['busy_fraction']}; "
        f"service CPU s under load {r['load']['service_cpu_s']}",
        "event lag commit -> gateway read model p50/p99/max: "
        f"idle {idle_lag['p50_ms']}/{idle_lag['p99_ms']}/{idle_lag['max_ms']} ms "
        f"({idle_lag['events']}); load {lag['p50_ms']}/{lag['p99_ms']}/{lag['max_ms']} ms ({lag['events']} events)",
        "peak RSS MB (VmHWM): " + ", ".join(f"{k} {v}" for k, v in r["memory"]["peak_rss_mb"].items()),
        "",
        f"reads p99 <= {TARGET_P99_RATIO}x idle: {verdict(t['reads_p99_within_3x_idle'])}",
        f"writes p99 <= {TARGET_P99_RATIO}x idle: {verdict(t['writes_p99_within_3x_idle'])}",
        f"lag < {TARGET_LAG_SECONDS:.0f} s within {TARGET_RECOVERY_SECONDS:.0f} s after the batch: "
        f"{verdict(t['lag_under_1s_within_10s_after_batch'])} ({batch['lag_under_1s_after_approval_s']} s)",
        f"no service above {TARGET_RSS_MB:.0f} MB: {verdict(t['no_service_above_300mb'])} "
        f"(max {max(r['memory']['peak_rss_mb'].values())} MB)",
        f"verification: {r['verification']}",
    ]
    return lines


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pg", default=os.environ.get("PAS_BENCH_PG_URL"), help="postgresql+asyncpg://user@host:port (no database)")
    p.add_argument("--kafka", default=os.environ.get("PAS_BENCH_KAFKA_BOOTSTRAP"), help="bootstrap server (host:port)")
    p.add_argument("--workdir", default=str(ROOT / ".run" / "bench-national"), help="logs of the processes")
    p.add_argument("--scale", type=float, default=1.0, help="share of the national register and of the year's activity")
    p.add_argument("--year-scale", type=float, help="share of a national year's activity (default: --scale)")
    p.add_argument("--setup-clients", type=int, default=16)
    p.add_argument("--readers", type=int, default=200)
    p.add_argument("--writers", type=int, default=50)
    p.add_argument("--read-think", type=float, default=1.0, help="mean pause of a reader between two requests, seconds")
    p.add_argument("--write-think", type=float, default=1.0, help="mean pause of a writer between two writes, seconds")
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--warmup-seconds", type=float, default=5)
    p.add_argument("--idle-seconds", type=float, default=30)
    p.add_argument("--idle-clients", type=int, default=2)
    p.add_argument("--probe-interval", type=float, default=0.25, help="seconds between two probe pairs around the batch")
    p.add_argument("--recovery-timeout", type=float, default=180, help="how long lag is watched after the approval")
    p.add_argument("--phase-timeout", type=float, default=1800, help="bound of the seed and of each drain")
    p.add_argument("--total-timeout", type=float, default=5400)
    p.add_argument("--keep-databases", action="store_true")
    p.add_argument("--strict", action="store_true", help="exit 2 when a target is missed")
    opts = p.parse_args(argv)
    if not opts.pg or not opts.kafka:
        p.error("--pg and --kafka are required (scripts/bench.sh passes them)")
    if not 0 < opts.scale <= 1.5:
        p.error("--scale: between 0 and 1.5 (as `pas seed demo`)")
    opts.demo_scopes = []
    if opts.year_scale is None:
        opts.year_scale = opts.scale
    return opts


def main(argv: Sequence[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    opts = parse_args(argv)
    status, _ = run_and_report("national_load", lambda: run(opts), report, total_timeout=opts.total_timeout, strict=opts.strict)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
