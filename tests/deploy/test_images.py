"""The service images (deploy/images/<service>.Dockerfile): hadolint clean, multi-stage on a
pinned slim Python 3.11, non-root, only the shared library and the service's own folder, a
health check on /healthz, uvicorn on the service's factory and port, migrations off at startup
(they are the image's separate one-shot command, deploy/images/migrate.py)."""

import re
import subprocess
from pathlib import Path

import pytest

from tests.deploy.dockerfile import copy_sources, env_names, instructions
from tests.deploy.repo import DEPLOY, ROOT, SERVICES, default_port, env_vars, hadolint, package, prefix

IMAGES = DEPLOY / "images"
# Besides shared/ and services/<service>/, an image copies only these two files of the context.
EXTRA_CONTEXT_FILES = {"constraints.txt", "deploy/images/migrate.py"}


def dockerfile(service: str) -> Path:
    return IMAGES / f"{service}.Dockerfile"


def test_one_dockerfile_per_service() -> None:
    assert sorted(p.name for p in IMAGES.glob("*.Dockerfile")) == sorted(f"{s}.Dockerfile" for s in SERVICES)


@pytest.mark.parametrize("service", SERVICES)
def test_hadolint_passes(service: str) -> None:
    result = subprocess.run(
        [str(hadolint()), "--no-color", str(dockerfile(service))], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_does_fail_on_a_bad_dockerfile(tmp_path: Path) -> None:
    """The lint above can fail: an unpinned base and an unpinned pip install are refused."""
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python\nRUN pip install flask\n")
    result = subprocess.run([str(hadolint()), "--no-color", str(bad)], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode != 0
    assert "DL3006" in result.stdout and "DL3013" in result.stdout


@pytest.mark.parametrize("service", SERVICES)
def test_copies_only_shared_and_its_own_service(service: str) -> None:
    sources = [s for i in instructions(dockerfile(service)) if i.keyword in {"COPY", "ADD"} for s in copy_sources(i)]
    assert sources, "the image copies nothing from the context"
    own = f"services/{service}/"
    for source in sources:
        path = source.removeprefix("./")
        assert path in EXTRA_CONTEXT_FILES or path.startswith(("shared/", own)), f"{service} image copies {source}"
        assert (ROOT / path).exists(), f"{service} image copies {source}, which does not exist"
    assert any(s.startswith(own + "src") for s in sources) and any(s.startswith(own + "migrations") for s in sources)
    assert not any(i.keyword == "ADD" for i in instructions(dockerfile(service))), "COPY, not ADD"


@pytest.mark.parametrize("service", SERVICES)
def test_image_shape(service: str) -> None:
    found = instructions(dockerfile(service))
    bases = [i.words()[0] for i in found if i.keyword == "FROM"]
    assert len(bases) >= 2, "multi-stage: a build stage and a runtime stage"
    for base in bases:
        assert re.fullmatch(r"python:3\.11\.\d+-slim-[a-z]+", base), f"base {base} is not a pinned slim Python 3.11 tag"
    last = max(i.stage for i in found)
    runtime = [i for i in found if i.stage == last]
    by_keyword = {i.keyword: i for i in runtime}  # the last of each keyword in the runtime stage

    user = by_keyword["USER"].args.split(":")[0]
    assert user not in {"root", "0"} and user.isdigit() and int(user) >= 1000, "runs as a numeric non-root user"
    assert not any(i.keyword == "COPY" and "/opt/venv/bin/pip" in i.args for i in runtime)

    port = default_port(service)
    assert by_keyword["EXPOSE"].args == str(port)
    health = by_keyword["HEALTHCHECK"].args
    assert f"http://127.0.0.1:{port}/healthz" in health and "urllib.request" in health and "curl" not in health
    assert by_keyword["CMD"].words() == [
        "uvicorn",
        f"{package(service)}.main:create",
        "--factory",
        "--host",
        "0.0.0.0",
        "--port",
        str(port),
    ]
    envs = {name for i in runtime if i.keyword == "ENV" for name in env_names(i)}
    pas = {e for e in envs if e.startswith("PAS_")}
    assert pas <= env_vars(service), f"unknown settings: {pas - env_vars(service)}"
    env_text = " ".join(i.args for i in runtime if i.keyword == "ENV")
    assert f"{prefix(service)}MIGRATE_ON_START=false" in env_text, "migrations run as a separate command, not at startup"
    assert f"{prefix(service)}HOST=0.0.0.0" in env_text


@pytest.mark.parametrize("service", SERVICES)
def test_migration_command_is_documented_in_the_image(service: str) -> None:
    text = dockerfile(service).read_text()
    assert f"python /app/migrate.py {service}" in text
    assert any("deploy/images/migrate.py" in copy_sources(i) for i in instructions(dockerfile(service)) if i.keyword == "COPY")


def test_dockerignore_keeps_everything_else_out() -> None:
    """The context is an allow-list: it starts by ignoring everything, and lets in only what an
    image copies (so .venv, .run, .git, tests and local secrets never reach a build)."""
    text = (ROOT / ".dockerignore").read_text()
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert lines[0] == "*"
    allowed = [line[1:].rstrip("/") for line in lines if line.startswith("!")]
    for entry in allowed:
        pattern = re.compile("^" + re.escape(entry).replace(r"\*", "[^/]+") + "(/|$)")
        copied = [
            s for service in SERVICES for i in instructions(dockerfile(service)) if i.keyword == "COPY" for s in copy_sources(i)
        ]
        assert any(pattern.match(c) for c in copied), f".dockerignore lets in {entry}, which no image copies"
    for secret_like in (".venv", ".run", ".git", "tests", "services/gateway/tests", "bench"):
        assert not any(re.match("^" + re.escape(a).replace(r"\*", "[^/]+") + "(/|$)", secret_like) for a in allowed)
