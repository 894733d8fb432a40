"""problem+json (RFC 9457) for every 4xx/5xx: a stable `type`, an Indonesian-first `title`
(English with `Accept-Language: en`) and, for invalid input, each field and the rule it broke."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from pas_shared.errors import DomainError

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


def problem(
    request: Request,
    *,
    status: int,
    code: str,
    title_id: str,
    title_en: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    english = request.headers.get("accept-language", "").lower().startswith("en")
    body: dict[str, Any] = {
        "type": f"https://pas.go.id/problems/{code}",
        "title": title_en if english else title_id,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field_path(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        return problem(
            request,
            status=exc.status,
            code=exc.code,
            title_id=exc.title_id,
            title_en=exc.title_en,
            detail=exc.detail,
            errors=exc.errors,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": _field_path(tuple(e.get("loc", ()))), "rule": e.get("type", "invalid"), "message": e.get("msg", "")}
            for e in exc.errors()
        ]
        fields = ", ".join(sorted({e["field"] for e in errors}))
        return problem(
            request,
            status=422,
            code="validation-error",
            title_id="Isian tidak valid",
            title_en="Invalid input",
            detail=f"Invalid fields: {fields}",
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(
            request,
            status=exc.status_code,
            code=f"http-{exc.status_code}",
            title_id="Permintaan gagal",
            title_en="Request failed",
            detail=str(exc.detail),
            headers=dict(exc.headers or {}),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return problem(
            request,
            status=500,
            code="internal-error",
            title_id="Terjadi kesalahan pada server",
            title_en="Internal server error",
            detail="The error was logged with the request's correlation id.",
        )
