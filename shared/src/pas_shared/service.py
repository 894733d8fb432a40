"""The one composition of a service process: FastAPI app, database, migrations, outbox relay,
consumers, health, metrics, logging and errors. Each service's main.py calls `create_app`."""

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import httpx
from aiokafka import AIOKafkaProducer
from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.routing import APIRoute, iter_route_contexts
from opentelemetry.trace import SpanKind, StatusCode
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pas_shared import health
from pas_shared.auth import JwksLoader, authorize, install_access_errors, resource_of, verifier_for
from pas_shared.consumer import ConsumerRunner, Subscription
from pas_shared.db import Database, PlatformTables
from pas_shared.events.catalog import CATALOG
from pas_shared.ids import new_id
from pas_shared.jobs import Job, JobRunner
from pas_shared.kafka import dlq_topic, ensure_topics, new_producer, until_done
from pas_shared.limits import BodyLimitMiddleware
from pas_shared.logging import configure_logging, correlation_id
from pas_shared.metrics import DatabaseGauge, Metrics
from pas_shared.migrations import upgrade_to_head
from pas_shared.outbox import Relay
from pas_shared.problems import document_problems, install_error_handlers
from pas_shared.settings import ServiceSettings
from pas_shared.tracing import NO_TRACING, Tracing

log = logging.getLogger(__name__)


@dataclass
class ServiceSpec:
    settings: ServiceSettings
    title: str
    description: str
    root: Path  # the service folder, holding alembic.ini and migrations/
    tables: PlatformTables
    routers: list[APIRouter] = field(default_factory=list)
    subscriptions: list[Subscription] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)  # run on a schedule (pas_shared.jobs)
    # Routes anyone may call (the gateway's login, JWKS, dashboard, public statistics); every
    # route of `routers` needs a token and the role of its resource (pas_shared.auth).
    public_routers: list[APIRouter] = field(default_factory=list)
    # The service's own token keys (the gateway's embedded issuer), used when settings name no JWKS URL.
    own_jwks: Callable[[Database], JwksLoader] | None = None
    # Run once at startup after the migrations (e.g. the gateway's first signing key, demo users).
    on_start: list[Callable[[Database], Awaitable[None]]] = field(default_factory=list)
    # The service's own gauges, counted in its database at each scrape of /metrics.
    gauges: list[DatabaseGauge] = field(default_factory=list)


class KafkaRuntime:
    """Topics, producer, relay and consumers, started in the background: a service with no
    broker still starts, takes writes into its outbox, and says 'not ready' until it is back."""

    def __init__(self, spec: ServiceSpec, db: Database, metrics: Metrics, tracing: Tracing = NO_TRACING) -> None:
        self.spec = spec
        self.tracing = tracing
        self.settings = spec.settings
        self.db = db
        self.metrics = metrics
        self.producer: AIOKafkaProducer | None = None
        self.runners: list[ConsumerRunner] = []
        self._tasks: list[asyncio.Task[None]] = []

    def topics(self) -> list[str]:
        own = CATALOG.topics(self.settings.service_name)
        consumed = sorted({t for s in self.spec.subscriptions for t in s.topics()})
        names = set(own) | set(consumed) | {dlq_topic(t) for t in consumed}
        return sorted(self.settings.kafka_namespace + t for t in names)

    def start(self) -> None:
        self._tasks.append(asyncio.create_task(self._start(), name="kafka-runtime"))

    async def _start(self) -> None:
        s = self.settings
        await until_done(
            "topic setup",
            lambda: ensure_topics(
                s.kafka_connection(), self.topics(), partitions=s.topic_partitions, replication=s.topic_replication
            ),
        )
        producer = new_producer(s.kafka_connection(), f"pas.{s.service_name}")
        await until_done("producer start", producer.start)
        self.producer = producer
        if s.relay_enabled:
            relay = Relay(
                self.db,
                lambda: new_producer(s.kafka_connection(), f"pas.{s.service_name}.relay"),
                self.metrics,
                service=s.service_name,
                batch_size=s.relay_batch_size,
                idle_poll_seconds=s.relay_idle_poll_seconds,
                namespace=s.kafka_namespace,
                tracing=self.tracing,
            )
            self._tasks.append(asyncio.create_task(_supervise("relay", relay.run), name="relay"))
        if s.consumers_enabled:
            for sub in self.spec.subscriptions:
                runner = ConsumerRunner(
                    self.db,
                    sub,
                    producer,
                    self.metrics,
                    kafka=s.kafka_connection(),
                    batch_size=s.consumer_batch_size,
                    max_attempts=s.consumer_max_attempts,
                    backoff_seconds=s.consumer_backoff_seconds,
                    namespace=s.kafka_namespace,
                    tracing=self.tracing,
                )
                self.runners.append(runner)
                self._tasks.append(asyncio.create_task(_supervise(f"consumer {sub.name}", _consume(runner)), name=sub.name))

    async def broker_check(self) -> None:
        if self.producer is None:
            raise RuntimeError("not connected to the broker yet")
        if not await self.producer.client.force_metadata_update():
            raise RuntimeError("broker did not answer a metadata request")

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for runner in self.runners:
            if runner.consumer is not None:
                await runner.consumer.stop()
        if self.producer is not None:
            await self.producer.stop()


def _consume(runner: ConsumerRunner) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        consumer = runner.new_consumer()
        try:
            await until_done(f"consumer {runner.sub.name} start", consumer.start)
            await runner.run(consumer)
        finally:  # also when cancelled while still starting
            runner.consumer = None
            await consumer.stop()

    return run


async def _supervise(name: str, fn: Callable[[], Awaitable[None]]) -> None:
    """Keep a background loop alive: log its failure, back off, start it again."""
    delay = 0.5
    while True:
        try:
            await fn()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s stopped with an error; restarting in %.1fs", name, delay)
            await asyncio.sleep(delay)
            delay = min(10.0, delay * 2)


# Probes and scrapes: no span each (every few seconds per pod, they would drown the traces).
UNTRACED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class RequestContextMiddleware:
    """Correlation id (X-Request-ID in and out, and in every log line), the request's trace (a
    SERVER span continuing its `traceparent` when tracing is on) and request latency."""

    def __init__(self, app: ASGIApp, metrics: Metrics, tracing: Tracing = NO_TRACING) -> None:
        self.app = app
        self.metrics = metrics
        self.tracing = tracing

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        incoming = headers.get(b"x-request-id", b"").decode(errors="replace")
        cid = incoming[:100] if incoming else new_id()
        token = correlation_id.set(cid)
        incoming_trace = headers.get(b"traceparent", b"").decode(errors="replace")
        tracing = NO_TRACING if scope["path"] in UNTRACED_PATHS else self.tracing
        method = scope["method"]
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", cid.encode()))
            await send(message)

        attributes = {"http.request.method": method, "url.path": scope["path"]}
        with tracing.span(method, SpanKind.SERVER, parent=incoming_trace, attributes=attributes) as span:
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                route = scope.get("route")
                path = getattr(route, "path", "unmatched")
                self.metrics.http_latency.labels(method, path, str(status)).observe(time.perf_counter() - started)
                if span is not None:
                    span.update_name(f"{method} {path}")
                    span.set_attributes({"http.route": path, "http.response.status_code": status})
                    if status >= 500:
                        span.set_status(StatusCode.ERROR)
                correlation_id.reset(token)


def create_app(spec: ServiceSpec) -> FastAPI:
    settings = spec.settings
    metrics = Metrics(settings.service_name, spec.gauges)
    tracing = Tracing(settings.service_name)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.service_name, settings.log_level, settings.log_json)
        # A test hands the SDK's in-memory exporter in as app.state.span_exporter.
        tracing.start(
            settings.tracing_exporter,
            otlp_endpoint=settings.tracing_otlp_endpoint,
            sample_ratio=settings.tracing_sample_ratio,
            span_exporter=getattr(app.state, "span_exporter", None),
        )
        url = settings.resolved_database_url()
        db = Database(url, spec.tables)  # first: it also creates a SQLite file's folder
        if settings.migrate_on_start:
            await asyncio.to_thread(upgrade_to_head, spec.root, url)
        for task in spec.on_start:
            await task(db)
        jwks_client = httpx.AsyncClient(timeout=5)
        app.state.token_verifier = verifier_for(settings, spec.own_jwks(db) if spec.own_jwks else None, jwks_client)
        runtime = KafkaRuntime(spec, db, metrics, tracing)
        app.state.db = db
        app.state.kafka = runtime
        app.state.readiness_checks = {
            "database": health.database_check(lambda: db.engine),
            "broker": runtime.broker_check,
        }
        runtime.start()
        clock = getattr(app.state, "clock", None) or (lambda: datetime.now(UTC))
        jobs = JobRunner(
            spec.jobs, db, clock, interval=settings.jobs_interval_seconds, first_after=min(5.0, settings.jobs_interval_seconds)
        )
        app.state.jobs = jobs
        if settings.jobs_enabled:
            jobs.start()
        log.info("service started", extra={"port": settings.port})
        try:
            yield
        finally:
            await jobs.stop()
            await runtime.stop()
            await jwks_client.aclose()
            await db.dispose()
            tracing.stop()  # last: the relay's and consumers' spans are exported too

    app = FastAPI(
        title=spec.title, description=spec.description, version=service_version(settings.service_name), lifespan=lifespan
    )
    app.state.metrics = metrics
    app.state.settings = settings
    app.state.tracing = tracing
    install_error_handlers(app)
    install_access_errors(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_request_body_bytes)  # inside the request context
    app.add_middleware(RequestContextMiddleware, metrics=metrics, tracing=tracing)
    document_problems(app)
    app.include_router(health.router)

    @app.get("/metrics", include_in_schema=False)
    async def prometheus_metrics(request: Request) -> Response:
        if metrics.database_gauges:
            clock = getattr(request.app.state, "clock", None) or (lambda: datetime.now(UTC))
            await metrics.refresh_database_gauges(request.app.state.db, clock())
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    for router in spec.public_routers:  # first: a protected catch-all (the gateway's forwarding) must not shadow them
        app.include_router(router)
    for router in spec.routers:
        _check_resources(router)
        app.include_router(router, dependencies=[Depends(authorize)])
    return app


def service_version(service_name: str) -> str:
    """The service's own version, from its installed package's metadata (its pyproject.toml's
    `version`, the one number to change at a release): /healthz and the OpenAPI info report it."""
    try:
        return version(f"pas-{service_name}")
    except PackageNotFoundError:  # a renamed service_name setting: say so rather than guess
        return "0+unknown"


def _check_resources(router: APIRouter) -> None:
    """Every protected route must name its resource (the role it needs follows from it)."""
    for context in iter_route_contexts(router.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and resource_of(route.path) is None:
            raise ValueError(f"route {route.path} names no resource: protected routes live under /api/v1/<resource>/")
