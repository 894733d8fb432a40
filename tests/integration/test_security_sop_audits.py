"""SOP audits over HTTP on the real database and broker: the score, corrective actions opened by
non-compliances and closed by a re-audit, overdue actions, refusals that write nothing, scope."""

import json
from datetime import UTC, datetime
from typing import Any

from tests.integration.harness import Platform, create_app, running
from tests.integration.test_event_flow import FACILITY
from tests.integration.test_security_incidents import SECOND_FACILITY, FixedClock, facilities_known, with_test_scope

PERIMETER = ("gate-log", "body-search", "double-door", "wall-patrol", "lighting")


def audit(upt_code: str = "LP-CIPINANG", audited_on: str = "2026-03-02", **findings: dict[str, Any]) -> dict[str, Any]:
    items = [{"item": code, "finding": "compliant"} | findings.get(code.replace("-", "_"), {}) for code in PERIMETER]
    return {"upt_code": upt_code, "area": "perimeter-gate", "audited_on": audited_on, "auditor": "Tim Kanwil DKI", "items": items}


async def counts(platform: Platform) -> tuple[int, int, int, int]:
    return (
        await platform.scalar("security", "SELECT count(*) FROM sop_audits"),
        await platform.scalar("security", "SELECT count(*) FROM corrective_actions"),
        await platform.scalar("security", "SELECT count(*) FROM outbox"),
        await platform.scalar("security", "SELECT count(*) FROM audit_log"),
    )


async def test_audit_scores_opens_and_closes_corrective_actions(platform: Platform) -> None:
    await platform.create_databases("remission", "security")
    security_app = create_app(platform, "security")
    clock = FixedClock(datetime(2026, 3, 10, 3, 0, tzinfo=UTC))
    security_app.state.clock = clock
    with_test_scope(security_app)
    async with running(create_app(platform, "remission")) as remission, running(security_app) as security:
        for facility in (FACILITY, SECOND_FACILITY):
            assert (await remission.post("/api/v1/facilities", json=facility)).status_code == 201
        await facilities_known(platform, 2)
        templates = (await security.get("/api/v1/sop-audits/templates")).json()
        assert [t["area"] for t in templates["templates"]][:2] == ["perimeter-gate", "headcount"]
        assert templates["weights"] == {"mandatory": 2, "optional": 1}

        gap = {
            "finding": "non-compliant",
            "evidence": "pos 3 kosong saat sidak malam",
            "owner": "Karupam",
            "due_on": "2026-03-08",
        }
        response = await security.post("/api/v1/sop-audits", json=audit(wall_patrol=gap))
        assert response.status_code == 201, response.text
        first = response.json()
        # one mandatory item (weight 2) non-compliant of 4 mandatory + 1 optional: 7 / 9 -> 77.8
        assert (first["score_pct"], first["mandatory_compliant"], first["mandatory_total"]) == (77.8, 3, 4)
        [opened] = first["corrective_actions_opened"]
        assert (opened["item"], opened["owner"], opened["due_on"], opened["status"]) == (
            "wall-patrol",
            "Karupam",
            "2026-03-08",
            "open",
        )
        await security.post("/api/v1/sop-audits", json=audit(upt_code="LP-MAKASSAR", lighting={"finding": "not-applicable"}))

        overdue = (await security.get("/api/v1/corrective-actions", params={"overdue": "true"})).json()
        assert (overdue["total"], overdue["items"][0]["action_id"], overdue["items"][0]["overdue"]) == (
            1,
            opened["action_id"],
            True,
        )
        makassar_only = {"x-test-scope": "upt:LP-MAKASSAR"}
        assert (await security.get("/api/v1/corrective-actions", headers=makassar_only)).json()["total"] == 0
        assert (await security.get(f"/api/v1/sop-audits/{first['audit_id']}", headers=makassar_only)).status_code == 404
        listed = (await security.get("/api/v1/sop-audits", headers=makassar_only)).json()
        assert [(a["upt_code"], a["score_pct"]) for a in listed["items"]] == [("LP-MAKASSAR", 100.0)]

        before = await counts(platform)
        refusals = [
            (audit(wall_patrol={"finding": "non-compliant", "owner": "Karupam"}), "items[3].evidence", "evidence-required"),
            (audit(gate_log={"finding": "not-applicable"}), "items[0].finding", "mandatory-applicable"),
            (audit(audited_on="2026-03-11"), "audited_on", "not-in-future"),
            (audit() | {"area": "canteen"}, "area", "area-listed"),
            (audit() | {"items": audit()["items"][:4]}, "items", "all-items-scored"),
            (audit(upt_code="LP-NOWHERE"), "upt_code", "upt-registered"),
        ]
        for body, field, rule in refusals:
            response = await security.post("/api/v1/sop-audits", json=body)
            assert response.status_code == 422, (body, response.text)
            assert response.json()["errors"][0]["field"] == field and response.json()["errors"][0]["rule"] == rule, response.text
        foreign = await security.post("/api/v1/sop-audits", json=audit(), headers=makassar_only)
        assert foreign.status_code == 422 and foreign.json()["errors"][0]["rule"] == "upt-registered"
        assert await counts(platform) == before

        response = await security.post("/api/v1/sop-audits", json=audit(audited_on="2026-03-09"))
        assert response.status_code == 201, response.text
        reaudit = response.json()
        assert reaudit["score_pct"] == 100.0
        assert [(a["action_id"], a["status"], a["closed_on"]) for a in reaudit["corrective_actions_closed"]] == [
            (opened["action_id"], "closed", "2026-03-09")
        ]
        assert (await security.get("/api/v1/corrective-actions", params={"overdue": "true"})).json()["total"] == 0
        closed = (await security.get("/api/v1/corrective-actions", params={"status": "closed"})).json()
        assert closed["items"][0]["closed_by_audit_id"] == reaudit["audit_id"]

        records = await platform.records("pas.security.sop-audit.v1", at_least=3)
        payloads = sorted((json.loads(r.value) for r in records), key=lambda p: (p["audited_on"], p["upt_code"]))
        assert [
            (p["upt_code"], p["score_pct"], p["corrective_actions_opened"], p["corrective_actions_closed"]) for p in payloads
        ] == [
            ("LP-CIPINANG", 77.8, 1, 0),
            ("LP-MAKASSAR", 100.0, 0, 0),
            ("LP-CIPINANG", 100.0, 0, 1),
        ]
        assert {dict(r.headers)["ce_kanwilcode"].decode() for r in records} == {"KW-DKI", "KW-SULSEL"}
