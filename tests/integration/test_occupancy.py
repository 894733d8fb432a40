"""Occupancy, capacity history and the release forecast over HTTP on the real database and broker."""

import asyncio
import json
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from alembic import command
from alembic.config import Config

from tests.integration.harness import ROOT, Platform, create_app, running, until_equal

FACILITY_TOPIC = "pas.remission.facility.v1"

# The clock the service sees; each step of the story moves it on.
REGISTERED_DKI = datetime(2025, 11, 1, 3, 0, tzinfo=UTC)
REGISTERED_PAPUA = datetime(2026, 1, 1, 3, 0, tzinfo=UTC)
# 16:00 UTC: still 28 November in WIB (23:00), already 29 November in WIT (01:00).
NOW = datetime(2026, 11, 28, 16, 0, tzinfo=UTC)

FACILITIES = [
    ("LP-CIPINANG", "Lapas Kelas I Cipinang", "Lapas", "KW-DKI", 4, "Asia/Jakarta"),
    ("RT-SALEMBA", "Rutan Kelas I Salemba", "Rutan", "KW-DKI", 3, "Asia/Jakarta"),
    ("BAPAS-JAKPUS", "Bapas Kelas I Jakarta Pusat", "Bapas", "KW-DKI", 0, "Asia/Jakarta"),
]
JAYAPURA = ("LP-JAYAPURA", "Lapas Kelas IIA Jayapura", "Lapas", "KW-PAPUA", 2, "Asia/Jayapura")


def facility(code: str, name: str, kind: str, kanwil: str, capacity: int, zone: str) -> dict[str, Any]:
    return {"upt_code": code, "name": name, "upt_type": kind, "kanwil_code": kanwil, "capacity": capacity, "time_zone": zone}


async def counts(platform: Platform) -> tuple[int, int, int]:
    return (
        await platform.scalar("remission", "SELECT count(*) FROM facility_capacity"),
        await platform.scalar("remission", "SELECT count(*) FROM outbox"),
        await platform.scalar("remission", "SELECT count(*) FROM audit_log"),
    )


def units(body: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    keys = ("detainees", "convicts", "occupants", "capacity", "overcrowding_pct", "occupancy_ratio_pct", "over_capacity")
    return {u["code"]: tuple(u[k] for k in keys) for u in body["units"]}


async def test_occupancy_capacity_history_and_release_forecast(platform: Platform) -> None:
    await platform.create_databases("remission")
    app = create_app(platform, "remission", assume_programme_and_risk_met=True)
    now = [REGISTERED_DKI]
    app.state.clock = lambda: now[0]
    async with running(app) as remission:
        for f in FACILITIES:
            assert (await remission.post("/api/v1/facilities", json=facility(*f))).status_code == 201
        now[0] = REGISTERED_PAPUA
        assert (await remission.post("/api/v1/facilities", json=facility(*JAYAPURA) | {"province": "Papua"})).status_code == 201
        now[0] = NOW

        serial = iter(range(1, 100))

        async def admit(upt_code: str, admitted_on: str, sentence: dict[str, Any] | None = None) -> str:
            body = {
                "register_number": f"B-{next(serial):04d}",
                "upt_code": upt_code,
                "custody_status": "tahanan",
                "detaining_authority": "pengadilan-negeri",
                "birth_date": "1990-05-01",
                "admitted_on": admitted_on,
                "religion": "islam",
            }
            response = await remission.post("/api/v1/inmates", json=body)
            assert response.status_code == 201, response.text
            inmate_id = str(response.json()["inmate_id"])
            if sentence is not None:
                verdict = {"verdict_final_on": admitted_on, "sentence": sentence}
                response = await remission.put(f"/api/v1/inmates/{inmate_id}/verdict", json=verdict)
                assert response.status_code == 200, response.text
            return inmate_id

        one_year = {"years": 1}
        # Cipinang (WIB, today 28 Nov 2026): two detainees, three convicts, one released.
        await admit("LP-CIPINANG", "2026-10-01")
        await admit("LP-CIPINANG", "2026-10-02")
        c1 = await admit("LP-CIPINANG", "2026-01-10", one_year)  # expires 10 Jan 2027: in the window
        await admit("LP-CIPINANG", "2026-03-01", one_year)  # expires 1 Mar 2027: after 26 Feb, out
        c5 = await admit("LP-CIPINANG", "2025-11-28", one_year)  # expires today (WIB): first day, in
        gone = await admit("LP-CIPINANG", "2025-10-01", one_year)
        response = await remission.post(
            f"/api/v1/inmates/{gone}/release", json={"released_on": "2026-10-01", "reason": "expiration"}
        )
        assert response.status_code == 200, response.text
        # Salemba (WIB): one detainee, one convict whose remission brings the release into the window.
        await admit("RT-SALEMBA", "2026-09-01")
        c3 = await admit("RT-SALEMBA", "2025-03-01", {"years": 2})  # expires 1 Mar 2027 without remission
        # Jayapura (WIT, today 29 Nov 2026): three convicts.
        await admit("LP-JAYAPURA", "2025-11-28", one_year)  # expired 28 Nov 2026, before WIT today: overdue
        j2 = await admit("LP-JAYAPURA", "2026-02-27", one_year)  # 27 Feb 2027: the WIT window's last day
        await admit("LP-JAYAPURA", "2026-06-01", {"kind": "life"})  # no release date

        # Remisi Umum 17 Aug 2026 for Salemba: 17 months served, first grant = 2 months,
        # so 1 Mar 2027 - 2 months = 1 Jan 2027.
        batch = await remission.post(
            "/api/v1/remission-batches", json={"occasion": "remisi-umum", "on": "2026-08-17", "upt_code": "RT-SALEMBA"}
        )
        assert batch.status_code == 201, batch.text
        approve = f"/api/v1/remission-batches/{batch.json()['batch_id']}/approve"
        assert (await remission.post(approve, json={"decree_number": "PAS-77.PK.05.04/2026"})).json()["granted_now"] == 1

        # -- occupancy ---------------------------------------------------------------------
        per_upt = (await remission.get("/api/v1/occupancy", params={"level": "upt"})).json()
        assert units(per_upt) == {  # no Bapas: it holds no one
            "LP-CIPINANG": (2, 3, 5, 4, 25.0, 125.0, True),
            "LP-JAYAPURA": (0, 3, 3, 2, 50.0, 150.0, True),
            "RT-SALEMBA": (1, 1, 2, 3, -33.3, 66.7, False),
        }
        assert per_upt["capacity_on"] is None
        per_kanwil = (await remission.get("/api/v1/occupancy", params={"level": "kanwil"})).json()
        assert units(per_kanwil) == {
            "KW-DKI": (3, 4, 7, 7, 0.0, 100.0, False),
            "KW-PAPUA": (0, 3, 3, 2, 50.0, 150.0, True),
        }
        assert [u["upt_count"] for u in per_kanwil["units"]] == [2, 1]
        national = (await remission.get("/api/v1/occupancy")).json()
        assert (national["level"], units(national)) == ("national", {"national": (3, 7, 10, 9, 11.1, 111.1, True)})
        dki = (await remission.get("/api/v1/occupancy", params={"level": "upt", "kanwil_code": "KW-DKI"})).json()
        assert sorted(units(dki)) == ["LP-CIPINANG", "RT-SALEMBA"]
        one = (await remission.get("/api/v1/occupancy", params={"level": "upt", "upt_code": "RT-SALEMBA"})).json()
        assert units(one) == {"RT-SALEMBA": (1, 1, 2, 3, -33.3, 66.7, False)}
        for params, field, rule in [
            ({"level": "upt", "upt_code": "LP-NOWHERE"}, "upt_code", "facility-registered"),
            ({"level": "upt", "upt_code": "RT-SALEMBA", "kanwil_code": "KW-DKI"}, "kanwil_code", "one-scope"),
            ({"kanwil_code": "KW-DKI"}, "level", "national-unfiltered"),
        ]:
            refused = await remission.get("/api/v1/occupancy", params=params)
            assert refused.status_code == 422, refused.text
            assert (refused.json()["errors"][0]["field"], refused.json()["errors"][0]["rule"]) == (field, rule)

        # -- capacity changes --------------------------------------------------------------
        before = await counts(platform)
        changed = await remission.post(
            "/api/v1/facilities/LP-CIPINANG/capacity",
            json={"effective_on": "2026-06-01", "capacity": 6, "reason": "Blok C dibuka"},
        )
        assert changed.status_code == 201, changed.text
        assert changed.json()["capacity_now"] == 6
        # A recount recorded behind the later change: history grows, the capacity now stays 6.
        recount = await remission.post(
            "/api/v1/facilities/LP-CIPINANG/capacity",
            json={"effective_on": "2026-03-01", "capacity": 5, "reason": "Hitung ulang"},
        )
        assert recount.status_code == 201 and recount.json()["capacity_now"] == 6
        # The same change again (a retry) records nothing more.
        again = await remission.post(
            "/api/v1/facilities/LP-CIPINANG/capacity",
            json={"effective_on": "2026-06-01", "capacity": 6, "reason": "Blok C dibuka"},
        )
        assert again.status_code == 201 and again.json()["capacity_now"] == 6
        assert await counts(platform) == (before[0] + 2, before[1] + 2, before[2] + 2)

        history = (await remission.get("/api/v1/facilities/LP-CIPINANG/capacity")).json()
        assert history["capacity_now"] == 6
        assert [(h["effective_on"], h["capacity"], h["reason"]) for h in history["history"]] == [
            ("2025-11-01", 4, "capacity at registration"),
            ("2026-03-01", 5, "Hitung ulang"),
            ("2026-06-01", 6, "Blok C dibuka"),
        ]
        assert (await remission.get("/api/v1/facilities/LP-CIPINANG")).json()["capacity"] == 6
        after_change = (await remission.get("/api/v1/occupancy", params={"level": "upt"})).json()
        assert units(after_change)["LP-CIPINANG"] == (2, 3, 5, 6, -16.7, 83.3, False)
        # The capacity in force on a past date, from the history; the population is today's.
        on_may = (await remission.get("/api/v1/occupancy", params={"level": "upt", "on": "2026-05-31"})).json()
        assert (on_may["capacity_on"], units(on_may)["LP-CIPINANG"]) == ("2026-05-31", (2, 3, 5, 5, 0.0, 100.0, False))
        # Before Jayapura's history began (1 Jan 2026) it had no recorded capacity: left out.
        on_december = (await remission.get("/api/v1/occupancy", params={"on": "2025-12-01"})).json()
        assert units(on_december) == {"national": (3, 4, 7, 7, 0.0, 100.0, False)}

        # Refused changes: the field and the rule named, nothing written, no event.
        before = await counts(platform)
        for upt_code, body, field, rule in [
            ("LP-CIPINANG", {"effective_on": "2026-07-01", "capacity": -1, "reason": "salah"}, "capacity", "greater_than_equal"),
            (
                "BAPAS-JAKPUS",
                {"effective_on": "2026-07-01", "capacity": 10, "reason": "salah"},
                "capacity",
                "bapas-holds-no-inmates",
            ),
            ("LP-CIPINANG", {"effective_on": "2026-11-29", "capacity": 7, "reason": "besok"}, "effective_on", "not-in-future"),
            (
                "LP-CIPINANG",
                {"effective_on": "2025-10-31", "capacity": 7, "reason": "dulu"},
                "effective_on",
                "not-before-first-capacity",
            ),
        ]:
            refused = await remission.post(f"/api/v1/facilities/{upt_code}/capacity", json=body)
            assert refused.status_code == 422, refused.text
            assert (refused.json()["errors"][0]["field"], refused.json()["errors"][0]["rule"]) == (field, rule)
        missing = await remission.post(
            "/api/v1/facilities/LP-NOWHERE/capacity", json={"effective_on": "2026-07-01", "capacity": 7, "reason": "tidak ada"}
        )
        assert missing.status_code == 404
        assert await counts(platform) == before
        assert (await remission.get("/api/v1/facilities/LP-CIPINANG/capacity")).json()["capacity_now"] == 6

        # The change travels on the facility topic, after the UPT's registration (same key).
        records = await platform.records(FACILITY_TOPIC, at_least=6)
        cipinang = [r for r in records if r.key == b"LP-CIPINANG"]
        assert [dict(r.headers)["ce_type"].decode() for r in cipinang] == [
            "pas.remission.facility.registered",
            "pas.remission.facility.capacity-changed",
            "pas.remission.facility.capacity-changed",
        ]
        assert [json.loads(r.value) for r in cipinang[1:]] == [
            {"upt_code": "LP-CIPINANG", "kanwil_code": "KW-DKI", "capacity": 6, "effective_on": "2026-06-01", "capacity_now": 6},
            {"upt_code": "LP-CIPINANG", "kanwil_code": "KW-DKI", "capacity": 5, "effective_on": "2026-03-01", "capacity_now": 6},
        ]
        assert dict(cipinang[1].headers)["ce_kanwilcode"] == b"KW-DKI"
        assert len(records) == 6  # four registrations, two changes

        # -- release forecast --------------------------------------------------------------
        forecast = (await remission.get("/api/v1/release-forecast")).json()
        assert forecast["days"] == 90
        assert [(r["inmate_id"], r["upt_code"], r["release_on"]) for r in forecast["releases"]] == [
            (c5, "LP-CIPINANG", "2026-11-28"),
            (c3, "RT-SALEMBA", "2027-01-01"),
            (c1, "LP-CIPINANG", "2027-01-10"),
            (j2, "LP-JAYAPURA", "2027-02-27"),
        ]
        assert (forecast["total"], forecast["overdue"], forecast["at_large"]) == (4, 1, 0)
        assert [(u["upt_code"], u["from_on"], u["to_on"], u["releases"]) for u in forecast["by_upt"]] == [
            ("LP-CIPINANG", "2026-11-28", "2027-02-26", 2),
            ("LP-JAYAPURA", "2026-11-29", "2027-02-27", 1),
            ("RT-SALEMBA", "2026-11-28", "2027-02-26", 1),
        ]
        weeks = {w["week_start"]: w["releases"] for w in forecast["by_week"]}
        assert len(weeks) == 14 and min(weeks) == "2026-11-23" and max(weeks) == "2027-02-22"
        assert {w: n for w, n in weeks.items() if n} == {"2026-11-23": 1, "2026-12-28": 1, "2027-01-04": 1, "2027-02-22": 1}

        cipinang_only = (await remission.get("/api/v1/release-forecast", params={"upt_code": "LP-CIPINANG", "days": 30})).json()
        assert [r["inmate_id"] for r in cipinang_only["releases"]] == [c5]  # 10 Jan 2027 is beyond 28 Dec 2026
        papua = (await remission.get("/api/v1/release-forecast", params={"kanwil_code": "KW-PAPUA", "days": 1})).json()
        assert (papua["total"], papua["overdue"], [u["upt_code"] for u in papua["by_upt"]]) == (0, 1, ["LP-JAYAPURA"])
        for days, rule in [(0, "greater_than_equal"), (367, "less_than_equal")]:
            refused = await remission.get("/api/v1/release-forecast", params={"days": days})
            assert refused.status_code == 422
            assert (refused.json()["errors"][0]["field"], refused.json()["errors"][0]["rule"]) == ("days", rule)


async def test_forecast_counts_time_at_large_and_leaves_out_escapees(platform: Platform) -> None:
    """Escapes come from security's events: time at large pushes the release back; an escapee not
    yet recaptured has no expected date and is counted apart."""
    await platform.create_databases("remission", "security")
    app = create_app(platform, "remission")
    now = [REGISTERED_DKI]
    app.state.clock = lambda: now[0]
    async with running(app) as remission, running(create_app(platform, "security")) as security:
        assert (await remission.post("/api/v1/facilities", json=facility(*FACILITIES[0]))).status_code == 201
        now[0] = NOW
        ids = []
        for n, admitted_on in enumerate(["2025-11-01", "2026-01-10"]):
            body = {
                "register_number": f"B-{n:04d}",
                "upt_code": "LP-CIPINANG",
                "custody_status": "narapidana",
                "birth_date": "1990-05-01",
                "admitted_on": admitted_on,
                "religion": "islam",
            }
            inmate_id = (await remission.post("/api/v1/inmates", json=body)).json()["inmate_id"]
            verdict = {"verdict_final_on": admitted_on, "sentence": {"years": 1}}
            assert (await remission.put(f"/api/v1/inmates/{inmate_id}/verdict", json=verdict)).status_code == 200
            ids.append(inmate_id)
        recaptured, still_out = ids

        async def forecast() -> tuple[list[tuple[str, str]], int, int]:
            body = (await remission.get("/api/v1/release-forecast")).json()
            return [(r["inmate_id"], r["release_on"]) for r in body["releases"]], body["overdue"], body["at_large"]

        # 1 Nov 2026 has passed: overdue; 10 Jan 2027 is in the window.
        assert await forecast() == ([(still_out, "2027-01-10")], 1, 0)

        async def on_roster() -> int:
            return int((await security.get("/api/v1/roster/LP-CIPINANG")).json()["population"])

        await until_equal(on_roster, 2, what="security's roster has both inmates")

        async def security_knows_upt() -> int:
            # Security takes the UPT's Kanwil and time zone from its directory (facility.registered).
            return int(await platform.scalar("security", "SELECT count(*) FROM facilities WHERE upt_code = 'LP-CIPINANG'"))

        await until_equal(security_knows_upt, 1, what="security's UPT directory has the facility")
        for inmate_id, escaped_at in [(recaptured, "2026-08-01T10:00:00+07:00"), (still_out, "2026-10-01T10:00:00+07:00")]:
            escape = {"inmate_id": inmate_id, "upt_code": "LP-CIPINANG", "escaped_at": escaped_at, "method": "pagar"}
            response = await security.post("/api/v1/escapes", json=escape)
            assert response.status_code == 201, response.text
            if inmate_id == recaptured:
                recapture = {"recaptured_at": "2026-09-01T08:00:00+07:00", "place": "Bekasi"}
                response = await security.post(f"/api/v1/escapes/{response.json()['escape_id']}/recapture", json=recapture)
                assert response.status_code == 200, response.text
        # 31 days at large: 1 Nov 2026 + 31 days = 2 Dec 2026, now in the window; the escapee is left out.
        await until_equal(forecast, ([(recaptured, "2026-12-02")], 0, 1), what="the escapes reaching the forecast")


async def test_migration_starts_the_history_of_existing_facilities(platform: Platform) -> None:
    """0008 back-fills one entry per facility already registered: its capacity, from the day the
    migration runs (the UPT's local date)."""
    await platform.create_databases("remission")
    config = Config(str(ROOT / "services/remission/alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "services/remission/migrations"))
    config.set_main_option("sqlalchemy.url", platform.db_url("remission"))
    await asyncio.to_thread(command.upgrade, config, "0007")
    conn = await asyncpg.connect(platform.db_url("remission").replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute(
            "INSERT INTO facilities (upt_code, name, upt_type, kanwil_code, capacity, time_zone)"
            " VALUES ('LP-OLD', 'Lapas Lama', 'Lapas', 'KW-DKI', 98, 'Asia/Jakarta'),"
            " ('LP-EAST', 'Lapas Timur', 'Lapas', 'KW-PAPUA', 44, 'Asia/Jayapura')"
        )
    finally:
        await conn.close()
    started = datetime.now(UTC)
    await asyncio.to_thread(command.upgrade, config, "0008")
    rows = await platform.fetch(
        "remission", "SELECT upt_code, effective_on, capacity, recorded_by FROM facility_capacity ORDER BY 1"
    )
    assert [(r["upt_code"], r["capacity"], r["recorded_by"]) for r in rows] == [
        ("LP-EAST", 44, "migration-0008"),
        ("LP-OLD", 98, "migration-0008"),
    ]
    for r, zone in zip(rows, ("Asia/Jayapura", "Asia/Jakarta"), strict=True):
        assert r["effective_on"] in {started.astimezone(ZoneInfo(zone)).date(), datetime.now(ZoneInfo(zone)).date()}
    assert isinstance(rows[0]["effective_on"], date)
