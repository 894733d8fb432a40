"""problem+json (RFC 9457) for every 4xx/5xx: a stable `type`, an Indonesian-first `title`
(English with `Accept-Language: en`) and, for invalid input, each field and the rule it broke."""

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from sqlalchemy.exc import DBAPIError, StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException

from pas_shared.errors import DomainError, FieldError

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


# Indonesian messages for the validation rules pydantic reports (English comes from pydantic).
_RULES_ID = {
    "missing": "Wajib diisi.",
    "extra_forbidden": "Isian ini tidak dikenal.",
    "enum": "Nilai tidak termasuk pilihan yang diizinkan.",
    "literal_error": "Nilai tidak termasuk pilihan yang diizinkan.",
    "string_pattern_mismatch": "Format tidak sesuai.",
    "string_too_short": "Terlalu pendek.",
    "string_too_long": "Terlalu panjang.",
    "string_type": "Harus berupa teks.",
    "string_unicode": "Harus berupa teks Unicode yang sah.",
    "int_parsing": "Harus berupa bilangan bulat.",
    "int_type": "Harus berupa bilangan bulat.",
    "bool_parsing": "Harus berupa true atau false.",
    "greater_than_equal": "Nilai terlalu kecil.",
    "greater_than": "Nilai terlalu kecil.",
    "less_than_equal": "Nilai terlalu besar.",
    "less_than": "Nilai terlalu besar.",
    "date_from_datetime_parsing": "Harus berupa tanggal (YYYY-MM-DD).",
    "date_parsing": "Harus berupa tanggal (YYYY-MM-DD).",
    "date_type": "Harus berupa tanggal (YYYY-MM-DD).",
    "datetime_parsing": "Harus berupa waktu ISO 8601 dengan zona waktu.",
    "datetime_from_date_parsing": "Harus berupa waktu ISO 8601 dengan zona waktu.",
    "timezone_aware": "Waktu harus menyertakan zona waktu.",
    "json_invalid": "Isi permintaan bukan JSON yang sah.",
    "model_attributes_type": "Harus berupa objek JSON.",
    "dict_type": "Harus berupa objek JSON.",
    "text_unstorable": "Teks memuat karakter yang tidak dapat disimpan (NUL atau surrogate tunggal).",
}
# PostgreSQL's SQLSTATEs for text it cannot store (NUL; a character outside the encoding).
_UNSTORABLE_SQLSTATES = frozenset({"22021", "22P05"})
# ... and for a server going away or not taking connections yet: class 08 (connection exception),
# admin_shutdown, crash_shutdown, cannot_connect_now (a restart in progress).
_UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})
# What a client is told to wait when the database cannot be reached (a restart takes seconds).
DATABASE_RETRY_AFTER_SECONDS = 5


def english_requested(request: Request) -> bool:
    return request.headers.get("accept-language", "").lower().startswith("en")


def problem(
    request: Request,
    *,
    status: int,
    code: str,
    title_id: str,
    title_en: str,
    detail_id: str,
    detail_en: str,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    en = english_requested(request)
    body: dict[str, Any] = {
        "type": f"https://pas.go.id/problems/{code}",
        "title": title_en if en else title_id,
        "status": status,
        "detail": detail_en if en else detail_id,
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = [{"field": e.field, "rule": e.rule, "message": e.message_en if en else e.message_id} for e in errors]
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field_path(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def _caused_by(exc: BaseException, what: Callable[[BaseException], bool]) -> bool:
    """Whether `what` holds for the error or anything that caused it (its cause, its context, the
    driver's original error a SQLAlchemy error wraps)."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if what(e):
            return True
        orig = getattr(e, "orig", None)
        todo.extend([e.__cause__, e.__context__, orig if isinstance(orig, BaseException) else None])
    return False


def _refuses_text(e: BaseException) -> bool:
    if getattr(e, "sqlstate", None) in _UNSTORABLE_SQLSTATES:
        return True
    return isinstance(e, UnicodeEncodeError) and "surrogate" in str(e.reason)


def _unstorable_text(exc: BaseException) -> bool:
    """Whether an error (or what caused it) is the database or its driver refusing text."""
    return _caused_by(exc, _refuses_text)


def _unreachable(e: BaseException) -> bool:
    sqlstate = str(getattr(e, "sqlstate", None) or "")
    if sqlstate.startswith("08") or sqlstate in _UNAVAILABLE_SQLSTATES:
        return True
    return isinstance(e, ConnectionError | TimeoutError) or (isinstance(e, DBAPIError) and e.connection_invalidated)


def _database_unavailable(exc: BaseException) -> bool:
    """Whether an error (or what caused it) is the database being unreachable: refused or lost
    connections, a server shutting down or starting up. Not the request's fault, nor a bug."""
    return _caused_by(exc, _unreachable)


def _database_problem(request: Request, exc: BaseException) -> JSONResponse:
    log.warning("database unavailable: %s: %s", type(exc).__name__, exc)
    return problem(
        request,
        status=503,
        code="database-unavailable",
        title_id="Layanan tidak tersedia",
        title_en="Service unavailable",
        detail_id=f"Basis data tidak dapat dihubungi; coba lagi dalam {DATABASE_RETRY_AFTER_SECONDS} detik.",
        detail_en=f"The database cannot be reached; try again in {DATABASE_RETRY_AFTER_SECONDS} seconds.",
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )


def _allow(request: Request, exc: StarletteHTTPException) -> dict[str, str]:
    """A 405's headers with `Allow` naming every method of every route of that path: Starlette
    names those of the last route that matched, and a path's GET and POST are two routes."""
    headers = dict(exc.headers or {})
    methods: set[str] = set()
    for context in iter_route_contexts(request.app.routes):
        regex, allowed = getattr(context, "path_regex", None), getattr(context, "methods", None)
        if regex is not None and allowed and regex.match(request.url.path):
            methods.update(allowed)
    if methods:
        headers["Allow"] = ", ".join(sorted(methods))
    return headers


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        return problem(
            request,
            status=exc.status,
            code=exc.code,
            title_id=exc.title_id,
            title_en=exc.title_en,
            detail_id=exc.detail_id,
            detail_en=exc.detail_en,
            errors=exc.errors,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = []
        for e in exc.errors():
            rule = e.get("type", "invalid")
            message_en = e.get("msg", "")
            errors.append(FieldError(_field_path(tuple(e.get("loc", ()))), rule, _RULES_ID.get(rule, message_en), message_en))
        fields = ", ".join(sorted({e.field for e in errors}))
        return problem(
            request,
            status=422,
            code="validation-error",
            title_id="Isian tidak valid",
            title_en="Invalid input",
            detail_id=f"Isian tidak valid: {fields}",
            detail_en=f"Invalid fields: {fields}",
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # An HTTPException of ours (pas_shared.limits) may carry its own code, titles and details.
        return problem(
            request,
            status=exc.status_code,
            code=getattr(exc, "code", f"http-{exc.status_code}"),
            title_id=getattr(exc, "title_id", "Permintaan gagal"),
            title_en=getattr(exc, "title_en", "Request failed"),
            detail_id=getattr(exc, "detail_id", str(exc.detail)),
            detail_en=getattr(exc, "detail_en", str(exc.detail)),
            headers=_allow(request, exc) if exc.status_code == 405 else dict(exc.headers or {}),
        )

    @app.exception_handler(StatementError)
    @app.exception_handler(UnicodeEncodeError)
    @app.exception_handler(OSError)
    async def _unstorable(request: Request, exc: Exception) -> JSONResponse:
        # The database unreachable (stopped, restarting, connection lost): 503 with Retry-After,
        # so a client retries later instead of taking it for a bug (a 500).
        if _database_unavailable(exc):
            return _database_problem(request, exc)
        # The safety net behind pas_shared.api.Body: text the database cannot store, wherever it
        # came from (a query parameter, a body not deriving Body), is the caller's error, not ours.
        if not _unstorable_text(exc):
            raise exc
        return problem(
            request,
            status=422,
            code="text-unstorable",
            title_id="Isian tidak valid",
            title_en="Invalid input",
            detail_id=_RULES_ID["text_unstorable"],
            detail_en="Text contains a character that cannot be stored (NUL or a lone surrogate).",
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        if _database_unavailable(exc):  # a driver error that reached here unwrapped
            return _database_problem(request, exc)
        log.exception("unhandled error")
        return problem(
            request,
            status=500,
            code="internal-error",
            title_id="Terjadi kesalahan pada server",
            title_en="Internal server error",
            detail_id="Kesalahan telah dicatat dengan correlation id permintaan ini.",
            detail_en="The error was logged with the request's correlation id.",
        )


# --- the OpenAPI documents say what the handlers above answer -------------------------------

PROBLEM_SCHEMA = "Problem"
PROBLEM_FIELD_SCHEMA = "ProblemFieldError"
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")
_OPERATION_KEYS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def _problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": f"#/components/schemas/{PROBLEM_SCHEMA}"}}},
    }


def _problem_schemas() -> dict[str, Any]:
    text = {"type": "string"}
    return {
        PROBLEM_SCHEMA: {
            "title": "Problem",
            "description": "RFC 9457 problem details; `errors` names each field and the rule it broke.",
            "type": "object",
            "required": ["type", "title", "status", "detail", "instance"],
            "properties": {
                "type": text,
                "title": text,
                "status": {"type": "integer", "minimum": 400, "maximum": 599},
                "detail": text,
                "instance": text,
                "errors": {"type": "array", "items": {"$ref": f"#/components/schemas/{PROBLEM_FIELD_SCHEMA}"}},
            },
        },
        PROBLEM_FIELD_SCHEMA: {
            "title": "ProblemFieldError",
            "type": "object",
            "required": ["field", "rule", "message"],
            "properties": {"field": text, "rule": text, "message": text},
        },
    }


def add_problem_responses(document: dict[str, Any]) -> dict[str, Any]:
    """Every operation of an OpenAPI document answers its 4xx as problem+json (the handlers
    above): FastAPI's own 422 entry (application/json, HTTPValidationError) is replaced, and a
    `4XX` entry covers the others (401, 403, 404, 409, 413...). Idempotent; returns the document."""
    for item in (document.get("paths") or {}).values():
        for method, operation in item.items():
            if method not in _OPERATION_KEYS or not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            if "422" in responses:
                responses["422"] = _problem_response(responses["422"].get("description") or "Validation Error")
            responses.setdefault("4XX", _problem_response("Refused: problem details (RFC 9457), Indonesian first."))
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(_problem_schemas())
    text = repr(document.get("paths"))
    for name in _FASTAPI_VALIDATION_SCHEMAS:  # no longer referenced by any operation
        if f"#/components/schemas/{name}'" not in text and name in schemas:
            del schemas[name]
    return document


def document_problems(app: FastAPI) -> None:
    """Make the app's /openapi.json describe its problem+json answers (add_problem_responses)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        return add_problem_responses(generate())

    app.openapi = openapi  # type: ignore[method-assign]
