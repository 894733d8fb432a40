"""Branding and partnerships over HTTP on the real database and broker: a food product's label
is approved only when it shows what the law asks and used only once the product is legalised;
memoranda signed by a UPT, a Kanwil and Ditjenpas, seen by the right scopes, warned ahead of
their end, renewed, terminated and expired, with their events on Kafka; refusals write nothing."""

import json
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from tests.integration.harness import Platform, create_app, running
from tests.integration.test_rehabilitation_products import _permit, _product, _setup, _types
from tests.integration.test_security_incidents import with_test_scope

FOOD_LABEL = [
    "product-name",
    "ingredients",
    "net-content",
    "producer-name-address",
    "halal-logo",
    "production-code-date",
    "expiry-date",
    "permit-number",
]


def local_today(zone: str) -> date:
    return datetime.now(ZoneInfo(zone)).date()


# Kanwil and national partnerships run on the latest local date in Indonesia (WIT); a UPT's on its own.
LATEST = "Asia/Jayapura"


async def _counts(platform: Platform) -> list[int]:
    return [
        int(await platform.scalar("rehabilitation", f"SELECT count(*) FROM {table}"))
        for table in (
            "outbox",
            "audit_log",
            "brandings",
            "branding_transitions",
            "partnerships",
            "partnership_upts",
            "partnership_products",
            "partnership_transitions",
        )
    ]


async def _move(rehab: httpx.AsyncClient, product_id: str, aspect: str, to: str, on: date) -> httpx.Response:
    return await rehab.post(
        f"/api/v1/products/{product_id}/branding/transitions", json={"aspect": aspect, "to": to, "on": str(on), "why": "test"}
    )


async def test_a_label_is_approved_when_complete_and_used_once_legalised(platform: Platform) -> None:
    await platform.create_databases("remission", "rehabilitation")
    async with running(create_app(platform, "remission")) as remission, running(create_app(platform, "rehabilitation")) as rehab:
        await _setup(platform, remission, rehab)
        today = local_today("Asia/Jakarta")  # LP-PATI's
        roti = await _product(rehab, "LP-PATI", "Roti manis", "food")
        batik = await _product(rehab, "LP-PATI", "Batik tulis", "batik-textile")

        short = await rehab.put(
            f"/api/v1/products/{roti}/branding", json={"brand_name": "Roti Pati Mandiri", "label_elements": FOOD_LABEL[:4]}
        )
        assert short.status_code == 200, short.text
        assert short.json()["missing_label_elements"] == FOOD_LABEL[4:]
        assert (await _move(rehab, roti, "label", "designing", today)).status_code == 200

        before = await _counts(platform)
        refused = await _move(rehab, roti, "label", "approved", today)
        assert refused.status_code == 422
        assert {"field": "label_elements", "rule": "required-label-elements"} in [
            {"field": e["field"], "rule": e["rule"]} for e in refused.json()["errors"]
        ]
        assert await _counts(platform) == before

        full = await rehab.put(
            f"/api/v1/products/{roti}/branding",
            json={"brand_name": "Roti Pati Mandiri", "label_elements": [*FOOD_LABEL, "made-by-inmates"]},
        )
        assert full.json()["missing_label_elements"] == []
        assert (await _move(rehab, roti, "label", "approved", today)).status_code == 200
        # Food: the label carries the permit number and the halal logo, so it waits for both permits.
        not_legal = await _move(rehab, roti, "label", "in-use", today)
        assert not_legal.status_code == 422
        assert not_legal.json()["errors"][0]["rule"] == "legalised-before-label-in-use"
        assert "p-irt or bpom, halal" in not_legal.text
        granted = {"to": "granted", "on": str(today), "number": "N-1", "valid_from": str(today - timedelta(days=1))}
        steps = [{"to": "applied", "on": str(today)}, {"to": "under-review", "on": str(today)}]
        await _permit(rehab, roti, "p-irt", [*steps, granted])
        await _permit(rehab, roti, "halal", [*steps, granted | {"number": "ID33110000662051022"}])
        assert (await _move(rehab, roti, "label", "in-use", today)).status_code == 200

        # Packaging: approved only once described.
        assert (await _move(rehab, roti, "packaging", "designing", today)).status_code == 200
        bare = await _move(rehab, roti, "packaging", "approved", today)
        assert (bare.status_code, bare.json()["errors"][0]["rule"]) == (422, "described-before-approval")
        described = await rehab.put(
            f"/api/v1/products/{roti}/branding",
            json={"brand_name": "Roti Pati Mandiri", "label_elements": FOOD_LABEL, "packaging": "plastik PP 0,05 mm, 10 pcs"},
        )
        assert described.status_code == 200
        # Once approved, the label cannot lose a required element.
        dropped = await rehab.put(
            f"/api/v1/products/{roti}/branding",
            json={"brand_name": "Roti Pati Mandiri", "label_elements": FOOD_LABEL[1:], "packaging": "plastik"},
        )
        assert (dropped.status_code, dropped.json()["errors"][0]["rule"]) == (422, "required-label-elements")
        assert (await _move(rehab, roti, "packaging", "approved", today)).status_code == 200
        done = await _move(rehab, roti, "packaging", "in-use", today)
        assert done.status_code == 200
        body = done.json()
        assert (body["label_status"], body["packaging_status"], body["packaging"]) == (
            "in-use",
            "in-use",
            "plastik PP 0,05 mm, 10 pcs",
        )
        assert [(t["aspect"], t["to_status"]) for t in body["transitions"]] == [
            ("label", "designing"),
            ("label", "approved"),
            ("label", "in-use"),
            ("packaging", "designing"),
            ("packaging", "approved"),
            ("packaging", "in-use"),
        ]
        # A craft needs only its name and maker on the label (rule data) and no permit.
        await rehab.put(
            f"/api/v1/products/{batik}/branding",
            json={"brand_name": "Batik Lapas Pati", "label_elements": ["product-name", "producer-name-address"]},
        )
        for to in ("designing", "approved", "in-use"):
            assert (await _move(rehab, batik, "label", to, today)).status_code == 200

        listed = (await rehab.get("/api/v1/brandings", params={"label_status": "in-use", "packaging_status": "in-use"})).json()
        assert [b["brand_name"] for b in listed["items"]] == ["Roti Pati Mandiri"]
        assert (await rehab.get("/api/v1/brandings", params={"kanwil_code": "KW-MALUKU"})).json()["total"] == 0
        (national,) = (await rehab.get("/api/v1/products/headline")).json()["items"]
        assert national["branded"] == 1

        records = await platform.records("pas.rehabilitation.branding.v1", at_least=13)
        types = _types(records)
        assert (
            types.count("pas.rehabilitation.branding.updated"),
            types.count("pas.rehabilitation.branding.status-changed"),
        ) == (
            4,
            9,
        )
        batik_events = [
            (dict(r.headers), json.loads(r.value)) for r in records if dict(r.headers)["ce_subject"] == batik.encode()
        ]
        headers, last = batik_events[-1]  # one product's events are in order (keyed by product)
        assert (headers["ce_uptcode"], headers["ce_kanwilcode"], last["aspect"], last["status"]) == (
            b"LP-PATI",
            b"KW-JATENG",
            "label",
            "in-use",
        )


def _mou(**changes: Any) -> dict[str, Any]:
    today = local_today(LATEST)
    return {
        "partner": "PT Pasar Daring",
        "kind": "marketplace",
        "document_number": "PKS-1/2026",
        "signed_on": str(today - timedelta(days=300)),
        "starts_on": str(today - timedelta(days=300)),
        "ends_on": str(today + timedelta(days=20)),
        "scope": ["marketing"],
    } | changes


async def test_partnerships_by_upt_kanwil_and_nation_with_scope_expiry_and_events(platform: Platform) -> None:
    await platform.create_databases("remission", "rehabilitation")
    rehab_app = create_app(platform, "rehabilitation")
    with_test_scope(rehab_app)
    async with running(create_app(platform, "remission")) as remission, running(rehab_app) as rehab:
        await _setup(platform, remission, rehab)
        today = local_today(LATEST)
        yesterday = today - timedelta(days=1)  # not in the future in any zone
        roti = await _product(rehab, "LP-PATI", "Roti manis", "food")
        tempe = await _product(rehab, "RUTAN-KUDUS", "Tempe", "food")
        batako = await _product(rehab, "LP-AMBON", "Batako", "construction-materials")

        upt = await rehab.post("/api/v1/partnerships", json=_mou(upt_code="LP-PATI", product_ids=[roti]))
        assert upt.status_code == 201, upt.text
        assert (upt.json()["level"], upt.json()["kanwil_code"], upt.json()["upt_codes"]) == ("upt", "KW-JATENG", ["LP-PATI"])
        kanwil = await rehab.post(
            "/api/v1/partnerships",
            json=_mou(
                partner="Dinas Kesehatan Kabupaten Pati",
                kind="regional-government",
                document_number="MoU-KWJATENG-7/2026",
                ends_on=str(today + timedelta(days=400)),
                scope=["legalisation", "training"],
                kanwil_code="KW-JATENG",
                upt_codes=["LP-PATI", "RUTAN-KUDUS"],
                product_ids=[roti, tempe],
            ),
        )
        assert kanwil.status_code == 201, kanwil.text
        national = await rehab.post(
            "/api/v1/partnerships",
            json=_mou(
                partner="BPJPH",
                kind="government-agency",
                document_number="MoU-DITJENPAS-BPJPH/2025",
                ends_on=str(today + timedelta(days=60)),
                scope=["legalisation"],
            ),
        )
        assert national.status_code == 201, national.text
        ambon = await rehab.post(
            "/api/v1/partnerships",
            json=_mou(
                document_number="PKS-AMBON-1", upt_code="LP-AMBON", product_ids=[batako], ends_on=str(today + timedelta(days=5))
            ),
        )
        assert ambon.status_code == 201, ambon.text

        def ids(response: httpx.Response) -> list[str]:
            return sorted(p["document_number"] for p in response.json()["items"])

        # Scopes: a UPT sees its own, its Kanwil's when it takes part, and the national one.
        assert ids(await rehab.get("/api/v1/partnerships", headers={"x-test-scope": "upt:RUTAN-KUDUS"})) == [
            "MoU-DITJENPAS-BPJPH/2025",
            "MoU-KWJATENG-7/2026",
        ]
        assert ids(await rehab.get("/api/v1/partnerships", headers={"x-test-scope": "kanwil:KW-MALUKU"})) == [
            "MoU-DITJENPAS-BPJPH/2025",
            "PKS-AMBON-1",
        ]
        hidden = await rehab.get(
            f"/api/v1/partnerships/{upt.json()['partnership_id']}", headers={"x-test-scope": "kanwil:KW-MALUKU"}
        )
        assert hidden.status_code == 404
        assert ids(await rehab.get("/api/v1/partnerships", params={"product_id": roti})) == ["MoU-KWJATENG-7/2026", "PKS-1/2026"]
        assert ids(await rehab.get("/api/v1/partnerships", params={"upt_code": "RUTAN-KUDUS"})) == ["MoU-KWJATENG-7/2026"]
        expiring = await rehab.get("/api/v1/partnerships", params={"expiring_within_days": 30, "limit": 1})
        assert (expiring.json()["total"], ids(expiring)) == (2, ["PKS-AMBON-1"])  # soonest end first

        # Only the signing unit ends it: a UPT cannot terminate Ditjenpas's memorandum.
        national_id = national.json()["partnership_id"]
        before = await _counts(platform)
        by_upt = await rehab.post(
            f"/api/v1/partnerships/{national_id}/terminate",
            json={"on": str(yesterday), "why": "x"},
            headers={"x-test-scope": "upt:LP-PATI"},
        )
        assert (by_upt.status_code, by_upt.json()["errors"][0]["rule"]) == (422, "signed-within-scope")
        assert await _counts(platform) == before

        check = await rehab.post("/api/v1/partnerships/expiry-check")
        assert check.json() == {"checked": 4, "warned": 3, "expired": 0}  # 20 and 5 days: 30; 60 days: 90
        assert (await rehab.post("/api/v1/partnerships/expiry-check")).json() == {"checked": 4, "warned": 0, "expired": 0}
        pati = (await rehab.get(f"/api/v1/partnerships/{upt.json()['partnership_id']}")).json()
        assert (pati["warned_days"], pati["days_left"], pati["in_force"]) == ([90, 30], 20, True)

        renewed = await rehab.post(
            f"/api/v1/partnerships/{upt.json()['partnership_id']}/renew",
            json={"document_number": "PKS-1/2026-ADD-1", "ends_on": str(today + timedelta(days=385)), "on": str(yesterday)},
        )
        assert renewed.status_code == 200, renewed.text
        assert (renewed.json()["document_number"], renewed.json()["warned_days"], renewed.json()["days_left"]) == (
            "PKS-1/2026-ADD-1",
            [],
            385,
        )
        ended = await rehab.post(
            f"/api/v1/partnerships/{national_id}/terminate", json={"on": str(yesterday), "why": "diganti MoU baru"}
        )
        assert (ended.status_code, ended.json()["status"], ended.json()["in_force"]) == (200, "terminated", False)
        again = await rehab.post(f"/api/v1/partnerships/{national_id}/terminate", json={"on": str(yesterday), "why": "x"})
        assert (again.status_code, again.json()["errors"][0]["rule"]) == (409, "status-transition")

        records = await platform.records("pas.rehabilitation.partnership.v1", at_least=9)
        by_type: dict[str, list[dict[str, Any]]] = {}
        for r in records:
            by_type.setdefault(dict(r.headers)["ce_type"].decode(), []).append(
                json.loads(r.value)  # an empty extension (national) is left out of the headers
                | {"_upt": dict(r.headers).get("ce_uptcode", b""), "_kanwil": dict(r.headers).get("ce_kanwilcode", b"")}
            )
        assert {t: len(v) for t, v in by_type.items()} == {
            "pas.rehabilitation.partnership.signed": 4,
            "pas.rehabilitation.partnership.expiry-warned": 3,
            "pas.rehabilitation.partnership.renewed": 1,
            "pas.rehabilitation.partnership.ended": 1,
        }
        signed = {
            e["document_number"]: (e["_upt"], e["_kanwil"], e["level"]) for e in by_type["pas.rehabilitation.partnership.signed"]
        }
        assert signed == {
            "PKS-1/2026": (b"LP-PATI", b"KW-JATENG", "upt"),
            "MoU-KWJATENG-7/2026": (b"", b"KW-JATENG", "kanwil"),
            "MoU-DITJENPAS-BPJPH/2025": (b"", b"", "national"),
            "PKS-AMBON-1": (b"LP-AMBON", b"KW-MALUKU", "upt"),
        }
        assert sorted(e["threshold_days"] for e in by_type["pas.rehabilitation.partnership.expiry-warned"]) == [30, 30, 90]
        assert by_type["pas.rehabilitation.partnership.ended"][0]["status"] == "terminated"


async def test_bad_partnerships_and_brandings_are_refused_and_write_nothing(platform: Platform) -> None:
    await platform.create_databases("remission", "rehabilitation")
    rehab_app = create_app(platform, "rehabilitation")
    with_test_scope(rehab_app)
    async with running(create_app(platform, "remission")) as remission, running(rehab_app) as rehab:
        await _setup(platform, remission, rehab)
        today = local_today(LATEST)
        roti = await _product(rehab, "LP-PATI", "Roti manis", "food")
        batako = await _product(rehab, "LP-AMBON", "Batako", "construction-materials")
        assert (await rehab.post("/api/v1/partnerships", json=_mou(upt_code="LP-PATI"))).status_code == 201
        before = await _counts(platform)
        cases: list[tuple[str, dict[str, Any], dict[str, str], str, str]] = [
            ("/api/v1/partnerships", _mou(document_number="X-1", upt_code="LP-PATI", kind="bank"), {}, "kind", "listed"),
            (
                "/api/v1/partnerships",
                _mou(document_number="X-2", upt_code="LP-PATI", scope=["lobbying"]),
                {},
                "scope[0]",
                "listed",
            ),
            (
                "/api/v1/partnerships",
                _mou(document_number="X-3", upt_code="LP-PATI", ends_on=str(today - timedelta(days=301))),
                {},
                "ends_on",
                "not-before-starts-on",
            ),
            (
                "/api/v1/partnerships",
                _mou(document_number="X-4", upt_code="LP-PATI", ends_on=str(today - timedelta(days=3))),
                {},
                "ends_on",
                "not-ended",
            ),
            ("/api/v1/partnerships", _mou(upt_code="LP-PATI"), {}, "document_number", "one-record-per-document"),
            (
                "/api/v1/partnerships",
                _mou(document_number="X-5", kanwil_code="KW-JATENG", upt_codes=["LP-AMBON"]),
                {},
                "upt_codes[0]",
                "within-signing-unit",
            ),
            (
                "/api/v1/partnerships",
                _mou(document_number="X-6", upt_code="LP-PATI", product_ids=[batako]),
                {},
                "product_ids[0]",
                "within-signing-unit",
            ),
            (
                "/api/v1/partnerships",
                _mou(document_number="X-7"),
                {"x-test-scope": "kanwil:KW-JATENG"},
                "kanwil_code",
                "required-outside-national-scope",
            ),
            (
                "/api/v1/partnerships",
                _mou(document_number="X-8", kanwil_code="KW-MALUKU"),
                {"x-test-scope": "kanwil:KW-JATENG"},
                "kanwil_code",
                "kanwil-registered",
            ),
            (
                "/api/v1/partnerships",
                _mou(document_number="X-9", upt_code="LP-AMBON"),
                {"x-test-scope": "upt:LP-PATI"},
                "upt_code",
                "upt-registered",
            ),
            (
                f"/api/v1/products/{roti}/branding/transitions",
                {"aspect": "label", "to": "designing", "on": str(today)},
                {},
                "product_id",
                "branding-recorded",
            ),
        ]
        for url, body, headers, field, rule in cases:
            response = await rehab.post(url, json=body, headers=headers)
            assert response.status_code in (404, 422), (url, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert {"field": field, "rule": rule} in [
                {"field": e["field"], "rule": e["rule"]} for e in response.json()["errors"]
            ], (field, response.text)
        bad_element = await rehab.put(
            f"/api/v1/products/{roti}/branding", json={"brand_name": "R", "label_elements": ["product-name", "qr-code"]}
        )
        assert (bad_element.status_code, bad_element.json()["errors"][0]["field"]) == (422, "label_elements[1]")
        other_scope = await rehab.put(
            f"/api/v1/products/{roti}/branding", json={"brand_name": "R"}, headers={"x-test-scope": "upt:LP-AMBON"}
        )
        assert other_scope.status_code == 404
        assert await _counts(platform) == before
