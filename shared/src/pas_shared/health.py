"""Liveness and readiness. Ready means: the database answers and the broker answers."""

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

router = APIRouter(tags=["health"])

Check = Callable[[], Awaitable[None]]


@router.get("/healthz", operation_id="healthz", summary="Liveness: the process serves requests; and its version.")
async def healthz(request: Request) -> dict[str, str]:
    return {"status": "ok", "version": request.app.version}


_READINESS = {
    "description": "Each check: `ok` or `fail: <why>`.",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["status", "checks"],
                "properties": {
                    "status": {"type": "string", "enum": ["ready", "not ready"]},
                    "checks": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            }
        }
    },
}


@router.get(
    "/readyz",
    operation_id="readyz",
    summary="Readiness: database and broker reachable.",
    responses={200: _READINESS, 503: _READINESS | {"description": "Not ready: a check failed."}},
)
async def readyz(request: Request) -> JSONResponse:
    checks: dict[str, Check] = request.app.state.readiness_checks
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            await asyncio.wait_for(check(), timeout=3)
            results[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means not ready; say which
            results[name] = f"fail: {type(exc).__name__}: {exc}"[:300]
    ready = all(v == "ok" for v in results.values())
    return JSONResponse({"status": "ready" if ready else "not ready", "checks": results}, status_code=200 if ready else 503)


def database_check(engine_getter: Callable[[], object]) -> Check:
    async def check() -> None:
        engine = engine_getter()
        async with engine.connect() as conn:  # type: ignore[attr-defined]
            await conn.execute(text("SELECT 1"))

    return check
