"""Configuration: a malformed setting stops a service at startup, at once, with a message naming
the setting and the rule it broke; the image's migration command names the environment
variable; the one-shot migration really migrates a service database on PostgreSQL."""

import importlib.util
import os
import resource
import subprocess
import sys
from types import ModuleType

import pytest

from pas_shared.settings import SettingsError
from tests.deploy.repo import DEPLOY, ROOT, SERVICES, package, prefix, settings_class
from tests.integration.harness import Platform

MIGRATE = DEPLOY / "images" / "migrate.py"


def clean_env(**overrides: str) -> dict[str, str]:
    """The environment without any PAS_ setting of the developer's shell, plus `overrides`."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PAS_")} | overrides


def start_service(service: str, env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run the real start command; return its result and the CPU seconds it used (a load-independent
    measure of 'fails fast': the machine may be busy, the wall clock says little)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(
        [sys.executable, "-m", "uvicorn", f"{package(service)}.main:create", "--factory", "--host", "127.0.0.1", "--port", "0"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return result, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


MALFORMED = [
    ("security", "PORT", "abc", "port", "valid integer"),
    ("remission", "DATABASE_URL", "mysql://user:s3cret@db/remission", "database_url", "postgresql+asyncpg://"),
    ("food-audit", "KAFKA_NAMESPACE", "Staging_", "kafka_namespace", "pattern"),
    ("rehabilitation", "CONSUMER_MAX_ATTEMPTS", "0", "consumer_max_attempts", "greater than or equal to 1"),
    ("gateway", "AUTH_ALGORITHMS", "HS256", "auth_algorithms", "only asymmetric algorithms"),
]


@pytest.mark.parametrize(("service", "name", "value", "field", "rule"), MALFORMED)
def test_settings_refuse_a_malformed_value(
    monkeypatch: pytest.MonkeyPatch, service: str, name: str, value: str, field: str, rule: str
) -> None:
    for key in list(os.environ):
        if key.startswith("PAS_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv(prefix(service) + name, value)
    with pytest.raises(SettingsError) as caught:
        settings_class(service)()
    assert [variable for variable, _ in caught.value.problems] == [prefix(service) + name]
    assert rule in str(caught.value)


@pytest.mark.parametrize(("service", "name", "value", "field", "rule"), MALFORMED[:2])
def test_startup_fails_fast_on_a_malformed_setting(service: str, name: str, value: str, field: str, rule: str) -> None:
    """The real start command (uvicorn on the service's factory) exits non-zero before serving."""
    result, took = start_service(service, clean_env(**{prefix(service) + name: value}))
    assert result.returncode != 0, "the service started with a malformed setting"
    assert took < 20, f"used {took:.1f}s of CPU before giving up"
    assert "invalid settings, the service does not start" in result.stderr, result.stderr[-2000:]
    assert f"{prefix(service)}{name}: " in result.stderr, result.stderr[-2000:]  # the variable, not the field
    assert rule in result.stderr, result.stderr[-2000:]


def test_startup_error_names_the_environment_variable() -> None:
    result, _ = start_service("security", clean_env(PAS_SECURITY_PORT="abc"))
    assert "PAS_SECURITY_PORT" in result.stderr


def test_startup_error_does_not_echo_a_password() -> None:
    result, _ = start_service("remission", clean_env(PAS_REMISSION_DATABASE_URL="mysql://user:s3cret@db/remission"))
    assert result.returncode != 0
    assert "s3cret" not in result.stderr


def run_migrate(service: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(MIGRATE), service], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PAS_SECURITY_DATABASE_URL": "mysql://u:s3cret@db/x"}, "PAS_SECURITY_DATABASE_URL: Value error, must start with"),
        ({"PAS_SECURITY_CONSUMER_MAX_ATTEMPTS": "many"}, "PAS_SECURITY_CONSUMER_MAX_ATTEMPTS: Input should be a valid integer"),
        ({}, "PAS_SECURITY_DATABASE_URL is not set"),
    ],
)
def test_migrate_command_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], env: dict[str, str], message: str
) -> None:
    for key in list(os.environ):
        if key.startswith("PAS_"):
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert migrate_module().main(["security"]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "s3cret" not in err


def migrate_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pas_deploy_migrate", MIGRATE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("service", SERVICES)
async def test_migrate_command_brings_an_empty_database_to_head(platform: Platform, service: str) -> None:
    await platform.create_databases(service)
    result = run_migrate(service, clean_env(**{prefix(service) + "DATABASE_URL": platform.db_url(service)}))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "database at head" in result.stdout
    versions = sorted(p.stem for p in (ROOT / "services" / service / "migrations" / "versions").glob("*.py"))
    head = await platform.scalar(service, "SELECT version_num FROM alembic_version")
    assert head is not None and any(v.startswith(head) for v in versions)
    assert await platform.scalar(service, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'outbox'") == 1
    if service == "security":  # once is enough to show it
        again = run_migrate(service, clean_env(**{prefix(service) + "DATABASE_URL": platform.db_url(service)}))
        assert again.returncode == 0, "a second run (a re-deploy) is a no-op"
        assert await platform.scalar(service, "SELECT version_num FROM alembic_version") == head
