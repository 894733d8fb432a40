"""The domain services behind the gateway, one pooled httpx client and one circuit breaker each.

Only idempotent calls (GET, HEAD) are retried, and only when the connection could not be made
(nothing reached the service), with a doubling backoff. A call that fails at the transport level,
or that the service answers with 502/503/504, counts against the service's circuit breaker; while
the circuit is open calls are refused at once, so a dead service costs the caller nothing and
the other services are not affected.

Each call carries the trace context in its `traceparent` header: a CLIENT span's with tracing
on (pas_shared.tracing), the service's SERVER span continuing it; with tracing off, a new span
id in the gateway's trace, so the service's log lines still carry the gateway's trace id.
"""

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from opentelemetry.trace import SpanKind, StatusCode

from pas_gateway.domain.circuit_breaker import BreakerState, CircuitBreaker
from pas_shared.logging import trace_parent
from pas_shared.tracing import NO_TRACING, TRACEPARENT_HEADER, Tracing

log = logging.getLogger(__name__)

IDEMPOTENT_RETRIED = frozenset({"GET", "HEAD"})
UNHEALTHY_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True)
class UpstreamPolicy:
    connect_timeout_seconds: float
    read_timeout_seconds: float
    max_connections: int
    retries: int
    retry_backoff_seconds: float
    failure_threshold: int
    cooldown_seconds: float


class UpstreamUnavailable(Exception):
    """The service could not be reached (or its circuit is open): try again after `retry_after`."""

    def __init__(self, service: str, reason: str, retry_after: float) -> None:
        super().__init__(f"{service}: {reason}")
        self.service = service
        self.reason = reason  # circuit-open | connect-failed | timeout | transport-error | pool-exhausted
        self.retry_after = retry_after


@dataclass(frozen=True)
class UpstreamResponse:
    status: int
    headers: httpx.Headers
    content: bytes


class Upstream:
    def __init__(
        self,
        service: str,
        base_url: str,
        policy: UpstreamPolicy,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        tracing: Tracing = NO_TRACING,
    ) -> None:
        self.service = service
        self.tracing = tracing
        self.base_url = base_url.rstrip("/")
        self.policy = policy
        self.breaker = CircuitBreaker(policy.failure_threshold, policy.cooldown_seconds)
        self._monotonic = monotonic
        self.client = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=httpx.Timeout(policy.read_timeout_seconds, connect=policy.connect_timeout_seconds),
            limits=httpx.Limits(max_connections=policy.max_connections, max_keepalive_connections=policy.max_connections),
            follow_redirects=False,
            transport=transport,
        )

    @property
    def state(self) -> BreakerState:
        return self.breaker.state

    def _unavailable(self, reason: str) -> UpstreamUnavailable:
        return UpstreamUnavailable(self.service, reason, self.breaker.retry_after(self._monotonic()))

    def _failed(self, reason: str, exc: Exception) -> UpstreamUnavailable:
        self.breaker.record_failure(self._monotonic())
        log.warning("upstream %s failed: %s (%r); circuit %s", self.service, reason, exc, self.breaker.state)
        return self._unavailable(reason)

    async def send(
        self,
        method: str,
        path: str,
        *,
        query: str = "",
        headers: dict[str, str] | None = None,
        content: bytes = b"",
        timeout: float | None = None,
    ) -> UpstreamResponse:
        """Send one call (`path` from the service's root, `query` already encoded)."""
        method = method.upper()
        attributes = {
            "http.request.method": method,
            "url.full": f"{self.base_url}{path}",
            "server.address": self.client.base_url.host,
            "peer.service": self.service,
        }
        with self.tracing.span(
            f"{method} {self.service}", SpanKind.CLIENT, parent=trace_parent.get(), attributes=attributes
        ) as span:
            traced = {**(headers or {}), TRACEPARENT_HEADER: trace_parent.get() or ""}
            answer = await self._send(method, path, query=query, headers=traced, content=content, timeout=timeout)
            if span is not None:
                span.set_attribute("http.response.status_code", answer.status)
                if answer.status >= 500:
                    span.set_status(StatusCode.ERROR)
            return answer

    async def _send(
        self, method: str, path: str, *, query: str, headers: dict[str, str], content: bytes, timeout: float | None
    ) -> UpstreamResponse:
        if not self.breaker.allow(self._monotonic()):
            raise self._unavailable("circuit-open")
        attempts = 1 + (self.policy.retries if method in IDEMPOTENT_RETRIED else 0)
        url = f"{path}?{query}" if query else path
        request_timeout = (
            httpx.Timeout(timeout, connect=min(timeout, self.policy.connect_timeout_seconds))
            if timeout is not None
            else httpx.USE_CLIENT_DEFAULT
        )
        backoff = self.policy.retry_backoff_seconds
        attempt = 1
        while True:
            try:
                response = await self.client.request(
                    method, url, headers=headers, content=content or None, timeout=request_timeout
                )
            except httpx.PoolTimeout as exc:
                # Our own pool is full: the service is busy, not broken.
                log.warning("upstream %s: connection pool exhausted (%r)", self.service, exc)
                raise UpstreamUnavailable(self.service, "pool-exhausted", 1.0) from exc
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                if attempt >= attempts:
                    raise self._failed("connect-failed", exc) from exc
                attempt += 1
                await asyncio.sleep(backoff)
                backoff *= 2
                continue
            except httpx.TimeoutException as exc:
                raise self._failed("timeout", exc) from exc
            except httpx.TransportError as exc:
                raise self._failed("transport-error", exc) from exc
            if response.status_code in UNHEALTHY_STATUSES:
                self.breaker.record_failure(self._monotonic())
            else:
                self.breaker.record_success()
            return UpstreamResponse(response.status_code, response.headers, response.content)

    async def aclose(self) -> None:
        await self.client.aclose()


class Upstreams:
    """The four domain services by name (as in `/api/v1/<service>/...`)."""

    def __init__(self, upstreams: dict[str, Upstream]) -> None:
        self._by_name = upstreams

    @classmethod
    def from_urls(cls, urls: dict[str, str], policy: UpstreamPolicy, *, tracing: Tracing = NO_TRACING) -> "Upstreams":
        return cls({name: Upstream(name, url, policy, tracing=tracing) for name, url in urls.items()})

    def __getitem__(self, service: str) -> Upstream:
        return self._by_name[service]

    def names(self) -> list[str]:
        return list(self._by_name)

    async def aclose(self) -> None:
        await asyncio.gather(*(u.aclose() for u in self._by_name.values()))
