"""Routes of the embedded token issuer: the OAuth2 token endpoint and the JWKS (public), user
and signing-key administration (national scope, GATEWAY__USERS__RW / GATEWAY__SIGNING_KEYS__RW)."""

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from pas_gateway.app import identity
from pas_gateway.domain.identity import SigningKey, User
from pas_gateway.settings import Settings
from pas_shared.api import ActorDep, ClockDep, DatabaseDep, PageDep, PageOut, ScopeDep
from pas_shared.auth import Forbidden
from pas_shared.errors import RuleViolation

public_router = APIRouter(tags=["access"])

FORM = "application/x-www-form-urlencoded"


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds until the token expires.")


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _form(request: Request) -> dict[str, str]:
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != FORM:
        raise RuleViolation("body", "content-type", id=f"Kirim sebagai {FORM} (OAuth2).", en=f"Send the form as {FORM} (OAuth2).")
    fields = parse_qs((await request.body()).decode(errors="replace"), keep_blank_values=True)
    return {k: v[0] for k, v in fields.items()}


def _required(form: dict[str, str], name: str) -> str:
    value = form.get(name, "")
    if not value or len(value) > 1024:
        raise RuleViolation(name, "missing", id="Wajib diisi.", en="Required.")
    return value


@public_router.post(
    "/api/v1/auth/token",
    operation_id="issueToken",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                FORM: {
                    "schema": {
                        "type": "object",
                        "required": ["username", "password"],
                        "properties": {
                            "grant_type": {"type": "string", "enum": ["password"]},
                            "username": {"type": "string"},
                            "password": {"type": "string", "format": "password"},
                        },
                    }
                }
            },
        }
    },
    responses={401: {"description": "Wrong username or password"}, 429: {"description": "Too many failed logins"}},
)
async def issue_token(request: Request, response: Response, db: DatabaseDep, clock: ClockDep) -> TokenOut:
    """OAuth2 password grant: form fields `username` and `password` give a bearer token (JWT)
    with the user's roles and scope. Failed logins are limited per username and per client
    address (429 with Retry-After)."""
    form = await _form(request)
    if form.get("grant_type", "password") != "password":
        raise RuleViolation("grant_type", "grant-type", id="Hanya grant_type=password.", en="Only grant_type=password.")
    issued = await identity.log_in(
        db,
        clock,
        _settings(request),
        username=_required(form, "username"),
        password=_required(form, "password"),
        client=(request.client.host if request.client else "unknown")[:100],
    )
    response.headers["Cache-Control"] = "no-store"
    return TokenOut(access_token=issued.access_token, expires_in=issued.expires_in)


@public_router.get("/.well-known/jwks.json", operation_id="getJwks")
async def get_jwks(request: Request, db: DatabaseDep, clock: ClockDep) -> dict[str, Any]:
    """The public keys tokens are signed with (RFC 7517); services verify tokens against it."""
    return await identity.jwks(db, clock, _settings(request))


# --- administration -----------------------------------------------------------------------


async def national_only(scope: ScopeDep) -> None:
    """Administration (users, signing keys, partners) is for the national scope only: after the role
    check, before the body is read."""
    if scope.level != "national":
        raise Forbidden(id="Hanya pengguna tingkat nasional.", en="National scope only.")


router = APIRouter(prefix="/api/v1/admin", tags=["access administration"], dependencies=[Depends(national_only)])


class UserOut(BaseModel):
    user_id: str
    username: str
    display_name: str
    roles: list[str]
    scope: str
    disabled: bool
    created_at: datetime
    updated_at: datetime


def _out(user: User) -> UserOut:
    return UserOut(
        user_id=user.user_id,
        username=user.username,
        display_name=user.display_name,
        roles=list(user.roles),
        scope=user.scope,
        disabled=user.disabled,
        created_at=user.created_at,
        updated_at=user.updated_at,
    )


class UserIn(Body):
    username: str = Field(min_length=3, max_length=64, description="Lower case letters, digits, '.', '_', '-'.")
    password: str = Field(min_length=1, max_length=1024)
    display_name: str = Field(default="", max_length=200)
    roles: list[str] = Field(max_length=500, description="<SERVICE>__<RESOURCE>__RO|RW, each listed (no '*').")
    scope: str = Field(description="national, kanwil:<code> or upt:<code>.")


class UserChangeIn(Body):
    roles: list[str] | None = Field(default=None, max_length=500)
    scope: str | None = None
    disabled: bool | None = None
    display_name: str | None = Field(default=None, max_length=200)
    password: str | None = Field(default=None, min_length=1, max_length=1024)


@router.post("/users", status_code=status.HTTP_201_CREATED, operation_id="createUser")
async def create_user(body: UserIn, db: DatabaseDep, clock: ClockDep, actor: ActorDep) -> UserOut:
    user = await identity.create_user(
        db,
        clock,
        actor=actor,
        username=body.username,
        password=body.password,
        display_name=body.display_name,
        roles=body.roles,
        scope=body.scope,
    )
    return _out(user)


@router.get("/users", operation_id="listUsers")
async def list_users(
    db: DatabaseDep,
    page: PageDep,
    disabled: Annotated[bool | None, Query(description="Only disabled (true) or enabled (false) users.")] = None,
) -> PageOut[UserOut]:
    items, total = await identity.list_users(db, limit=page.limit, offset=page.offset, disabled=disabled)
    return PageOut[UserOut](items=[_out(u) for u in items], total=total, limit=page.limit, offset=page.offset)


@router.get("/users/{user_id}", operation_id="getUser")
async def get_user(user_id: str, db: DatabaseDep) -> UserOut:
    return _out(await identity.get_user(db, user_id))


@router.patch("/users/{user_id}", operation_id="updateUser")
async def update_user(user_id: str, body: UserChangeIn, db: DatabaseDep, clock: ClockDep, actor: ActorDep) -> UserOut:
    """Set roles or scope, disable or enable (`disabled`), rename, or set a new password."""
    user = await identity.update_user(
        db,
        clock,
        user_id,
        actor=actor,
        roles=body.roles,
        scope=body.scope,
        disabled=body.disabled,
        display_name=body.display_name,
        password=body.password,
    )
    return _out(user)


class SigningKeyOut(BaseModel):
    kid: str
    created_at: datetime
    retired_at: datetime | None
    published: bool = Field(description="Still in the JWKS (active, or retired with tokens that may be valid).")


def _key_out(key: SigningKey, published: bool) -> SigningKeyOut:
    return SigningKeyOut(kid=key.kid, created_at=key.created_at, retired_at=key.retired_at, published=published)


@router.get("/signing-keys", operation_id="listSigningKeys")
async def list_signing_keys(request: Request, db: DatabaseDep, clock: ClockDep, page: PageDep) -> PageOut[SigningKeyOut]:
    """Every signing key, newest first (no private key is ever shown)."""
    keys = [_key_out(k, p) for k, p in await identity.list_keys(db, clock, _settings(request))]
    return PageOut[SigningKeyOut](
        items=keys[page.offset : page.offset + page.limit], total=len(keys), limit=page.limit, offset=page.offset
    )


@router.post("/signing-keys/rotate", status_code=status.HTTP_201_CREATED, operation_id="rotateSigningKey")
async def rotate_signing_key(db: DatabaseDep, clock: ClockDep, actor: ActorDep) -> SigningKeyOut:
    """A new key signs tokens from now on; older keys stay in the JWKS until their tokens expire."""
    return _key_out(await identity.rotate_key(db, clock, actor=actor), True)
