"""Verified tokens are remembered briefly (the RSA check costs as much as a cached answer): never
past their expiry nor `cache_seconds`, at most `cache_size` of them, refusals never."""

import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from pas_shared.auth import TokenVerifier, Unauthenticated

ISSUER = "https://issuer.test"
AUDIENCE = "pas-api"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
JWK = jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key(), as_dict=True) | {"kid": "k1", "use": "sig", "alg": "RS256"}


def signed(*, lifetime: int = 600, sub: str = "user-1") -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": sub, "iat": now, "exp": now + lifetime, "pas_scope": "national"}
    return jwt.encode(claims, KEY, algorithm="RS256", headers={"kid": "k1"})


class Keys:
    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = [JWK]

    async def load(self) -> dict[str, Any]:
        return {"keys": self.keys}


def verifier(keys: Keys, clock: list[float], **kw: Any) -> TokenVerifier:
    return TokenVerifier(
        keys.load, issuer=ISSUER, audience=AUDIENCE, algorithms=["RS256"], min_refresh=0, monotonic=lambda: clock[0], **kw
    )


def count_decodes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    decode = jwt.decode

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return decode(*args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counted)
    return calls


async def test_a_verified_token_is_remembered_for_cache_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    decodes = count_decodes(monkeypatch)
    clock = [1000.0]
    v = verifier(Keys(), clock, cache_seconds=10)
    token = signed()
    assert (await v.verify(token)).subject == "user-1"
    clock[0] += 9
    assert (await v.verify(token)).subject == "user-1"
    assert decodes[0] == 1
    clock[0] += 2  # verified again once they have passed
    assert (await v.verify(token)).subject == "user-1"
    assert decodes[0] == 2


async def test_never_remembered_past_its_expiry(monkeypatch: pytest.MonkeyPatch) -> None:
    decodes = count_decodes(monkeypatch)
    clock = [1000.0]
    v = verifier(Keys(), clock, cache_seconds=60)
    token = signed(lifetime=2)  # expires in 2 s: remembered for at most that
    await v.verify(token)
    clock[0] += 3
    await v.verify(token)  # within PyJWT's leeway, but verified again
    assert decodes[0] == 2
    expired = signed(lifetime=-5)  # inside the leeway: accepted, never remembered
    await v.verify(expired)
    await v.verify(expired)
    assert decodes[0] == 4


async def test_refusals_are_not_remembered_and_the_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    decodes = count_decodes(monkeypatch)
    keys, clock = Keys(), [1000.0]
    v = verifier(keys, clock, cache_size=2)
    keys.keys = []
    token = signed()
    with pytest.raises(Unauthenticated):
        await v.verify(token)
    keys.keys = [JWK]
    assert (await v.verify(token)).subject == "user-1"
    for sub in ("a", "b"):
        await v.verify(signed(sub=sub))
    assert decodes[0] == 3
    await v.verify(token)  # pushed out by the two newer ones
    assert decodes[0] == 4
