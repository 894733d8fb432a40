"""Vendor sanctions and performance over HTTP on the real broker and database: a warning, a fine
computed from the deliveries' shortfalls under the contract's penalty clause and capped, a
suspension that stops deliveries, reinstatement, termination on a checked ground, each with its
event on Kafka; the vendor's score for a period from its deliveries; refusals write nothing."""

import json
from datetime import UTC, datetime
from typing import Any

import httpx

from tests.integration.harness import Platform, create_app, running, until_equal
from tests.integration.test_event_flow import FACILITY, admission
from tests.integration.test_food_audit_deliveries import problem

NOW = datetime(2026, 3, 20, 3, 0, tzinfo=UTC)  # 20 March 2026, 10:00 WIB
VENDORS = "pas.food-audit.vendor.v1"


async def written(platform: Platform) -> tuple[int, ...]:
    tables = ("outbox", "audit_log", "vendor_sanctions", "contract_standings", "deliveries")
    return tuple([await platform.scalar("food-audit", f"SELECT count(*) FROM {t}") for t in tables])


async def _contract(remission: httpx.AsyncClient, food: httpx.AsyncClient) -> tuple[str, str]:
    assert (await remission.post("/api/v1/facilities", json=FACILITY)).status_code == 201
    for n in range(3):
        assert (await remission.post("/api/v1/inmates", json=admission(n))).status_code == 201

    async def roster() -> int:
        return int((await food.get("/api/v1/roster/LP-CIPINANG")).json()["population"])

    await until_equal(roster, 3, what="food-audit's roster")

    async def vendor_registered() -> int:
        response = await food.post(
            "/api/v1/vendors", json={"name": "CV Sumber Pangan", "address": "Jl. Raya Bekasi 1", "upt_code": "LP-CIPINANG"}
        )
        return response.status_code

    await until_equal(vendor_registered, 201, what="the facility reaching food-audit")
    vendor_id = (await food.get("/api/v1/vendors")).json()["items"][0]["vendor_id"]
    signed = await food.post(
        "/api/v1/contracts",
        json={
            "vendor_id": vendor_id,
            "contract_number": "KTR-BAMA/02/2026",
            "tender_reference": "LELANG-LPCIP-2026",
            "province": "dki-jakarta",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "value_rupiah": 2_000_000,
            "daily_ration_cost_rupiah": 18_000,
            "delivery_days": ["mon", "wed", "fri"],
            # The contract's own clause: 500 per mille of the late part a day, at most 2% of the value (Rp40,000).
            "penalty": {"late_penalty_permille_per_day": 500, "penalty_cap_pct": 2, "text": "Pasal 12"},
        },
    )
    assert signed.status_code == 201, signed.text
    return vendor_id, str(signed.json()["contract_id"])


async def _deliver(
    food: httpx.AsyncClient, contract_id: str, on: str, ordered: int, delivered: int, rejected: int = 0
) -> httpx.Response:
    body: dict[str, Any] = {
        "contract_id": contract_id,
        "delivered_on": on,
        "ordered_rations": ordered,
        "delivered_rations": delivered,
        "rejected_rations": rejected,
    }
    if rejected:
        body["rejection_reason"] = "sayur layu"
    return await food.post("/api/v1/deliveries", json=body)


async def test_sanctions_move_a_contract_through_its_standing_with_events(platform: Platform) -> None:
    await platform.create_databases("remission", "food-audit")
    food_app = create_app(platform, "food-audit")
    food_app.state.clock = lambda: NOW
    async with running(create_app(platform, "remission")) as remission, running(food_app) as food:
        vendor_id, contract_id = await _contract(remission, food)
        url = f"/api/v1/contracts/{contract_id}/sanctions"
        for on, ordered, delivered, rejected in (
            ("2026-03-02", 3, 3, 1),  # Monday: 2 accepted, 1 short
            ("2026-03-04", 3, 1, 0),  # Wednesday: 2 short
            ("2026-03-07", 3, 3, 0),  # Saturday: not a delivery day, nothing short
            ("2026-03-09", 3, 0, 0),  # Monday: nothing came, 3 short
        ):
            response = await _deliver(food, contract_id, on, ordered, delivered, rejected)
            assert response.status_code == 201, response.text

        before = await written(platform)
        for body, status, error in [
            ({"kind": "suspension", "decided_on": "2026-03-05", "why": "x"}, 422, ("kind", "warned-before-suspension")),
            ({"kind": "warning", "decided_on": "2026-03-05", "why": "x"}, 422, ("letter_number", "required-for-warning")),
            (
                {"kind": "warning", "decided_on": "2026-03-21", "why": "x", "letter_number": "SP-1"},
                422,
                ("decided_on", "not-in-future"),
            ),
            (
                {"kind": "fine", "decided_on": "2026-03-08", "why": "x", "period_from": "2026-03-07", "period_to": "2026-03-07"},
                422,
                ("period_from", "shortfall-in-period"),
            ),
            ({"kind": "termination", "decided_on": "2026-03-08", "why": "x", "ground": "bosan"}, 422, ("ground", "listed")),
        ]:
            refused = await food.post(url, json=body)
            assert refused.status_code == status and problem(refused) == [error], refused.text
        assert (
            await food.post("/api/v1/contracts/nothing/sanctions", json={"kind": "fine", "decided_on": "2026-03-08", "why": "x"})
        ).status_code == 404
        assert await written(platform) == before

        async def decide(body: dict[str, Any]) -> dict[str, Any]:
            response = await food.post(url, json={"why": "evaluasi Kasi Perawatan"} | body)
            assert response.status_code == 201, response.text
            result: dict[str, Any] = response.json()
            return result

        warned = await decide({"kind": "warning", "decided_on": "2026-03-05", "letter_number": "SP-1/LPCIP/III/2026"})
        assert (warned["status"], warned["warnings"], warned["sanctions"][0]["warning_level"]) == ("active", 1, 1)
        # 3 rations short from 1 to 7 March at Rp18,000 = Rp54,000 late one day at 500 per mille: Rp27,000.
        fined = await decide({"kind": "fine", "decided_on": "2026-03-08", "period_from": "2026-03-01", "period_to": "2026-03-07"})
        fine = fined["sanctions"][-1]
        assert (fine["shortfall_rations"], fine["amount_before_cap_rupiah"], fine["amount_rupiah"]) == (3, 27_000, 27_000)
        assert (fined["fines_rupiah"], fined["fine_cap_rupiah"]) == (27_000, 40_000)
        before = await written(platform)
        overlap = await food.post(
            url,
            json={"kind": "fine", "decided_on": "2026-03-09", "why": "x", "period_from": "2026-03-07", "period_to": "2026-03-09"},
        )
        assert problem(overlap) == [("period_from", "period-fined-once")]
        assert await written(platform) == before

        suspended = await decide({"kind": "suspension", "decided_on": "2026-03-10"})
        assert (suspended["status"], suspended["since"]) == ("suspended", "2026-03-10")
        before = await written(platform)
        stopped = await _deliver(food, contract_id, "2026-03-11", 3, 3)
        assert stopped.status_code == 422 and problem(stopped) == [("contract_id", "contract-suspended")]
        assert await written(platform) == before
        assert (await decide({"kind": "reinstatement", "decided_on": "2026-03-12"}))["status"] == "active"
        # 3 rations short on 9 March: Rp27,000 more, but only Rp13,000 is left under the cap.
        capped = (
            await decide({"kind": "fine", "decided_on": "2026-03-15", "period_from": "2026-03-08", "period_to": "2026-03-14"})
        )["sanctions"][-1]
        assert (capped["amount_before_cap_rupiah"], capped["amount_rupiah"]) == (27_000, 13_000)

        before = await written(platform)
        early = await food.post(
            url, json={"kind": "termination", "decided_on": "2026-03-16", "why": "x", "ground": "warnings-exhausted"}
        )
        assert problem(early) == [("ground", "warnings-exhausted")]
        assert await written(platform) == before
        ended = await decide({"kind": "termination", "decided_on": "2026-03-16", "ground": "fines-reached-cap"})
        assert (ended["status"], ended["since"], ended["fines_rupiah"]) == ("terminated", "2026-03-16", 40_000)
        before = await written(platform)
        after = await food.post(url, json={"kind": "warning", "decided_on": "2026-03-17", "why": "x", "letter_number": "SP-2"})
        assert after.status_code == 409 and problem(after) == [("status", "status-transition")]
        late = await _deliver(food, contract_id, "2026-03-18", 3, 3)
        assert problem(late) == [("contract_id", "contract-terminated")]
        assert await written(platform) == before

        standing = (await food.get(f"/api/v1/contracts/{contract_id}/standing")).json()
        assert [(s["kind"], s["from_status"], s["to_status"]) for s in standing["sanctions"]] == [
            ("warning", "active", "active"),
            ("fine", "active", "active"),
            ("suspension", "active", "suspended"),
            ("reinstatement", "suspended", "active"),
            ("fine", "active", "active"),
            ("termination", "active", "terminated"),
        ]
        fines = (await food.get("/api/v1/vendor-sanctions", params={"kind": "fine", "vendor_id": vendor_id})).json()
        assert (fines["total"], [f["amount_rupiah"] for f in fines["items"]]) == (2, [13_000, 27_000])
        in_march_first_half = (
            await food.get("/api/v1/vendor-sanctions", params={"from": "2026-03-01", "to": "2026-03-10"})
        ).json()
        assert in_march_first_half["total"] == 3

        records = await platform.records(VENDORS, at_least=6)
        assert [json.loads(r.value)["kind"] for r in records] == [
            "warning",
            "fine",
            "suspension",
            "reinstatement",
            "fine",
            "termination",
        ]
        headers = dict(records[-1].headers)
        assert (headers["ce_type"], headers["ce_uptcode"], headers["ce_kanwilcode"], headers["ce_subject"]) == (
            b"pas.food-audit.vendor.sanctioned",
            b"LP-CIPINANG",
            b"KW-DKI",
            vendor_id.encode(),
        )
        assert json.loads(records[-1].value)["ground"] == "fines-reached-cap"

        # Performance from 1 to 14 March: 4 deliveries, 12 ordered, 6 accepted, 7 delivered, 1 rejected.
        perf = (
            await food.get(f"/api/v1/vendors/{vendor_id}/performance", params={"from": "2026-03-01", "to": "2026-03-14"})
        ).json()
        assert perf["components"] == {
            "fulfilment": 50.0,  # 6 / 12
            "quality": 85.7,  # 6 / 7
            "headcount": 50.0,  # 6 accepted / 3 inmates x 4 days
            "schedule": 75.0,  # the Saturday was not a delivery day
            "inspections": None,  # none completed: left out, not zero
        }
        # (35 x 50 + 25 x 600/7 + 15 x 50 + 5 x 75) / 80 = 62.72
        assert (perf["score_pct"], perf["band"], perf["review"]) == (62.7, "C", False)
        assert (perf["deliveries"], perf["warnings_in_period"], perf["fines_in_period_rupiah"]) == (4, 1, 27_000)
        assert perf["contract_standings"] == {"KTR-BAMA/02/2026": "terminated"}
        listed = (
            await food.get(
                "/api/v1/vendor-performance", params={"from": "2026-03-01", "to": "2026-03-14", "kanwil_code": "KW-DKI"}
            )
        ).json()
        assert (listed["total"], listed["items"][0]["score_pct"]) == (1, 62.7)
        bad_period = await food.get("/api/v1/vendor-performance", params={"from": "2026-03-14", "to": "2026-03-01"})
        assert problem(bad_period) == [("to", "not-before-from")]
