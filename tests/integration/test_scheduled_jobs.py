"""Deadlines announce themselves: with its scheduled jobs on, food-audit warns of an expiring
hygiene certificate without anyone calling the warning route, once however often the job runs."""

from datetime import UTC, datetime

from tests.integration.harness import Platform, create_app, running, until_equal
from tests.integration.test_event_flow import FACILITY

WARNED = "SELECT count(*) FROM outbox WHERE event_type = 'pas.food-audit.certificate.expiry-warned'"


async def test_the_scheduler_warns_of_an_expiring_certificate_once(platform: Platform) -> None:
    await platform.create_databases("remission", "food-audit")
    food_app = create_app(platform, "food-audit", jobs_enabled=True, jobs_interval_seconds=0.3)
    food_app.state.clock = lambda: datetime(2026, 3, 4, 3, 0, tzinfo=UTC)
    async with running(create_app(platform, "remission")) as remission, running(food_app) as food:
        assert (await remission.post("/api/v1/facilities", json=FACILITY)).status_code == 201

        async def kitchen_registered() -> int:
            return (await food.post("/api/v1/kitchens", json={"upt_code": "LP-CIPINANG", "name": "Dapur utama"})).status_code

        await until_equal(kitchen_registered, 201, what="the facility reaching food-audit")
        kitchen_id = (await food.get("/api/v1/kitchens")).json()["items"][0]["kitchen_id"]
        assert await platform.scalar("food-audit", WARNED) == 0
        # Valid a year from 10 March 2025: 6 days left on 4 March 2026, inside the renewal window.
        cert = {"issuer": "Dinas Kesehatan Jakarta Timur", "number": "SLHS/443/2025", "issued_on": "2025-03-10"}
        assert (await food.post(f"/api/v1/kitchens/{kitchen_id}/certificates", json=cert)).status_code == 201

        await until_equal(lambda: platform.scalar("food-audit", WARNED), 1, what="the scheduled warning")
        jobs = food_app.state.jobs
        runs = jobs.runs["certificate-expiry"]
        await until_equal(lambda: _at_least(jobs.runs["certificate-expiry"], runs + 3), True, what="three more runs")
        assert await platform.scalar("food-audit", WARNED) == 1  # once per stage, however often the job runs
        assert jobs.failures == {"certificate-expiry": 0, "finding-escalation": 0}
        audit = await platform.scalar("food-audit", "SELECT count(*) FROM audit_log WHERE actor = 'system:scheduler'")
        assert audit >= 1


async def _at_least(value: int, threshold: int) -> bool:
    return value >= threshold
