"""Security incidents over HTTP on the real database and broker: the review lifecycle with its
events on Kafka, escalation deadlines, refusals that write nothing, and the caller's scope."""

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request, Response

from pas_shared.api import Scope
from tests.integration.harness import Platform, create_app, running, until_equal
from tests.integration.test_event_flow import FACILITY, admission

SECOND_FACILITY = FACILITY | {
    "upt_code": "LP-MAKASSAR",
    "name": "Lapas Kelas I Makassar",
    "kanwil_code": "KW-SULSEL",
    "time_zone": "Asia/Makassar",
}


class FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def with_test_scope(app: FastAPI) -> None:
    """Stands in for authentication (issue 7): `X-Test-Scope: upt:LP-X` or `kanwil:KW-X`."""

    @app.middleware("http")
    async def scope_from_header(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if given := request.headers.get("x-test-scope"):
            level, code = given.split(":", 1)
            request.state.scope = Scope(level, code)  # type: ignore[arg-type]
        return await call_next(request)


def riot(**changes: Any) -> dict[str, Any]:
    return {
        "upt_code": "LP-CIPINANG",
        "category": "riot",
        "severity": "high",
        "title": "Kerusuhan blok C",
        "location": "Blok C",
        "narrative": "Keributan saat pembagian makanan, dua WBP terluka.",
        "occurred_at": "2026-03-10T18:30:00",  # WIB wall time: 11:30 UTC
        "people": [],
        "actions": [{"taken_at": "2026-03-10T18:45:00+07:00", "description": "Regu jaga menutup blok C"}],
    } | changes


async def counts(platform: Platform) -> tuple[int, int, int]:
    return (
        await platform.scalar("security", "SELECT count(*) FROM incidents"),
        await platform.scalar("security", "SELECT count(*) FROM outbox"),
        await platform.scalar("security", "SELECT count(*) FROM audit_log"),
    )


async def facilities_known(platform: Platform, n: int) -> None:
    async def known() -> int:
        return int(await platform.scalar("security", "SELECT count(*) FROM facilities"))

    await until_equal(known, n, what="security knows the registered UPTs")


async def test_incident_lifecycle_with_escalations_and_events_on_kafka(platform: Platform) -> None:
    await platform.create_databases("remission", "security")
    security_app = create_app(platform, "security")
    clock = FixedClock(datetime(2026, 3, 10, 12, 0, tzinfo=UTC))  # 19:00 WIB, 30 minutes after the riot
    security_app.state.clock = clock
    async with running(create_app(platform, "remission")) as remission, running(security_app) as security:
        assert (await remission.post("/api/v1/facilities", json=FACILITY)).status_code == 201
        inmate_id = (await remission.post("/api/v1/inmates", json=admission(1) | {"admitted_on": "2026-01-10"})).json()[
            "inmate_id"
        ]

        async def on_roster() -> int:
            return int((await security.get("/api/v1/roster/LP-CIPINANG")).json()["population"])

        await until_equal(on_roster, 1, what="security's roster has the inmate")
        await facilities_known(platform, 1)

        people = [
            {"kind": "inmate", "role": "perpetrator", "inmate_id": inmate_id},
            {"kind": "inmate", "role": "victim", "inmate_id": "not-on-any-roster"},
            {"kind": "officer", "role": "responder", "name": "Budi Santoso", "nip": "198501012010011001"},
        ]
        response = await security.post("/api/v1/incidents", json=riot(people=people))
        assert response.status_code == 201, response.text
        incident = response.json()
        incident_id = incident["incident_id"]
        assert (incident["status"], incident["kanwil_code"], incident["critical"]) == ("reported", "KW-DKI", True)
        assert incident["occurred_at"] == "2026-03-10T11:30:00Z"
        assert incident["occurred_local"] == "2026-03-10T18:30:00+07:00"
        assert [p["verified"] for p in incident["people"]] == [True, False, None]
        assert (incident["inmates_involved"], incident["unverified_inmates"], incident["officers_involved"]) == (2, 1, 1)
        escalations = {e["level"]: e for e in incident["escalations"]}
        assert escalations["kanwil"]["due_at"] == "2026-03-10T12:30:00Z"  # 1 hour (rule data, unconfirmed)
        assert escalations["headquarters"]["due_at"] == "2026-03-10T14:30:00Z"  # 3 hours
        assert {e["state"] for e in incident["escalations"]} == {"running"}

        flagged = (await security.get("/api/v1/incidents", params={"unverified": "true"})).json()
        assert [i["incident_id"] for i in flagged["items"]] == [incident_id]

        # Kanwil told on time at 19:15 WIB; by 21:40 WIB headquarters is overdue.
        clock.at = datetime(2026, 3, 10, 12, 20, tzinfo=UTC)
        response = await security.post(
            f"/api/v1/incidents/{incident_id}/escalations", json={"level": "kanwil", "escalated_at": "2026-03-10T19:15:00+07:00"}
        )
        assert response.status_code == 200, response.text
        clock.at = datetime(2026, 3, 10, 14, 40, tzinfo=UTC)
        overdue = (await security.get("/api/v1/incidents/escalations/overdue")).json()
        assert overdue["total"] == 1
        assert (overdue["items"][0]["level"], overdue["items"][0]["hours_overdue"]) == ("headquarters", 0.17)
        states = {e["level"]: e["state"] for e in (await security.get(f"/api/v1/incidents/{incident_id}")).json()["escalations"]}
        assert states == {"kanwil": "met", "headquarters": "overdue"}

        async def step(to: str, why: str = "tinjauan Kanwil") -> Any:
            return await security.post(f"/api/v1/incidents/{incident_id}/transitions", json={"to": to, "why": why})

        assert (await step("under-review")).status_code == 200
        assert (await step("needs-update", "jumlah korban belum jelas")).status_code == 200
        before = await counts(platform)
        refused = await step("under-review")
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["rule"] == "addendum-required"
        assert await counts(platform) == before

        addendum = {
            "text": "Korban dua orang; satu dirujuk ke RSUD.",
            "actions": [{"taken_at": "2026-03-10T20:00:00", "description": "Rujukan ke RSUD"}],
        }
        response = await security.post(f"/api/v1/incidents/{incident_id}/addenda", json=addendum)
        assert response.status_code == 201, response.text
        assert response.json()["narrative"] == riot()["narrative"]  # never rewritten
        assert [a["seq"] for a in response.json()["actions"]] == [1, 2]
        assert (await step("under-review")).status_code == 200
        closed = await step("closed", "ditutup")
        assert closed.status_code == 200, closed.text
        body = closed.json()
        assert [(t["from_status"], t["to_status"]) for t in body["transitions"]] == [
            (None, "draft"),
            ("draft", "reported"),
            ("reported", "under-review"),
            ("under-review", "needs-update"),
            ("needs-update", "under-review"),
            ("under-review", "closed"),
        ]
        again = await step("under-review")
        assert again.status_code == 409 and again.json()["errors"][0]["rule"] == "status-transition"

        records = await platform.records("pas.security.incident.v1", at_least=4)
        seen = []
        for r in records:
            headers = {k: v.decode() for k, v in r.headers}
            assert (headers["ce_uptcode"], headers["ce_kanwilcode"], r.key) == ("LP-CIPINANG", "KW-DKI", incident_id.encode())
            seen.append(headers["ce_type"])
        assert seen == [
            "pas.security.incident.reported",
            "pas.security.incident.escalated",
            "pas.security.incident.amended",
            "pas.security.incident.closed",
        ]
        reported = json.loads(records[0].value)
        assert (reported["category"], reported["unverified_inmates"], reported["occurred_on"]) == ("riot", 1, "2026-03-10")
        escalated = json.loads(records[1].value)
        assert (escalated["level"], escalated["on_time"]) == ("kanwil", True)
        assert await platform.scalar("security", "SELECT count(*) FROM audit_log WHERE entity_id = $1", incident_id) == 7


async def test_refused_incidents_write_nothing(platform: Platform) -> None:
    await platform.create_databases("remission", "security")
    security_app = create_app(platform, "security")
    security_app.state.clock = FixedClock(datetime(2026, 3, 10, 12, 0, tzinfo=UTC))
    async with running(create_app(platform, "remission")) as remission, running(security_app) as security:
        assert (await remission.post("/api/v1/facilities", json=FACILITY)).status_code == 201
        await facilities_known(platform, 1)
        before = await counts(platform)
        cases = [
            (riot(category="picnic"), "category", "category-listed"),
            (riot(severity="apocalyptic"), "severity", "severity-listed"),
            (riot(upt_code="LP-NOWHERE"), "upt_code", "upt-registered"),
            (riot(occurred_at="2026-03-10T20:00:00"), "occurred_at", "not-in-future"),  # 20:00 WIB is after 19:00 WIB
            (riot(people=[{"kind": "officer", "role": "responder"}]), "people[0].name", "officer-by-name"),
            (riot(people=[{"kind": "inmate", "role": "cheerleader", "inmate_id": "x"}]), "people[0].role", "role-listed"),
            (
                riot(actions=[{"taken_at": "2026-03-10T18:00:00", "description": "sebelum"}]),
                "actions[0].taken_at",
                "not-before-incident",
            ),
            (riot(narrative="pendek"), "narrative", "string_too_short"),
            (riot(secret="x"), "secret", "extra_forbidden"),
        ]
        for body, field, rule in cases:
            response = await security.post("/api/v1/incidents", json=body)
            assert response.status_code == 422, (body, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert {"field": field, "rule": rule} in [
                {"field": e["field"], "rule": e["rule"]} for e in response.json()["errors"]
            ], response.text
        assert await counts(platform) == before == (0, 0, 0)
        missing = await security.post("/api/v1/incidents/nope/transitions", json={"to": "closed", "why": "tidak ada"})
        assert missing.status_code == 404
        assert await counts(platform) == before


async def test_lists_and_reads_honour_the_callers_scope(platform: Platform) -> None:
    await platform.create_databases("remission", "security")
    security_app = create_app(platform, "security")
    security_app.state.clock = FixedClock(datetime(2026, 3, 20, 3, 0, tzinfo=UTC))
    with_test_scope(security_app)
    async with running(create_app(platform, "remission")) as remission, running(security_app) as security:
        for facility in (FACILITY, SECOND_FACILITY):
            assert (await remission.post("/api/v1/facilities", json=facility)).status_code == 201
        await facilities_known(platform, 2)

        async def create(**changes: Any) -> str:
            response = await security.post("/api/v1/incidents", json=riot(**({"actions": []} | changes)))
            assert response.status_code == 201, response.text
            return str(response.json()["incident_id"])

        jakarta = await create(category="fight", severity="low")
        jakarta_copy = await create(category="fight", severity="low")
        makassar = await create(upt_code="LP-MAKASSAR", occurred_at="2026-03-15T23:30:00")  # WITA wall time
        draft = await create(category="smuggling-phones", severity="medium", occurred_at="2026-03-01T10:00:00", as_draft=True)
        response = await security.post(
            f"/api/v1/incidents/{jakarta_copy}/transitions",
            json={"to": "duplicate", "why": "laporan ganda", "duplicate_of": jakarta},
        )
        assert response.status_code == 200, response.text

        makassar_only = {"x-test-scope": "upt:LP-MAKASSAR"}
        listed = (await security.get("/api/v1/incidents", headers=makassar_only)).json()
        assert (listed["total"], [i["incident_id"] for i in listed["items"]]) == (1, [makassar])
        assert listed["items"][0]["occurred_on"] == "2026-03-15"
        assert (await security.get(f"/api/v1/incidents/{jakarta}", headers=makassar_only)).status_code == 404
        before = await counts(platform)
        moved = await security.post(
            f"/api/v1/incidents/{jakarta}/transitions",
            json={"to": "under-review", "why": "bukan wilayahnya"},
            headers=makassar_only,
        )
        assert moved.status_code == 404
        foreign = await security.post("/api/v1/incidents", json=riot(), headers=makassar_only)
        assert foreign.status_code == 422 and foreign.json()["errors"][0]["rule"] == "upt-registered"
        assert await counts(platform) == before

        dki = (await security.get("/api/v1/incidents", headers={"x-test-scope": "kanwil:KW-DKI"})).json()
        assert {i["incident_id"] for i in dki["items"]} == {jakarta, jakarta_copy, draft}
        national = await security.get("/api/v1/incidents", params={"from": "2026-03-10", "to": "2026-03-15", "limit": 2})
        assert (national.json()["total"], len(national.json()["items"])) == (3, 2)
        assert national.json()["items"][0]["incident_id"] == makassar  # latest first
        by_status = (await security.get("/api/v1/incidents", params={"status": "draft"})).json()
        assert [i["incident_id"] for i in by_status["items"]] == [draft]
        by_category = (await security.get("/api/v1/incidents", params={"category": "fight", "kanwil_code": "KW-DKI"})).json()
        assert by_category["total"] == 2

        # The duplicate and the draft are left out of the statistics.
        tally = (await security.get("/api/v1/incidents/counts")).json()
        assert tally["total"] == 2
        assert {(c["upt_code"], c["category"], c["count"]) for c in tally["items"]} == {
            ("LP-CIPINANG", "fight", 1),
            ("LP-MAKASSAR", "riot", 1),
        }
        scoped = (await security.get("/api/v1/incidents/counts", headers=makassar_only)).json()
        assert scoped["total"] == 1
        # The Makassar riot is critical and nobody escalated it: both deadlines are overdue, seen only in scope.
        overdue = (await security.get("/api/v1/incidents/escalations/overdue", headers={"x-test-scope": "kanwil:KW-DKI"})).json()
        assert overdue["total"] == 0
        overdue = (await security.get("/api/v1/incidents/escalations/overdue", headers=makassar_only)).json()
        assert sorted(i["level"] for i in overdue["items"]) == ["headquarters", "kanwil"]
