"""The batch workers: results come back from a real worker process; a worker that dies mid-task
(killed, out of memory) costs one retry in a fresh pool, not the service's ability to compute."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from pas_remission.app.workers import INLINE, Workers


def square(n: int) -> int:
    return n * n


def die_once(marker: str) -> int:
    """Kills its worker the first time it runs (as the OOM killer would), answers the second."""
    path = Path(marker)
    if not path.exists():
        path.write_text("died")
        os._exit(9)
    return os.getpid()


def die(_: str) -> int:
    os._exit(9)


@pytest.fixture
def pool() -> Iterator[Workers]:
    workers = Workers(1)
    yield workers
    workers.close()


async def test_work_runs_in_another_process_and_inline_in_this_one(pool: Workers) -> None:
    assert [await pool.submit(square, n) for n in range(3)] == [0, 1, 4]
    assert await pool.submit(os.getpid) != os.getpid()
    assert await INLINE.submit(os.getpid) == os.getpid()


async def test_a_worker_that_dies_is_replaced_and_the_work_done_once_more(pool: Workers, tmp_path: Path) -> None:
    first_worker = await pool.submit(os.getpid)
    answered_by = await pool.submit(die_once, str(tmp_path / "died"))
    assert answered_by not in (first_worker, os.getpid())  # a fresh worker did it
    assert await pool.submit(square, 7) == 49  # and the pool goes on


async def test_work_that_kills_every_worker_fails_after_one_retry(pool: Workers, tmp_path: Path) -> None:
    with pytest.raises(BrokenProcessPool):
        await pool.submit(die, str(tmp_path))
    assert await pool.submit(square, 3) == 9


def fail_on(n: int, bad: int) -> int:
    if n == bad:
        raise ValueError(f"chunk {n}")
    return n


async def numbers(n: int) -> AsyncIterator[tuple[int, ...]]:
    for i in range(n):
        yield (i,)


@pytest.mark.parametrize("processes", [0, 1, 2])
async def test_chunks_are_taken_in_order_with_one_per_worker_in_flight(processes: int) -> None:
    pool = Workers(processes)
    taken: list[int] = []

    async def take(n: int) -> None:
        taken.append(n)

    try:
        await pool.map_chunks(numbers(7), square, take)
        assert taken == [n * n for n in range(7)]
    finally:
        pool.close()


async def test_a_failing_chunk_fails_the_whole_run(pool: Workers) -> None:
    taken: list[int] = []

    async def take(n: int) -> None:
        taken.append(n)

    async def chunks() -> AsyncIterator[tuple[int, ...]]:
        for i in range(6):
            yield (i, 3)

    with pytest.raises(ValueError, match="chunk 3"):
        await pool.map_chunks(chunks(), fail_on, take)
    assert taken == [0, 1, 2]  # nothing after the failed chunk is taken


def test_a_worker_does_not_outlive_a_killed_service(tmp_path: Path) -> None:
    """The service SIGKILLed (the fault tests do it): its worker exits too, within seconds."""
    script = tmp_path / "service.py"
    script.write_text(
        "import asyncio, os, signal\n"
        "from pas_remission.app.workers import Workers\n"
        "async def main():\n"
        "    print(await Workers(1).submit(os.getpid), flush=True)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "if __name__ == '__main__':\n"
        "    asyncio.run(main())\n"
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == -signal.SIGKILL, done.stderr
    worker = int(done.stdout.split()[0])
    deadline = time.monotonic() + 10
    while Path(f"/proc/{worker}").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not Path(f"/proc/{worker}").exists(), f"worker {worker} outlived its service"
