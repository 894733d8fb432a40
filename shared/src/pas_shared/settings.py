"""Settings base. Each service subclasses it with its own prefix (PAS_SECURITY_, ...)."""

from typing import Annotated, Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Only asymmetric JWT algorithms (pas_shared.auth refuses the others too).
ASYMMETRIC_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"})


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

    service_name: str = Field(description="Short service name, used in event sources and logs.")
    port: int = Field(ge=1, le=65535, description="HTTP port the service listens on.")
    host: str = Field(default="127.0.0.1", description="Interface the HTTP server binds to.")
    database_url: str = Field(
        default="",
        description="SQLAlchemy async URL. Empty: a SQLite file under .run/ (laptop default).",
    )
    kafka_bootstrap: str = Field(default="127.0.0.1:9092", description="Kafka bootstrap servers, comma separated.")
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

    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///.run/local/{self.service_name}.db"
