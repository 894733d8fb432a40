"""Token verification (pas_shared.auth): each way a token can be wrong is refused, keys are
reloaded for a rotation but not hammered, and the security dependency answers 401/403/503 as
problem+json and sets the caller's actor, scope and roles."""

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi import Depends, FastAPI, Request

from pas_shared.api import Scope
from pas_shared.auth import (
    AccessUnavailable,
    TokenVerifier,
    Unauthenticated,
    allows,
    authorize,
    install_access_errors,
    parse_scope,
    resource_of,
)
from pas_shared.settings import ServiceSettings, SettingsError

ISSUER = "https://issuer.test"
AUDIENCE = "pas-api"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwk_of(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    return json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key())) | {"kid": kid, "use": "sig", "alg": "RS256"}


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "user-1",
        "name": "budi",
        "iat": now,
        "exp": now + 600,
        "roles": ["SECURITY__INCIDENTS__RO"],
        "pas_scope": "upt:LP-A",
    }
    return {k: v for k, v in (base | overrides).items() if v is not None}


def signed(key: Any = KEY, kid: str = "k1", alg: str = "RS256", **overrides: Any) -> str:
    return jwt.encode(claims(**overrides), key, algorithm=alg, headers={"kid": kid})


class Keys:
    """A JWKS server stand-in that counts how often it is asked."""

    def __init__(self, *jwks: dict[str, Any]) -> None:
        self.keys = list(jwks)
        self.loads = 0
        self.fail = False

    async def load(self) -> dict[str, Any]:
        self.loads += 1
        if self.fail:
            raise httpx.ConnectError("down")
        return {"keys": self.keys}


def verifier(keys: Keys, *, min_refresh: float = 10, clock: list[float] | None = None, leeway: float = 30) -> TokenVerifier:
    now = clock or [1000.0]
    return TokenVerifier(
        keys.load,
        issuer=ISSUER,
        audience=AUDIENCE,
        algorithms=["RS256"],
        leeway=leeway,
        max_age=300,
        min_refresh=min_refresh,
        monotonic=lambda: now[0],
    )


async def refused(v: TokenVerifier, token: str) -> str:
    with pytest.raises(Unauthenticated) as caught:
        await v.verify(token)
    return caught.value.detail_en


async def test_a_valid_token_gives_the_principal() -> None:
    principal = await verifier(Keys(jwk_of(KEY, "k1"))).verify(signed())
    assert (principal.subject, principal.name, principal.roles, principal.scope) == (
        "user-1",
        "budi",
        frozenset({"SECURITY__INCIDENTS__RO"}),
        Scope("upt", "LP-A"),
    )


async def test_alg_none_is_refused() -> None:
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "kid": "k1", "typ": "JWT"}).encode()).rstrip(b"=")
    body = base64.urlsafe_b64encode(json.dumps(claims()).encode()).rstrip(b"=")
    token = f"{header.decode()}.{body.decode()}."
    assert "algorithm 'none' is not allowed" in await refused(verifier(Keys(jwk_of(KEY, "k1"))), token)


async def test_hs256_signed_with_the_public_key_is_refused() -> None:
    public_pem = KEY.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    header = base64.urlsafe_b64encode(json.dumps({"alg": "HS256", "kid": "k1", "typ": "JWT"}).encode()).rstrip(b"=")
    body = base64.urlsafe_b64encode(json.dumps(claims()).encode()).rstrip(b"=")
    signing_input = header + b"." + body
    signature = base64.urlsafe_b64encode(hmac.new(public_pem, signing_input, hashlib.sha256).digest()).rstrip(b"=")
    token = (signing_input + b"." + signature).decode()
    assert "algorithm 'HS256' is not allowed" in await refused(verifier(Keys(jwk_of(KEY, "k1"))), token)


async def test_a_token_signed_by_another_key_under_a_known_kid_is_refused() -> None:
    assert "Signature verification failed" in await refused(verifier(Keys(jwk_of(KEY, "k1"))), signed(OTHER_KEY))


async def test_wrong_audience_and_wrong_issuer_are_refused() -> None:
    v = verifier(Keys(jwk_of(KEY, "k1")))
    assert await refused(v, signed(aud="another-api")) == "Invalid token: Audience doesn't match."
    assert await refused(v, signed(iss="https://evil.test")) == "Invalid token: Invalid issuer."
    assert await refused(v, signed(aud=None)) == 'Invalid token: Token is missing the "aud" claim.'
    assert (await v.verify(signed(aud=["other", AUDIENCE]))).subject == "user-1"  # one of several audiences


async def test_expired_tokens_are_refused_beyond_the_leeway() -> None:
    v = verifier(Keys(jwk_of(KEY, "k1")), leeway=30)
    now = int(time.time())
    assert await refused(v, signed(iat=now - 1000, exp=now - 31)) == "The token has expired."
    assert (await v.verify(signed(iat=now - 1000, exp=now - 20))).subject == "user-1"  # within the leeway


async def test_a_token_without_exp_is_refused() -> None:
    assert 'missing the "exp" claim' in await refused(verifier(Keys(jwk_of(KEY, "k1"))), signed(exp=None))


async def test_a_token_without_a_valid_scope_is_refused_and_foreign_roles_are_ignored() -> None:
    v = verifier(Keys(jwk_of(KEY, "k1")))
    assert "scope" in await refused(v, signed(pas_scope=None))
    assert "scope" in await refused(v, signed(pas_scope="kanwil:"))
    principal = await v.verify(signed(roles=["offline_access", "SECURITY__*__RW", "SECURITY__INCIDENTS__RW"]))
    assert principal.roles == frozenset({"SECURITY__INCIDENTS__RW"})


async def test_unknown_kid_reloads_the_keys_at_most_every_min_refresh() -> None:
    keys = Keys(jwk_of(KEY, "k1"))
    clock = [1000.0]
    v = verifier(keys, min_refresh=10, clock=clock)
    await v.verify(signed())
    assert keys.loads == 1
    clock[0] += 11
    assert await refused(v, signed(OTHER_KEY, kid="k2")) == "Unknown signing key 'k2'."
    assert keys.loads == 2  # reloaded once for the unknown kid
    await refused(v, signed(OTHER_KEY, kid="k3"))
    assert keys.loads == 2  # not again within min_refresh
    keys.keys.append(jwk_of(OTHER_KEY, "k2"))  # the issuer rotated
    clock[0] += 11
    assert (await v.verify(signed(OTHER_KEY, kid="k2"))).subject == "user-1"
    assert (await v.verify(signed())).subject == "user-1"  # the old key is still published
    assert keys.loads == 3


async def test_a_key_for_another_algorithm_is_refused() -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ec_jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(ec_key.public_key())) | {"kid": "e1", "use": "sig"}
    v = TokenVerifier(Keys(ec_jwk).load, issuer=ISSUER, audience=AUDIENCE, algorithms=["RS256", "ES256"])
    assert "Invalid token" in await refused(v, signed(KEY, kid="e1"))  # an RS256 token naming an EC key


async def test_unreachable_jwks_answers_unavailable_and_keeps_the_last_good_keys() -> None:
    keys = Keys(jwk_of(KEY, "k1"))
    keys.fail = True
    with pytest.raises(AccessUnavailable):
        await verifier(keys).verify(signed())
    keys.fail = False
    clock = [1000.0]
    v = verifier(keys, clock=clock)
    await v.verify(signed())
    keys.fail = True
    clock[0] += 301  # stale: reload fails, the last good keys still verify
    assert (await v.verify(signed())).subject == "user-1"


def test_settings_accept_only_asymmetric_algorithms() -> None:
    for refused_algs in ("HS256", "none", "RS256,HS512", ""):
        with pytest.raises(SettingsError, match="AUTH_ALGORITHMS: "):
            ServiceSettings(service_name="x", port=1, auth_algorithms=refused_algs)
    assert ServiceSettings(service_name="x", port=1, auth_algorithms="RS256, ES256").auth_algorithms == ["RS256", "ES256"]
    with pytest.raises(ValueError):
        TokenVerifier(None, issuer=ISSUER, audience=AUDIENCE, algorithms=["HS256"])
    with pytest.raises(SettingsError, match="AUTH_JWKS_URL: "):
        ServiceSettings(service_name="x", port=1, auth_jwks_url="ftp://keys")


def test_resources_roles_and_scopes() -> None:
    assert resource_of("/api/v1/incidents/{incident_id}/addenda") == "INCIDENTS"
    assert resource_of("/api/v1/sop-audits") == "SOP_AUDITS"
    assert resource_of("/api/v1/admin/users/{user_id}") == "USERS"
    assert resource_of("/api/v1/{service}/{path:path}") == "{service}"
    assert resource_of("/healthz") is None
    assert allows(["SECURITY__INCIDENTS__RO"], service="security", resource="INCIDENTS", method="GET")
    assert allows(["SECURITY__INCIDENTS__RO"], service="security", resource="INCIDENTS", method="HEAD")
    assert not allows(["SECURITY__INCIDENTS__RO"], service="security", resource="INCIDENTS", method="POST")
    assert allows(["FOOD_AUDIT__VENDORS__RW"], service="food-audit", resource="VENDORS", method="DELETE")
    assert not allows(["SECURITY__ESCAPES__RW"], service="security", resource="INCIDENTS", method="GET")
    assert parse_scope("kanwil:KW-RIAU") == Scope("kanwil", "KW-RIAU")
    assert parse_scope("national") == Scope()
    with pytest.raises(ValueError):
        parse_scope("upt:lp-a")


def protected_app(keys: Keys | None) -> FastAPI:
    app = FastAPI()
    install_access_errors(app)
    app.state.settings = ServiceSettings(service_name="security", port=1)
    if keys is not None:
        app.state.token_verifier = verifier(keys)

    @app.api_route("/api/v1/incidents", methods=["GET", "POST"], dependencies=[Depends(authorize)])
    async def incidents(request: Request) -> dict[str, Any]:
        return {"actor": request.state.actor, "scope": request.state.scope.code, "roles": sorted(request.state.roles)}

    return app


async def test_the_dependency_answers_problems_and_sets_the_caller() -> None:
    app = protected_app(Keys(jwk_of(KEY, "k1")))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        missing = await client.get("/api/v1/incidents")
        assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
        assert missing.headers["content-type"] == "application/problem+json"
        bad = await client.get("/api/v1/incidents", headers={"Authorization": "Bearer not.a.token"})
        assert bad.status_code == 401 and bad.headers["www-authenticate"] == 'Bearer error="invalid_token"'
        basic = await client.get("/api/v1/incidents", headers={"Authorization": "Basic dXNlcjpwYXNz"})
        assert basic.status_code == 401
        ro = {"Authorization": f"Bearer {signed()}"}
        assert (await client.get("/api/v1/incidents", headers=ro)).json() == {
            "actor": "user-1",
            "scope": "LP-A",
            "roles": ["SECURITY__INCIDENTS__RO"],
        }
        write = await client.post("/api/v1/incidents", headers=ro)
        assert write.status_code == 403 and "SECURITY__INCIDENTS__RW" in write.json()["detail"]
        other = {"Authorization": f"Bearer {signed(roles=['SECURITY__ESCAPES__RW'])}"}
        assert (await client.get("/api/v1/incidents", headers=other)).status_code == 403
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=protected_app(None)), base_url="http://t") as client:
        response = await client.get("/api/v1/incidents", headers=ro)
        assert response.status_code == 503 and response.headers["retry-after"] == "5"
