"""A domain event travels from one service's database, through Kafka, into the others'."""

import uuid
from datetime import date, datetime

from cloudevents.v1.kafka import KafkaMessage, from_binary

from tests.integration.harness import Platform, create_app, eventually, running

FACILITY = {
    "upt_code": "LP-CIPINANG",
    "name": "Lapas Kelas I Cipinang",
    "upt_type": "Lapas",
    "kanwil_code": "KW-DKI",
    "capacity": 2,
    "time_zone": "Asia/Jakarta",
}


def admission(n: int, upt_code: str = "LP-CIPINANG") -> dict[str, str]:
    return {
        "register_number": f"B1-{n:05d}",
        "upt_code": upt_code,
        "custody_status": "narapidana",
        "birth_date": "1990-05-01",
        "admitted_on": "2026-01-10",
        "religion": "islam",
    }


async def test_admissions_reach_every_roster_and_the_gateway_kpi(platform: Platform) -> None:
    services = ["remission", "security", "rehabilitation", "food-audit", "gateway"]
    await platform.create_databases(*services)
    apps = {s: create_app(platform, s) for s in services}
    async with (
        running(apps["remission"]) as remission,
        running(apps["security"]) as security,
        running(apps["rehabilitation"]) as rehabilitation,
        running(apps["food-audit"]) as food_audit,
        running(apps["gateway"]) as gateway,
    ):
        assert (await remission.post("/api/v1/facilities", json=FACILITY)).status_code == 201
        ids = []
        for n in range(3):
            response = await remission.post("/api/v1/inmates", json=admission(n))
            assert response.status_code == 201, response.text
            ids.append(response.json()["inmate_id"])
        response = await remission.post(
            f"/api/v1/inmates/{ids[0]}/release", json={"released_on": "2026-06-01", "reason": "expiration"}
        )
        assert response.status_code == 200, response.text

        for client in (security, rehabilitation, food_audit):

            async def roster_has_two(client=client) -> bool:
                body = (await client.get("/api/v1/roster/LP-CIPINANG")).json()
                return bool(body["population"] == 2)

            await eventually(roster_has_two, what="roster headcount 2")

        async def kpis() -> dict[str, object]:
            body = (await gateway.get("/api/v1/kpi/occupancy")).json()
            return {k["id"]: k["value"] for k in body["kpis"]}

        async def kpi_ready() -> bool:
            found = await kpis()
            return bool(found["occupants"] == 2 and found["capacity"] == 2)

        await eventually(kpi_ready, what="gateway occupancy KPI")
        kpi = await kpis()
        assert (kpi["overcrowding_pct"], kpi["occupancy_ratio_pct"], kpi["convicts"], kpi["detainees"]) == (0.0, 100.0, 2, 0)
        body = (await gateway.get("/api/v1/kpi/occupancy")).json()
        assert body["as_of"] is not None and body["scope"] == {"level": "national", "code": ""}

        async def all_sent() -> bool:
            return await platform.scalar("remission", "SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0

        await eventually(all_sent, what="outbox drained")

    # Every service's roster holds the same inmates, each applied once.
    for service in ("security", "rehabilitation", "food-audit"):
        rows = await platform.fetch(service, "SELECT inmate_id, released_on FROM roster ORDER BY inmate_id")
        assert sorted(r["inmate_id"] for r in rows) == sorted(ids)
        assert {r["inmate_id"]: r["released_on"] for r in rows}[ids[0]] == date(2026, 6, 1)
        assert (
            await platform.scalar(service, "SELECT count(*) FROM inbox WHERE consumer = $1", f"{service}.roster") == 4
        )  # 3 admitted + 1 released
    audit = await platform.fetch("remission", "SELECT action, actor FROM audit_log ORDER BY seq")
    assert [a["action"] for a in audit] == ["facility.registered"] + ["inmate.admitted"] * 3 + ["inmate.released"]


async def test_events_are_cloudevents_an_outside_consumer_can_read(platform: Platform) -> None:
    await platform.create_databases("remission")
    async with running(create_app(platform, "remission")) as remission:
        await remission.post("/api/v1/facilities", json=FACILITY)
        trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
        response = await remission.post(
            "/api/v1/inmates",
            json=admission(1),
            headers={"x-request-id": "req-42", "traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"},
        )
        assert response.headers["x-request-id"] == "req-42"
        inmate = response.json()
        records = await platform.records("pas.remission.inmate.v1", at_least=1)
    assert len(records) == 1
    record = records[0]
    event = from_binary(KafkaMessage(headers=dict(record.headers), key=record.key, value=record.value))
    assert event["specversion"] == "1.0"
    assert event["type"] == "pas.remission.inmate.admitted"
    assert event["source"] == "/pas/remission"
    assert event["subject"] == inmate["inmate_id"]
    assert event["uptcode"] == "LP-CIPINANG" and event["kanwilcode"] == "KW-DKI"
    assert event["dataschema"] == "/schemas/pas.remission.inmate.admitted.v1.json"
    assert event["datacontenttype"] == "application/json"
    assert uuid.UUID(event["id"]).version == 7
    assert datetime.fromisoformat(event["time"]).tzinfo is not None
    assert event["correlationid"] == "req-42"  # the request's correlation id travels with the event
    assert event["traceparent"].split("-")[1] == trace_id
    assert event.get_data() == {
        "inmate_id": inmate["inmate_id"],
        "upt_code": "LP-CIPINANG",
        "kanwil_code": "KW-DKI",
        "custody_status": "narapidana",
        "is_child": False,
        "admitted_on": "2026-01-10",
    }
    assert record.key == inmate["inmate_id"].encode()  # per-aggregate order: key = subject
    outbox_id = await platform.scalar(
        "remission", "SELECT event_id FROM outbox WHERE event_type = 'pas.remission.inmate.admitted'"
    )
    assert event["id"] == outbox_id  # the id was fixed when the outbox row was written


async def test_bad_input_is_refused_with_problem_json_and_emits_nothing(platform: Platform) -> None:
    await platform.create_databases("remission")
    async with running(create_app(platform, "remission")) as remission:
        await remission.post("/api/v1/facilities", json=FACILITY)
        before = await platform.scalar("remission", "SELECT count(*) FROM outbox")

        bad_enum = await remission.post("/api/v1/inmates", json=admission(1) | {"custody_status": "bebas"})
        assert bad_enum.status_code == 422
        assert bad_enum.headers["content-type"] == "application/problem+json"
        assert bad_enum.json()["title"] == "Isian tidak valid"
        assert bad_enum.json()["errors"] == [
            {"field": "custody_status", "rule": "enum", "message": "Nilai tidak termasuk pilihan yang diizinkan."}
        ]

        unknown_upt = await remission.post(
            "/api/v1/inmates", json=admission(2, upt_code="LP-NOWHERE"), headers={"accept-language": "en"}
        )
        assert unknown_upt.status_code == 422
        assert unknown_upt.json()["title"] == "Rule violated"
        assert unknown_upt.json()["errors"] == [
            {"field": "upt_code", "rule": "facility-registered", "message": "UPT LP-NOWHERE is not registered."}
        ]

        future = await remission.post("/api/v1/inmates", json=admission(3) | {"admitted_on": "2999-01-01"})
        assert future.status_code == 422 and future.json()["errors"][0]["rule"] == "not-in-future"

        assert (await remission.post("/api/v1/inmates", json=admission(4))).status_code == 201
        duplicate = await remission.post("/api/v1/inmates", json=admission(4))
        assert duplicate.status_code == 409

        not_json = await remission.post("/api/v1/inmates", content=b"{not json", headers={"content-type": "application/json"})
        assert not_json.status_code == 422 and not_json.headers["content-type"] == "application/problem+json"

        after = await platform.scalar("remission", "SELECT count(*) FROM outbox")
        inmates = await platform.scalar("remission", "SELECT count(*) FROM inmates")
        records = await platform.records("pas.remission.inmate.v1", at_least=1)
    assert after == before + 1  # only the one valid admission
    assert inmates == 1
    assert len(records) == 1
