"""deploy/compose.yaml: valid against the Compose Specification's JSON Schema (vendored from
compose-go, see compose-spec.SOURCE.md), and consistent with the code: every service image is
one of ours with its Dockerfile, every PAS_<SERVICE>_* variable is a setting of that service,
ports are the services' own, every depends_on target exists, each service starts only after its
migration completed, and no secret is written in the file."""

import base64
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest

from tests.deploy.repo import DEPLOY, SERVICES, default_port, env_vars, load_yaml, prefix, service_of_env

COMPOSE = DEPLOY / "compose.yaml"
SCHEMA = Path(__file__).with_name("compose-spec.json")
INTERPOLATION = re.compile(r"\$\{([A-Z0-9_]+)(:?[-?][^}]*)?\}")


def compose() -> dict[str, Any]:
    data = load_yaml(COMPOSE)
    assert isinstance(data, dict)
    return data


def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_valid_against_the_compose_specification() -> None:
    errors = sorted(validator().iter_errors(compose()), key=str)
    assert not errors, "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def test_schema_validation_can_fail() -> None:
    broken = compose()
    broken["services"]["gateway"]["depends_onn"] = ["kafka"]
    assert list(validator().iter_errors(broken))
    broken = compose()
    broken["services"]["gateway"]["depends_on"]["gateway-migrate"]["condition"] = "service_finished"
    assert list(validator().iter_errors(broken))


def services() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose()["services"]
    return found


def test_the_whole_stack_is_there() -> None:
    names = set(services())
    assert {"kafka", "postgres", "prometheus", "grafana"} <= names
    assert set(SERVICES) <= names and {f"{s}-migrate" for s in SERVICES} <= names
    assert services()["kafka"]["image"].startswith("apache/kafka:")
    kafka = services()["kafka"]["environment"]
    assert "controller" in kafka["KAFKA_PROCESS_ROLES"], "KRaft"
    cluster_id = kafka["CLUSTER_ID"]
    assert len(base64.urlsafe_b64decode(cluster_id + "==")) == 16, "kafka-storage format takes a 16-byte base64url id"
    assert ":" in services()["postgres"]["image"] and not services()["postgres"]["image"].endswith(":latest")


def own_service(compose_name: str) -> str | None:
    name = compose_name.removesuffix("-migrate")
    return name if name in SERVICES else None


@pytest.mark.parametrize("name", sorted(services()))
def test_environment_names_exist_in_the_code(name: str) -> None:
    environment = services()[name].get("environment", {})
    assert isinstance(environment, dict), "environment as a mapping"
    for variable in environment:
        owner = service_of_env(variable)
        if owner is None:
            assert not variable.startswith("PAS_"), f"{name}: {variable} is no service's setting"
            continue
        assert owner == own_service(name), f"{name} sets {variable}, a setting of {owner}"
        assert variable in env_vars(owner), f"{name}: {variable} is not a field of {owner}'s Settings"


@pytest.mark.parametrize("service", SERVICES)
def test_images_ports_and_migrations_match_the_code(service: str) -> None:
    app, migrate = services()[service], services()[f"{service}-migrate"]
    for entry in (app, migrate):
        assert entry["build"] == {"context": "..", "dockerfile": f"deploy/images/{service}.Dockerfile"}
        assert (COMPOSE.parent / entry["build"]["context"] / entry["build"]["dockerfile"]).is_file()
        assert entry["image"].startswith(f"pas-{service}:")
    assert app["image"] == migrate["image"], "the migration runs the version that starts"
    assert migrate["command"] == ["python", "/app/migrate.py", service]
    assert migrate["restart"] == "no"
    assert app["depends_on"][f"{service}-migrate"] == {"condition": "service_completed_successfully"}

    port = default_port(service)
    env = app["environment"]
    p = prefix(service)
    assert env[f"{p}PORT"] == str(port)
    assert app["expose"] == [str(port)]
    assert env[f"{p}MIGRATE_ON_START"] == "false"
    assert env[f"{p}HOST"] == "0.0.0.0"
    assert env[f"{p}DATABASE_URL"] == migrate["environment"][f"{p}DATABASE_URL"]
    url = urlsplit(INTERPOLATION.sub("X", env[f"{p}DATABASE_URL"]))
    assert url.scheme == "postgresql+asyncpg" and url.hostname == "postgres"
    assert url.path == "/" + service.replace("-", "_") and url.username == service.replace("-", "_")
    bootstrap = env[f"{p}KAFKA_BOOTSTRAP"]
    assert (
        bootstrap == "kafka:9092" and "PLAINTEXT://kafka:9092" in services()["kafka"]["environment"]["KAFKA_ADVERTISED_LISTENERS"]
    )
    if service == "gateway":
        assert app["ports"] == [f"{port}:{port}"], "only the gateway is published"
        for upstream in SERVICES[:-1]:
            target = env[f"{p}UPSTREAM_{upstream.replace('-', '_').upper()}_URL"]
            assert target == f"http://{upstream}:{default_port(upstream)}"
    else:
        assert "ports" not in app, f"{service} is reached through the gateway only"
        assert env[f"{p}AUTH_JWKS_URL"] == f"http://gateway:{default_port('gateway')}/.well-known/jwks.json"


def test_depends_on_targets_exist() -> None:
    for name, entry in services().items():
        depends = entry.get("depends_on", {})
        for target in depends if isinstance(depends, list) else depends.keys():
            assert target in services(), f"{name} depends on {target}, which is not a service"


def test_one_database_per_service_made_at_first_start() -> None:
    init = (DEPLOY / "compose" / "postgres-init.sh").read_text()
    listed = re.search(r"for service in ([a-z_ ]+); do", init)
    assert listed and listed.group(1).split() == [s.replace("-", "_") for s in SERVICES]
    postgres = services()["postgres"]
    assert "./compose/postgres-init.sh:/docker-entrypoint-initdb.d/10-pas-databases.sh:ro" in postgres["volumes"]
    for service in SERVICES:
        assert f"DB_PASSWORD_{service.replace('-', '_').upper()}" in postgres["environment"]


def test_mounted_files_exist() -> None:
    for name, entry in services().items():
        for volume in entry.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (COMPOSE.parent / source).exists(), f"{name} mounts {source}, which does not exist"


def test_no_secret_in_the_file() -> None:
    """Passwords come from deploy/.env through required interpolation, never written here."""
    text = COMPOSE.read_text()
    for name, entry in services().items():
        for key, value in (entry.get("environment") or {}).items():
            value = str(value)
            if any(word in key for word in ("PASSWORD", "SECRET")):
                assert INTERPOLATION.fullmatch(value) and ":?" in value, f"{name}.{key} is not a required ${{...:?}}"
            if "://" in value and "@" in value:
                userinfo = urlsplit(INTERPOLATION.sub("X", value)).password
                assert userinfo == "X", f"{name}.{key} holds a literal password"
    used = {m.group(1) for m in INTERPOLATION.finditer(text)}
    example = (DEPLOY / "compose" / "env.example").read_text()
    assert all(f"\n{v}=" in example for v in used), f"not in env.example: {[v for v in used if f'{v}=' not in example]}"


def test_prometheus_scrapes_every_service_with_its_label() -> None:
    config = load_yaml(DEPLOY / "monitoring" / "prometheus" / "prometheus.yml")
    targets = {sc["labels"]["pas_service"]: sc["targets"] for job in config["scrape_configs"] for sc in job["static_configs"]}
    assert targets == {s: [f"{s}:{default_port(s)}"] for s in SERVICES}
