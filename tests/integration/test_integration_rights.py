"""Integration rights over HTTP on the real PostgreSQL and Kafka: a PB application walks every
stage to release under Bapas supervision and is revoked; refusals write nothing; the service
levels run in working days; the decongestion list follows the applications."""

import json
from datetime import UTC, datetime
from typing import Any

import httpx

from tests.integration.harness import Platform, create_app, running
from tests.integration.test_event_flow import FACILITY, admission

INMATES = "pas.remission.inmate.v1"
RIGHTS = "pas.remission.integration-right.v1"
PB_DOCUMENTS = [
    "verdict-and-execution-report",
    "development-report",
    "litmas",
    "prosecutor-notification",
    "register-f-copy",
    "change-log-copy",
    "compliance-statement",
    "guarantor-letter",
]


class Clock:
    """The service's clock, moved by the test (instants in UTC; the UPT is in WIB, UTC+7)."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


async def counts(platform: Platform) -> dict[str, int]:
    out = {}
    for table in ("integration_applications", "application_transitions", "application_documents", "outbox", "audit_log"):
        out[table] = int(await platform.scalar("remission", f"SELECT count(*) FROM {table}"))
    return out


async def admit(client: httpx.AsyncClient, n: int, admitted_on: str, verdict: dict[str, Any] | None) -> str:
    response = await client.post("/api/v1/inmates", json=admission(n) | {"admitted_on": admitted_on})
    assert response.status_code == 201, response.text
    inmate_id = str(response.json()["inmate_id"])
    if verdict:
        response = await client.put(f"/api/v1/inmates/{inmate_id}/verdict", json=verdict)
        assert response.status_code == 200, response.text
    return inmate_id


def rules(response: httpx.Response) -> list[str]:
    return [e["rule"] for e in response.json()["errors"]]


async def test_pb_application_walks_to_bapas_supervision_and_is_revoked(platform: Platform) -> None:
    await platform.create_databases("remission")
    app = create_app(platform, "remission", assume_programme_and_risk_met=True)
    clock = Clock(datetime(2026, 11, 30, 2, 0, tzinfo=UTC))  # Monday 30 Nov 2026, 09:00 WIB
    app.state.clock = clock
    async with running(app) as remission:
        assert (await remission.post("/api/v1/facilities", json=FACILITY)).status_code == 201
        # 3 years from 1 Jul 2024: 2/3 (2 years) on 1 Jul 2026, expiration 1 Jul 2027.
        eligible = await admit(remission, 1, "2024-07-01", {"verdict_final_on": "2024-10-01", "sentence": {"years": 3}})
        # 3 years from 10 Jan 2026: 2/3 on 10 Jan 2028.
        early = await admit(remission, 2, "2026-01-10", {"verdict_final_on": "2026-04-01", "sentence": {"years": 3}})
        # 3 years from 1 Mar 2024: 2/3 on 1 Mar 2026.
        waiting = await admit(remission, 3, "2024-03-01", {"verdict_final_on": "2024-06-01", "sentence": {"years": 3}})
        await admit(remission, 4, "2026-01-10", None)  # a detainee: no 2/3 date

        decongestion = "/api/v1/decongestion"
        listed = (await remission.get(decongestion, params={"upt_code": "LP-CIPINANG"})).json()
        assert listed["total"] == 2 and listed["per_upt"] == [{"upt_code": "LP-CIPINANG", "kanwil_code": "KW-DKI", "count": 2}]
        # Longest past 2/3 first: 1 Mar -> 30 Nov is 274 days, 1 Jul -> 30 Nov 152.
        assert [(i["inmate_id"], i["two_thirds_on"], i["days_past"], i["pb_eligible"]) for i in listed["inmates"]] == [
            (waiting, "2026-03-01", 274, True),
            (eligible, "2026-07-01", 152, True),
        ]

        # An inmate short of 2/3 is refused with the engine's reason, and nothing is written.
        before = await counts(platform)
        refused = await remission.post("/api/v1/integration-applications", json={"inmate_id": early, "right": "pb"})
        assert refused.status_code == 422, refused.text
        assert rules(refused) == ["fraction-served"] and "2028-01-10" in refused.json()["errors"][0]["message"]
        assert await counts(platform) == before

        created = await remission.post(
            "/api/v1/integration-applications", json={"inmate_id": eligible, "right": "pb", "why": "sidang wali 27 Nov"}
        )
        assert created.status_code == 201, created.text
        application = created.json()
        app_id = application["application_id"]
        path = f"/api/v1/integration-applications/{app_id}"
        assert (application["status"], application["earliest_on"], application["proposed_on"]) == (
            "eligibility-checked",
            "2026-07-01",
            "2026-11-30",
        )
        assert application["documents_missing"] == PB_DOCUMENTS
        upt = application["service_levels"][0]
        assert (upt["stage"], upt["entered_on"], upt["due_on"], upt["state"]) == ("upt", "2026-11-30", "2026-12-09", "running")
        assert [i["inmate_id"] for i in (await remission.get(decongestion)).json()["inmates"]] == [waiting]

        # A second release right for the same inmate is refused.
        before = await counts(platform)
        twice = await remission.post("/api/v1/integration-applications", json={"inmate_id": eligible, "right": "cmb"})
        assert twice.status_code == 409 and rules(twice) == ["one-open-application"]
        # Skipping stages, or completing the documents before they are in, is refused.
        skipped = await remission.post(f"{path}/transitions", json={"to": "kanwil-verified", "why": "verifikasi Kanwil"})
        assert skipped.status_code == 409 and rules(skipped) == ["status-transition"]
        incomplete = await remission.post(f"{path}/transitions", json={"to": "documents-complete", "why": "berkas lengkap"})
        assert incomplete.status_code == 422 and rules(incomplete) == ["documents-complete"]
        decree_early = await remission.post(f"{path}/decree", json={"decree_number": "PAS-1/2026", "starts_on": "2026-12-01"})
        assert decree_early.status_code == 409
        assert await counts(platform) == before

        response = await remission.post(f"{path}/documents", json={"documents": PB_DOCUMENTS[:5], "received_on": "2026-11-27"})
        assert response.status_code == 200, response.text
        assert response.json()["documents_missing"] == PB_DOCUMENTS[5:]
        response = await remission.post(f"{path}/documents", json={"documents": PB_DOCUMENTS})
        docs = {d["code"]: d["received_on"] for d in response.json()["documents"]}
        assert docs["litmas"] == "2026-11-27" and docs["guarantor-letter"] == "2026-11-30"
        assert response.json()["documents_missing"] == []

        # Thursday 10 Dec: the UPT stage (7 working days from Mon 30 Nov: Wed 9 Dec) is overdue.
        clock.at = datetime(2026, 12, 10, 3, 0, tzinfo=UTC)
        overdue = (await remission.get("/api/v1/integration-applications/overdue", params={"kanwil_code": "KW-DKI"})).json()
        assert overdue["count"] == 1
        item = overdue["items"][0]
        assert (item["application_id"], item["stage"]["stage"], item["stage"]["due_on"], item["stage"]["days_overdue"]) == (
            app_id,
            "upt",
            "2026-12-09",
            1,
        )
        for step, why in (("documents-complete", "berkas lengkap"), ("tpp-upt-recommended", "sidang TPP 10 Des 2026")):
            response = await remission.post(f"{path}/transitions", json={"to": step, "why": why})
            assert response.status_code == 200, response.text
        stages = {s["stage"]: s for s in response.json()["service_levels"]}
        assert (stages["upt"]["state"], stages["upt"]["met_on"], stages["upt"]["days_overdue"]) == ("met-late", "2026-12-10", 1)
        assert (stages["kanwil"]["state"], stages["kanwil"]["due_on"]) == ("running", "2026-12-21")
        assert (await remission.get("/api/v1/integration-applications/overdue")).json()["count"] == 0

        clock.at = datetime(2026, 12, 14, 2, 0, tzinfo=UTC)  # Monday 14 Dec
        for step, why in (("kanwil-verified", "TPP Kanwil"), ("ditjenpas-approved", "TPP Ditjenpas")):
            response = await remission.post(f"{path}/transitions", json={"to": step, "why": why})
            assert response.status_code == 200, response.text
        no_end = await remission.post(
            f"{path}/decree", json={"decree_number": "PAS-77.PK.05.06/2026", "starts_on": "2026-12-14", "ends_on": "2027-01-01"}
        )
        assert no_end.status_code == 422 and rules(no_end) == ["computed-end"]
        decreed = await remission.post(
            f"{path}/decree", json={"decree_number": "PAS-77.PK.05.06/2026", "starts_on": "2026-12-14"}
        )
        assert decreed.status_code == 200, decreed.text
        assert (decreed.json()["status"], decreed.json()["starts_on"], decreed.json()["ends_on"]) == (
            "decreed",
            "2026-12-14",
            "2027-07-01",  # PB runs to the release date (no remission granted)
        )
        # A retried decree decrees once (one event, see below); another decree number is a conflict.
        again = await remission.post(f"{path}/decree", json={"decree_number": "PAS-77.PK.05.06/2026", "starts_on": "2026-12-14"})
        assert again.status_code == 200 and len(again.json()["transitions"]) == 6
        other_sk = await remission.post(f"{path}/decree", json={"decree_number": "PAS-78/2026", "starts_on": "2026-12-14"})
        assert other_sk.status_code == 409 and rules(other_sk) == ["status-transition"]

        released = await remission.post(f"{path}/release", json={})
        assert released.status_code == 200, released.text
        assert (released.json()["status"], released.json()["supervised_from"]) == ("under-bapas-supervision", "2026-12-14")
        inmate = (await remission.get(f"/api/v1/inmates/{eligible}")).json()
        assert (inmate["released_on"], inmate["release_reason"]) == ("2026-12-14", "pb")

        # Revocation: an unknown ground is refused and writes nothing; a listed one is published.
        clock.at = datetime(2027, 1, 21, 2, 0, tzinfo=UTC)
        before = await counts(platform)
        bad = await remission.post(f"{path}/revoke", json={"ground": "late-for-dinner", "why": "BAP Bapas"})
        assert bad.status_code == 422 and rules(bad) == ["revocation-ground"]
        assert await counts(platform) == before
        revoked = await remission.post(
            f"{path}/revoke",
            json={"ground": "three-missed-reports", "revoked_on": "2027-01-20", "why": "sidang TPP Bapas 20 Jan"},
        )
        assert revoked.status_code == 200, revoked.text
        body = revoked.json()
        assert (body["status"], body["revocation_ground"], body["revoked_on"]) == (
            "revoked",
            "three-missed-reports",
            "2027-01-20",
        )
        assert [(t["from_status"], t["to_status"]) for t in body["transitions"]] == [
            (None, "eligibility-checked"),
            ("eligibility-checked", "documents-complete"),
            ("documents-complete", "tpp-upt-recommended"),
            ("tpp-upt-recommended", "kanwil-verified"),
            ("kanwil-verified", "ditjenpas-approved"),
            ("ditjenpas-approved", "decreed"),
            ("decreed", "under-bapas-supervision"),
            ("under-bapas-supervision", "revoked"),
        ]
        assert body["transitions"][2]["why"] == "sidang TPP 10 Des 2026" and body["transitions"][0]["by"] == "anonymous"

        # An application that is withdrawn puts the inmate back on the decongestion list.
        other = (await remission.post("/api/v1/integration-applications", json={"inmate_id": waiting, "right": "pb"})).json()
        assert (await remission.get(decongestion)).json()["total"] == 0
        withdrawn = await remission.post(
            f"/api/v1/integration-applications/{other['application_id']}/transitions",
            json={"to": "withdrawn", "why": "WBP mencabut"},
        )
        assert withdrawn.status_code == 200, withdrawn.text
        after = (await remission.get(decongestion)).json()
        assert [(i["inmate_id"], i["days_past"]) for i in after["inmates"]] == [(waiting, 326)]  # 1 Mar 2026 -> 21 Jan 2027

        listed_apps = (await remission.get("/api/v1/integration-applications", params={"status": "revoked"})).json()
        assert [a["application_id"] for a in listed_apps] == [app_id]

        released_events = [
            json.loads(r.value)
            for r in await platform.records(INMATES, at_least=8)
            if dict(r.headers)["ce_type"] == b"pas.remission.inmate.released"
        ]
        assert released_events == [
            {"inmate_id": eligible, "upt_code": "LP-CIPINANG", "released_on": "2026-12-14", "reason": "pb"}
        ]
        rights = await platform.records(RIGHTS, at_least=2)
        assert [dict(r.headers)["ce_type"] for r in rights] == [
            b"pas.remission.integration-right.decided",
            b"pas.remission.integration-right.revoked",
        ]
        assert all(dict(r.headers)["ce_subject"] == app_id.encode() and r.key == app_id.encode() for r in rights)
        assert dict(rights[0].headers)["ce_kanwilcode"] == b"KW-DKI"
        assert json.loads(rights[0].value) == {
            "application_id": app_id,
            "inmate_id": eligible,
            "upt_code": "LP-CIPINANG",
            "kanwil_code": "KW-DKI",
            "right": "pb",
            "decree_number": "PAS-77.PK.05.06/2026",
            "decided_on": "2026-12-14",
            "starts_on": "2026-12-14",
            "ends_on": "2027-07-01",
            "releases": True,
        }
        assert json.loads(rights[1].value)["ground"] == "three-missed-reports"


async def test_an_application_in_progress_follows_a_transfer(platform: Platform) -> None:
    await platform.create_databases("remission")
    app = create_app(platform, "remission", assume_programme_and_risk_met=True)
    app.state.clock = Clock(datetime(2026, 11, 30, 2, 0, tzinfo=UTC))
    async with running(app) as remission:
        sukamiskin = FACILITY | {"upt_code": "LP-SUKAMISKIN", "name": "Lapas Kelas I Sukamiskin", "kanwil_code": "KW-JABAR"}
        for facility in (FACILITY, sukamiskin):
            assert (await remission.post("/api/v1/facilities", json=facility)).status_code == 201
        inmate = await admit(remission, 1, "2024-07-01", {"verdict_final_on": "2024-10-01", "sentence": {"years": 3}})
        created = await remission.post("/api/v1/integration-applications", json={"inmate_id": inmate, "right": "pb"})
        assert created.status_code == 201, created.text
        app_id = created.json()["application_id"]

        move = {"to_upt_code": "LP-SUKAMISKIN", "transferred_on": "2026-11-30", "reason": "decongestion"}
        assert (await remission.post(f"/api/v1/inmates/{inmate}/transfers", json=move)).status_code == 201

        moved = (await remission.get(f"/api/v1/integration-applications/{app_id}")).json()
        assert (moved["upt_code"], moved["kanwil_code"]) == ("LP-SUKAMISKIN", "KW-JABAR")
        listed = (await remission.get("/api/v1/integration-applications", params={"upt_code": "LP-SUKAMISKIN"})).json()
        assert [a["application_id"] for a in listed] == [app_id]
        assert (await remission.get("/api/v1/integration-applications", params={"upt_code": "LP-CIPINANG"})).json() == []
