"""Wiring of the gateway's door onto its app: the services behind it (pooled clients with
circuit breakers, opened and closed with the app), the audit and ETag middleware, the merged
/openapi.json, and the forwarding route placed after every route of the gateway's own."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from pas_gateway.adapters.upstream import UpstreamPolicy, Upstreams
from pas_gateway.api.audit import AuditMiddleware
from pas_gateway.api.etag import ETagMiddleware
from pas_gateway.app.openapi import OpenApiCatalog
from pas_gateway.settings import Settings


def install_door(app: FastAPI, settings: Settings, proxy_router: APIRouter, hot_router: APIRouter) -> None:
    _wrap_lifespan(app, settings)
    # Inside the request-context middleware (so the correlation id is set), outside the routes;
    # the audit sees the status the client gets.
    app.user_middleware.extend([Middleware(AuditMiddleware), Middleware(ETagMiddleware)])
    _serve_merged_openapi(app)
    _forwarding_last(app, proxy_router)
    _hot_first(app, hot_router)


def _wrap_lifespan(app: FastAPI, settings: Settings) -> None:
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app_: FastAPI) -> AsyncIterator[Any]:
        upstreams = Upstreams.from_urls(settings.upstream_urls(), _policy(settings), tracing=app_.state.tracing)
        app_.state.upstreams = upstreams
        app_.state.openapi_catalog = OpenApiCatalog(
            upstreams, refresh_seconds=settings.openapi_refresh_seconds, retry_seconds=settings.openapi_retry_seconds
        )
        try:
            async with inner(app_) as state:
                yield state
        finally:
            await upstreams.aclose()

    app.router.lifespan_context = lifespan


def _policy(settings: Settings) -> UpstreamPolicy:
    return UpstreamPolicy(
        connect_timeout_seconds=settings.upstream_connect_timeout_seconds,
        read_timeout_seconds=settings.upstream_read_timeout_seconds,
        max_connections=settings.upstream_max_connections,
        retries=settings.upstream_retries,
        retry_backoff_seconds=settings.upstream_retry_backoff_seconds,
        failure_threshold=settings.breaker_failure_threshold,
        cooldown_seconds=settings.breaker_cooldown_seconds,
    )


def _serve_merged_openapi(app: FastAPI) -> None:
    """/openapi.json (and so /docs) answers the merged document instead of the gateway's own."""
    url = app.openapi_url or "/openapi.json"
    app.router.routes[:] = [r for r in app.router.routes if getattr(r, "path", None) != url]

    async def merged_openapi(request: Request) -> JSONResponse:
        catalog: OpenApiCatalog = request.app.state.openapi_catalog
        return JSONResponse(await catalog.merged(app.openapi()))

    app.add_route(url, merged_openapi, include_in_schema=False)


def _forwarding_last(app: FastAPI, proxy_router: APIRouter) -> None:
    """`/api/v1/{service}/{path}` matches any path under /api/v1 with two segments or more, so
    it must come after the gateway's own routes (KPIs, login, public statistics...), whichever
    router they were included from."""
    forwarding: list[BaseRoute] = [r for r in app.router.routes if getattr(r, "original_router", None) is proxy_router]
    if not forwarding:
        raise RuntimeError("the forwarding router was not included in the app")
    for route in forwarding:
        app.router.routes.remove(route)
    app.router.routes.extend(forwarding)


def _hot_first(app: FastAPI, hot_router: APIRouter) -> None:
    """The most asked routes (the KPI answers every dashboard polls) are tried first: a request
    is matched against the routes in order, and each included router tried before cost a third
    of a cached KPI answer's CPU. Its paths overlap no other route's, so the order changes nothing else."""
    hot: list[BaseRoute] = [r for r in app.router.routes if getattr(r, "original_router", None) is hot_router]
    if not hot:
        raise RuntimeError("the hot router was not included in the app")
    for route in hot:
        app.router.routes.remove(route)
    app.router.routes[:0] = hot
