"""The merged OpenAPI document: services' paths under /api/v1/<service>, prefixed operation ids
and namespaced components with every reference following (pure)."""

from typing import Any

import pytest

from pas_gateway.domain.openapi_merge import MergeConflict, component_prefix, merge, operation_prefix


def service_doc(op: str = "listIncidents") -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "svc", "version": "0.1.0"},
        "paths": {
            "/healthz": {"get": {"operationId": "healthz", "responses": {"200": {"description": "ok"}}}},
            "/api/v1/incidents": {
                "get": {
                    "operationId": op,
                    "tags": ["incidents"],
                    "security": [{"HTTPBearer": []}],
                    "responses": {
                        "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}},
                    },
                },
            },
        },
        "components": {
            "schemas": {
                "Page": {"properties": {"items": {"items": {"$ref": "#/components/schemas/Item"}}}},
                "Item": {
                    "oneOf": [{"$ref": "#/components/schemas/A"}],
                    "discriminator": {"propertyName": "kind", "mapping": {"a": "#/components/schemas/A"}},
                },
                "A": {"type": "object"},
            },
            "securitySchemes": {"HTTPBearer": {"type": "http", "scheme": "bearer"}},
        },
    }


OWN = {
    "openapi": "3.1.0",
    "info": {"title": "PAS Gateway", "version": "0.1.0"},
    "paths": {"/api/v1/kpi": {"get": {"operationId": "listKpis", "responses": {}}}},
    "components": {
        "schemas": {"Item": {"type": "string"}},
        "securitySchemes": {"HTTPBearer": {"type": "http", "scheme": "bearer"}},
    },
}


def test_prefixes() -> None:
    assert operation_prefix("food-audit") == "foodAudit" and operation_prefix("security") == "security"
    assert component_prefix("food-audit") == "FoodAudit"


def test_paths_operation_ids_and_components_are_namespaced_per_service() -> None:
    merged = merge(OWN, {"security": service_doc(), "food-audit": service_doc()})
    assert set(merged["paths"]) == {"/api/v1/kpi", "/api/v1/security/incidents", "/api/v1/food-audit/incidents"}
    get = merged["paths"]["/api/v1/food-audit/incidents"]["get"]
    assert get["operationId"] == "foodAudit_listIncidents"
    assert get["tags"] == ["food-audit:incidents"]
    assert get["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/FoodAuditPage"}
    schemas = merged["components"]["schemas"]
    assert schemas["Item"] == {"type": "string"}  # the gateway's own, untouched
    assert schemas["SecurityItem"]["discriminator"]["mapping"] == {"a": "#/components/schemas/SecurityA"}
    assert schemas["SecurityPage"]["properties"]["items"]["items"] == {"$ref": "#/components/schemas/SecurityItem"}
    # An identical security scheme is shared.
    assert merged["components"]["securitySchemes"] == OWN["components"]["securitySchemes"]
    assert get["security"] == [{"HTTPBearer": []}]
    assert OWN["paths"].keys() == {"/api/v1/kpi"}  # the input is not changed


def test_a_different_security_scheme_of_the_same_name_is_renamed() -> None:
    doc = service_doc()
    doc["components"]["securitySchemes"]["HTTPBearer"] = {"type": "oauth2", "flows": {}}
    merged = merge(OWN, {"remission": doc})
    assert merged["components"]["securitySchemes"]["RemissionHTTPBearer"] == {"type": "oauth2", "flows": {}}
    assert merged["paths"]["/api/v1/remission/incidents"]["get"]["security"] == [{"RemissionHTTPBearer": []}]


def test_a_clash_is_refused_not_overwritten() -> None:
    own = OWN | {"paths": {"/api/v1/security/incidents": {}}}
    with pytest.raises(MergeConflict):
        merge(own, {"security": service_doc()})
