"""A service's database as the tool opens it, and its failures as clear messages."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

from pas_ops.services import OpsError, Target, database_hint, spec_of
from pas_shared.db import Database


@asynccontextmanager
async def opened(t: Target) -> AsyncIterator[Database]:
    """The service's database with its own platform tables; a database that cannot be reached,
    or that has not been migrated, is reported naming the variable (never the URL)."""
    spec = spec_of(t.service, t.settings)
    db = Database(t.settings.resolved_database_url(), spec.tables)
    where = database_hint(t.service, t.settings)
    try:
        yield db
    except (ProgrammingError, OperationalError) as exc:
        text = str(exc.orig if isinstance(exc, DBAPIError) else exc)
        if "no such table" in text or "does not exist" in text:
            raise OpsError(
                f"Basis data {t.service} belum dimigrasi ({where}): jalankan `pas migrate {t.service}` dulu. [{text[:200]}]",
                f"The {t.service} database is not migrated ({where}): run `pas migrate {t.service}` first. [{text[:200]}]",
            ) from None
        raise OpsError(
            f"Basis data {t.service} tidak dapat dipakai ({where}): {text[:300]}",
            f"The {t.service} database cannot be used ({where}): {text[:300]}",
        ) from None
    except OSError as exc:
        raise OpsError(
            f"Basis data {t.service} tidak dapat dihubungi ({where}): {exc}",
            f"The {t.service} database cannot be reached ({where}): {exc}",
        ) from None
    finally:
        await db.dispose()
