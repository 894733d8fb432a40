"""Products of inmate work over HTTP on the real database and broker: a product through
legalisation with its events on Kafka, the headline "N Lapas produce M types of products" per
Kanwil and nation, sales, PNBP and premi that add up, and refused input that writes nothing."""

import json
from datetime import date, timedelta
from typing import Any

import httpx

from tests.integration.harness import Platform, create_app, running, until_equal
from tests.integration.test_event_flow import admission

PERMITS = "pas.rehabilitation.permit.v1"

FACILITIES = [
    {
        "upt_code": "LP-PATI",
        "name": "Lapas Kelas IIB Pati",
        "upt_type": "Lapas",
        "kanwil_code": "KW-JATENG",
        "capacity": 300,
        "time_zone": "Asia/Jakarta",
    },
    {
        "upt_code": "RUTAN-KUDUS",
        "name": "Rutan Kelas IIB Kudus",
        "upt_type": "Rutan",
        "kanwil_code": "KW-JATENG",
        "capacity": 100,
        "time_zone": "Asia/Jakarta",
    },
    {
        "upt_code": "LP-AMBON",
        "name": "Lapas Kelas IIA Ambon",
        "upt_type": "Lapas",
        "kanwil_code": "KW-MALUKU",
        "capacity": 400,
        "time_zone": "Asia/Jayapura",
    },
]


async def _setup(platform: Platform, remission: httpx.AsyncClient, rehab: httpx.AsyncClient) -> str:
    """Register the UPTs in remission, admit one inmate in LP-PATI; wait until rehabilitation knows them."""
    for facility in FACILITIES:
        assert (await remission.post("/api/v1/facilities", json=facility)).status_code == 201
    inmate = await remission.post("/api/v1/inmates", json=admission(1, "LP-PATI"))
    assert inmate.status_code == 201, inmate.text

    async def known() -> list[int]:
        return [(await rehab.get(f"/api/v1/facilities/{f['upt_code']}")).status_code for f in FACILITIES]

    await until_equal(known, [200, 200, 200], what="rehabilitation knows the three UPTs")

    async def on_roster() -> int:
        return int((await rehab.get("/api/v1/roster/LP-PATI")).json()["population"])

    await until_equal(on_roster, 1, what="rehabilitation's roster has the inmate")
    return str(inmate.json()["inmate_id"])


async def _product(rehab: httpx.AsyncClient, upt_code: str, name: str, category: str) -> str:
    response = await rehab.post(
        "/api/v1/products", json={"upt_code": upt_code, "name": name, "category": category, "unit": "pcs"}
    )
    assert response.status_code == 201, response.text
    return str(response.json()["product_id"])


async def _permit(rehab: httpx.AsyncClient, product_id: str, permit_type: str, steps: list[dict[str, Any]]) -> dict[str, Any]:
    response = await rehab.post(f"/api/v1/products/{product_id}/permits", json={"permit_type": permit_type})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    for step in steps:
        response = await rehab.post(f"/api/v1/permits/{body['permit_id']}/transitions", json=step)
        assert response.status_code == 200, response.text
        body = response.json()
    return body


def _types(records: list[Any]) -> list[str]:
    return [dict(r.headers)["ce_type"].decode() for r in records]


async def test_a_product_through_legalisation_with_events_and_the_headline(platform: Platform) -> None:
    await platform.create_databases("remission", "rehabilitation")
    async with running(create_app(platform, "remission")) as remission, running(create_app(platform, "rehabilitation")) as rehab:
        await _setup(platform, remission, rehab)
        today = date.today()
        roti = await _product(rehab, "LP-PATI", "Roti manis", "food")
        await _product(rehab, "LP-PATI", "Batik tulis", "batik-textile")
        tempe = await _product(rehab, "RUTAN-KUDUS", "Tempe", "food")
        await _product(rehab, "LP-AMBON", "Batako", "construction-materials")
        kerupuk = await _product(rehab, "LP-AMBON", "Kerupuk", "food")
        response = await rehab.post(f"/api/v1/products/{kerupuk}/discontinue", json={"why": "bahan baku habis"})
        assert response.status_code == 200 and response.json()["status"] == "discontinued"

        applied = {"to": "applied", "on": str(today - timedelta(days=500))}
        review = {"to": "under-review", "on": str(today - timedelta(days=450))}
        # Roti: halal (BPJPH) ending in 20 days, BPOM without an end date: fully legalised.
        halal = await _permit(
            rehab,
            roti,
            "halal",
            [
                applied,
                review,
                {
                    "to": "granted",
                    "on": str(today - timedelta(days=400)),
                    "number": "ID33110000662051022",
                    "valid_from": str(today - timedelta(days=400)),
                    "valid_until": str(today + timedelta(days=20)),
                },
            ],
        )
        assert (halal["status"], halal["agency"], len(halal["transitions"])) == ("granted", "BPJPH", 3)
        await _permit(
            rehab,
            roti,
            "bpom",
            [
                applied,
                review,
                {
                    "to": "granted",
                    "on": str(today - timedelta(days=400)),
                    "number": "MD 123",
                    "valid_from": str(today - timedelta(days=400)),
                },
            ],
        )
        # Tempe: P-IRT that ended 5 days ago (still "granted" until the check), halal under way.
        pirt = await _permit(
            rehab,
            tempe,
            "p-irt",
            [
                applied,
                review,
                {
                    "to": "granted",
                    "on": str(today - timedelta(days=400)),
                    "number": "P-IRT 2063310010001-26",
                    "valid_from": str(today - timedelta(days=400)),
                    "valid_until": str(today - timedelta(days=5)),
                },
            ],
        )
        await _permit(rehab, tempe, "halal", [applied])

        check = await rehab.post("/api/v1/permits/expiry-check")
        assert check.status_code == 200 and check.json() == {"checked": 2, "warned": 1, "expired": 1}
        again = await rehab.post("/api/v1/permits/expiry-check")
        assert again.json() == {"checked": 1, "warned": 0, "expired": 0}  # nothing new the same day
        assert (await rehab.get(f"/api/v1/permits/{pirt['permit_id']}")).json()["status"] == "expired"
        assert (await rehab.get(f"/api/v1/permits/{halal['permit_id']}")).json()["warned_days"] == [90, 30]

        detail = (await rehab.get(f"/api/v1/products/{tempe}")).json()
        assert detail["legalisation"] == {
            "required": ["p-irt or bpom", "halal"],
            "missing": ["p-irt or bpom", "halal"],
            "complete": False,
            "granted": [],
            "in_progress": ["halal"],
        }
        assert (await rehab.get(f"/api/v1/products/{roti}")).json()["legalisation"]["complete"] is True

        # 3 changes each for halal, bpom and P-IRT, 1 for Tempe's halal, 1 expiry; 1 warning.
        records = await platform.records(PERMITS, at_least=12)
        types = _types(records)
        assert types.count("pas.rehabilitation.permit.status-changed") == 11
        assert types.count("pas.rehabilitation.permit.expiry-warned") == 1
        warning = next(r for r in records if dict(r.headers)["ce_type"] == b"pas.rehabilitation.permit.expiry-warned")
        headers = dict(warning.headers)
        assert (headers["ce_subject"].decode(), headers["ce_uptcode"], headers["ce_kanwilcode"]) == (
            halal["permit_id"],
            b"LP-PATI",
            b"KW-JATENG",
        )
        assert json.loads(warning.value)["threshold_days"] == 30
        expired = [json.loads(r.value) for r in records if json.loads(r.value).get("status") == "expired"]
        assert [(e["permit_type"], e["from_status"], e["number"]) for e in expired] == [
            ("p-irt", "granted", "P-IRT 2063310010001-26")
        ]

        national = (await rehab.get("/api/v1/products/headline")).json()["items"]
        assert len(national) == 1
        n = national[0]
        assert (n["lapas_producing"], n["upts_producing"], n["product_types"], n["categories"]) == (2, 3, 4, 3)
        assert n["upt_types"] == {"Lapas": 2, "Rutan": 1}
        assert (n["needing_permits"], n["fully_legalised"], n["legalisation_in_progress"]) == (2, 1, 1)
        assert n["legalisation_coverage_pct"] == 50.0
        assert n["permits_granted"] == {"bpom": 1, "halal": 1}
        assert n["headline_id"] == "2 Lapas (3 UPT) memproduksi 4 jenis produk"

        per_kanwil = (await rehab.get("/api/v1/products/headline", params={"level": "kanwil"})).json()["items"]
        assert [(k["code"], k["lapas_producing"], k["upts_producing"], k["product_types"]) for k in per_kanwil] == [
            ("KW-JATENG", 1, 2, 3),
            ("KW-MALUKU", 1, 1, 1),
        ]
        per_upt = (await rehab.get("/api/v1/products/headline", params={"level": "upt", "kanwil_code": "KW-JATENG"})).json()
        assert [(u["code"], u["kanwil_code"], u["product_types"]) for u in per_upt["items"]] == [
            ("LP-PATI", "KW-JATENG", 2),
            ("RUTAN-KUDUS", "KW-JATENG", 1),
        ]
        # The figures agree with the lists behind them.
        for params, expected in (({}, 4), ({"kanwil_code": "KW-JATENG"}, 3), ({"kanwil_code": "KW-MALUKU"}, 1)):
            listed = (await rehab.get("/api/v1/products", params={"status": "active", "limit": 1} | params)).json()
            assert (listed["total"], len(listed["items"])) == (expected, 1)
        expired_pirt = (await rehab.get("/api/v1/products", params={"permit_type": "p-irt", "permit_status": "expired"})).json()
        assert [p["name"] for p in expired_pirt["items"]] == ["Tempe"]
        expiring = (await rehab.get("/api/v1/permits", params={"expiring_within_days": 30})).json()
        assert [p["permit_id"] for p in expiring["items"]] == [halal["permit_id"]]


async def test_production_sales_pnbp_and_premi_add_up(platform: Platform) -> None:
    await platform.create_databases("remission", "rehabilitation")
    async with running(create_app(platform, "remission")) as remission, running(create_app(platform, "rehabilitation")) as rehab:
        worker = await _setup(platform, remission, rehab)
        batako = await _product(rehab, "LP-PATI", "Batako", "construction-materials")
        produced = await rehab.post(
            f"/api/v1/products/{batako}/production",
            json={
                "produced_on": "2026-02-01",
                "quantity": 1000,
                "workers": [worker],
                "materials": [{"name": "FABA", "quantity": 2.5, "unit": "ton", "cost_rupiah": 500_000}],
            },
        )
        assert produced.status_code == 201, produced.text
        assert produced.json()["stock"] == 1000
        split = {"premi_pct": 35, "pnbp_pct": 50, "capital_pct": 15, "effective_from": "2026-01-01", "basis": "SK Kalapas 1/2026"}
        assert (await rehab.put("/api/v1/premi-splits/LP-PATI", json=split)).status_code == 200
        assert (await rehab.get("/api/v1/premi-splits/RUTAN-KUDUS")).json()["source"] == "rule-data"
        sale = {"product_id": batako, "sold_on": "2026-02-10", "channel": "order", "buyer_type": "business", "quantity": 700}
        response = await rehab.post("/api/v1/sales", json=sale | {"revenue_rupiah": 1_050_001})
        assert response.status_code == 201, response.text
        # Rp1,050,001 at 35/50/15: premi 367,500 (367,500.35), PNBP 525,000 (525,000.5), capital the rest 157,501
        assert (response.json()["premi_rupiah"], response.json()["pnbp_rupiah"], response.json()["capital_rupiah"]) == (
            367_500,
            525_000,
            157_501,
        )
        assert (await rehab.get(f"/api/v1/products/{batako}")).json()["stock"] == 300
        deposit = {"upt_code": "LP-PATI", "deposited_on": "2026-02-11", "amount_rupiah": 500_000, "ntpn": "A1B2C3D4E5F6G7H8"}
        assert (await rehab.post("/api/v1/pnbp-deposits", json=deposit)).status_code == 201
        too_much = deposit | {"amount_rupiah": 25_001, "ntpn": "A1B2C3D4E5F6G7H9"}
        refused = await rehab.post("/api/v1/pnbp-deposits", json=too_much)
        assert refused.status_code == 422 and refused.json()["errors"][0]["rule"] == "within-pnbp-owed"
        pay = {
            "upt_code": "LP-PATI",
            "paid_on": "2026-02-12",
            "channel": "e-money",
            "lines": [{"inmate_id": worker, "amount_rupiah": 300_000}],
        }
        assert (await rehab.post("/api/v1/premi-payments", json=pay)).status_code == 201
        (balance,) = (await rehab.get("/api/v1/money/balances", params={"level": "kanwil"})).json()
        assert balance == {
            "level": "kanwil",
            "code": "KW-JATENG",
            "revenue_rupiah": 1_050_001,
            "premi_rupiah": 367_500,
            "pnbp_rupiah": 525_000,
            "capital_rupiah": 157_501,
            "pnbp_deposited_rupiah": 500_000,
            "pnbp_owed_rupiah": 25_000,
            "premi_paid_rupiah": 300_000,
            "premi_owed_rupiah": 67_500,
        }
        assert balance["premi_rupiah"] + balance["pnbp_rupiah"] + balance["capital_rupiah"] == balance["revenue_rupiah"]
        sales = (await rehab.get("/api/v1/sales", params={"kanwil_code": "KW-JATENG"})).json()
        assert (sales["total"], sales["items"][0]["quantity"]) == (1, 700)
        topics = {
            t: _types(await platform.records(t, at_least=1))
            for t in ("pas.rehabilitation.sale.v1", "pas.rehabilitation.pnbp.v1", "pas.rehabilitation.premi.v1")
        }
        assert topics == {
            "pas.rehabilitation.sale.v1": ["pas.rehabilitation.sale.recorded"],
            "pas.rehabilitation.pnbp.v1": ["pas.rehabilitation.pnbp.deposited"],
            "pas.rehabilitation.premi.v1": ["pas.rehabilitation.premi.paid"],
        }


async def test_bad_input_is_refused_and_writes_nothing(platform: Platform) -> None:
    await platform.create_databases("remission", "rehabilitation")
    async with running(create_app(platform, "remission")) as remission, running(create_app(platform, "rehabilitation")) as rehab:
        worker = await _setup(platform, remission, rehab)
        roti = await _product(rehab, "LP-PATI", "Roti manis", "food")
        response = await rehab.post(
            f"/api/v1/products/{roti}/production", json={"produced_on": "2026-02-01", "quantity": 10, "workers": [worker]}
        )
        assert response.status_code == 201
        permit = await _permit(
            rehab, roti, "halal", [{"to": "applied", "on": "2026-01-05"}, {"to": "under-review", "on": "2026-01-06"}]
        )

        async def counts() -> list[int]:
            return [
                int(await platform.scalar("rehabilitation", f"SELECT count(*) FROM {table}"))
                for table in (
                    "outbox",
                    "audit_log",
                    "sales",
                    "premi_splits",
                    "permit_transitions",
                    "production_batches",
                    "products",
                )
            ]

        before = await counts()
        cases: list[tuple[str, str, dict[str, Any], str, str]] = [
            (
                "put",
                "/api/v1/premi-splits/LP-PATI",
                {"premi_pct": 50, "pnbp_pct": 15, "capital_pct": 30, "effective_from": "2026-01-01", "basis": "x"},
                "premi_pct",
                "sums-to-100",
            ),
            (
                "post",
                "/api/v1/sales",
                {
                    "product_id": roti,
                    "sold_on": "2026-02-02",
                    "channel": "showroom",
                    "buyer_type": "individual",
                    "quantity": 11,
                    "revenue_rupiah": 55_000,
                },
                "quantity",
                "within-stock",
            ),
            (
                "post",
                f"/api/v1/permits/{permit['permit_id']}/transitions",
                {"to": "granted", "on": "2026-02-01", "valid_from": "2026-02-01"},
                "number",
                "required-for-granted",
            ),
            (
                "post",
                f"/api/v1/products/{roti}/production",
                {"produced_on": "2026-02-01", "quantity": 5, "workers": [worker, "ghost"]},
                "workers[1]",
                "inmate-in-roster",
            ),
            ("post", f"/api/v1/products/{roti}/permits", {"permit_type": "sni"}, "permit_type", "applicable-to-category"),
            (
                "post",
                "/api/v1/products",
                {"upt_code": "LP-PATI", "name": "roti MANIS", "category": "food", "unit": "pcs"},
                "name",
                "one-product-type-per-name",
            ),
            (
                "post",
                "/api/v1/products",
                {"upt_code": "LP-NOWHERE", "name": "X", "category": "food", "unit": "pcs"},
                "upt_code",
                "upt-registered",
            ),
            (
                "post",
                "/api/v1/premi-payments",
                {
                    "upt_code": "LP-PATI",
                    "paid_on": "2026-02-12",
                    "channel": "e-money",
                    "lines": [{"inmate_id": worker, "amount_rupiah": 1}],
                },
                "lines",
                "within-premi-owed",
            ),
        ]
        for method, url, body, field, rule in cases:
            response = await rehab.request(method, url, json=body)
            assert response.status_code == 422, (url, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert {"field": field, "rule": rule} in [
                {"field": e["field"], "rule": e["rule"]} for e in response.json()["errors"]
            ], response.text
        assert await counts() == before
        assert (await rehab.get(f"/api/v1/products/{roti}")).json()["stock"] == 10
        assert (await rehab.get(f"/api/v1/permits/{permit['permit_id']}")).json()["status"] == "under-review"
