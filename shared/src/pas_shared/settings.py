"""Settings base. Each service subclasses it with its own prefix (PAS_SECURITY_, ...)."""

from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from pas_shared.kafka import KafkaConnection, SaslMechanism, SecurityProtocol
from pas_shared.tracing import Exporter

# Only asymmetric JWT algorithms (pas_shared.auth refuses the others too).
ASYMMETRIC_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"})


# KafkaConnection's fields as the settings that fill them (without the service's prefix).
KAFKA_ENV_SUFFIX = {
    "bootstrap": "KAFKA_BOOTSTRAP",
    "security_protocol": "KAFKA_SECURITY_PROTOCOL",
    "sasl_mechanism": "KAFKA_SASL_MECHANISM",
    "username": "KAFKA_USERNAME",
    "password": "KAFKA_PASSWORD",
    "ca_file": "KAFKA_SSL_CA_FILE",
    "cert_file": "KAFKA_SSL_CERT_FILE",
    "key_file": "KAFKA_SSL_KEY_FILE",
}


class SettingsError(ValueError):
    """A setting is missing or malformed. Names the environment variable and the rule, never the
    value given (it may be a password inside a database URL)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        lines = "".join(f"\n  {name}: {message}" for name, message in problems)
        super().__init__(f"invalid settings, the service does not start:{lines}")


def service_name_field(default: str) -> Any:
    return Field(default=default, description="Short service name, used in event sources, topics, groups and logs.")


def body_limit_field(default: int, why: str = "") -> Any:
    return Field(
        default=default,
        ge=1024,
        le=1_073_741_824,
        description="Largest request body accepted; a larger one is refused with 413 problem+json before it is read." + why,
    )


def port_field(default: int) -> Any:
    return Field(default=default, ge=1, le=65535, description="HTTP port the service listens on.")


class ServiceSettings(BaseSettings):
    """Settings every service has. Read from the environment with the service's prefix."""

    model_config = SettingsConfigDict(extra="ignore", validate_default=True, hide_input_in_errors=True)

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as exc:
            prefix = str(self.model_config.get("env_prefix", ""))
            problems = [(prefix + "_".join(str(part) for part in e["loc"]).upper(), e["msg"]) for e in exc.errors()]
            raise SettingsError(problems) from None
        # Rules across settings (SASL needs a username, ...), reported like a field's own rule.
        prefix = str(self.model_config.get("env_prefix", ""))
        kafka = self.kafka_connection()
        problems = [(f"{prefix}{KAFKA_ENV_SUFFIX[name]}", message) for name, message in kafka.problems()]
        if problems:
            raise SettingsError(problems)

    service_name: str = Field(description="Short service name, used in event sources and logs.")
    port: int = Field(ge=1, le=65535, description="HTTP port the service listens on.")
    host: str = Field(default="127.0.0.1", description="Interface the HTTP server binds to.")
    database_url: str = Field(
        default="",
        description="SQLAlchemy async URL. Empty: a SQLite file under .run/ (laptop default).",
    )
    kafka_bootstrap: str = Field(default="127.0.0.1:9092", description="Kafka bootstrap servers, comma separated.")
    kafka_security_protocol: SecurityProtocol = Field(
        default="PLAINTEXT",
        description="How clients reach Kafka: PLAINTEXT (local runs), SSL (TLS; with a client certificate it is "
        "mutual TLS, the production services' KafkaUser), SASL_SSL (username and password over TLS) or SASL_PLAINTEXT.",
    )
    kafka_sasl_mechanism: SaslMechanism = Field(
        default="SCRAM-SHA-512", description="SASL mechanism with SASL_SSL or SASL_PLAINTEXT (PLAIN only over TLS)."
    )
    kafka_username: str = Field(default="", description="SASL username; required with SASL_SSL or SASL_PLAINTEXT.")
    kafka_password: SecretStr = Field(
        default=SecretStr(""),
        description="SASL password; required with SASL_SSL or SASL_PLAINTEXT. A secret: from a Secret, never logged.",
    )
    kafka_ssl_ca_file: str = Field(
        default="",
        description="PEM file of the CA that signed the brokers' certificates (SSL, SASL_SSL). Empty: the system's CAs.",
    )
    kafka_ssl_cert_file: str = Field(
        default="", description="PEM client certificate for mutual TLS (with KAFKA_SSL_KEY_FILE). Empty: no client certificate."
    )
    kafka_ssl_key_file: str = Field(default="", description="PEM private key of KAFKA_SSL_CERT_FILE (unencrypted).")
    kafka_namespace: str = Field(
        default="",
        pattern=r"^[a-z0-9.-]*$",
        description="Prefix of every topic and consumer group (e.g. 'staging.'); isolates test runs.",
    )
    migrate_on_start: bool = Field(default=True, description="Run Alembic migrations at startup (off in production).")
    relay_enabled: bool = Field(default=True, description="Run the outbox relay in this process.")
    relay_batch_size: int = Field(default=500, ge=1, le=10_000, description="Outbox rows the relay publishes per round.")
    relay_idle_poll_seconds: float = Field(
        default=0.2, gt=0, le=10, description="How often an idle relay looks for outbox rows written by another process."
    )
    consumers_enabled: bool = Field(default=True, description="Run this service's consumers.")
    jobs_enabled: bool = Field(default=True, description="Run this service's scheduled jobs (expiry warnings, escalations).")
    jobs_interval_seconds: float = Field(
        default=3600, gt=0, le=86_400, description="How often each scheduled job runs (and once shortly after start)."
    )
    consumer_max_attempts: int = Field(
        default=5, ge=1, le=50, description="Tries of a failing handler before the message goes to the DLQ."
    )
    consumer_backoff_seconds: float = Field(
        default=0.2, gt=0, le=60, description="First pause before retrying a failing handler; doubles each try."
    )
    consumer_batch_size: int = Field(default=2000, ge=1, le=10_000, description="Messages a consumer takes from Kafka at once.")
    topic_partitions: int = Field(
        default=3, ge=1, le=1000, description="Partitions of a topic this service creates when missing (local runs)."
    )
    topic_replication: int = Field(
        default=1, ge=1, le=10, description="Replication factor of a topic this service creates (3 in production)."
    )
    log_level: str = Field(
        default="INFO", pattern=r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL)$", description="Least severe level logged."
    )
    log_json: bool = Field(default=True, description="One JSON object per log line (off: plain text for a terminal).")
    tracing_exporter: Exporter = Field(
        default="none",
        description="Where OpenTelemetry spans go: none (off: no span is made), otlp (an OTLP/HTTP collector at "
        "TRACING_OTLP_ENDPOINT) or console (standard output, for a laptop). The spans name the service.",
    )
    tracing_otlp_endpoint: str = Field(
        default="http://127.0.0.1:4318/v1/traces",
        pattern=r"^https?://",
        description="Full URL of the collector's OTLP/HTTP traces endpoint (with /v1/traces), for TRACING_EXPORTER=otlp.",
    )
    tracing_sample_ratio: float = Field(
        default=1.0,
        ge=0,
        le=1,
        description="Share of new traces recorded; a trace that arrives sampled or not (its traceparent) keeps that choice.",
    )
    max_request_body_bytes: int = body_limit_field(1_048_576)
    auth_jwks_url: str = Field(
        default="",
        description="Where the keys that sign access tokens are published: an http(s):// JWKS URL (the gateway's "
        "/.well-known/jwks.json or an external identity provider's) or a file:// JWKS. Empty: the service's own "
        "issuer if it has one (the gateway), otherwise every protected route answers 503.",
    )
    auth_issuer: str = Field(default="pas-gateway", min_length=1, description="Required `iss` of access tokens.")
    auth_audience: str = Field(default="pas-api", min_length=1, description="Required `aud` of access tokens.")
    auth_algorithms: Annotated[list[str], NoDecode] = Field(
        default=["RS256"], description="Accepted JWT signature algorithms, comma separated; asymmetric ones only."
    )
    auth_leeway_seconds: float = Field(default=30, ge=0, le=300, description="Clock skew allowed on exp, iat and nbf.")
    auth_jwks_max_age_seconds: float = Field(default=300, gt=0, le=86_400, description="Reload the JWKS at least this often.")
    auth_jwks_min_refresh_seconds: float = Field(
        default=10, ge=0, le=3600, description="Reload the JWKS for an unknown key id at most this often."
    )

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if value and not (value.startswith("postgresql+asyncpg://") or value.startswith("sqlite+aiosqlite://")):
            raise ValueError("must start with postgresql+asyncpg:// or sqlite+aiosqlite://")
        return value

    @field_validator("auth_algorithms", mode="before")
    @classmethod
    def _split_algorithms(cls, value: object) -> object:
        return [a.strip() for a in value.split(",") if a.strip()] if isinstance(value, str) else value

    @field_validator("auth_algorithms")
    @classmethod
    def _asymmetric_only(cls, value: list[str]) -> list[str]:
        refused = [a for a in value if a not in ASYMMETRIC_ALGORITHMS]
        if not value or refused:
            raise ValueError(f"only asymmetric algorithms ({', '.join(sorted(ASYMMETRIC_ALGORITHMS))}); refused: {refused}")
        return value

    @field_validator("auth_jwks_url")
    @classmethod
    def _jwks_scheme(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://", "file://")):
            raise ValueError("must start with http://, https:// or file://")
        return value

    def kafka_connection(self) -> KafkaConnection:
        """How this service's Kafka clients connect (pas_shared.kafka.client_kwargs)."""
        return KafkaConnection(
            bootstrap=self.kafka_bootstrap,
            security_protocol=self.kafka_security_protocol,
            sasl_mechanism=self.kafka_sasl_mechanism,
            username=self.kafka_username,
            password=self.kafka_password,
            ca_file=self.kafka_ssl_ca_file,
            cert_file=self.kafka_ssl_cert_file,
            key_file=self.kafka_ssl_key_file,
        )

    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///.run/local/{self.service_name}.db"
