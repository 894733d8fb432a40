"""The national KPIs after a scripted scenario through the real services (admissions, a
remission batch, an incident, an escape and its recapture, a product and its halal permit, a
kitchen with its SLHS and an inspection): the gateway's figures equal what the services'
databases hold, each caller sees its scope only, the public statistics carry no personal data,
and a rebuild from the start of every topic gives the same answers."""

import json
import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from pas_gateway.domain.kpi_rules import ration_cost
from pas_gateway.rebuild_kpis import run as rebuild
from tests.integration.harness import Platform, bearer, create_app, make_token, running, until_equal
from tests.integration.test_event_flow import FACILITY, admission

MAKASSAR = FACILITY | {
    "upt_code": "LP-MAKASSAR",
    "name": "Lapas Kelas I Makassar",
    "kanwil_code": "KW-SULSEL",
    "capacity": 1,
    "time_zone": "Asia/Makassar",
}
AREAS = ("occupancy", "security", "rehabilitation", "remission", "food", "composite")
SERVICES = ("remission", "security", "rehabilitation", "food-audit", "gateway")


async def kpis(gateway: httpx.AsyncClient, area: str, **params: str) -> dict[str, Any]:
    response = await gateway.get(f"/api/v1/kpi/{area}", params=params)
    assert response.status_code == 200, response.text
    return {k["id"]: k["value"] for k in response.json()["kpis"]}


async def admit(remission: httpx.AsyncClient, n: int, upt_code: str, admitted_on: str, custody: str = "narapidana") -> str:
    body = admission(n, upt_code) | {"admitted_on": admitted_on, "custody_status": custody}
    if custody == "tahanan":
        body["detaining_authority"] = "penuntut-umum"
    response = await remission.post("/api/v1/inmates", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["inmate_id"])


async def scenario(platform: Platform, c: dict[str, httpx.AsyncClient]) -> dict[str, Any]:
    remission, security, rehab, food = c["remission"], c["security"], c["rehabilitation"], c["food-audit"]
    for facility in (FACILITY, MAKASSAR):
        assert (await remission.post("/api/v1/facilities", json=facility)).status_code == 201
    long_term = await admit(remission, 1, "LP-CIPINANG", "2025-01-10")
    short_term = await admit(remission, 2, "LP-CIPINANG", "2026-01-10")
    detainee = await admit(remission, 3, "LP-CIPINANG", "2026-01-10", custody="tahanan")
    escapee = await admit(remission, 4, "LP-MAKASSAR", "2026-01-10")
    await admit(remission, 5, "LP-MAKASSAR", "2026-01-10")
    for inmate, verdict in (
        (long_term, {"verdict_final_on": "2025-05-01", "sentence": {"years": 3}}),
        (short_term, {"verdict_final_on": "2026-03-01", "sentence": {"months": 8}}),
    ):
        assert (await remission.put(f"/api/v1/inmates/{inmate}/verdict", json=verdict)).status_code == 200

    # Remisi Umum 17 Aug 2026 for Cipinang: 2 months for the long term (I), the short term freed (II).
    body = {"occasion": "remisi-umum", "on": "2026-08-17", "upt_code": "LP-CIPINANG"}
    batch = (await remission.post("/api/v1/remission-batches", json=body)).json()
    approved = await remission.post(
        f"/api/v1/remission-batches/{batch['batch_id']}/approve", json={"decree_number": "PAS-1234.PK.05.04/2026"}
    )
    assert approved.json()["granted_now"] == 2, approved.text

    async def on_roster(client: httpx.AsyncClient, upt: str) -> int:
        return int((await client.get(f"/api/v1/roster/{upt}")).json()["population"])

    await until_equal(lambda: on_roster(security, "LP-MAKASSAR"), 2, what="security's roster of Makassar")
    await until_equal(lambda: on_roster(security, "LP-CIPINANG"), 2, what="security's roster after the type II release")

    incident = {
        "upt_code": "LP-CIPINANG",
        "category": "riot",
        "severity": "high",
        "title": "Kerusuhan blok C",
        "location": "Blok C",
        "narrative": "Keributan saat pembagian makanan.",
        "occurred_at": "2026-03-10T18:30:00",
        "people": [],
        "actions": [],
    }
    assert (await security.post("/api/v1/incidents", json=incident)).status_code == 201
    escape = {"inmate_id": escapee, "upt_code": "LP-MAKASSAR", "escaped_at": "2026-03-15T00:15:00+08:00", "method": "pagar"}
    reported = await security.post("/api/v1/escapes", json=escape)
    assert reported.status_code == 201, reported.text
    recapture = {"recaptured_at": "2026-03-19T23:30:00+08:00", "place": "Maros"}
    assert (await security.post(f"/api/v1/escapes/{reported.json()['escape_id']}/recapture", json=recapture)).status_code == 200

    async def rehab_knows() -> int:
        return (await rehab.get("/api/v1/facilities/LP-CIPINANG")).status_code

    await until_equal(rehab_knows, 200, what="rehabilitation knows Cipinang")
    product = await rehab.post(
        "/api/v1/products", json={"upt_code": "LP-CIPINANG", "name": "Roti", "category": "food", "unit": "pcs"}
    )
    assert product.status_code == 201, product.text
    permit = (await rehab.post(f"/api/v1/products/{product.json()['product_id']}/permits", json={"permit_type": "halal"})).json()
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date()
    granted = {
        "to": "granted",
        "on": str(today - timedelta(days=10)),
        "number": "ID33110000662051022",
        "valid_from": str(today - timedelta(days=10)),
        "valid_until": str(today + timedelta(days=700)),
    }
    for step in (
        {"to": "applied", "on": str(today - timedelta(days=40))},
        {"to": "under-review", "on": str(today - timedelta(days=30))},
        granted,
    ):
        response = await rehab.post(f"/api/v1/permits/{permit['permit_id']}/transitions", json=step)
        assert response.status_code == 200, response.text
    await rehab.post(
        "/api/v1/products",
        json={"upt_code": "LP-MAKASSAR", "name": "Batako", "category": "construction-materials", "unit": "pcs"},
    )

    async def kitchen_registered() -> int:
        return (await food.post("/api/v1/kitchens", json={"upt_code": "LP-CIPINANG", "name": "Dapur utama"})).status_code

    await until_equal(kitchen_registered, 201, what="food-audit knows Cipinang")
    kitchen_id = (await food.get("/api/v1/kitchens")).json()["items"][0]["kitchen_id"]
    cert = {"issuer": "Dinas Kesehatan Jakarta Timur", "number": "SLHS/443/2026", "issued_on": str(today - timedelta(days=30))}
    assert (await food.post(f"/api/v1/kitchens/{kitchen_id}/certificates", json=cert)).status_code == 201
    template = (await food.get("/api/v1/inspection-templates/current")).json()
    marks = {i["code"]: i["max"] for s in template["sections"] for i in s["items"]}
    scheduled = await food.post(
        "/api/v1/inspections", json={"kitchen_id": kitchen_id, "kind": "scheduled", "planned_on": str(today)}
    )
    assert scheduled.status_code == 201, scheduled.text
    completion = {
        "inspected_on": str(today),
        "inspector": "Tim Kanwil DKI",
        "owner": "Kasi Perawatan",
        "scores": [{"item": item, "score": score, "note": "dilihat"} for item, score in marks.items()],
    }
    done = await food.post(f"/api/v1/inspections/{scheduled.json()['inspection_id']}/complete", json=completion)
    assert done.status_code == 200, done.text
    return {"inmates": [long_term, short_term, detainee, escapee], "today": today}


async def held(platform: Platform, where: str = "TRUE") -> dict[str, int]:
    """Occupancy as remission's own tables hold it."""
    sql = "SELECT count(*) FROM inmates i JOIN facilities f USING (upt_code) WHERE i.released_on IS NULL AND "
    return {
        "detainees": await platform.scalar("remission", sql + f"i.custody_status = 'tahanan' AND {where}"),
        "convicts": await platform.scalar("remission", sql + f"i.custody_status = 'narapidana' AND {where}"),
        "capacity": await platform.scalar("remission", f"SELECT sum(capacity) FROM facilities f WHERE {where}"),
    }


async def test_kpis_equal_the_services_data_per_scope_and_after_a_rebuild(platform: Platform) -> None:
    await platform.create_databases(*SERVICES)
    apps = {s: create_app(platform, s) for s in SERVICES if s != "gateway"}
    apps["remission"] = create_app(platform, "remission", assume_programme_and_risk_met=True)
    async with (
        running(apps["remission"]) as remission,
        running(apps["security"]) as security,
        running(apps["rehabilitation"]) as rehabilitation,
        running(apps["food-audit"]) as food_audit,
    ):
        clients = {"remission": remission, "security": security, "rehabilitation": rehabilitation, "food-audit": food_audit}
        facts = await scenario(platform, clients)
        expected_occupancy = await held(platform)
        dki_occupancy = await held(platform, "f.kanwil_code = 'KW-DKI'")
        assert expected_occupancy == {"detainees": 1, "convicts": 3, "capacity": 3}  # the scenario did what it meant to

        async with running(create_app(platform, "gateway")) as gateway:
            await until_equal(
                lambda: _pick(kpis(gateway, "occupancy"), ("detainees", "convicts", "capacity")),
                expected_occupancy,
                what="the gateway's occupancy",
            )
            occupancy = await kpis(gateway, "occupancy")
            assert occupancy["occupants"] == 4 and occupancy["overcrowding_pct"] == round((4 - 3) / 3 * 100, 1)
            assert occupancy["overcrowded_upts"] == 1  # Makassar: 2 in 1 place; Cipinang 2 in 2 is not over

            # Remission: the grants the remission service holds, by type and occasion; the days are
            # the grants' months at the rule data's 30 days (2 months and 1 month) plus their days.
            grants = await platform.fetch("remission", "SELECT remission_type, count(*) AS n FROM remission_grants GROUP BY 1")
            expected_remission = {
                "remission_recipients": sum(g["n"] for g in grants),
                "remission_recipients_by_type": {g["remission_type"]: g["n"] for g in grants},
                "remission_recipients_by_occasion": {"remisi-umum": sum(g["n"] for g in grants)},
                "type_ii_releases": await platform.scalar(
                    "remission", "SELECT count(*) FROM inmates WHERE release_reason = 'remission-ii'"
                ),
                "remission_days_granted": await platform.scalar(
                    "remission", "SELECT sum(months * 30 + days) FROM remission_grants"
                ),
                # DKI Jakarta (remission records the Kanwil's province): Rp18,000 a day under PMK 49/2023.
                "food_budget_saving_rupiah": 90 * 18_000,
            }
            province = await platform.scalar("remission", "SELECT province FROM facilities WHERE upt_code = 'LP-CIPINANG'")
            assert ration_cost(province, date(2026, 8, 17)) == 18_000, province
            await until_equal(
                lambda: _pick(kpis(gateway, "remission"), tuple(expected_remission)), expected_remission, what="remission KPIs"
            )
            assert expected_remission["remission_recipients_by_type"] == {"I": 1, "II": 1}

            expected_security = {
                "escapees": await platform.scalar("security", "SELECT count(*) FROM escapes"),
                "escapees_at_large": await platform.scalar("security", "SELECT count(*) FROM escapes WHERE status = 'at_large'"),
                "recapture_rate_pct": 100.0,
                "median_days_to_recapture": 4.0,  # 15 -> 19 March, Makassar's own dates
                "incidents": await platform.scalar("security", "SELECT count(*) FROM incidents"),
                "incidents_by_category": {"riot": 1},
                "open_incidents": 1,
            }
            await until_equal(
                lambda: _pick(kpis(gateway, "security"), tuple(expected_security)), expected_security, what="security KPIs"
            )
            assert (expected_security["escapees"], expected_security["escapees_at_large"]) == (1, 0)

            expected_rehabilitation = {
                "products_active": await platform.scalar(
                    "rehabilitation", "SELECT count(*) FROM products WHERE status = 'active'"
                ),
                "upts_producing": 2,
                "legalised_pct_by_permit": {"halal": 50.0},
            }
            granted = await platform.scalar("rehabilitation", "SELECT count(*) FROM permits WHERE status = 'granted'")
            assert (expected_rehabilitation["products_active"], granted) == (2, 1)
            await until_equal(
                lambda: _pick(kpis(gateway, "rehabilitation"), tuple(expected_rehabilitation)),
                expected_rehabilitation,
                what="rehabilitation KPIs",
            )

            inspections = await platform.fetch("food-audit", "SELECT passed, rating FROM inspections WHERE status = 'completed'")
            expected_food = {
                "inspection_pass_pct": 100.0 * sum(i["passed"] for i in inspections) / len(inspections),
                "inspection_rating_mean": sum(i["rating"] for i in inspections) / len(inspections),
                "kitchens_certified": await platform.scalar(
                    "food-audit", "SELECT count(*) FROM certificates WHERE expires_on >= $1", facts["today"]
                ),
            }
            await until_equal(lambda: _pick(kpis(gateway, "food"), tuple(expected_food)), expected_food, what="food KPIs")

            composite = (await gateway.get("/api/v1/kpi/composite")).json()
            # Cipinang: not over capacity, but 1 incident among 2 occupants since 10 March is more than
            # 10 per 100 a year (scores 1, weight 0.25), kitchen rated 5 (0, weight 0.15): 100 x 0.25 / 0.7.
            # Makassar: 100% over capacity (0.5 of the 200% scale, weight 0.3), no incident: 100 x 0.15 / 0.55.
            ranked = [(a["upt_code"], a["index"]) for a in composite["attention"]]
            assert ranked == [("LP-CIPINANG", round(100 * 0.25 / 0.7, 1)), ("LP-MAKASSAR", round(100 * 0.15 / 0.55, 1))]
            assert {s["source"] for s in composite["sources"]} == {"security", "remission", "food-audit"}
            for area in AREAS:
                body = (await gateway.get(f"/api/v1/kpi/{area}")).json()
                assert body["as_of"] is not None and all(s["as_of"] for s in body["sources"]), body["sources"]
                assert {b["code"] for b in body["breakdown"]} == {"KW-DKI", "KW-SULSEL"}

            # A series: occupants by month, levels as they stood at each month's end.
            series = (
                await gateway.get(
                    "/api/v1/kpi/occupancy/series",
                    params={"kpi": "occupants", "period_from": "2026-01-01", "period_to": "2026-08-31"},
                )
            ).json()
            assert series["points"][0] == {"period": "2026-01", "value": 5.0}
            assert series["points"][-1] == {"period": "2026-08", "value": 4.0}  # the type II release on 17 Aug

            await _scopes(gateway, dki_occupancy)
            await _public(gateway, facts["inmates"])
            before = {area: (await gateway.get(f"/api/v1/kpi/{area}")).json() for area in AREAS}

        # Rebuild: the read models emptied, the consumer groups rewound; the gateway replays.
        rewound = await rebuild(platform.settings("gateway"))
        assert rewound[f"{platform.namespace}pas.gateway.kpi-remission"] > 0, rewound
        assert await platform.scalar("gateway", "SELECT count(*) FROM kpi_state") == 0
        assert await platform.scalar("gateway", "SELECT count(*) FROM inbox WHERE consumer LIKE 'gateway.kpi-%'") == 0
        async with running(create_app(platform, "gateway")) as gateway:

            async def answers() -> dict[str, Any]:
                return {area: _comparable((await gateway.get(f"/api/v1/kpi/{area}")).json()) for area in AREAS}

            await until_equal(answers, {a: _comparable(b) for a, b in before.items()}, what="the same KPIs after the rebuild")


async def _pick(awaitable: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    found = await awaitable
    return {k: found[k] for k in keys}


def _comparable(body: dict[str, Any]) -> dict[str, Any]:
    """An answer without what depends on the moment asked (a source's lag on the broker)."""
    return body | {"sources": [{"source": s["source"], "as_of": s["as_of"]} for s in body["sources"]]}


async def _scopes(gateway: httpx.AsyncClient, dki_occupancy: dict[str, int]) -> None:
    kanwil = bearer(make_token(["GATEWAY__KPI__RO"], "kanwil:KW-DKI"))
    upt = bearer(make_token(["GATEWAY__KPI__RO"], "upt:LP-MAKASSAR"))
    body = (await gateway.get("/api/v1/kpi/occupancy", headers=kanwil)).json()  # asks for the nation, gets its Kanwil
    assert body["scope"] == {"level": "kanwil", "code": "KW-DKI"}
    assert {k["id"]: k["value"] for k in body["kpis"]}["capacity"] == dki_occupancy["capacity"]
    assert {k["id"]: k["value"] for k in body["kpis"]}["detainees"] == dki_occupancy["detainees"]
    assert [(b["level"], b["code"], b["name"]) for b in body["breakdown"]] == [("upt", "LP-CIPINANG", "Lapas Kelas I Cipinang")]
    for params, headers in (
        ({"kanwil_code": "KW-SULSEL"}, kanwil),
        ({"upt_code": "LP-MAKASSAR"}, kanwil),
        ({"upt_code": "LP-CIPINANG"}, upt),
        ({"kanwil_code": "KW-SULSEL"}, upt),
        ({"upt_code": "LP-NOWHERE"}, {}),
    ):
        refused = await gateway.get("/api/v1/kpi/security", params=params, headers=headers)
        assert refused.status_code == 404, (params, refused.text)
    own = (await gateway.get("/api/v1/kpi/security", headers=upt)).json()
    assert own["scope"] == {"level": "upt", "code": "LP-MAKASSAR"} and own["breakdown"] == []
    series = await gateway.get(
        "/api/v1/kpi/security/series", params={"kpi": "escapees", "kanwil_code": "KW-SULSEL"}, headers=kanwil
    )
    assert series.status_code == 404
    no_role = await gateway.get("/api/v1/kpi/occupancy", headers=bearer(make_token(["GATEWAY__USERS__RO"])))
    assert no_role.status_code == 403


NIK_LIKE = re.compile(r"\b\d{16}\b")


async def _public(gateway: httpx.AsyncClient, inmate_ids: list[str]) -> None:
    response = await gateway.get("/api/v1/public/statistics", headers={"Authorization": ""})
    assert response.status_code == 200, response.text
    stats = response.json()
    assert stats["occupancy"]["national"]["occupants"] == 4
    assert {k["kanwil_code"] for k in stats["occupancy"]["by_kanwil"]} == {"KW-DKI", "KW-SULSEL"}
    assert stats["remission_recipients_by_occasion"] == {"remisi-umum": 2}
    assert stats["products"]["legalised_pct_by_permit"] == {"halal": 50.0}
    text = json.dumps(stats)
    for inmate_id in inmate_ids:
        assert inmate_id not in text
    for personal in ("inmate", "register_number", "birth", "nik", "officer", "1990-05-01", "B1-0000"):
        assert personal not in text.lower()
    assert not NIK_LIKE.search(text)
