"""The KPI projections apply a whole consumer batch at once (the entity rows read in one query,
the changes summed and written in one upsert per table): the read models equal those of the
same events applied one at a time. And the KPI answers' cache: an ETag and 304, an answer kept
until the projections apply new events (then never given again), kept per resolved scope."""

import asyncio
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
from pydantic import BaseModel

from pas_gateway.adapters.kpi_rebuild import rewind
from pas_gateway.app.kpi_rebuild import KPI_SUBSCRIPTIONS
from pas_shared.events.catalog import CATALOG
from pas_shared.events.envelope import CONTENT_TYPE, cloudevent_attributes
from pas_shared.events.remission import (
    FacilityCapacityChanged,
    FacilityRegistered,
    InmateAdmitted,
    InmateReleased,
    InmateSentenced,
    InmateTransferred,
    RemissionGranted,
)
from pas_shared.ids import new_id
from pas_shared.kafka import new_producer
from tests.integration.harness import Platform, bearer, create_app, make_token, running, until_equal

UPTS = {"LP-A": ("KW-ONE", "Asia/Jakarta"), "LP-B": ("KW-ONE", "Asia/Makassar"), "LP-C": ("KW-TWO", "Asia/Jayapura")}
READ_MODELS = {
    "kpi_state": "SELECT upt_code, metric, kanwil_code, value FROM kpi_state WHERE value <> 0 ORDER BY 1, 2",
    "kpi_daily": "SELECT upt_code, metric, day, kanwil_code, value FROM kpi_daily WHERE value <> 0 ORDER BY 1, 2, 3",
    "kpi_inmate": "SELECT * FROM kpi_inmate ORDER BY inmate_id",
    "kpi_upt": "SELECT * FROM kpi_upt ORDER BY upt_code",
    "kpi_source": "SELECT source, as_of, events FROM kpi_source ORDER BY source",
}


def facility(upt: str, capacity: int) -> FacilityRegistered:
    kanwil, zone = UPTS[upt]
    return FacilityRegistered(
        upt_code=upt,
        name=f"Lapas {upt}",
        upt_type="Lapas",
        kanwil_code=kanwil,
        capacity=capacity,
        time_zone=zone,
        province="Jawa",
    )


def stream() -> list[tuple[BaseModel, str, str]]:
    """(payload, subject, upt): every kind of remission event the occupancy and remission KPIs
    read, interleaved as a busy topic interleaves them, some inmates' whole lives in one batch
    (admitted, sentenced, granted, transferred, released), and a grant before its admission."""
    events: list[tuple[BaseModel, str, str]] = [(facility(u, 10 * (i + 1)), u, u) for i, u in enumerate(UPTS)]
    day = date(2026, 3, 1)
    for n in range(60):
        upt = list(UPTS)[n % 3]
        inmate = f"inm-{n}"
        if n % 7 == 0:  # the grant travels on another topic and may come first
            events.append((_grant(n, inmate, upt, day), inmate, upt))
        custody = "tahanan" if n % 2 else "narapidana"
        kanwil = UPTS[upt][0]
        admitted = InmateAdmitted(
            inmate_id=inmate, upt_code=upt, kanwil_code=kanwil, custody_status=custody, is_child=False, admitted_on=day
        )
        events.append((admitted, inmate, upt))
        if n % 4 == 1:
            sentenced = InmateSentenced(
                inmate_id=inmate, upt_code=upt, sentence_kind="term", verdict_final_on=date(2026, 4, n % 28 + 1),
                expiration=date(2027, 1, n % 28 + 1),
            )  # fmt: skip
            events.append((sentenced, inmate, upt))
        if n % 3 == 1:
            events.append((_grant(n, inmate, upt, date(2026, 5, 2)), inmate, upt))
        if n % 4 == 0:
            to = list(UPTS)[(n + 1) % 3]
            moved = InmateTransferred(
                transfer_id=f"t-{n}", inmate_id=inmate, from_upt_code=upt, to_upt_code=to, from_kanwil_code=kanwil,
                to_kanwil_code=UPTS[to][0], transferred_on=date(2026, 6, 3), reason="decongestion",
            )  # fmt: skip
            events.append((moved, inmate, upt))
            upt = to
        if n % 5 == 0:
            released = InmateReleased(inmate_id=inmate, upt_code=upt, released_on=date(2026, 7, n % 28 + 1), reason="expiry")
            events.append((released, inmate, upt))
        if n == 30:
            changed = FacilityCapacityChanged(
                upt_code="LP-B", kanwil_code="KW-ONE", capacity=25, effective_on=date(2026, 6, 1), capacity_now=25
            )
            events.append((changed, "LP-B", "LP-B"))
    return events


def _grant(n: int, inmate: str, upt: str, on: date) -> RemissionGranted:
    return RemissionGranted(
        grant_id=f"g-{n}-{on}", batch_id="b-1", inmate_id=inmate, upt_code=upt, occasion="remisi-umum", granted_on=on,
        months=1, days=15, remission_type="I", decree_number=f"PAS-{n}", release_on=date(2027, 2, n % 28 + 1),
    )  # fmt: skip


async def produce(platform: Platform, events: list[tuple[BaseModel, str, str]]) -> None:
    """As the outbox relay sends them (CloudEvents binary mode, keyed by subject)."""
    producer = new_producer(platform.kafka_connection, "test.kpi-batches")
    await producer.start()
    try:
        for payload, subject, upt in events:
            et = CATALOG.for_payload(type(payload))
            attributes = cloudevent_attributes(
                id=new_id(), source=et.source, type=et.name, time=datetime(2026, 8, 1, tzinfo=UTC), subject=subject,
                dataschema=et.dataschema, uptcode=upt, kanwilcode=UPTS[upt][0],
            )  # fmt: skip
            headers = [(f"ce_{k}", v.encode()) for k, v in attributes.items()] + [("content-type", CONTENT_TYPE.encode())]
            await producer.send(
                platform.topic(et.topic), value=payload.model_dump_json().encode(), key=subject.encode(), headers=headers
            )
        await producer.flush()
    finally:
        await producer.stop()


async def read_models(url: str) -> dict[str, list[tuple[Any, ...]]]:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        return {table: [tuple(r) for r in await conn.fetch(sql)] for table, sql in READ_MODELS.items()}
    finally:
        await conn.close()


async def applied(url: str) -> int:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        return int(await conn.fetchval("SELECT count(*) FROM inbox WHERE consumer LIKE 'gateway.kpi-%'"))
    finally:
        await conn.close()


async def test_a_whole_batch_applied_at_once_equals_one_event_at_a_time(platform: Platform) -> None:
    events = stream()
    await platform.create_databases("gateway")
    one_by_one = platform.db_name("gateway") + "_one"
    admin = await asyncpg.connect(platform.pg.replace("postgresql+asyncpg", "postgresql") + "/postgres")
    try:
        await admin.execute(f'CREATE DATABASE "{one_by_one}"')
    finally:
        await admin.close()
    await produce(platform, events)  # all of them waiting before the gateway starts: a few large batches

    batched_url = platform.db_url("gateway")
    async with running(create_app(platform, "gateway")) as gateway:
        await until_equal(lambda: applied(batched_url), len(events), what="every event applied in batches")
        occupancy = (await gateway.get("/api/v1/kpi/occupancy")).json()
    batched = await read_models(batched_url)

    await rewind(platform.kafka_connection, platform.namespace, KPI_SUBSCRIPTIONS)
    single_url = f"{platform.pg}/{one_by_one}"
    async with running(create_app(platform, "gateway", database_url=single_url, consumer_batch_size=1)):
        await until_equal(lambda: applied(single_url), len(events), what="every event applied one at a time")
    single = await read_models(single_url)

    assert batched == single
    # and the figures are the ones the stream describes
    figures = {k["id"]: k["value"] for k in occupancy["kpis"]}
    held = [n for n in range(60) if n % 5 != 0]
    assert figures["detainees"] == len([n for n in held if n % 4 == 3])  # admitted tahanan, never sentenced
    assert figures["convicts"] == len([n for n in held if n % 4 != 3])
    assert figures["capacity"] == 10 + 25 + 30  # LP-B's capacity changed from 20 to 25
    assert dict(((u, m), v) for u, m, _, v in batched["kpi_state"] if m == "capacity") == {
        ("LP-A", "capacity"): 10.0,
        ("LP-B", "capacity"): 25.0,
        ("LP-C", "capacity"): 30.0,
    }
    assert sum(n for _, _, n in batched["kpi_source"]) == len(events)


async def test_kpi_answers_are_cached_per_scope_until_new_events_are_applied(platform: Platform) -> None:
    await platform.create_databases("gateway")
    await produce(platform, [(facility(u, 10), u, u) for u in UPTS])
    url = platform.db_url("gateway")
    async with running(create_app(platform, "gateway", kpi_cache_seconds=3600)) as gateway:
        await until_equal(lambda: applied(url), 3, what="the UPTs registered")

        async def capacity(headers: dict[str, str] | None = None) -> float:
            body = (await gateway.get("/api/v1/kpi/occupancy", headers=headers or {})).json()
            return float({k["id"]: k["value"] for k in body["kpis"]}["capacity"])

        await until_equal(capacity, 30.0, what="the three UPTs' capacity")
        first = await gateway.get("/api/v1/kpi/occupancy")
        etag = first.headers["etag"]
        assert etag.startswith('"') and etag.endswith('"')
        again = await gateway.get("/api/v1/kpi/occupancy", headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""

        # What another replica would write (not through this process's projections) is not
        # seen while the answer is kept...
        conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
        try:
            await conn.execute("UPDATE kpi_state SET value = value + 100 WHERE upt_code = 'LP-A' AND metric = 'capacity'")
        finally:
            await conn.close()
        await asyncio.sleep(0.2)
        assert (await gateway.get("/api/v1/kpi/occupancy")).content == first.content

        # ...the access check still comes first (the cached answer is given after it)...
        refused = await gateway.get("/api/v1/kpi/occupancy", headers={"Authorization": "Bearer not-a-token"})
        assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Bearer")
        no_role = await gateway.get("/api/v1/kpi/occupancy", headers=bearer(make_token(["GATEWAY__USERS__RO"])))
        assert no_role.status_code == 403

        # ...the caller's scope is resolved before the cache: a Kanwil user gets its Kanwil,
        # computed for it, and a UPT outside it is refused as before
        kanwil = bearer(make_token(["GATEWAY__KPI__RO"], "kanwil:KW-TWO"))
        assert await capacity(kanwil) == 10.0
        body = (await gateway.get("/api/v1/kpi/occupancy", headers=kanwil)).json()
        assert body["scope"] == {"level": "kanwil", "code": "KW-TWO"}
        assert (await gateway.get("/api/v1/kpi/occupancy", params={"upt_code": "LP-A"}, headers=kanwil)).status_code == 404

        # ...and events the projections apply make every kept answer stale at once.
        await produce(platform, [(facility("LP-C", 50), "LP-C", "LP-C")])
        await until_equal(capacity, 10.0 + 100 + 10 + 50, what="the answer computed again after the new event")
        assert (await gateway.get("/api/v1/kpi/occupancy", headers={"If-None-Match": etag})).status_code == 200
        assert await capacity(kanwil) == 50.0
