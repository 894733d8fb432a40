"""`/api/v1/{service}/{path}`: the gateway forwards a frontend's call to the service that owns it.

The caller's token goes along (the service verifies it too), with the correlation id
(`X-Request-ID`, as every service reads it), `X-Forwarded-For`, and the trace context
(`traceparent`, set by the upstream client: adapters/upstream.py). The answer comes back as the
service gave it: status, body, and the headers a client needs (content type, ETag, Location,
Retry-After, WWW-Authenticate). A service that cannot be reached, or whose circuit is open,
answers 503 problem+json with Retry-After; only its own routes are affected.
"""

import math
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import JSONResponse

from pas_gateway.adapters.upstream import Upstreams, UpstreamUnavailable
from pas_shared.errors import NotFound
from pas_shared.logging import correlation_id
from pas_shared.problems import problem

SERVICES = ("security", "rehabilitation", "remission", "food-audit")
FORWARDED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
UPSTREAM_PREFIX = "/api/v1/"

# Request headers passed on as they came; the others are the gateway's business (hop-by-hop,
# Host, cookies) or set below.
REQUEST_HEADERS = ("authorization", "content-type", "accept", "accept-language", "idempotency-key", "if-match")
RESPONSE_HEADERS = ("content-type", "etag", "location", "retry-after", "www-authenticate", "content-language")

router = APIRouter(tags=["proxy"])


def _forwarded_headers(request: Request) -> dict[str, str]:
    headers = {name: request.headers[name] for name in REQUEST_HEADERS if name in request.headers}
    headers["x-request-id"] = correlation_id.get() or ""
    client = request.client.host if request.client else ""
    earlier = request.headers.get("x-forwarded-for", "")
    headers["x-forwarded-for"] = f"{earlier}, {client}" if earlier and client else earlier or client
    return headers


def _location(value: str, service: str) -> str:
    """A service's own /api/v1/... location, as reached through the gateway."""
    if value.startswith(UPSTREAM_PREFIX):
        return f"/api/v1/{service}/{value[len(UPSTREAM_PREFIX) :]}"
    return value


def _unavailable(request: Request, exc: UpstreamUnavailable) -> JSONResponse:
    seconds = max(1, math.ceil(exc.retry_after))
    why_id, why_en = {
        "circuit-open": ("terlalu sering gagal dan sementara tidak dihubungi", "failed too often and is not called for now"),
        "timeout": ("tidak menjawab tepat waktu", "did not answer in time"),
        "pool-exhausted": ("sedang penuh", "is busy"),
    }.get(exc.reason, ("tidak dapat dihubungi", "cannot be reached"))
    return problem(
        request,
        status=503,
        code="service-unavailable",
        title_id="Layanan tidak tersedia",
        title_en="Service unavailable",
        detail_id=f"Layanan {exc.service} {why_id}; coba lagi dalam {seconds} detik.",
        detail_en=f"The {exc.service} service {why_en}; try again in {seconds} seconds.",
        headers={"Retry-After": str(seconds)},
    )


@router.api_route(
    "/api/v1/{service}/{path:path}",
    methods=FORWARDED_METHODS,
    operation_id="forwardToService",
    include_in_schema=False,  # the merged /openapi.json lists the services' own operations instead
)
async def forward(
    request: Request,
    service: Annotated[str, Path(description="security, rehabilitation, remission or food-audit")],
    path: str,
) -> Response:
    if service not in SERVICES:
        raise NotFound(id=f"Layanan {service} tidak dikenal.", en=f"Unknown service {service}.")
    if any(segment in (".", "..") for segment in path.replace("\\", "/").split("/")):
        # The role was checked on the first segment; a dot segment would reach another route
        # (e.g. incidents/../../metrics) once the client normalises the path. Never forwarded.
        raise NotFound(id="Alamat tidak ditemukan.", en="Path not found.")
    upstreams: Upstreams = request.app.state.upstreams
    try:
        answer = await upstreams[service].send(
            request.method,
            UPSTREAM_PREFIX + path,
            query=request.url.query,
            headers=_forwarded_headers(request),
            content=await request.body(),
        )
    except UpstreamUnavailable as exc:
        return _unavailable(request, exc)
    headers = {name: answer.headers[name] for name in RESPONSE_HEADERS if name in answer.headers}
    if "location" in headers:
        headers["location"] = _location(headers["location"], service)
    return Response(content=answer.content, status_code=answer.status, headers=headers)
