"""The gateway's audit trail: every write and every refusal through the gateway is one entry of
an append-only, hash-chained log; verification finds the first entry someone changed; concurrent
requests keep one sound chain (PostgreSQL and SQLite)."""

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy.exc import DBAPIError

from pas_gateway.adapters.tables import platform as gateway_tables
from pas_gateway.app.audit import record, verify
from pas_gateway.domain.audit import GENESIS_HASH, AuditRecord
from pas_gateway.main import SERVICE_ROOT
from pas_shared.db import Database, utcnow
from pas_shared.migrations import upgrade_to_head
from tests.integration.harness import Platform, create_app, free_port, make_token, running

VERIFY_SCRIPT = Path(sys.executable).parent / "pas-gateway-verify-audit"
COLUMNS = "seq, actor, scope, method, path, query, status, client, correlation_id, prev_hash, hash"


def unreachable_services() -> dict[str, str]:
    """Every upstream on a port where nothing listens: writes are answered 503, and recorded."""
    return {
        f"upstream_{name}_url": f"http://127.0.0.1:{free_port()}"
        for name in ("security", "rehabilitation", "remission", "food_audit")
    }


async def entries(platform: Platform) -> list[dict[str, Any]]:
    return [dict(r) for r in await platform.fetch("gateway", f"SELECT {COLUMNS} FROM audit_chain ORDER BY seq")]


async def run_verify(platform: Platform) -> tuple[int, dict[str, Any]]:
    """The console script, as an operator runs it."""
    process = await asyncio.create_subprocess_exec(
        str(VERIFY_SCRIPT), "--database-url", platform.db_url("gateway"), stdout=asyncio.subprocess.PIPE
    )
    out, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, json.loads(out)


async def test_writes_and_refusals_are_chained_reads_are_not(platform: Platform) -> None:
    await platform.create_databases("gateway")
    app = create_app(platform, "gateway", **unreachable_services())
    officer = make_token(scope="kanwil:KW-DKI", subject="officer-7")
    async with running(app, token=officer) as client:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as anonymous:
            write = await client.post(
                "/api/v1/security/incidents?as_draft=true", json={"title": "x"}, headers={"X-Request-ID": "cid-audit-1"}
            )
            assert write.status_code == 503, write.text
            assert (await client.get("/healthz")).status_code == 200  # a read that succeeds: not recorded
            assert (await anonymous.get("/api/v1/security/incidents")).status_code == 401
            no_roles = make_token(roles=[], subject="officer-8")
            forbidden = await client.get("/api/v1/security/incidents", headers={"Authorization": f"Bearer {no_roles}"})
            assert forbidden.status_code == 403
            assert (await client.get("/no-such-page")).status_code == 404

    rows = await entries(platform)
    assert [(r["seq"], r["method"], r["path"], r["status"]) for r in rows] == [
        (1, "POST", "/api/v1/security/incidents", 503),
        (2, "GET", "/api/v1/security/incidents", 401),
        (3, "GET", "/api/v1/security/incidents", 403),
        (4, "GET", "/no-such-page", 404),
    ]
    first = rows[0]
    assert (first["actor"], first["scope"], first["query"], first["correlation_id"], first["client"]) == (
        "officer-7",
        "kanwil:KW-DKI",
        "as_draft=true",
        "cid-audit-1",
        "127.0.0.1",
    )
    assert rows[1]["actor"] == "anonymous" and rows[1]["scope"] == ""
    assert first["prev_hash"] == GENESIS_HASH
    assert [r["prev_hash"] for r in rows[1:]] == [r["hash"] for r in rows[:-1]]
    assert await platform.fetch("gateway", "SELECT seq, hash FROM audit_chain_head") == [(4, rows[-1]["hash"])]

    code, report = await run_verify(platform)
    assert (code, report) == (0, {"ok": True, "entries_checked": 4})


async def test_tampering_is_refused_and_what_gets_through_is_found_at_its_entry(platform: Platform) -> None:
    await platform.create_databases("gateway")
    app = create_app(platform, "gateway", **unreachable_services())
    async with running(app) as client:
        for n in range(5):
            assert (await client.delete(f"/api/v1/remission/facilities/LP-{n}")).status_code == 503
    assert len(await entries(platform)) == 5

    # The database refuses changes and removals outright...
    for statement in ("UPDATE audit_chain SET status = 200 WHERE seq = 3", "DELETE FROM audit_chain WHERE seq = 5"):
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await platform.fetch("gateway", statement)
    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        await platform.fetch("gateway", "DELETE FROM audit_chain_head")

    # ...and what an owner of the database does anyway is found, at the entry changed.
    await platform.fetch("gateway", "ALTER TABLE audit_chain DISABLE TRIGGER audit_chain_append_only")
    await platform.fetch("gateway", "UPDATE audit_chain SET status = 200 WHERE seq = 3")
    code, report = await run_verify(platform)
    assert code == 1
    assert (report["ok"], report["entries_checked"], report["first_broken_entry"], report["rule"]) == (
        False,
        2,
        3,
        "hash-mismatch",
    )

    await platform.fetch("gateway", "UPDATE audit_chain SET status = 503 WHERE seq = 3")  # put back
    assert (await run_verify(platform))[0] == 0
    await platform.fetch("gateway", "DELETE FROM audit_chain WHERE seq = 5")  # cut the end
    code, report = await run_verify(platform)
    assert (code, report["first_broken_entry"], report["rule"]) == (1, 5, "head-mismatch")


async def test_fifty_concurrent_writes_keep_one_chain_on_postgresql(platform: Platform) -> None:
    await platform.create_databases("gateway")
    app = create_app(platform, "gateway", **unreachable_services())
    async with running(app) as client:
        answers = await asyncio.gather(
            *(client.post("/api/v1/rehabilitation/products", json={}, headers={"X-Request-ID": f"cid-{n}"}) for n in range(50))
        )
    assert {a.status_code for a in answers} == {503}
    rows = await entries(platform)
    assert [r["seq"] for r in rows] == list(range(1, 51))
    assert sorted(r["correlation_id"] for r in rows) == sorted(f"cid-{n}" for n in range(50))
    code, report = await run_verify(platform)
    assert (code, report) == (0, {"ok": True, "entries_checked": 50})


async def test_fifty_concurrent_appends_keep_one_chain_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}"
    await asyncio.to_thread(upgrade_to_head, SERVICE_ROOT, url)
    db = Database(url, gateway_tables)
    try:

        def entry(n: int) -> AuditRecord:
            return AuditRecord(utcnow(), f"user-{n}", "national", "POST", "/api/v1/x", "", 201, "127.0.0.1", f"cid-{n}")

        written = await asyncio.gather(*(record(db, entry(n)) for n in range(50)))
        assert sorted(e.seq for e in written) == list(range(1, 51))
        result = await verify(db)
        assert (result.ok, result.checked) == (True, 50)
        async with db.engine.connect() as conn:
            with pytest.raises(DBAPIError, match="append-only"):
                await conn.exec_driver_sql("UPDATE audit_chain SET status = 500 WHERE seq = 1")
    finally:
        await db.dispose()
