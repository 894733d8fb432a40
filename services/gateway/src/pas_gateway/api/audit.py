"""Gateway-wide audit: every write and every refusal through the gateway, proxied or its own
(login, user administration, ...), becomes one entry of the hash-chained audit trail
(domain/audit.py). Middleware, so no route has to remember it. If the entry cannot be written
(database down), the answer still goes back and the failure is logged as an error.

The entry is written when the response starts, before the client sees it: a client that got an
answer to a write can rely on its entry being there. The actor and scope are the ones the access
check put on the request (`request.state`); a refused request has none and is recorded as
`anonymous`. A write that fails with an unhandled error is recorded with status 500.
"""

import logging
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pas_gateway.app.audit import record
from pas_gateway.domain.audit import AuditRecord, is_audited
from pas_shared.logging import correlation_id

log = logging.getLogger(__name__)

ANONYMOUS = "anonymous"


def _scope_label(scope: Any) -> str:
    level = getattr(scope, "level", None)
    if level is None:
        return ""
    return str(level) if level == "national" else f"{level}:{getattr(scope, 'code', '')}"


def _audit_record(scope: Scope, status: int, at: datetime) -> AuditRecord:
    state = scope.get("state") or {}
    client = scope.get("client")
    return AuditRecord(
        at=at,
        actor=str(state.get("actor") or ANONYMOUS),
        scope=_scope_label(state.get("scope")),
        method=scope["method"],
        path=scope["path"],
        query=scope.get("query_string", b"").decode("latin-1"),
        status=status,
        client=client[0] if client else "",
        correlation_id=correlation_id.get() or "",
    )


class AuditMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def _record(self, scope: Scope, status: int) -> None:
        app_state = scope["app"].state
        clock = getattr(app_state, "clock", None)
        at = clock() if clock else datetime.now(UTC)
        try:
            await record(app_state.db, _audit_record(scope, status, at))
        except Exception:
            # The request is done (a write may already have happened upstream): its answer still
            # goes back, and the missing entry is logged as an error for the operators.
            log.exception("audit entry not written", extra={"method": scope["method"], "path": scope["path"], "status": status})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_recorded(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if is_audited(scope["method"], message["status"]):
                    await self._record(scope, message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_recorded)
        except Exception:
            if not started and is_audited(scope["method"], 500):
                await self._record(scope, 500)
            raise
