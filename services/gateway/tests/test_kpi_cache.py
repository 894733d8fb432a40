"""The KPI answers' cache: fresh while the read models have not changed in this process and the
answer is younger than its time to live; one computation for concurrent requests; a stale
answer (aged, or the read models changed) given to others while one request computes the next;
a failure never kept."""

import asyncio

import pytest

from pas_gateway.app.kpi_cache import AnswerCache, etag_of
from pas_gateway.app.kpi_projection import ReadModelVersion


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Computation:
    def __init__(self) -> None:
        self.calls = 0
        self.gate: asyncio.Event | None = None

    async def __call__(self) -> bytes:
        self.calls += 1
        if self.gate is not None:
            await self.gate.wait()
        return f'{{"n":{self.calls}}}'.encode()


def new_cache(ttl: float = 1.0, **kw: int) -> tuple[AnswerCache, ReadModelVersion, Clock]:
    version, clock = ReadModelVersion(), Clock()
    return AnswerCache(ttl=ttl, version=version, monotonic=clock, **kw), version, clock


async def test_kept_until_the_read_models_change_or_its_time_runs_out() -> None:
    cache, version, clock = new_cache(ttl=1.0)
    compute = Computation()
    first = await cache.get("k", compute)
    assert first.body == b'{"n":1}' and first.etag == etag_of(b'{"n":1}')
    clock.now += 0.9
    assert (await cache.get("k", compute)).body == b'{"n":1}'
    version.bump()  # a batch of KPI events committed
    assert (await cache.get("k", compute)).body == b'{"n":2}'
    clock.now += 1.0  # older than its time to live
    assert (await cache.get("k", compute)).body == b'{"n":3}'
    assert (await cache.get("other", compute)).body == b'{"n":4}'  # every key its own answer
    assert compute.calls == 4


async def test_concurrent_requests_share_one_computation() -> None:
    cache, _, _ = new_cache()
    compute = Computation()
    compute.gate = asyncio.Event()
    waiting = [asyncio.create_task(cache.get("k", compute)) for _ in range(20)]
    await asyncio.sleep(0)
    compute.gate.set()
    answers = await asyncio.gather(*waiting)
    assert compute.calls == 1 and {a.body for a in answers} == {b'{"n":1}'}


async def test_an_aged_answer_is_given_while_one_request_computes_the_next() -> None:
    cache, version, clock = new_cache(ttl=1.0)
    compute = Computation()
    await cache.get("k", compute)
    clock.now += 5
    compute.gate = asyncio.Event()
    refreshing = asyncio.create_task(cache.get("k", compute))
    await asyncio.sleep(0)
    assert (await cache.get("k", compute)).body == b'{"n":1}'  # not kept waiting
    compute.gate.set()
    assert (await refreshing).body == b'{"n":2}'
    # so is one the read models changed under, to the others: the request that found it stale waits
    version.bump()
    compute.gate = asyncio.Event()
    computing = asyncio.create_task(cache.get("k", compute))
    await asyncio.sleep(0)
    assert not computing.done()
    assert (await cache.get("k", compute)).body == b'{"n":2}'  # one computation behind, not kept waiting
    compute.gate.set()
    assert (await computing).body == b'{"n":3}'
    assert (await cache.get("k", compute)).body == b'{"n":3}' and compute.calls == 3


async def test_a_change_during_a_computation_makes_its_answer_stale() -> None:
    cache, version, _ = new_cache()
    compute = Computation()
    compute.gate = asyncio.Event()
    computing = asyncio.create_task(cache.get("k", compute))
    await asyncio.sleep(0)
    version.bump()  # committed while the answer was being read
    compute.gate.set()
    await computing
    compute.gate = None
    assert (await cache.get("k", compute)).body == b'{"n":2}'


async def test_a_failure_is_given_to_every_waiter_and_never_kept() -> None:
    cache, _, _ = new_cache()
    gate = asyncio.Event()
    calls = 0

    async def failing() -> bytes:
        nonlocal calls
        calls += 1
        await gate.wait()
        raise LookupError("read model unavailable")

    first, second = asyncio.create_task(cache.get("k", failing)), asyncio.create_task(cache.get("k", failing))
    await asyncio.sleep(0)
    gate.set()
    for task in (first, second):
        with pytest.raises(LookupError):
            await task
    assert calls == 1
    assert (await cache.get("k", Computation())).body == b'{"n":1}'


async def test_at_most_max_entries_answers_are_kept() -> None:
    cache, _, _ = new_cache(max_entries=2)
    compute = Computation()
    for key in ("a", "b", "c"):
        await cache.get(key, compute)
    await cache.get("b", compute)
    await cache.get("c", compute)
    assert compute.calls == 3
    await cache.get("a", compute)  # the oldest went first
    assert compute.calls == 4
