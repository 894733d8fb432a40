"""Emptying the KPI read models and rewinding their consumer groups to the start of every topic,
so the consumers replay all events into them."""

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from sqlalchemy import delete

from pas_gateway.adapters.kpi_store import clear_read_models
from pas_shared.consumer import Subscription
from pas_shared.db import Database, UnitOfWork
from pas_shared.kafka import KafkaConnection, client_kwargs

RETIRED_CONSUMERS = ("gateway.kpi-occupancy",)  # the consumer of migration 0002's read model


async def clear(db: Database, subscriptions: list[Subscription]) -> None:
    """One transaction: the read models and the KPI consumers' inbox rows (else a replayed event
    would be recognised as already applied and skipped)."""
    inbox = db.tables.inbox
    names = [s.name for s in subscriptions] + list(RETIRED_CONSUMERS)
    async with UnitOfWork(db, actor="system:kpi-rebuild") as uow:
        await clear_read_models(uow.session)
        await uow.session.execute(delete(inbox).where(inbox.c.consumer.in_(names)))
        uow.audit("kpi.rebuilt", "kpi-read-models", "all", after={"consumers": names})


async def _partitions(kafka: KafkaConnection, topics: list[str]) -> dict[str, list[int]]:
    admin = AIOKafkaAdminClient(**client_kwargs(kafka))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [t for t in topics if t in existing]
        described = await admin.describe_topics(wanted) if wanted else []
        return {d["topic"]: sorted(p["partition"] for p in d["partitions"]) for d in described}
    finally:
        await admin.close()


async def rewind(kafka: KafkaConnection, namespace: str, subscriptions: list[Subscription]) -> dict[str, int]:
    """Commit the beginning offset of every partition of every topic each KPI consumer group
    reads. The group must have no running member (the gateway's consumers stopped): Kafka refuses
    a commit from outside an active group. Returns the partitions rewound per group."""
    rewound: dict[str, int] = {}
    for sub in subscriptions:
        group_id = f"{namespace}pas.{sub.name}"
        found = await _partitions(kafka, [namespace + t for t in sub.topics()])
        partitions = [TopicPartition(topic, p) for topic, ps in sorted(found.items()) for p in ps]
        rewound[group_id] = len(partitions)
        if not partitions:
            continue
        consumer = AIOKafkaConsumer(**client_kwargs(kafka), group_id=group_id, enable_auto_commit=False)
        await consumer.start()
        try:
            consumer.assign(partitions)
            beginnings = await consumer.beginning_offsets(partitions)
            await consumer.commit({tp: beginnings[tp] for tp in partitions})
        finally:
            await consumer.stop()
    return rewound
