"""Programmes as records over HTTP: a kemandirian programme at an SAE site, enrolment within its
capacity, a session's attendance, completion with grade "baik" travelling on Kafka to the
remission service, where it meets the "active in the programme" condition."""

import json

from tests.integration.harness import Platform, create_app, running, until_equal
from tests.integration.test_event_flow import FACILITY, admission

PROGRAMME = {
    "upt_code": "LP-CIPINANG",
    "kind": "kemandirian",
    "category": "bakery",
    "name": "Pelatihan roti dan kue",
    "sae_site": "SAE Roti Cipinang",
    "capacity": 1,
    "instructors": ["Ibu Sari"],
    "partners": ["Bogasari Baking Center"],
    "starts_on": "2025-06-01",
}


async def test_a_completed_programme_with_grade_baik_meets_remissions_condition(platform: Platform) -> None:
    await platform.create_databases("remission", "rehabilitation")
    async with running(create_app(platform, "remission")) as remission, running(create_app(platform, "rehabilitation")) as rehab:
        await remission.post("/api/v1/facilities", json=FACILITY)
        ids = []
        for n in (1, 2):
            response = await remission.post("/api/v1/inmates", json=admission(n) | {"admitted_on": "2025-01-10"})
            ids.append(response.json()["inmate_id"])
        inmate_id, other = ids
        verdict = {"verdict_final_on": "2025-05-01", "sentence": {"kind": "term", "years": 3}}
        assert (await remission.put(f"/api/v1/inmates/{inmate_id}/verdict", json=verdict)).status_code == 200
        ru = {"occasion": "remisi-umum", "on": "2026-08-17"}

        async def reasons() -> list[str]:
            return list((await remission.get(f"/api/v1/inmates/{inmate_id}/remission", params=ru)).json()["reasons"])

        assert await reasons() == ["programme-active", "risk-reduced"]

        async def on_roster() -> int:
            return int((await rehab.get("/api/v1/roster/LP-CIPINANG")).json()["population"])

        await until_equal(on_roster, 2, what="rehabilitation's roster has both inmates")

        async def known() -> int:
            return (await rehab.get("/api/v1/facilities/LP-CIPINANG")).status_code

        await until_equal(known, 200, what="rehabilitation knows the UPT")
        response = await rehab.post("/api/v1/programmes", json=PROGRAMME)
        assert response.status_code == 201, response.text
        programme = response.json()
        assert (programme["kanwil_code"], programme["enrolled"]) == ("KW-DKI", 0)

        enrol = {"inmate_id": inmate_id, "programme_id": programme["programme_id"], "enrolled_on": "2025-06-01"}
        response = await rehab.post("/api/v1/enrolments", json=enrol)
        assert response.status_code == 201, response.text
        enrolment = response.json()
        assert (enrolment["upt_code"], enrolment["programme"], enrolment["kind"]) == (
            "LP-CIPINANG",
            "Pelatihan roti dan kue",
            "kemandirian",
        )
        outbox = await platform.scalar("rehabilitation", "SELECT count(*) FROM outbox")
        full = await rehab.post("/api/v1/enrolments", json=enrol | {"inmate_id": other})
        assert full.status_code == 422 and full.json()["errors"][0]["rule"] == "within-capacity"
        assert await platform.scalar("rehabilitation", "SELECT count(*) FROM enrolments") == 1
        assert await platform.scalar("rehabilitation", "SELECT count(*) FROM outbox") == outbox

        for held_on, present in (("2025-07-01", [inmate_id]), ("2025-07-08", []), ("2025-07-15", [inmate_id])):
            body = {"held_on": held_on, "topic": "Roti manis", "present": present}
            response = await rehab.post(f"/api/v1/programmes/{programme['programme_id']}/sessions", json=body)
            assert response.status_code == 201, response.text
        twice = await rehab.post(
            f"/api/v1/programmes/{programme['programme_id']}/sessions", json={"held_on": "2025-07-01", "present": []}
        )
        assert twice.status_code == 409 and twice.json()["errors"][0]["rule"] == "one-session-a-day"

        no_grade = await rehab.post(
            f"/api/v1/enrolments/{enrolment['enrolment_id']}/complete", json={"completed_on": "2026-01-15"}
        )
        assert no_grade.status_code == 422 and no_grade.json()["errors"][0]["rule"] == "required-to-complete"
        assert await platform.scalar("rehabilitation", "SELECT count(*) FROM outbox") == outbox

        done = await rehab.post(
            f"/api/v1/enrolments/{enrolment['enrolment_id']}/complete", json={"completed_on": "2026-01-15", "grade": "baik"}
        )
        assert done.status_code == 200, done.text
        assert (done.json()["status"], done.json()["sessions_held"], done.json()["sessions_attended"]) == ("completed", 3, 2)
        await until_equal(reasons, ["risk-reduced"], what="the completion with grade baik reaching remission")

        records = await platform.records("pas.rehabilitation.programme.v1", at_least=2)
        assert [dict(r.headers)["ce_type"].decode() for r in records] == [
            "pas.rehabilitation.programme.graded",
            "pas.rehabilitation.programme.completed",
        ]
        completed = json.loads(records[1].value)
        assert (completed["grade"], completed["category"], completed["sessions_attended"]) == ("baik", "bakery", 2)
        assert dict(records[1].headers)["ce_kanwilcode"] == b"KW-DKI"

        # Completion frees the place: the other inmate can now enrol. Lists are paginated and filtered.
        assert (await rehab.post("/api/v1/enrolments", json=enrol | {"inmate_id": other})).status_code == 201
        listed = (
            await rehab.get("/api/v1/enrolments", params={"programme_id": programme["programme_id"], "status": "completed"})
        ).json()
        assert (listed["total"], listed["items"][0]["inmate_id"]) == (1, inmate_id)
        programmes = (await rehab.get("/api/v1/programmes", params={"kanwil_code": "KW-DKI", "category": "bakery"})).json()
        assert (programmes["total"], programmes["items"][0]["enrolled"]) == (1, 1)
        assert (await rehab.get("/api/v1/programmes", params={"kanwil_code": "KW-JATENG"})).json()["total"] == 0
