"""One OpenAPI document for frontends: the gateway's own routes plus each service's routes as the
gateway serves them (`/api/v1/<service>/...`), so a client generated from it calls only the door.

A service's operation ids get the service as prefix (`security_listIncidents`,
`foodAudit_listInspections`), its components the same prefix in PascalCase
(`SecurityIncidentOut`), and every reference to them follows, so two services may both have an
`IncidentOut` or a `listItems`. Paths outside `/api/v1` (health, metrics) are not reachable
through the gateway and are left out. Pure: documents in, document out.
"""

import copy
from typing import Any

API_PREFIX = "/api/v1"
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})

Document = dict[str, Any]


class MergeConflict(ValueError):
    """A service's path or component would replace one already in the document."""


def _words(service: str) -> list[str]:
    return [w for w in service.replace("_", "-").split("-") if w]


def operation_prefix(service: str) -> str:
    """`food-audit` -> `foodAudit`."""
    first, *rest = _words(service)
    return first.lower() + "".join(w.capitalize() for w in rest)


def component_prefix(service: str) -> str:
    """`food-audit` -> `FoodAudit`."""
    return "".join(w.capitalize() for w in _words(service))


def _rewrite(node: Any, renames: dict[str, str]) -> Any:
    """Every string that is a renamed reference (`$ref`, discriminator mappings) follows the rename."""
    if isinstance(node, dict):
        return {key: _rewrite(value, renames) for key, value in node.items()}
    if isinstance(node, list):
        return [_rewrite(value, renames) for value in node]
    if isinstance(node, str):
        return renames.get(node, node)
    return node


def _rename_security(operation: dict[str, Any], schemes: dict[str, str]) -> None:
    if "security" in operation:
        operation["security"] = [{schemes.get(k, k): v for k, v in requirement.items()} for requirement in operation["security"]]


def namespace(service: str, document: Document, *, taken_schemes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A service's paths and components as the merged document holds them. Security schemes
    equal to one already present are shared; a different one with the same name is renamed."""
    op_prefix, name_prefix = operation_prefix(service), component_prefix(service)
    renames: dict[str, str] = {}
    scheme_renames: dict[str, str] = {}
    components: dict[str, dict[str, Any]] = {}
    for section, items in (document.get("components") or {}).items():
        for name, value in items.items():
            if section == "securitySchemes":
                if name in taken_schemes and taken_schemes[name] != value:
                    scheme_renames[name] = f"{name_prefix}{name}"
                components.setdefault(section, {})[scheme_renames.get(name, name)] = value
                continue
            new_name = f"{name_prefix}{name}"
            renames[f"#/components/{section}/{name}"] = f"#/components/{section}/{new_name}"
            components.setdefault(section, {})[new_name] = value
    components = _rewrite(components, renames)
    paths: dict[str, Any] = {}
    for path, item in (document.get("paths") or {}).items():
        if not path.startswith(API_PREFIX + "/"):
            continue
        new_item = _rewrite(copy.deepcopy(item), renames)
        for method, operation in new_item.items():
            if method not in HTTP_METHODS or not isinstance(operation, dict):
                continue
            if "operationId" in operation:
                operation["operationId"] = f"{op_prefix}_{operation['operationId']}"
            operation["tags"] = [f"{service}:{tag}" for tag in operation.get("tags", [])] or [service]
            _rename_security(operation, scheme_renames)
        paths[f"{API_PREFIX}/{service}{path[len(API_PREFIX) :]}"] = new_item
    return paths, components


def merge(own: Document, services: dict[str, Document]) -> Document:
    """The gateway's document with every service's paths and components added."""
    merged = copy.deepcopy(own)
    merged.setdefault("paths", {})
    all_components: dict[str, dict[str, Any]] = merged.setdefault("components", {})
    for service in sorted(services):
        paths, components = namespace(service, services[service], taken_schemes=all_components.get("securitySchemes", {}))
        clash = sorted(set(paths) & set(merged["paths"]))
        if clash:
            raise MergeConflict(f"{service}: paths already in the document: {clash[:5]}")
        for section, items in components.items():
            present = all_components.setdefault(section, {})
            clash = sorted(n for n in items if n in present and (section != "securitySchemes" or present[n] != items[n]))
            if clash:
                raise MergeConflict(f"{service}: components/{section} already in the document: {clash[:5]}")
        merged["paths"].update(paths)
        for section, items in components.items():
            all_components[section].update(items)
    if not all_components:
        del merged["components"]
    return merged
