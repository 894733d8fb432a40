"""The upstream client's policy: retries of idempotent calls on connect errors only, and the
circuit breaker fed by transport failures and 502/503/504 (httpx's mock transport, no network)."""

import httpx
import pytest

from pas_gateway.adapters.upstream import Upstream, UpstreamPolicy, UpstreamUnavailable
from pas_gateway.domain.circuit_breaker import BreakerState

POLICY = UpstreamPolicy(
    connect_timeout_seconds=1,
    read_timeout_seconds=1,
    max_connections=5,
    retries=2,
    retry_backoff_seconds=0.001,
    failure_threshold=2,
    cooldown_seconds=30,
)


class Script:
    """Answers each call with the next step: an exception to raise or a status to answer."""

    def __init__(self, *steps: Exception | int) -> None:
        self.steps = list(steps)
        self.calls: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request)
        step = self.steps.pop(0)
        if isinstance(step, Exception):
            raise step
        return httpx.Response(step, json={"ok": step})


def upstream(script: Script, now: list[float] | None = None) -> Upstream:
    clock = now or [0.0]
    return Upstream("security", "http://security", POLICY, transport=httpx.MockTransport(script), monotonic=lambda: clock[0])


async def test_a_get_is_retried_when_the_connection_fails_and_the_query_goes_along() -> None:
    script = Script(httpx.ConnectError("refused"), httpx.ConnectError("refused"), 200)
    answer = await upstream(script).send("GET", "/api/v1/incidents", query="upt_code=LP-A&limit=5")
    assert answer.status == 200
    assert len(script.calls) == 3
    assert str(script.calls[-1].url) == "http://security/api/v1/incidents?upt_code=LP-A&limit=5"


async def test_a_write_is_never_retried() -> None:
    script = Script(httpx.ConnectError("refused"), 201)
    up = upstream(script)
    with pytest.raises(UpstreamUnavailable) as caught:
        await up.send("POST", "/api/v1/incidents", content=b"{}")
    assert caught.value.reason == "connect-failed" and len(script.calls) == 1


async def test_a_read_timeout_is_not_retried_even_for_a_get() -> None:
    script = Script(httpx.ReadTimeout("slow"), 200)
    with pytest.raises(UpstreamUnavailable) as caught:
        await upstream(script).send("GET", "/api/v1/incidents")
    assert caught.value.reason == "timeout" and len(script.calls) == 1


async def test_failures_open_the_circuit_and_calls_are_then_refused_without_going_out() -> None:
    now = [100.0]
    script = Script(httpx.ConnectError("x"), 503, 200)
    up = upstream(script, now)
    with pytest.raises(UpstreamUnavailable):
        await up.send("POST", "/api/v1/x")
    assert (await up.send("POST", "/api/v1/x")).status == 503  # passed back, and counted
    assert up.state is BreakerState.OPEN
    now[0] = 110.0
    with pytest.raises(UpstreamUnavailable) as caught:
        await up.send("GET", "/api/v1/x")
    assert caught.value.reason == "circuit-open" and caught.value.retry_after == pytest.approx(20)
    assert len(script.calls) == 2
    now[0] = 130.0  # cooldown over: one trial, which succeeds and closes the circuit
    assert (await up.send("GET", "/api/v1/x")).status == 200
    assert up.state is BreakerState.CLOSED


async def test_a_client_error_is_a_healthy_answer() -> None:
    script = Script(404, 422, 404)
    up = upstream(script)
    for _ in range(3):
        await up.send("GET", "/api/v1/x")
    assert up.state is BreakerState.CLOSED
