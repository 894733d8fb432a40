"""A discipline decision in security really blocks a remission in the remission service."""

from datetime import date

from tests.integration.harness import Platform, create_app, running, until_equal
from tests.integration.test_event_flow import FACILITY, admission


async def test_register_f_sanction_from_security_blocks_remission(platform: Platform) -> None:
    await platform.create_databases("remission", "security")
    remission_app = create_app(platform, "remission", assume_programme_and_risk_met=True)
    async with running(remission_app) as remission, running(create_app(platform, "security")) as security:
        assert (await remission.post("/api/v1/facilities", json=FACILITY)).status_code == 201
        inmate = (await remission.post("/api/v1/inmates", json=admission(1) | {"admitted_on": "2025-01-10"})).json()
        inmate_id = inmate["inmate_id"]
        verdict = {"verdict_final_on": "2025-05-01", "sentence": {"kind": "term", "years": 3}}
        response = await remission.put(f"/api/v1/inmates/{inmate_id}/verdict", json=verdict)
        assert response.status_code == 200, response.text
        assert response.json()["custody_status"] == "narapidana"

        query = {"occasion": "remisi-umum", "on": "2026-08-17"}
        before = (await remission.get(f"/api/v1/inmates/{inmate_id}/remission", params=query)).json()
        # 10 Jan 2025 + 3 y = 10 Jan 2028; first RU after 19 months: 2 months -> 10 Nov 2027
        assert before["eligible"] is True, before
        assert before["amount"] == {"years": 0, "months": 2, "days": 0}
        assert before["release_on"] == "2027-11-10"

        async def on_roster() -> int:
            return int((await security.get("/api/v1/roster/LP-CIPINANG")).json()["population"])

        await until_equal(on_roster, 1, what="security's roster has the inmate")

        async def security_knows_upt() -> int:
            # Security takes the UPT's Kanwil and time zone from its directory (facility.registered).
            return int(await platform.scalar("security", "SELECT count(*) FROM facilities WHERE upt_code = 'LP-CIPINANG'"))

        await until_equal(security_knows_upt, 1, what="security's UPT directory has the facility")
        sanction = {
            "inmate_id": inmate_id,
            "upt_code": "LP-CIPINANG",
            "level": "berat",
            "sanctioned_on": "2026-05-02",
            "isolation_days": 6,
        }
        response = await security.post("/api/v1/discipline/sanctions", json=sanction)
        assert response.status_code == 201, response.text

        async def eligible_now() -> bool:
            return bool((await remission.get(f"/api/v1/inmates/{inmate_id}/remission", params=query)).json()["eligible"])

        await until_equal(eligible_now, False, what="the Register F entry reaching remission")
        after = (await remission.get(f"/api/v1/inmates/{inmate_id}/remission", params=query)).json()
        assert after["reasons"] == ["no-register-f"]
        assert any(s["rule"] == "no-register-f" and "2026-05-02" in s["finding"] for s in after["steps"])
        # A year later the entry is outside the 6-month window again.
        later = (
            await remission.get(f"/api/v1/inmates/{inmate_id}/remission", params={"occasion": "remisi-umum", "on": "2027-08-17"})
        ).json()
        assert later["eligible"] is True
    assert date.fromisoformat(after["on"]) == date(2026, 8, 17)


async def test_verdict_refusals_write_nothing(platform: Platform) -> None:
    await platform.create_databases("remission")
    async with running(create_app(platform, "remission")) as remission:
        await remission.post("/api/v1/facilities", json=FACILITY)
        inmate_id = (await remission.post("/api/v1/inmates", json=admission(1))).json()["inmate_id"]
        outbox_before = await platform.scalar("remission", "SELECT count(*) FROM outbox")
        cases = [
            ({"verdict_final_on": "2025-12-31", "sentence": {"years": 1}}, "verdict_final_on", "not-before-admission"),
            ({"verdict_final_on": "2999-01-01", "sentence": {"years": 1}}, "verdict_final_on", "not-in-future"),
            ({"verdict_final_on": "2026-02-01", "sentence": {"years": 0}}, "sentence", "positive-term"),
            ({"verdict_final_on": "2026-02-01", "sentence": {"years": -1}}, "sentence.years", "greater_than_equal"),
            ({"verdict_final_on": "2026-02-01", "sentence": {"kind": "forever"}}, "sentence.kind", "enum"),
        ]
        for body, field, rule in cases:
            response = await remission.put(f"/api/v1/inmates/{inmate_id}/verdict", json=body)
            assert response.status_code == 422, (body, response.text)
            assert {"field": field, "rule": rule} in [{"field": e["field"], "rule": e["rule"]} for e in response.json()["errors"]]
        bad_religion = await remission.post("/api/v1/inmates", json=admission(2) | {"religion": "jedi"})
        assert bad_religion.status_code == 422 and bad_religion.json()["errors"][0]["field"] == "religion"
        assert await platform.scalar("remission", "SELECT count(*) FROM outbox") == outbox_before
        assert await platform.scalar("remission", "SELECT verdict_final_on FROM inmates WHERE inmate_id = $1", inmate_id) is None


async def test_escape_and_recapture_from_security_move_remission(platform: Platform) -> None:
    await platform.create_databases("remission", "security")
    remission_app = create_app(platform, "remission", assume_programme_and_risk_met=True)
    async with running(remission_app) as remission, running(create_app(platform, "security")) as security:
        await remission.post("/api/v1/facilities", json=FACILITY)
        inmate_id = (await remission.post("/api/v1/inmates", json=admission(1) | {"admitted_on": "2025-01-10"})).json()[
            "inmate_id"
        ]
        verdict = {"verdict_final_on": "2025-05-01", "sentence": {"kind": "term", "years": 3}}
        assert (await remission.put(f"/api/v1/inmates/{inmate_id}/verdict", json=verdict)).status_code == 200

        async def on_roster() -> int:
            return int((await security.get("/api/v1/roster/LP-CIPINANG")).json()["population"])

        await until_equal(on_roster, 1, what="security's roster has the inmate")

        async def security_knows_upt() -> int:
            # Security takes the UPT's Kanwil and time zone from its directory (facility.registered).
            return int(await platform.scalar("security", "SELECT count(*) FROM facilities WHERE upt_code = 'LP-CIPINANG'"))

        await until_equal(security_knows_upt, 1, what="security's UPT directory has the facility")
        escape = {"inmate_id": inmate_id, "upt_code": "LP-CIPINANG", "escaped_at": "2026-08-01T10:00:00+07:00", "method": "pagar"}
        response = await security.post("/api/v1/escapes", json=escape)
        assert response.status_code == 201, response.text
        escape_id = response.json()["escape_id"]

        ru_2026 = {"occasion": "remisi-umum", "on": "2026-08-17"}

        async def reasons() -> list[str]:
            return list((await remission.get(f"/api/v1/inmates/{inmate_id}/remission", params=ru_2026)).json()["reasons"])

        await until_equal(reasons, ["not-at-large"], what="the escape reaching remission")

        recapture = {"recaptured_at": "2026-09-01T08:00:00+07:00", "place": "Bekasi"}
        response = await security.post(f"/api/v1/escapes/{escape_id}/recapture", json=recapture)
        assert response.status_code == 200, response.text

        ru_2027 = {"occasion": "remisi-umum", "on": "2027-08-17"}

        async def release_2027() -> str | None:
            body = (await remission.get(f"/api/v1/inmates/{inmate_id}/remission", params=ru_2027)).json()
            return body["release_on"] if body["eligible"] else None

        # 31 days at large: expiration 10 Jan 2028 + 31 days = 10 Feb 2028; first RU, 2 months -> 10 Dec 2027
        await until_equal(release_2027, "2027-12-10", what="the recapture reaching remission")


async def test_programme_grade_and_risk_from_rehabilitation_make_remission_possible(platform: Platform) -> None:
    await platform.create_databases("remission", "rehabilitation")
    async with running(create_app(platform, "remission")) as remission, running(create_app(platform, "rehabilitation")) as rehab:
        await remission.post("/api/v1/facilities", json=FACILITY)
        inmate_id = (await remission.post("/api/v1/inmates", json=admission(1) | {"admitted_on": "2025-01-10"})).json()[
            "inmate_id"
        ]
        verdict = {"verdict_final_on": "2025-05-01", "sentence": {"kind": "term", "years": 3}}
        assert (await remission.put(f"/api/v1/inmates/{inmate_id}/verdict", json=verdict)).status_code == 200
        ru = {"occasion": "remisi-umum", "on": "2026-08-17"}

        async def reasons() -> list[str]:
            return list((await remission.get(f"/api/v1/inmates/{inmate_id}/remission", params=ru)).json()["reasons"])

        assert await reasons() == ["programme-active", "risk-reduced"]  # nothing known from rehabilitation yet

        async def on_roster() -> int:
            return int((await rehab.get("/api/v1/roster/LP-CIPINANG")).json()["population"])

        await until_equal(on_roster, 1, what="rehabilitation's roster has the inmate")

        async def upt_known() -> int:
            return (await rehab.get("/api/v1/facilities/LP-CIPINANG")).status_code

        await until_equal(upt_known, 200, what="rehabilitation knows the UPT")
        programme = {
            "upt_code": "LP-CIPINANG",
            "kind": "kemandirian",
            "category": "bakery",
            "name": "Roti",
            "capacity": 20,
            "starts_on": "2025-01-01",
        }
        response = await rehab.post("/api/v1/programmes", json=programme)
        assert response.status_code == 201, response.text
        enrolment = {"inmate_id": inmate_id, "programme_id": response.json()["programme_id"], "enrolled_on": "2025-06-01"}
        response = await rehab.post("/api/v1/enrolments", json=enrolment)
        assert response.status_code == 201, response.text
        graded = await rehab.post(
            f"/api/v1/enrolments/{response.json()['enrolment_id']}/grade", json={"grade": "baik", "graded_on": "2026-01-15"}
        )
        assert graded.status_code == 200, graded.text
        await until_equal(reasons, ["risk-reduced"], what="the programme grade reaching remission")

        for level, on in (("sedang", "2025-07-01"), ("rendah", "2026-02-01")):
            body = {"inmate_id": inmate_id, "upt_code": "LP-CIPINANG", "level": level, "assessed_on": on}
            response = await rehab.post("/api/v1/risk-assessments", json=body)
            assert response.status_code == 201, response.text
        await until_equal(reasons, [], what="the reduced risk reaching remission")
