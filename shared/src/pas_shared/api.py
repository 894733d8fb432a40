"""FastAPI dependencies every service's routers use."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from fastapi import Depends, Query, Request
from pydantic import BaseModel, ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from pas_shared.clock import Clock
from pas_shared.db import Database

T = TypeVar("T")

# async: FastAPI runs plain `def` dependencies in a thread pool, a hop that cost ~1 ms a request.


async def _database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def _actor(request: Request) -> str:
    # Authentication (pas_shared.auth) sets request.state.actor from the verified token; public
    # routes (the login) act as "anonymous".
    return getattr(request.state, "actor", "anonymous")


async def _clock(request: Request) -> Clock:
    clock: Clock = getattr(request.app.state, "clock", lambda: datetime.now(UTC))
    return clock


def storable_text(value: Any) -> Any:
    """`value` when every text in it (lists and mappings walked) can be stored: no NUL character
    (PostgreSQL text refuses it) and no lone UTF-16 surrogate (not Unicode, cannot be encoded)."""
    if isinstance(value, str):
        if "\x00" in value or (not value.isascii() and not _encodes(value)):
            raise PydanticCustomError(
                "text_unstorable", "Text contains a character that cannot be stored (NUL or a lone surrogate)."
            )
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            storable_text(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            storable_text(key)
            storable_text(item)
    return value


def _encodes(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Body(BaseModel):
    """Base of the request bodies: unknown fields refused, text trimmed, and text that cannot be
    stored (storable_text) refused with 422 on its field before anything is written."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return storable_text(value)


# Bounded so the database is never handed a number it cannot hold (int64): ?offset=10**22 was a 500.
MAX_OFFSET = 1_000_000_000

DatabaseDep = Annotated[Database, Depends(_database)]
ActorDep = Annotated[str, Depends(_actor)]
ClockDep = Annotated[Clock, Depends(_clock)]


@dataclass(frozen=True)
class Page:
    """Which slice of a list to answer (every list is paginated)."""

    limit: int
    offset: int


async def _page(
    limit: Annotated[int, Query(ge=1, le=500, description="At most this many items.")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Skip this many items.")] = 0,
) -> Page:
    return Page(limit, offset)


class PageOut(BaseModel, Generic[T]):
    """A page of a list: the items, how many there are in all, and the slice asked for."""

    items: list[T]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class Scope:
    """Whose records the caller may see: the nation, one Kanwil, or one UPT. Every query takes
    it; a record outside it answers 404, as if it did not exist. Authentication (pas_shared.auth)
    sets it from the verified token's `pas_scope` claim."""

    level: Literal["national", "kanwil", "upt"] = "national"
    code: str = ""

    def allows(self, *, upt_code: str, kanwil_code: str) -> bool:
        if self.level == "upt":
            return upt_code == self.code
        if self.level == "kanwil":
            return kanwil_code == self.code
        return True


async def _scope(request: Request) -> Scope:
    # Fails closed: only authentication (pas_shared.auth.authorize, on every protected route)
    # sets the scope. A route reading it without being protected is a bug, never "national".
    scope: Scope | None = getattr(request.state, "scope", None)
    if scope is None:
        raise RuntimeError(f"{request.url.path}: the caller's scope was asked for on a route without authentication")
    return scope


PageDep = Annotated[Page, Depends(_page)]
ScopeDep = Annotated[Scope, Depends(_scope)]
