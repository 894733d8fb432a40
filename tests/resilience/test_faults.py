"""Faults under a running workload (issue 10, "Faults"): the five services as real processes on
the real Kafka and PostgreSQL, six streams of writes through the gateway (admissions, remission
batches, incidents, Register F sanctions, sales, inspections), and one fault per test, each
bounded in time:

- the Kafka broker stopped for 30 s, then started;
- each service SIGKILLed once mid-stream, then restarted;
- PostgreSQL stopped mid-stream, then started again;
- a consumer process frozen (SIGSTOP) beyond its session timeout, so its group rebalances
  without it, then let go (SIGCONT);
- a consumed topic filled with malformed, schema-breaking and unknown-version messages.

After each, once recovered, `Stack.verify` compares every service's database with the gateway's
read models and the events on Kafka (faults.py): every write a client was told succeeded is in
its database, its event once in the outbox and on Kafka; nothing is applied twice (inbox names
only real events; rosters, Register F and KPI figures equal what the source services hold).
During each fault the clients got 2xx or 503 problem+json with Retry-After, never a 500, never a
hang; readiness said false while a dependency was down and true after. Recovery times are
printed at the end of the run. The tests share one stack, in order; its checks are cumulative.

`make soak` runs them longer (`PAS_FAULTS_SCALE`).
"""

import asyncio
import json
import time
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from pas_shared.ids import new_id
from tests.integration.harness import Platform, ServiceProcess, eventually, own_broker, required_env, until_equal
from tests.resilience.faults import SCALE, SERVICES, Stack, check_answers, recovered

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]

BROKER_DOWN_SECONDS = 30  # the figure
INMATES = "pas.remission.inmate.v1"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    with own_broker(tmp_path_factory.mktemp("faults-kafka")) as broker:
        platform = Platform(kafka=broker.bootstrap, pg=required_env("PAS_TEST_PG_URL"))
        s = Stack(platform, tmp_path_factory.mktemp("faults"), broker)
        try:
            await s.start()
            await s.seed()
            yield s
        finally:
            s.stop()


async def test_broker_down_30s_writes_go_on_and_every_event_arrives_once(stack: Stack) -> None:
    async with stack.workload() as w:
        await w.until_written(10)
        await stack.kafka("stop")
        stopped = time.monotonic()
        try:
            await stack.all_ready(False, timeout=30)
            during = len(w.answers())
            await asyncio.sleep(max(0.0, BROKER_DOWN_SECONDS - (time.monotonic() - stopped)))
            outage = w.answers()[during:]
        finally:
            await stack.kafka("start")
        started = time.monotonic()
        recovered("broker down 30 s", "all ready after the broker started", await stack.all_ready(True, timeout=120))
        await w.until_written(len([a for a in w.answers() if 200 <= a.status < 300]) + 10)
    # Writes touch only the database: the broker's absence is not the client's problem.
    writes = [a for a in outage if a.kind in ("incident", "sale", "admission")]
    assert writes and all(200 <= a.status < 300 for a in writes), stack.ledger.summary(outage)
    check_answers(w.answers())
    await stack.verify()
    recovered("broker down 30 s", "outboxes drained, consumers caught up", time.monotonic() - started)


@pytest.mark.parametrize("service", SERVICES)
async def test_service_sigkilled_mid_stream_loses_nothing(stack: Stack, service: str) -> None:
    proc = stack.procs[service]
    async with stack.workload() as w:
        await w.until_written(10)
        for _ in range(SCALE):
            proc.kill()
            killed = time.time()
            await asyncio.sleep(2)  # the workload meets the dead service
            proc.start()
            started = time.monotonic()
            await proc.wait_healthy(timeout=120)
            await eventually(lambda: stack.ready(service), timeout=60, what=f"{service} ready after the restart")
            recovered(f"SIGKILL {service}", "ready after restart", time.monotonic() - started)
            await w.until_written(len([a for a in w.answers() if 200 <= a.status < 300]) + 10)
    during = [a for a in w.answers() if a.at >= killed - 0.5]
    if service == "gateway":
        assert any(a.error == "refused" for a in w.answers()), "the workload never met the dead gateway"
    elif service != "food-audit":  # its stream waits on its inspections; the others write every 0.15 s
        assert any(a.status == 503 for a in w.answers()), f"no 503 while {service} was dead: {stack.ledger.summary(during)}"
    check_answers(w.answers(), gateway_killed=service == "gateway")
    await stack.verify()


async def test_postgres_restart_answers_503_with_retry_after_then_recovers(stack: Stack) -> None:
    async with stack.workload() as w:
        await w.until_written(10)
        await stack.postgres("stop")
        try:
            await stack.all_ready(False, timeout=30)
            mark = len(w.answers())

            async def refused_some() -> bool:
                return sum(1 for a in w.answers()[mark:] if a.status == 503) >= 5

            try:
                await eventually(refused_some, timeout=30, what="writes answered 503 while PostgreSQL is down")
            except AssertionError as exc:
                raise AssertionError(f"{exc}: {stack.ledger.summary(w.answers()[mark:])}") from None
        finally:
            await stack.postgres("start")
        started = time.monotonic()
        recovered("PostgreSQL restart", "all ready after it started", await stack.all_ready(True, timeout=90))
        await w.until_written(len([a for a in w.answers() if 200 <= a.status < 300]) + 10)
        recovered("PostgreSQL restart", "writes succeed again", time.monotonic() - started)
    check_answers(w.answers())
    await stack.verify()


async def test_frozen_consumer_is_rebalanced_out_and_nothing_is_applied_twice(stack: Stack) -> None:
    """A second security process in the same consumer groups; frozen past the session timeout,
    the group goes on without it; let go, it rejoins. Its batch in flight when frozen is either
    committed by it or redone by the other, never applied twice (the inbox)."""
    group = "pas.security.roster"
    replica = ServiceProcess(stack.platform, "security", stack.log_dir)
    replica.start()
    try:
        await replica.wait_healthy(timeout=120)
        await until_equal(lambda: stack.group_members(group), 2, timeout=60, what="two members in security.roster")
        async with stack.workload() as w:
            await w.until_written(10)
            replica.pause()
            paused = time.monotonic()
            try:
                # aiokafka's session timeout is 10 s: the coordinator drops the silent member.
                await until_equal(lambda: stack.group_members(group), 1, timeout=60, what="the frozen member dropped")
                recovered("consumer frozen", "rebalanced without it", time.monotonic() - paused)
                await w.until_written(len([a for a in w.answers() if 200 <= a.status < 300]) + 10)
            finally:
                replica.resume()
            resumed = time.monotonic()
            await until_equal(lambda: stack.group_members(group), 2, timeout=60, what="the member rejoined")
            recovered("consumer frozen", "rejoined after SIGCONT", time.monotonic() - resumed)
            await w.until_written(len([a for a in w.answers() if 200 <= a.status < 300]) + 10)
        check_answers(w.answers())
        await stack.verify()
    finally:
        replica.stop()


async def test_malformed_and_unknown_version_messages_go_to_the_dlq_or_are_skipped(stack: Stack) -> None:
    n = 20 * SCALE
    good = (await stack.platform.records(INMATES, at_least=1))[0]
    headers = dict(good.headers)

    def envelope(**changes: str) -> list[tuple[str, bytes]]:
        out = dict(headers) | {f"ce_{k}": v.encode() for k, v in changes.items()}
        stack.injected_ids.add(out["ce_id"].decode())
        return list(out.items())

    consumers = {
        (service, r["consumer"])
        for service in SERVICES
        for r in await stack.platform.fetch(
            service, "SELECT DISTINCT consumer FROM inbox WHERE event_type = 'pas.remission.inmate.admitted'"
        )
    }
    assert len(consumers) >= 3, consumers
    v9 = "pas.remission.inmate.admitted.v9"
    skipped_before = {(s, c): await stack.metric(s, "pas_events_skipped_total", consumer=c, type=v9) for s, c in consumers}
    bad: list[tuple[bytes, bytes | None, list[tuple[str, bytes]]]] = [
        (f"bad-{i}".encode(), b"\x00\xffnot json " + str(i).encode(), []) for i in range(n)
    ]
    broken = [(f"broken-{i}".encode(), json.dumps({"inmate_id": i}).encode(), envelope(id=new_id())) for i in range(n)]
    unknown = [(f"v9-{i}".encode(), good.value, envelope(id=new_id(), dataschema=f"/schemas/{v9}.json")) for i in range(n)]
    async with stack.workload() as w:
        await w.until_written(5)
        await stack.produce_raw(INMATES, bad + broken + unknown)
        await w.until_written(len([a for a in w.answers() if 200 <= a.status < 300]) + 10)
    check_answers(w.answers())
    await stack.verify()  # the admissions after the bad messages arrived: the consumers kept going

    expected = {k.decode() for k, _, _ in bad + broken}
    for service, consumer in sorted(consumers):

        async def dead_lettered(consumer: str = consumer) -> set[str]:
            records = await stack.platform.records(INMATES + ".dlq", at_least=1, timeout=10)
            return {r.key.decode() for r in records if r.key and dict(r.headers).get("dlq_consumer") == consumer.encode()}

        await until_equal(dead_lettered, expected, timeout=60, what=f"{consumer}'s dead letters")
        skipped = await stack.metric(service, "pas_events_skipped_total", consumer=consumer, type=v9)
        assert skipped - skipped_before[(service, consumer)] == n, f"{consumer} skipped {skipped} of {n} unknown versions"


async def test_every_service_alive_and_ready_at_the_end(stack: Stack) -> None:
    """Last: no process died on its own along the way, and every one says ready."""
    for service in SERVICES:
        proc = stack.procs[service].proc
        assert proc is not None and proc.poll() is None, f"{service} exited: see {stack.procs[service].log_path}"
    await stack.all_ready(True, timeout=30)
