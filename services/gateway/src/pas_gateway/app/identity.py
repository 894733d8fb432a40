"""Use cases of the embedded token issuer: log in (OAuth2 password grant) with a throttle, sign
tokens with the active key, publish the JWKS, rotate keys, administer users, demo users.

Passwords are hashed with argon2id (argon2-cffi); hashing runs in a worker thread, it takes
tens of milliseconds of CPU by design. Signing keys are RSA 2048, generated on first start and
kept in the gateway's database (private key included: in production an external identity
provider issues the tokens and the services read its JWKS instead)."""

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from pas_gateway.adapters.identity import AttemptRepository, KeyRepository, UserRepository
from pas_gateway.domain.identity import (
    SigningKey,
    Throttle,
    User,
    all_roles,
    check_password,
    check_roles,
    check_scope,
    check_username,
    demo_username,
    key_published,
    normalise_username,
    staff_roles,
)
from pas_gateway.settings import Settings
from pas_shared.auth import JwksLoader, TooManyRequests, Unauthenticated
from pas_shared.clock import Clock
from pas_shared.db import Database, UnitOfWork
from pas_shared.errors import Conflict, NotFound
from pas_shared.ids import new_id

log = logging.getLogger(__name__)

ALGORITHM = "RS256"
KEY_SIZE = 2048
ATTEMPTS_KEPT = timedelta(days=1)

_hasher = PasswordHasher()
# Verified against when the username is unknown, so a wrong username costs the same time as a
# wrong password (no user enumeration by timing).
_UNKNOWN_USER_HASH = _hasher.hash("no such user: a constant to spend the same time")


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int


def _throttle(settings: Settings) -> Throttle:
    return Throttle(settings.login_max_failures, timedelta(seconds=settings.login_window_seconds))


def _verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _new_key(now: datetime) -> tuple[SigningKey, str, dict[str, Any]]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    key = SigningKey(kid=new_id(), created_at=now, retired_at=None)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    return key, pem, jwk | {"kid": key.kid, "use": "sig", "alg": ALGORITHM}


async def ensure_signing_key(db: Database, clock: Clock) -> None:
    """A key to sign with, generated on first start."""
    async with UnitOfWork(db, actor="system:issuer") as uow:
        keys = KeyRepository(uow.session)
        if await keys.active() is not None:
            return
        key, pem, jwk = await asyncio.to_thread(_new_key, clock())
        await keys.add(key, algorithm=ALGORITHM, private_pem=pem, public_jwk=jwk)
        uow.audit("signing-key.created", "signing_key", key.kid)


async def rotate_key(db: Database, clock: Clock, *, actor: str) -> SigningKey:
    """A new key signs from now on; the old ones stay in the JWKS until their tokens expire."""
    now = clock()
    key, pem, jwk = await asyncio.to_thread(_new_key, now)
    async with UnitOfWork(db, actor=actor) as uow:
        keys = KeyRepository(uow.session)
        await keys.add(key, algorithm=ALGORITHM, private_pem=pem, public_jwk=jwk)
        retired = await keys.retire_all_but(key.kid, now)
        uow.audit("signing-key.rotated", "signing_key", key.kid, before={"retired": retired})
    return key


async def list_keys(db: Database, clock: Clock, settings: Settings) -> list[tuple[SigningKey, bool]]:
    now = clock()
    async with db.sessions() as session:
        keys = await KeyRepository(session).all()
    lifetime, leeway = _lifetimes(settings)
    return [(k, key_published(k, now, token_lifetime=lifetime, leeway=leeway)) for k in keys]


def _lifetimes(settings: Settings) -> tuple[timedelta, timedelta]:
    return timedelta(seconds=settings.token_lifetime_seconds), timedelta(seconds=settings.auth_leeway_seconds)


async def jwks(db: Database, clock: Clock, settings: Settings) -> dict[str, Any]:
    """The public keys tokens may be signed with: the active key and retired keys whose tokens
    may still be valid."""
    now = clock()
    lifetime, leeway = _lifetimes(settings)
    async with db.sessions() as session:
        keys = await KeyRepository(session).published_since(now - lifetime - leeway)
    return {"keys": [jwk for key, jwk in keys if key_published(key, now, token_lifetime=lifetime, leeway=leeway)]}


def _now() -> datetime:
    return datetime.now(UTC)


def own_jwks(settings: Settings) -> Callable[[Database], JwksLoader]:
    """The gateway verifies its own tokens against the keys in its database (ServiceSpec.own_jwks)."""

    def loader(db: Database) -> JwksLoader:
        async def load() -> dict[str, Any]:
            return await jwks(db, _now, settings)

        return load

    return loader


def on_start(settings: Settings) -> Callable[[Database], Awaitable[None]]:
    """At startup: the first signing key, and the demo users when configured."""

    async def start(db: Database) -> None:
        await ensure_signing_key(db, _now)
        created = await create_demo_users(db, _now, settings)
        if created:
            log.info("demo users created", extra={"users": created})

    return start


def _sign(user: User, key: SigningKey, pem: str, now: datetime, settings: Settings) -> IssuedToken:
    lifetime = settings.token_lifetime_seconds
    claims = {
        "iss": settings.auth_issuer,
        "aud": settings.auth_audience,
        "sub": user.user_id,
        "name": user.username,
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int(now.timestamp()) + lifetime,
        "jti": new_id(),
        "roles": list(user.roles),
        "pas_scope": user.scope,
    }
    token = jwt.encode(claims, pem, algorithm=ALGORITHM, headers={"kid": key.kid})
    return IssuedToken(access_token=token, expires_in=lifetime)


def _refused() -> Unauthenticated:
    return Unauthenticated(
        id="Nama pengguna atau kata sandi salah, atau akun dinonaktifkan.",
        en="Wrong username or password, or the account is disabled.",
    )


async def log_in(db: Database, clock: Clock, settings: Settings, *, username: str, password: str, client: str) -> IssuedToken:
    """OAuth2 password grant. Refused with 429 (and Retry-After) once the username or the client
    address has too many recent failures; the password is then not even checked."""
    name = normalise_username(username)[:64]
    throttle = _throttle(settings)
    now = clock()
    async with db.sessions() as session:
        by_user, by_client = await AttemptRepository(session).failures(username=name, client=client, since=now - throttle.window)
        found = await UserRepository(session).by_username(name)
    wait = max(throttle.retry_after(by_user, now), throttle.retry_after(by_client, now))
    if wait:
        raise TooManyRequests(
            id=f"Terlalu banyak percobaan masuk yang gagal; coba lagi dalam {wait} detik.",
            en=f"Too many failed logins; try again in {wait} seconds.",
            retry_after=wait,
        )
    user, password_hash = found if found else (None, _UNKNOWN_USER_HASH)
    ok = await asyncio.to_thread(_verify_password, password_hash, password)
    ok = ok and user is not None and not user.disabled
    async with UnitOfWork(db, actor=user.user_id if user else "anonymous") as uow:
        attempts = AttemptRepository(uow.session)
        await attempts.forget_before(now - ATTEMPTS_KEPT)
        await attempts.record(username=name, client=client, at=now, succeeded=ok)
        active = await KeyRepository(uow.session).active() if ok else None
    if not ok or user is None:
        raise _refused()
    if active is None:
        await ensure_signing_key(db, clock)
        async with db.sessions() as session:
            active = await KeyRepository(session).active()
        assert active is not None
    key, pem = active
    return _sign(user, key, pem, now, settings)


async def _hash(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def create_user(
    db: Database,
    clock: Clock,
    *,
    actor: str,
    username: str,
    password: str,
    display_name: str,
    roles: list[str],
    scope: str,
) -> User:
    name = check_username(username)
    check_password(password)
    user = User(
        user_id=new_id(),
        username=name,
        display_name=display_name or name,
        roles=tuple(check_roles(roles)),
        scope=check_scope(scope),
        disabled=False,
        created_at=clock(),
        updated_at=clock(),
    )
    password_hash = await _hash(password)
    async with UnitOfWork(db, actor=actor) as uow:
        repo = UserRepository(uow.session)
        if await repo.username_taken(name):
            raise Conflict(id=f"Nama pengguna {name} sudah dipakai.", en=f"Username {name} is taken.")
        await repo.add(user, password_hash)
        uow.audit("user.created", "user", user.user_id, after=_audited(user))
    return user


def _audited(user: User) -> dict[str, Any]:
    return {"username": user.username, "roles": list(user.roles), "scope": user.scope, "disabled": user.disabled}


def _user_not_found(user_id: str) -> NotFound:
    return NotFound(id=f"Pengguna {user_id} tidak ditemukan.", en=f"User {user_id} not found.")


async def get_user(db: Database, user_id: str) -> User:
    async with db.sessions() as session:
        user = await UserRepository(session).get(user_id)
    if user is None:
        raise _user_not_found(user_id)
    return user


async def list_users(db: Database, *, limit: int, offset: int, disabled: bool | None) -> tuple[list[User], int]:
    async with db.sessions() as session:
        return await UserRepository(session).page(limit=limit, offset=offset, disabled=disabled)


async def update_user(
    db: Database,
    clock: Clock,
    user_id: str,
    *,
    actor: str,
    roles: list[str] | None = None,
    scope: str | None = None,
    disabled: bool | None = None,
    display_name: str | None = None,
    password: str | None = None,
) -> User:
    """Set roles, scope, display name or password, disable or enable. Tokens already issued stay
    valid until they expire (token_lifetime_seconds): keep the lifetime short."""
    checked_roles = tuple(check_roles(roles)) if roles is not None else None
    checked_scope = check_scope(scope) if scope is not None else None
    if password is not None:
        check_password(password)
    password_hash = await _hash(password) if password is not None else None
    async with UnitOfWork(db, actor=actor) as uow:
        repo = UserRepository(uow.session)
        before = await repo.get(user_id, lock=True)
        if before is None:
            raise _user_not_found(user_id)
        after = replace(
            before,
            roles=checked_roles if checked_roles is not None else before.roles,
            scope=checked_scope or before.scope,
            disabled=before.disabled if disabled is None else disabled,
            display_name=display_name or before.display_name,
            updated_at=clock(),
        )
        await repo.save(after, password_hash)
        uow.audit(
            "user.updated",
            "user",
            user_id,
            before=_audited(before),
            after=_audited(after) | ({"password": "changed"} if password_hash else {}),
        )
    return after


async def create_demo_users(db: Database, clock: Clock, settings: Settings) -> list[str]:
    """`make run`: when the users table is empty and a demo password is set, `nasional` (every
    role, national) and one user per configured Kanwil or UPT scope (every role but user and
    key administration). Returns the usernames created."""
    if not settings.demo_password:
        return []
    async with db.sessions() as session:
        if await UserRepository(session).count():
            return []
    created = []
    for scope in ["national", *settings.demo_scopes]:
        roles = all_roles() if scope == "national" else staff_roles()
        user = await create_user(
            db,
            clock,
            actor="system:demo",
            username=demo_username(check_scope(scope)),
            password=settings.demo_password,
            display_name=f"Demo {scope}",
            roles=roles,
            scope=scope,
        )
        created.append(user.username)
    return created
