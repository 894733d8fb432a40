"""problem+json (RFC 9457) for every 4xx/5xx: a stable `type`, an Indonesian-first `title`
(English with `Accept-Language: en`) and, for invalid input, each field and the rule it broke."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
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
}


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
        return problem(
            request,
            status=exc.status_code,
            code=f"http-{exc.status_code}",
            title_id="Permintaan gagal",
            title_en="Request failed",
            detail_id=str(exc.detail),
            detail_en=str(exc.detail),
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
            detail_id="Kesalahan telah dicatat dengan correlation id permintaan ini.",
            detail_en="The error was logged with the request's correlation id.",
        )
