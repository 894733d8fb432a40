"""Food audit over HTTP on the real broker and database: a vendor's contract against the cost
standard, and a delivery checked against the headcount that day, which food-audit keeps from
remission's inmate events; refused input writes nothing."""

import json
from datetime import UTC, datetime
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from pas_food_audit.adapters.tables import metadata
from tests.integration.harness import Platform, create_app, running, until_equal
from tests.integration.test_event_flow import FACILITY, admission

NOW = datetime(2026, 3, 4, 3, 0, tzinfo=UTC)  # 4 March 2026, 10:00 WIB
CONTRACTS = "pas.food-audit.contract.v1"
DELIVERIES = "pas.food-audit.delivery.v1"


async def written(platform: Platform) -> tuple[int, ...]:
    """Outbox rows, audit entries and the rows of every table a request here may write."""
    tables = ("outbox", "audit_log", "vendors", "contracts", "deliveries")
    return tuple([await platform.scalar("food-audit", f"SELECT count(*) FROM {t}") for t in tables])


def problem(response: Any) -> list[tuple[str, str]]:
    assert response.headers["content-type"] == "application/problem+json", response.text
    return [(e["field"], e["rule"]) for e in response.json()["errors"]]


async def test_a_delivery_is_checked_against_the_headcount_from_inmate_events(platform: Platform) -> None:
    await platform.create_databases("remission", "food-audit")
    food_app = create_app(platform, "food-audit")
    food_app.state.clock = lambda: NOW
    async with running(create_app(platform, "remission")) as remission, running(food_app) as food:
        assert (await remission.post("/api/v1/facilities", json=FACILITY)).status_code == 201
        ids = [(await remission.post("/api/v1/inmates", json=admission(n))).json()["inmate_id"] for n in range(3)]
        late = await remission.post("/api/v1/inmates", json=admission(3) | {"admitted_on": "2026-03-03"})
        assert late.status_code == 201, late.text
        released = await remission.post(
            f"/api/v1/inmates/{ids[0]}/release", json={"released_on": "2026-03-01", "reason": "expiration"}
        )
        assert released.status_code == 200, released.text

        async def roster() -> int:
            return int((await food.get("/api/v1/roster/LP-CIPINANG")).json()["population"])

        await until_equal(roster, 3, what="food-audit's roster: 4 admitted, 1 released")

        async def vendor_registered() -> int:
            response = await food.post(
                "/api/v1/vendors", json={"name": "CV Sumber Pangan", "address": "Jl. Raya Bekasi 1", "upt_code": "LP-CIPINANG"}
            )
            return response.status_code

        await until_equal(vendor_registered, 201, what="the facility reaching food-audit")
        vendor = (await food.get("/api/v1/vendors", params={"upt_code": "LP-CIPINANG"})).json()
        assert vendor["total"] == 1 and vendor["items"][0]["kanwil_code"] == "KW-DKI"
        vendor_id = vendor["items"][0]["vendor_id"]

        body = {
            "vendor_id": vendor_id,
            "contract_number": "KTR-BAMA/01/2026",
            "tender_reference": "LELANG-LPCIP-2026",
            "province": "dki-jakarta",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "value_rupiah": 12_000_000_000,
            "daily_ration_cost_rupiah": 18_500,
            "delivery_days": ["mon", "wed", "fri"],
        }
        # Refused, each naming the field and the rule; nothing written, no event.
        before = await written(platform)
        refusals = [
            (body | {"ends_on": "2025-12-31"}, ("ends_on", "ends-after-starts")),
            (body | {"vendor_id": "nobody"}, ("vendor_id", "vendor-registered")),
            (body | {"delivery_days": []}, ("delivery_days", "too_short")),
        ]
        for refused_body, error in refusals:
            refused = await food.post("/api/v1/contracts", json=refused_body)
            assert refused.status_code == 422 and problem(refused) == [error], refused.text
        assert await written(platform) == before

        signed = await food.post("/api/v1/contracts", json=body)
        assert signed.status_code == 201, signed.text
        contract = signed.json()
        # Rp18,500 against the FY2026 DKI standard (Rp18,000, carried over from PMK 49/2023: unconfirmed).
        assert (contract["cost_check"], contract["cost_standard"]["rupiah"], contract["ratio_to_standard_pct"]) == (
            "above-standard",
            18_000,
            102.8,
        )
        assert contract["cost_standard"]["status"].startswith("unconfirmed")
        assert contract["penalty"] == {"late_penalty_permille_per_day": 1, "penalty_cap_pct": 5, "text": ""}
        again = await food.post("/api/v1/contracts", json=body)
        assert again.status_code == 409

        delivery = {
            "contract_id": contract["contract_id"],
            "delivered_on": "2026-03-02",
            "ordered_rations": 2,
            "delivered_rations": 2,
            "rejected_rations": 1,
            "rejection_reason": "sayur busuk",
        }
        before = await written(platform)
        for refused_body, error in [
            (delivery | {"contract_id": "nothing"}, ("contract_id", "contract-registered")),
            (delivery | {"delivered_on": "2026-03-05"}, ("delivered_on", "not-in-future")),
            (delivery | {"delivered_on": "2025-12-31"}, ("delivered_on", "within-contract-period")),
            (delivery | {"rejected_rations": 3}, ("rejected_rations", "rejected-within-delivered")),
            (delivery | {"rejection_reason": None}, ("rejection_reason", "reason-for-rejection")),
        ]:
            refused = await food.post("/api/v1/deliveries", json=refused_body)
            assert refused.status_code == 422 and problem(refused) == [error], refused.text
        assert await written(platform) == before

        recorded = await food.post("/api/v1/deliveries", json=delivery)
        assert recorded.status_code == 201, recorded.text
        d = recorded.json()
        # On 2 March: inmates 1 and 2 held; inmate 0 released on 1 March, inmate 3 admitted on 3 March.
        assert (d["headcount"], d["accepted_rations"], d["shortfall_vs_order"], d["shortfall_vs_headcount"]) == (2, 1, 1, 1)
        assert d["flags"] == ["short-of-order", "short-of-headcount", "rejected-on-quality"]
        assert (d["cost_rupiah"], d["cost_per_inmate_rupiah"]) == (18_500, 9_250)
        assert (await food.post("/api/v1/deliveries", json=delivery)).status_code == 409

        # Wednesday 4 March (today): three held, three delivered and accepted.
        full = delivery | {"delivered_on": "2026-03-04", "ordered_rations": 3, "delivered_rations": 3, "rejected_rations": 0}
        assert (await food.post("/api/v1/deliveries", json=full | {"rejection_reason": None})).json()["flags"] == []
        listed = (await food.get("/api/v1/deliveries", params={"kanwil_code": "KW-DKI", "limit": 1})).json()
        assert (listed["total"], len(listed["items"]), listed["items"][0]["delivered_on"]) == (2, 1, "2026-03-04")
        # 4 rations accepted x 18,500 = 74,000 over 2 + 3 = 5 inmate-days: 14,800 per inmate per day.
        assert listed["totals"] == {
            "deliveries": 2,
            "inmate_days": 5,
            "accepted_rations": 4,
            "rejected_rations": 1,
            "cost_rupiah": 74_000,
            "cost_per_inmate_day_rupiah": 14_800,
        }
        elsewhere = (await food.get("/api/v1/deliveries", params={"kanwil_code": "KW-JABAR"})).json()
        assert (elsewhere["total"], elsewhere["totals"]["cost_per_inmate_day_rupiah"]) == (0, None)
        assert (await food.get("/api/v1/deliveries/nothing")).status_code == 404

        records = await platform.records(DELIVERIES, at_least=2)
        first = next(r for r in records if json.loads(r.value)["delivery_id"] == d["delivery_id"])
        headers = dict(first.headers)
        assert (headers["ce_type"], headers["ce_uptcode"], headers["ce_kanwilcode"]) == (
            b"pas.food-audit.delivery.recorded",
            b"LP-CIPINANG",
            b"KW-DKI",
        )
        assert json.loads(first.value)["shortfall_vs_headcount"] == 1
        signed_events = await platform.records(CONTRACTS, at_least=1)
        assert [json.loads(r.value)["cost_check"] for r in signed_events] == ["above-standard"]

    # The tables the code defines are the tables the migrations create.
    engine = create_async_engine(platform.db_url("food-audit"))
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(lambda sync: compare_metadata(MigrationContext.configure(sync), metadata))
    finally:
        await engine.dispose()
    assert diff == []
