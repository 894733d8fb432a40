"""The `pas` tool on the real PostgreSQL and Kafka, run as a separate process configured only by
the services' environment variables: each command does its job, and a wrong setting or a
running service is refused with a message naming the variable (never its value) or the cause."""

import csv
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

from pas_ops.services import PACKAGES
from pas_remission.domain.reference import reference
from pas_shared.events.envelope import Envelope, encode_kafka
from tests.integration.harness import SERVICES, Platform, create_app, running, until_equal
from tests.integration.test_event_flow import FACILITY, admission
from tests.ops.harness import environment, pas

INMATES = "pas.remission.inmate.v1"


def head_of(service: str) -> str:
    root = Path(__import__(f"{PACKAGES[service]}.main", fromlist=["SERVICE_ROOT"]).SERVICE_ROOT)
    config = Config(str(root / "alembic.ini"))
    config.set_main_option("script_location", str(root / "migrations"))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


async def test_migrate_all_brings_every_database_to_head_and_a_bad_setting_stops_before_any(platform: Platform) -> None:
    services = list(SERVICES)
    await platform.create_databases(*services)
    env = environment(platform, *services)

    bad = await pas(env | {"PAS_SECURITY_DATABASE_URL": "mysql://root:s3cret@db/pas"}, "migrate", "all")
    assert bad.code == 2, bad
    assert "PAS_SECURITY_DATABASE_URL" in bad.err and "s3cret" not in bad.err + bad.out
    # Checked before any migration: food-audit (first in order) was not touched either.
    assert await platform.scalar("food-audit", "SELECT count(*) FROM pg_tables WHERE tablename = 'alembic_version'") == 0

    done = await pas(env, "migrate", "all")
    assert done.code == 0, done
    assert done.out.count("database at head") == 5
    for service in services:
        assert await platform.scalar(service, "SELECT version_num FROM alembic_version") == head_of(service)
    again = await pas(env, "migrate", "remission")
    assert again.code == 0 and await platform.scalar("remission", "SELECT count(*) FROM alembic_version") == 1

    unknown = await pas(env, "migrate", "kitchen")
    assert unknown.code == 2 and "kitchen" in unknown.err


async def test_seed_reference_registers_the_named_upts_once_and_demo_fills_an_empty_register(platform: Platform) -> None:
    await platform.create_databases("remission")
    env = environment(platform, "remission")
    unmigrated = await pas(env, "seed", "reference")
    assert unmigrated.code == 1 and "pas migrate remission" in unmigrated.err, unmigrated
    assert (await pas(env, "migrate", "remission")).code == 0

    seeded = await pas(env, "seed", "reference")
    assert seeded.code == 0, seeded
    with_capacity = {u["upt_code"]: u["reported"]["capacity"] for u in reference().upts if "reported" in u}
    assert len(with_capacity) >= 4
    rows = await platform.fetch("remission", "SELECT upt_code, capacity FROM facilities")
    assert {r["upt_code"]: r["capacity"] for r in rows} == with_capacity
    events = "SELECT count(*) FROM outbox WHERE event_type = 'pas.remission.facility.registered'"
    assert await platform.scalar("remission", events) == len(with_capacity)
    audits = "SELECT count(*) FROM audit_log WHERE actor = 'ops:pas-seed'"
    assert await platform.scalar("remission", audits) == len(with_capacity)

    again = await pas(env, "seed", "reference")
    assert again.code == 0 and f"already registered {len(with_capacity)}" in again.out, again
    assert await platform.scalar("remission", events) == len(with_capacity)

    # The demo register goes into an empty database only: refused here, nothing written.
    refused = await pas(env, "seed", "demo", "--scale", "0.001")
    assert refused.code == 1 and "already holds facilities" in refused.err, refused
    assert await platform.scalar("remission", "SELECT count(*) FROM inmates") == 0

    other = Platform(kafka=platform.kafka, pg=platform.pg)
    await other.create_databases("remission")
    other_env = environment(other, "remission")
    assert (await pas(other_env, "migrate", "remission")).code == 0
    demo = await pas(other_env, "seed", "demo", "--scale", "0.001", "--on", "2026-03-01")
    assert demo.code == 0, demo
    summary = dict(part.split("=") for part in demo.out.split() if "=" in part)
    inmates = await other.scalar("remission", "SELECT count(*) FROM inmates")
    assert inmates == int(summary["inmates"].replace(",", "")) > 100
    admitted = "SELECT count(*) FROM outbox WHERE event_type = 'pas.remission.inmate.admitted'"
    assert await other.scalar("remission", admitted) == inmates


async def test_batch_export_writes_the_rows_the_database_holds(platform: Platform, tmp_path: Path) -> None:
    await platform.create_databases("remission")
    async with running(create_app(platform, "remission", assume_programme_and_risk_met=True)) as remission:
        assert (await remission.post("/api/v1/facilities", json=FACILITY)).status_code == 201
        verdicts = [{"verdict_final_on": "2025-05-01", "sentence": {"years": 3}}, None]
        ids = []
        for n, verdict in enumerate(verdicts):
            inmate = (await remission.post("/api/v1/inmates", json=admission(n) | {"admitted_on": "2025-01-10"})).json()
            if verdict:
                assert (await remission.put(f"/api/v1/inmates/{inmate['inmate_id']}/verdict", json=verdict)).status_code == 200
            ids.append(inmate["inmate_id"])
        body = {"occasion": "remisi-umum", "on": "2026-08-17", "upt_code": "LP-CIPINANG"}
        batch = (await remission.post("/api/v1/remission-batches", json=body)).json()
        assert (batch["eligible"], batch["not_eligible"]) == (1, 1)

        env = environment(platform, "remission")
        out = tmp_path / "batch.csv"
        done = await pas(env, "batch", "export", batch["batch_id"], "--csv", str(out))
        assert done.code == 0, done
        assert "2 rows, 1 eligible" in done.out

    with out.open(newline="", encoding="utf-8") as f:
        exported = list(csv.DictReader(f))
    held = await platform.fetch(
        "remission",
        "SELECT p.inmate_id, i.register_number, p.upt_code, p.eligible, p.reasons, p.months, p.days, p.remission_type, "
        "p.release_on FROM remission_proposals p JOIN inmates i USING (inmate_id) WHERE p.batch_id = $1 ORDER BY p.inmate_id",
        batch["batch_id"],
    )
    assert [
        (r["inmate_id"], r["register_number"], r["upt_code"], r["eligible"], r["reasons"], r["amount_months"], r["amount_days"],
         r["remission_type"], r["release_on"])
        for r in exported
    ] == [
        (h["inmate_id"], h["register_number"], h["upt_code"], "yes" if h["eligible"] else "no", h["reasons"].replace(",", ";"),
         "" if h["months"] is None else str(h["months"]), "" if h["days"] is None else str(h["days"]),
         h["remission_type"] or "", h["release_on"].isoformat() if h["release_on"] else "")
        for h in held
    ]  # fmt: skip
    by_id = {r["inmate_id"]: r for r in exported}
    # 3 years from 10 Jan 2025: the first RU after 19 months is 2 months, release 10 Jan 2028 -> 10 Nov 2027.
    assert (by_id[ids[0]]["amount_months"], by_id[ids[0]]["remission_type"], by_id[ids[0]]["release_on"]) == (
        "2",
        "I",
        "2027-11-10",
    )
    assert (by_id[ids[1]]["eligible"], by_id[ids[1]]["reasons"], by_id[ids[1]]["later_grant"]) == ("no", "verdict-final", "yes")

    missing = await pas(
        environment(platform, "remission"), "batch", "export", str(uuid.uuid4()), "--csv", str(tmp_path / "x.csv")
    )
    assert missing.code == 1 and "not in the remission database" in missing.err
    assert not (tmp_path / "x.csv").exists() and not list(tmp_path.glob(".x.csv*"))  # noqa: ASYNC240


def admitted(inmate_id: str) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    envelope = Envelope(
        id=str(uuid.uuid4()),
        source="/pas/remission",
        type="pas.remission.inmate.admitted",
        time=datetime.now(UTC),
        subject=inmate_id,
        dataschema="/schemas/pas.remission.inmate.admitted.v1.json",
        uptcode="LP-CIPINANG",
        kanwilcode="KW-DKI",
        data={
            "inmate_id": inmate_id,
            "upt_code": "LP-CIPINANG",
            "kanwil_code": "KW-DKI",
            "custody_status": "narapidana",
            "is_child": False,
            "admitted_on": "2026-01-10",
        },
    )
    return encode_kafka(envelope)


def dead_lettered(platform: Platform, headers: list[tuple[str, bytes]], error: str) -> list[tuple[str, bytes]]:
    """The headers pas_shared.consumer adds when it dead-letters a message of INMATES."""
    return [
        *headers,
        ("dlq_error", error.encode()),
        ("dlq_consumer", b"security.roster"),
        ("dlq_original_topic", platform.topic(INMATES).encode()),
        ("dlq_original_partition", b"0"),
        ("dlq_original_offset", b"7"),
    ]


async def test_dlq_redrive_republishes_once_and_the_consumer_applies_each_event_once(platform: Platform, tmp_path: Path) -> None:
    await platform.create_databases("security")
    env = environment(platform, "remission")
    inmate_id = str(uuid.uuid4())
    key, value, headers = admitted(inmate_id)
    event_id = dict(headers)["ce_id"].decode()
    app = create_app(platform, "security")
    async with running(app) as security:
        await until_equal(lambda: _ready(security), True, what="security ready")
        # As if the roster's handler had failed on it (e.g. its database refused a write) and on a broken message;
        # the older one on the later partition, so `show --limit 1` must order across partitions, not read one.
        await platform.produce(
            f"{INMATES}.dlq", value, key=key, headers=dead_lettered(platform, headers, "handler failed 5 times"), partition=1
        )
        await platform.produce(
            f"{INMATES}.dlq", b"not json", key=b"x", headers=dead_lettered(platform, [], "malformed: no ce_"), partition=0
        )

        listed = await pas(env, "dlq", "list", INMATES)
        assert listed.code == 0, listed
        assert "2 messages" in listed.out and event_id in listed.out and listed.out.count("waiting") == 2
        every = await pas(env, "dlq", "list", "--service", "remission")
        assert every.code == 0 and f"       2  {INMATES}.dlq" in every.out, every
        shown = await pas(env, "dlq", "show", f"{INMATES}.dlq", "--limit", "1")
        assert shown.code == 0 and "handler failed 5 times" in shown.out and f'"inmate_id": "{inmate_id}"' in shown.out, shown

        record = tmp_path / "redriven.jsonl"
        redriven = await pas(env, "dlq", "redrive", INMATES, "--record", str(record))
        assert redriven.code == 0, redriven
        assert "1 re-driven, 1 refused" in redriven.out
        roster = "SELECT count(*) FROM roster WHERE inmate_id = $1"
        await until_equal(lambda: platform.scalar("security", roster, inmate_id), 1, what="the re-driven admission applied")
        lines = [json.loads(line) for line in record.read_text().splitlines()]
        assert [(x["action"], x.get("event_id")) for x in lines] == [("redriven", event_id), ("refused", "")]

        # Nothing new since: a second run re-drives nothing; the list says what was re-driven.
        assert "0 re-driven, 0 refused" in (await pas(env, "dlq", "redrive", INMATES)).out
        assert (await pas(env, "dlq", "list", INMATES)).out.count("redriven") == 2

        # The same event dead-lettered again and re-driven again: published twice, applied once.
        await platform.produce(f"{INMATES}.dlq", value, key=key, headers=dead_lettered(platform, headers, "again"))
        assert "1 re-driven, 0 refused" in (await pas(env, "dlq", "redrive", INMATES)).out

        def duplicates() -> float:
            return float(app.state.metrics.events_duplicate.labels("security.roster")._value.get())

        async def seen_twice() -> bool:
            return duplicates() >= 1

        await until_equal(seen_twice, True, what="the second copy recognised by the inbox")
        assert await platform.scalar("security", roster, inmate_id) == 1
        assert await platform.scalar("security", "SELECT population FROM upt_headcount WHERE upt_code = 'LP-CIPINANG'") == 1
        inbox = "SELECT count(*) FROM inbox WHERE consumer = 'security.roster' AND event_id = $1"
        assert await platform.scalar("security", inbox, event_id) == 1
    republished = [r for r in await platform.records(INMATES, at_least=2) if dict(r.headers).get("ce_id") == event_id.encode()]
    assert len(republished) == 2
    assert all("dlq_error" not in dict(r.headers) and b".dlq:" in dict(r.headers)["pas_redriven_from"] for r in republished)


async def _ready(client: object) -> bool:
    return (await client.get("/readyz")).status_code == 200  # type: ignore[attr-defined,no-any-return]


async def test_replay_moves_a_stopped_consumer_back_and_reapply_rebuilds_its_projection(platform: Platform) -> None:
    await platform.create_databases("remission", "security")
    env = environment(platform, "security")
    roster = "SELECT count(*) FROM roster"
    async with running(create_app(platform, "remission")) as remission:
        assert (await remission.post("/api/v1/facilities", json=FACILITY | {"capacity": 10})).status_code == 201
        async with running(create_app(platform, "security")):
            for n in range(3):
                assert (await remission.post("/api/v1/inmates", json=admission(n))).status_code == 201
            await until_equal(lambda: platform.scalar("security", roster), 3, what="security's roster of three")
            running_refused = await pas(env, "replay", "security", "roster", "--from-beginning")
            assert running_refused.code == 1 and "stop the security service first" in running_refused.err, running_refused

        # The projection lost (as after restoring an old backup of its tables): replayed, the inbox still skips.
        await platform.fetch("security", "DELETE FROM roster")
        await platform.fetch("security", "DELETE FROM upt_headcount")
        plain = await pas(env, "replay", "security", "roster", "--from-beginning")
        assert plain.code == 0, plain
        assert "3 messages already read will be read again" in plain.out
        app = create_app(platform, "security")
        async with running(app):

            async def skipped() -> float:
                return float(app.state.metrics.events_duplicate.labels("security.roster")._value.get())

            await until_equal(skipped, 3.0, what="the three admissions read again and skipped by the inbox")
            assert await platform.scalar("security", roster) == 0

        reapplied = await pas(env, "replay", "security", "security.roster", "--from-beginning", "--reapply")
        assert reapplied.code == 0, reapplied
        assert "3 events removed from the inbox" in reapplied.out
        async with running(create_app(platform, "security")):
            await until_equal(lambda: platform.scalar("security", roster), 3, what="the roster rebuilt by the replay")
            population = "SELECT population FROM upt_headcount WHERE upt_code = 'LP-CIPINANG'"
            await until_equal(lambda: platform.scalar("security", population), 3, what="the headcount, counted once")

    later = await pas(env, "replay", "security", "roster", "--since", "2999-01-01T00:00:00+07:00")
    assert later.code == 0 and "0 messages already read will be read again" in later.out, later
    audits = "SELECT count(*) FROM audit_log WHERE actor = 'ops:pas-replay' AND action = 'consumer.replayed'"
    assert await platform.scalar("security", audits) == 3
    bad_time = await pas(env, "replay", "security", "roster", "--since", "yesterday")
    assert bad_time.code == 2 and "ISO 8601" in bad_time.err
    unknown = await pas(env, "replay", "security", "kpi")
    assert unknown.code == 2, unknown
    unknown = await pas(env, "replay", "security", "kpi", "--from-beginning")
    assert unknown.code == 2 and "security.roster" in unknown.err, unknown


async def test_kpi_rebuild_empties_the_read_models_and_the_gateway_replays_them(platform: Platform) -> None:
    await platform.create_databases("remission", "gateway")
    env = environment(platform, "gateway")
    kpi_inbox = "SELECT count(*) FROM inbox WHERE consumer LIKE 'gateway.kpi-%'"
    async with running(create_app(platform, "remission")) as remission:
        assert (await remission.post("/api/v1/facilities", json=FACILITY | {"capacity": 10})).status_code == 201
        for n in range(3):
            assert (await remission.post("/api/v1/inmates", json=admission(n))).status_code == 201
        async with running(create_app(platform, "gateway")):
            await until_equal(lambda: platform.scalar("gateway", kpi_inbox), 4, what="the gateway's KPIs from 4 events")
            refused = await pas(env, "kpi", "rebuild")
            assert refused.code == 1 and "stop the gateway service first" in refused.err, refused

    rebuilt = await pas(env, "kpi", "rebuild")
    assert rebuilt.code == 0, rebuilt
    assert "rewound to the beginning" in rebuilt.out
    assert await platform.scalar("gateway", kpi_inbox) == 0
    assert await platform.scalar("gateway", "SELECT count(*) FROM audit_log WHERE action = 'kpi.rebuilt'") == 1
    async with running(create_app(platform, "gateway")):
        await until_equal(lambda: platform.scalar("gateway", kpi_inbox), 4, what="the KPIs replayed from the start")
