"""Kitchens, SLHS certificates, inspections and findings, and menus over HTTP on the real broker
and database: an inspection with findings and its events, escalation of an overdue finding, a
re-inspection that closes it, certificate renewal warnings, and refusals that write nothing."""

import json
from datetime import UTC, datetime
from typing import Any

from tests.integration.harness import Platform, create_app, running, until_equal
from tests.integration.test_event_flow import FACILITY

FINDINGS = "pas.food-audit.finding.v1"
INSPECTIONS = "pas.food-audit.inspection.v1"
CERTIFICATES = "pas.food-audit.certificate.v1"


def types(records: list[Any]) -> list[str]:
    return [dict(r.headers)["ce_type"].decode() for r in records]


async def written(platform: Platform) -> tuple[int, ...]:
    tables = ("outbox", "audit_log", "findings", "certificates", "menu_cycles", "served_menus")
    counts = [await platform.scalar("food-audit", f"SELECT count(*) FROM {t}") for t in tables]
    statuses = await platform.fetch("food-audit", "SELECT status FROM inspections ORDER BY inspection_id")
    return (*counts, *[r["status"] for r in statuses])


async def test_an_inspection_opens_findings_escalates_the_overdue_and_a_reinspection_closes_them(platform: Platform) -> None:
    await platform.create_databases("remission", "food-audit")
    now = [datetime(2026, 3, 4, 3, 0, tzinfo=UTC)]
    food_app = create_app(platform, "food-audit")
    food_app.state.clock = lambda: now[0]
    async with running(create_app(platform, "remission")) as remission, running(food_app) as food:
        assert (await remission.post("/api/v1/facilities", json=FACILITY)).status_code == 201

        async def kitchen_registered() -> int:
            response = await food.post("/api/v1/kitchens", json={"upt_code": "LP-CIPINANG", "name": "Dapur utama"})
            return response.status_code

        await until_equal(kitchen_registered, 201, what="the facility reaching food-audit")
        kitchens = (await food.get("/api/v1/kitchens", params={"kanwil_code": "KW-DKI"})).json()
        assert kitchens["total"] == 1
        kitchen_id = kitchens["items"][0]["kitchen_id"]

        # The SLHS: issued 10 March 2025, valid a year: 6 days left on 4 March 2026, inside the 60-day window.
        cert = {"issuer": "Dinas Kesehatan Jakarta Timur", "number": "SLHS/443/2025", "issued_on": "2025-03-10"}
        recorded = await food.post(f"/api/v1/kitchens/{kitchen_id}/certificates", json=cert)
        assert recorded.status_code == 201 and recorded.json()["expires_on"] == "2026-03-10", recorded.text
        warned = (await food.post("/api/v1/kitchen-certificates/expiry-warnings")).json()
        assert [(w["stage"], w["days_left"]) for w in warned] == [("renewal-due", 6)]
        assert (await food.post("/api/v1/kitchen-certificates/expiry-warnings")).json() == []  # once per stage
        listed = (await food.get("/api/v1/kitchen-certificates", params={"within_days": 30})).json()
        assert [(c["number"], c["stage"]) for c in listed["items"]] == [("SLHS/443/2025", "renewal-due")]

        template = (await food.get("/api/v1/inspection-templates/current")).json()
        marks = {i["code"]: i["max"] for s in template["sections"] for i in s["items"]}
        assert len(marks) == 21 and template["status"].startswith("unconfirmed")

        scheduled = await food.post(
            "/api/v1/inspections", json={"kitchen_id": kitchen_id, "kind": "unannounced", "planned_on": "2026-03-04"}
        )
        assert scheduled.status_code == 201, scheduled.text
        inspection_id = scheduled.json()["inspection_id"]
        path = f"/api/v1/inspections/{inspection_id}/complete"

        def completion(scores: dict[str, int], on: str = "2026-03-04") -> dict[str, Any]:
            return {
                "inspected_on": on,
                "inspector": "Tim Kanwil DKI",
                "owner": "Kasi Perawatan",
                "scores": [{"item": item, "score": score, "note": "dilihat"} for item, score in scores.items()],
            }

        # Refused: a score outside the template, an unknown item, a missing item; nothing written.
        before = await written(platform)
        for scores, error in [
            (marks | {"handling.hand-washing": 5}, ("scores[1].score", "score-within-template")),
            (marks | {"handling.nothing": 1}, ("scores[21].item", "item-in-template")),
            ({k: v for k, v in marks.items() if k != "storage.temperature-log"}, ("scores", "every-item-scored")),
        ]:
            refused = await food.post(path, json=completion(scores))
            assert refused.status_code == 422, refused.text
            assert [(e["field"], e["rule"]) for e in refused.json()["errors"]] == [error]
        refused = await food.post(path, json=completion(marks, on="2026-03-05"))
        assert [(e["field"], e["rule"]) for e in refused.json()["errors"]] == [("inspected_on", "not-in-future")]
        assert await written(platform) == before

        # Rats seen (critical item 3 of 4) and the temperature log mostly empty (1 of 3).
        done = await food.post(path, json=completion(marks | {"pest-control.no-pests": 3, "storage.temperature-log": 1}))
        assert done.status_code == 200, done.text
        result = done.json()["result"]
        # hygiene 24/26, structure 16/17, management 24/24, overall 64/67.
        assert (result["hygiene_pct"], result["structure_pct"], result["management_pct"], result["overall_pct"]) == (
            92.3,
            94.1,
            100.0,
            95.5,
        )
        assert (result["rating"], result["passed"], result["failed_rules"]) == (5, False, ["critical-item:pest-control.no-pests"])
        opened = {f["item"]: f for f in done.json()["findings_opened"]}
        assert {i: (f["severity"], f["due_on"], f["owner"]) for i, f in opened.items()} == {
            "pest-control.no-pests": ("critical", "2026-03-07", "Kasi Perawatan"),
            "storage.temperature-log": ("minor", "2026-04-03", "Kasi Perawatan"),
        }
        again = await food.post(path, json=completion(marks))
        assert again.status_code == 409 and again.json()["errors"][0]["rule"] == "status-transition"

        # 8 March: the critical finding is a day overdue and escalates, once.
        now[0] = datetime(2026, 3, 8, 3, 0, tzinfo=UTC)
        escalated = (await food.post("/api/v1/findings/escalations")).json()
        assert [(f["item"], f["status"], f["escalated_on"]) for f in escalated] == [
            ("pest-control.no-pests", "escalated", "2026-03-08")
        ]
        assert (await food.post("/api/v1/findings/escalations")).json() == []

        # The re-inspection on 9 March: pests gone, the log still incomplete.
        second = await food.post(
            "/api/v1/inspections", json={"kitchen_id": kitchen_id, "kind": "scheduled", "planned_on": "2026-03-09"}
        )
        now[0] = datetime(2026, 3, 9, 3, 0, tzinfo=UTC)
        redone = await food.post(
            f"/api/v1/inspections/{second.json()['inspection_id']}/complete",
            json=completion(marks | {"storage.temperature-log": 1}, on="2026-03-09"),
        )
        assert redone.status_code == 200, redone.text
        assert redone.json()["findings_opened"] == []
        assert [(f["item"], f["status"], f["closed_on"]) for f in redone.json()["findings_closed"]] == [
            ("pest-control.no-pests", "closed", "2026-03-09")
        ]
        assert (redone.json()["result"]["rating"], redone.json()["result"]["passed"]) == (5, True)
        still_open = (await food.get("/api/v1/findings", params={"status": "open", "upt_code": "LP-CIPINANG"})).json()
        assert [f["item"] for f in still_open["items"]] == ["storage.temperature-log"]
        detail = (await food.get(f"/api/v1/inspections/{inspection_id}")).json()
        assert [t["to_status"] for t in detail["transitions"]] == ["scheduled", "completed"]
        assert len(detail["scores"]) == 21 and len(detail["findings"]) == 2
        inspections = (await food.get("/api/v1/inspections", params={"status": "completed", "limit": 1})).json()
        assert (inspections["total"], len(inspections["items"])) == (2, 1)

        # The menu cycle: 10 days; day 4 gives adult men 2,300 kcal, 45 under the 2,345 standard.
        meals = {"pagi": "nasi, telur", "siang": "nasi, ikan, sayur", "sore": "nasi, tempe, sayur"}
        days = [
            {"day": d, "meals": meals, "kcal": {"adult-men": 2300 if d == 4 else 2400, "adult-women": 2000}} for d in range(1, 11)
        ]
        before = await written(platform)
        short = await food.post(
            "/api/v1/menu-cycles", json={"upt_code": "LP-CIPINANG", "effective_from": "2026-03-01", "days": days[:9]}
        )
        assert short.status_code == 422 and short.json()["errors"][0]["rule"] == "days-of-cycle"
        assert await written(platform) == before
        cycle = await food.post(
            "/api/v1/menu-cycles", json={"upt_code": "LP-CIPINANG", "effective_from": "2026-03-01", "days": days}
        )
        assert cycle.status_code == 201, cycle.text
        assert cycle.json()["days_below_standard"] == [4]
        served = await food.post(
            "/api/v1/served-menus",
            json={
                "upt_code": "LP-CIPINANG",
                "served_on": "2026-03-09",
                "cycle_day": 8,
                "kcal": {"adult-men": 2400, "adult-women": 1990},
            },
        )
        assert served.status_code == 201, served.text
        s = served.json()
        # 9 March is day 9 of a cycle starting 1 March; day 8 was served; women got 5 kcal too few.
        assert (s["cycle_day_expected"], s["as_cycle"], s["meets_standard"]) == (9, False, False)

        findings = await platform.records(FINDINGS, at_least=4)
        assert sorted(types(findings)) == sorted(
            ["pas.food-audit.finding.opened"] * 2 + ["pas.food-audit.finding.escalated", "pas.food-audit.finding.closed"]
        )
        closed = next(json.loads(r.value) for r in findings if dict(r.headers)["ce_type"] == b"pas.food-audit.finding.closed")
        assert (closed["late"], closed["closed_on"]) == (True, "2026-03-09")
        completed = await platform.records(INSPECTIONS, at_least=2)
        first = next(json.loads(r.value) for r in completed if json.loads(r.value)["inspection_id"] == inspection_id)
        assert (first["rating"], first["passed"], first["findings_opened"]) == (5, False, 2)
        assert {(dict(r.headers)["ce_uptcode"], dict(r.headers)["ce_kanwilcode"]) for r in completed} == {
            (b"LP-CIPINANG", b"KW-DKI")
        }
        certificates = await platform.records(CERTIFICATES, at_least=2)
        assert types(certificates) == ["pas.food-audit.certificate.recorded", "pas.food-audit.certificate.expiry-warned"]
