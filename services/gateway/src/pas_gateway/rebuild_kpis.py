"""`pas-gateway-rebuild-kpis`: empty the KPI read models and replay every topic into them.

Stop the gateway first (its KPI consumers must not be running), run this, start the gateway:
its consumers start from the beginning of every topic and rebuild the read models."""

import argparse
import asyncio
import sys
from collections.abc import Sequence

from pas_gateway.adapters.tables import platform
from pas_gateway.app.kpi_rebuild import rebuild_kpis
from pas_gateway.settings import Settings
from pas_shared.db import Database


async def run(settings: Settings) -> dict[str, int]:
    db = Database(settings.resolved_database_url(), platform)
    try:
        return await rebuild_kpis(db, kafka=settings.kafka_connection(), namespace=settings.kafka_namespace)
    finally:
        await db.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pas-gateway-rebuild-kpis", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.parse_args(argv)
    rewound = asyncio.run(run(Settings()))
    for group, partitions in sorted(rewound.items()):
        print(f"{group}: {partitions} partitions rewound to the beginning")
    print("KPI read models emptied; start the gateway to replay every topic into them")
    return 0


if __name__ == "__main__":
    sys.exit(main())
