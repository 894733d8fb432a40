"""The gateway's embedded token issuer on the real database: log in and call a service with the
token (the service reads the gateway's JWKS over HTTP), wrong passwords, the login throttle,
key rotation, user administration, and a UPT user who sees only their UPT's incidents."""

import json
from pathlib import Path
from typing import Any

import httpx
import jwt

from tests.integration.harness import Platform, ServiceProcess, bearer, create_app, running, until_equal
from tests.integration.test_event_flow import FACILITY
from tests.integration.test_security_incidents import SECOND_FACILITY, riot

PASSWORD = "rahasia-demo-2026"
ISSUER = {"auth_jwks_url": "", "demo_password": PASSWORD}  # the gateway verifies with its own keys


def issuer_settings(**more: Any) -> dict[str, Any]:
    return ISSUER | {"demo_scopes": "kanwil:KW-DKI,upt:LP-CIPINANG,upt:LP-MAKASSAR"} | more


async def login(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> httpx.Response:
    return await client.post("/api/v1/auth/token", data={"username": username, "password": password})


async def token_of(client: httpx.AsyncClient, username: str) -> str:
    response = await login(client, username)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    assert response.headers["cache-control"] == "no-store"
    return str(body["access_token"])


async def attempts(platform: Platform) -> list[tuple[str, bool]]:
    rows = await platform.fetch("gateway", "SELECT username, succeeded FROM login_attempts ORDER BY seq")
    return [(r["username"], r["succeeded"]) for r in rows]


async def test_login_gives_a_token_a_service_accepts_and_a_upt_user_sees_only_their_upt(
    platform: Platform, tmp_path: Path
) -> None:
    await platform.create_databases("gateway", "remission", "security")
    gateway = ServiceProcess(platform, "gateway", tmp_path, **issuer_settings())
    try:
        gateway.start()
        await gateway.wait_healthy()
        jwks_url = f"{gateway.url}/.well-known/jwks.json"
        security_app = create_app(platform, "security", auth_jwks_url=jwks_url, auth_jwks_min_refresh_seconds=0)
        async with (
            httpx.AsyncClient(base_url=gateway.url, timeout=30) as door,
            running(create_app(platform, "remission")) as remission,
            running(security_app, token=None) as security,
        ):
            nasional = await token_of(door, "nasional")
            claims = jwt.decode(nasional, options={"verify_signature": False})
            assert (claims["name"], claims["pas_scope"]) == ("nasional", "national")
            assert "SECURITY__INCIDENTS__RW" in claims["roles"] and "GATEWAY__USERS__RW" in claims["roles"]

            for facility in (FACILITY, SECOND_FACILITY):
                assert (await remission.post("/api/v1/facilities", json=facility)).status_code == 201

            async def known() -> int:
                return int(await platform.scalar("security", "SELECT count(*) FROM facilities"))

            await until_equal(known, 2, what="security knows both UPTs")
            created = await security.post("/api/v1/incidents", json=riot(), headers=bearer(nasional))
            assert created.status_code == 201, created.text
            jakarta = created.json()["incident_id"]
            makassar = (
                await security.post(
                    "/api/v1/incidents",
                    json=riot(upt_code="LP-MAKASSAR", occurred_at="2026-03-15T09:00:00", actions=[]),
                    headers=bearer(nasional),
                )
            ).json()["incident_id"]

            # The token names the user: the incident records who reported it.
            actor = await platform.scalar("security", "SELECT actor FROM audit_log WHERE entity_id = $1", jakarta)
            assert actor == claims["sub"]

            makassar_user = bearer(await token_of(door, "upt-lp-makassar"))
            assert (await security.get(f"/api/v1/incidents/{jakarta}", headers=makassar_user)).status_code == 404
            assert (await security.get(f"/api/v1/incidents/{makassar}", headers=makassar_user)).status_code == 200
            listed = (await security.get("/api/v1/incidents", headers=makassar_user)).json()
            assert [i["incident_id"] for i in listed["items"]] == [makassar]
            dki_user = bearer(await token_of(door, "kanwil-kw-dki"))
            assert [i["incident_id"] for i in (await security.get("/api/v1/incidents", headers=dki_user)).json()["items"]] == [
                jakarta
            ]
            # A regional user administers no one, at the gateway.
            assert (await door.get("/api/v1/admin/users", headers=dki_user)).status_code == 403

            # Without a token, or with one signed by another key, the service refuses.
            assert (await security.get("/api/v1/incidents")).status_code == 401
            forged = jwt.encode(
                claims | {"pas_scope": "national"},
                _other_key(),
                algorithm="RS256",
                headers={"kid": jwt.get_unverified_header(nasional)["kid"]},
            )
            refused = await security.get("/api/v1/incidents", headers=bearer(forged))
            assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Bearer")

            # Rotation: a new key signs, the old token stays valid at the gateway and the service.
            old_kid = jwt.get_unverified_header(nasional)["kid"]
            rotated = await door.post("/api/v1/admin/signing-keys/rotate", headers=bearer(nasional))
            assert rotated.status_code == 201, rotated.text
            new_kid = rotated.json()["kid"]
            fresh = await token_of(door, "nasional")
            assert jwt.get_unverified_header(fresh)["kid"] == new_kid != old_kid
            published = {k["kid"] for k in (await door.get("/.well-known/jwks.json")).json()["keys"]}
            assert published == {old_kid, new_kid}
            for t in (nasional, fresh):
                assert (await security.get("/api/v1/incidents", headers=bearer(t))).status_code == 200
                assert (await door.get("/api/v1/admin/users", headers=bearer(t))).status_code == 200
            keys = (await door.get("/api/v1/admin/signing-keys", headers=bearer(fresh))).json()["items"]
            assert [(k["kid"], k["retired_at"] is None, k["published"]) for k in keys] == [
                (new_kid, True, True),
                (old_kid, False, True),
            ]
    finally:
        gateway.stop()


def _other_key() -> Any:
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


async def test_wrong_password_and_the_login_throttle(platform: Platform) -> None:
    await platform.create_databases("gateway")
    async with running(create_app(platform, "gateway", **issuer_settings(login_max_failures=3)), token=None) as door:
        wrong = await login(door, "nasional", "salah-sekali-ini")
        assert wrong.status_code == 401 and wrong.headers["content-type"] == "application/problem+json"
        assert "access_token" not in wrong.text
        assert (await login(door, "tidak-ada", PASSWORD)).status_code == 401  # unknown user: the same answer
        disabled_before = await attempts(platform)
        assert disabled_before == [("nasional", False), ("tidak-ada", False)]

        # A success clears the username's count, not the client's.
        await token_of(door, "nasional")
        assert (await login(door, "nasional", "salah-lagi-ini")).status_code == 401
        # The client now has 3 failures in the window: every login from it is refused, even right ones.
        throttled = await login(door, "upt-lp-cipinang", PASSWORD)
        assert throttled.status_code == 429
        assert 1 <= int(throttled.headers["retry-after"]) <= 300
        assert throttled.json()["type"].endswith("/too-many-requests")
        # Refused before the password is checked: nothing recorded for it.
        assert await attempts(platform) == [
            ("nasional", False),
            ("tidak-ada", False),
            ("nasional", True),
            ("nasional", False),
        ]
        form = await door.post("/api/v1/auth/token", json={"username": "nasional", "password": PASSWORD})
        assert form.status_code == 422 and form.json()["errors"][0]["rule"] == "content-type"


async def test_the_throttle_counts_per_username(platform: Platform) -> None:
    await platform.create_databases("gateway")
    app = create_app(platform, "gateway", **issuer_settings(login_max_failures=2))
    async with running(app, token=None) as door:
        for _ in range(2):
            assert (await login(door, "kanwil-kw-dki", "bukan-sandinya")).status_code == 401
        assert (await login(door, "kanwil-kw-dki")).status_code == 429
        # Another client address: the username is still throttled.
        other = httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("10.1.2.3", 5000)), base_url="http://service")
        async with other:
            assert (await login(other, "kanwil-kw-dki")).status_code == 429
            assert (await login(other, "nasional")).status_code == 200


async def test_user_administration(platform: Platform) -> None:
    await platform.create_databases("gateway")
    async with running(create_app(platform, "gateway", **issuer_settings()), token=None) as door:
        admin = bearer(await token_of(door, "nasional"))
        users = (await door.get("/api/v1/admin/users", headers=admin)).json()
        assert (users["total"], [u["username"] for u in users["items"]]) == (
            4,
            ["kanwil-kw-dki", "nasional", "upt-lp-cipinang", "upt-lp-makassar"],
        )
        assert "password" not in json.dumps(users) and "argon2" not in json.dumps(users)
        hashes = await platform.fetch("gateway", "SELECT password_hash FROM users")
        assert all(r["password_hash"].startswith("$argon2id$") for r in hashes)

        body = {
            "username": "Analis.Riau",
            "password": "kata-sandi-analis",
            "roles": ["GATEWAY__KPI__RO", "SECURITY__INCIDENTS__RO"],
            "scope": "kanwil:KW-RIAU",
        }
        before = await platform.scalar("gateway", "SELECT count(*) FROM users")
        for bad, rule in (
            ({"roles": ["SECURITY__*__RW"]}, "role-known"),
            ({"scope": "province:RIAU"}, "scope-format"),
            ({"password": "pendek"}, "password-length"),
            ({"username": "a b"}, "username-format"),
        ):
            refused = await door.post("/api/v1/admin/users", json=body | bad, headers=admin)
            assert refused.status_code == 422 and refused.json()["errors"][0]["rule"] == rule, refused.text
        assert await platform.scalar("gateway", "SELECT count(*) FROM users") == before

        created = await door.post("/api/v1/admin/users", json=body, headers=admin)
        assert created.status_code == 201, created.text
        user = created.json()
        assert (user["username"], user["scope"], user["disabled"]) == ("analis.riau", "kanwil:KW-RIAU", False)
        assert (await door.post("/api/v1/admin/users", json=body, headers=admin)).status_code == 409
        analyst_login = await login(door, "analis.riau", "kata-sandi-analis")
        analyst = jwt.decode(analyst_login.json()["access_token"], options={"verify_signature": False})
        assert (analyst["roles"], analyst["pas_scope"]) == (["GATEWAY__KPI__RO", "SECURITY__INCIDENTS__RO"], "kanwil:KW-RIAU")

        changed = await door.patch(
            f"/api/v1/admin/users/{user['user_id']}",
            json={"roles": ["GATEWAY__KPI__RO"], "scope": "upt:LP-PEKANBARU"},
            headers=admin,
        )
        assert (changed.json()["roles"], changed.json()["scope"]) == (["GATEWAY__KPI__RO"], "upt:LP-PEKANBARU")
        disabled = await door.patch(f"/api/v1/admin/users/{user['user_id']}", json={"disabled": True}, headers=admin)
        assert disabled.json()["disabled"] is True
        assert (await login(door, "analis.riau", "kata-sandi-analis")).status_code == 401
        listed = (await door.get("/api/v1/admin/users", params={"disabled": "true"}, headers=admin)).json()
        assert [u["username"] for u in listed["items"]] == ["analis.riau"]
        audit = await platform.fetch(
            "gateway", "SELECT action, actor FROM audit_log WHERE entity_id = $1 ORDER BY seq", user["user_id"]
        )
        admin_id = jwt.decode(admin["Authorization"][7:], options={"verify_signature": False})["sub"]
        assert [(a["action"], a["actor"]) for a in audit] == [
            ("user.created", admin_id),
            ("user.updated", admin_id),
            ("user.updated", admin_id),
        ]
        assert (await door.get("/api/v1/admin/users/nobody", headers=admin)).status_code == 404
        assert (await door.get("/api/v1/admin/users")).status_code == 401
