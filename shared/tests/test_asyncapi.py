"""The event catalogue as AsyncAPI 3.0: the committed documents are the generated ones, they
validate against the AsyncAPI 3.0 JSON Schema (vendored from the npm package @asyncapi/specs
6.11.1, schemas/3.0.0-without-$id.json, Apache-2.0: shared/tests/vendor/), every reference in
them resolves, and the backward-compatibility check of public schemas catches each kind of
breaking change, on a deliberately broken schema."""

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from pas_shared.events.asyncapi import ROOT, build_internal, build_public, public_schema, published_breaks, rendered
from pas_shared.events.catalog import CATALOG
from pas_shared.events.compat import breaking_changes
from pas_shared.events.public import ESCAPE_REPORTED, PUBLIC_CATALOG

VENDOR = Path(__file__).parent / "vendor" / "asyncapi-3.0.0.schema.json"


def test_committed_documents_and_public_schemas_match_the_code() -> None:
    for path, text in rendered().items():
        assert path.exists(), f"{path} missing: run python -m pas_shared.events.asyncapi"
        assert path.read_text() == text, f"{path.relative_to(ROOT)} is stale: run python -m pas_shared.events.asyncapi"


def test_committed_public_schemas_are_not_broken_by_the_code() -> None:
    assert published_breaks() == []


@pytest.mark.parametrize("build", [build_internal, build_public])
def test_documents_validate_against_the_asyncapi_3_schema(build: Any) -> None:
    validator = jsonschema.Draft7Validator(json.loads(VENDOR.read_text()))
    errors = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(build())]
    assert errors == []


def test_the_validator_refuses_a_broken_document() -> None:
    validator = jsonschema.Draft7Validator(json.loads(VENDOR.read_text()))
    doc = build_public()
    del doc["info"]["version"]
    doc["channels"]["partnerFeed"]["messages"] = "not a map"
    assert len(list(validator.iter_errors(doc))) >= 2


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref" and isinstance(v, str)] + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


@pytest.mark.parametrize("build", [build_internal, build_public])
def test_every_reference_resolves(build: Any) -> None:
    doc = build()
    for ref in _refs(doc):
        assert ref.startswith("#/"), ref
        node = doc
        for part in ref[2:].split("/"):
            assert part in node, f"{ref} does not resolve"
            node = node[part]


def test_the_documents_cover_every_event_type() -> None:
    internal, public = build_internal(), build_public()
    assert set(internal["components"]["messages"]) == {f"{e.name}.v{e.version}" for e in CATALOG.all()}
    assert set(public["components"]["messages"]) == {f"{e.name}.v{e.version}" for e in PUBLIC_CATALOG.all()}
    assert public["channels"]["partnerFeed"]["address"] == "pas.partner.{partnerId}.v1"
    assert public["servers"]["production"]["protocol"] == "kafka-secure"


def _escape() -> dict[str, Any]:
    return public_schema(ESCAPE_REPORTED)


def test_an_unchanged_schema_and_an_added_optional_field_are_compatible() -> None:
    old = _escape()
    new = copy.deepcopy(old)
    new["properties"]["district"] = {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None}
    new["properties"]["method"]["description"] = "reworded"
    assert breaking_changes(old, old) == []
    assert breaking_changes(old, new) == []


def test_narrowing_a_type_is_compatible() -> None:
    old = _escape()
    new = copy.deepcopy(old)
    new["properties"]["method"] = {"type": "string"}  # null no longer sent
    assert breaking_changes(old, new) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda s: s["properties"].pop("method"), "method: field removed"),
        (lambda s: s["properties"].__setitem__("escaped_on", {"type": "integer"}), "escaped_on: type changed"),
        (lambda s: s["required"].append("method"), "method: made required"),
        (
            lambda s: s["properties"].__setitem__("escape_id", {"anyOf": [{"type": "string"}, {"type": "null"}]}),
            "escape_id: type changed",
        ),
        (
            lambda s: (s["properties"].__setitem__("photo", {"type": "string"}), s["required"].append("photo")),
            "photo: new field is required",
        ),
    ],
)
def test_a_deliberately_broken_schema_fails_the_check(change: Any, expected: str) -> None:
    old = _escape()
    new = copy.deepcopy(old)
    change(new)
    problems = breaking_changes(old, new)
    assert any(p.startswith(expected) for p in problems), problems


def test_a_widened_enumeration_and_a_changed_nested_item_break() -> None:
    old = {
        "type": "object",
        "properties": {"status": {"enum": ["granted"]}, "rules": {"type": "array", "items": {"type": "string"}}},
    }
    new = {
        "type": "object",
        "properties": {"status": {"enum": ["granted", "revoked"]}, "rules": {"type": "array", "items": {"type": "integer"}}},
    }
    assert breaking_changes(old, new) == [
        "rules[]: type changed (['string'] -> ['integer'])",
        "status: type changed ([\"enum:'granted'\"] -> [\"enum:'granted'\", \"enum:'revoked'\"])",
    ]


def test_the_check_of_committed_schemas_fails_on_a_broken_published_version(tmp_path: Path) -> None:
    """The CI check compares the code with the committed (published) schema: a published schema
    that promised a field the code no longer has fails, and so does a published schema removed."""
    published = _escape()
    published["properties"]["escape_district"] = {"type": "string"}
    (tmp_path / "pas.partner.escape.reported.v1.json").write_text(json.dumps(published))
    (tmp_path / "pas.partner.gone.reported.v1.json").write_text(json.dumps(_escape()))
    assert published_breaks(tmp_path) == [
        "pas.partner.escape.reported.v1.json: escape_district: field removed",
        "pas.partner.gone.reported.v1.json: a published schema was removed",
    ]
