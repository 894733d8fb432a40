"""The UPT directory (pas_shared.directory): the pure parts, and the upsert and the refusal on a
throwaway SQLite file. PostgreSQL is covered by the services' integration tests."""

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Table, select

from pas_shared.api import Scope
from pas_shared.consumer import Received
from pas_shared.db import Database, UnitOfWork, define_platform_tables, new_metadata
from pas_shared.directory import (
    KnownUpt,
    all_upts,
    define_directory_table,
    directory_subscription,
    get_upt,
    latest_rows,
    require_upt,
    upt_not_registered,
)
from pas_shared.errors import RuleViolation
from pas_shared.events import Envelope
from pas_shared.events.remission import FACILITY_REGISTERED, FacilityRegistered
from pas_shared.ids import uuid7

JAYAPURA = KnownUpt("LP-JAYAPURA", "Lapas Kelas IIA Jayapura", "Lapas", "KW-PAPUA", "Asia/Jayapura")
CIPINANG = KnownUpt("LP-CIPINANG", "Lapas Kelas I Cipinang", "Lapas", "KW-DKI", "Asia/Jakarta")


def registered(upt: KnownUpt, **changes: str) -> Received[FacilityRegistered]:
    data = FacilityRegistered(
        upt_code=upt.upt_code,
        name=changes.get("name", upt.name),
        upt_type=changes.get("upt_type", upt.upt_type),
        kanwil_code=changes.get("kanwil_code", upt.kanwil_code),
        capacity=100,
        time_zone=changes.get("time_zone", upt.time_zone),
    )
    envelope = Envelope(
        id=str(uuid7()),
        source="/pas/remission",
        type=FACILITY_REGISTERED.name,
        time=datetime(2026, 8, 17, tzinfo=UTC),
        subject=upt.upt_code,
        dataschema=FACILITY_REGISTERED.dataschema,
        uptcode=upt.upt_code,
        kanwilcode=data.kanwil_code,
        data=data.model_dump(),
    )
    return Received(envelope, data)


def test_today_is_the_upts_own_calendar_date() -> None:
    # 16:30 UTC on 16 August is already 17 August in Jayapura (UTC+9), still 16 August in Jakarta (UTC+7).
    at = datetime(2026, 8, 16, 16, 30, tzinfo=UTC)
    assert JAYAPURA.today(lambda: at) == date(2026, 8, 17)
    assert CIPINANG.today(lambda: at) == date(2026, 8, 16)
    assert CIPINANG.date_at(at) == date(2026, 8, 16)
    assert str(JAYAPURA.zone) == "Asia/Jayapura"


def test_one_refusal_names_the_field_and_the_rule_in_both_languages() -> None:
    refusal = upt_not_registered("LP-NOWHERE", "to_upt_code")
    assert refusal.status == 422
    [error] = refusal.errors
    assert (error.field, error.rule) == ("to_upt_code", "upt-registered")
    assert "LP-NOWHERE" in error.message_id and "tidak dikenal" in error.message_id
    assert "LP-NOWHERE" in error.message_en and "not known" in error.message_en


def test_the_table_and_the_subscription() -> None:
    table = define_directory_table(new_metadata())
    assert table.name == "facilities"
    assert [c.name for c in table.primary_key] == ["upt_code"]
    assert {c.name for c in table.c} == {"upt_code", "name", "upt_type", "kanwil_code", "time_zone"}
    assert all(not c.nullable for c in table.c)
    assert [sorted(c.name for c in i.columns) for i in table.indexes] == [["kanwil_code"]]
    sub = directory_subscription("food-audit", table)
    assert sub.name == "food-audit.facilities"  # the consumer group the services have always used
    assert list(sub.handlers) == [FACILITY_REGISTERED.key]
    assert sub.topics() == [FACILITY_REGISTERED.topic]


def test_within_a_run_the_last_registration_of_a_upt_wins() -> None:
    rows = latest_rows([registered(JAYAPURA), registered(CIPINANG), registered(JAYAPURA, name="Lapas Jayapura (baru)")])
    assert [(r["upt_code"], r["name"]) for r in rows] == [
        ("LP-CIPINANG", CIPINANG.name),
        ("LP-JAYAPURA", "Lapas Jayapura (baru)"),
    ]


@pytest.fixture
async def directory(tmp_path: Path) -> AsyncIterator[tuple[Database, Table]]:
    metadata = new_metadata()
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'directory.db'}", define_platform_tables(metadata))
    table = define_directory_table(metadata)
    async with db.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    try:
        yield db, table
    finally:
        await db.dispose()


async def test_the_upsert_is_idempotent_and_the_latest_registration_wins(directory: tuple[Database, Table]) -> None:
    db, table = directory
    handler = directory_subscription("security", table).handlers[FACILITY_REGISTERED.key]
    first = [registered(JAYAPURA), registered(CIPINANG)]
    for _ in range(2):  # a redelivered batch
        async with UnitOfWork(db) as uow:
            await handler(uow, first)
    async with UnitOfWork(db) as uow:
        await handler(uow, [registered(CIPINANG, upt_type="Rutan"), registered(CIPINANG, name="Lapas Cipinang")])
    async with db.sessions() as session:
        assert (await session.execute(select(table.c.upt_code).order_by(table.c.upt_code))).scalars().all() == [
            "LP-CIPINANG",
            "LP-JAYAPURA",
        ]
        found = await all_upts(session, table)
    assert found["LP-JAYAPURA"] == JAYAPURA
    # Each registration replaces the whole record: the last one in the run wins, type included.
    assert found["LP-CIPINANG"] == KnownUpt("LP-CIPINANG", "Lapas Cipinang", "Lapas", "KW-DKI", "Asia/Jakarta")


async def test_unknown_and_out_of_scope_upts_are_refused_alike(directory: tuple[Database, Table]) -> None:
    db, table = directory
    async with UnitOfWork(db) as uow:
        await directory_subscription("rehabilitation", table).handlers[FACILITY_REGISTERED.key](uow, [registered(CIPINANG)])
    async with db.sessions() as session:
        assert await require_upt(session, table, "LP-CIPINANG") == CIPINANG
        assert await require_upt(session, table, "LP-CIPINANG", scope=Scope("kanwil", "KW-DKI"), for_update=True) == CIPINANG
        assert await get_upt(session, table, "LP-CIPINANG", scope=Scope("upt", "LP-CIPINANG")) == CIPINANG
        assert await get_upt(session, table, "LP-CIPINANG", scope=Scope("kanwil", "KW-JABAR")) is None
        refusals = []
        for code, scope in (("LP-NOWHERE", None), ("LP-CIPINANG", Scope("upt", "LP-SUKAMISKIN"))):
            with pytest.raises(RuleViolation) as refused:
                await require_upt(session, table, code, scope=scope, field="to_upt_code")
            refusals.append([(e.field, e.rule) for e in refused.value.errors])
    assert refusals == [[("to_upt_code", "upt-registered")]] * 2
