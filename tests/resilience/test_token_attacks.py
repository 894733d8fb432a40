"""Token attacks on the five apps and the gateway (issue 10, "Bad input: tokens"): expired, wrong
signature, `alg: none`, HS256 "signed" with the RSA public key, wrong audience, wrong issuer, no
scope claim, no roles; and a UPT user asking for another UPT's records by id, by filter, by
list, and by KPI drill-down at the gateway. Every one is refused (401 with WWW-Authenticate,
403, or 404 / the caller's own records as the scope rule says), writes nothing, and each refusal
through the gateway is an entry of its audit chain."""

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.integration import harness
from tests.integration.harness import TEST_KID, Platform, bearer, make_token
from tests.integration.test_event_flow import admission
from tests.resilience.apps import SERVICES, WRITES, Apps, assert_problem, five_apps, register_upts

pytestmark = pytest.mark.integration

# A protected read of each app.
READS = {
    "remission": "/api/v1/facilities/LP-CIPINANG",
    "security": "/api/v1/incidents",
    "rehabilitation": "/api/v1/programmes",
    "food-audit": "/api/v1/vendors",
    "gateway": "/api/v1/kpi",
}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(**changes: Any) -> dict[str, Any]:
    payload = make_token().split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))) | changes


def _unsigned(header: dict[str, Any], claims: dict[str, Any], key: bytes | None) -> str:
    """A JWT assembled by hand (PyJWT refuses to make the forged ones)."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = _b64(hmac.new(key, signing_input.encode(), hashlib.sha256).digest()) if key else ""
    return f"{signing_input}.{signature}"


def forged_tokens() -> dict[str, str]:
    public_pem = (
        harness.test_key().public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    no_scope = _claims()
    del no_scope["pas_scope"]
    return {
        "expired": make_token(iat=now - 7200, exp=now - 3600),
        "wrong signature": jwt.encode(_claims(), stranger, algorithm="RS256", headers={"kid": TEST_KID}),
        "alg none": _unsigned({"alg": "none", "typ": "JWT", "kid": TEST_KID}, _claims(), None),
        "HS256 with the public key": _unsigned({"alg": "HS256", "typ": "JWT", "kid": TEST_KID}, _claims(), public_pem),
        "wrong audience": make_token(aud="another-api"),
        "wrong issuer": make_token(iss="https://evil.example"),
        "no scope claim": jwt.encode(no_scope, harness.test_key(), algorithm="RS256", headers={"kid": TEST_KID}),
        "bad scope claim": make_token(scope="upt:*"),
        "unknown key id": jwt.encode(_claims(), stranger, algorithm="RS256", headers={"kid": "made-up"}),
        "garbage": "not.a.token",
    }


async def audit_rows(platform: Platform) -> list[tuple[str, str, int]]:
    rows = await platform.fetch("gateway", "SELECT method, path, status FROM audit_chain ORDER BY seq")
    return [(r["method"], r["path"], r["status"]) for r in rows]


async def test_forged_and_stale_tokens_are_refused_by_every_app_and_audited_at_the_gateway(platform: Platform) -> None:
    async with five_apps(platform) as apps:
        before = await apps.written()
        audited = len(await audit_rows(platform))
        tokens = forged_tokens()
        for service in SERVICES:
            client = apps.clients[service]
            path, body = WRITES[service]
            for what, token in tokens.items():
                for response in (
                    await client.get(READS[service], headers=bearer(token)),
                    await client.post(path, json=body, headers=bearer(token)),
                ):
                    assert_problem(response, 401)
                    assert response.headers["www-authenticate"].startswith("Bearer"), (service, what)
            # A valid token without the route's role: 403.
            no_roles = make_token(roles=[])
            assert_problem(await client.get(READS[service], headers=bearer(no_roles)), 403)
            assert_problem(await client.post(path, json=body, headers=bearer(no_roles)), 403)
            # No token at all: 401.
            assert_problem(await client.get(READS[service], headers={"Authorization": ""}), 401)
        # The same forgeries through the gateway's door to a service: refused there, never forwarded.
        gateway = apps.clients["gateway"]
        for token in tokens.values():
            assert_problem(await gateway.get("/api/v1/security/incidents", headers=bearer(token)), 401)
        assert await apps.written() == before, "a refused request wrote something"
        rows = (await audit_rows(platform))[audited:]
        expected = (
            [("GET", "/api/v1/kpi", 401), ("POST", "/api/v1/admin/users", 401)] * len(tokens)
            + [("GET", "/api/v1/kpi", 403), ("POST", "/api/v1/admin/users", 403), ("GET", "/api/v1/kpi", 401)]
            + [("GET", "/api/v1/security/incidents", 401)] * len(tokens)
        )
        assert rows == expected


async def _seed_salemba(apps: Apps) -> dict[str, str]:
    """One record of each service in Salemba (and one in Cipinang), by service."""
    remission, security = apps.clients["remission"], apps.clients["security"]
    ids: dict[str, str] = {}
    for n, upt in enumerate(("LP-CIPINANG", "RT-SALEMBA")):
        inmate = await remission.post("/api/v1/inmates", json=admission(n, upt))
        assert inmate.status_code == 201, inmate.text
        if upt == "RT-SALEMBA":
            ids["inmate"] = inmate.json()["inmate_id"]
        for service, id_field in (("security", "incident_id"), ("rehabilitation", "programme_id"), ("food-audit", "vendor_id")):
            path, body = WRITES[service]
            response = await apps.clients[service].post(path, json=body | {"upt_code": upt})
            assert response.status_code == 201, response.text
            if upt == "RT-SALEMBA":
                ids[service] = response.json()[id_field]
    assert (await security.get("/api/v1/incidents")).json()["total"] == 2
    return ids


async def test_a_upt_user_sees_nothing_of_another_upt(platform: Platform) -> None:
    async with five_apps(platform) as apps:
        await register_upts(apps)
        ids = await _seed_salemba(apps)
        gateway = apps.clients["gateway"]
        before = await apps.written()
        audited = len(await audit_rows(platform))
        cipinang = bearer(make_token(scope="upt:LP-CIPINANG", subject="petugas-cipinang"))

        # By id: 404, as if it did not exist.
        for service, path in [
            ("remission", f"/api/v1/inmates/{ids['inmate']}"),
            ("remission", "/api/v1/facilities/RT-SALEMBA"),
            ("security", f"/api/v1/incidents/{ids['security']}"),
            ("rehabilitation", f"/api/v1/programmes/{ids['rehabilitation']}"),
            ("food-audit", f"/api/v1/vendors/{ids['food-audit']}"),
        ]:
            assert_problem(await apps.clients[service].get(path, headers=cipinang), 404)
        # By filter naming the other UPT: refused or empty, never its records.
        for service, path in [
            ("security", "/api/v1/incidents"),
            ("rehabilitation", "/api/v1/programmes"),
            ("food-audit", "/api/v1/vendors"),
        ]:
            response = await apps.clients[service].get(path, params={"upt_code": "RT-SALEMBA"}, headers=cipinang)
            if response.status_code == 200:
                assert response.json()["items"] == [], (service, response.text)
            else:
                assert_problem(response, 403, 404, 422)
            # By list (the search of each): only the caller's own UPT.
            listed = (await apps.clients[service].get(path, headers=cipinang)).json()
            assert {item["upt_code"] for item in listed["items"]} == {"LP-CIPINANG"}, (service, listed)
        # By KPI drill-down at the gateway: the other UPT, its Kanwil, and a made-up UPT all answer
        # 404 alike; the caller's own UPT answers with its own figures.
        for params in ({"upt_code": "RT-SALEMBA"}, {"kanwil_code": "KW-DKI"}, {"upt_code": "LP-NOWHERE"}):
            assert_problem(await gateway.get("/api/v1/kpi/occupancy", params=params, headers=cipinang), 404)
            series = params | {"kpi": "occupants"}
            assert_problem(await gateway.get("/api/v1/kpi/occupancy/series", params=series, headers=cipinang), 404)
        own = await gateway.get("/api/v1/kpi/occupancy", params={"upt_code": "LP-CIPINANG"}, headers=cipinang)
        assert own.status_code == 200 and own.json()["scope"] == {"level": "upt", "code": "LP-CIPINANG"}, own.text
        national = (await gateway.get("/api/v1/kpi/occupancy", headers=cipinang)).json()
        assert national["scope"] == {"level": "upt", "code": "LP-CIPINANG"}, national["scope"]
        # Writes naming the other UPT: refused, nothing written.
        for service in ("security", "rehabilitation", "food-audit"):
            path, body = WRITES[service]
            response = await apps.clients[service].post(path, json=body | {"upt_code": "RT-SALEMBA"}, headers=cipinang)
            assert_problem(response, 403, 404, 422)
        assert await apps.written() == before
        # Every refusal through the gateway is in its audit chain, with who asked.
        rows = await platform.fetch(
            "gateway", "SELECT actor, scope, path, query, status FROM audit_chain WHERE seq > $1 ORDER BY seq", audited
        )
        refused = [(r["actor"], r["scope"], r["path"], r["query"], r["status"]) for r in rows]
        assert refused == [
            ("petugas-cipinang", "upt:LP-CIPINANG", path, query + suffix, 404)
            for query in ("upt_code=RT-SALEMBA", "kanwil_code=KW-DKI", "upt_code=LP-NOWHERE")
            for path, suffix in (("/api/v1/kpi/occupancy", ""), ("/api/v1/kpi/occupancy/series", "&kpi=occupants"))
        ]
