"""Backward compatibility of a published JSON Schema (a payload partners consume).

A new schema of the same event version is compatible with the published one when every message
valid under the new schema is one a consumer written for the published schema still accepts, and
every field it relied on is still sent. Breaking, for each field at any depth:
- removed (a consumer reading it finds nothing);
- its type changed or widened (a new JSON type, null where there was none, a new enum value);
- made required (the brief of the feeds: an optional field stays optional in a version);
- a required field added (also a new field no published allow-list can name).
Adding an optional field, adding a description, or narrowing a type is compatible.
"""

from typing import Any

Schema = dict[str, Any]


def _resolve(schema: Schema, root: Schema) -> Schema:
    seen = 0
    while "$ref" in schema and seen < 32:
        ref = str(schema["$ref"])
        if not ref.startswith("#/"):
            raise ValueError(f"only local references are supported, got {ref}")
        node: Any = root
        for part in ref[2:].split("/"):
            node = node[part]
        schema = node
        seen += 1
    return schema


def _alternatives(schema: Schema, root: Schema) -> list[Schema]:
    schema = _resolve(schema, root)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return [alt for sub in schema[key] for alt in _alternatives(sub, root)]
    return [schema]


def _kinds(schema: Schema, root: Schema) -> dict[str, Schema]:
    """JSON type -> the alternative of that type ("enum:<value>" kinds for enumerations)."""
    out: dict[str, Schema] = {}
    for alt in _alternatives(schema, root):
        if "enum" in alt:
            for value in alt["enum"]:
                out[f"enum:{value!r}"] = alt
        elif "const" in alt:
            out[f"enum:{alt['const']!r}"] = alt
        else:
            types = alt.get("type", "any")
            for t in types if isinstance(types, list) else [types]:
                kind = f"{t}:{alt['format']}" if "format" in alt else str(t)
                out[kind] = alt
    return out


def breaking_changes(
    old: Schema, new: Schema, *, path: str = "", old_root: Schema | None = None, new_root: Schema | None = None
) -> list[str]:
    """What in `new` breaks consumers of `old` (empty: compatible)."""
    old_root = old_root if old_root is not None else old
    new_root = new_root if new_root is not None else new
    problems: list[str] = []
    old_kinds, new_kinds = _kinds(old, old_root), _kinds(new, new_root)
    widened = sorted(set(new_kinds) - set(old_kinds))
    if "any" not in old_kinds and widened:
        problems.append(f"{path or '<payload>'}: type changed ({sorted(old_kinds)} -> {sorted(new_kinds)})")
    for kind in sorted(set(old_kinds) & set(new_kinds)):
        o, n = old_kinds[kind], new_kinds[kind]
        if kind == "object":
            problems += _object_changes(o, n, path, old_root, new_root)
        elif kind == "array" and "items" in o and "items" in n:
            problems += breaking_changes(o["items"], n["items"], path=f"{path}[]", old_root=old_root, new_root=new_root)
    return problems


def _object_changes(old: Schema, new: Schema, path: str, old_root: Schema, new_root: Schema) -> list[str]:
    problems: list[str] = []
    old_props: Schema = old.get("properties", {})
    new_props: Schema = new.get("properties", {})
    old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
    prefix = f"{path}." if path else ""
    for name in sorted(old_props):
        if name not in new_props:
            problems.append(f"{prefix}{name}: field removed")
            continue
        if name in new_required and name not in old_required:
            problems.append(f"{prefix}{name}: made required")
        problems += breaking_changes(
            old_props[name], new_props[name], path=f"{prefix}{name}", old_root=old_root, new_root=new_root
        )
    for name in sorted(set(new_props) - set(old_props)):
        if name in new_required:
            problems.append(f"{prefix}{name}: new field is required")
    return problems
