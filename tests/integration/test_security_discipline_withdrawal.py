"""Withdrawing an inmate discipline case before the Kalapas' decision, over HTTP on the real
database and broker: status withdrawn with who, when and why, discipline.withdrawn on Kafka and
no sanction; a decided case (sanctioned or dismissed), an early or future date, another UPT's
caller and a second withdrawal are refused and write nothing."""

import json
from datetime import UTC, datetime
from typing import Any

import httpx

from tests.integration.harness import Platform, create_app, running, until_equal
from tests.integration.test_event_flow import FACILITY
from tests.integration.test_security_discipline_procedure import types
from tests.integration.test_security_incidents import SECOND_FACILITY, FixedClock, facilities_known, with_test_scope
from tests.integration.test_security_seizure_links import admit, violation

MAKASSAR_ONLY = {"x-test-scope": "upt:LP-MAKASSAR"}
TABLES = ("discipline_cases", "discipline_case_steps", "sanctions", "outbox", "audit_log")


async def counts(platform: Platform) -> tuple[int, ...]:
    return tuple([await platform.scalar("security", f"SELECT count(*) FROM {table}") for table in TABLES])


def withdrawal(**changes: Any) -> dict[str, Any]:
    return {"withdrawn_on": "2026-03-12", "withdrawn_by": "KPLP Cipinang", "reason": "HP ternyata milik petugas"} | changes


EXAM = {"examined_on": "2026-03-11", "examiner": "Tim Pemeriksa KPLP", "findings": "WBP menyangkal"}


async def test_a_case_is_withdrawn_before_the_decision_and_a_decided_one_is_not(platform: Platform) -> None:
    await platform.create_databases("remission", "security")
    security_app = create_app(platform, "security")
    security_app.state.clock = FixedClock(datetime(2026, 3, 13, 3, 0, tzinfo=UTC))  # 10:00 WIB, 13 March
    with_test_scope(security_app)
    async with running(create_app(platform, "remission")) as remission, running(security_app) as security:
        for facility in (FACILITY, SECOND_FACILITY):
            assert (await remission.post("/api/v1/facilities", json=facility)).status_code == 201
        inmate, other = await admit(remission, 1), await admit(remission, 2)
        await facilities_known(platform, 2)

        async def on_roster() -> int:
            return int(await platform.scalar("security", "SELECT count(*) FROM roster"))

        await until_equal(on_roster, 2, what="security's roster has the inmates")

        async def opened(inmate_id: str, **changes: Any) -> str:
            response = await security.post("/api/v1/discipline/cases", json=violation(inmate_id, **changes))
            assert response.status_code == 201, response.text
            return str(response.json()["case_id"])

        async def withdraw(case_id: str, headers: dict[str, str] | None = None, **changes: Any) -> httpx.Response:
            return await security.post(
                f"/api/v1/discipline/cases/{case_id}/withdrawal", json=withdrawal(**changes), headers=headers
            )

        case = await opened(inmate)
        assert (await security.post(f"/api/v1/discipline/cases/{case}/examination", json=EXAM)).status_code == 200

        before = await counts(platform)
        refusals: list[tuple[httpx.Response, int, str, str]] = [
            (await withdraw(case, withdrawn_on="2026-03-10"), 422, "withdrawn_on", "date-order"),
            (await withdraw(case, withdrawn_on="2026-03-14"), 422, "withdrawn_on", "not-in-future"),
            (await withdraw(case, reason=""), 422, "reason", "string_too_short"),
            (await withdraw(case, why="x"), 422, "why", "extra_forbidden"),
        ]
        for response, code, field, rule in refusals:
            assert response.status_code == code, response.text
            assert response.headers["content-type"] == "application/problem+json"
            assert {"field": field, "rule": rule} in [{"field": e["field"], "rule": e["rule"]} for e in response.json()["errors"]]
        assert (await withdraw(case, headers=MAKASSAR_ONLY)).status_code == 404
        assert (await withdraw("no-such-case")).status_code == 404
        assert await counts(platform) == before
        assert (await security.get(f"/api/v1/discipline/cases/{case}")).json()["status"] == "examined"

        response = await withdraw(case)
        assert response.status_code == 200, response.text
        withdrawn = response.json()
        assert (withdrawn["status"], withdrawn["sanction"], withdrawn["decision"]) == ("withdrawn", None, None)
        assert withdrawn["withdrawal"] == {
            "withdrawn_on": "2026-03-12",
            "withdrawn_by": "KPLP Cipinang",
            "reason": "HP ternyata milik petugas",
        }
        assert [(s["from_status"], s["to_status"], s["on"], s["why"]) for s in withdrawn["steps"]][-1] == (
            "examined",
            "withdrawn",
            "2026-03-12",
            "HP ternyata milik petugas",
        )
        listed = (await security.get("/api/v1/discipline/cases", params={"status": "withdrawn"})).json()
        assert [c["case_id"] for c in listed["items"]] == [case]

        # A ringan case decided straight after its examination; a dismissed one; neither can be withdrawn.
        sanctioned = await opened(other, violation="missing-apel", description="tidak ikut apel pagi")
        dismissed = await opened(other, violation="missing-apel", description="tidak ikut apel siang")
        decision = {
            "decided_on": "2026-03-12",
            "decided_by": "Kalapas Cipinang",
            "decree_no": "W10-77",
            "outcome": "sanctioned",
            "terms": {"level": "ringan", "measures": ["written-warning"], "isolation_days": 0},
            "why": "terbukti",
        }
        for case_id, body in ((sanctioned, decision), (dismissed, decision | {"outcome": "dismissed", "terms": None})):
            assert (await security.post(f"/api/v1/discipline/cases/{case_id}/examination", json=EXAM)).status_code == 200
            decided = await security.post(f"/api/v1/discipline/cases/{case_id}/decision", json=body)
            assert decided.status_code == 200, decided.text

        before = await counts(platform)
        for case_id in (case, sanctioned, dismissed):
            response = await withdraw(case_id)
            assert response.status_code == 409, response.text
            assert (response.json()["errors"][0]["field"], response.json()["errors"][0]["rule"]) == (
                "status",
                "status-transition",
            )
        annul_instead = (await withdraw(sanctioned)).json()["detail"]
        assert "dibatalkan lewat pembatalan" in annul_instead, annul_instead
        after_withdrawal = await security.post(
            f"/api/v1/discipline/cases/{case}/decision", json=decision | {"outcome": "dismissed", "terms": None}
        )
        assert after_withdrawal.status_code == 409
        assert await counts(platform) == before

        audit = await platform.fetch("security", "SELECT entity_id, actor FROM audit_log WHERE action = 'discipline.withdrawn'")
        assert [(r[0], r[1]) for r in audit] == [(case, "anonymous")]
        records = await platform.records("pas.security.discipline.v1", at_least=9)
        assert types(records).count("pas.security.discipline.withdrawn") == 1
        [event] = [r for r in records if dict(r.headers)["ce_type"] == b"pas.security.discipline.withdrawn"]
        assert event.key == inmate.encode()
        assert json.loads(event.value) == {
            "case_id": case,
            "inmate_id": inmate,
            "upt_code": "LP-CIPINANG",
            "withdrawn_on": "2026-03-12",
            "from_status": "examined",
        }
        assert dict(event.headers)["ce_kanwilcode"] == b"KW-DKI"
