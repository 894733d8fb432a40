"""Officers over HTTP on the real database and broker: registration, trainings and the
certifications they give with expiry warnings, training coverage, inmates per guard from the
roster's headcount, internal discipline, events on Kafka without personal data, refusals that
write nothing, and the caller's scope."""

import json
from datetime import UTC, datetime
from typing import Any

import httpx

from tests.integration.harness import Platform, create_app, running, until_equal
from tests.integration.test_event_flow import FACILITY, admission
from tests.integration.test_security_incidents import SECOND_FACILITY, FixedClock, facilities_known, with_test_scope

MAKASSAR_ONLY = {"x-test-scope": "upt:LP-MAKASSAR"}


def officer(nip_tail: int, **changes: Any) -> dict[str, Any]:
    return {
        "nip": f"1985010120100110{nip_tail:02d}",
        "name": f"Petugas {nip_tail}",
        "position": "penjaga-tahanan",
        "post": "Regu jaga II",
        "upt_code": "LP-CIPINANG",
        "assigned_on": "2020-01-02",
    } | changes


def training(kind: str, completed_on: str, passed: bool = True, **changes: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "completed_on": completed_on,
        "passed": passed,
        "hours": 40,
        "provider": "Poltekip",
        "certificate_no": f"SERT-{kind}-{completed_on}" if passed else None,
    } | changes


async def counts(platform: Platform) -> tuple[int, ...]:
    return tuple(
        [
            await platform.scalar("security", f"SELECT count(*) FROM {table}")
            for table in ("officers", "officer_trainings", "officer_sanctions", "outbox", "audit_log")
        ]
    )


async def register(security: httpx.AsyncClient, body: dict[str, Any]) -> str:
    response = await security.post("/api/v1/officers", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["officer_id"])


async def train(security: httpx.AsyncClient, officer_id: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await security.post(f"/api/v1/officers/{officer_id}/trainings", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_officers_trainings_coverage_ratio_and_events(platform: Platform) -> None:
    await platform.create_databases("remission", "security")
    security_app = create_app(platform, "security")
    security_app.state.clock = FixedClock(datetime(2026, 3, 10, 3, 0, tzinfo=UTC))  # 10:00 WIB
    with_test_scope(security_app)
    async with running(create_app(platform, "remission")) as remission, running(security_app) as security:
        for facility in (FACILITY, SECOND_FACILITY):
            assert (await remission.post("/api/v1/facilities", json=facility)).status_code == 201
        for n in range(1, 4):
            response = await remission.post("/api/v1/inmates", json=admission(n) | {"admitted_on": "2026-01-10"})
            assert response.status_code == 201, response.text
        await facilities_known(platform, 2)

        async def on_roster() -> int:
            return int((await security.get("/api/v1/roster/LP-CIPINANG")).json()["population"])

        await until_equal(on_roster, 3, what="security's roster has the inmates")

        guard = await register(security, officer(1))
        commander = await register(security, officer(2, position="komandan-regu"))
        clerk = await register(security, officer(3, position="staf-administrasi", post="Registrasi"))
        makassar_guard = await register(security, officer(4, upt_code="LP-MAKASSAR"))

        # 36 months (rule data) from 20 Mar 2023: valid through 19 Mar 2026, 9 days left on 10 Mar.
        first = await train(security, guard, training("guarding", "2023-03-20"))
        assert first["valid_until"] == "2026-03-19"
        await train(security, guard, training("searching", "2025-01-10"))
        failed = await train(security, guard, training("patrol", "2025-02-01", passed=False))
        assert (failed["valid_until"], failed["certificate_no"]) == (None, None)
        await train(security, commander, training("guarding", "2026-03-01"))
        firearms = await train(security, commander, training("firearms", "2025-03-15"))  # 12 months: through 14 Mar 2026
        assert firearms["valid_until"] == "2026-03-14"
        await train(security, commander, training("patrol", "2022-01-01"))  # through 31 Dec 2024: expired

        expiring = (await security.get("/api/v1/officers/certifications/expiring")).json()
        assert expiring["within_days"] == 60
        assert [(e["officer_id"], e["kind"], e["days_left"], e["state"]) for e in expiring["items"]] == [
            (commander, "firearms", 4, "expiring"),
            (guard, "guarding", 9, "expiring"),
        ]
        with_expired = (await security.get("/api/v1/officers/certifications/expiring", params={"include_expired": "true"})).json()
        assert (with_expired["items"][0]["kind"], with_expired["items"][0]["state"]) == ("patrol", "expired")
        assert with_expired["total"] == 3

        detail = (await security.get(f"/api/v1/officers/{guard}")).json()
        assert [(t["kind"], t["state"]) for t in detail["trainings"]] == [
            ("guarding", "expiring"),
            ("searching", "valid"),
            ("patrol", "not-passed"),
        ]

        coverage = (await security.get("/api/v1/officers/training-coverage", params={"upt_code": "LP-CIPINANG"})).json()
        [cipinang] = coverage["items"]
        kinds = {k["kind"]: (k["required"], k["certified"], k["share_pct"]) for k in cipinang["kinds"]}
        assert kinds["guarding"] == (2, 2, 100.0)
        assert kinds["patrol"] == (2, 0, 0.0)  # the guard failed, the commander's expired
        assert kinds["searching"] == (2, 1, 50.0)
        assert kinds["firearms"] == (1, 1, 100.0)
        assert kinds["escort"] == (0, 0, None)
        assert (cipinang["on"], cipinang["officers"], cipinang["needing_training"], cipinang["fully_trained"]) == (
            "2026-03-10",
            3,
            2,
            0,
        )
        # On 20 March the guard's guarding certification has lapsed, the commander's firearms too.
        later = (
            await security.get("/api/v1/officers/training-coverage", params={"upt_code": "LP-CIPINANG", "on": "2026-03-20"})
        ).json()
        later_kinds = {k["kind"]: k["share_pct"] for k in later["items"][0]["kinds"]}
        assert (later_kinds["guarding"], later_kinds["firearms"]) == (50.0, 0.0)

        # Renewed: the old certification is no longer a warning.
        await train(security, guard, training("guarding", "2026-03-09"))
        expiring = (await security.get("/api/v1/officers/certifications/expiring")).json()
        assert [(e["officer_id"], e["kind"]) for e in expiring["items"]] == [(commander, "firearms")]

        ratio = (await security.get("/api/v1/officers/guard-ratio")).json()
        rows = {r["upt_code"]: (r["population"], r["guards"], r["inmates_per_guard"]) for r in ratio["items"]}
        assert rows == {"LP-CIPINANG": (3, 2, 1.5), "LP-MAKASSAR": (0, 1, 0.0)}  # the clerk is not a guard
        assert (ratio["all_listed"]["population"], ratio["all_listed"]["guards"], ratio["all_listed"]["inmates_per_guard"]) == (
            3,
            3,
            1.0,
        )
        assert ratio["reference_inmates_per_guard"] == 34

        action = {
            "level": "sedang",
            "penalty": "potongan-tukin-enam-bulan",
            "reason": "halinar-phone",
            "decided_on": "2026-03-05",
            "decree_no": "W10.PAS.PAS1-KP.04.01-12",
        }
        response = await security.post(f"/api/v1/officers/{clerk}/disciplinary-actions", json=action)
        assert response.status_code == 201, response.text

        response = await security.post(
            f"/api/v1/officers/{commander}/assignment",
            json={"position": "komandan-regu", "post": "Regu jaga I", "upt_code": "LP-MAKASSAR", "assigned_on": "2026-03-10"},
        )
        assert response.status_code == 200, response.text
        ratio = (await security.get("/api/v1/officers/guard-ratio", params={"upt_code": "LP-CIPINANG"})).json()
        assert ratio["items"][0]["guards"] == 1
        response = await security.post(
            f"/api/v1/officers/{clerk}/separation", json={"separated_on": "2026-03-09", "reason": "retired"}
        )
        assert response.status_code == 200 and response.json()["status"] == "separated"

        # Scope: a Makassar officer sees Makassar's officers only; the others are not found.
        listed = (await security.get("/api/v1/officers", headers=MAKASSAR_ONLY)).json()
        assert sorted(o["officer_id"] for o in listed["items"]) == sorted([makassar_guard, commander])
        assert (await security.get(f"/api/v1/officers/{guard}", headers=MAKASSAR_ONLY)).status_code == 404
        scoped_ratio = (await security.get("/api/v1/officers/guard-ratio", headers=MAKASSAR_ONLY)).json()
        assert [r["upt_code"] for r in scoped_ratio["items"]] == ["LP-MAKASSAR"]

        records = await platform.records("pas.security.officer.v1", at_least=7)
        types = [dict(r.headers)["ce_type"].decode() for r in records]
        assert types.count("pas.security.officer.registered") == 4
        assert "pas.security.officer.reassigned" in types and "pas.security.officer.separated" in types
        for r in records:
            payload = json.loads(r.value)
            assert "name" not in payload and "nip" not in payload  # no personal data leaves the service
            headers = {k: v.decode() for k, v in r.headers}
            assert headers["ce_uptcode"] == payload["upt_code"] and headers["ce_kanwilcode"] == payload["kanwil_code"]
        trainings = await platform.records("pas.security.training.v1", at_least=7)
        first_event = next(p for p in (json.loads(r.value) for r in trainings) if p["training_id"] == first["training_id"])
        assert (first_event["kind"], first_event["passed"], first_event["valid_until"]) == ("guarding", True, "2026-03-19")
        [disciplined] = await platform.records("pas.security.officer-discipline.v1", at_least=1)
        assert json.loads(disciplined.value)["penalty"] == "potongan-tukin-enam-bulan"


async def test_officer_refusals_write_nothing(platform: Platform) -> None:
    await platform.create_databases("remission", "security")
    security_app = create_app(platform, "security")
    security_app.state.clock = FixedClock(datetime(2026, 3, 10, 3, 0, tzinfo=UTC))
    with_test_scope(security_app)
    async with running(create_app(platform, "remission")) as remission, running(security_app) as security:
        for facility in (FACILITY, SECOND_FACILITY):
            assert (await remission.post("/api/v1/facilities", json=facility)).status_code == 201
        await facilities_known(platform, 2)
        guard = await register(security, officer(1))
        retired = await register(security, officer(2))
        assert (
            await security.post(
                f"/api/v1/officers/{retired}/separation", json={"separated_on": "2026-03-01", "reason": "retired"}
            )
        ).status_code == 200
        before = await counts(platform)

        cases: list[tuple[str, dict[str, Any], int, str, str]] = [
            ("/api/v1/officers", officer(5, position="astronaut"), 422, "position", "position-listed"),
            ("/api/v1/officers", officer(5, nip="123"), 422, "nip", "string_pattern_mismatch"),
            ("/api/v1/officers", officer(5, upt_code="LP-NOWHERE"), 422, "upt_code", "upt-registered"),
            ("/api/v1/officers", officer(5, assigned_on="2026-03-11"), 422, "assigned_on", "not-in-future"),
            ("/api/v1/officers", officer(1, name="Orang Lain"), 409, "nip", "nip-unique"),
            (f"/api/v1/officers/{guard}/trainings", training("juggling", "2026-01-01"), 422, "kind", "training-kind-listed"),
            (
                f"/api/v1/officers/{guard}/trainings",
                training("guarding", "2026-01-01", certificate_no=None),
                422,
                "certificate_no",
                "certificate-for-passed",
            ),
            (f"/api/v1/officers/{guard}/trainings", training("guarding", "2026-04-01"), 422, "completed_on", "not-in-future"),
            (f"/api/v1/officers/{retired}/trainings", training("guarding", "2026-03-02"), 422, "officer_id", "officer-active"),
            (
                f"/api/v1/officers/{guard}/disciplinary-actions",
                {
                    "level": "ringan",
                    "penalty": "pemberhentian",
                    "reason": "absence",
                    "decided_on": "2026-03-01",
                    "decree_no": "SK-1",
                },
                422,
                "penalty",
                "penalty-of-level",
            ),
            (
                f"/api/v1/officers/{guard}/disciplinary-actions",
                {
                    "level": "berat",
                    "penalty": "pemberhentian",
                    "reason": "halinar-narkoba",
                    "decided_on": "2026-03-01",
                    "decree_no": "SK-2",
                    "incident_id": "no-such-incident",
                },
                422,
                "incident_id",
                "incident-exists",
            ),
            (
                f"/api/v1/officers/{retired}/separation",
                {"separated_on": "2026-03-05", "reason": "retired"},
                409,
                "status",
                "status-transition",
            ),
            (
                f"/api/v1/officers/{guard}/assignment",
                {"position": "penjaga-tahanan", "post": "Regu jaga II", "upt_code": "LP-CIPINANG", "assigned_on": "2026-03-01"},
                422,
                "position",
                "assignment-changed",
            ),
        ]
        for path, body, code, field, rule in cases:
            response = await security.post(path, json=body)
            assert response.status_code == code, (path, body, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert {"field": field, "rule": rule} in [
                {"field": e["field"], "rule": e["rule"]} for e in response.json()["errors"]
            ], response.text

        # Out of scope: the Cipinang guard is not found for Makassar, and Cipinang is not a UPT it knows.
        foreign = await security.post(
            f"/api/v1/officers/{guard}/trainings", json=training("guarding", "2026-03-01"), headers=MAKASSAR_ONLY
        )
        assert foreign.status_code == 404
        foreign = await security.post("/api/v1/officers", json=officer(6), headers=MAKASSAR_ONLY)
        assert foreign.status_code == 422 and foreign.json()["errors"][0]["rule"] == "upt-registered"
        assert await counts(platform) == before
