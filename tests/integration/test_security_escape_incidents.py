"""One escape incident grouping several escapees, over HTTP on the real database and broker: each
escapee its own escape record with its own status and its own escape.reported (and
escape.recaptured / escape.died), plus escape.linked naming the incident; the escapees of an
incident and the counts per incident; refusals that write nothing (all escapees or none)."""

import json
from datetime import UTC, datetime
from typing import Any

import httpx

from tests.integration.harness import Platform, create_app, running, until_equal
from tests.integration.test_event_flow import FACILITY
from tests.integration.test_security_discipline_procedure import types
from tests.integration.test_security_incidents import SECOND_FACILITY, FixedClock, facilities_known, riot, with_test_scope
from tests.integration.test_security_seizure_links import admit

CIPINANG_ONLY = {"x-test-scope": "upt:LP-CIPINANG"}
MAKASSAR_ONLY = {"x-test-scope": "upt:LP-MAKASSAR"}
TABLES = ("escapes", "incidents", "outbox", "audit_log")
# Salemba, 12 Nov 2024: detainees cut the bathroom bars and left through a drain (domain.md 4.2).
ESCAPE = riot(
    category="escape",
    severity="critical",
    title="Pelarian dari kamar mandi blok C",
    narrative="Tahanan memotong teralis kamar mandi dan keluar lewat gorong-gorong.",
    occurred_at="2026-03-10T03:00:00",  # WIB wall time: 20:00 UTC on 9 March
    actions=[],
)


async def counts(platform: Platform) -> tuple[int, ...]:
    return tuple([await platform.scalar("security", f"SELECT count(*) FROM {table}") for table in TABLES])


def escapee(inmate_id: str, **changes: Any) -> dict[str, Any]:
    return {"inmate_id": inmate_id, "method": "memotong teralis kamar mandi"} | changes


async def test_an_escape_incident_groups_its_escapees_each_with_its_own_status_and_events(platform: Platform) -> None:
    await platform.create_databases("remission", "security")
    security_app = create_app(platform, "security")
    security_app.state.clock = FixedClock(datetime(2026, 3, 10, 3, 0, tzinfo=UTC))  # 10:00 WIB
    with_test_scope(security_app)
    async with running(create_app(platform, "remission")) as remission, running(security_app) as security:
        for facility in (FACILITY, SECOND_FACILITY):
            assert (await remission.post("/api/v1/facilities", json=facility)).status_code == 201
        a, b, c, d = [await admit(remission, n) for n in (1, 2, 3, 4)]
        makassar_inmate = await admit(remission, 5, "LP-MAKASSAR")
        await facilities_known(platform, 2)

        async def on_roster() -> int:
            return int(await platform.scalar("security", "SELECT count(*) FROM roster"))

        await until_equal(on_roster, 5, what="security's roster has the inmates")

        async def incident(body: dict[str, Any]) -> str:
            response = await security.post("/api/v1/incidents", json=body)
            assert response.status_code == 201, response.text
            return str(response.json()["incident_id"])

        escape_incident = await incident(ESCAPE)
        riot_incident = await incident(riot(occurred_at="2026-03-09T18:30:00", actions=[]))
        makassar_incident = await incident(ESCAPE | {"upt_code": "LP-MAKASSAR"})
        not_reportable = await incident(ESCAPE | {"title": "Salah hitung saat apel"})
        moved = await security.post(
            f"/api/v1/incidents/{not_reportable}/transitions", json={"to": "not-reportable", "why": "salah hitung"}
        )
        assert moved.status_code == 200, moved.text

        async def add(incident_id: str, escapees: list[dict[str, Any]], headers: dict[str, str] | None = None) -> httpx.Response:
            return await security.post(f"/api/v1/incidents/{incident_id}/escapees", json={"escapees": escapees}, headers=headers)

        response = await add(escape_incident, [escapee(a), escapee(b, escaped_at="2026-03-10T02:40:00+07:00"), escapee(c)])
        assert response.status_code == 201, response.text
        added = response.json()
        assert [(e["inmate_id"], e["status"], e["incident_id"]) for e in added] == [
            (a, "at_large", escape_incident),
            (b, "at_large", escape_incident),
            (c, "at_large", escape_incident),
        ]
        # No time given: when the incident occurred (03:00 WIB, a local date of 10 March).
        assert [(e["escaped_at"], e["escaped_on"]) for e in added] == [
            ("2026-03-09T20:00:00Z", "2026-03-10"),
            ("2026-03-09T19:40:00Z", "2026-03-10"),
            ("2026-03-09T20:00:00Z", "2026-03-10"),
        ]
        # One more, reported on its own and grouped under the same incident.
        alone = await security.post(
            "/api/v1/escapes",
            json={
                "inmate_id": d,
                "upt_code": "LP-CIPINANG",
                "escaped_at": "2026-03-10T03:05:00+07:00",
                "method": "gorong-gorong",
                "incident_id": escape_incident,
            },
        )
        assert alone.status_code == 201 and alone.json()["incident_id"] == escape_incident, alone.text
        ids = {e["inmate_id"]: e["escape_id"] for e in [*added, alone.json()]}

        before = await counts(platform)
        refusals: list[tuple[httpx.Response, int, str, str]] = [
            (await add(riot_incident, [escapee(makassar_inmate)]), 422, "incident_id", "escape-incident"),
            (await add(not_reportable, [escapee(makassar_inmate)]), 409, "incident_id", "incident-open"),
            (await add(escape_incident, [escapee(a)]), 409, "escapees[0].inmate_id", "one-open-escape"),
            (
                await add(makassar_incident, [escapee(makassar_inmate), escapee(makassar_inmate)]),
                422,
                "escapees[1].inmate_id",
                "escapee-listed-once",
            ),
            (
                await add(makassar_incident, [escapee(makassar_inmate), escapee(a)]),
                422,
                "escapees[1].inmate_id",
                "inmate-in-roster",
            ),
            (
                await add(makassar_incident, [escapee(makassar_inmate, escaped_at="2026-03-10T12:00:00+08:00")]),
                422,
                "escapees[0].escaped_at",
                "not-in-future",
            ),
            (
                await add(makassar_incident, [escapee(makassar_inmate, escaped_at="2026-03-10T09:00:00")]),
                422,
                "escapees[0].escaped_at",
                "timezone-aware",
            ),
            (await add(makassar_incident, []), 422, "escapees", "too_short"),
            (await add(makassar_incident, [escapee(makassar_inmate, method="")]), 422, "escapees.0.method", "string_too_short"),
        ]
        alone_body = {
            "inmate_id": makassar_inmate,
            "upt_code": "LP-MAKASSAR",
            "escaped_at": "2026-03-10T04:00:00+08:00",
            "method": "pagar",
        }
        for incident_id, rule in ((riot_incident, "same-upt"), ("no-such-incident", "incident-exists")):
            refusals.append(
                (await security.post("/api/v1/escapes", json=alone_body | {"incident_id": incident_id}), 422, "incident_id", rule)
            )
        foreign = await security.post("/api/v1/escapes", json=alone_body | {"incident_id": riot_incident}, headers=MAKASSAR_ONLY)
        refusals.append((foreign, 422, "incident_id", "incident-exists"))
        for response, code, field, rule in refusals:
            assert response.status_code == code, response.text
            assert response.headers["content-type"] == "application/problem+json"
            assert {"field": field, "rule": rule} in [
                {"field": e["field"], "rule": e["rule"]} for e in response.json()["errors"]
            ], response.text
        assert (await add(escape_incident, [escapee(makassar_inmate)], headers=MAKASSAR_ONLY)).status_code == 404
        assert (await add("no-such-incident", [escapee(makassar_inmate)])).status_code == 404
        assert await counts(platform) == before

        # Each escapee moves on its own.
        security_app.state.clock = FixedClock(datetime(2026, 3, 20, 3, 0, tzinfo=UTC))
        recaptured = await security.post(
            f"/api/v1/escapes/{ids[b]}/recapture",
            json={"recaptured_at": "2026-03-11T07:00:00+07:00", "place": "Terminal Kampung Rambutan"},
        )
        assert recaptured.status_code == 200, recaptured.text
        died = await security.post(
            f"/api/v1/escapes/{ids[c]}/death",
            json={"died_on": "2026-03-15", "place": "Sungai Ciliwung", "source": "Surat kematian RSUD"},
        )
        assert died.status_code == 200, died.text

        page = (await security.get(f"/api/v1/incidents/{escape_incident}/escapees", params={"limit": 2})).json()
        assert (page["incident_id"], page["category"], page["total"], len(page["items"])) == (escape_incident, "escape", 4, 2)
        assert [e["inmate_id"] for e in page["items"]] == [b, a]  # oldest escape first
        assert {k: page["counts"][k] for k in ("escapees", "at_large", "recaptured", "dead")} == {
            "escapees": 4,
            "at_large": 2,
            "recaptured": 1,
            "dead": 1,
        }
        at_large = (await security.get(f"/api/v1/incidents/{escape_incident}/escapees", params={"status": "at_large"})).json()
        assert sorted(e["inmate_id"] for e in at_large["items"]) == sorted([a, d])
        empty = (await security.get(f"/api/v1/incidents/{makassar_incident}/escapees")).json()
        assert (empty["total"], empty["counts"]) == (0, None)
        assert (await security.get(f"/api/v1/incidents/{escape_incident}/escapees", headers=MAKASSAR_ONLY)).status_code == 404
        listed = (await security.get("/api/v1/escapes", params={"incident_id": escape_incident})).json()
        assert listed["total"] == 4
        by_incident = (await security.get("/api/v1/escapes/by-incident")).json()
        assert [(i["incident_id"], i["escapees"], i["at_large"], i["recaptured"], i["dead"]) for i in by_incident["items"]] == [
            (escape_incident, 4, 2, 1, 1)
        ]
        assert by_incident["items"][0]["first_escaped_at"] == "2026-03-09T19:40:00Z"
        assert (await security.get("/api/v1/escapes/by-incident", headers=MAKASSAR_ONLY)).json()["total"] == 0
        assert (await security.get("/api/v1/escapes/by-incident", headers=CIPINANG_ONLY)).json()["total"] == 1

        # The KPI-relevant events stay one per escapee; escape.linked names the incident.
        records = await platform.records("pas.security.escape.v1", at_least=10)
        kinds = types(records)
        assert (kinds.count("pas.security.escape.reported"), kinds.count("pas.security.escape.linked")) == (4, 4)
        assert (kinds.count("pas.security.escape.recaptured"), kinds.count("pas.security.escape.died")) == (1, 1)
        reported = [r for r in records if dict(r.headers)["ce_type"] == b"pas.security.escape.reported"]
        assert sorted(r.key for r in reported) == sorted(i.encode() for i in (a, b, c, d))
        linked = [json.loads(r.value) for r in records if dict(r.headers)["ce_type"] == b"pas.security.escape.linked"]
        assert sorted((p["inmate_id"], p["escape_id"], p["incident_id"]) for p in linked) == sorted(
            (i, ids[i], escape_incident) for i in (a, b, c, d)
        )
        for inmate_id in (a, b, c, d):  # on each escapee's key, the link follows its report
            own = [dict(r.headers)["ce_type"].decode() for r in records if r.key == inmate_id.encode()]
            assert own[:2] == ["pas.security.escape.reported", "pas.security.escape.linked"]
        audits = await platform.scalar("security", "SELECT count(*) FROM audit_log WHERE action = 'escape.reported'")
        assert audits == 4
