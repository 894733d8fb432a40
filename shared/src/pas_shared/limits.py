"""The largest request body a service accepts (settings.max_request_body_bytes, 1 MiB by default).

A body announced larger (Content-Length) is refused with 413 problem+json before anything reads
it; a body without Content-Length (chunked) is counted as it is read, and the route reading it
gets the same 413 once it passes the limit. So no route parses, validates or stores an oversized
body, and no event follows from one."""

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pas_shared.problems import problem

BODY_TOO_LARGE_ID = "Isi permintaan melebihi batas {limit} bita."
BODY_TOO_LARGE_EN = "The request body is larger than the limit of {limit} bytes."


class BodyTooLarge(StarletteHTTPException):
    """Raised from `receive` once a body without Content-Length passes the limit: FastAPI passes
    HTTPExceptions from the body read on to the handlers (pas_shared.problems renders it)."""

    code = "content-too-large"
    title_id = "Isi permintaan terlalu besar"
    title_en = "Content too large"

    def __init__(self, limit: int) -> None:
        self.detail_id = BODY_TOO_LARGE_ID.format(limit=limit)
        self.detail_en = BODY_TOO_LARGE_EN.format(limit=limit)
        super().__init__(status_code=413, detail=self.detail_en, headers={"Connection": "close"})


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        if declared is not None:  # the server holds the body to its declared length
            await self.app(scope, receive, send)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:  # read outside a route (the handlers did not see it)
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        exc = BodyTooLarge(self.max_bytes)
        response = problem(
            Request(scope, receive),
            status=exc.status_code,
            code=exc.code,
            title_id=exc.title_id,
            title_en=exc.title_en,
            detail_id=exc.detail_id,
            detail_en=exc.detail_en,
            headers=dict(exc.headers or {}),
        )
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers") or []:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
