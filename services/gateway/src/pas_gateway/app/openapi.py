"""The merged OpenAPI document: the gateway's own plus each service's, fetched from the
services and cached. A copy is refetched when older than `refresh_seconds` (sooner, after
`retry_seconds`, while a service could not be read); a failed fetch keeps the last good copy, so
the document still lists a service that is down. `x-pas-upstreams` says where each part is from."""

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pas_gateway.adapters.upstream import Upstreams, UpstreamUnavailable
from pas_gateway.domain.openapi_merge import Document, MergeConflict, merge

log = logging.getLogger(__name__)

FETCH_TIMEOUT_SECONDS = 5.0


@dataclass
class _Copy:
    document: Document | None = None
    fetched_at: datetime | None = None
    fetched_mono: float | None = None
    attempted_mono: float | None = None
    error: str = ""


class OpenApiCatalog:
    def __init__(
        self,
        upstreams: Upstreams,
        *,
        refresh_seconds: float,
        retry_seconds: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.upstreams = upstreams
        self.refresh_seconds = refresh_seconds
        self.retry_seconds = retry_seconds
        self._monotonic = monotonic
        self._copies = {name: _Copy() for name in upstreams.names()}
        self._lock = asyncio.Lock()

    def _stale(self, copy: _Copy, now: float) -> bool:
        if copy.attempted_mono is None:
            return True
        if copy.error:
            return now - copy.attempted_mono >= self.retry_seconds
        return copy.fetched_mono is None or now - copy.fetched_mono >= self.refresh_seconds

    async def refresh(self, *, force: bool = False) -> None:
        """Fetch the copies that are stale (all of them with `force`), concurrently."""
        async with self._lock:
            now = self._monotonic()
            due = [name for name, copy in self._copies.items() if force or self._stale(copy, now)]
            await asyncio.gather(*(self._fetch(name) for name in due))

    async def _fetch(self, service: str) -> None:
        copy = self._copies[service]
        copy.attempted_mono = self._monotonic()
        try:
            response = await self.upstreams[service].send("GET", "/openapi.json", timeout=FETCH_TIMEOUT_SECONDS)
            if response.status != 200:
                raise ValueError(f"answered {response.status}")
            document = json.loads(response.content)
            if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
                raise ValueError("not an OpenAPI document")
        except (UpstreamUnavailable, ValueError) as exc:
            copy.error = str(exc) or type(exc).__name__
            log.warning("OpenAPI of %s not fetched (%s); keeping the last good copy", service, copy.error)
            return
        copy.document, copy.error = document, ""
        copy.fetched_at, copy.fetched_mono = datetime.now(UTC), self._monotonic()

    async def merged(self, own: Document) -> Document:
        await self.refresh()
        document = own
        sources: dict[str, Any] = {}
        for service, copy in self._copies.items():
            included = False
            if copy.document is not None:
                try:
                    document = merge(document, {service: copy.document})
                    included = True
                except MergeConflict:
                    log.exception("OpenAPI of %s left out of the merged document", service)
            sources[service] = {
                "included": included,
                "fetched_at": copy.fetched_at.isoformat() if copy.fetched_at else None,
                "last_error": copy.error or None,
            }
        return document | {"x-pas-upstreams": sources}
