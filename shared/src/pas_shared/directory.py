"""The UPT directory: the UPTs as remission registers them, kept from its `facility.registered`
events.

Security, rehabilitation and food-audit each keep their own copy in their own database (no
service reads another's tables; remission owns the facilities and its own table is not this
one). A record needs the UPT's Kanwil (scope) and its time zone (legal dates are the UPT's own
calendar dates); the headline counts UPTs by type. A UPT not in the directory, or outside the
caller's scope, is refused with the same rule everywhere (`upt-registered`).
"""

import functools
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Column, MetaData, Select, String, Table, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from pas_shared.api import Scope
from pas_shared.clock import Clock, local_date
from pas_shared.consumer import Received, Subscription
from pas_shared.db import UnitOfWork, fetch_rows
from pas_shared.errors import RuleViolation
from pas_shared.events.remission import FACILITY_REGISTERED, FacilityRegistered

# What a registration sets; a later registration of the same UPT replaces them all.
DIRECTORY_FIELDS = ("name", "upt_type", "kanwil_code", "time_zone")


def define_directory_table(metadata: MetaData) -> Table:
    return Table(
        "facilities",
        metadata,
        Column("upt_code", String(32), primary_key=True),
        Column("name", String(200), nullable=False),
        Column("upt_type", String(64), nullable=False),  # Lapas, Rutan, Cabang Rutan, LPKA, LPP, Lapas Narkotika, Bapas
        Column("kanwil_code", String(32), nullable=False, index=True),
        Column("time_zone", String(64), nullable=False),  # IANA: Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT)
    )


def directory_row(d: FacilityRegistered) -> dict[str, str]:
    return {"upt_code": d.upt_code} | {f: getattr(d, f) for f in DIRECTORY_FIELDS}


def latest_rows(events: list[Received[FacilityRegistered]]) -> list[dict[str, str]]:
    """One row per UPT, the last registration of the run winning, in a stable order."""
    latest = {e.data.upt_code: directory_row(e.data) for e in events}
    return [latest[upt] for upt in sorted(latest)]


def directory_subscription(service: str, table: Table) -> Subscription:
    """The consumer keeping `table` from remission's facility events. An upsert: a registration
    applied twice (redelivery) leaves one row, and the latest registration of a UPT wins."""
    sub = Subscription(name=f"{service}.facilities")

    upserts = {}
    for name, dialect_insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert)):
        stmt = dialect_insert(table)
        upserts[name] = stmt.on_conflict_do_update(
            index_elements=[table.c.upt_code], set_={c: stmt.excluded[c] for c in DIRECTORY_FIELDS}
        )

    @sub.on(FACILITY_REGISTERED)
    async def registered(uow: UnitOfWork, events: list[Received[FacilityRegistered]]) -> None:
        # Deduplicated first: PostgreSQL refuses one statement that upserts the same row twice.
        await uow.session.execute(upserts[uow.db.engine.dialect.name], latest_rows(events))

    return sub


@dataclass(frozen=True)
class KnownUpt:
    """A UPT as this service knows it from the directory."""

    upt_code: str
    name: str
    upt_type: str
    kanwil_code: str
    time_zone: str  # an IANA zone name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def date_at(self, moment: datetime) -> date:
        """The UPT's calendar date at that instant."""
        return local_date(moment, self.time_zone)

    def today(self, clock: Clock) -> date:
        """The UPT's local today."""
        return self.date_at(clock())


def upt_not_registered(upt_code: str, field: str = "upt_code") -> RuleViolation:
    """One refusal for a UPT never registered and for one outside the caller's scope (which
    must not learn whether it exists)."""
    return RuleViolation(
        field,
        "upt-registered",
        id=f"UPT {upt_code} tidak dikenal (belum terdaftar di layanan remisi, atau di luar wilayah Anda).",
        en=f"UPT {upt_code} is not known (not registered by the remission service, or outside your scope).",
    )


def _known(row: Any) -> KnownUpt:
    return KnownUpt(row["upt_code"], row["name"], row["upt_type"], row["kanwil_code"], row["time_zone"])


@functools.cache
def _upt_query(table: Table, for_update: bool) -> Select[Any]:
    query = select(table.c.upt_code, table.c.name, table.c.upt_type, table.c.kanwil_code, table.c.time_zone).where(
        table.c.upt_code == bindparam("upt_code")
    )
    return query.with_for_update() if for_update else query


async def get_upt(
    session: AsyncSession, table: Table, upt_code: str, *, scope: Scope | None = None, for_update: bool = False
) -> KnownUpt | None:
    """The UPT, or None when it is not registered or outside the caller's scope. `for_update`
    locks its row (on PostgreSQL), so that what a UPT owns changes one request at a time."""
    rows = await fetch_rows(session, _upt_query(table, for_update), {"upt_code": upt_code})
    if not rows:
        return None
    found = KnownUpt(*rows[0])
    if scope is not None and not scope.allows(upt_code=found.upt_code, kanwil_code=found.kanwil_code):
        return None
    return found


async def require_upt(
    session: AsyncSession,
    table: Table,
    upt_code: str,
    *,
    scope: Scope | None = None,
    field: str = "upt_code",
    for_update: bool = False,
) -> KnownUpt:
    """The UPT as this service knows it; one not registered, or outside the caller's scope, is
    refused (`upt-registered`, on `field`)."""
    found = await get_upt(session, table, upt_code, scope=scope, for_update=for_update)
    if found is None:
        raise upt_not_registered(upt_code, field)
    return found


async def all_upts(session: AsyncSession, table: Table) -> dict[str, KnownUpt]:
    """Every UPT in the directory, by code."""
    rows = (await session.execute(select(table))).mappings()
    return {r["upt_code"]: _known(r) for r in rows}
