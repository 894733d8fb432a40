"""SIGKILL a service between commit and publish, and between consume and commit: after a
restart nothing is lost and nothing is applied twice."""

import asyncio
from pathlib import Path

import httpx

from tests.integration.harness import Platform, ServiceProcess, bearer, make_token, until_equal
from tests.integration.test_delivery import headcount
from tests.integration.test_event_flow import FACILITY, admission


async def _post_all(url: str, n: int, start: int = 0) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=30, headers=bearer(make_token())) as client:
        assert (await client.post("/api/v1/facilities", json=FACILITY)).status_code in (201, 409)
        for i in range(start, start + n):
            response = await client.post("/api/v1/inmates", json=admission(i))
            assert response.status_code == 201, response.text


async def test_killed_between_commit_and_publish(platform: Platform, tmp_path: Path) -> None:
    await platform.create_databases("remission", "security")
    remission = ServiceProcess(platform, "remission", tmp_path)
    security = ServiceProcess(platform, "security", tmp_path)
    try:
        # The relay is off: writes commit with their outbox rows, then the process dies.
        remission.start(relay_enabled=False)
        security.start()
        await remission.wait_healthy()
        await security.wait_healthy()
        await _post_all(remission.url, 25)
        assert await platform.scalar("remission", "SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 26
        remission.kill()

        remission.start()  # relay on again
        await remission.wait_healthy()
        await until_equal(lambda: headcount(platform), 25, timeout=60, what="25 admissions after restart")
        await asyncio.sleep(1)  # let any stray duplicate arrive before counting
        assert await headcount(platform) == 25
        assert await platform.scalar("security", "SELECT count(*) FROM inbox WHERE consumer = 'security.roster'") == 25
    finally:
        remission.stop()
        security.stop()


async def test_killed_while_publishing_and_while_consuming(platform: Platform, tmp_path: Path) -> None:
    """Kill the relay mid-drain (some rows published, not yet marked sent) and the consumer
    mid-stream (some events applied, offsets not yet committed), repeatedly."""
    await platform.create_databases("remission", "security")
    total = 1000
    remission = ServiceProcess(platform, "remission", tmp_path, relay_batch_size=20)
    security = ServiceProcess(platform, "security", tmp_path, consumer_batch_size=10)
    try:
        remission.start(relay_enabled=False)
        await remission.wait_healthy()
        await _post_all(remission.url, total)
        remission.kill()

        remission.start()
        security.start()
        await remission.wait_healthy()
        await security.wait_healthy()
        kills = 0
        seen = 0
        for _ in range(3):
            seen = await _next_progress(platform, seen)  # kill as soon as the consumer moves
            if seen >= total:
                break
            remission.kill()
            security.kill()
            kills += 1
            remission.start()
            security.start()
            await remission.wait_healthy()
            await security.wait_healthy()
        await until_equal(lambda: headcount(platform), total, timeout=120, what=f"{total} admissions")
        await asyncio.sleep(1)
        assert await headcount(platform) == total
        assert await platform.scalar("security", "SELECT count(*) FROM roster") == total
        assert await platform.scalar("security", "SELECT count(*) FROM inbox WHERE consumer = 'security.roster'") == total
        assert await platform.scalar("remission", "SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0
        assert kills >= 1, "the drain finished before any kill; the test proved nothing"
    finally:
        remission.stop()
        security.stop()


async def _next_progress(platform: Platform, seen: int, timeout: float = 60) -> int:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        now = await headcount(platform)
        if now > seen:
            return now
        await asyncio.sleep(0.02)
    raise AssertionError(f"no progress past {seen} events in {timeout}s")
