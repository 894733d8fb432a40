"""ETag and If-None-Match on the gateway's GET answers (its own and the ones it forwards).

A 200 answer to a GET gets a strong ETag, a hash of its body (unless it already has one, as a
static file does). A request whose If-None-Match names it gets 304 Not Modified with no body:
a client polling a KPI or a list that has not changed downloads nothing. The access check runs
first, so a 304 is only ever given to a caller allowed to read the answer.
"""

import hashlib

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def body_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 §13.1.2: weak comparison, a list of tags or `*`."""
    wanted = if_none_match.strip()
    if wanted == "*":
        return True
    return _opaque(etag) in {_opaque(t) for t in wanted.split(",") if t.strip()}


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


# Kept on a 304 (RFC 9110 §15.4.5); the body and its length are not sent.
KEPT_ON_304 = {b"etag", b"cache-control", b"content-location", b"date", b"expires", b"vary", b"x-request-id"}


class ETagMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        if_none_match = _header(scope.get("headers") or [], b"if-none-match")
        start: Message | None = None
        chunks: list[bytes] = []
        passing = False  # not a 200, or one already tagged that does not match: sent as it comes
        dropping = False  # answered 304: the body is swallowed

        async def buffered(message: Message) -> None:
            nonlocal start, passing, dropping
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                etag = _header(headers, b"etag")
                if message["status"] != 200:
                    passing = True
                elif etag is not None:
                    if if_none_match is not None and matches(if_none_match, etag):
                        dropping = True
                        await send(_not_modified(message, headers))
                        return
                    passing = True
                if passing:
                    await send(message)
                else:
                    start = message
                return
            if message["type"] != "http.response.body" or passing:
                await send(message)
                return
            if dropping:
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            assert start is not None
            body = b"".join(chunks)
            etag = body_etag(body)
            headers = [*list(start.get("headers") or []), (b"etag", etag.encode())]
            if if_none_match is not None and matches(if_none_match, etag):
                await send(_not_modified(start, headers))
                await send({"type": "http.response.body", "body": b""})
                return
            await send(dict(start, headers=headers))
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, buffered)


def _not_modified(start: Message, headers: list[tuple[bytes, bytes]]) -> Message:
    return dict(start, status=304, headers=[(k, v) for k, v in headers if k.lower() in KEPT_ON_304])
