"""Access on every route of the five apps.

1. A walk over every route: each one carries the security dependency (pas_shared.auth.authorize)
   unless it is on the explicit public list; a new route cannot be added unprotected.
2. The authorisation matrix, on the real apps with their PostgreSQL databases: every route and
   method x {no token, a token without the route's role, the RO role, the RW role} x scope
   {national, kanwil, upt}. No token answers 401, a missing role 403; GET/HEAD pass with RO or
   RW, other methods only with RW ("pass": anything but 401/403 — the request may still be
   invalid (422) or name nothing (404)). Out-of-scope records answering 404 are tested with the
   services (test_gateway_identity.py and the services' own scope tests).
3. The gateway's role catalogue (domain/identity.py RESOURCES) is exactly the roles the routes
   check, so demo users and user administration know every role.
"""

import re
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import Mount

from pas_shared.auth import PROXY_SEGMENT, is_protected, resource_of, roles_for, roles_of
from tests.integration.harness import SERVICES, Platform, bearer, create_app, free_port, make_token, running

COMMON_PUBLIC = {"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
GATEWAY_PUBLIC = {("POST", "/api/v1/auth/token"), ("GET", "/.well-known/jwks.json"), ("GET", "/"), ("GET", "/publik")}
GATEWAY_PUBLIC_PREFIXES = ("/static/", "/api/v1/public/")
SCOPES = ("national", "kanwil:KW-MATRIX", "upt:UPT-MATRIX")
DENIED = {401, 403}


def _app(service: str) -> FastAPI:
    module, _ = SERVICES[service]
    app: FastAPI = __import__(f"{module}.main", fromlist=["create"]).create()
    return app


@dataclass(frozen=True)
class Operation:
    method: str
    template: str

    def url(self) -> str:
        if resource_of(self.template) == PROXY_SEGMENT:  # the gateway forwarding to security's incidents
            return "/api/v1/security/incidents"
        return re.sub(r"\{[^}]+\}", "00000000-0000-7000-8000-000000000000", self.template)

    def target(self, service: str) -> tuple[str, str]:
        resource = resource_of(self.template)
        assert resource is not None
        return ("security", "INCIDENTS") if resource == PROXY_SEGMENT else (service, resource)


def _operations(app: FastAPI) -> list[Operation]:
    out = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and is_protected(context):
            out += [Operation(m, route.path) for m in sorted(route.methods)]
    return out


def _public(service: str, method: str, path: str) -> bool:
    if path in COMMON_PUBLIC:
        return True
    return service == "gateway" and (
        (method, path) in GATEWAY_PUBLIC or (method == "GET" and path.startswith(GATEWAY_PUBLIC_PREFIXES))
    )


@pytest.mark.parametrize("service", list(SERVICES))
def test_every_route_has_the_security_dependency_unless_public(service: str) -> None:
    app = _app(service)
    unprotected = []
    protected = 0
    for context in iter_route_contexts(app.routes):
        effective = context._effective_route
        path = getattr(effective, "path", "")
        if isinstance(effective, Mount):
            if not (service == "gateway" and path == "/static"):
                unprotected.append(("MOUNT", path))
            continue
        if is_protected(context):
            protected += 1
            continue
        methods = sorted(getattr(effective, "methods", None) or {"GET"})
        unprotected += [(m, path) for m in methods if m != "HEAD" and not _public(service, m, path)]
    assert unprotected == [], f"{service}: routes without the security dependency"
    assert protected >= 1


def test_the_gateway_role_catalogue_is_every_role_the_routes_check() -> None:
    from pas_gateway.domain.identity import all_roles

    checked = sorted({role for service in SERVICES for role in roles_of(_app(service))})
    assert all_roles() == checked


def _overrides(service: str) -> dict[str, Any]:
    if service != "gateway":
        return {}
    nowhere = f"http://127.0.0.1:{free_port()}"  # forwarded calls reach no running service
    return {f"upstream_{s.replace('-', '_')}_url": nowhere for s in ("security", "rehabilitation", "remission", "food-audit")}


@pytest.mark.parametrize("service", list(SERVICES))
async def test_authorisation_matrix(platform: Platform, service: str) -> None:
    await platform.create_databases(service)
    app = create_app(platform, service, **_overrides(service))
    operations = _operations(app)
    assert operations
    failures: list[str] = []
    async with running(app, token=None) as client:

        async def call(op: Operation, token: str | None) -> int:
            headers = bearer(token) if token else {}
            body = {} if op.method in {"POST", "PUT", "PATCH"} else None
            response = await client.request(op.method, op.url(), headers=headers, json=body)
            return response.status_code

        for op in operations:
            target_service, resource = op.target(service)
            ro, rw = roles_for(target_service, resource)
            wrong = [r for r in roles_of(app) if r not in (ro, rw)] or ["GATEWAY__NOTHING__RW"]
            read = op.method in {"GET", "HEAD"}
            expectations: list[tuple[str, str | None, bool]] = [
                ("no token", None, False),
                ("wrong roles", make_token(wrong), False),
            ]
            for scope in SCOPES:
                # User and key administration is for the national scope only (403 otherwise).
                admin_only = service == "gateway" and op.template.startswith("/api/v1/admin/") and scope != "national"
                expectations += [
                    (f"RO {scope}", make_token([ro], scope), read and not admin_only),
                    (f"RW {scope}", make_token([rw], scope), not admin_only),
                ]
            for label, token, allowed in expectations:
                status = await call(op, token)
                expected_denial = 401 if token is None else 403
                if allowed and status in DENIED:
                    failures.append(f"{op.method} {op.template} [{label}]: {status}, expected to pass")
                if not allowed and status != expected_denial:
                    failures.append(f"{op.method} {op.template} [{label}]: {status}, expected {expected_denial}")
    assert failures == []
