"""Alembic helpers shared by every service's migrations (the same migrations serve PostgreSQL
and SQLite; on SQLite, ALTERs run in batch mode)."""

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from pas_shared.db import define_platform_tables, new_metadata


def run_env(target_metadata: MetaData) -> None:
    """Body of a service's `migrations/env.py`."""
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL: set it with upgrade_to_head() or -x/ini sqlalchemy.url")

    def configure(connection: Connection | None = None) -> None:
        context.configure(
            connection=connection,
            url=None if connection is not None else url,
            target_metadata=target_metadata,
            render_as_batch=url.startswith("sqlite"),
            compare_type=True,
        )

    if context.is_offline_mode():
        configure()
        with context.begin_transaction():
            context.run_migrations()
        return

    def migrate(connection: Connection) -> None:
        configure(connection)
        with context.begin_transaction():
            context.run_migrations()

    async def online() -> None:
        engine = create_async_engine(url)
        async with engine.connect() as connection:
            await connection.run_sync(migrate)
        await engine.dispose()

    asyncio.run(online())


def upgrade_to_head(service_root: Path, url: str) -> None:
    """`alembic upgrade head` for the service whose alembic.ini lives in `service_root`."""
    config = Config(str(service_root / "alembic.ini"))
    config.set_main_option("script_location", str(service_root / "migrations"))
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "head")


def create_platform_tables_v1() -> None:
    """Create the outbox, inbox and audit tables as of platform schema v1. A later change to
    those tables gets its own helper (v2) so old migrations keep meaning what they meant."""
    metadata = new_metadata()
    define_platform_tables(metadata)
    metadata.create_all(context.get_bind())


def drop_platform_tables_v1() -> None:
    metadata = new_metadata()
    define_platform_tables(metadata)
    metadata.drop_all(context.get_bind())


def create_roster_tables_v1() -> None:
    """The local roster (security, rehabilitation, food-audit) as of schema v1."""
    from pas_shared.roster import define_roster_tables

    metadata = new_metadata()
    define_roster_tables(metadata)
    metadata.create_all(context.get_bind())


def drop_roster_tables_v1() -> None:
    from pas_shared.roster import define_roster_tables

    metadata = new_metadata()
    define_roster_tables(metadata)
    metadata.drop_all(context.get_bind())
