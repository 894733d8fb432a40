"""`pas migrate <service|all>`: Alembic to head on each service's database, as the images'
one-shot command (deploy/images/migrate.py) and a starting service do: pas_shared's
upgrade_to_head with the service's own alembic.ini and migrations."""

import sys
from pathlib import Path

from pas_ops.services import PACKAGES, OpsError, database_hint, settings_of, spec_of
from pas_shared.migrations import upgrade_to_head


def migrate(service: str) -> str:
    settings = settings_of(service)
    spec = spec_of(service, settings)
    where = database_hint(service, settings)
    print(f"migrate {service}: {where} ...", file=sys.stderr)
    url = settings.resolved_database_url()
    if url.startswith("sqlite"):
        # The local SQLite file's folder, as a starting service makes it (pas_shared.db.Database).
        Path(url.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
    try:
        upgrade_to_head(spec.root, url)
    except Exception as exc:  # noqa: BLE001 - reported with the variable; the exit code says it failed
        raise OpsError(
            f"Migrasi {service} gagal ({where}): {type(exc).__name__}: {exc}",
            f"Migrating {service} failed ({where}): {type(exc).__name__}: {exc}",
        ) from None
    return f"migrate {service}: database at head"


def migrate_many(which: str) -> list[str]:
    """One service, or `all` in turn; every service's settings are checked before any migrates."""
    services = sorted(PACKAGES) if which == "all" else [which]
    for service in services:
        settings_of(service)
    return [migrate(s) for s in services]
