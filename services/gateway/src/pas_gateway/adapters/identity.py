"""Storage of the embedded token issuer: users, signing keys, login attempts."""

import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pas_gateway.adapters.tables import login_attempts, signing_keys, users
from pas_gateway.domain.identity import SigningKey, User


def _user(row: Any) -> User:
    return User(
        user_id=row.user_id,
        username=row.username,
        display_name=row.display_name,
        roles=tuple(json.loads(row.roles)),
        scope=row.scope,
        disabled=row.disabled,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, user: User, password_hash: str) -> None:
        await self.session.execute(
            insert(users).values(
                user_id=user.user_id,
                username=user.username,
                display_name=user.display_name,
                password_hash=password_hash,
                roles=json.dumps(list(user.roles)),
                scope=user.scope,
                disabled=user.disabled,
                created_at=user.created_at,
                updated_at=user.updated_at,
            )
        )

    async def get(self, user_id: str, *, lock: bool = False) -> User | None:
        query = select(users).where(users.c.user_id == user_id)
        if lock:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return _user(row) if row else None

    async def by_username(self, username: str) -> tuple[User, str] | None:
        row = (await self.session.execute(select(users).where(users.c.username == username))).first()
        return (_user(row), row.password_hash) if row else None

    async def username_taken(self, username: str) -> bool:
        return bool((await self.session.execute(select(users.c.user_id).where(users.c.username == username))).first())

    async def count(self) -> int:
        return int((await self.session.execute(select(func.count()).select_from(users))).scalar_one())

    async def page(self, *, limit: int, offset: int, disabled: bool | None) -> tuple[list[User], int]:
        where = [] if disabled is None else [users.c.disabled == disabled]
        total = (await self.session.execute(select(func.count()).select_from(users).where(*where))).scalar_one()
        rows = await self.session.execute(select(users).where(*where).order_by(users.c.username).limit(limit).offset(offset))
        return [_user(r) for r in rows], int(total)

    async def save(self, user: User, password_hash: str | None = None) -> None:
        values: dict[str, Any] = {
            "display_name": user.display_name,
            "roles": json.dumps(list(user.roles)),
            "scope": user.scope,
            "disabled": user.disabled,
            "updated_at": user.updated_at,
        }
        if password_hash is not None:
            values["password_hash"] = password_hash
        await self.session.execute(update(users).where(users.c.user_id == user.user_id).values(**values))


class KeyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, key: SigningKey, *, algorithm: str, private_pem: str, public_jwk: dict[str, Any]) -> None:
        await self.session.execute(
            insert(signing_keys).values(
                kid=key.kid,
                algorithm=algorithm,
                private_pem=private_pem,
                public_jwk=json.dumps(public_jwk),
                created_at=key.created_at,
                retired_at=key.retired_at,
            )
        )

    async def active(self) -> tuple[SigningKey, str] | None:
        """The newest key not retired, with its private key (PEM)."""
        query = (
            select(signing_keys)
            .where(signing_keys.c.retired_at.is_(None))
            .order_by(signing_keys.c.created_at.desc(), signing_keys.c.kid.desc())
            .limit(1)
        )
        row = (await self.session.execute(query)).first()
        return (SigningKey(row.kid, row.created_at, row.retired_at), row.private_pem) if row else None

    async def published_since(self, retired_after: datetime) -> list[tuple[SigningKey, dict[str, Any]]]:
        """Keys in use or retired after the given instant, with their public JWK, newest first."""
        query = (
            select(signing_keys.c.kid, signing_keys.c.created_at, signing_keys.c.retired_at, signing_keys.c.public_jwk)
            .where(or_(signing_keys.c.retired_at.is_(None), signing_keys.c.retired_at > retired_after))
            .order_by(signing_keys.c.created_at.desc())
        )
        rows = await self.session.execute(query)
        return [(SigningKey(r.kid, r.created_at, r.retired_at), json.loads(r.public_jwk)) for r in rows]

    async def all(self) -> list[SigningKey]:
        query = select(signing_keys.c.kid, signing_keys.c.created_at, signing_keys.c.retired_at).order_by(
            signing_keys.c.created_at.desc()
        )
        return [SigningKey(r.kid, r.created_at, r.retired_at) for r in await self.session.execute(query)]

    async def retire_all_but(self, kid: str, at: datetime) -> list[str]:
        query = (
            update(signing_keys)
            .where(signing_keys.c.retired_at.is_(None), signing_keys.c.kid != kid)
            .values(retired_at=at)
            .returning(signing_keys.c.kid)
        )
        return [r.kid for r in await self.session.execute(query)]


class AttemptRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, *, username: str, client: str, at: datetime, succeeded: bool) -> None:
        await self.session.execute(insert(login_attempts).values(username=username, client=client, at=at, succeeded=succeeded))

    async def failures(self, *, username: str, client: str, since: datetime) -> tuple[list[datetime], list[datetime]]:
        """Failed attempts since `since`: of the username (after its last success) and of the client."""
        last_success = (
            select(func.max(login_attempts.c.at))
            .where(login_attempts.c.username == username, login_attempts.c.succeeded.is_(True))
            .scalar_subquery()
        )
        by_user = select(login_attempts.c.at).where(
            login_attempts.c.username == username,
            login_attempts.c.succeeded.is_(False),
            login_attempts.c.at > since,
            or_(last_success.is_(None), login_attempts.c.at > last_success),
        )
        by_client = select(login_attempts.c.at).where(
            login_attempts.c.client == client, login_attempts.c.succeeded.is_(False), login_attempts.c.at > since
        )
        return (
            [r.at for r in await self.session.execute(by_user)],
            [r.at for r in await self.session.execute(by_client)],
        )

    async def forget_before(self, before: datetime) -> None:
        await self.session.execute(delete(login_attempts).where(login_attempts.c.at < before))
