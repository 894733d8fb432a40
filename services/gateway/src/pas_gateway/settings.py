from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from pas_shared.settings import ServiceSettings, body_limit_field, port_field, service_name_field


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PAS_GATEWAY_", extra="ignore")

    service_name: str = service_name_field("gateway")
    port: int = port_field(8000)
    max_request_body_bytes: int = body_limit_field(
        16 * 1_048_576, " The gateway forwards remission's national batches, so it takes what remission takes."
    )
    # The embedded token issuer (domain/identity.py); tokens carry auth_issuer and auth_audience.
    token_lifetime_seconds: int = Field(default=3600, ge=60, le=86_400, description="How long an access token is valid.")
    login_max_failures: int = Field(
        default=5, ge=1, le=100, description="Failed logins per username and per client address before logins are refused."
    )
    login_window_seconds: int = Field(default=300, ge=10, le=86_400, description="The window failed logins are counted in.")
    demo_password: str = Field(
        default="",
        description="When set and the users table is empty at startup, demo users are created with this password "
        "(`make run`); never in production.",
    )
    demo_scopes: Annotated[list[str], NoDecode] = Field(
        default=[],
        description="Comma separated kanwil:<code> and upt:<code> scopes that get a demo user each (besides `nasional`).",
    )

    @field_validator("demo_scopes", mode="before")
    @classmethod
    def _split_scopes(cls, value: object) -> object:
        return [v.strip() for v in value.split(",") if v.strip()] if isinstance(value, str) else value

    # The domain services behind /api/v1/<service>/... (adapters/upstream.py).
    upstream_security_url: str = Field(default="http://127.0.0.1:8001", description="Base URL of the security service.")
    upstream_rehabilitation_url: str = Field(
        default="http://127.0.0.1:8002", description="Base URL of the rehabilitation service."
    )
    upstream_remission_url: str = Field(default="http://127.0.0.1:8003", description="Base URL of the remission service.")
    upstream_food_audit_url: str = Field(default="http://127.0.0.1:8004", description="Base URL of the food-audit service.")
    upstream_connect_timeout_seconds: float = Field(
        default=2.0, gt=0, le=60, description="Time to open a connection to a service."
    )
    upstream_read_timeout_seconds: float = Field(
        default=60.0, gt=0, le=600, description="Time a service may take to answer (a national remission batch takes a while)."
    )
    upstream_max_connections: int = Field(default=100, ge=1, le=10_000, description="Connection pool size per service.")
    upstream_retries: int = Field(
        default=2, ge=0, le=10, description="Retries of a GET or HEAD whose connection could not be made (never of writes)."
    )
    upstream_retry_backoff_seconds: float = Field(default=0.1, ge=0, le=10, description="First retry delay; doubles each retry.")
    breaker_failure_threshold: int = Field(
        default=5, ge=1, le=1000, description="Failed calls in a row that open a service's circuit."
    )
    breaker_cooldown_seconds: float = Field(
        default=10.0, gt=0, le=3600, description="How long an open circuit refuses calls before one trial call."
    )
    openapi_refresh_seconds: float = Field(
        default=300.0, gt=0, le=86_400, description="Refetch a service's OpenAPI document when the cached copy is this old."
    )
    openapi_retry_seconds: float = Field(
        default=5.0, gt=0, le=3600, description="Try again this soon when a service's OpenAPI document could not be fetched."
    )

    # National KPIs (app/kpi_queries.py).
    kpi_behind_after_seconds: float = Field(
        default=60.0,
        gt=0,
        le=86_400,
        description="A KPI source is marked behind when the broker holds events its consumer has not applied and the "
        "newest event applied is older than this.",
    )
    kpi_cache_seconds: float = Field(
        default=1.0,
        ge=0,
        le=3600,
        description="A KPI answer is computed again when older than this, even if no KPI event was applied in this "
        "process (what other gateway replicas applied reaches it within this time); 0: computed again for every "
        "request (concurrent ones share one computation).",
    )

    # Feeds for other ministries (app/feeds.py).
    feeds_seed_examples: bool = Field(
        default=False,
        description="When true and no partner is registered at startup, register the example partners of "
        "domain/rule_data/partners.json (`make run`, demos); never in production.",
    )
    feeds_max_retention_days: int = Field(
        default=1825, ge=1, le=36_500, description="The longest retention a partner may be registered with."
    )

    def upstream_urls(self) -> dict[str, str]:
        return {
            "security": self.upstream_security_url,
            "rehabilitation": self.upstream_rehabilitation_url,
            "remission": self.upstream_remission_url,
            "food-audit": self.upstream_food_audit_url,
        }
