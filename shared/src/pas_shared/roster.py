"""The local roster: which inmates are in which UPT, kept from remission's inmate events.

Security, rehabilitation and food-audit each keep their own copy in their own database (no
service reads another's tables). The per-UPT headcount is maintained incrementally, so it
also shows at once if an event were ever applied twice.
"""

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter
from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, Table, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from pas_shared.api import DatabaseDep, ScopeDep
from pas_shared.consumer import Received, Subscription
from pas_shared.db import UnitOfWork
from pas_shared.errors import NotFound, RuleViolation
from pas_shared.events.remission import (
    INMATE_ADMITTED,
    INMATE_RELEASED,
    INMATE_TRANSFERRED,
    InmateAdmitted,
    InmateReleased,
    InmateTransferred,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RosterTables:
    roster: Table
    headcount: Table


def define_roster_tables(metadata: MetaData) -> RosterTables:
    roster = Table(
        "roster",
        metadata,
        Column("inmate_id", String(36), primary_key=True),
        Column("upt_code", String(32), nullable=False, index=True),
        Column("kanwil_code", String(32), nullable=False),
        Column("custody_status", String(16), nullable=False),
        Column("is_child", Boolean, nullable=False),
        Column("admitted_on", Date, nullable=False),
        Column("released_on", Date, nullable=True),
    )
    headcount = Table(
        "upt_headcount",
        metadata,
        Column("upt_code", String(32), primary_key=True),
        Column("kanwil_code", String(32), nullable=False),
        Column("population", Integer, nullable=False),
    )
    return RosterTables(roster, headcount)


def roster_subscription(service: str, tables: RosterTables) -> Subscription:
    sub = Subscription(name=f"{service}.roster")
    roster, headcount = tables.roster, tables.headcount

    upserts = {}
    for name, dialect_insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert)):
        stmt = dialect_insert(headcount).values(
            upt_code=bindparam("h_upt"), kanwil_code=bindparam("h_kanwil"), population=bindparam("h_n")
        )
        upserts[name] = stmt.on_conflict_do_update(
            index_elements=[headcount.c.upt_code], set_={"population": headcount.c.population + stmt.excluded.population}
        )

    async def add_to_headcount(uow: UnitOfWork, deltas: Counter[tuple[str, str]]) -> None:
        rows = [{"h_upt": upt, "h_kanwil": kanwil, "h_n": n} for (upt, kanwil), n in sorted(deltas.items())]
        await uow.session.execute(upserts[uow.db.engine.dialect.name], rows)

    @sub.on(INMATE_ADMITTED)
    async def admitted(uow: UnitOfWork, events: list[Received[InmateAdmitted]]) -> None:
        await uow.session.execute(
            insert(roster),
            [
                {
                    "inmate_id": e.data.inmate_id,
                    "upt_code": e.data.upt_code,
                    "kanwil_code": e.data.kanwil_code,
                    "custody_status": e.data.custody_status.value,
                    "is_child": e.data.is_child,
                    "admitted_on": e.data.admitted_on,
                }
                for e in events
            ],
        )
        await add_to_headcount(uow, Counter((e.data.upt_code, e.data.kanwil_code) for e in events))

    @sub.on(INMATE_RELEASED)
    async def released(uow: UnitOfWork, events: list[Received[InmateReleased]]) -> None:
        await uow.session.execute(
            update(roster).where(roster.c.inmate_id == bindparam("b_inmate_id")).values(released_on=bindparam("b_released_on")),
            [{"b_inmate_id": e.data.inmate_id, "b_released_on": e.data.released_on} for e in events],
        )
        for upt, n in sorted(Counter(e.data.upt_code for e in events).items()):
            await uow.session.execute(
                update(headcount).where(headcount.c.upt_code == upt).values(population=headcount.c.population - n)
            )

    @sub.on(INMATE_TRANSFERRED)
    async def transferred(uow: UnitOfWork, events: list[Received[InmateTransferred]]) -> None:
        """Move each inmate to the new UPT and Kanwil, and one head from one headcount to the other.
        A transfer is applied only to an inmate this roster holds, not released, in the UPT the
        transfer starts from: applied twice it does nothing the second time, and a transfer of an
        inmate whose admission never reached this roster is skipped (logged), not a crash."""
        ids = sorted({e.data.inmate_id for e in events})
        query = select(roster.c.inmate_id, roster.c.upt_code, roster.c.released_on).where(roster.c.inmate_id.in_(ids))
        held_in = {i: upt for i, upt, released_on in (await uow.session.execute(query)).all() if released_on is None}
        moved: dict[str, tuple[str, str]] = {}
        deltas: Counter[tuple[str, str]] = Counter()
        for e in events:
            d = e.data
            if held_in.get(d.inmate_id) != d.from_upt_code:
                log.warning(
                    "transfer %s skipped: inmate %s is not held in %s on this roster (here: %s)",
                    d.transfer_id,
                    d.inmate_id,
                    d.from_upt_code,
                    held_in.get(d.inmate_id),
                )
                continue
            held_in[d.inmate_id] = d.to_upt_code
            moved[d.inmate_id] = (d.to_upt_code, d.to_kanwil_code)
            deltas[(d.from_upt_code, d.from_kanwil_code)] -= 1
            deltas[(d.to_upt_code, d.to_kanwil_code)] += 1
        if moved:
            await uow.session.execute(
                update(roster)
                .where(roster.c.inmate_id == bindparam("b_inmate_id"))
                .values(upt_code=bindparam("b_upt_code"), kanwil_code=bindparam("b_kanwil_code")),
                [{"b_inmate_id": i, "b_upt_code": upt, "b_kanwil_code": kanwil} for i, (upt, kanwil) in sorted(moved.items())],
            )
        changed = Counter({k: n for k, n in deltas.items() if n != 0})
        if changed:
            await add_to_headcount(uow, changed)

    return sub


def roster_router(tables: RosterTables) -> APIRouter:
    """GET /api/v1/roster/{upt_code}: this service's local headcount of one UPT."""
    router = APIRouter(prefix="/api/v1", tags=["roster"])

    @router.get("/roster/{upt_code}", operation_id="getRosterHeadcount")
    async def headcount(upt_code: str, db: DatabaseDep, scope: ScopeDep) -> dict[str, object]:
        """A UPT outside the caller's scope is not found; a UPT the roster has not heard of
        counts 0 for a national caller (and is not found for the others: its Kanwil is unknown)."""
        query = select(tables.headcount.c.population, tables.headcount.c.kanwil_code).where(
            tables.headcount.c.upt_code == upt_code
        )
        async with db.sessions() as session:
            row = (await session.execute(query)).one_or_none()
        visible = scope.level == "national" or (row is not None and scope.allows(upt_code=upt_code, kanwil_code=row[1]))
        if not visible:
            raise NotFound(id=f"UPT {upt_code} tidak ditemukan.", en=f"UPT {upt_code} not found.")
        return {"upt_code": upt_code, "population": int(row[0]) if row is not None else 0}

    return router


@dataclass(frozen=True)
class RosterEntry:
    """One inmate on this service's local roster."""

    inmate_id: str
    upt_code: str
    kanwil_code: str
    released_on: date | None


async def require_on_roster(session: AsyncSession, tables: RosterTables, inmate_id: str, upt_code: str) -> RosterEntry:
    """The inmate must be held in that UPT now, as this service's local roster knows it."""
    r = tables.roster
    query = select(r.c.inmate_id, r.c.upt_code, r.c.kanwil_code, r.c.released_on).where(r.c.inmate_id == inmate_id)
    row = (await session.execute(query)).mappings().first()
    if row is None or row["upt_code"] != upt_code or row["released_on"] is not None:
        raise RuleViolation(
            "inmate_id",
            "inmate-in-roster",
            id=f"WBP {inmate_id} tidak tercatat sebagai penghuni {upt_code}.",
            en=f"Inmate {inmate_id} is not on the roster of {upt_code}.",
        )
    return RosterEntry(row["inmate_id"], row["upt_code"], row["kanwil_code"], row["released_on"])
