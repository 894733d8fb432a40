"""Worker processes for the engine's bulk work, off the service's event loop.

A national batch is 276,000 cases: about 15 s of one core. Computed on the event loop it would
freeze the service for that long (its health checks, every other request, the outbox relay and
the consumers) and use one core however many the deployment gives it. A worker process computes
one chunk while the service reads the next chunk and writes the previous chunk's proposals.

With no processes (`PAS_REMISSION_BATCH_WORKERS=0`) the work runs in the service's own process,
as before; the results are the same either way (tests compare them)."""

import asyncio
import functools
import os
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Any, TypeVar

T = TypeVar("T")


class Workers:
    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, fn: Callable[..., T], *args: Any) -> "asyncio.Task[T]":
        """Start `fn(*args)` now (a module-level function of pure inputs, so it can be pickled);
        await the task for its result."""
        return asyncio.get_running_loop().create_task(self._run(fn, *args))

    async def map_chunks(
        self, chunks: AsyncIterator[tuple[Any, ...]], fn: Callable[..., T], take: Callable[[T], Awaitable[None]]
    ) -> None:
        """`fn(*args)` for each `args` of `chunks`, one chunk per worker in flight: reading the
        next chunk and taking the results of finished ones (in order) overlap the work. When
        anything fails, the chunks still in flight are abandoned and the error raised."""
        in_flight: deque[asyncio.Task[T]] = deque()
        try:
            async for args in chunks:
                in_flight.append(self.submit(fn, *args))
                while len(in_flight) > max(1, self.processes):
                    await take(await in_flight.popleft())
            while in_flight:
                await take(await in_flight.popleft())
        finally:
            for task in in_flight:
                task.cancel()

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        if self.processes == 0:
            return fn(*args)
        for attempt in (1, 2):
            pool = self._executor()
            try:
                return await asyncio.wrap_future(pool.submit(fn, *args))
            except BrokenProcessPool:
                # A worker died (killed, out of memory): the pool is unusable from then on. The
                # work is pure, so it is safe to run again once, in a fresh pool (one for all the
                # chunks that were in flight in the broken one).
                if self._pool is pool:
                    self._pool = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn: a fresh interpreter. Forking a process that runs an event loop and threads
            # (the Kafka clients, the database pool) can copy a lock held mid-operation.
            self._pool = ProcessPoolExecutor(
                self.processes, mp_context=get_context("spawn"), initializer=_exit_with_parent, initargs=(os.getpid(),)
            )
        return self._pool


def _exit_with_parent(parent: int) -> None:
    """In a worker: exit once the service that started it is gone (SIGKILLed, crashed), rather
    than live on as an orphan holding its memory."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


@functools.cache
def workers(processes: int) -> Workers:
    """One pool per process and size, started at its first use."""
    return Workers(processes)


INLINE = Workers(0)  # in the caller's process
