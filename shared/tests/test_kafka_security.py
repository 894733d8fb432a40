"""Kafka client security without a broker (tests/integration/test_kafka_security.py proves it on
a real SASL_SSL broker): every aiokafka client of the code base is built with
pas_shared.kafka.client_kwargs, the keyword arguments follow the settings, and a setting that
cannot work stops the service with the environment variable named and no secret shown."""

import ast
import os
import ssl
from pathlib import Path

import pytest
from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from pas_shared.kafka import KafkaConnection, client_kwargs
from pas_shared.settings import ServiceSettings, SettingsError, port_field, service_name_field
from tests.certs import make_ca, make_signed

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = {"AIOKafkaProducer", "AIOKafkaConsumer", "AIOKafkaAdminClient"}
# Where Kafka clients are built: the services, the shared library, the operator tool, and the
# helpers of the tests, benchmarks and scripts (they follow too, so a secure broker needs no edit).
SCANNED = ("shared/src", "services", "ops/src", "tests", "bench", "scripts", "shared/tests")
PASSWORD = "s3cret-not-to-be-shown"


def bare_constructors(source: str, filename: str) -> list[str]:
    """Every construction of an aiokafka client in `source` that is not given
    `**client_kwargs(...)`, or that names its bootstrap servers itself."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        if name not in CLIENTS:
            continue
        spread = [
            k.value
            for k in node.keywords
            if k.arg is None and isinstance(k.value, ast.Call) and getattr(k.value.func, "id", None) == "client_kwargs"
        ]
        explicit = {k.arg for k in node.keywords if k.arg} & {"bootstrap_servers", "security_protocol", "ssl_context"}
        if not spread or explicit:
            found.append(f"{filename}:{node.lineno} {name}(...)")
    return found


def constructors() -> tuple[int, list[str]]:
    total, bare = 0, []
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "vendor" in path.parts or ".venv" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            if not any(c in text for c in CLIENTS):
                continue
            tree = ast.parse(text, str(path))
            total += sum(
                1
                for n in ast.walk(tree)
                if isinstance(n, ast.Call)
                and (n.func.id if isinstance(n.func, ast.Name) else getattr(n.func, "attr", None)) in CLIENTS
            )
            bare += bare_constructors(text, str(path.relative_to(ROOT)))
    return total, bare


def test_every_kafka_client_is_built_with_client_kwargs() -> None:
    total, bare = constructors()
    # The services' producer, consumer runner and topic admin, the gateway's feed topics and KPI
    # rewind, the operator tool's admin and consumer, and the helpers: not a vacuous pass.
    assert total >= 10, f"found only {total} constructions of aiokafka clients: is the scan looking in the right place?"
    assert not bare, "aiokafka clients built without **client_kwargs(connection) (pas_shared.kafka):\n" + "\n".join(bare)


def test_the_guard_finds_a_bare_constructor() -> None:
    source = """
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
import aiokafka
a = AIOKafkaProducer(bootstrap_servers="127.0.0.1:9092")
b = aiokafka.AIOKafkaConsumer("topic", **client_kwargs(kafka), bootstrap_servers="elsewhere:9092")
c = AIOKafkaConsumer("topic", **options)
d = AIOKafkaProducer(**client_kwargs(kafka), acks="all")
"""
    assert bare_constructors(source, "x.py") == [
        "x.py:4 AIOKafkaProducer(...)",
        "x.py:5 AIOKafkaConsumer(...)",
        "x.py:6 AIOKafkaConsumer(...)",
    ]


# --- the keyword arguments ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pem(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A self-signed CA certificate, and a client certificate with its key (openssl)."""
    d = tmp_path_factory.mktemp("pem")
    make_ca(d, "test-ca")
    make_signed(d, "user", "pas-security")
    (d / "other.key").write_text((d / "ca.key").read_text())
    (d / "garbage.crt").write_text("not a certificate\n")
    return {p.stem + p.suffix: p for p in d.iterdir()}


def test_plaintext_is_the_local_default_and_carries_nothing_else() -> None:
    assert client_kwargs(KafkaConnection("127.0.0.1:9092")) == {
        "bootstrap_servers": "127.0.0.1:9092",
        "security_protocol": "PLAINTEXT",
    }


def test_sasl_ssl_gives_a_verifying_tls_context_and_the_scram_credentials(pem: dict[str, Path]) -> None:
    kafka = KafkaConnection(
        "kafka:9094", "SASL_SSL", username="partner-kemensos", password=SecretStr(PASSWORD), ca_file=str(pem["ca.crt"])
    )
    kwargs = client_kwargs(kafka)
    context = kwargs.pop("ssl_context")
    assert kwargs == {
        "bootstrap_servers": "kafka:9094",
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "partner-kemensos",
        "sasl_plain_password": PASSWORD,
    }
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert [c["subject"] for c in context.get_ca_certs()] == [((("commonName", "test-ca"),),)]
    assert PASSWORD not in repr(kafka) and PASSWORD not in str(kafka)


def test_ssl_with_a_client_certificate_is_mutual_tls_and_sends_no_password(pem: dict[str, Path]) -> None:
    kafka = KafkaConnection(
        "pas-kafka-kafka-bootstrap:9093",
        "SSL",
        ca_file=str(pem["ca.crt"]),
        cert_file=str(pem["user.crt"]),
        key_file=str(pem["user.key"]),
    )
    assert kafka.problems() == []
    kwargs = client_kwargs(kafka)
    assert kwargs["security_protocol"] == "SSL" and isinstance(kwargs["ssl_context"], ssl.SSLContext)
    assert not any(k.startswith("sasl_") for k in kwargs)


# --- the settings -------------------------------------------------------------------------------


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PAS_DEMO_", extra="ignore")

    service_name: str = service_name_field("demo")
    port: int = port_field(8009)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("PAS_DEMO_"):
            monkeypatch.delenv(key)


def refused(monkeypatch: pytest.MonkeyPatch, **env: str) -> SettingsError:
    for key, value in env.items():
        monkeypatch.setenv(f"PAS_DEMO_{key}", value)
    with pytest.raises(SettingsError) as caught:
        Settings()
    return caught.value


def test_settings_from_the_environment_build_the_connection(monkeypatch: pytest.MonkeyPatch, pem: dict[str, Path]) -> None:
    env = {
        "KAFKA_BOOTSTRAP": "kafka:9094",
        "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
        "KAFKA_SASL_MECHANISM": "SCRAM-SHA-256",
        "KAFKA_USERNAME": "pas-demo",
        "KAFKA_PASSWORD": PASSWORD,
        "KAFKA_SSL_CA_FILE": str(pem["ca.crt"]),
    }
    for key, value in env.items():
        monkeypatch.setenv(f"PAS_DEMO_{key}", value)
    settings = Settings()
    kafka = settings.kafka_connection()
    assert (kafka.bootstrap, kafka.security_protocol, kafka.sasl_mechanism, kafka.username) == (
        "kafka:9094",
        "SASL_SSL",
        "SCRAM-SHA-256",
        "pas-demo",
    )
    assert kafka.password.get_secret_value() == PASSWORD and kafka.ca_file == str(pem["ca.crt"])
    assert PASSWORD not in repr(settings) and PASSWORD not in str(settings.model_dump())


@pytest.mark.parametrize(
    ("env", "variables", "rule"),
    [
        (
            {"KAFKA_SECURITY_PROTOCOL": "TLS"},
            ["PAS_DEMO_KAFKA_SECURITY_PROTOCOL"],
            "'PLAINTEXT', 'SSL', 'SASL_PLAINTEXT' or 'SASL_SSL'",
        ),
        (
            {"KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_MECHANISM": "GSSAPI"},
            ["PAS_DEMO_KAFKA_SASL_MECHANISM"],
            "SCRAM-SHA-512",
        ),
        ({"KAFKA_SECURITY_PROTOCOL": "SASL_SSL"}, ["PAS_DEMO_KAFKA_USERNAME", "PAS_DEMO_KAFKA_PASSWORD"], "needed with"),
        (
            {"KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_USERNAME": "pas-demo"},
            ["PAS_DEMO_KAFKA_PASSWORD"],
            "needed with security protocol SASL_SSL",
        ),
        (
            {
                "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
                "KAFKA_SASL_MECHANISM": "PLAIN",
                "KAFKA_USERNAME": "u",
                "KAFKA_PASSWORD": PASSWORD,
            },
            ["PAS_DEMO_KAFKA_SASL_MECHANISM"],
            "in clear",
        ),
        # Credentials with the default protocol would silently connect without them.
        (
            {"KAFKA_USERNAME": "pas-demo", "KAFKA_PASSWORD": PASSWORD},
            ["PAS_DEMO_KAFKA_USERNAME", "PAS_DEMO_KAFKA_PASSWORD"],
            "only used",
        ),
        ({"KAFKA_SSL_CA_FILE": "/etc/pas/kafka/ca/ca.crt"}, ["PAS_DEMO_KAFKA_SSL_CA_FILE"], "only used with SSL or SASL_SSL"),
        (
            {"KAFKA_SECURITY_PROTOCOL": "SSL", "KAFKA_SSL_CA_FILE": "/nonexistent/ca.crt"},
            ["PAS_DEMO_KAFKA_SSL_CA_FILE"],
            "no such file",
        ),
    ],
)
def test_a_kafka_setting_that_cannot_work_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], variables: list[str], rule: str
) -> None:
    error = refused(monkeypatch, **env)
    assert [name for name, _ in error.problems] == variables
    assert rule in str(error)
    assert PASSWORD not in str(error)


def test_a_client_certificate_needs_its_key_and_both_must_load(monkeypatch: pytest.MonkeyPatch, pem: dict[str, Path]) -> None:
    tls = {"KAFKA_SECURITY_PROTOCOL": "SSL", "KAFKA_SSL_CA_FILE": str(pem["ca.crt"])}
    error = refused(monkeypatch, **tls, KAFKA_SSL_CERT_FILE=str(pem["user.crt"]))
    assert [name for name, _ in error.problems] == ["PAS_DEMO_KAFKA_SSL_KEY_FILE"]
    monkeypatch.delenv("PAS_DEMO_KAFKA_SSL_CERT_FILE")
    error = refused(monkeypatch, **tls, KAFKA_SSL_CERT_FILE=str(pem["user.crt"]), KAFKA_SSL_KEY_FILE=str(pem["other.key"]))
    assert [name for name, _ in error.problems] == ["PAS_DEMO_KAFKA_SSL_CERT_FILE"]
    assert "cannot be loaded for TLS" in str(error)
    monkeypatch.delenv("PAS_DEMO_KAFKA_SSL_CERT_FILE")
    monkeypatch.delenv("PAS_DEMO_KAFKA_SSL_KEY_FILE")
    error = refused(monkeypatch, KAFKA_SECURITY_PROTOCOL="SSL", KAFKA_SSL_CA_FILE=str(pem["garbage.crt"]))
    assert [name for name, _ in error.problems] == ["PAS_DEMO_KAFKA_SSL_CA_FILE"]
