"""The inmate discipline procedure over HTTP on the real database and broker: a violation report
linked to the seized phone it arose from, the examination, the sidang TPP and the Kalapas'
decision whose Register F sanction blocks a remission in the remission service; refusals that
write nothing; the caller's scope. And an escapee who died at large: status dead, its event, and
remission ending the time at large on the day of death and releasing the person with reason death."""

import json
from datetime import UTC, datetime
from typing import Any

import httpx

from tests.integration.harness import Platform, create_app, running, until_equal
from tests.integration.test_event_flow import FACILITY, admission
from tests.integration.test_security_incidents import SECOND_FACILITY, FixedClock, facilities_known, with_test_scope
from tests.integration.test_security_searches import search

MAKASSAR_ONLY = {"x-test-scope": "upt:LP-MAKASSAR"}
TABLES = ("discipline_cases", "discipline_case_steps", "seizure_discipline_cases", "sanctions", "escapes", "outbox", "audit_log")


async def counts(platform: Platform) -> tuple[int, ...]:
    return tuple([await platform.scalar("security", f"SELECT count(*) FROM {table}") for table in TABLES])


def types(records: list[Any]) -> list[str]:
    return [dict(r.headers)["ce_type"].decode() for r in records]


async def sentenced(remission: httpx.AsyncClient, n: int = 1) -> str:
    inmate_id = str(
        (await remission.post("/api/v1/inmates", json=admission(n) | {"admitted_on": "2025-01-10"})).json()["inmate_id"]
    )
    verdict = {"verdict_final_on": "2025-05-01", "sentence": {"kind": "term", "years": 3}}
    assert (await remission.put(f"/api/v1/inmates/{inmate_id}/verdict", json=verdict)).status_code == 200
    return inmate_id


async def on_roster(platform: Platform, security: httpx.AsyncClient, n: int) -> None:
    async def population() -> int:
        return int((await security.get("/api/v1/roster/LP-CIPINANG")).json()["population"])

    await until_equal(population, n, what="security's roster has the inmates")


BERAT = {"level": "berat", "measures": ["isolation", "rights-postponed"], "isolation_days": 6}


def decision(**changes: Any) -> dict[str, Any]:
    return {
        "decided_on": "2026-05-04",
        "decided_by": "Kalapas Cipinang",
        "decree_no": "W10.PAS.1-PK.01.01-123",
        "outcome": "sanctioned",
        "terms": BERAT,
        "why": "sesuai rekomendasi sidang TPP",
    } | changes


async def test_procedure_from_seized_phone_to_a_register_f_sanction_that_blocks_remission(platform: Platform) -> None:
    await platform.create_databases("remission", "security")
    security_app = create_app(platform, "security")
    security_app.state.clock = FixedClock(datetime(2026, 5, 10, 3, 0, tzinfo=UTC))
    with_test_scope(security_app)
    remission_app = create_app(platform, "remission", assume_programme_and_risk_met=True)
    async with running(remission_app) as remission, running(security_app) as security:
        for facility in (FACILITY, SECOND_FACILITY):
            assert (await remission.post("/api/v1/facilities", json=facility)).status_code == 201
        inmate_id, other_inmate = await sentenced(remission, 1), await sentenced(remission, 2)
        await facilities_known(platform, 2)
        await on_roster(platform, security, 2)
        ru_2026 = {"occasion": "remisi-umum", "on": "2026-08-17"}
        assert (await remission.get(f"/api/v1/inmates/{inmate_id}/remission", params=ru_2026)).json()["eligible"] is True

        items = [
            {"item_type": "phone", "count": 1, "description": "HP Android", "inmate_id": inmate_id},
            {"item_type": "phone", "count": 1, "description": "HP lipat", "inmate_id": other_inmate},
        ]
        found = await security.post("/api/v1/searches", json=search(started_at="2026-05-02T09:00:00", ended_at=None, items=items))
        assert found.status_code == 201, found.text
        phone, others_phone = (s["seizure_id"] for s in found.json()["seizures"])

        report = {
            "inmate_id": inmate_id,
            "upt_code": "LP-CIPINANG",
            "violation": "communication-device",
            "occurred_on": "2026-05-02",
            "description": "HP ditemukan di bawah kasur saat razia Blok C",
            "reported_by": "Agus Salim",
            "seizure_ids": [phone],
        }
        before = await counts(platform)
        refusals = [
            (report | {"seizure_ids": [others_phone]}, "seizure_ids[0]", "seizure-of-inmate"),
            (report | {"seizure_ids": ["no-such-seizure"]}, "seizure_ids[0]", "seizure-exists"),
            (report | {"violation": "singing"}, "violation", "violation-known"),
            (report | {"occurred_on": "2026-05-11"}, "occurred_on", "not-in-future"),
        ]
        for body, field, rule in refusals:
            response = await security.post("/api/v1/discipline/cases", json=body)
            assert response.status_code == 422, response.text
            assert (response.json()["errors"][0]["field"], response.json()["errors"][0]["rule"]) == (field, rule)
        assert await counts(platform) == before

        response = await security.post("/api/v1/discipline/cases", json=report)
        assert response.status_code == 201, response.text
        case = response.json()
        case_id = case["case_id"]
        assert (case["status"], case["level"], case["seizure_ids"]) == ("reported", "berat", [phone])

        exam = {
            "examined_on": "2026-05-03",
            "examiner": "Tim Pemeriksa KPLP",
            "findings": "WBP mengakui HP miliknya",
            "bap_no": "BAP-7",
        }
        response = await security.post(f"/api/v1/discipline/cases/{case_id}/examination", json=exam)
        assert response.status_code == 200 and response.json()["status"] == "examined", response.text

        # Berat is decided only after the sidang TPP; a decision's terms must fit its outcome; nothing is written.
        before = await counts(platform)
        no_tpp = await security.post(f"/api/v1/discipline/cases/{case_id}/decision", json=decision())
        assert no_tpp.status_code == 422 and no_tpp.json()["errors"][0]["rule"] == "tpp-recommendation-required", no_tpp.text
        mismatch = await security.post(f"/api/v1/discipline/cases/{case_id}/decision", json=decision(outcome="dismissed"))
        assert mismatch.status_code == 422 and mismatch.json()["errors"][0]["rule"] == "terms-with-sanction"
        foreign = await security.get(f"/api/v1/discipline/cases/{case_id}", headers=MAKASSAR_ONLY)
        assert foreign.status_code == 404
        foreign_exam = await security.post(f"/api/v1/discipline/cases/{case_id}/examination", json=exam, headers=MAKASSAR_ONLY)
        assert foreign_exam.status_code == 404
        assert await counts(platform) == before

        tpp = {
            "held_on": "2026-05-04",
            "chair": "Kasi Binadik",
            "sanction_recommended": True,
            "terms": BERAT,
            "reasons": "terbukti memiliki alat komunikasi",
        }
        over = tpp | {"terms": BERAT | {"isolation_days": 13}}
        response = await security.post(f"/api/v1/discipline/cases/{case_id}/tpp-recommendation", json=over)
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "terms.isolation_days", response.text
        response = await security.post(f"/api/v1/discipline/cases/{case_id}/tpp-recommendation", json=tpp)
        assert response.status_code == 200 and response.json()["status"] == "tpp-recommended", response.text

        response = await security.post(f"/api/v1/discipline/cases/{case_id}/decision", json=decision())
        assert response.status_code == 200, response.text
        decided = response.json()
        assert decided["status"] == "sanctioned"
        assert decided["sanction"] == {
            "case_id": case_id,
            "inmate_id": inmate_id,
            "upt_code": "LP-CIPINANG",
            "level": "berat",
            "register_f": True,
            "sanctioned_on": "2026-05-04",
            "isolation_days": 6,
            "annulled_on": None,
        }
        assert [(s["to_status"], s["on"]) for s in decided["steps"]] == [
            ("reported", "2026-05-02"),
            ("examined", "2026-05-03"),
            ("tpp-recommended", "2026-05-04"),
            ("sanctioned", "2026-05-04"),
        ]
        assert decided["decision"]["terms"] == BERAT and decided["recommendation"]["chair"] == "Kasi Binadik"
        before = await counts(platform)
        again = await security.post(
            f"/api/v1/discipline/cases/{case_id}/decision", json=decision(outcome="dismissed", terms=None)
        )
        assert again.status_code == 409 and again.json()["errors"][0]["rule"] == "status-transition"
        assert await counts(platform) == before

        # Both directions of the link, and the sanction among the sanctions.
        assert (await security.get(f"/api/v1/seizures/{phone}")).json()["discipline_case_ids"] == [case_id]
        assert (await security.get(f"/api/v1/seizures/{others_phone}")).json()["discipline_case_ids"] == []
        assert (await security.get(f"/api/v1/discipline/cases/{case_id}")).json()["seizure_ids"] == [phone]
        sanctions = (await security.get("/api/v1/discipline/sanctions", params={"inmate_id": inmate_id})).json()
        assert [s["case_id"] for s in sanctions["items"]] == [case_id]

        # A ringan case needs no sidang TPP and leaves no Register F entry; a dismissal imposes nothing.
        apel = report | {"violation": "missing-apel", "seizure_ids": [], "inmate_id": other_inmate}
        ringan_id = (await security.post("/api/v1/discipline/cases", json=apel)).json()["case_id"]
        dismissed_id = (await security.post("/api/v1/discipline/cases", json=apel | {"violation": "hygiene"})).json()["case_id"]
        for cid in (ringan_id, dismissed_id):
            assert (await security.post(f"/api/v1/discipline/cases/{cid}/examination", json=exam)).status_code == 200
        warning = {"level": "ringan", "measures": ["written-warning"], "isolation_days": 0}
        response = await security.post(f"/api/v1/discipline/cases/{ringan_id}/decision", json=decision(terms=warning))
        assert response.status_code == 200 and response.json()["sanction"]["register_f"] is False, response.text
        response = await security.post(
            f"/api/v1/discipline/cases/{dismissed_id}/decision", json=decision(outcome="dismissed", terms=None)
        )
        assert response.status_code == 200 and (response.json()["status"], response.json()["sanction"]) == ("dismissed", None)

        listed = (await security.get("/api/v1/discipline/cases", params={"status": "sanctioned"})).json()
        assert sorted(c["case_id"] for c in listed["items"]) == sorted([case_id, ringan_id])
        assert (await security.get("/api/v1/discipline/cases", headers=MAKASSAR_ONLY)).json()["total"] == 0
        berat = (await security.get("/api/v1/discipline/cases", params={"level": "berat", "inmate_id": inmate_id})).json()
        assert [c["case_id"] for c in berat["items"]] == [case_id]

        records = await platform.records("pas.security.discipline.v1", at_least=9)
        mine = [r for r in records if json.loads(r.value)["case_id"] == case_id]
        assert types(mine) == [
            "pas.security.discipline.reported",
            "pas.security.discipline.examined",
            "pas.security.discipline.recommended",
            "pas.security.discipline.sanctioned",
        ]
        assert json.loads(mine[0].value)["seizure_ids"] == [phone]
        assert {(dict(r.headers)["ce_uptcode"], dict(r.headers)["ce_kanwilcode"]) for r in records} == {
            (b"LP-CIPINANG", b"KW-DKI")
        }
        assert "pas.security.discipline.dismissed" in types(records)

        async def eligible_now() -> bool:
            return bool((await remission.get(f"/api/v1/inmates/{inmate_id}/remission", params=ru_2026)).json()["eligible"])

        await until_equal(eligible_now, False, what="the decision's Register F entry reaching remission")
        after = (await remission.get(f"/api/v1/inmates/{inmate_id}/remission", params=ru_2026)).json()
        assert after["reasons"] == ["no-register-f"]
        # The ringan warning of the other inmate is no Register F entry.
        other = (await remission.get(f"/api/v1/inmates/{other_inmate}/remission", params=ru_2026)).json()
        assert other["eligible"] is True, other


async def test_an_escapee_who_died_at_large_ends_the_time_at_large(platform: Platform) -> None:
    await platform.create_databases("remission", "security")
    remission_app = create_app(platform, "remission", assume_programme_and_risk_met=True)
    async with running(remission_app) as remission, running(create_app(platform, "security")) as security:
        assert (await remission.post("/api/v1/facilities", json=FACILITY)).status_code == 201
        inmate_id = await sentenced(remission)
        await facilities_known(platform, 1)
        await on_roster(platform, security, 1)
        escape = {"inmate_id": inmate_id, "upt_code": "LP-CIPINANG", "escaped_at": "2026-08-01T10:00:00+07:00", "method": "pagar"}
        response = await security.post("/api/v1/escapes", json=escape)
        assert response.status_code == 201, response.text
        escape_id = response.json()["escape_id"]

        ru_2026 = {"occasion": "remisi-umum", "on": "2026-08-17"}

        async def reasons() -> list[str]:
            return list((await remission.get(f"/api/v1/inmates/{inmate_id}/remission", params=ru_2026)).json()["reasons"])

        await until_equal(reasons, ["not-at-large"], what="the escape reaching remission")

        death = {
            "died_on": "2026-09-01",
            "place": "Sungai Citarum, Karawang",
            "source": "Surat keterangan kematian RSUD Karawang",
        }
        before = await counts(platform)
        early = await security.post(f"/api/v1/escapes/{escape_id}/death", json=death | {"died_on": "2026-07-31"})
        assert early.status_code == 422 and early.json()["errors"][0]["rule"] == "not-before-escape", early.text
        assert await counts(platform) == before

        response = await security.post(f"/api/v1/escapes/{escape_id}/death", json=death)
        assert response.status_code == 200, response.text
        dead = response.json()
        assert (dead["status"], dead["died_on"], dead["death_place"], dead["recaptured_on"]) == (
            "dead",
            "2026-09-01",
            "Sungai Citarum, Karawang",
            None,
        )
        before = await counts(platform)
        recapture = {"recaptured_at": "2026-09-02T08:00:00+07:00", "place": "Bekasi"}
        late = await security.post(f"/api/v1/escapes/{escape_id}/recapture", json=recapture)
        assert late.status_code == 409 and late.json()["errors"][0]["rule"] == "status-transition"
        twice = await security.post(f"/api/v1/escapes/{escape_id}/death", json=death)
        assert twice.status_code == 409
        assert await counts(platform) == before
        listed = (await security.get("/api/v1/escapes", params={"status": "dead"})).json()
        assert [e["escape_id"] for e in listed["items"]] == [escape_id]

        records = await platform.records("pas.security.escape.v1", at_least=2)
        assert types(records) == ["pas.security.escape.reported", "pas.security.escape.died"]
        payload = json.loads(records[1].value)
        assert (payload["died_on"], payload["source"]) == ("2026-09-01", death["source"])
        assert (dict(records[1].headers)["ce_uptcode"], dict(records[1].headers)["ce_kanwilcode"]) == (b"LP-CIPINANG", b"KW-DKI")

        async def register() -> tuple[str | None, str | None]:
            body = (await remission.get(f"/api/v1/inmates/{inmate_id}")).json()
            return body["released_on"], body["release_reason"]

        # The death ends the time at large on the day of death and the sentence: the register
        # releases the person with reason death (and publishes it), so no remission follows.
        await until_equal(register, ("2026-09-01", "death"), what="the death reaching remission's register")
        ended = await platform.scalar("remission", "SELECT recaptured_on FROM at_large WHERE inmate_id = $1", inmate_id)
        assert ended.isoformat() == "2026-09-01"
        released = await platform.scalar(
            "remission",
            "SELECT count(*) FROM outbox WHERE event_type = 'pas.remission.inmate.released' AND message_key = $1",
            inmate_id,
        )
        assert released == 1
