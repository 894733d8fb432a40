"""Seized items linked to incidents and discipline cases after their search was recorded, over HTTP
on the real database and broker: links are only added, audited and published (seizure.linked);
a link to another UPT's incident or case, a second link, a link to an excluded incident or to a
case already decided or withdrawn is refused and writes nothing; the caller's scope holds."""

import json
from datetime import UTC, datetime
from typing import Any

import httpx

from tests.integration.harness import Platform, create_app, running, until_equal
from tests.integration.test_event_flow import FACILITY, admission
from tests.integration.test_security_incidents import SECOND_FACILITY, FixedClock, facilities_known, riot, with_test_scope
from tests.integration.test_security_searches import search

CIPINANG_ONLY = {"x-test-scope": "upt:LP-CIPINANG"}
MAKASSAR_ONLY = {"x-test-scope": "upt:LP-MAKASSAR"}
TABLES = ("seizure_incidents", "seizure_discipline_cases", "discipline_cases", "discipline_case_steps", "outbox", "audit_log")


async def counts(platform: Platform) -> tuple[int, ...]:
    return tuple([await platform.scalar("security", f"SELECT count(*) FROM {table}") for table in TABLES])


async def admit(remission: httpx.AsyncClient, n: int, upt_code: str = "LP-CIPINANG") -> str:
    response = await remission.post("/api/v1/inmates", json=admission(n, upt_code) | {"admitted_on": "2026-01-10"})
    assert response.status_code == 201, response.text
    return str(response.json()["inmate_id"])


def violation(inmate_id: str, upt_code: str = "LP-CIPINANG", **changes: Any) -> dict[str, Any]:
    return {
        "inmate_id": inmate_id,
        "upt_code": upt_code,
        "violation": "communication-device",
        "occurred_on": "2026-03-10",
        "description": "HP ditemukan saat razia",
        "reported_by": "Agus Salim",
    } | changes


async def created(security: httpx.AsyncClient, path: str, body: dict[str, Any]) -> str:
    response = await security.post(path, json=body)
    assert response.status_code == 201, response.text
    found = response.json()
    return str(found.get("incident_id") or found.get("case_id"))


async def test_seizures_are_linked_after_the_search_and_bad_links_write_nothing(platform: Platform) -> None:
    await platform.create_databases("remission", "security")
    security_app = create_app(platform, "security")
    security_app.state.clock = FixedClock(datetime(2026, 3, 10, 12, 0, tzinfo=UTC))  # 19:00 WIB
    with_test_scope(security_app)
    async with running(create_app(platform, "remission")) as remission, running(security_app) as security:
        for facility in (FACILITY, SECOND_FACILITY):
            assert (await remission.post("/api/v1/facilities", json=facility)).status_code == 201
        inmate, other, makassar_inmate = (
            await admit(remission, 1),
            await admit(remission, 2),
            await admit(remission, 3, "LP-MAKASSAR"),
        )
        await facilities_known(platform, 2)

        async def on_roster() -> int:
            return int(await platform.scalar("security", "SELECT count(*) FROM roster"))

        await until_equal(on_roster, 3, what="security's roster has the inmates")

        smuggling = riot(category="smuggling-phones", severity="medium", occurred_at="2026-03-09T08:00:00", actions=[])
        searched_for = await created(security, "/api/v1/incidents", smuggling)
        later = await created(security, "/api/v1/incidents", smuggling | {"title": "HP lewat kiriman makanan"})
        excluded = await created(security, "/api/v1/incidents", smuggling | {"title": "Salah lapor"})
        moved = await security.post(
            f"/api/v1/incidents/{excluded}/transitions", json={"to": "not-reportable", "why": "bukan kamtib"}
        )
        assert moved.status_code == 200, moved.text
        makassar_incident = await created(security, "/api/v1/incidents", smuggling | {"upt_code": "LP-MAKASSAR"})

        items = [
            {"item_type": "phone", "count": 1, "description": "HP Android", "inmate_id": inmate},
            {"item_type": "cash", "count": 1, "description": "uang tunai", "amount_rupiah": 500_000},
        ]
        found = await security.post("/api/v1/searches", json=search(items=items, incident_id=searched_for))
        assert found.status_code == 201, found.text
        phone, cash = (s["seizure_id"] for s in found.json()["seizures"])
        case = await created(security, "/api/v1/discipline/cases", violation(inmate))
        others_case = await created(security, "/api/v1/discipline/cases", violation(other))
        makassar_case = await created(security, "/api/v1/discipline/cases", violation(makassar_inmate, "LP-MAKASSAR"))

        async def link(seizure_id: str, headers: dict[str, str] | None = None, **body: Any) -> httpx.Response:
            return await security.post(
                f"/api/v1/seizures/{seizure_id}/links", json={"why": "HP yang sama"} | body, headers=headers
            )

        response = await link(phone, incident_id=later, why="HP ini dipesan lewat kiriman makanan kemarin")
        assert response.status_code == 200, response.text
        linked = response.json()
        assert (linked["incident_ids"], linked["discipline_case_ids"]) == ([later], [])
        assert [(k["kind"], k["target_id"], k["linked_by"], k["why"]) for k in linked["links"]] == [
            ("incident", later, "anonymous", "HP ini dipesan lewat kiriman makanan kemarin")
        ]
        response = await link(phone, case_id=case)
        assert response.status_code == 200, response.text
        assert response.json()["discipline_case_ids"] == [case]
        assert [k["kind"] for k in response.json()["links"]] == ["incident", "discipline-case"]
        assert (await security.get(f"/api/v1/discipline/cases/{case}")).json()["seizure_ids"] == [phone]
        # An item found with no one named may go to any inmate's case of its UPT.
        assert (await link(cash, case_id=others_case)).status_code == 200

        def ids(page: httpx.Response) -> list[str]:
            return sorted(s["seizure_id"] for s in page.json()["items"])

        assert ids(await security.get("/api/v1/seizures", params={"incident_id": later})) == [phone]
        assert ids(await security.get("/api/v1/seizures", params={"incident_id": searched_for})) == sorted([phone, cash])
        assert ids(await security.get("/api/v1/seizures", params={"incident_id": excluded})) == []

        before = await counts(platform)
        refusals: list[tuple[httpx.Response, int, str, str]] = [
            (await link(phone, incident_id=later, case_id=case), 422, "incident_id", "one-link-target"),
            (await link(phone), 422, "incident_id", "one-link-target"),
            (await link(phone, incident_id="no-such-incident"), 422, "incident_id", "incident-exists"),
            (await link(phone, incident_id=makassar_incident), 422, "incident_id", "same-upt"),
            (await link(phone, incident_id=makassar_incident, headers=CIPINANG_ONLY), 422, "incident_id", "incident-exists"),
            (await link(phone, incident_id=excluded), 422, "incident_id", "incident-counted"),
            (await link(phone, incident_id=later), 409, "incident_id", "linked-once"),
            (await link(phone, incident_id=searched_for), 409, "incident_id", "linked-once"),
            (await link(phone, case_id="no-such-case"), 422, "case_id", "case-exists"),
            (await link(phone, case_id=makassar_case), 422, "case_id", "same-upt"),
            (await link(phone, case_id=others_case), 422, "case_id", "seizure-of-inmate"),
            (await link(phone, case_id=case), 409, "case_id", "linked-once"),
            (await link(phone, incident_id=later, note="x"), 422, "note", "extra_forbidden"),
            (await link(phone, incident_id=later, why=""), 422, "why", "string_too_short"),
        ]
        for response, code, field, rule in refusals:
            assert response.status_code == code, response.text
            assert response.headers["content-type"] == "application/problem+json"
            assert {"field": field, "rule": rule} in [
                {"field": e["field"], "rule": e["rule"]} for e in response.json()["errors"]
            ], response.text
        assert (await link(phone, incident_id=later, headers=MAKASSAR_ONLY)).status_code == 404
        assert (await link("no-such-seizure", incident_id=later)).status_code == 404
        assert await counts(platform) == before
        # A case withdrawn before its decision takes no more evidence.
        dropped = await created(security, "/api/v1/discipline/cases", violation(inmate, description="laporan kedua, keliru"))
        withdrawn = await security.post(
            f"/api/v1/discipline/cases/{dropped}/withdrawal",
            json={"withdrawn_on": "2026-03-10", "withdrawn_by": "KPLP", "reason": "laporan ganda"},
        )
        assert withdrawn.status_code == 200, withdrawn.text
        before = await counts(platform)
        closed = await link(phone, case_id=dropped)
        assert closed.status_code == 409 and closed.json()["errors"][0]["rule"] == "case-open", closed.text
        assert await counts(platform) == before
        assert len((await security.get(f"/api/v1/seizures/{phone}")).json()["links"]) == 2

        audits = await platform.fetch(
            "security", "SELECT entity_id, after FROM audit_log WHERE action = 'seizure.linked' ORDER BY seq"
        )
        assert [r[0] for r in audits] == [phone, phone, cash]
        last_phone = audits[1][1] if isinstance(audits[1][1], dict) else json.loads(audits[1][1])
        assert (last_phone["incident_ids"], last_phone["discipline_case_ids"], last_phone["why"]) == (
            [later],
            [case],
            "HP yang sama",
        )

        records = [r for r in await platform.records("pas.security.seizure.v1", at_least=3)]
        links = [r for r in records if dict(r.headers)["ce_type"] == b"pas.security.seizure.linked"]
        payloads = [json.loads(r.value) for r in links]
        assert [(p["seizure_id"], p["incident_id"], p["case_id"]) for p in payloads] == [
            (phone, later, None),
            (phone, None, case),
            (cash, None, others_case),
        ]
        assert {(dict(r.headers)["ce_uptcode"], dict(r.headers)["ce_kanwilcode"], r.key) for r in links} == {
            (b"LP-CIPINANG", b"KW-DKI", found.json()["search_id"].encode())
        }
