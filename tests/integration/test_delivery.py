"""Delivery guarantees on the real broker and database: duplicates, poison and malformed
messages, a broker outage."""

import asyncio
import json

from pas_shared.ids import new_id
from tests.integration.harness import Broker, Platform, create_app, eventually, required_env, running, until_equal
from tests.integration.test_event_flow import FACILITY, admission

INMATES = "pas.remission.inmate.v1"


async def headcount(platform: Platform, service: str = "security") -> int:
    return int(await platform.scalar(service, "SELECT coalesce(sum(population), 0) FROM upt_headcount") or 0)


async def test_duplicate_delivery_changes_nothing_the_second_time(platform: Platform) -> None:
    await platform.create_databases("remission", "security")
    async with running(create_app(platform, "remission")) as remission, running(create_app(platform, "security")) as security:
        await remission.post("/api/v1/facilities", json=FACILITY)
        for n in range(2):
            assert (await remission.post("/api/v1/inmates", json=admission(n))).status_code == 201
        await until_equal(lambda: headcount(platform), 2, what="2 admissions applied")

        # Redeliver every record of the topic twice, byte for byte, as a broker or relay retry would.
        records = await platform.records(INMATES, at_least=2)
        assert len(records) == 2
        for _ in range(2):
            for r in records:
                await platform.produce(INMATES, r.value, key=r.key, headers=list(r.headers))

        app = security._transport.app  # type: ignore[attr-defined]
        duplicates = app.state.metrics.events_duplicate.labels("security.roster")
        await until_equal(lambda: _value(duplicates), 4.0, what="4 redeliveries seen")
        assert await headcount(platform) == 2
        assert await platform.scalar("security", "SELECT count(*) FROM roster") == 2
        assert await platform.scalar("security", "SELECT count(*) FROM inbox WHERE consumer = 'security.roster'") == 2


async def test_malformed_unknown_and_poison_messages(platform: Platform) -> None:
    await platform.create_databases("remission", "security")
    async with running(create_app(platform, "remission")) as remission, running(create_app(platform, "security")) as security:
        await remission.post("/api/v1/facilities", json=FACILITY)
        first = (await remission.post("/api/v1/inmates", json=admission(1))).json()
        await until_equal(lambda: headcount(platform), 1, what="first admission applied")
        good = (await platform.records(INMATES, at_least=1))[0]
        headers = dict(good.headers)

        # 1. not an event at all
        await platform.produce(INMATES, b"\x00\xffnot json", key=b"x")
        # 2. a CloudEvent whose payload breaks the schema
        await platform.produce(INMATES, json.dumps({"inmate_id": "z"}).encode(), key=b"z", headers=_with(headers, id=new_id()))
        # 3. an event version nobody handles: skipped and counted, not dead-lettered
        v9 = _with(headers, id=new_id(), dataschema="/schemas/pas.remission.inmate.admitted.v9.json")
        await platform.produce(INMATES, good.value, key=good.key, headers=v9)
        # 4. valid envelope and payload, but the handler cannot apply it: the same inmate admitted
        #    again under a new event id breaks the roster's primary key -> retries, then DLQ
        await platform.produce(INMATES, good.value, key=good.key, headers=_with(headers, id=new_id()))
        # 5. and the consumer keeps going
        second = (await remission.post("/api/v1/inmates", json=admission(2))).json()

        await until_equal(lambda: headcount(platform), 2, what="the admission after the bad messages")
        dlq = await platform.records(INMATES + ".dlq", at_least=3)
        errors = sorted(dict(r.headers)["dlq_error"].decode().split(":")[0] for r in dlq)
        assert errors == ["handler failed 3 times", "malformed", "payload breaks /schemas/pas.remission.inmate.admitted.v1.json"]
        for r in dlq:
            h = dict(r.headers)
            assert h["dlq_consumer"] == b"security.roster"
            assert h["dlq_original_topic"].decode() == platform.topic(INMATES)
        app = security._transport.app  # type: ignore[attr-defined]
        skipped = app.state.metrics.events_skipped.labels("security.roster", "pas.remission.inmate.admitted.v9")
        assert skipped._value.get() == 1
        metrics = (await security.get("/metrics")).text
        dlq_line = f'pas_events_dead_lettered_total{{consumer="security.roster",topic="{platform.topic(INMATES)}"}} 3.0'
        assert dlq_line in metrics
        assert 'pas_events_consumed_total{consumer="security.roster"} 2.0' in metrics
        assert "pas_consumer_lag{" in metrics
        rows = await platform.fetch("security", "SELECT inmate_id FROM roster ORDER BY inmate_id")
        assert sorted(r["inmate_id"] for r in rows) == sorted([first["inmate_id"], second["inmate_id"]])


async def test_broker_outage_writes_succeed_and_every_event_arrives_once(broker: Broker) -> None:
    platform = Platform(kafka=broker.bootstrap, pg=required_env("PAS_TEST_PG_URL"))
    await platform.create_databases("remission", "security")
    async with running(create_app(platform, "remission")) as remission, running(create_app(platform, "security")) as security:
        await remission.post("/api/v1/facilities", json=FACILITY)
        await eventually(lambda: _status(remission, "/readyz", 200), what="remission ready")
        await eventually(lambda: _status(security, "/readyz", 200), what="security ready")

        await asyncio.to_thread(broker.control, "stop")
        try:
            await eventually(
                lambda: _status(remission, "/readyz", 503), timeout=30, what="readiness false while the broker is down"
            )
            for n in range(20):
                response = await remission.post("/api/v1/inmates", json=admission(n))
                assert response.status_code == 201  # writes touch only the database
            assert await platform.scalar("remission", "SELECT count(*) FROM outbox WHERE sent_at IS NULL") >= 20
        finally:
            await asyncio.to_thread(broker.control, "start")

        await until_equal(
            lambda: headcount(platform),
            20,
            timeout=90,
            what="all 20 admissions after the outage",
            explain=lambda: _outbox_state(platform),
        )
        await eventually(lambda: _status(remission, "/readyz", 200), timeout=30, what="ready again")
        assert await platform.scalar("security", "SELECT count(*) FROM inbox WHERE consumer = 'security.roster'") == 20
        records = await platform.records(INMATES, at_least=20)
        assert len({dict(r.headers)["ce_id"] for r in records}) == 20


def _with(headers: dict[str, bytes], **changes: str) -> list[tuple[str, bytes]]:
    out = dict(headers)
    for k, v in changes.items():
        out[f"ce_{k}"] = v.encode()
    return list(out.items())


async def _value(counter: object) -> float:
    return float(counter._value.get())  # type: ignore[attr-defined]


async def _status(client: object, path: str, expected: int) -> bool:
    return (await client.get(path)).status_code == expected  # type: ignore[attr-defined]


async def _outbox_state(platform: Platform) -> str:
    unsent = await platform.scalar("remission", "SELECT count(*) FROM outbox WHERE sent_at IS NULL")
    errors = await platform.fetch("remission", "SELECT DISTINCT last_error FROM outbox WHERE last_error IS NOT NULL")
    return f"outbox unsent={unsent}, errors={[e[0] for e in errors][:3]}"
