"""The KPI answers kept in memory, serialized: a national dashboard polled by many users costs
one computation per change of the read models, not one per request.

An answer is kept under what it depends on: the area (or series), the scope it is FOR (resolved
from the caller's scope before the cache is asked: two callers share an answer only when they
were allowed the same scope), the period asked and today's date. It is fresh while

- no batch of KPI events has committed in this process since it was computed
  (`READ_MODEL_VERSION`, bumped by the projections after each commit), and
- it is younger than `ttl` seconds (setting `kpi_cache_seconds`, 1 s by default): what other
  gateway replicas applied, a source's lag on the broker and the clock reach the answer within
  that time.

An answer that is no longer fresh (its time ran out, or the read models changed) is still given
to other requests while ONE request computes the next one: under a steady stream of events every
batch changes the read models, and if every reader waited for a recomputation the answers would
queue behind the database (measured in bench/national_load.py). So a reader gets an answer at most
one computation behind, whose as-of times say so; the request that finds it stale and no one
computing it waits for the new one, so a caller asking again after a change sees it. Concurrent
requests for a missing answer wait for the same computation. At most `max_entries` answers are kept
(the least recently computed go first).
"""

import asyncio
import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass

from pas_gateway.app.kpi_projection import READ_MODEL_VERSION, ReadModelVersion


@dataclass(frozen=True)
class CachedAnswer:
    body: bytes
    etag: str  # strong, from the body: a client's If-None-Match is answered 304 without hashing again
    version: int
    computed_at: float


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


class AnswerCache:
    def __init__(
        self,
        *,
        ttl: float,
        max_entries: int = 1024,
        version: ReadModelVersion = READ_MODEL_VERSION,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self.version = version
        self._monotonic = monotonic
        self._answers: OrderedDict[Hashable, CachedAnswer] = OrderedDict()
        self._computing: dict[Hashable, asyncio.Future[CachedAnswer]] = {}

    def peek(self, key: Hashable) -> CachedAnswer | None:
        """The answer `get` would give at once, if there is one (None: it must be computed)."""
        found = self._answers.get(key)
        if found is None:
            return None
        if key in self._computing:
            return found  # being computed again by another request: this one meanwhile
        if found.version == self.version.value and self._monotonic() - found.computed_at < self.ttl:
            return found
        return None

    async def get(self, key: Hashable, compute: Callable[[], Awaitable[bytes]]) -> CachedAnswer:
        found = self.peek(key)
        if found is not None:
            return found
        pending = self._computing.get(key)
        if pending is None:
            return await self._compute(key, compute)
        try:
            return await asyncio.shield(pending)
        except asyncio.CancelledError:
            if not pending.cancelled():
                raise  # this request was cancelled, not the computation
        return await self.get(key, compute)  # the request computing it was cancelled: again

    async def _compute(self, key: Hashable, compute: Callable[[], Awaitable[bytes]]) -> CachedAnswer:
        future: asyncio.Future[CachedAnswer] = asyncio.get_running_loop().create_future()
        self._computing[key] = future
        try:
            version, started = self.version.value, self._monotonic()  # read before: a change during it makes it stale
            body = await compute()
            answer = CachedAnswer(body, etag_of(body), version, started)
            self._answers[key] = answer
            self._answers.move_to_end(key)
            while len(self._answers) > self.max_entries:
                self._answers.popitem(last=False)
            future.set_result(answer)
            return answer
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here: waiters (if any) get it too, none is left unobserved
            raise
        finally:
            del self._computing[key]
