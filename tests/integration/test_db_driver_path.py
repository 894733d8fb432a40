"""pas_shared.db's direct asyncpg path (bulk_insert, fetch_rows) on the real PostgreSQL: it writes
inside the unit of work's transaction, so a failure rolls it back with everything else; it stores
the same values SQLAlchemy would; and a session's next transaction never writes through the
previous one's connection."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import bindparam, select

from pas_security.adapters.tables import facilities
from pas_security.adapters.tables import platform as security_tables
from pas_shared.db import Database, UnitOfWork, bulk_insert, fetch_rows
from pas_shared.migrations import upgrade_to_head
from tests.integration.harness import ROOT, Platform

UPT = {"upt_code": "LP-DRV01", "name": "Lapas Uji", "upt_type": "Lapas", "kanwil_code": "KW-01", "time_zone": "Asia/Jayapura"}


class Boom(Exception):
    pass


def audit_row(n: int) -> dict[str, object]:
    return {
        "at": datetime(2026, 8, 17, 1, 2, 3, tzinfo=UTC) + timedelta(seconds=n),
        "actor": "uji",
        "action": "test.written",
        "entity_type": "test",
        "entity_id": f"e-{n}",
        "before": None,
        "after": {"n": n, "nama": "Lapas Ñ ✓", "list": [1, 2]},
        "correlation_id": None,
    }


async def audit_rows(platform: Platform) -> list[tuple[object, ...]]:
    rows = await platform.fetch("security", "SELECT entity_id, at, before::text, after::text FROM audit_log ORDER BY entity_id")
    return [tuple(r) for r in rows]


@pytest.fixture
async def db(platform: Platform):  # type: ignore[no-untyped-def]
    await platform.create_databases("security")
    await asyncio.to_thread(upgrade_to_head, ROOT / "services" / "security", platform.db_url("security"))
    database = Database(platform.db_url("security"), security_tables)
    yield database
    await database.dispose()


@pytest.mark.parametrize("rows", [1, 3, 600], ids=["one-row", "executemany", "copy"])
async def test_a_failed_unit_of_work_leaves_nothing_written_through_the_driver(
    platform: Platform, db: Database, rows: int
) -> None:
    # The direct path is the first statement of the transaction: it must begin it itself.
    with pytest.raises(Boom):
        async with UnitOfWork(db) as uow:
            await bulk_insert(uow.session, security_tables.audit_log, [audit_row(n) for n in range(rows)])
            assert await platform.scalar("security", "SELECT count(*) FROM audit_log") == 0  # not visible before commit
            raise Boom
    assert await platform.scalar("security", "SELECT count(*) FROM audit_log") == 0

    async with UnitOfWork(db) as uow:
        await bulk_insert(uow.session, security_tables.audit_log, [audit_row(n) for n in range(rows)])
    assert await platform.scalar("security", "SELECT count(*) FROM audit_log") == rows


async def test_the_driver_path_stores_what_sqlalchemy_stores(platform: Platform, db: Database) -> None:
    async with UnitOfWork(db) as uow:
        await bulk_insert(uow.session, security_tables.audit_log, [audit_row(1)])
    direct = await audit_rows(platform)
    await platform.fetch("security", "DELETE FROM audit_log")
    async with UnitOfWork(db) as uow:
        await uow.session.execute(security_tables.audit_log.insert(), [audit_row(1)])
    through_sqlalchemy = await audit_rows(platform)
    assert direct == through_sqlalchemy
    assert direct[0][1] == datetime(2026, 8, 17, 1, 2, 4, tzinfo=UTC)
    assert direct[0][2] == "null" and '"nama": "Lapas \\u00d1 \\u2713"' in str(direct[0][3])


async def test_fetch_rows_with_parameters_reads_in_the_transaction(db: Database) -> None:
    query = select(facilities.c.upt_code, facilities.c.time_zone).where(facilities.c.upt_code == bindparam("code"))
    async with UnitOfWork(db) as uow:
        await bulk_insert(uow.session, facilities, [UPT])
        assert [tuple(r) for r in await fetch_rows(uow.session, query, {"code": "LP-DRV01"})] == [("LP-DRV01", "Asia/Jayapura")]
        assert list(await fetch_rows(uow.session, query, {"code": "LP-NONE"})) == []


async def test_a_session_s_next_transaction_gets_its_own_connection_state(platform: Platform, db: Database) -> None:
    async with db.sessions() as session:
        await bulk_insert(session, security_tables.audit_log, [audit_row(1)])
        await session.commit()
        await bulk_insert(session, security_tables.audit_log, [audit_row(2)])
        await session.rollback()
        await bulk_insert(session, security_tables.audit_log, [audit_row(3)])
        await session.commit()
    assert [r[0] for r in await audit_rows(platform)] == ["e-1", "e-3"]
