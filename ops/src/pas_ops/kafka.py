"""Kafka as the tool needs it: topics and partitions, consumer groups (members, committed
offsets), and clear errors when the broker cannot be reached."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaConnectionError, KafkaError

from pas_ops.services import OpsError, Target, env_name
from pas_shared.kafka import client_kwargs


def _unreachable(t: Target, exc: BaseException) -> OpsError:
    variable = env_name(t.service, "kafka_bootstrap")
    return OpsError(
        f"Kafka di {t.bootstrap} tidak dapat dihubungi ({variable}): {exc}",
        f"Kafka at {t.bootstrap} cannot be reached ({variable}): {exc}",
    )


@asynccontextmanager
async def admin(t: Target) -> AsyncIterator[AIOKafkaAdminClient]:
    client = AIOKafkaAdminClient(**client_kwargs(t.kafka), request_timeout_ms=10_000)
    try:
        await client.start()
    except (KafkaConnectionError, KafkaError, OSError) as exc:
        await client.close()
        raise _unreachable(t, exc) from None
    try:
        yield client
    finally:
        await client.close()


@asynccontextmanager
async def consumer(t: Target, group_id: str | None = None, **options: Any) -> AsyncIterator[AIOKafkaConsumer]:
    """A consumer with no subscription (the caller assigns partitions), auto-commit off."""
    c = AIOKafkaConsumer(
        **client_kwargs(t.kafka), group_id=group_id, enable_auto_commit=False, auto_offset_reset="earliest", **options
    )
    try:
        await c.start()
    except (KafkaConnectionError, KafkaError, OSError) as exc:
        await c.stop()
        raise _unreachable(t, exc) from None
    try:
        yield c
    finally:
        await c.stop()


async def partitions(t: Target, topics: list[str]) -> list[TopicPartition]:
    """Every partition of the topics that exist (a topic nobody has written yet has none)."""
    async with admin(t) as a:
        existing = set(await a.list_topics())
        wanted = sorted(x for x in topics if x in existing)
        described = await a.describe_topics(wanted) if wanted else []
    return sorted(TopicPartition(d["topic"], p["partition"]) for d in described for p in d["partitions"])


async def topics_named(t: Target, suffix: str) -> list[str]:
    async with admin(t) as a:
        return sorted(x for x in await a.list_topics() if x.startswith(t.namespace) and x.endswith(suffix))


async def group_members(t: Target, group_id: str) -> tuple[str, int]:
    """(state, number of members) of a consumer group; ("Dead", 0) when it does not exist."""
    async with admin(t) as a:
        responses = await a.describe_consumer_groups([group_id])
    for response in responses:
        for group in response.groups:
            # DescribeGroupsResponse: (error_code, group_id, state, protocol_type, protocol, members, ...)
            if group[1] == group_id:
                return str(group[2]), len(group[5])
    return "Dead", 0


async def require_stopped(t: Target, group_id: str) -> None:
    """Offsets of a group can only be set from outside while no member runs (the service stopped)."""
    state, members = await group_members(t, group_id)
    if members:
        raise OpsError(
            f"Consumer group {group_id} masih berjalan ({members} anggota, status {state}): hentikan layanan {t.service} dulu.",
            f"Consumer group {group_id} is still running ({members} members, state {state}): stop the {t.service} service first.",
        )


async def committed(t: Target, group_id: str, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
    """The group's committed offset per partition (-1 when it has none)."""
    if not tps:
        return {}
    async with admin(t) as a:
        found = await a.list_consumer_group_offsets(group_id, partitions=tps)
    return {tp: (found[tp].offset if tp in found else -1) for tp in tps}
