"""Test harness for cross-service tests on the real broker and the real database.

`make test` starts a private Kafka and a private PostgreSQL and passes them in:
PAS_TEST_KAFKA_BOOTSTRAP, PAS_TEST_PG_URL (postgresql+asyncpg://user@host:port, no database),
PAS_TEST_PG_RUNDIR (to stop and restart PostgreSQL in tests/resilience). Tests that stop and
start the broker start one of their own (`own_broker`).
Each test gets its own databases and its own Kafka namespace (topic and group prefix), so tests
never see each other's events.

Access: every app verifies tokens against the test key's JWKS (a file). `running(app)` clients
carry a national token with every role of the five services (subject "anonymous", so records of
tests written before authentication keep their actor); `make_token(...)` makes one for given roles and
scope, `running(app, token=...)` uses it and `running(app, token=None)` sends none.
"""

import asyncio
import functools
import json
import os
import runpy
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import jwt
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI

from pas_shared.auth import roles_of
from pas_shared.kafka import KafkaConnection, client_kwargs

ROOT = Path(__file__).resolve().parents[2]

SERVICES = {
    "security": ("pas_security", "PAS_SECURITY_"),
    "rehabilitation": ("pas_rehabilitation", "PAS_REHABILITATION_"),
    "remission": ("pas_remission", "PAS_REMISSION_"),
    "food-audit": ("pas_food_audit", "PAS_FOOD_AUDIT_"),
    "gateway": ("pas_gateway", "PAS_GATEWAY_"),
}


TEST_ISSUER = "pas-test-issuer"
TEST_AUDIENCE = "pas-api"
TEST_KID = "test-key-1"
DEFAULT_SUBJECT = "anonymous"


@functools.cache
def test_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@functools.cache
def test_jwks_url() -> str:
    """A file:// JWKS holding the test key's public half (one per test process)."""
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(test_key().public_key()))
    path = Path(tempfile.mkdtemp(prefix="pas-test-jwks-")) / "jwks.json"
    path.write_text(json.dumps({"keys": [jwk | {"kid": TEST_KID, "use": "sig", "alg": "RS256"}]}))
    return path.as_uri()


@functools.cache
def all_roles() -> tuple[str, ...]:
    """Every role the five services' routes check."""
    roles: set[str] = set()
    for module, _ in SERVICES.values():
        main = __import__(f"{module}.main", fromlist=["create"])
        roles.update(roles_of(main.create()))
    return tuple(sorted(roles))


def make_token(
    roles: list[str] | tuple[str, ...] | None = None,
    scope: str = "national",
    *,
    subject: str = DEFAULT_SUBJECT,
    ttl: int = 3600,
    **claims: Any,
) -> str:
    """A token signed with the test key: `roles` (default: all), `scope` (national,
    kanwil:<code>, upt:<code>); `claims` override or add claims (e.g. exp, aud)."""
    now = int(time.time())
    payload: dict[str, Any] = {
        "iss": TEST_ISSUER,
        "aud": TEST_AUDIENCE,
        "sub": subject,
        "name": subject,
        "iat": now,
        "exp": now + ttl,
        "roles": list(all_roles() if roles is None else roles),
        "pas_scope": scope,
    } | claims
    return jwt.encode(payload, test_key(), algorithm="RS256", headers={"kid": TEST_KID})


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def required_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(
            f"{name} is not set: integration tests need the private Kafka and PostgreSQL that "
            "`make test` starts. Run `make test` (or `scripts/test.sh`)."
        )
    return value


async def eventually(check: Callable[[], Awaitable[bool]], *, timeout: float = 30, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while True:
        if await check():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.1)


async def until_equal(
    read: Callable[[], Awaitable[Any]],
    expected: Any,
    *,
    timeout: float = 30,
    what: str = "value",
    explain: Callable[[], Awaitable[str]] | None = None,
) -> None:
    """Wait until `await read()` equals `expected`; on timeout say what it was instead."""
    last: list[Any] = [None]

    async def check() -> bool:
        last[0] = await read()
        return bool(last[0] == expected)

    try:
        await eventually(check, timeout=timeout, what=what)
    except AssertionError as exc:
        context = f" ({await explain()})" if explain else ""
        raise AssertionError(f"{exc}: expected {expected!r}, last saw {last[0]!r}{context}") from None


@dataclass(frozen=True)
class Broker:
    """A Kafka broker of a test's own (scripts/kafka.sh), for tests that stop and start it.

    Not the suite's shared broker: by the time those tests run, the suite has made thousands of
    partitions there, and a broker restarted with them spends minutes loading their logs (the
    CI run of 2026-11-28: over a minute, past kafka.sh's start timeout, and every later test
    lost the broker). A test's own broker holds only that test's topics, as a real outage would
    leave a broker with only the platform's."""

    rundir: Path
    port: int

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def control(self, action: str) -> None:
        """ "start" (on its port, keeping its data) or "stop"; says why when it fails."""
        args = [str(self.rundir), str(self.port)] if action == "start" else [str(self.rundir)]
        run_script("kafka.sh", action, *args, timeout=240)


def run_script(script: str, *args: str, timeout: float = 150) -> None:
    """Run one of scripts/ (kafka.sh, postgres.sh); when it fails, the failure says why (a broker
    or database that does not come back fails every later test)."""
    done = subprocess.run([str(ROOT / "scripts" / script), *args], capture_output=True, text=True, timeout=timeout)
    if done.returncode:
        raise AssertionError(f"{script} {' '.join(args)} exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-4000:]}")


@contextmanager
def own_broker(rundir: Path) -> Iterator[Broker]:
    broker = Broker(rundir, int(_ports["free_port"](pair=True)))  # the controller listens on port + 1
    broker.control("start")
    try:
        yield broker
    finally:
        broker.control("stop")


def free_port() -> int:
    """A free port outside the ephemeral range, so a server restarted on it gets it back
    (scripts/free_port.py says why)."""
    return int(_ports["free_port"]())


_ports = runpy.run_path(str(ROOT / "scripts" / "free_port.py"))


@dataclass
class Platform:
    """One test's slice of the real infrastructure: its databases and its Kafka namespace."""

    kafka: str
    pg: str
    namespace: str = field(default_factory=lambda: f"t{uuid.uuid4().hex[:10]}.")
    created: list[str] = field(default_factory=list)

    @property
    def kafka_connection(self) -> KafkaConnection:
        """The test broker as pas_shared's clients take it (PLAINTEXT, no credentials)."""
        return KafkaConnection(self.kafka)

    def db_name(self, service: str) -> str:
        return f"{self.namespace.rstrip('.')}_{service.replace('-', '_')}"

    def db_url(self, service: str) -> str:
        return f"{self.pg}/{self.db_name(service)}"

    async def create_databases(self, *services: str) -> None:
        conn = await asyncpg.connect(self.pg.replace("postgresql+asyncpg", "postgresql") + "/postgres")
        try:
            for service in services:
                name = self.db_name(service)
                if name not in self.created:
                    await conn.execute(f'CREATE DATABASE "{name}"')
                    self.created.append(name)
        finally:
            await conn.close()

    async def fetch(self, service: str, sql: str, *args: Any) -> list[asyncpg.Record]:
        conn = await asyncpg.connect(self.db_url(service).replace("postgresql+asyncpg", "postgresql"))
        try:
            return list(await conn.fetch(sql, *args))
        finally:
            await conn.close()

    async def scalar(self, service: str, sql: str, *args: Any) -> Any:
        rows = await self.fetch(service, sql, *args)
        return rows[0][0] if rows else None

    def env(self, service: str, **overrides: Any) -> dict[str, str]:
        """Environment variables configuring `service` for this test."""
        _, prefix = SERVICES[service]
        values: dict[str, Any] = {
            "database_url": self.db_url(service),
            "kafka_bootstrap": self.kafka,
            "kafka_namespace": self.namespace,
            "relay_idle_poll_seconds": 0.05,
            "consumer_backoff_seconds": 0.05,
            "consumer_max_attempts": 3,
            "log_json": True,
            "jobs_enabled": False,  # scheduled jobs would race a test's own calls; a test turns them on
            "auth_jwks_url": test_jwks_url(),
            "auth_issuer": TEST_ISSUER,
            "auth_audience": TEST_AUDIENCE,
        } | overrides
        return {f"{prefix}{k.upper()}": str(v) for k, v in values.items()}

    def settings(self, service: str, **overrides: Any) -> Any:
        module, _ = SERVICES[service]
        settings_cls = __import__(f"{module}.settings", fromlist=["Settings"]).Settings
        env = self.env(service, **overrides)
        prefix = SERVICES[service][1]
        return settings_cls(**{k[len(prefix) :].lower(): v for k, v in env.items()})

    def topic(self, name: str) -> str:
        return self.namespace + name

    async def records(self, topic: str, *, at_least: int = 0, timeout: float = 20) -> list[ConsumerRecord[bytes, bytes]]:
        """Every record of a topic (at least `at_least` of them, waiting up to `timeout`), read
        from the beginning of every partition with no consumer group."""
        consumer = AIOKafkaConsumer(
            self.topic(topic),
            **client_kwargs(self.kafka_connection),
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            metadata_max_age_ms=500,
        )
        await consumer.start()
        try:
            out: list[ConsumerRecord[bytes, bytes]] = []
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                for recs in (await consumer.getmany(timeout_ms=200)).values():
                    out.extend(recs)
                tps = list(consumer.assignment())
                if len(out) >= at_least and tps:
                    ends = await consumer.end_offsets(tps)
                    if all([await consumer.position(tp) >= ends[tp] for tp in tps]):
                        break
            return out
        finally:
            await consumer.stop()

    async def produce(
        self,
        topic: str,
        value: bytes | None,
        *,
        key: bytes | None = None,
        headers: list[tuple[str, bytes]] | None = None,
        partition: int | None = None,
    ) -> None:
        producer = AIOKafkaProducer(**client_kwargs(self.kafka_connection), enable_idempotence=True)
        await producer.start()
        try:
            await producer.send_and_wait(self.topic(topic), value=value, key=key, headers=headers or [], partition=partition)
        finally:
            await producer.stop()


_NATIONAL = "national token with every role"


class _TestAuth(httpx.Auth):
    """The default credentials of a `running(app)` client: a token with `roles`, national, or of
    the scope a request names in `X-Test-Scope` (`upt:LP-X`, `kanwil:KW-X`; the header tests
    used before authentication existed). A request's own Authorization header is left alone."""

    def __init__(self, roles: list[str] | None) -> None:
        self.roles = roles
        self.tokens: dict[str, str] = {}

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        if "authorization" not in request.headers:
            scope = request.headers.get("x-test-scope", "national")
            if scope not in self.tokens:
                self.tokens[scope] = make_token(self.roles, scope)
            request.headers["Authorization"] = f"Bearer {self.tokens[scope]}"
        yield request


@asynccontextmanager
async def running(app: FastAPI, *, token: str | None = _NATIONAL) -> AsyncIterator[httpx.AsyncClient]:
    """Run an app in this process with its lifespan (migrations, relay, consumers). The client
    sends `token` (default: every role of the app, national or the request's X-Test-Scope;
    None: no Authorization header)."""
    auth: httpx.Auth | None = None
    headers: dict[str, str] = {}
    if token == _NATIONAL:  # the gateway forwards to every service: it checks their roles too
        auth = _TestAuth(None if app.state.settings.service_name == "gateway" else roles_of(app))
    elif token:
        headers = bearer(token)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service", headers=headers, auth=auth) as client:
            yield client


def create_app(platform: Platform, service: str, **overrides: Any) -> FastAPI:
    module, _ = SERVICES[service]
    main = __import__(f"{module}.main", fromlist=["create"])
    app: FastAPI = main.create(platform.settings(service, **overrides))
    return app


class ServiceProcess:
    """A service as a real OS process (uvicorn), for crash tests with SIGKILL."""

    def __init__(self, platform: Platform, service: str, log_dir: Path, **overrides: Any) -> None:
        self.platform = platform
        self.service = service
        self.port = free_port()
        self.overrides = overrides
        self.log_path = log_dir / f"{service}-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self, **overrides: Any) -> None:
        module, _ = SERVICES[self.service]
        env = os.environ | self.platform.env(self.service, **(self.overrides | overrides))
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                f"{module}.main:create",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    async def wait_healthy(self, timeout: float = 60) -> None:
        async def up() -> bool:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.service} exited: {self.log_path.read_text()[-3000:]}")
            try:
                async with httpx.AsyncClient() as client:
                    return (await client.get(f"{self.url}/healthz")).status_code == 200
            except httpx.TransportError:
                return False

        await eventually(up, timeout=timeout, what=f"{self.service} to answer /healthz")

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flush, as in a crash."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def pause(self) -> None:
        """SIGSTOP: the process is frozen (no heartbeats, no answers), as in a long GC pause or a
        stalled VM; `resume` (SIGCONT) lets it go on where it stopped."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.resume()  # a stopped process would not act on SIGTERM
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
