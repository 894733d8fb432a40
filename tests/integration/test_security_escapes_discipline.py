"""Escapes and inmate discipline take the caller's scope and the UPT's own calendar (its time
zone from the UPT directory, no longer a WIB assumption): local dates in a WITA UPT, refusals
that write nothing, records outside the scope not found, paginated lists."""

import json
from datetime import UTC, datetime

import httpx

from tests.integration.harness import Platform, create_app, running, until_equal
from tests.integration.test_event_flow import FACILITY, admission
from tests.integration.test_security_incidents import SECOND_FACILITY, FixedClock, facilities_known, with_test_scope

CIPINANG_ONLY = {"x-test-scope": "upt:LP-CIPINANG"}
SULSEL = {"x-test-scope": "kanwil:KW-SULSEL"}


async def counts(platform: Platform) -> tuple[int, ...]:
    return tuple(
        [
            await platform.scalar("security", f"SELECT count(*) FROM {table}")
            for table in ("escapes", "sanctions", "outbox", "audit_log")
        ]
    )


async def admit(remission: httpx.AsyncClient, n: int, upt_code: str) -> str:
    response = await remission.post("/api/v1/inmates", json=admission(n, upt_code) | {"admitted_on": "2026-01-10"})
    assert response.status_code == 201, response.text
    return str(response.json()["inmate_id"])


async def test_escapes_and_sanctions_use_the_upts_calendar_and_the_callers_scope(platform: Platform) -> None:
    await platform.create_databases("remission", "security")
    security_app = create_app(platform, "security")
    # 16:30 UTC on 14 March: 23:30 in Jakarta (WIB), already 00:30 on 15 March in Makassar (WITA).
    clock = FixedClock(datetime(2026, 3, 14, 16, 30, tzinfo=UTC))
    security_app.state.clock = clock
    with_test_scope(security_app)
    async with running(create_app(platform, "remission")) as remission, running(security_app) as security:
        for facility in (FACILITY, SECOND_FACILITY):
            assert (await remission.post("/api/v1/facilities", json=facility)).status_code == 201
        jakarta_inmate = await admit(remission, 1, "LP-CIPINANG")
        makassar_inmate = await admit(remission, 2, "LP-MAKASSAR")
        await facilities_known(platform, 2)

        async def on_rosters() -> int:
            return int(await platform.scalar("security", "SELECT count(*) FROM roster"))

        await until_equal(on_rosters, 2, what="security's roster has both inmates")

        escape = {
            "inmate_id": makassar_inmate,
            "upt_code": "LP-MAKASSAR",
            "escaped_at": "2026-03-15T00:15:00+08:00",
            "method": "pagar",
        }
        response = await security.post("/api/v1/escapes", json=escape)
        assert response.status_code == 201, response.text
        reported = response.json()
        assert (reported["escaped_at"], reported["escaped_on"]) == ("2026-03-14T16:15:00Z", "2026-03-15")  # WIB would say 14

        # Makassar's today is 15 March, Jakarta's still 14 March.
        sanction = {"inmate_id": makassar_inmate, "upt_code": "LP-MAKASSAR", "level": "berat", "sanctioned_on": "2026-03-15"}
        response = await security.post("/api/v1/discipline/sanctions", json=sanction | {"isolation_days": 6})
        assert response.status_code == 201, response.text
        makassar_case = response.json()["case_id"]
        before = await counts(platform)
        early = sanction | {"inmate_id": jakarta_inmate, "upt_code": "LP-CIPINANG", "isolation_days": 6}
        response = await security.post("/api/v1/discipline/sanctions", json=early)
        assert response.status_code == 422 and response.json()["errors"][0]["rule"] == "not-in-future", response.text
        assert await counts(platform) == before
        response = await security.post("/api/v1/discipline/sanctions", json=early | {"sanctioned_on": "2026-03-14"})
        assert response.status_code == 201, response.text
        jakarta_case = response.json()["case_id"]

        # Scope: Cipinang's officers do not see Makassar's escape or sanction and cannot act on them.
        before = await counts(platform)
        escape_id = reported["escape_id"]
        recapture = {"recaptured_at": "2026-03-15T08:00:00+08:00", "place": "Maros"}
        clock.at = datetime(2026, 3, 20, 0, 0, tzinfo=UTC)
        refused = [
            await security.post(f"/api/v1/escapes/{escape_id}/recapture", json=recapture, headers=CIPINANG_ONLY),
            await security.post(
                f"/api/v1/discipline/sanctions/{makassar_case}/annul", json={"annulled_on": "2026-03-16"}, headers=CIPINANG_ONLY
            ),
        ]
        assert [r.status_code for r in refused] == [404, 404]
        foreign = await security.post(
            "/api/v1/escapes",
            json=escape | {"inmate_id": jakarta_inmate, "upt_code": "LP-CIPINANG"},
            headers={"x-test-scope": "upt:LP-MAKASSAR"},
        )
        assert foreign.status_code == 422 and foreign.json()["errors"][0]["rule"] == "upt-registered"
        assert await counts(platform) == before

        assert (await security.get("/api/v1/escapes", headers=CIPINANG_ONLY)).json()["total"] == 0
        sulsel = (await security.get("/api/v1/escapes", headers=SULSEL)).json()
        assert [e["escape_id"] for e in sulsel["items"]] == [escape_id]
        listed = (await security.get("/api/v1/discipline/sanctions", headers=CIPINANG_ONLY)).json()
        assert (listed["total"], [s["case_id"] for s in listed["items"]]) == (1, [jakarta_case])
        by_inmate = (await security.get("/api/v1/discipline/sanctions", params={"inmate_id": makassar_inmate})).json()
        assert [s["case_id"] for s in by_inmate["items"]] == [makassar_case]

        # 23:30 WIB on 19 March is 00:30 WITA on 20 March: Makassar's date.
        response = await security.post(
            f"/api/v1/escapes/{escape_id}/recapture",
            json={"recaptured_at": "2026-03-19T23:30:00+07:00", "place": "Maros"},
            headers=SULSEL,
        )
        assert response.status_code == 200, response.text
        assert response.json()["recaptured_on"] == "2026-03-20"

        records = await platform.records("pas.security.escape.v1", at_least=2)
        payloads = [json.loads(r.value) for r in records]
        assert [(p.get("escaped_on"), p.get("recaptured_on")) for p in payloads] == [("2026-03-15", None), (None, "2026-03-20")]
        assert {dict(r.headers)["ce_kanwilcode"].decode() for r in records} == {"KW-SULSEL"}
        sanctioned = await platform.records("pas.security.discipline.v1", at_least=2)
        assert sorted(json.loads(r.value)["sanctioned_on"] for r in sanctioned) == ["2026-03-14", "2026-03-15"]
