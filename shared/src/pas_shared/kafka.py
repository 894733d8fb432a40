"""Kafka clients as the platform configures them."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

log = logging.getLogger(__name__)

T = TypeVar("T")


def dlq_topic(topic: str) -> str:
    return f"{topic}.dlq"


def new_producer(bootstrap: str, client_id: str) -> AIOKafkaProducer:
    # Idempotent producer (implies acks=all): a retried send is written once per partition.
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
        max_batch_size=512 * 1024,
        request_timeout_ms=15_000,
    )


async def ensure_topics(bootstrap: str, topics: list[str], *, partitions: int, replication: int) -> None:
    """Create topics (and nothing else) if they are missing. Safe to run from every instance."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t not in existing]
        if not missing:
            return
        try:
            await admin.create_topics(
                [NewTopic(name=t, num_partitions=partitions, replication_factor=replication) for t in missing]
            )
        except TopicAlreadyExistsError:
            pass  # another instance created them first
        log.info("created topics", extra={"topics": missing})
    finally:
        await admin.close()


async def until_done(what: str, fn: Callable[[], Awaitable[T]], *, initial: float = 0.5, cap: float = 10.0) -> T:
    """Run `fn` until it succeeds, backing off between tries. For startup against a broker that
    may not be there yet: the service runs and answers (not ready) meanwhile."""
    delay = initial
    while True:
        try:
            return await fn()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure here is retried, and logged
            log.warning("%s failed, retrying in %.1fs: %s", what, delay, exc)
            await asyncio.sleep(delay)
            delay = min(cap, delay * 2)
