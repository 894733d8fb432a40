"""Jobs a service runs by itself on a schedule: expiry warnings, escalations of what is overdue.

A deadline passing is a fact no request announces, so a service checks on its own every
`jobs_interval_seconds` (and once shortly after it starts). Every job must be idempotent: each
replica runs it, and a run may repeat after a crash; the use cases it calls record each warning
or escalation once. A failing run is logged and counted, and the next one tries again.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from pas_shared.api import Scope
from pas_shared.clock import Clock
from pas_shared.db import Database

log = logging.getLogger(__name__)

ACTOR = "system:scheduler"  # who the audit log names for what a job does
NATIONAL = Scope()  # a job looks at every UPT


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[Database, Clock], Awaitable[object]]


class JobRunner:
    def __init__(self, jobs: list[Job], db: Database, clock: Clock, *, interval: float, first_after: float = 5.0) -> None:
        self.jobs = jobs
        self.db = db
        self.clock = clock
        self.interval = interval
        self.first_after = first_after
        self.runs: dict[str, int] = {j.name: 0 for j in jobs}
        self.failures: dict[str, int] = {j.name: 0 for j in jobs}
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._loop(job), name=f"job:{job.name}") for job in self.jobs]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    async def run_once(self, job: Job) -> bool:
        try:
            await job.run(self.db, self.clock)
        except Exception:  # a job must not take the service down; the next run tries again
            self.failures[job.name] += 1
            log.exception("job failed", extra={"job": job.name})
            return False
        self.runs[job.name] += 1
        return True

    async def _loop(self, job: Job) -> None:
        await asyncio.sleep(self.first_after)
        while True:
            await self.run_once(job)
            await asyncio.sleep(self.interval)
