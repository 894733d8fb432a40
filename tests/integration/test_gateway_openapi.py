"""One OpenAPI document at the gateway: its own routes and every service's, fetched from the
services over HTTP, with unique operation ids prefixed by the service, and every reference
resolving; the last good copy of a service is kept while it is down."""

import asyncio
import re
from typing import Any

from pas_gateway.domain.openapi_merge import HTTP_METHODS, operation_prefix
from tests.integration.harness import Platform, create_app, running
from tests.integration.test_gateway_proxy import InProcessServer

SERVICES = ("security", "rehabilitation", "remission", "food-audit")


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]


def references(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in references(value)]
    if isinstance(node, list):
        return [r for value in node for r in references(value)]
    return []


def resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"unresolved {ref}"
        node = node[part]
    return node


def check_structure(document: dict[str, Any]) -> None:
    """What OpenAPI 3.1 requires of the parts we build: a version, info, paths starting with
    '/', an operation's responses, its path parameters declared, unique operation ids, every
    $ref resolving and every security requirement naming a scheme."""
    assert re.fullmatch(r"3\.1\.\d+", document["openapi"])
    assert document["info"]["title"] and document["info"]["version"]
    ids = [op["operationId"] for _, _, op in operations(document)]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    schemes = document.get("components", {}).get("securitySchemes", {})
    for path, method, op in operations(document):
        assert path.startswith("/") and "responses" in op, (path, method)
        declared = {p["name"] for p in op.get("parameters", []) if p.get("in") == "path"}
        declared |= {p["name"] for p in document["paths"][path].get("parameters", []) if p.get("in") == "path"}
        assert set(re.findall(r"{([^}]+)}", path)) <= declared, (path, method)
        for requirement in op.get("security", []):
            assert set(requirement) <= set(schemes), (path, method, requirement)
    for ref in references(document):
        resolve(document, ref)


async def test_the_merged_document_holds_every_service_and_the_gateway(platform: Platform) -> None:
    await platform.create_databases("gateway")
    apps = {name: create_app(platform, name) for name in SERVICES}
    own = {name: app.openapi() for name, app in apps.items()}
    servers = {name: InProcessServer(app) for name, app in apps.items()}
    await asyncio.gather(*(server.start() for server in servers.values()))
    try:
        gateway_app = create_app(
            platform,
            "gateway",
            **{f"upstream_{name.replace('-', '_')}_url": server.url for name, server in servers.items()},
            openapi_retry_seconds=0.1,
        )
        async with running(gateway_app, token=None) as gateway:  # public: no token needed
            answer = await gateway.get("/openapi.json")
            assert answer.status_code == 200
            document = answer.json()
            check_structure(document)

            ids = {op["operationId"] for _, _, op in operations(document)}
            assert {op["operationId"] for _, _, op in operations(gateway_app.openapi())} <= ids
            for name, service_doc in own.items():
                for path, method, op in operations(service_doc):
                    if not path.startswith("/api/v1/"):
                        continue  # health and metrics are not reached through the gateway
                    merged = document["paths"][f"/api/v1/{name}{path[len('/api/v1') :]}"][method]
                    assert merged["operationId"] == f"{operation_prefix(name)}_{op['operationId']}"
            assert "security_listIncidents" in ids and any(i.startswith("foodAudit_") for i in ids)
            assert all(document["x-pas-upstreams"][name]["included"] for name in SERVICES)
            assert not any(p.startswith("/api/v1/{service}") for p in document["paths"])  # the forwarding route itself

            # ETag on the gateway's own GET answers too.
            etag = answer.headers["etag"]
            assert (await gateway.get("/openapi.json", headers={"If-None-Match": etag})).status_code == 304

            # A service down: its last good copy stays in the document, with the error said.
            await servers["security"].stop()
            await gateway_app.state.openapi_catalog.refresh(force=True)
            document = (await gateway.get("/openapi.json")).json()
            assert "/api/v1/security/incidents" in document["paths"]
            assert document["x-pas-upstreams"]["security"]["included"]
            assert document["x-pas-upstreams"]["security"]["last_error"]
            check_structure(document)
    finally:
        await asyncio.gather(*(server.stop() for server in servers.values()))
