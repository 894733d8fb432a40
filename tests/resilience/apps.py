"""The five apps of a resilience test, running in this process on their own databases and the
test's Kafka namespace: two UPTs registered in remission (Cipinang in Kanwil DKI, Salemba in
Kanwil DKI) and known to every service that learns them from remission's events; the gateway's
upstreams point at ports where nothing listens (its own routes are under test, not forwarding)."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from tests.integration.harness import Platform, create_app, free_port, running, until_equal
from tests.integration.test_event_flow import FACILITY

SERVICES = ("remission", "security", "rehabilitation", "food-audit", "gateway")
LEARNS_UPTS = {"security": "facilities", "rehabilitation": "facilities", "food-audit": "facilities", "gateway": "kpi_upt"}
SALEMBA = FACILITY | {"upt_code": "RT-SALEMBA", "name": "Rutan Kelas I Jakarta Pusat", "upt_type": "Rutan", "capacity": 10}
PROBLEM_JSON = "application/problem+json"

# A valid write per app, whose body the bad-input tests corrupt (each creates one record).
WRITES: dict[str, tuple[str, dict[str, Any]]] = {
    "remission": ("/api/v1/facilities", FACILITY | {"upt_code": "LP-DEPOK", "name": "Lapas Depok"}),
    "security": (
        "/api/v1/incidents",
        {
            "upt_code": "LP-CIPINANG",
            "category": "riot",
            "severity": "high",
            "title": "Kerusuhan blok C",
            "location": "Blok C",
            "narrative": "Keributan saat pembagian makanan.",
            "occurred_at": "2026-03-10T18:30:00",
            "people": [],
            "actions": [],
        },
    ),
    "rehabilitation": (
        "/api/v1/programmes",
        {
            "upt_code": "LP-CIPINANG",
            "kind": "kemandirian",
            "category": "bakery",
            "name": "Pelatihan roti",
            "capacity": 5,
            "starts_on": "2025-06-01",
        },
    ),
    "food-audit": ("/api/v1/vendors", {"name": "CV Sumber Pangan", "address": "Jl. Raya Bekasi 1", "upt_code": "LP-CIPINANG"}),
    "gateway": (
        "/api/v1/admin/users",
        {
            "username": "petugas.uji",
            "password": "rahasia-sekali-1",
            "display_name": "Petugas Uji",
            "roles": [],
            "scope": "national",
        },
    ),
}


@dataclass
class Apps:
    platform: Platform
    clients: dict[str, httpx.AsyncClient]
    apps: dict[str, Any]

    async def written(self) -> dict[str, tuple[Any, ...]]:
        """What each app has written: outbox rows (events), audit log rows and, for the gateway,
        its users (the gateway's audit_chain records refusals too, so it is not counted here)."""
        out = {}
        for service in SERVICES:
            outbox = await self.platform.scalar(service, "SELECT count(*) FROM outbox")
            audit = await self.platform.scalar(service, "SELECT count(*) FROM audit_log")
            extra = await self.platform.scalar(service, "SELECT count(*) FROM users") if service == "gateway" else None
            out[service] = (outbox, audit, extra)
        return out


def unreachable_upstreams() -> dict[str, str]:
    return {
        f"upstream_{name}_url": f"http://127.0.0.1:{free_port()}"
        for name in ("security", "rehabilitation", "remission", "food_audit")
    }


@asynccontextmanager
async def five_apps(platform: Platform, *, token: Any = "default") -> AsyncIterator[Apps]:
    await platform.create_databases(*SERVICES)
    apps = {s: create_app(platform, s, **(unreachable_upstreams() if s == "gateway" else {})) for s in SERVICES}
    async with AsyncExitStack() as stack:
        kwargs = {} if token == "default" else {"token": token}
        clients = {s: await stack.enter_async_context(running(apps[s], **kwargs)) for s in SERVICES}
        yield Apps(platform, clients, apps)


async def register_upts(apps: Apps) -> None:
    """Cipinang and Salemba registered in remission, and known to every app that learns UPTs."""
    remission = apps.clients["remission"]
    for facility in (FACILITY, SALEMBA):
        response = await remission.post("/api/v1/facilities", json=facility)
        assert response.status_code == 201, response.text
    for service, table in LEARNS_UPTS.items():

        async def known(service: str = service, table: str = table) -> int:
            return int(await apps.platform.scalar(service, f"SELECT count(*) FROM {table}"))

        await until_equal(known, 2, what=f"{service} knows both UPTs")


def assert_problem(response: httpx.Response, *statuses: int) -> dict[str, Any]:
    """A refusal: one of `statuses` (any 4xx if none), as problem+json of the platform."""
    assert (response.status_code in statuses) if statuses else (400 <= response.status_code < 500), (
        response.status_code,
        response.text[:500],
    )
    assert response.headers["content-type"].startswith(PROBLEM_JSON), response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == response.status_code and body["type"].startswith("https://pas.go.id/problems/"), body
    return body
