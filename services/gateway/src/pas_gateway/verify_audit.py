"""`pas-gateway-verify-audit [--database-url URL]`: check the gateway's audit trail, entry by
entry, against its hash chain. Prints the result as JSON; exits 0 when the chain holds, 1 with
the first broken entry (its number, the rule it breaks) when it does not. Without
`--database-url` it reads the gateway's own settings (PAS_GATEWAY_DATABASE_URL)."""

import argparse
import asyncio
import json
import sys

from pas_gateway.adapters.tables import platform
from pas_gateway.app.audit import Verification, verify
from pas_gateway.settings import Settings
from pas_shared.db import Database


async def _verify(url: str) -> Verification:
    db = Database(url, platform)
    try:
        return await verify(db)
    finally:
        await db.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pas-gateway-verify-audit", description=__doc__)
    parser.add_argument("--database-url", default="", help="SQLAlchemy async URL of the gateway's database")
    args = parser.parse_args(argv)
    url = args.database_url or Settings().resolved_database_url()
    result = asyncio.run(_verify(url))
    report: dict[str, object] = {"ok": result.ok, "entries_checked": result.checked}
    if result.broken:
        report["first_broken_entry"] = result.broken.seq
        report["rule"] = result.broken.rule
        report["detail"] = result.broken.detail
    json.dump(report, sys.stdout)
    sys.stdout.write("\n")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
