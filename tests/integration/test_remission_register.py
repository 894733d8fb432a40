"""The register's details over HTTP: a detainee's detaining authority, a facility's province,
and special-crime conditions that change the engine's answer."""

from tests.integration.harness import Platform, create_app, running
from tests.integration.test_event_flow import FACILITY, admission

RU_2026 = {"occasion": "remisi-umum", "on": "2026-08-17"}


async def written(platform: Platform) -> tuple[int, int]:
    return (
        await platform.scalar("remission", "SELECT count(*) FROM outbox"),
        await platform.scalar("remission", "SELECT count(*) FROM inmate_special_conditions"),
    )


async def test_special_conditions_open_remission_for_a_corruption_convict(platform: Platform) -> None:
    await platform.create_databases("remission")
    async with running(create_app(platform, "remission", assume_programme_and_risk_met=True)) as remission:
        assert (await remission.post("/api/v1/facilities", json=FACILITY)).status_code == 201
        facility = (await remission.get("/api/v1/facilities/LP-CIPINANG")).json()
        assert facility["province"] == "DKI Jakarta"  # its Kanwil covers one province

        # A facility in a Kanwil of several provinces must name its province; a wrong Kanwil or zone is refused.
        tarakan = FACILITY | {"upt_code": "LP-TARAKAN", "kanwil_code": "KW-KALTIM", "time_zone": "Asia/Makassar"}
        before = await written(platform)
        for body, field, rule in [
            (tarakan, "province", "province-required"),
            (tarakan | {"province": "Bali"}, "province", "province-of-kanwil"),
            (tarakan | {"kanwil_code": "KW-ATLANTIS"}, "kanwil_code", "kanwil-known"),
            (tarakan | {"time_zone": "Asia/Jakarta", "province": "Kalimantan Utara"}, "time_zone", "zone-of-kanwil"),
        ]:
            refused = await remission.post("/api/v1/facilities", json=body)
            assert refused.status_code == 422, refused.text
            assert [(e["field"], e["rule"]) for e in refused.json()["errors"]] == [(field, rule)]
        assert await written(platform) == before
        assert (await remission.get("/api/v1/facilities/LP-TARAKAN")).status_code == 404
        created = await remission.post("/api/v1/facilities", json=tarakan | {"province": "Kalimantan Utara", "upt_class": "IIA"})
        assert created.status_code == 201 and created.json()["upt_class"] == "IIA"

        # A detainee without the detaining authority is refused; with it, admitted.
        detainee = admission(1) | {"custody_status": "tahanan"}
        refused = await remission.post("/api/v1/inmates", json=detainee)
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "detaining_authority"
        admitted = await remission.post("/api/v1/inmates", json=detainee | {"detaining_authority": "penuntut-umum"})
        assert admitted.status_code == 201 and admitted.json()["detaining_authority"] == "penuntut-umum"

        # 3 years for korupsi from 10 Jan 2025, with a fine-substitute term.
        inmate_id = (await remission.post("/api/v1/inmates", json=admission(2) | {"admitted_on": "2025-01-10"})).json()[
            "inmate_id"
        ]
        verdict = {
            "verdict_final_on": "2025-05-01",
            "sentence": {"years": 3},
            "crime": "korupsi",
            "fine_substitute": {"months": 2},
        }
        assert (await remission.put(f"/api/v1/inmates/{inmate_id}/verdict", json=verdict)).status_code == 200
        check = f"/api/v1/inmates/{inmate_id}/remission"
        assert (await remission.get(check, params=RU_2026)).json()["reasons"] == ["special-crime:fine_and_restitution_paid"]

        conditions = f"/api/v1/inmates/{inmate_id}/special-conditions"
        before = await written(platform)
        wrong = await remission.post(
            conditions, json={"condition": "loyalty_pledge_signed", "met_on": "2026-03-01", "evidence": "x-1"}
        )
        assert wrong.status_code == 422 and wrong.json()["errors"][0]["rule"] == "condition-applies"
        late = await remission.post(
            conditions, json={"condition": "fine_and_restitution_paid", "met_on": "2099-01-01", "evidence": "x-1"}
        )
        assert late.status_code == 422 and late.json()["errors"][0]["field"] == "met_on"
        assert await written(platform) == before  # nothing written, no event

        paid = {"condition": "fine_and_restitution_paid", "met_on": "2026-03-01", "evidence": "Kuitansi Kejari 17/2026"}
        assert (await remission.post(conditions, json=paid)).status_code == 201
        assert (await remission.post(conditions, json=paid)).status_code == 409
        assert (
            await platform.scalar("remission", "SELECT count(*) FROM outbox WHERE event_type LIKE '%special-condition.recorded'")
            == 1
        )
        result = (await remission.get(check, params=RU_2026)).json()
        # First RU, served 19 months: 2 months; 10 Jan 2028 - 2 months = 10 Nov 2027.
        assert (result["eligible"], result["amount"]["months"], result["release_on"]) == (True, 2, "2027-11-10")
        # Met after the occasion: not counted for an earlier one.
        assert (await remission.get(check, params={"occasion": "remisi-umum", "on": "2025-08-17"})).json()["eligible"] is False
