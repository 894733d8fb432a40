"""The gauge behind the alert "escapes not escalated in time": security's /metrics counts, at each
scrape, the critical incidents whose escalation deadline has passed unmet, per Kanwil, level and
category, the way the overdue list counts them (duplicates and not-reportable incidents left
out). Time passes with the injected clock; the same on PostgreSQL and on SQLite (`make run`)."""

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.harness import Platform, create_app, running, until_equal
from tests.integration.test_event_flow import FACILITY
from tests.integration.test_security_incidents import SECOND_FACILITY, FixedClock, riot

GAUGE = "pas_security_escalations_overdue"
# 18:30 WIB in Cipinang (KW-DKI) = 11:30 UTC: Kanwil due 12:30 UTC, headquarters 14:30 (rule data).
ESCAPE = riot(category="escape", severity="critical", title="Pelarian dari blok C", actions=[])
# 19:30 WITA in Makassar (KW-SULSEL) = 11:30 UTC too.
MAKASSAR_RIOT = riot(upt_code="LP-MAKASSAR", occurred_at="2026-03-10T19:30:00", actions=[])


async def overdue_gauge(security: httpx.AsyncClient) -> dict[tuple[str, str, str], float]:
    response = await security.get("/metrics")
    assert response.status_code == 200
    return {
        (s.labels["kanwil_code"], s.labels["level"], s.labels["category"]): s.value
        for family in text_string_to_metric_families(response.text)
        if family.name == GAUGE
        for s in family.samples
    }


async def facilities_known(app: FastAPI) -> int:
    """The UPTs security learned from remission's events, in whichever database it runs on."""
    async with app.state.db.engine.connect() as conn:
        return int((await conn.exec_driver_sql("SELECT count(*) FROM facilities")).scalar_one())


async def overdue_total(security: httpx.AsyncClient) -> int:
    return int((await security.get("/api/v1/incidents/escalations/overdue")).json()["total"])


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
async def test_overdue_escalations_are_a_gauge_on_metrics(platform: Platform, database: str, tmp_path: Path) -> None:
    await platform.create_databases("remission", "security")
    overrides = {"database_url": f"sqlite+aiosqlite:///{tmp_path / 'security.db'}"} if database == "sqlite" else {}
    security_app = create_app(platform, "security", **overrides)
    clock = FixedClock(datetime(2026, 3, 10, 12, 0, tzinfo=UTC))
    security_app.state.clock = clock
    async with running(create_app(platform, "remission")) as remission, running(security_app) as security:
        for facility in (FACILITY, SECOND_FACILITY):
            assert (await remission.post("/api/v1/facilities", json=facility)).status_code == 201
        await until_equal(lambda: facilities_known(security_app), 2, what="security knows the registered UPTs")

        async def report(body: dict[str, object]) -> str:
            response = await security.post("/api/v1/incidents", json=body)
            assert response.status_code == 201, response.text
            return str(response.json()["incident_id"])

        escape = await report(ESCAPE)
        await report(MAKASSAR_RIOT)
        mistaken = await report(ESCAPE | {"title": "Salah hitung saat apel"})
        moved = await security.post(
            f"/api/v1/incidents/{mistaken}/transitions", json={"to": "not-reportable", "why": "salah hitung"}
        )
        assert moved.status_code == 200, moved.text

        assert await overdue_gauge(security) == {}  # 12:00 UTC: every deadline still running

        clock.at = datetime(2026, 3, 10, 12, 40, tzinfo=UTC)  # the Kanwil deadlines (12:30) passed
        assert await overdue_gauge(security) == {("KW-DKI", "kanwil", "escape"): 1, ("KW-SULSEL", "kanwil", "riot"): 1}
        assert await overdue_total(security) == 2  # the gauge counts what the overdue list lists

        late = await security.post(
            f"/api/v1/incidents/{escape}/escalations", json={"level": "kanwil", "escalated_at": "2026-03-10T19:35:00+07:00"}
        )
        assert late.status_code == 200, late.text
        assert await overdue_gauge(security) == {("KW-SULSEL", "kanwil", "riot"): 1}  # met late: no longer overdue

        clock.at = datetime(2026, 3, 10, 14, 40, tzinfo=UTC)  # headquarters' deadlines passed too
        assert await overdue_gauge(security) == {
            ("KW-DKI", "headquarters", "escape"): 1,
            ("KW-SULSEL", "kanwil", "riot"): 1,
            ("KW-SULSEL", "headquarters", "riot"): 1,
        }
        assert await overdue_total(security) == 3
