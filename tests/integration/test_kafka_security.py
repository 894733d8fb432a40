"""Kafka security on a real broker: this test starts its own Kafka 4.4 (KRaft, the cached jars of
scripts/kafka.sh) with the production's security model, certificates made now with openssl:

- a SASL_SSL listener with SCRAM-SHA-512 (how partners connect, deploy/k8s/feeds/) and an SSL
  listener that requires a client certificate (how the services connect, Strimzi `tls` users);
- the StandardAuthorizer with no access unless an ACL allows it, and the ACLs of the deployment
  itself: pas-security's KafkaUser (deploy/k8s/base/kafka/users.yaml) and two partners'
  (deploy/k8s/feeds/partner-users.yaml), created as Strimzi's user operator would.

It proves that the services' clients, configured only by their environment variables
(PAS_SECURITY_KAFKA_*), publish and consume over SASL_SSL and over mutual TLS within those ACLs
and are refused outside them; that a partner reads its own feed (with pas_shared's client and
with kcat as deploy/README-feeds.md shows) and nothing else, and cannot write; and that a wrong
password is refused. Every wait is bounded; the broker is stopped in a finally."""

import asyncio
import base64
import json
import logging
import os
import re
import secrets
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import (
    ClusterAuthorizationFailedError,
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    TopicAuthorizationFailedError,
    for_code,
)
from pydantic import SecretStr

from pas_shared.consumer import ConsumerRunner
from pas_shared.db import Database
from pas_shared.kafka import KafkaConnection, client_kwargs, ensure_topics, new_producer
from pas_shared.metrics import Metrics
from tests.certs import make_ca, make_signed, openssl
from tests.deploy.repo import DEPLOY, ROOT, load_yaml_documents, service_spec
from tests.integration.harness import free_port

START_TIMEOUT = 90  # seconds for the broker to answer (a busy 2-core machine; usually ~8 s)
TOOL_TIMEOUT = 120
SERVICE = "security"
SERVICE_USER = f"pas-{SERVICE}"
ADMIN = "admin"  # a super user, for the set-up only (Strimzi's operators hold that role in production)
BROKER_CN = "broker"  # the broker's certificate: a super user on its own inter-broker and controller listeners
JAVA_OPTS = ["-Xms64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true"]
LOG4J = ROOT / "deploy" / "local" / "kafka" / "log4j2.yaml"
CREATE_ACLS = Path(__file__).parent / "kafka_security" / "CreateAcls.java"


def kafka_users(path: Path) -> dict[str, dict[str, Any]]:
    return {u["metadata"]["name"]: u for u in load_yaml_documents(path) if u["kind"] == "KafkaUser"}


SERVICE_USERS = kafka_users(DEPLOY / "k8s" / "base" / "kafka" / "users.yaml")
PARTNER_USERS = kafka_users(DEPLOY / "k8s" / "feeds" / "partner-users.yaml")
PARTNER_A, PARTNER_B = list(PARTNER_USERS)[:2]


def feed_topic(user: str) -> str:
    (topic,) = [
        a["resource"]["name"] for a in PARTNER_USERS[user]["spec"]["authorization"]["acls"] if a["resource"]["type"] == "topic"
    ]
    return str(topic)


def group_prefix(user: str) -> str:
    (group,) = [
        a["resource"]["name"] for a in PARTNER_USERS[user]["spec"]["authorization"]["acls"] if a["resource"]["type"] == "group"
    ]
    return str(group)


def acl_lines(user: dict[str, Any]) -> list[str]:
    """A Strimzi KafkaUser's `simple` ACLs as the bindings its user operator creates
    (principal User:<name>: SCRAM users by name, TLS users by the certificate's CN, which the
    broker maps to the bare name as Strimzi does)."""
    patterns = {"literal": "LITERAL", "prefix": "PREFIXED"}
    lines = []
    for acl in user["spec"]["authorization"]["acls"]:
        assert acl["type"] == "allow"
        resource = acl["resource"]
        for operation in acl["operations"]:
            fields = [
                f"User:{user['metadata']['name']}",
                resource["type"].upper(),
                resource["name"],
                patterns[resource["patternType"]],
            ]
            lines.append("\t".join([*fields, operation.upper()]))
    return lines


def make_certificates(d: Path) -> None:
    """A CA; the broker's certificate for 127.0.0.1 (PKCS#12 keystore); pas-security's client certificate."""
    make_ca(d, "pas-test-ca")
    (d / "san.cnf").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    make_signed(d, "broker", BROKER_CN, "-extfile", "san.cnf")
    make_signed(d, "user", SERVICE_USER)
    openssl(
        d,
        "pkcs12",
        "-export",
        "-in",
        "broker.crt",
        "-inkey",
        "broker.key",
        "-out",
        "broker.p12",
        "-passout",
        "pass:broker-keystore",
        "-name",
        "broker",
    )


@dataclass
class SecureBroker:
    rundir: Path
    libs: str
    passwords: dict[str, str] = field(default_factory=dict)
    sasl_port: int = 0
    mtls_port: int = 0
    proc: subprocess.Popen[bytes] | None = None

    @property
    def ca(self) -> str:
        return str(self.rundir / "ca.crt")

    def sasl(self, user: str, password: str | None = None) -> KafkaConnection:
        secret = SecretStr(self.passwords[user] if password is None else password)
        return KafkaConnection(f"127.0.0.1:{self.sasl_port}", "SASL_SSL", username=user, password=secret, ca_file=self.ca)

    def tool(self, *args: str) -> "subprocess.Popen[str]":
        """A Kafka CLI class (or a single-file Java program) on the cached jars, started."""
        command = ["java", *JAVA_OPTS, "-Xmx256m", f"-Dlog4j2.configurationFile={LOG4J}", f"-Dkafka.logs.dir={self.rundir}"]
        command += ["-Dkafka.log.file=tools.log", "-cp", f"{self.libs}/*", *args]
        return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    @staticmethod
    def finish(tool: "subprocess.Popen[str]", stdin: str | None = None) -> str:
        try:
            out, err = tool.communicate(stdin, timeout=TOOL_TIMEOUT)
        except subprocess.TimeoutExpired:
            tool.kill()
            out, err = tool.communicate(timeout=10)
        assert tool.returncode == 0, f"{tool.args[-2:]} failed ({tool.returncode}):\n{out[-2000:]}\n{err[-2000:]}"
        return out

    def write_config(self) -> None:
        controller = free_port()
        d = self.rundir
        (d / "server.properties").write_text(
            f"""process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:{controller}
listeners=SASL_SSL://127.0.0.1:{self.sasl_port},MTLS://127.0.0.1:{self.mtls_port},CONTROLLER://127.0.0.1:{controller}
advertised.listeners=SASL_SSL://127.0.0.1:{self.sasl_port},MTLS://127.0.0.1:{self.mtls_port}
listener.security.protocol.map=SASL_SSL:SASL_SSL,MTLS:SSL,CONTROLLER:SSL
inter.broker.listener.name=MTLS
controller.listener.names=CONTROLLER
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
ssl.keystore.type=PKCS12
ssl.keystore.location={d}/broker.p12
ssl.keystore.password=broker-keystore
ssl.key.password=broker-keystore
ssl.truststore.type=PEM
ssl.truststore.location={d}/ca.crt
listener.name.mtls.ssl.client.auth=required
listener.name.controller.ssl.client.auth=required
ssl.principal.mapping.rules=RULE:^CN=([^,]+)$/$1/,DEFAULT
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:{BROKER_CN};User:{ADMIN}
log.dirs={d}/data
auto.create.topics.enable=false
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=2
"""
        )

    def format_with_users(self, users: list[str]) -> None:
        """KRaft storage, with the SCRAM credentials of every user in its first metadata (as the
        user operator would set them; there is no broker yet to ask)."""
        self.passwords = {u: secrets.token_urlsafe(18) for u in users}
        scram = [arg for u in users for arg in ("--add-scram", f"SCRAM-SHA-512=[name={u},password={self.passwords[u]}]")]
        cluster_id = "A" + base64.urlsafe_b64encode(uuid.uuid4().bytes).decode()[1:22]  # a Kafka Uuid; no leading '-'
        self.finish(
            self.tool("kafka.tools.StorageTool", "format", "-t", cluster_id, "-c", str(self.rundir / "server.properties"), *scram)
        )

    def start(self) -> None:
        command = ["java", *JAVA_OPTS, "-Xmx512m", f"-Dlog4j2.configurationFile={LOG4J}", f"-Dkafka.logs.dir={self.rundir}"]
        command += ["-cp", f"{self.libs}/*", "kafka.Kafka", str(self.rundir / "server.properties")]
        with (self.rundir / "kafka.out").open("wb") as out:
            self.proc = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    async def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        last: BaseException | None = None
        while time.monotonic() < deadline:
            assert self.proc is not None and self.proc.poll() is None, f"the broker exited during startup:\n{self.log_tail()}"
            admin = AIOKafkaAdminClient(**client_kwargs(self.sasl(ADMIN)), request_timeout_ms=5_000)
            try:
                await asyncio.wait_for(admin.start(), 10)
                await asyncio.wait_for(admin.list_topics(), 10)
                return
            except Exception as exc:  # noqa: BLE001 - not up yet: retried until the deadline
                last = exc
            finally:
                await admin.close()
            await asyncio.sleep(0.5)
        raise AssertionError(f"the secure broker did not answer within {START_TIMEOUT}s ({last}):\n{self.log_tail()}")

    def log_tail(self) -> str:
        texts = [
            p.read_text(errors="replace")[-3000:] for p in (self.rundir / "server.log", self.rundir / "kafka.out") if p.exists()
        ]
        return "\n".join(texts)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


def service_topics() -> list[str]:
    acls = SERVICE_USERS[SERVICE_USER]["spec"]["authorization"]["acls"]
    return sorted({a["resource"]["name"] for a in acls if a["resource"]["type"] == "topic"})


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecureBroker]:
    for tool in ("java", "openssl"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is needed to run the secure broker (README: prerequisites)")
    libs = subprocess.run([str(ROOT / "scripts" / "kafka.sh"), "libs"], capture_output=True, text=True, timeout=900, check=True)
    b = SecureBroker(tmp_path_factory.mktemp("secure-kafka"), libs.stdout.strip(), sasl_port=free_port(), mtls_port=free_port())
    make_certificates(b.rundir)
    b.write_config()
    b.format_with_users([ADMIN, SERVICE_USER, PARTNER_A, PARTNER_B])
    admin_config = b.rundir / "admin.properties"
    admin_config.write_text(
        f"bootstrap.servers=127.0.0.1:{b.sasl_port}\nsecurity.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"
        "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
        f'username="{ADMIN}" password="{b.passwords[ADMIN]}";\n'
        f"ssl.truststore.type=PEM\nssl.truststore.location={b.ca}\n"
    )
    bindings = acl_lines(SERVICE_USERS[SERVICE_USER]) + acl_lines(PARTNER_USERS[PARTNER_A]) + acl_lines(PARTNER_USERS[PARTNER_B])
    acl_tool = None
    try:
        b.start()
        # The ACL program compiles and waits for the broker (its admin client retries) while we do.
        acl_tool = b.tool(str(CREATE_ACLS), str(admin_config))
        asyncio.run(b.wait_ready())
        topics = [*service_topics(), feed_topic(PARTNER_A), feed_topic(PARTNER_B)]
        asyncio.run(ensure_topics(b.sasl(ADMIN), topics, partitions=1, replication=1))
        assert b.finish(acl_tool, "\n".join(bindings)).strip() == f"created {len(bindings)} ACLs"
        yield b
    finally:
        if acl_tool is not None and acl_tool.poll() is None:
            acl_tool.kill()
            acl_tool.wait(timeout=10)
        b.stop()


async def publish(kafka: KafkaConnection, topic: str, value: bytes) -> None:
    producer = new_producer(kafka, "test.kafka-security")
    try:
        await asyncio.wait_for(producer.start(), 30)
        await asyncio.wait_for(producer.send_and_wait(topic, value, key=b"k"), 30)
    finally:
        await producer.stop()


async def read(consumer: AIOKafkaConsumer, expected: int, *, timeout: float = 30) -> list[bytes]:
    """Values read until `expected` arrived or `timeout` passed."""
    values: list[bytes] = []
    deadline = time.monotonic() + timeout
    while len(values) < expected and time.monotonic() < deadline:
        for records in (await consumer.getmany(timeout_ms=500)).values():
            values += [r.value for r in records if r.value is not None]
    return values


async def topic_errors(kafka: KafkaConnection, topics: list[str]) -> dict[str, type[Exception]]:
    """What the broker answers this user about each topic's metadata (Describe)."""
    admin = AIOKafkaAdminClient(**client_kwargs(kafka), request_timeout_ms=10_000)
    await asyncio.wait_for(admin.start(), 30)
    try:
        described = await asyncio.wait_for(admin.describe_topics(topics), 30)
    finally:
        await admin.close()
    return {d["topic"]: for_code(d["error_code"]) for d in described}


@pytest.fixture
def service_env(broker: SecureBroker, monkeypatch: pytest.MonkeyPatch) -> None:
    """pas-security's Kafka settings as its Deployment gets them: environment variables only."""
    for key in list(os.environ):
        if key.startswith("PAS_SECURITY_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("PAS_SECURITY_KAFKA_BOOTSTRAP", f"127.0.0.1:{broker.sasl_port}")
    monkeypatch.setenv("PAS_SECURITY_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("PAS_SECURITY_KAFKA_USERNAME", SERVICE_USER)
    monkeypatch.setenv("PAS_SECURITY_KAFKA_PASSWORD", broker.passwords[SERVICE_USER])
    monkeypatch.setenv("PAS_SECURITY_KAFKA_SSL_CA_FILE", broker.ca)


async def test_a_service_configured_by_its_environment_publishes_and_consumes_over_sasl_ssl(
    broker: SecureBroker, service_env: None
) -> None:
    spec = service_spec(SERVICE)
    settings = type(spec.settings)()  # read now, from the environment service_env set
    kafka = settings.kafka_connection()
    assert kafka.security_protocol == "SASL_SSL" and kafka.username == SERVICE_USER
    assert broker.passwords[SERVICE_USER] not in repr(settings)
    own = "pas.security.incident.v1"
    # What KafkaRuntime does at startup: its topics exist (declared as KafkaTopics), so nothing is created.
    await asyncio.wait_for(ensure_topics(kafka, [own], partitions=1, replication=1), 60)
    await publish(kafka, own, b"incident")

    # Its real consumer (ConsumerRunner: group pas.<subscription>, as the KafkaUser's group ACL names it).
    subscription = spec.subscriptions[0]
    (consumed, *_) = subscription.topics()
    await publish(broker.sasl(ADMIN), consumed, b"admitted")
    db = Database("sqlite+aiosqlite:///:memory:", spec.tables)
    dlq = new_producer(kafka, "pas.security")
    runner = ConsumerRunner(
        db, subscription, dlq, Metrics("security-kafka-test"), kafka=kafka, batch_size=10, max_attempts=1, backoff_seconds=0.1
    )
    consumer = runner.new_consumer()
    try:
        await asyncio.wait_for(consumer.start(), 30)
        assert b"admitted" in await read(consumer, 1)
        await asyncio.wait_for(consumer.commit(), 30)  # the group's offsets: Read on the group
        await asyncio.wait_for(dlq.start(), 30)
        await asyncio.wait_for(dlq.send_and_wait(f"{consumed}.dlq", b"dead letter"), 30)  # the DLQ of what it consumes
    finally:
        await consumer.stop()
        await dlq.stop()
        await db.dispose()


async def test_a_service_is_refused_outside_its_acls(broker: SecureBroker) -> None:
    kafka = broker.sasl(SERVICE_USER)
    consumed = next(t for t in service_topics() if not t.startswith("pas.security.") and not t.endswith(".dlq"))
    with pytest.raises(TopicAuthorizationFailedError):
        await publish(kafka, consumed, b"forged")  # it reads remission's inmates; it does not write them
    errors = await topic_errors(kafka, [feed_topic(PARTNER_A), "pas.security.incident.v1"])
    assert errors == {feed_topic(PARTNER_A): TopicAuthorizationFailedError, "pas.security.incident.v1": for_code(0)}
    # It writes its own topics but does not read them back (Describe and Write only).
    consumer = AIOKafkaConsumer(**client_kwargs(kafka), group_id=None, enable_auto_commit=False, auto_offset_reset="earliest")
    await asyncio.wait_for(consumer.start(), 30)
    try:
        consumer.assign([TopicPartition("pas.security.incident.v1", 0)])
        with pytest.raises(TopicAuthorizationFailedError):
            await read(consumer, 1, timeout=20)
    finally:
        await consumer.stop()


async def test_a_service_connects_with_its_client_certificate_over_mutual_tls(broker: SecureBroker) -> None:
    """How the services connect in production: Strimzi `tls` KafkaUser, certificate from its Secret."""
    d = broker.rundir
    kafka = KafkaConnection(
        f"127.0.0.1:{broker.mtls_port}", "SSL", ca_file=broker.ca, cert_file=str(d / "user.crt"), key_file=str(d / "user.key")
    )
    await publish(kafka, "pas.security.escape.v1", b"over mutual TLS")
    with pytest.raises(TopicAuthorizationFailedError):
        await publish(kafka, feed_topic(PARTNER_A), b"forged")  # the same principal, the same ACLs
    without_certificate = KafkaConnection(f"127.0.0.1:{broker.mtls_port}", "SSL", ca_file=broker.ca)
    with pytest.raises(KafkaConnectionError):
        await publish(without_certificate, "pas.security.escape.v1", b"anonymous")


async def test_a_partner_reads_its_feed_and_nothing_else(broker: SecureBroker) -> None:
    mine, theirs = feed_topic(PARTNER_A), feed_topic(PARTNER_B)
    alert = json.dumps({"type": "pas.public.escape-alert.v1"}).encode()
    await publish(broker.sasl(ADMIN), mine, alert)  # in production the gateway's relay writes it
    await publish(broker.sasl(ADMIN), theirs, b"for the other partner")
    partner = broker.sasl(PARTNER_A)

    consumer = AIOKafkaConsumer(
        mine,
        **client_kwargs(partner),
        group_id=f"{group_prefix(PARTNER_A)}alerts",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await asyncio.wait_for(consumer.start(), 30)
    try:
        assert await read(consumer, 1) == [alert]
        await asyncio.wait_for(consumer.commit(), 30)
    finally:
        await consumer.stop()

    errors = await topic_errors(partner, [mine, theirs, "pas.security.escape.v1", "pas.remission.inmate.v1"])
    assert errors == {
        mine: for_code(0),
        theirs: TopicAuthorizationFailedError,
        "pas.security.escape.v1": TopicAuthorizationFailedError,
        "pas.remission.inmate.v1": TopicAuthorizationFailedError,
    }
    # Read-only: with no Write on any topic, the broker does not even give its producer an id.
    with pytest.raises(ClusterAuthorizationFailedError):
        await publish(partner, mine, b"written by the partner")
    outside = AIOKafkaConsumer(mine, **client_kwargs(partner), group_id="someone-elses-group", enable_auto_commit=False)
    try:
        with pytest.raises(GroupAuthorizationFailedError):
            await asyncio.wait_for(outside.start(), 30)
            await read(outside, 1, timeout=20)
    finally:
        await outside.stop()


# librdkafka before 2.6.1 fails SCRAM against Kafka 4.x brokers ("invalid credentials" with the
# right password; edenhill/kcat#462): Debian 12's kcat is built on 2.0.2. deploy/README-feeds.md says so.
KCAT_MIN_LIBRDKAFKA = (2, 6, 1)


def kcat_librdkafka() -> tuple[int, ...] | None:
    if shutil.which("kcat") is None:
        return None
    version = subprocess.run(["kcat", "-V"], capture_output=True, text=True, timeout=30, check=False)
    found = re.search(r"librdkafka (\d+)\.(\d+)\.(\d+)", version.stdout + version.stderr)
    return tuple(int(x) for x in found.groups()) if found else None


async def test_a_partner_reads_its_feed_with_kcat_as_the_guide_shows(broker: SecureBroker) -> None:
    """deploy/README-feeds.md's kcat command, outside our code (librdkafka)."""
    librdkafka = kcat_librdkafka()
    if librdkafka is None or librdkafka < KCAT_MIN_LIBRDKAFKA:
        pytest.skip(f"kcat with librdkafka >= 2.6.1 is needed for SCRAM on Kafka 4 (found {librdkafka or 'no kcat'})")
    mine = feed_topic(PARTNER_A)
    await publish(broker.sasl(ADMIN), mine, b'{"kcat": true}')

    def kcat(topic: str) -> subprocess.CompletedProcess[str]:
        config = broker.rundir / f"{PARTNER_A}.kcat.conf"
        config.write_text(
            f"security.protocol=SASL_SSL\nsasl.mechanisms=SCRAM-SHA-512\nsasl.username={PARTNER_A}\n"
            f"sasl.password={broker.passwords[PARTNER_A]}\nssl.ca.location={broker.ca}\n"
        )
        command = [
            "kcat",
            "-F",
            str(config),
            "-b",
            f"127.0.0.1:{broker.sasl_port}",
            "-C",
            "-t",
            topic,
            "-o",
            "beginning",
            "-e",
            "-q",
        ]
        return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)

    got = await asyncio.to_thread(kcat, mine)
    assert got.returncode == 0, got.stderr
    assert '{"kcat": true}' in got.stdout.splitlines()
    refused = await asyncio.to_thread(kcat, feed_topic(PARTNER_B))
    assert refused.returncode != 0 and "authoriz" in refused.stderr.lower(), (refused.returncode, refused.stderr[-500:])


async def test_a_wrong_password_is_refused(broker: SecureBroker, caplog: pytest.LogCaptureFixture) -> None:
    mine = feed_topic(PARTNER_A)
    assert await topic_errors(broker.sasl(PARTNER_A), [mine]) == {mine: for_code(0)}  # the right password is let in
    with caplog.at_level(logging.ERROR, logger="aiokafka"), pytest.raises(KafkaConnectionError):
        await topic_errors(broker.sasl(PARTNER_A, password="not-the-password"), [mine])
    assert any("SaslAuthenticationFailed" in r.getMessage() for r in caplog.records), [r.getMessage() for r in caplog.records]
