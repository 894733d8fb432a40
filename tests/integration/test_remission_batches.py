"""A remission batch over HTTP: computed, reviewed, approved with a decree; grants and type II
releases travel as events and the other services react."""

import asyncio

import pytest

from pas_remission.app import batches
from tests.integration.harness import Platform, create_app, running, until_equal
from tests.integration.test_event_flow import FACILITY, admission

GRANTS = "pas.remission.remission.v1"


@pytest.mark.parametrize(
    ("chunk", "workers"),
    [(None, 1), (1, 1), (1, 0)],
    ids=["one-chunk", "a-chunk-per-inmate-in-a-worker", "a-chunk-per-inmate-in-process"],
)
async def test_batch_compute_approve_grants_once_and_releases_type_ii(
    platform: Platform, monkeypatch: pytest.MonkeyPatch, chunk: int | None, workers: int
) -> None:
    # A batch is computed chunk by chunk (in a worker process or not) and approved chunk by chunk,
    # each in its one transaction: the same proposals, grants, events and releases either way.
    if chunk is not None:
        monkeypatch.setattr(batches, "PROPOSAL_CHUNK", chunk)
        monkeypatch.setattr(batches, "APPROVAL_CHUNK", chunk)
    await platform.create_databases("remission", "security")
    remission_app = create_app(platform, "remission", assume_programme_and_risk_met=True, batch_workers=workers)
    async with running(remission_app) as remission, running(create_app(platform, "security")) as security:
        assert (await remission.post("/api/v1/facilities", json=FACILITY)).status_code == 201

        async def admit(n: int, admitted_on: str, verdict: dict[str, object] | None) -> str:
            inmate_id = str(
                (await remission.post("/api/v1/inmates", json=admission(n) | {"admitted_on": admitted_on})).json()["inmate_id"]
            )
            if verdict:
                response = await remission.put(f"/api/v1/inmates/{inmate_id}/verdict", json=verdict)
                assert response.status_code == 200, response.text
            return inmate_id

        # 3 years from 10 Jan 2025: first RU after 19 months = 2 months, release 10 Jan 2028 -> 10 Nov 2027
        long_term = await admit(1, "2025-01-10", {"verdict_final_on": "2025-05-01", "sentence": {"years": 3}})
        # 8 months from 10 Jan 2026 (expiry 10 Sep 2026): 1 month covers the rest -> type II, out on 17 Aug
        short_term = await admit(2, "2026-01-10", {"verdict_final_on": "2026-03-01", "sentence": {"months": 8}})
        detainee = await admit(3, "2026-01-10", None)

        async def roster() -> int:
            return int((await security.get("/api/v1/roster/LP-CIPINANG")).json()["population"])

        await until_equal(roster, 3, what="security's roster of three")

        refused = await remission.post("/api/v1/remission-batches", json={"occasion": "remisi-khusus", "on": "2026-03-20"})
        assert refused.status_code == 422 and refused.json()["errors"][0]["rule"] == "holiday-with-remisi-khusus"
        assert await platform.scalar("remission", "SELECT count(*) FROM remission_batches") == 0

        body = {"occasion": "remisi-umum", "on": "2026-08-17", "upt_code": "LP-CIPINANG"}
        created = await remission.post("/api/v1/remission-batches", json=body)
        assert created.status_code == 201, created.text
        batch = created.json()
        assert (batch["status"], batch["eligible"], batch["not_eligible"]) == ("computed", 2, 1)
        proposals = {
            p["inmate_id"]: p for p in (await remission.get(f"/api/v1/remission-batches/{batch['batch_id']}/proposals")).json()
        }
        assert proposals[long_term]["amount"] == {"years": 0, "months": 2, "days": 0}
        assert (proposals[long_term]["type"], proposals[long_term]["release_on"]) == ("I", "2027-11-10")
        assert (proposals[short_term]["type"], proposals[short_term]["release_on"]) == ("II", "2026-08-17")
        assert proposals[detainee]["reasons"] == ["verdict-final"] and proposals[detainee]["later_grant"] is True
        # Nothing is granted before approval.
        assert await platform.scalar("remission", "SELECT count(*) FROM remission_grants") == 0
        assert await platform.scalar("remission", "SELECT count(*) FROM outbox WHERE event_type LIKE '%granted'") == 0

        approve = f"/api/v1/remission-batches/{batch['batch_id']}/approve"
        approved = (await remission.post(approve, json={"decree_number": "PAS-1234.PK.05.04/2026"})).json()
        assert (approved["status"], approved["granted_now"]) == ("approved", 2)
        again = (await remission.post(approve, json={"decree_number": "PAS-1234.PK.05.04/2026"})).json()
        assert again["granted_now"] == 0  # approving twice grants once
        other_decree = await remission.post(approve, json={"decree_number": "PAS-9999/2026"})
        assert other_decree.status_code == 409
        recompute = await remission.post(f"/api/v1/remission-batches/{batch['batch_id']}/recompute")
        assert recompute.status_code == 409

        # The type II inmate is released, and security's roster follows the event.
        await until_equal(roster, 2, what="security's roster after the type II release")
        released = (await remission.get(f"/api/v1/inmates/{short_term}")).json()
        assert (released["released_on"], released["release_reason"]) == ("2026-08-17", "remission-ii")
        granted = await platform.records(GRANTS, at_least=2)
        assert sorted(dict(r.headers)["ce_subject"].decode() for r in granted) == sorted([long_term, short_term])
        assert len(granted) == 2
        # The next check sees the grant: the second RU (2027) is 3 months; 10 Jan 2028 - 5 months
        # = 10 Aug 2027 is before 17 Aug, so it would be a type II release on the occasion.
        check = (
            await remission.get(f"/api/v1/inmates/{long_term}/remission", params={"occasion": "remisi-umum", "on": "2027-08-17"})
        ).json()
        assert (check["grant_index"], check["amount"]["months"], check["type"], check["release_on"]) == (2, 3, "II", "2027-08-17")
    transitions = await platform.fetch("remission", "SELECT from_status, to_status FROM batch_transitions ORDER BY seq")
    assert [(t["from_status"], t["to_status"]) for t in transitions] == [(None, "computed"), ("computed", "approved")]


async def test_concurrent_approvals_grant_once_and_a_grant_follows_a_transfer(platform: Platform) -> None:
    await platform.create_databases("remission")
    async with running(create_app(platform, "remission", assume_programme_and_risk_met=True)) as remission:
        sukamiskin = FACILITY | {"upt_code": "LP-SUKAMISKIN", "name": "Lapas Kelas I Sukamiskin", "kanwil_code": "KW-JABAR"}
        for facility in (FACILITY, sukamiskin):
            assert (await remission.post("/api/v1/facilities", json=facility)).status_code == 201
        ids = []
        for n in (1, 2):
            inmate = (await remission.post("/api/v1/inmates", json=admission(n) | {"admitted_on": "2025-01-10"})).json()
            verdict = {"verdict_final_on": "2025-05-01", "sentence": {"years": 3}}
            assert (await remission.put(f"/api/v1/inmates/{inmate['inmate_id']}/verdict", json=verdict)).status_code == 200
            ids.append(inmate["inmate_id"])
        body = {"occasion": "remisi-umum", "on": "2026-08-17", "upt_code": "LP-CIPINANG"}
        batch = (await remission.post("/api/v1/remission-batches", json=body)).json()
        assert batch["eligible"] == 2

        # Moved after the computation, before the approval: the grant names the UPT holding the person.
        move = {"to_upt_code": "LP-SUKAMISKIN", "transferred_on": "2026-09-01", "reason": "decongestion"}
        assert (await remission.post(f"/api/v1/inmates/{ids[1]}/transfers", json=move)).status_code == 201

        approve = f"/api/v1/remission-batches/{batch['batch_id']}/approve"
        decree = {"decree_number": "PAS-1234.PK.05.04/2026"}
        answers = await asyncio.gather(*(remission.post(approve, json=decree) for _ in range(4)))
        assert [a.status_code for a in answers] == [200] * 4
        assert sorted(a.json()["granted_now"] for a in answers) == [0, 0, 0, 2]  # one of them granted, once
        records = await platform.records(GRANTS, at_least=2)  # while the relay runs

        # An approved batch cannot be withdrawn; a computed one can, and then grants nothing.
        cancel = {"why": "computed on the wrong facts"}
        assert (await remission.post(f"/api/v1/remission-batches/{batch['batch_id']}/cancel", json=cancel)).status_code == 409
        other = (
            await remission.post(
                "/api/v1/remission-batches", json=body | {"occasion": "remisi-khusus", "holiday": "natal", "on": "2025-12-25"}
            )
        ).json()
        withdrawn = await remission.post(f"/api/v1/remission-batches/{other['batch_id']}/cancel", json=cancel)
        assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "cancelled"
        late = await remission.post(f"/api/v1/remission-batches/{other['batch_id']}/approve", json=decree)
        assert late.status_code == 409

    assert await platform.scalar("remission", "SELECT count(*) FROM remission_grants") == 2
    assert await platform.scalar("remission", "SELECT count(*) FROM outbox WHERE event_type LIKE '%granted'") == 2
    granted = {dict(r.headers)["ce_subject"].decode(): dict(r.headers)["ce_uptcode"].decode() for r in records}
    assert granted == {ids[0]: "LP-CIPINANG", ids[1]: "LP-SUKAMISKIN"}
