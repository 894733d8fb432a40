"""The job runner: runs each job after a first delay and then on its interval, survives a
failing run, and stops cleanly (pure scheduling logic; the jobs themselves are tested with the
services that own them)."""

import asyncio
from datetime import UTC, datetime
from typing import Any

from pas_shared.jobs import Job, JobRunner


async def test_jobs_run_on_their_interval_and_survive_a_failure() -> None:
    calls: list[str] = []

    async def flaky(db: Any, clock: Any) -> None:
        calls.append("flaky")
        if len(calls) == 1:
            raise RuntimeError("the database was restarting")

    async def steady(db: Any, clock: Any) -> None:
        assert clock().tzinfo is UTC
        calls.append("steady")

    runner = JobRunner(
        [Job("flaky", flaky), Job("steady", steady)], db=None, clock=lambda: datetime.now(UTC), interval=0.05, first_after=0.01
    )  # type: ignore[arg-type]
    runner.start()
    try:
        for _ in range(100):
            if runner.runs["flaky"] >= 2 and runner.runs["steady"] >= 3:
                break
            await asyncio.sleep(0.02)
    finally:
        await runner.stop()
    assert runner.failures == {"flaky": 1, "steady": 0}
    assert runner.runs["flaky"] >= 2 and runner.runs["steady"] >= 3
    count = len(calls)
    await asyncio.sleep(0.15)
    assert len(calls) == count  # stopped: no run after stop()
