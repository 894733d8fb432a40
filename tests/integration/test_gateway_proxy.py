"""The gateway as the one door: calls to /api/v1/<service>/... reach the real service over
HTTP and come back whole (status, body, headers); a service that is down answers 503 with
Retry-After at once, for its routes only, and is used again when it is back; GET answers carry an
ETag and answer 304 to If-None-Match."""

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI, Request, Response

from tests.integration.harness import Platform, ServiceProcess, create_app, free_port, make_token, running, until_equal

FACILITY = {
    "upt_code": "LP-CIPINANG",
    "name": "Lapas Kelas I Cipinang",
    "upt_type": "Lapas",
    "kanwil_code": "KW-DKI",
    "capacity": 2,
    "time_zone": "Asia/Jakarta",
}
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


class InProcessServer:
    """An app on a real port of this machine (uvicorn in this process)."""

    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, lifespan="off", log_level="warning"))
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.task = asyncio.create_task(self.server.serve())
        while not self.server.started:
            if self.task.done():
                self.task.result()
            await asyncio.sleep(0.02)

    async def stop(self) -> None:
        self.server.should_exit = True
        if self.task is not None:
            await self.task


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    """An app on a real port while the block runs; yields its URL."""
    server = InProcessServer(app)
    await server.start()
    try:
        yield server.url
    finally:
        await server.stop()


def echo_service() -> FastAPI:
    """Says back what reached it, to check what the gateway forwards."""
    echo = FastAPI()

    @echo.api_route("/api/v1/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    async def say_back(request: Request, path: str) -> Response:
        body = {
            "method": request.method,
            "path": request.url.path,
            "query": request.url.query,
            "body": (await request.body()).decode(),
            "headers": {k: v for k, v in request.headers.items() if k != "content-length"},
        }
        headers = {"Location": f"/api/v1/things/{path}", "ETag": '"v1"'} if request.method == "POST" else {}
        return Response(
            json.dumps(body), status_code=201 if request.method == "POST" else 200, headers=headers, media_type="application/json"
        )

    return echo


async def test_what_the_gateway_forwards_and_passes_back(platform: Platform) -> None:
    await platform.create_databases("gateway")
    async with serving(echo_service()) as echo_url:
        app = create_app(platform, "gateway", upstream_food_audit_url=echo_url)
        token = make_token(scope="upt:LP-CIPINANG", subject="officer-1")
        async with running(app, token=token) as gateway:
            answer = await gateway.post(
                "/api/v1/food-audit/inspections/7/findings?draft=true&upt_code=LP%20A",
                json={"score": 81},
                headers={
                    "X-Request-ID": "cid-door-1",
                    "traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01",
                    "X-Forwarded-For": "203.0.113.9",
                    "Cookie": "session=secret",
                },
            )
            # The gateway's own routes under /api/v1/<x>/<y> are not taken for a service's.
            statistics = await gateway.get("/api/v1/public/statistics")
            assert statistics.status_code == 200, statistics.text
    assert answer.status_code == 201, answer.text
    seen = answer.json()
    assert (seen["method"], seen["path"], seen["query"]) == (
        "POST",
        "/api/v1/inspections/7/findings",
        "draft=true&upt_code=LP%20A",
    )
    assert json.loads(seen["body"]) == {"score": 81}
    headers = seen["headers"]
    assert headers["authorization"] == f"Bearer {token}"
    assert headers["x-request-id"] == "cid-door-1"
    assert headers["traceparent"].split("-")[1] == TRACE_ID  # the same trace, the gateway's own span
    assert headers["traceparent"].split("-")[2] != "00f067aa0ba902b7"
    assert headers["x-forwarded-for"] == "203.0.113.9, 127.0.0.1"
    assert headers["content-type"] == "application/json"
    assert "cookie" not in headers
    # Passed back: status, body, content type, ETag, and Location as reached through the gateway.
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["etag"] == '"v1"'
    assert answer.headers["location"] == "/api/v1/food-audit/things/inspections/7/findings"
    assert answer.headers["x-request-id"] == "cid-door-1"


async def test_a_write_through_the_gateway_lands_in_the_service(platform: Platform, tmp_path: Path) -> None:
    await platform.create_databases("remission", "gateway")
    remission = ServiceProcess(platform, "remission", tmp_path)
    remission.start()
    try:
        await remission.wait_healthy()
        app = create_app(platform, "gateway", upstream_remission_url=remission.url)
        async with running(app) as gateway:
            created = await gateway.post(
                "/api/v1/remission/facilities",
                json=FACILITY,
                headers={"X-Request-ID": "cid-door-2", "traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01"},
            )
            assert created.status_code == 201, created.text
            assert created.json()["upt_code"] == "LP-CIPINANG"

            # In the service's own database, its event carrying the caller's correlation id and trace.
            assert (
                await platform.scalar("remission", "SELECT name FROM facilities WHERE upt_code = 'LP-CIPINANG'")
                == FACILITY["name"]
            )
            attributes = json.loads(await platform.scalar("remission", "SELECT attributes FROM outbox"))
            assert attributes["correlationid"] == "cid-door-2"
            assert attributes["traceparent"].split("-")[1] == TRACE_ID

            # The service's refusal comes back as it gave it, and nothing more is written.
            refused = await gateway.post("/api/v1/remission/facilities", json=FACILITY | {"capacity": -1, "upt_code": "LP-X"})
            assert refused.status_code == 422
            assert refused.headers["content-type"] == "application/problem+json"
            assert any(e["field"] == "capacity" for e in refused.json()["errors"])
            assert await platform.scalar("remission", "SELECT count(*) FROM facilities") == 1
            assert await platform.scalar("remission", "SELECT count(*) FROM outbox") == 1

            # A read through the gateway: an ETag, then 304 while nothing changed.
            read = await gateway.get("/api/v1/remission/facilities/LP-CIPINANG")
            assert read.status_code == 200 and read.json()["capacity"] == 2
            etag = read.headers["etag"]
            assert etag.startswith('"') and not etag.startswith("W/")
            unchanged = await gateway.get("/api/v1/remission/facilities/LP-CIPINANG", headers={"If-None-Match": etag})
            assert (unchanged.status_code, unchanged.content, unchanged.headers["etag"]) == (304, b"", etag)
            other = await gateway.get("/api/v1/remission/facilities/LP-CIPINANG", headers={"If-None-Match": '"something-else"'})
            assert other.status_code == 200 and other.json() == read.json()
    finally:
        remission.stop()


async def status_of(client: Any, url: str) -> tuple[int, float, Any]:
    started = time.monotonic()
    answer = await client.get(url, headers={"Accept-Language": "en"})
    return answer.status_code, time.monotonic() - started, answer


async def test_a_service_down_answers_503_at_once_for_its_routes_only_and_is_used_again_when_back(
    platform: Platform, tmp_path: Path
) -> None:
    await platform.create_databases("security", "remission", "gateway")
    security = ServiceProcess(platform, "security", tmp_path)
    remission = ServiceProcess(platform, "remission", tmp_path)
    security.start()
    remission.start()
    try:
        await asyncio.gather(security.wait_healthy(), remission.wait_healthy())
        app = create_app(
            platform,
            "gateway",
            upstream_security_url=security.url,
            upstream_remission_url=remission.url,
            breaker_failure_threshold=2,
            breaker_cooldown_seconds=2,
        )
        async with running(app) as gateway:
            incidents = "/api/v1/security/incidents"
            assert (await gateway.get(incidents)).status_code == 200

            security.kill()
            for _ in range(2):  # refused connections, retried, then counted
                status, took, answer = await status_of(gateway, incidents)
                assert status == 503 and took < 2, (status, took)
                assert answer.headers["content-type"] == "application/problem+json"
                assert int(answer.headers["retry-after"]) >= 1
                assert "cannot be reached" in answer.json()["detail"]
            status, took, answer = await status_of(gateway, incidents)  # the circuit is open: no call at all
            assert status == 503 and took < 0.2, (status, took)
            assert "failed too often" in answer.json()["detail"]
            assert 1 <= int(answer.headers["retry-after"]) <= 2
            write = await gateway.post("/api/v1/security/incidents", json={})
            assert write.status_code == 503 and write.headers["content-type"] == "application/problem+json"

            # The other service is not affected.
            reference = await gateway.get("/api/v1/remission/reference")
            assert reference.status_code == 200 and reference.json()["kanwil"]

            security.start()
            await security.wait_healthy()

            async def incidents_status() -> int:
                return (await gateway.get(incidents)).status_code

            await until_equal(incidents_status, 200, timeout=10, what="security through the gateway again")
    finally:
        security.stop()
        remission.stop()
