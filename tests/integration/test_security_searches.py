"""Searches (razia) and seizures over HTTP on the real database and broker: items by type and
measure, inmates checked against the roster (unknown ids kept, flagged), the chain of custody as
a state machine, events on Kafka, refusals that write nothing, totals and the caller's scope."""

import json
from datetime import UTC, datetime
from typing import Any

import httpx

from tests.integration.harness import Platform, create_app, running, until_equal
from tests.integration.test_event_flow import FACILITY, admission
from tests.integration.test_security_incidents import SECOND_FACILITY, FixedClock, facilities_known, riot, with_test_scope

MAKASSAR_ONLY = {"x-test-scope": "upt:LP-MAKASSAR"}
TEAM = [
    {"name": "Agus Salim", "role": "leader", "nip": "198501012010011001"},
    {"name": "Budi Santoso", "role": "member"},
    {"name": "Citra Dewi", "role": "witness"},
]


def search(**changes: Any) -> dict[str, Any]:
    return {
        "upt_code": "LP-CIPINANG",
        "place": "block",
        "location": "Blok C",
        "started_at": "2026-03-10T09:00:00",  # WIB wall time: 02:00 UTC
        "ended_at": "2026-03-10T10:30:00+07:00",
        "team": TEAM,
        "items": [],
    } | changes


def step(to: str, at: str, **changes: Any) -> dict[str, Any]:
    return {"to": to, "at": at, "handled_by": "Agus Salim", "place": "Gudang barang bukti", "witness": "Citra Dewi"} | changes


async def counts(platform: Platform) -> tuple[int, ...]:
    return tuple(
        [
            await platform.scalar("security", f"SELECT count(*) FROM {table}")
            for table in ("searches", "search_team", "seizures", "seizure_custody", "outbox", "audit_log")
        ]
    )


async def seizure_of(security: httpx.AsyncClient, found: dict[str, Any], item_type: str) -> str:
    return str(next(s["seizure_id"] for s in found["seizures"] if s["item_type"] == item_type))


async def test_search_seizures_custody_and_events(platform: Platform) -> None:
    await platform.create_databases("remission", "security")
    security_app = create_app(platform, "security")
    security_app.state.clock = FixedClock(datetime(2026, 3, 10, 12, 0, tzinfo=UTC))  # 19:00 WIB
    with_test_scope(security_app)
    async with running(create_app(platform, "remission")) as remission, running(security_app) as security:
        for facility in (FACILITY, SECOND_FACILITY):
            assert (await remission.post("/api/v1/facilities", json=facility)).status_code == 201
        inmate_id = (await remission.post("/api/v1/inmates", json=admission(1) | {"admitted_on": "2026-01-10"})).json()[
            "inmate_id"
        ]
        await facilities_known(platform, 2)

        async def on_roster() -> int:
            return int((await security.get("/api/v1/roster/LP-CIPINANG")).json()["population"])

        await until_equal(on_roster, 1, what="security's roster has the inmate")
        incident = await security.post(
            "/api/v1/incidents", json=riot(category="smuggling-phones", severity="medium", occurred_at="2026-03-10T08:00:00")
        )
        assert incident.status_code == 201, incident.text
        incident_id = incident.json()["incident_id"]

        items = [
            {"item_type": "phone", "count": 3, "description": "HP Android", "inmate_id": inmate_id},
            {
                "item_type": "narcotics",
                "count": 2,
                "description": "sabu, 2 paket",
                "weight_grams": "12.5",
                "inmate_id": "ghost-1",
            },
            {"item_type": "cash", "count": 1, "description": "uang tunai", "amount_rupiah": 1_500_000},
            {"item_type": "sharp-weapon", "count": 2, "description": "pisau rakitan"},
            {"item_type": "narcotics", "count": 1, "description": "ganja", "weight_grams": "3.25"},
        ]
        response = await security.post("/api/v1/searches", json=search(items=items, incident_id=incident_id))
        assert response.status_code == 201, response.text
        found = response.json()
        search_id = found["search_id"]
        assert (found["started_at"], found["started_local"], found["started_on"]) == (
            "2026-03-10T02:00:00Z",
            "2026-03-10T09:00:00+07:00",
            "2026-03-10",
        )
        assert (found["items_seized"], found["unverified_inmates"], found["incident_id"]) == (9, 1, incident_id)
        assert [s["inmate_verified"] for s in found["seizures"]] == [True, False, None, None, None]
        first_step = found["seizures"][0]["custody"][0]
        assert (first_step["to_status"], first_step["handled_by"], first_step["witness"], first_step["place"]) == (
            "seized",
            "Agus Salim",
            "Citra Dewi",
            "Blok C",
        )
        flagged = (await security.get("/api/v1/seizures", params={"unverified": "true"})).json()
        assert [s["description"] for s in flagged["items"]] == ["sabu, 2 paket"]

        sabu = await seizure_of(security, found, "narcotics")
        phones = await seizure_of(security, found, "phone")

        async def move(seizure_id: str, body: dict[str, Any]) -> httpx.Response:
            return await security.post(f"/api/v1/seizures/{seizure_id}/custody", json=body)

        before = await counts(platform)
        refusals = [
            (
                sabu,
                step("handed-over", "2026-03-10T11:00:00", recipient="bnn", document_no="BA-1"),
                409,
                "status",
                "status-transition",
            ),
            (sabu, step("stored", "2026-03-10T08:59:00"), 422, "at", "not-before-previous-step"),
            (sabu, step("stored", "2026-03-10T20:00:00"), 422, "at", "not-in-future"),
            (sabu, step("stored", "2026-03-10T10:00:00", recipient="bnn"), 422, "recipient", "recipient-for-hand-over"),
        ]
        for seizure_id, body, code, field, rule in refusals:
            response = await move(seizure_id, body)
            assert response.status_code == code, (body, response.text)
            assert {"field": field, "rule": rule} in [{"field": e["field"], "rule": e["rule"]} for e in response.json()["errors"]]
        assert await counts(platform) == before

        assert (await move(sabu, step("stored", "2026-03-10T10:00:00"))).status_code == 200
        for body, rule in (
            (step("handed-over", "2026-03-10T11:00:00", document_no="BA-1"), "recipient-listed"),
            (step("handed-over", "2026-03-10T11:00:00", recipient="bnn"), "document-for-disposal"),
        ):
            response = await move(sabu, body)
            assert response.status_code == 422 and response.json()["errors"][0]["rule"] == rule, response.text
        response = await move(sabu, step("handed-over", "2026-03-10T11:00:00", recipient="bnn", document_no="BA-17/III/2026"))
        assert response.status_code == 200, response.text
        custody = response.json()["custody"]
        assert [(c["from_status"], c["to_status"]) for c in custody] == [
            (None, "seized"),
            ("seized", "stored"),
            ("stored", "handed-over"),
        ]
        assert (custody[2]["at"], custody[2]["recipient"]) == ("2026-03-10T04:00:00Z", "bnn")
        assert (await move(phones, step("stored", "2026-03-10T10:00:00+07:00"))).status_code == 200
        assert (await move(phones, step("destroyed", "2026-03-10T18:00:00", document_no="BA-18"))).status_code == 200
        again = await move(phones, step("stored", "2026-03-10T18:30:00"))
        assert again.status_code == 409

        totals = (await security.get("/api/v1/searches/totals")).json()
        [cipinang] = totals["items"]
        seized = {t["item_type"]: (t["count"], t["weight_grams"], t["amount_rupiah"]) for t in cipinang["seized"]}
        assert cipinang["searches"] == 1
        assert seized == {
            "cash": (1, None, 1_500_000),
            "narcotics": (3, 15.75, None),
            "phone": (3, None, None),
            "sharp-weapon": (2, None, None),
        }
        assert [
            s["status"] for s in (await security.get("/api/v1/seizures", params={"status": "destroyed"})).json()["items"]
        ] == ["destroyed"]

        # Scope: Makassar sees no Cipinang search or seizure, and cannot move one.
        assert (await security.get(f"/api/v1/searches/{search_id}", headers=MAKASSAR_ONLY)).status_code == 404
        assert (await security.get("/api/v1/searches", headers=MAKASSAR_ONLY)).json()["total"] == 0
        before = await counts(platform)
        foreign = await security.post(
            f"/api/v1/seizures/{phones}/custody", json=step("stored", "2026-03-10T18:40:00"), headers=MAKASSAR_ONLY
        )
        assert foreign.status_code == 404
        assert await counts(platform) == before

        [conducted] = await platform.records("pas.security.search.v1", at_least=1)
        headers = {k: v.decode() for k, v in conducted.headers}
        assert (headers["ce_type"], headers["ce_uptcode"], headers["ce_kanwilcode"], conducted.key) == (
            "pas.security.search.conducted",
            "LP-CIPINANG",
            "KW-DKI",
            search_id.encode(),
        )
        payload = json.loads(conducted.value)
        assert (payload["inmates_named"], payload["unverified_inmates"], payload["team_size"]) == (2, 1, 3)
        assert {t["item_type"]: t["count"] for t in payload["seized"]} == {
            "phone": 3,
            "narcotics": 3,
            "cash": 1,
            "sharp-weapon": 2,
        }
        moves = await platform.records("pas.security.seizure.v1", at_least=4)
        assert [dict(r.headers)["ce_type"].decode() for r in moves] == [
            "pas.security.seizure.stored",
            "pas.security.seizure.disposed",
            "pas.security.seizure.stored",
            "pas.security.seizure.disposed",
        ]
        handed = json.loads(moves[1].value)
        assert (handed["disposition"], handed["recipient"], handed["weight_grams"]) == ("handed-over", "bnn", 12.5)


async def test_refused_searches_write_nothing(platform: Platform) -> None:
    await platform.create_databases("remission", "security")
    security_app = create_app(platform, "security")
    security_app.state.clock = FixedClock(datetime(2026, 3, 10, 12, 0, tzinfo=UTC))
    with_test_scope(security_app)
    async with running(create_app(platform, "remission")) as remission, running(security_app) as security:
        for facility in (FACILITY, SECOND_FACILITY):
            assert (await remission.post("/api/v1/facilities", json=facility)).status_code == 201
        await facilities_known(platform, 2)
        makassar_incident = await security.post("/api/v1/incidents", json=riot(upt_code="LP-MAKASSAR", actions=[]))
        assert makassar_incident.status_code == 201, makassar_incident.text
        phone = {"item_type": "phone", "count": 1, "description": "HP"}
        before = await counts(platform)
        cases = [
            (search(place="rooftop"), "place", "place-listed"),
            (search(items=[phone | {"item_type": "tank"}]), "items[0].item_type", "item-type-listed"),
            (search(items=[phone | {"item_type": "narcotics"}]), "items[0].weight_grams", "weight-for-narcotics"),
            (search(items=[phone | {"weight_grams": "1.0"}]), "items[0].weight_grams", "weight-for-narcotics"),
            (search(items=[phone | {"item_type": "cash"}]), "items[0].amount_rupiah", "amount-for-cash"),
            (search(team=[*TEAM, {"name": "Dedi", "role": "leader"}]), "team", "one-leader"),
            (search(team=TEAM[:2], items=[phone]), "team", "witness-for-seizure"),
            (search(team=[*TEAM, {"name": "Eko", "role": "driver"}]), "team[3].role", "role-listed"),
            (search(started_at="2026-03-10T20:00:00"), "started_at", "not-in-future"),
            (search(ended_at="2026-03-10T08:00:00"), "ended_at", "after-start-not-in-future"),
            (search(upt_code="LP-NOWHERE"), "upt_code", "upt-registered"),
            (search(incident_id="no-such-incident"), "incident_id", "incident-exists"),
            (search(incident_id=makassar_incident.json()["incident_id"]), "incident_id", "incident-exists"),
            (search(items=[phone | {"count": 0}]), "items.0.count", "greater_than_equal"),
            (search(team=[]), "team", "too_short"),
        ]
        for body, field, rule in cases:
            response = await security.post("/api/v1/searches", json=body)
            assert response.status_code == 422, (body, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert {"field": field, "rule": rule} in [
                {"field": e["field"], "rule": e["rule"]} for e in response.json()["errors"]
            ], response.text
        foreign = await security.post("/api/v1/searches", json=search(), headers=MAKASSAR_ONLY)
        assert foreign.status_code == 422 and foreign.json()["errors"][0]["rule"] == "upt-registered"
        assert await counts(platform) == before
        assert (
            await security.post("/api/v1/seizures/nope/custody", json=step("stored", "2026-03-10T10:00:00"))
        ).status_code == 404
        assert await counts(platform) == before
