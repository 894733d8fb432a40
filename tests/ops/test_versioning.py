"""Each service has its own version (its pyproject.toml, the only place it is written), reports
it at /healthz and in its OpenAPI info, and has its own section in CHANGELOG.md; and each
consumer still accepts every published version of the events it subscribes to.

Published versions are the JSON Schemas committed in shared/schemas/ (a schema is committed when
its version is published, and never removed). Today every event type is at v1, so "the previous
version" of each is v1 itself: the checks below run over every committed version of every type a
consumer subscribes to, and cover a v1 message against a v2 consumer the day a v2 is added."""

import re
import tomllib
import uuid
from datetime import UTC, datetime
from importlib.metadata import version
from typing import Any

import httpx
import jsonschema
import pytest

from pas_ops.services import PACKAGES, spec_of
from pas_shared.consumer import Subscription
from pas_shared.events.catalog import CATALOG
from pas_shared.events.envelope import Envelope, decode_kafka, encode_kafka
from tests.integration.harness import Platform, create_app, running, until_equal
from tests.ops.schema_examples import ROOT, committed_versions, example, schema

SERVICES = sorted(PACKAGES)


def pyproject_version(service: str) -> str:
    data = tomllib.loads((ROOT / "services" / service / "pyproject.toml").read_text())
    return str(data["project"]["version"])


def subscriptions(service: str) -> list[Subscription]:
    module = __import__(f"{PACKAGES[service]}.settings", fromlist=["Settings"])
    return spec_of(service, module.Settings()).subscriptions


@pytest.mark.parametrize("service", SERVICES)
async def test_the_service_reports_its_own_version_from_its_package(service: str) -> None:
    expected = pyproject_version(service)
    assert version(f"pas-{service}") == expected, "the installed metadata is stale: run scripts/setup.sh"
    main = __import__(f"{PACKAGES[service]}.main", fromlist=["create"])
    app = main.create()
    assert app.version == expected
    assert app.openapi()["info"]["version"] == expected
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service") as client:
        assert (await client.get("/healthz")).json() == {"status": "ok", "version": expected}


def changelog_sections() -> dict[str, list[str]]:
    """`## pas-<package>` -> its `### <version>` headings, in order."""
    sections: dict[str, list[str]] = {}
    current = None
    for line in (ROOT / "CHANGELOG.md").read_text().splitlines():
        if m := re.fullmatch(r"## (pas-[a-z-]+)", line):
            current = sections.setdefault(m[1], [])
        elif (m := re.fullmatch(r"### (\d+\.\d+\.\d+)( .*)?", line)) and current is not None:
            current.append(m[1])
    return sections


def test_each_package_has_its_own_changelog_section_topped_by_its_version() -> None:
    sections = changelog_sections()
    packages = {f"pas-{s}": pyproject_version(s) for s in SERVICES}
    for extra, path in (("pas-shared", ROOT / "shared"), ("pas-ops", ROOT / "ops")):
        packages[extra] = tomllib.loads((path / "pyproject.toml").read_text())["project"]["version"]
    for package, current in packages.items():
        assert package in sections, f"CHANGELOG.md has no section ## {package}"
        assert sections[package][:1] == [current], f"{package}: the newest changelog entry must be its version {current}"


def message(name: str, version_: int, data: dict[str, Any]) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """A Kafka record of a committed version, as a producer of that version published it."""
    envelope = Envelope(
        id=str(uuid.uuid4()),
        source=f"/pas/{name.split('.')[1]}",
        type=name,
        time=datetime.now(UTC),
        subject=str(data.get("inmate_id") or data.get("upt_code") or uuid.uuid4()),
        dataschema=f"/schemas/{name}.v{version_}.json",
        uptcode="LP-CIPINANG",
        kanwilcode="KW-DKI",
        data=data,
    )
    return encode_kafka(envelope)


def committed_messages(subscription: Subscription) -> list[tuple[str, int, dict[str, Any]]]:
    """(type, version, smallest valid payload) for every committed version of every type it handles."""
    published = committed_versions()
    out = []
    for name in sorted({n for n, _ in subscription.handlers}):
        for v in published.get(name, []):
            committed = schema(name, v)
            data = example(committed)
            checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
            jsonschema.Draft202012Validator(committed, format_checker=checker).validate(data)  # it is a valid vN message
            out.append((name, v, data))
    return out


@pytest.mark.parametrize("service", SERVICES)
def test_each_consumer_accepts_every_committed_version_of_what_it_subscribes_to(service: str) -> None:
    """The consumer runner's own path (pas_shared.consumer.ConsumerRunner.process): decode the
    record, find the handler for (type, version), validate the payload with the current model.
    A version without a handler would be skipped, one the model refuses dead-lettered."""
    checked = 0
    for sub in subscriptions(service):
        handled_names = {n for n, _ in sub.handlers}
        for name in handled_names:
            assert committed_versions().get(name), f"{sub.name} handles {name}, which has no committed schema"
        for name, v, data in committed_messages(sub):
            _, value, headers = message(name, v, data)
            envelope = decode_kafka(value, headers)
            assert (envelope.type, envelope.version) in sub.handlers, f"{sub.name} would skip {name} v{v}: no handler"
            event_type = CATALOG.get(envelope.type, envelope.version)
            assert event_type is not None
            event_type.payload.model_validate(envelope.data)  # raises if the current model refuses a published message
            checked += 1
    assert checked > 0, f"{service}'s consumers were checked against no committed schema"


async def test_a_running_consumer_applies_the_smallest_message_of_every_committed_version(platform: Platform) -> None:
    """On the real broker and database: security's consumers (the roster and the UPT directory)
    get the smallest valid message of every committed version of every type they handle, and
    apply each one (its inbox row) without dead-lettering any."""
    await platform.create_databases("security")
    app = create_app(platform, "security")
    subs = subscriptions("security")
    sent: dict[str, set[str]] = {}
    async with running(app) as security:
        await until_equal(lambda: _ready(security), True, what="security ready")
        for sub in subs:
            for name, v, data in committed_messages(sub):
                key, value, headers = message(name, v, data)
                topic = CATALOG.get(name, v)
                assert topic is not None
                await platform.produce(topic.topic, value, key=key, headers=headers)
                sent.setdefault(sub.name.removeprefix("security."), set()).add(dict(headers)["ce_id"].decode())
        for consumer, ids in sent.items():

            async def applied(consumer: str = consumer, ids: set[str] = ids) -> int:
                rows = await platform.fetch("security", "SELECT event_id FROM inbox WHERE consumer = $1", f"security.{consumer}")
                return len(ids & {r["event_id"] for r in rows})

            await until_equal(applied, len(ids), what=f"security.{consumer} applying every committed version")
    assert sum(len(ids) for ids in sent.values()) >= 4
    for topic in {t.topic for sub in subs for n, v in sub.handlers if (t := CATALOG.get(n, v)) is not None}:
        assert await platform.records(f"{topic}.dlq", timeout=1) == [], f"something was dead-lettered on {topic}"


async def _ready(client: httpx.AsyncClient) -> bool:
    return (await client.get("/readyz")).status_code == 200


def test_the_version_comes_from_the_package_metadata_not_a_second_number(monkeypatch: pytest.MonkeyPatch) -> None:
    import pas_shared.service

    monkeypatch.setattr(pas_shared.service, "version", lambda distribution: {"pas-security": "9.8.7"}[distribution])
    main = __import__("pas_security.main", fromlist=["create"])
    assert main.create().version == "9.8.7"
