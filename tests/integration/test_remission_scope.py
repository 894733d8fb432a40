"""The caller's scope on every remission route, over HTTP on the real PostgreSQL with tokens of
each scope: a Kanwil user sees only the UPTs of their Kanwil, a UPT user only their own; records
outside the scope answer 404 as if they did not exist, bodies naming a UPT or Kanwil outside it
are refused on that field, figures are computed only over what the caller may see and say what
they cover. Every refusal writes nothing: no row, no outbox event, no audit entry."""

from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI

from tests.integration.harness import Platform, create_app, running
from tests.integration.test_event_flow import FACILITY, admission
from tests.integration.test_integration_rights import Clock

DKI = {"X-Test-Scope": "kanwil:KW-DKI"}
JABAR = {"X-Test-Scope": "kanwil:KW-JABAR"}
CIPINANG = {"X-Test-Scope": "upt:LP-CIPINANG"}
SALEMBA_USER = {"X-Test-Scope": "upt:RT-SALEMBA"}

SALEMBA = FACILITY | {"upt_code": "RT-SALEMBA", "name": "Rutan Kelas I Jakarta Pusat", "upt_type": "Rutan", "capacity": 10}
SUKAMISKIN = FACILITY | {
    "upt_code": "LP-SUKAMISKIN",
    "name": "Lapas Kelas I Sukamiskin",
    "kanwil_code": "KW-JABAR",
    "capacity": 5,
}

TABLES = (
    "facilities",
    "facility_capacity",
    "inmates",
    "inmate_transfers",
    "inmate_special_conditions",
    "remission_batches",
    "remission_proposals",
    "batch_transitions",
    "remission_grants",
    "integration_applications",
    "application_transitions",
    "application_documents",
    "social_assistance",
    "audit_log",
)

# 3 years from 1 Jul 2024, final 1 Oct 2024: past 2/3 (1 Jul 2026) on 30 Nov 2026, out 1 Jul 2027.
VERDICT = {"verdict_final_on": "2024-10-01", "sentence": {"years": 3}}


async def snapshot(platform: Platform) -> dict[str, str]:
    """Every row of every table the service writes, as a digest: an update shows as well as an insert."""
    # The outbox by its ids only: the relay marks rows sent as it goes.
    out = {
        "outbox": await platform.scalar(
            "remission", "SELECT count(*) || ':' || md5(coalesce(string_agg(event_id, '|' ORDER BY event_id), '')) FROM outbox"
        )
    }
    for table in TABLES:
        out[table] = await platform.scalar(
            "remission", f"SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {table} t"
        )
    return out


def fields(response: httpx.Response) -> list[tuple[str, str]]:
    return [(e["field"], e["rule"]) for e in response.json()["errors"]]


async def remission_app(platform: Platform) -> FastAPI:
    await platform.create_databases("remission")
    app = create_app(platform, "remission", assume_programme_and_risk_met=True)
    app.state.clock = Clock(datetime(2026, 11, 30, 2, 0, tzinfo=UTC))  # Monday 30 Nov 2026, 09:00 WIB
    return app


async def populate(remission: httpx.AsyncClient) -> dict[str, str]:
    """Three UPTs in two Kanwil (Cipinang and Salemba in DKI, Sukamiskin in Jawa Barat) and one
    convict in each, past 2/3 on the clock's today; by inmate id per UPT."""
    for facility in (FACILITY, SALEMBA, SUKAMISKIN):
        assert (await remission.post("/api/v1/facilities", json=facility)).status_code == 201
    ids = {}
    for n, upt in enumerate(("LP-CIPINANG", "RT-SALEMBA", "LP-SUKAMISKIN")):
        response = await remission.post("/api/v1/inmates", json=admission(n, upt) | {"admitted_on": "2024-07-01"})
        assert response.status_code == 201, response.text
        ids[upt] = response.json()["inmate_id"]
        assert (await remission.put(f"/api/v1/inmates/{ids[upt]}/verdict", json=VERDICT)).status_code == 200
    return ids


async def test_facilities_inmates_and_transfers_by_scope(platform: Platform) -> None:
    app = await remission_app(platform)
    async with running(app) as remission:
        ids = await populate(remission)
        cipinang, salemba, sukamiskin = ids["LP-CIPINANG"], ids["RT-SALEMBA"], ids["LP-SUKAMISKIN"]
        before = await snapshot(platform)

        # Facilities: 404 outside the scope, the reference data for everyone.
        for headers, upt, status in [
            (DKI, "LP-CIPINANG", 200),
            (DKI, "RT-SALEMBA", 200),
            (DKI, "LP-SUKAMISKIN", 404),
            (JABAR, "LP-SUKAMISKIN", 200),
            (CIPINANG, "LP-CIPINANG", 200),
            (CIPINANG, "RT-SALEMBA", 404),
        ]:
            assert (await remission.get(f"/api/v1/facilities/{upt}", headers=headers)).status_code == status, (headers, upt)
            assert (await remission.get(f"/api/v1/facilities/{upt}/capacity", headers=headers)).status_code == status
        assert (await remission.get("/api/v1/reference", headers=CIPINANG)).status_code == 200
        # Capacity changes and registrations outside the scope: refused, nothing written.
        change = {"effective_on": "2026-11-30", "capacity": 7, "reason": "Blok baru selesai"}
        refused = await remission.post("/api/v1/facilities/LP-SUKAMISKIN/capacity", json=change, headers=DKI)
        assert refused.status_code == 404, refused.text
        refused = await remission.post("/api/v1/facilities/RT-SALEMBA/capacity", json=change, headers=CIPINANG)
        assert refused.status_code == 404
        new_upt = FACILITY | {"upt_code": "LP-DEPOK", "name": "Lapas Depok"}
        refused = await remission.post("/api/v1/facilities", json=new_upt | {"kanwil_code": "KW-JABAR"}, headers=DKI)
        assert refused.status_code == 422 and fields(refused) == [("kanwil_code", "within-your-scope")]
        assert "KW-JABAR" in refused.json()["errors"][0]["message"]
        refused = await remission.post("/api/v1/facilities", json=new_upt, headers=CIPINANG)
        assert refused.status_code == 422 and fields(refused) == [("upt_code", "within-your-scope")]
        # Admissions into a UPT outside the scope: refused like an unknown UPT.
        for headers, upt in [(DKI, "LP-SUKAMISKIN"), (CIPINANG, "RT-SALEMBA"), (CIPINANG, "LP-NOWHERE")]:
            refused = await remission.post("/api/v1/inmates", json=admission(9, upt), headers=headers)
            assert refused.status_code == 422 and fields(refused) == [("upt_code", "facility-registered")]
            assert "di luar wilayah Anda" in refused.json()["errors"][0]["message"]

        # Everything under /inmates/{id} of an inmate held elsewhere: 404, as if unknown.
        elsewhere = [(DKI, sukamiskin), (JABAR, cipinang), (CIPINANG, salemba), (SALEMBA_USER, cipinang)]
        for headers, inmate in elsewhere:
            path = f"/api/v1/inmates/{inmate}"
            calls = [
                remission.get(path, headers=headers),
                remission.get(f"{path}/transfers", headers=headers),
                remission.get(f"{path}/remission", params={"occasion": "remisi-umum", "on": "2026-08-17"}, headers=headers),
                remission.post(f"{path}/release", json={"released_on": "2026-11-30", "reason": "expiration"}, headers=headers),
                remission.put(f"{path}/verdict", json=VERDICT, headers=headers),
                remission.post(
                    f"{path}/special-conditions",
                    json={"condition": "fine_paid", "met_on": "2026-11-01", "evidence": "Bukti setor denda"},
                    headers=headers,
                ),
                remission.post(
                    f"{path}/transfers",
                    json={"to_upt_code": "LP-CIPINANG", "transferred_on": "2026-11-30", "reason": "decongestion"},
                    headers=headers,
                ),
            ]
            for call in calls:
                response = await call
                assert response.status_code == 404, (headers, response.request.url, response.text)
        assert await snapshot(platform) == before

        # Within the scope: the same reads answer.
        seen = await remission.get(f"/api/v1/inmates/{cipinang}", headers=CIPINANG)
        assert seen.status_code == 200 and seen.json()["upt_code"] == "LP-CIPINANG"
        check = await remission.get(
            f"/api/v1/inmates/{salemba}/remission", params={"occasion": "remisi-umum", "on": "2026-08-17"}, headers=DKI
        )
        assert check.status_code == 200 and check.json()["eligible"] is True
        # A Kanwil user registers a UPT of their Kanwil and admits into it.
        created = await remission.post("/api/v1/facilities", json=new_upt, headers=DKI)
        assert created.status_code == 201, created.text
        admitted = await remission.post("/api/v1/inmates", json=admission(9, "LP-DEPOK"), headers=DKI)
        assert admitted.status_code == 201 and admitted.json()["kanwil_code"] == "KW-DKI"
        assert (await remission.get("/api/v1/facilities/LP-DEPOK", headers=JABAR)).status_code == 404

        # A transfer: the caller sees the origin; the destination may be in another Kanwil. After
        # it the origin's users no longer see the inmate, the destination's do.
        move = {"to_upt_code": "LP-SUKAMISKIN", "transferred_on": "2026-11-30", "reason": "decongestion"}
        moved = await remission.post(f"/api/v1/inmates/{cipinang}/transfers", json=move, headers=CIPINANG)
        assert moved.status_code == 201, moved.text
        assert (moved.json()["from_kanwil_code"], moved.json()["to_kanwil_code"]) == ("KW-DKI", "KW-JABAR")
        for headers, status in [(CIPINANG, 404), (DKI, 404), (JABAR, 200)]:
            assert (await remission.get(f"/api/v1/inmates/{cipinang}", headers=headers)).status_code == status
            assert (await remission.get(f"/api/v1/inmates/{cipinang}/transfers", headers=headers)).status_code == status
        after_move = await snapshot(platform)
        back = move | {"to_upt_code": "LP-CIPINANG"}
        refused = await remission.post(f"/api/v1/inmates/{cipinang}/transfers", json=back, headers=CIPINANG)
        assert refused.status_code == 404
        assert await snapshot(platform) == after_move
        population = await remission.get("/api/v1/facilities/LP-CIPINANG", headers=CIPINANG)
        assert population.json()["population"] == 0


async def test_remission_batches_lie_within_the_callers_scope(platform: Platform) -> None:
    app = await remission_app(platform)
    async with running(app) as remission:
        ids = await populate(remission)
        batches = "/api/v1/remission-batches"
        body = {"occasion": "remisi-umum", "on": "2026-08-17"}
        before = await snapshot(platform)

        # Wider than the caller's scope: on `scope`; a UPT or Kanwil elsewhere: on its field.
        refusals = [
            (DKI, body, ("scope", "within-your-scope")),
            (CIPINANG, body | {"kanwil_code": "KW-DKI"}, ("scope", "within-your-scope")),
            (CIPINANG, body, ("scope", "within-your-scope")),
            (DKI, body | {"kanwil_code": "KW-JABAR"}, ("kanwil_code", "kanwil-in-scope")),
            (CIPINANG, body | {"kanwil_code": "KW-JABAR"}, ("kanwil_code", "kanwil-in-scope")),
            (DKI, body | {"upt_code": "LP-SUKAMISKIN"}, ("upt_code", "facility-registered")),
            (CIPINANG, body | {"upt_code": "RT-SALEMBA"}, ("upt_code", "facility-registered")),
        ]
        for headers, sent, expected in refusals:
            refused = await remission.post(batches, json=sent, headers=headers)
            assert refused.status_code == 422, (headers, sent, refused.text)
            assert fields(refused) == [expected], (headers, sent)
        wider = await remission.post(batches, json=body, headers=DKI)
        assert "national" in wider.json()["errors"][0]["message"] and "kanwil:KW-DKI" in wider.json()["errors"][0]["message"]
        assert await snapshot(platform) == before

        async def compute(headers: dict[str, str], sent: dict[str, str]) -> dict[str, Any]:
            response = await remission.post(batches, json=sent, headers=headers)
            assert response.status_code == 201, response.text
            return dict(response.json())

        national = await compute({}, body)
        jabar = await compute(JABAR, body | {"kanwil_code": "KW-JABAR"})
        dki = await compute(DKI, body | {"kanwil_code": "KW-DKI"})
        own = await compute(CIPINANG, body | {"upt_code": "LP-CIPINANG"})
        assert (national["scope"], jabar["scope"], dki["scope"], own["scope"]) == (
            "national",
            "kanwil:KW-JABAR",
            "kanwil:KW-DKI",
            "upt:LP-CIPINANG",
        )
        assert (national["eligible"], jabar["eligible"], dki["eligible"], own["eligible"]) == (3, 1, 2, 1)
        proposals = (await remission.get(f"{batches}/{dki['batch_id']}/proposals", headers=DKI)).json()
        assert sorted(p["inmate_id"] for p in proposals) == sorted([ids["LP-CIPINANG"], ids["RT-SALEMBA"]])

        # Who sees which batch: within the caller's scope only.
        visible = [
            (DKI, national, 404),
            (DKI, jabar, 404),
            (DKI, dki, 200),
            (DKI, own, 200),
            (CIPINANG, dki, 404),
            (CIPINANG, own, 200),
            (SALEMBA_USER, own, 404),
            (JABAR, own, 404),
            ({}, own, 200),
        ]
        for headers, batch, status in visible:
            path = f"{batches}/{batch['batch_id']}"
            assert (await remission.get(path, headers=headers)).status_code == status, (headers, batch["scope"])
            assert (await remission.get(f"{path}/proposals", headers=headers)).status_code == status
        before = await snapshot(platform)
        for headers, batch in [(DKI, national), (DKI, jabar), (CIPINANG, dki), (SALEMBA_USER, own)]:
            path = f"{batches}/{batch['batch_id']}"
            for call in (
                remission.post(f"{path}/recompute", headers=headers),
                remission.post(f"{path}/approve", json={"decree_number": "PAS-9.PK.05.04/2026"}, headers=headers),
                remission.post(f"{path}/cancel", json={"why": "salah cakupan"}, headers=headers),
            ):
                response = await call
                assert response.status_code == 404, (headers, batch["scope"], response.text)
        assert await snapshot(platform) == before

        # Within the scope they work: the Kanwil approves its batch, the UPT cancels its own.
        approved = await remission.post(
            f"{batches}/{dki['batch_id']}/approve", json={"decree_number": "PAS-1.PK/2026"}, headers=DKI
        )
        assert approved.status_code == 200 and approved.json()["granted_now"] == 2
        cancelled = await remission.post(f"{batches}/{own['batch_id']}/cancel", json={"why": "dobel"}, headers=CIPINANG)
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
        assert await platform.scalar("remission", "SELECT count(*) FROM remission_grants") == 2


async def test_applications_assistance_and_figures_by_scope(platform: Platform) -> None:
    app = await remission_app(platform)
    async with running(app) as remission:
        ids = await populate(remission)
        cipinang, salemba, sukamiskin = ids["LP-CIPINANG"], ids["RT-SALEMBA"], ids["LP-SUKAMISKIN"]
        applications = "/api/v1/integration-applications"

        # Opening an application for an inmate held elsewhere: 404, nothing written.
        before = await snapshot(platform)
        refused = await remission.post(applications, json={"inmate_id": salemba, "right": "pb"}, headers=CIPINANG)
        assert refused.status_code == 404, refused.text
        assert await snapshot(platform) == before
        opened = await remission.post(applications, json={"inmate_id": cipinang, "right": "pb"}, headers=CIPINANG)
        assert opened.status_code == 201, opened.text
        application = opened.json()["application_id"]
        other = (await remission.post(applications, json={"inmate_id": sukamiskin, "right": "pb"}, headers=JABAR)).json()

        async def listed(headers: dict[str, str], **params: str) -> list[str]:
            response = await remission.get(applications, params=params, headers=headers)
            assert response.status_code == 200, response.text
            return [a["application_id"] for a in response.json()]

        assert sorted(await listed({})) == sorted([application, other["application_id"]])
        assert await listed(DKI) == [application]
        assert await listed(JABAR) == [other["application_id"]]
        assert await listed(SALEMBA_USER) == []
        assert await listed(DKI, kanwil_code="KW-JABAR") == []
        assert await listed(CIPINANG, upt_code="LP-SUKAMISKIN") == []

        # Every read and step of an application outside the scope: 404, nothing written.
        before = await snapshot(platform)
        path = f"{applications}/{application}"
        for headers in (JABAR, SALEMBA_USER):
            for call in (
                remission.get(path, headers=headers),
                remission.post(f"{path}/documents", json={"documents": ["litmas"]}, headers=headers),
                remission.post(f"{path}/transitions", json={"to": "withdrawn", "why": "tidak jadi"}, headers=headers),
                remission.post(
                    f"{path}/decree", json={"decree_number": "PAS-PB-1/2026", "starts_on": "2026-12-01"}, headers=headers
                ),
                remission.post(f"{path}/release", json={}, headers=headers),
                remission.post(f"{path}/revoke", json={"ground": "three-missed-reports", "why": "tidak lapor"}, headers=headers),
            ):
                response = await call
                assert response.status_code == 404, (headers, response.request.url, response.text)
        for headers, params in [
            (DKI, {"kanwil_code": "KW-JABAR"}),
            (DKI, {"upt_code": "LP-SUKAMISKIN"}),
            (CIPINANG, {"kanwil_code": "KW-DKI"}),
        ]:
            assert (await remission.get(f"{applications}/overdue", params=params, headers=headers)).status_code == 404
        assert await snapshot(platform) == before
        assert (await remission.get(path, headers=DKI)).status_code == 200
        documented = await remission.post(f"{path}/documents", json={"documents": ["litmas"]}, headers=CIPINANG)
        assert documented.status_code == 200, documented.text

        # Social assistance: recorded only for an inmate within the scope, read and listed by its UPT.
        assistance = "/api/v1/social-assistance"
        gift = {
            "programme": "bpnt-sembako",
            "recipient": {"type": "inmate", "inmate_id": sukamiskin},
            "kind": "goods",
            "amount_rupiah": 200_000,
            "description": "Paket sembako",
            "distributed_on": "2026-11-20",
            "partner_agency": "Kementerian Sosial",
        }
        before = await snapshot(platform)
        refused = await remission.post(assistance, json=gift, headers=DKI)
        assert refused.status_code == 422 and fields(refused) == [("recipient.inmate_id", "inmate-registered")]
        assert await snapshot(platform) == before
        recorded = await remission.post(
            assistance, json=gift | {"recipient": {"type": "inmate", "inmate_id": salemba}}, headers=DKI
        )
        assert recorded.status_code == 201, recorded.text
        distribution = recorded.json()["distribution_id"]
        assert (await remission.post(assistance, json=gift, headers=JABAR)).status_code == 201
        for headers, status in [(DKI, 200), (SALEMBA_USER, 200), (CIPINANG, 404), (JABAR, 404)]:
            assert (await remission.get(f"{assistance}/{distribution}", headers=headers)).status_code == status

        async def distributions(headers: dict[str, str], **params: str) -> tuple[list[str], int]:
            body = (await remission.get(assistance, params=params, headers=headers)).json()
            return [d["upt_code"] for d in body["items"]], body["totals"]["distributions"]

        everywhere, total = await distributions({})
        assert (sorted(everywhere), total) == (["LP-SUKAMISKIN", "RT-SALEMBA"], 2)
        assert await distributions(DKI) == (["RT-SALEMBA"], 1)
        assert await distributions(CIPINANG) == ([], 0)
        assert await distributions(DKI, kanwil_code="KW-JABAR") == ([], 0)

        # Occupancy: only over the UPTs the caller sees, labelled with what was computed.
        async def occupancy(headers: dict[str, str], **params: str) -> httpx.Response:
            return await remission.get("/api/v1/occupancy", params=params, headers=headers)

        national = (await occupancy({})).json()
        assert (national["level"], national["scope"]) == ("national", "national")
        assert [(u["level"], u["code"], u["occupants"], u["capacity"]) for u in national["units"]] == [
            ("national", "national", 3, 17)
        ]
        kanwil = (await occupancy(DKI)).json()
        assert (kanwil["level"], kanwil["scope"]) == ("kanwil", "kanwil:KW-DKI")
        assert [(u["level"], u["code"], u["occupants"], u["capacity"], u["upt_count"]) for u in kanwil["units"]] == [
            ("kanwil", "KW-DKI", 2, 12, 2)
        ]
        per_upt = (await occupancy(DKI, level="upt")).json()
        assert (per_upt["level"], per_upt["scope"]) == ("upt", "kanwil:KW-DKI")
        assert [(u["code"], u["occupants"]) for u in per_upt["units"]] == [("LP-CIPINANG", 1), ("RT-SALEMBA", 1)]
        upt = (await occupancy(CIPINANG, level="kanwil")).json()
        assert (upt["level"], upt["scope"]) == ("upt", "upt:LP-CIPINANG")
        assert [(u["level"], u["code"], u["occupants"], u["capacity"]) for u in upt["units"]] == [("upt", "LP-CIPINANG", 1, 2)]
        for headers, params in [
            (DKI, {"level": "upt", "upt_code": "LP-SUKAMISKIN"}),
            (DKI, {"level": "kanwil", "kanwil_code": "KW-JABAR"}),
            (CIPINANG, {"level": "kanwil", "kanwil_code": "KW-DKI"}),
            (CIPINANG, {"level": "upt", "upt_code": "RT-SALEMBA"}),
            (CIPINANG, {"level": "upt", "upt_code": "LP-NOWHERE"}),
        ]:
            assert (await occupancy(headers, **params)).status_code == 404, (headers, params)

        # The release forecast (out on 1 Jul 2027, within a year) and the decongestion list.
        async def forecast(headers: dict[str, str], **params: str) -> httpx.Response:
            return await remission.get("/api/v1/release-forecast", params={"days": "366"} | params, headers=headers)

        everyone = (await forecast({})).json()
        assert (everyone["level"], everyone["code"], everyone["total"]) == ("national", "national", 3)
        mine = (await forecast(DKI)).json()
        assert (mine["level"], mine["code"], mine["total"]) == ("kanwil", "KW-DKI", 2)
        assert sorted(r["inmate_id"] for r in mine["releases"]) == sorted([cipinang, salemba])
        assert [u["upt_code"] for u in mine["by_upt"]] == ["LP-CIPINANG", "RT-SALEMBA"]
        own = (await forecast(SALEMBA_USER)).json()
        assert (own["level"], own["code"], [r["inmate_id"] for r in own["releases"]]) == ("upt", "RT-SALEMBA", [salemba])
        assert (await forecast(DKI, upt_code="LP-SUKAMISKIN")).status_code == 404
        assert (await forecast(SALEMBA_USER, kanwil_code="KW-DKI")).status_code == 404

        decongestion = "/api/v1/decongestion"
        candidates = (await remission.get(decongestion, headers=DKI)).json()
        # Cipinang's convict has a PB application in progress: only Salemba's is listed.
        assert (candidates["level"], candidates["code"], candidates["total"]) == ("kanwil", "KW-DKI", 1)
        assert [i["inmate_id"] for i in candidates["inmates"]] == [salemba]
        assert (await remission.get(decongestion, headers={})).json()["total"] == 1  # Sukamiskin's applied too
        assert (await remission.get(decongestion, params={"upt_code": "LP-CIPINANG"}, headers=JABAR)).status_code == 404
        assert (await remission.get(decongestion, params={"kanwil_code": "KW-JABAR"}, headers=DKI)).status_code == 404

        # A transfer moves the application in progress with the inmate: the origin's Kanwil loses it.
        move = {"to_upt_code": "LP-SUKAMISKIN", "transferred_on": "2026-11-30", "reason": "decongestion"}
        assert (await remission.post(f"/api/v1/inmates/{cipinang}/transfers", json=move, headers=DKI)).status_code == 201
        assert (await remission.get(path, headers=DKI)).status_code == 404
        assert (await remission.get(path, headers=JABAR)).json()["upt_code"] == "LP-SUKAMISKIN"
        assert sorted(await listed(JABAR)) == sorted([application, other["application_id"]])
        assert await listed(DKI) == []
