"""Kafka clients as the platform configures them. Every aiokafka client of the code base (producer,
consumer, admin) is built with `client_kwargs(connection)`: where the broker is and how to
authenticate to it (TLS, mutual TLS, SASL/SCRAM), from the service's settings. A unit test
(shared/tests/test_kafka_clients.py) fails when a client is built any other way."""

import asyncio
import logging
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.helpers import create_ssl_context
from pydantic import SecretStr

log = logging.getLogger(__name__)

T = TypeVar("T")

SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"]
SECURITY_PROTOCOLS: tuple[str, ...] = get_args(SecurityProtocol)
SASL_MECHANISMS: tuple[str, ...] = get_args(SaslMechanism)


@dataclass(frozen=True)
class KafkaConnection:
    """Where the broker is and how a client proves who it is. `password` is a SecretStr: its repr
    and str are masked, so a logged connection never shows it."""

    bootstrap: str
    security_protocol: SecurityProtocol = "PLAINTEXT"
    sasl_mechanism: SaslMechanism = "SCRAM-SHA-512"
    username: str = ""
    password: SecretStr = field(default_factory=lambda: SecretStr(""))
    ca_file: str = ""
    cert_file: str = ""
    key_file: str = ""

    @property
    def uses_tls(self) -> bool:
        return self.security_protocol in ("SSL", "SASL_SSL")

    @property
    def uses_sasl(self) -> bool:
        return self.security_protocol in ("SASL_PLAINTEXT", "SASL_SSL")

    def problems(self) -> list[tuple[str, str]]:
        """(field, rule broken) for every inconsistency; empty when the connection can be used.
        Settings report them under the environment variable's name (pas_shared.settings)."""
        found: list[tuple[str, str]] = []
        if self.security_protocol not in SECURITY_PROTOCOLS:
            found.append(("security_protocol", f"must be one of {', '.join(SECURITY_PROTOCOLS)}"))
            return found
        sasl_needs = f"needed with security protocol {self.security_protocol}"
        sasl_only = f"only used with SASL_SSL or SASL_PLAINTEXT, not {self.security_protocol}: set the security protocol"
        if self.uses_sasl:
            if self.sasl_mechanism not in SASL_MECHANISMS:
                found.append(("sasl_mechanism", f"must be one of {', '.join(SASL_MECHANISMS)}"))
            if not self.username:
                found.append(("username", sasl_needs))
            if not self.password.get_secret_value():
                found.append(("password", sasl_needs))
            if self.security_protocol == "SASL_PLAINTEXT" and self.sasl_mechanism == "PLAIN":
                found.append(("sasl_mechanism", "PLAIN over SASL_PLAINTEXT sends the password in clear: use SASL_SSL or SCRAM"))
        else:
            if self.username:
                found.append(("username", sasl_only))
            if self.password.get_secret_value():
                found.append(("password", sasl_only))
        tls_files = {"ca_file": self.ca_file, "cert_file": self.cert_file, "key_file": self.key_file}
        for name, path in tls_files.items():
            if not path:
                continue
            if not self.uses_tls:
                found.append((name, f"only used with SSL or SASL_SSL, not {self.security_protocol}: set the security protocol"))
            elif not Path(path).is_file():
                found.append((name, "no such file (or not readable)"))
        if bool(self.cert_file) != bool(self.key_file):
            missing = "key_file" if self.cert_file else "cert_file"
            found.append((missing, "a client certificate needs both the certificate and its key"))
        if not found and self.uses_tls:
            try:
                _ssl_context(self)
            except (ssl.SSLError, OSError) as exc:  # a file that is not PEM, a key that does not match the certificate
                found.append(("cert_file" if self.cert_file else "ca_file", f"cannot be loaded for TLS: {exc}"))
        return found


def _ssl_context(kafka: KafkaConnection) -> ssl.SSLContext:
    # No CA file: the system's CAs (a listener with a public certificate); hostnames are checked.
    context: ssl.SSLContext = create_ssl_context(
        cafile=kafka.ca_file or None, certfile=kafka.cert_file or None, keyfile=kafka.key_file or None
    )
    return context


def client_kwargs(kafka: KafkaConnection) -> dict[str, Any]:
    """The keyword arguments every aiokafka client (AIOKafkaProducer, AIOKafkaConsumer,
    AIOKafkaAdminClient) is built with: bootstrap servers, security protocol, TLS context and
    SASL credentials. The one place the code base says how it connects to Kafka."""
    kwargs: dict[str, Any] = {"bootstrap_servers": kafka.bootstrap, "security_protocol": kafka.security_protocol}
    if kafka.uses_tls:
        kwargs["ssl_context"] = _ssl_context(kafka)
    if kafka.uses_sasl:
        kwargs["sasl_mechanism"] = kafka.sasl_mechanism
        kwargs["sasl_plain_username"] = kafka.username
        kwargs["sasl_plain_password"] = kafka.password.get_secret_value()
    return kwargs


def dlq_topic(topic: str) -> str:
    return f"{topic}.dlq"


def new_producer(kafka: KafkaConnection, client_id: str) -> AIOKafkaProducer:
    # Idempotent producer (implies acks=all): a retried send is written once per partition.
    return AIOKafkaProducer(
        **client_kwargs(kafka),
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
        max_batch_size=512 * 1024,
        request_timeout_ms=15_000,
    )


async def ensure_topics(kafka: KafkaConnection, topics: list[str], *, partitions: int, replication: int) -> None:
    """Create topics (and nothing else) if they are missing. Safe to run from every instance."""
    admin = AIOKafkaAdminClient(**client_kwargs(kafka), request_timeout_ms=10_000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t not in existing]
        if not missing:
            return
        try:
            await admin.create_topics(
                [NewTopic(name=t, num_partitions=partitions, replication_factor=replication) for t in missing]
            )
        except TopicAlreadyExistsError:
            pass  # another instance created them first
        log.info("created topics", extra={"topics": missing})
    finally:
        await admin.close()


async def until_done(what: str, fn: Callable[[], Awaitable[T]], *, initial: float = 0.5, cap: float = 10.0) -> T:
    """Run `fn` until it succeeds, backing off between tries. For startup against a broker that
    may not be there yet: the service runs and answers (not ready) meanwhile."""
    delay = initial
    while True:
        try:
            return await fn()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure here is retried, and logged
            log.warning("%s failed, retrying in %.1fs: %s", what, delay, exc)
            await asyncio.sleep(delay)
            delay = min(cap, delay * 2)
