"""The incident-intake path after its speed-up (bench/incident_intake.py): pooled connections the
server closed are replaced, not handed to a request (the pool's liveness check that stands in for
`pool_pre_ping`), and a critical report writes its rows, deadlines, one outbox row and one audit
row."""

import asyncio

from tests.integration.harness import Platform, create_app, running
from tests.integration.test_security_incidents import riot

UPT = ("LP-CIPINANG", "Lapas Kelas I Cipinang", "Lapas", "KW-DKI", "Asia/Jakarta")


async def test_a_pooled_connection_the_server_closed_is_replaced(platform: Platform) -> None:
    await platform.create_databases("security")
    # No relay, consumers or jobs: the requests are the pool's only users (a relay meeting a dead
    # connection first would have the whole pool renewed, hiding what this checks).
    app = create_app(platform, "security", relay_enabled=False, consumers_enabled=False, jobs_enabled=False)
    async with running(app) as security:
        await platform.fetch(
            "security",
            "INSERT INTO facilities (upt_code, name, upt_type, kanwil_code, time_zone) VALUES ($1, $2, $3, $4, $5)",
            *UPT,
        )
        first = await security.post("/api/v1/incidents", json=riot())
        assert first.status_code == 201, first.text
        assert {e["level"] for e in first.json()["escalations"]} == {"kanwil", "headquarters"}

        # The server ends every session of the service (as a restart or an administrator would).
        ended = await platform.fetch(
            "security",
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        assert ended and all(r[0] for r in ended)
        await asyncio.sleep(0.3)  # the closed sockets reach the event loop

        for _ in range(3):  # each would get a dead pooled connection without the check
            again = await security.post("/api/v1/incidents", json=riot(title="Kerusuhan blok D"))
            assert again.status_code == 201, again.text

        assert await platform.scalar("security", "SELECT count(*) FROM incidents") == 4
        assert await platform.scalar("security", "SELECT count(*) FROM incident_escalations") == 8
        assert (
            await platform.scalar("security", "SELECT count(*) FROM outbox WHERE event_type = 'pas.security.incident.reported'")
            == 4
        )
        assert await platform.scalar("security", "SELECT count(*) FROM audit_log WHERE action = 'incident.recorded'") == 4
