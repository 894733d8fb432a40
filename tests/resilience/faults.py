"""The stack of the fault tests (issue 10, "Faults"): the five services as real uvicorn processes
on the private PostgreSQL and Kafka, a scripted workload writing through the gateway, a ledger of
every answer the clients got, the faults themselves, and the checks that compare every
service's database with the gateway's read models and the events on Kafka.

Every write carries a key the test can recount (an incident's title, an admission's register
number, a sale's amount): a write the client was told succeeded (2xx) must be in its service's
database with its event in the outbox once and on Kafka, and nothing may be there that no client
asked for. A write answered otherwise (503 while a dependency is down, or no answer because the
gateway itself was killed) may or may not have happened; either is fine, a half of one is not.
"""

import asyncio
import json
import os
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from pas_shared.kafka import client_kwargs
from tests.integration.harness import (
    Broker,
    Platform,
    ServiceProcess,
    bearer,
    eventually,
    make_token,
    required_env,
    run_script,
    until_equal,
)
from tests.integration.test_event_flow import FACILITY, admission

SERVICES = ("remission", "security", "rehabilitation", "food-audit", "gateway")
DOMAIN = ("remission", "security", "rehabilitation", "food-audit")
PROBLEM_JSON = "application/problem+json"
# `make soak` raises it: longer workloads, more malformed messages, more kill rounds.
SCALE = max(1, int(os.environ.get("PAS_FAULTS_SCALE", "1")))
CLIENT_TIMEOUT = 30.0  # a client that waited this long saw a hang: counted and refused by the checks
TODAY = datetime.now(ZoneInfo("Asia/Jakarta")).date()

# Recovery times measured by the tests, printed at the end of the run (tests/resilience/conftest.py).
RECOVERY: list[tuple[str, str, float]] = []


def recovered(fault: str, what: str, seconds: float) -> None:
    RECOVERY.append((fault, what, round(seconds, 2)))


# -- the ledger -------------------------------------------------------------------------------


@dataclass
class Answer:
    kind: str
    key: str  # the client's own key for the write (unique per attempt)
    status: int  # 0: no HTTP answer (connection refused: the gateway was down)
    at: float
    seconds: float
    ident: str | None = None  # the id the service gave (2xx only)
    retry_after: str | None = None
    content_type: str = ""
    error: str = ""


@dataclass
class Ledger:
    answers: list[Answer] = field(default_factory=list)

    def ok(self, kind: str) -> list[Answer]:
        return [a for a in self.answers if a.kind == kind and 200 <= a.status < 300]

    def attempts(self, kind: str) -> int:
        return sum(1 for a in self.answers if a.kind == kind)

    def since(self, t: float) -> list[Answer]:
        return [a for a in self.answers if a.at >= t]

    def summary(self, answers: list[Answer] | None = None) -> dict[str, int]:
        return dict(Counter(f"{a.kind}:{a.status}" for a in (self.answers if answers is None else answers)))


def check_answers(answers: list[Answer], *, gateway_killed: bool = False) -> None:
    """Never a 500 (nor any 5xx but 503), never a hang; a 503 is problem+json with Retry-After;
    no 4xx either (the workload sends valid writes: a 4xx would be a write lost to a fault).
    Only a killed gateway leaves a client with no answer: refused, or dropped mid-request."""
    bad = []
    for a in answers:
        if a.status == 0 and gateway_killed and a.error in ("refused", "dropped"):
            continue
        if 200 <= a.status < 300:
            continue
        if a.status == 503 and a.retry_after and a.retry_after.isdigit() and a.content_type.startswith(PROBLEM_JSON):
            continue
        bad.append(a)
    assert not bad, f"{len(bad)} answers broke the promise (503 + Retry-After, never 500, never a hang): {bad[:5]}"


# -- the stack ----------------------------------------------------------------------------------


class Stack:
    """Five service processes, the gateway in front of the four others."""

    def __init__(self, platform: Platform, log_dir: Path, broker: Broker) -> None:
        self.platform = platform
        self.broker = broker  # the stack's own: the broker-down test stops and starts it
        self.log_dir = log_dir
        self.procs: dict[str, ServiceProcess] = {}
        for service in DOMAIN:
            self.procs[service] = ServiceProcess(platform, service, log_dir)
        urls = {f"upstream_{s.replace('-', '_')}_url": p.url for s, p in self.procs.items()}
        # A short breaker cooldown: the door tries a restarted service again soon.
        self.procs["gateway"] = ServiceProcess(platform, "gateway", log_dir, breaker_cooldown_seconds=1, **urls)
        self.ledger = Ledger()
        self.token = make_token()
        self.seq = 0
        self.run_tag = platform.namespace.strip(".")
        self.fixtures: dict[str, Any] = {}
        self.injected_ids: set[str] = set()  # ce_ids of messages the tests put on topics by hand

    # processes

    async def start(self) -> None:
        await self.platform.create_databases(*SERVICES)
        # Remission first: the others learn the UPTs from its events, and all migrate at once otherwise.
        for service in SERVICES:
            self.procs[service].start()
        for service in SERVICES:
            await self.procs[service].wait_healthy(timeout=120)
        await self.all_ready(True, timeout=120)

    def stop(self) -> None:
        for proc in self.procs.values():
            proc.stop()

    async def ready(self, service: str) -> bool:
        try:
            async with httpx.AsyncClient(timeout=5) as client:
                return (await client.get(f"{self.procs[service].url}/readyz")).status_code == 200
        except httpx.TransportError:
            return False

    async def all_ready(self, want: bool, *, timeout: float = 60, services: tuple[str, ...] = SERVICES) -> float:
        """Wait until every service's /readyz says `want`; return the seconds it took."""
        started = time.monotonic()

        async def check() -> bool:
            return all([await self.ready(s) == want for s in services])

        await eventually(check, timeout=timeout, what=f"readiness {want} on {services}")
        return time.monotonic() - started

    # the gateway's client

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.procs["gateway"].url, timeout=CLIENT_TIMEOUT, headers=bearer(self.token) | {"Accept-Language": "en"}
        )

    async def call(self, client: httpx.AsyncClient, kind: str, key: str, path: str, body: dict[str, Any], ident: str) -> Answer:
        started = time.monotonic()
        answer = Answer(kind, key, 0, time.time(), 0.0)
        try:
            response = await client.post(path, json=body)
        except httpx.ConnectError:
            answer.error = "refused"
        except (httpx.RemoteProtocolError, httpx.ReadError):
            answer.error = "dropped"  # the process died with the request in it
        except httpx.TimeoutException as exc:
            answer.error = f"hang: {type(exc).__name__}"
        except httpx.TransportError as exc:
            answer.error = f"transport: {type(exc).__name__}: {exc}"
        else:
            answer.status = response.status_code
            answer.retry_after = response.headers.get("retry-after")
            answer.content_type = response.headers.get("content-type", "")
            if 200 <= response.status_code < 300:
                answer.ident = str(response.json()[ident])
            else:
                answer.error = response.text[:300]
        answer.seconds = time.monotonic() - started
        self.ledger.answers.append(answer)
        return answer

    def next_key(self) -> str:
        self.seq += 1
        return f"{self.run_tag}-{self.seq:06d}"

    # the data the workload builds on

    async def seed(self) -> None:
        async with self.client() as c:

            async def post(path: str, body: dict[str, Any], expect: int = 201) -> dict[str, Any]:
                response = await c.post(path, json=body)
                assert response.status_code == expect, (path, response.status_code, response.text)
                out: dict[str, Any] = response.json()
                return out

            await post("/api/v1/remission/facilities", FACILITY | {"capacity": 500})
            inmates = [(await post("/api/v1/remission/inmates", admission(90_000 + n)))["inmate_id"] for n in range(3)]

            async def known() -> list[int]:
                return [int(await self.platform.scalar(s, "SELECT count(*) FROM roster")) for s in ("security", "rehabilitation")]

            await until_equal(known, [3, 3], timeout=60, what="security and rehabilitation know the first inmates")

            async def kitchen() -> int:
                return (
                    await c.post("/api/v1/food-audit/kitchens", json={"upt_code": "LP-CIPINANG", "name": "Dapur"})
                ).status_code

            await until_equal(kitchen, 201, timeout=60, what="food-audit knows Cipinang")
            kitchen_id = (await c.get("/api/v1/food-audit/kitchens")).json()["items"][0]["kitchen_id"]
            template = (await c.get("/api/v1/food-audit/inspection-templates/current")).json()
            product = await post(
                "/api/v1/rehabilitation/products",
                {"upt_code": "LP-CIPINANG", "name": "Batako", "category": "construction-materials", "unit": "pcs"},
            )
            production = {"produced_on": str(TODAY - timedelta(days=30)), "quantity": 10**8, "workers": [inmates[0]]}
            await post(f"/api/v1/rehabilitation/products/{product['product_id']}/production", production)
        self.fixtures = {
            "inmates": inmates,
            "kitchen_id": kitchen_id,
            "marks": {i["code"]: i["max"] for s in template["sections"] for i in s["items"]},
            "product_id": product["product_id"],
        }

    # the workload

    async def _stream(self, kind: str, stop: asyncio.Event, pause: float) -> None:
        f = self.fixtures
        async with self.client() as c:
            while not stop.is_set():
                key = self.next_key()
                n = self.seq
                if kind == "admission":
                    body: dict[str, Any] = admission(n) | {"register_number": f"F-{key}"}
                    await self.call(c, kind, key, "/api/v1/remission/inmates", body, "inmate_id")
                elif kind == "batch":
                    body = {"occasion": "remisi-umum", "on": "2026-08-17", "upt_code": "LP-CIPINANG"}
                    await self.call(c, kind, key, "/api/v1/remission/remission-batches", body, "batch_id")
                elif kind == "incident":
                    body = {
                        "upt_code": "LP-CIPINANG",
                        "category": "riot",
                        "severity": "high",
                        "title": f"Uji {key}",
                        "location": "Blok C",
                        "narrative": "Keributan saat pembagian makanan.",
                        "occurred_at": f"{TODAY - timedelta(days=1)}T18:30:00",
                        "people": [],
                        "actions": [],
                    }
                    await self.call(c, kind, key, "/api/v1/security/incidents", body, "incident_id")
                elif kind == "sanction":
                    body = {
                        "inmate_id": f["inmates"][n % len(f["inmates"])],
                        "upt_code": "LP-CIPINANG",
                        "level": "berat",
                        "sanctioned_on": str(TODAY - timedelta(days=1)),
                        "isolation_days": 6,
                    }
                    await self.call(c, kind, key, "/api/v1/security/discipline/sanctions", body, "case_id")
                elif kind == "sale":
                    body = {
                        "product_id": f["product_id"],
                        "sold_on": str(TODAY - timedelta(days=1)),
                        "channel": "order",
                        "buyer_type": "business",
                        "quantity": 1,
                        "revenue_rupiah": 1_000_000 + n,  # the key: one amount per attempt
                    }
                    await self.call(c, kind, key, "/api/v1/rehabilitation/sales", body, "sale_id")
                elif kind == "inspection":
                    body = {"kitchen_id": f["kitchen_id"], "kind": "scheduled", "planned_on": str(TODAY)}
                    planned = await self.call(
                        c, "inspection-planned", key, "/api/v1/food-audit/inspections", body, "inspection_id"
                    )
                    if planned.ident:
                        done = {
                            "inspected_on": str(TODAY),
                            "inspector": f"Tim {key}",
                            "owner": "Kasi Perawatan",
                            "scores": [{"item": i, "score": s, "note": "dilihat"} for i, s in f["marks"].items()],
                        }
                        path = f"/api/v1/food-audit/inspections/{planned.ident}/complete"
                        await self.call(c, "inspection", key, path, done, "inspection_id")
                await asyncio.sleep(pause)

    def workload(self, pause: float = 0.15) -> "Workload":
        return Workload(self, pause)

    # infrastructure control

    async def kafka(self, action: str) -> None:
        await asyncio.to_thread(self.broker.control, action)

    async def postgres(self, action: str) -> None:
        rundir = required_env("PAS_TEST_PG_RUNDIR")
        if action == "stop":
            await asyncio.to_thread(run_script, "postgres.sh", "stop", rundir)
        else:
            await asyncio.to_thread(run_script, "postgres.sh", "restart", rundir)  # start on the port it had

    async def group_members(self, group: str) -> int:
        admin = AIOKafkaAdminClient(**client_kwargs(self.platform.kafka_connection), request_timeout_ms=5000)
        await admin.start()
        try:
            responses = await admin.describe_consumer_groups([self.platform.namespace + group])
            return sum(len(g[5]) for r in responses for g in r.groups)  # (error, id, state, protocol type, protocol, members)
        finally:
            await admin.close()

    async def produce_raw(self, topic: str, messages: list[tuple[bytes, bytes | None, list[tuple[str, bytes]]]]) -> None:
        producer = AIOKafkaProducer(**client_kwargs(self.platform.kafka_connection), enable_idempotence=True)
        await producer.start()
        try:
            for key, value, headers in messages:
                await producer.send(self.platform.topic(topic), value=value, key=key, headers=headers)
            await producer.flush()
        finally:
            await producer.stop()

    async def metric(self, service: str, name: str, **labels: str) -> float:
        async with httpx.AsyncClient(timeout=10) as client:
            text = (await client.get(f"{self.procs[service].url}/metrics")).text
        total = 0.0
        for line in text.splitlines():
            match = re.match(rf"^{name}\{{(.*)\}} ([0-9.e+-]+)$", line)
            if match and all(f'{k}="{v}"' in match.group(1) for k, v in labels.items()):
                total += float(match.group(2))
        return total

    # the checks after recovery

    async def settled(self, timeout: float = 120) -> None:
        """Every outbox drained and every consumer caught up (the gateway's read models hold
        as many admissions as remission): the moment to compare."""

        async def pending() -> dict[str, int]:
            out = {s: int(await self.platform.scalar(s, "SELECT count(*) FROM outbox WHERE sent_at IS NULL")) for s in SERVICES}
            inmates = await self.platform.scalar("remission", "SELECT count(*) FROM inmates")
            for s, sql in (
                ("security", "SELECT count(*) FROM roster"),
                ("rehabilitation", "SELECT count(*) FROM roster"),
                ("gateway", "SELECT count(*) FROM kpi_inmate"),
            ):
                out[f"{s} behind"] = int(inmates) - int(await self.platform.scalar(s, sql))
            out["remission behind on register F"] = int(
                await self.platform.scalar("security", "SELECT count(*) FROM sanctions WHERE register_f")
            ) - int(await self.platform.scalar("remission", "SELECT count(*) FROM register_f"))
            return {k: v for k, v in out.items() if v}

        await until_equal(pending, {}, timeout=timeout, what="outboxes drained and consumers caught up")

    async def verify(self) -> dict[str, Any]:
        """Nothing lost, nothing applied twice, KPIs equal to the services' data."""
        await self.settled()
        await asyncio.sleep(1)  # a stray duplicate would arrive now, before the counts
        p = self.platform
        found: dict[str, Any] = {}
        for kind, service, sql, column in WRITTEN:
            rows = await p.fetch(service, sql)
            ids = [str(r[column]) for r in rows]
            ok = {str(a.ident) for a in self.ledger.ok(kind)}
            missing = ok - set(ids)
            assert not missing, (
                f"{len(missing)} {kind} writes answered 2xx are not in {service}'s database: {sorted(missing)[:5]}"
            )
            assert len(ids) == len(set(ids)), f"{kind}: a record twice in {service}"
            assert len(ids) <= self.ledger.attempts(kind) + SEEDED.get(kind, 0), f"{kind}: more records than writes asked for"
            found[kind] = len(ids)
        # Keys: nothing in a database that no client sent.
        titles = {r["title"] for r in await p.fetch("security", "SELECT title FROM incidents")}
        sent = {f"Uji {a.key}" for a in self.ledger.answers if a.kind == "incident"}
        assert titles <= sent, f"incidents nobody sent: {sorted(titles - sent)[:5]}"
        numbers = {r["register_number"] for r in await p.fetch("remission", "SELECT register_number FROM inmates")}
        sent = {f"F-{a.key}" for a in self.ledger.answers if a.kind == "admission"} | {f"B1-{90_000 + n:05d}" for n in range(3)}
        assert numbers <= sent, f"admissions nobody sent: {sorted(numbers - sent)[:5]}"

        # Each write's event: once in its outbox, sent, and on Kafka; Kafka holds no event the outboxes do not.
        for kind, service, event_type, id_field in EVENTS:
            rows = await p.fetch(service, "SELECT event_id, data, sent_at FROM outbox WHERE event_type = $1", event_type)
            per_id = Counter(json.loads(r["data"])[id_field] for r in rows)
            for a in self.ledger.ok(kind):
                assert per_id[a.ident] == 1, f"{kind} {a.ident}: {per_id[a.ident]} {event_type} events in the outbox"
            assert all(r["sent_at"] is not None for r in rows)
        duplicates = {}
        for service in SERVICES:
            rows = await p.fetch(service, "SELECT event_id, topic FROM outbox")
            by_topic: dict[str, set[str]] = {}
            for r in rows:
                by_topic.setdefault(r["topic"], set()).add(r["event_id"])
            for topic, event_ids in by_topic.items():
                records = await p.records(topic, at_least=len(event_ids), timeout=60)
                # Messages with no CloudEvents id are the malformed ones a test put there by hand.
                on_kafka = [i for r in records if (i := dict(r.headers).get("ce_id", b"").decode())]
                distinct = set(on_kafka) - self.injected_ids
                assert distinct == event_ids, (
                    f"{topic}: {len(event_ids - distinct)} outbox events not on Kafka, "
                    f"{len(distinct - event_ids)} on Kafka not in an outbox"
                )
                duplicates[topic] = len(on_kafka) - len(set(on_kafka))
        found["kafka redeliveries absorbed"] = sum(duplicates.values())

        # Effects once: every consumer's inbox names only real events, and the read models equal the sources.
        outbox_ids = {s: {r["event_id"] for r in await p.fetch(s, "SELECT event_id FROM outbox")} for s in SERVICES}
        for service in SERVICES:
            for r in await p.fetch(service, "SELECT DISTINCT source FROM inbox"):
                source = r["source"].removeprefix("/pas/")
                inbox = {
                    x["event_id"] for x in await p.fetch(service, "SELECT event_id FROM inbox WHERE source = $1", r["source"])
                }
                phantom = inbox - outbox_ids[source]
                assert not phantom, f"{service}'s inbox holds {len(phantom)} events {source} never wrote"
        figures = {name: [await p.scalar(s, sql) for s, sql in pair] for name, pair in COMPARED.items()}
        for name, (source, model) in figures.items():
            assert float(source or 0) == float(model or 0), f"{name}: the services hold {source}, the read model {model}"
        found["figures"] = figures
        return found


class Workload:
    """The six streams of writes, each one after another, all at once, until stopped."""

    KINDS = ("admission", "batch", "incident", "sanction", "sale", "inspection")

    def __init__(self, stack: Stack, pause: float) -> None:
        self.stack = stack
        self.pause = pause
        self.stop_event = asyncio.Event()
        self.tasks: list[asyncio.Task[None]] = []
        self.started = 0.0

    async def __aenter__(self) -> "Workload":
        self.started = time.time()
        self.tasks = [asyncio.create_task(self.stack._stream(k, self.stop_event, self.pause), name=k) for k in self.KINDS]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.stop_event.set()
        done = await asyncio.wait_for(asyncio.gather(*self.tasks, return_exceptions=True), timeout=CLIENT_TIMEOUT * 3)
        errors = [e for e in done if isinstance(e, BaseException)]
        if errors and exc[0] is None:
            raise errors[0]

    def answers(self) -> list[Answer]:
        return self.stack.ledger.since(self.started)

    async def until_written(self, n: int, timeout: float = 60) -> None:
        """Wait until `n` writes more succeeded since the workload started (it is really running)."""

        async def enough() -> bool:
            return sum(1 for a in self.answers() if 200 <= a.status < 300) >= n

        await eventually(enough, timeout=timeout, what=f"{n} successful writes")


async def timed(what: Callable[[], Awaitable[Any]]) -> float:
    started = time.monotonic()
    await what()
    return time.monotonic() - started


# kind, service, SQL listing its records, id column
WRITTEN = (
    ("admission", "remission", "SELECT inmate_id FROM inmates", "inmate_id"),
    ("batch", "remission", "SELECT batch_id FROM remission_batches", "batch_id"),
    ("incident", "security", "SELECT incident_id FROM incidents", "incident_id"),
    ("sanction", "security", "SELECT case_id FROM sanctions", "case_id"),
    ("sale", "rehabilitation", "SELECT sale_id FROM sales", "sale_id"),
    ("inspection-planned", "food-audit", "SELECT inspection_id FROM inspections", "inspection_id"),
    ("inspection", "food-audit", "SELECT inspection_id FROM inspections WHERE inspected_on IS NOT NULL", "inspection_id"),
)
SEEDED = {"admission": 3}
# kind, service, event type its 2xx writes emit, the payload field naming the record
EVENTS = (
    ("admission", "remission", "pas.remission.inmate.admitted", "inmate_id"),
    ("incident", "security", "pas.security.incident.reported", "incident_id"),
    ("sanction", "security", "pas.security.discipline.sanctioned", "case_id"),
    ("sale", "rehabilitation", "pas.rehabilitation.sale.recorded", "sale_id"),
    ("inspection", "food-audit", "pas.food-audit.inspection.completed", "inspection_id"),
)
# figure: (what the source service holds, what the consumer built from its events)
COMPARED: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "inmates in the gateway": (("remission", "SELECT count(*) FROM inmates"), ("gateway", "SELECT count(*) FROM kpi_inmate")),
    "inmates on security's roster": (("remission", "SELECT count(*) FROM inmates"), ("security", "SELECT count(*) FROM roster")),
    "inmates on rehabilitation's roster": (
        ("remission", "SELECT count(*) FROM inmates"),
        ("rehabilitation", "SELECT count(*) FROM roster"),
    ),
    "Register F entries in remission": (
        ("security", "SELECT count(*) FROM sanctions WHERE register_f"),
        ("remission", "SELECT count(*) FROM register_f"),
    ),
    "incidents KPI": (
        ("security", "SELECT count(*) FROM incidents"),
        ("gateway", "SELECT sum(value) FROM kpi_daily WHERE metric = 'incidents'"),
    ),
    "incidents open KPI": (
        ("security", "SELECT count(*) FROM incidents WHERE status NOT IN ('closed', 'excluded')"),
        ("gateway", "SELECT sum(value) FROM kpi_state WHERE metric = 'incidents_open'"),
    ),
    "revenue KPI": (
        ("rehabilitation", "SELECT sum(revenue_rupiah) FROM sales"),
        ("gateway", "SELECT sum(value) FROM kpi_daily WHERE metric = 'revenue_rupiah'"),
    ),
    "inspections KPI": (
        ("food-audit", "SELECT count(*) FROM inspections WHERE inspected_on IS NOT NULL"),
        ("gateway", "SELECT sum(value) FROM kpi_daily WHERE metric = 'inspections'"),
    ),
}
