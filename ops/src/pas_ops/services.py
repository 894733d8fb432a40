"""The five services as the operator tool sees them: their settings (the same environment
variables the services read), their composition (ServiceSpec: tables, subscriptions, migrations)
and the errors every command reports the same way."""

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from pas_shared.kafka import KafkaConnection
from pas_shared.service import ServiceSpec
from pas_shared.settings import ServiceSettings, SettingsError

PACKAGES = {
    "security": "pas_security",
    "rehabilitation": "pas_rehabilitation",
    "remission": "pas_remission",
    "food-audit": "pas_food_audit",
    "gateway": "pas_gateway",
}

# Exit codes, as deploy/images/migrate.py has them: 2 = a setting or an argument is wrong, 1 = the job failed.
EXIT_FAILED = 1
EXIT_USAGE = 2


class OpsError(Exception):
    """A failure the tool reports in one message (Indonesian first, then English) and an exit code."""

    def __init__(self, id: str, en: str, *, code: int = EXIT_FAILED) -> None:
        self.id = id
        self.en = en
        self.code = code
        super().__init__(f"{id} / {en}")


def check_service(service: str) -> str:
    if service not in PACKAGES:
        names = ", ".join(sorted(PACKAGES))
        raise OpsError(
            f"Layanan {service!r} tidak dikenal; pilih salah satu: {names}.",
            f"Unknown service {service!r}; one of: {names}.",
            code=EXIT_USAGE,
        )
    return service


def prefix_of(service: str) -> str:
    return "PAS_" + check_service(service).upper().replace("-", "_") + "_"


def env_name(service: str, field: str) -> str:
    return prefix_of(service) + field.upper()


def settings_of(service: str) -> ServiceSettings:
    """The service's Settings from the environment, exactly as the service reads them at start."""
    module = importlib.import_module(f"{PACKAGES[check_service(service)]}.settings")
    try:
        settings: ServiceSettings = module.Settings()
    except SettingsError as exc:  # names each variable, never echoes its value
        lines = "; ".join(f"{name}: {message}" for name, message in exc.problems)
        raise OpsError(
            f"Pengaturan {service} tidak valid: {lines}",
            f"Invalid {service} settings: {lines}",
            code=EXIT_USAGE,
        ) from None
    return settings


def main_module(service: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGES[check_service(service)]}.main")


def spec_of(service: str, settings: ServiceSettings) -> ServiceSpec:
    """The ServiceSpec the service's composition root builds for these settings (its tables,
    subscriptions and migrations folder), without building the app: main.create() is called with
    its `create_app` wrapped to keep the spec it is given (building the app does no I/O)."""
    main = main_module(service)
    captured: list[ServiceSpec] = []
    original: Callable[[ServiceSpec], Any] = getattr(main, "create_app")  # noqa: B009 - swapped below

    def capture(spec: ServiceSpec) -> Any:
        captured.append(spec)
        return original(spec)

    setattr(main, "create_app", capture)  # noqa: B010
    try:
        main.create(settings)
    finally:
        setattr(main, "create_app", original)  # noqa: B010
    if len(captured) != 1:
        raise RuntimeError(f"{service}: main.create() did not call create_app exactly once")
    return captured[0]


def database_hint(service: str, settings: ServiceSettings) -> str:
    """Which database a command is about to use, without the URL (it may hold a password)."""
    if settings.database_url:
        return f"{env_name(service, 'database_url')} ({settings.resolved_database_url().split('://', 1)[0]})"
    variable = env_name(service, "database_url")
    return f"{settings.resolved_database_url().split('///', 1)[1]} ({variable} is not set: the local SQLite file)"


@dataclass(frozen=True)
class Target:
    """One service as a command uses it."""

    service: str
    settings: ServiceSettings

    @property
    def namespace(self) -> str:
        return self.settings.kafka_namespace

    @property
    def bootstrap(self) -> str:
        return self.settings.kafka_bootstrap

    @property
    def kafka(self) -> KafkaConnection:
        return self.settings.kafka_connection()


def target(service: str) -> Target:
    return Target(check_service(service), settings_of(service))


def service_of_topic(topic: str) -> str:
    """The service that owns a topic: pas.<service>.<entity>.v<n>[.dlq]."""
    parts = topic.split(".")
    if len(parts) >= 4 and parts[0] == "pas" and parts[1] in PACKAGES:
        return parts[1]
    raise OpsError(
        f"Topik {topic!r} bukan topik PAS (pas.<layanan>.<entitas>.v<n>); sebutkan --service.",
        f"{topic!r} is not a PAS topic (pas.<service>.<entity>.v<n>); name the --service.",
        code=EXIT_USAGE,
    )
