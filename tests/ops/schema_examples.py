"""The smallest message a committed JSON Schema (shared/schemas/, the record of every published
payload version) allows: its required fields only, each with a plain valid value. A consumer
written for a later version must still accept it."""

import json
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "shared" / "schemas"
_VERSION = re.compile(r"^(?P<name>pas\.[a-z-]+\.[a-z-]+\.[a-z-]+)\.v(?P<version>\d+)\.json$")
# Strings tried, in order, against a pattern that is not a list of alternatives.
_CANDIDATES = ("LP-CIPINANG", "KW-DKI", "abc", "ab", "a_b", "x")


def committed_versions() -> dict[str, list[int]]:
    """Every event type with a committed schema, and its versions."""
    found: dict[str, list[int]] = {}
    for path in SCHEMAS.glob("pas.*.json"):
        m = _VERSION.match(path.name)
        if m:
            found.setdefault(m["name"], []).append(int(m["version"]))
    return {name: sorted(vs) for name, vs in sorted(found.items())}


def schema(name: str, version: int) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / f"{name}.v{version}.json").read_text())
    return loaded


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = root
        for part in str(node["$ref"]).removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _string(node: dict[str, Any]) -> str:
    fmt = node.get("format")
    if fmt == "date":
        return "2026-01-15"
    if fmt == "date-time":
        return "2026-01-15T08:00:00+07:00"
    low, high = int(node.get("minLength", 1)), int(node.get("maxLength", 10_000))
    pattern = node.get("pattern")
    if pattern is None:
        return "x" * max(low, 1)
    alternatives = re.fullmatch(r"\^\(([^()]*)\)\$", pattern)
    if alternatives:
        return alternatives[1].split("|")[0]
    for candidate in _CANDIDATES:
        if re.search(pattern, candidate) and low <= len(candidate) <= high:
            return candidate
    raise ValueError(f"no example string for pattern {pattern!r}: add one to _CANDIDATES")


def example(node: dict[str, Any], root: dict[str, Any] | None = None) -> Any:
    root = root if root is not None else node
    node = _resolve(node, root)
    if "const" in node:
        return node["const"]
    if "enum" in node:
        return node["enum"][0]
    for key in ("anyOf", "oneOf"):
        if key in node:
            options = [_resolve(o, root) for o in node[key]]
            chosen = next((o for o in options if o.get("type") != "null"), options[0])
            return example(chosen, root)
    if "allOf" in node:
        return example(node["allOf"][0], root)
    kind = node.get("type")
    if kind == "object":
        props = node.get("properties", {})
        return {k: example(props[k], root) for k in node.get("required", [])}
    if kind == "array":
        return [example(node.get("items", {}), root) for _ in range(max(int(node.get("minItems", 0)), 1))]
    if kind == "string":
        return _string(node)
    if kind in ("integer", "number"):
        if "minimum" in node:
            return node["minimum"]
        if "exclusiveMinimum" in node:
            return node["exclusiveMinimum"] + 1
        return min(1, node.get("maximum", 1))
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    raise ValueError(f"no example for schema node {node}")
