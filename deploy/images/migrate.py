"""The one-shot migration command of every service image:

    python /app/migrate.py <service>        e.g. python /app/migrate.py security

Runs that service's Alembic migrations to head on its database (PAS_<SERVICE>_DATABASE_URL),
then exits: 0 when the schema is at head, 2 when a setting is missing or malformed (the message
names the environment variable), 1 when a migration failed. Compose runs it as the
`<service>-migrate` one-shot service and Kubernetes as the `<service>-migrate` Job, before the new
version of the service starts; the service images run with PAS_<SERVICE>_MIGRATE_ON_START=false.

It lives in deploy/ (copied into each image) because the services have no console entry point
for migrations of their own yet; it only calls pas_shared.migrations.upgrade_to_head with the
service's own alembic.ini and migrations, exactly as a service does at startup.
"""

import argparse
import importlib
import sys
from pathlib import Path

from pydantic_settings import BaseSettings

from pas_shared.migrations import upgrade_to_head
from pas_shared.settings import SettingsError

PACKAGES = {
    "security": "pas_security",
    "rehabilitation": "pas_rehabilitation",
    "remission": "pas_remission",
    "food-audit": "pas_food_audit",
    "gateway": "pas_gateway",
}


def env_name(settings_cls: type[BaseSettings], field: str) -> str:
    return f"{settings_cls.model_config.get('env_prefix', '')}{field}".upper()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run one service's database migrations to head, then exit.")
    parser.add_argument("service", choices=sorted(PACKAGES))
    args = parser.parse_args(argv)
    package = PACKAGES[args.service]
    settings_cls: type[BaseSettings] = importlib.import_module(f"{package}.settings").Settings
    try:
        settings = settings_cls()
    except SettingsError as exc:  # names each variable, never echoes its value
        for variable, message in exc.problems:
            print(f"migrate {args.service}: invalid setting {variable}: {message}", file=sys.stderr)
        return 2
    url = str(getattr(settings, "database_url", ""))
    if not url:
        print(
            f"migrate {args.service}: {env_name(settings_cls, 'database_url')} is not set "
            "(an image never migrates the laptop's SQLite default)",
            file=sys.stderr,
        )
        return 2
    root = Path(importlib.import_module(f"{package}.main").SERVICE_ROOT)
    try:
        upgrade_to_head(root, url)
    except Exception as exc:  # noqa: BLE001 - reported, and the exit code says it failed
        print(f"migrate {args.service}: migration failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"migrate {args.service}: database at head")
    return 0


if __name__ == "__main__":
    sys.exit(main())
