"""The tables each service's code defines are the tables its migrations create, on PostgreSQL
(a change to a shared table, such as the UPT directory, needs a migration in every service)."""

import asyncio
import importlib
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from pas_shared.migrations import upgrade_to_head
from tests.integration.harness import SERVICES, Platform


@pytest.mark.parametrize("service", ["security", "rehabilitation", "remission", "food-audit", "gateway"])
async def test_migrations_create_the_tables_the_code_defines(platform: Platform, service: str) -> None:
    module, _ = SERVICES[service]
    metadata = importlib.import_module(f"{module}.adapters.tables").metadata
    root = importlib.import_module(f"{module}.main").SERVICE_ROOT
    await platform.create_databases(service)
    await asyncio.to_thread(upgrade_to_head, root, platform.db_url(service))
    engine = create_async_engine(platform.db_url(service))
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync, opts={"compare_type": True}), metadata)
            )
    finally:
        await engine.dispose()
    assert diff == []


@pytest.mark.parametrize("service", ["security", "rehabilitation", "remission", "food-audit", "gateway"])
async def test_migrations_run_on_sqlite_for_make_run(service: str, tmp_path: Path) -> None:
    """`make run` uses SQLite: every migration must run there too (SQLite alters tables only in
    batch mode), and leave the same tables and columns."""
    module, _ = SERVICES[service]
    metadata = importlib.import_module(f"{module}.adapters.tables").metadata
    root = importlib.import_module(f"{module}.main").SERVICE_ROOT
    url = f"sqlite+aiosqlite:///{tmp_path / 'service.db'}"
    await asyncio.to_thread(upgrade_to_head, root, url)
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            found = await conn.run_sync(
                lambda sync: {t: {c["name"] for c in inspect(sync).get_columns(t)} for t in inspect(sync).get_table_names()}
            )
    finally:
        await engine.dispose()
    found.pop("alembic_version", None)
    assert found == {name: {c.name for c in table.columns} for name, table in metadata.tables.items()}
