"""Partner topics on the broker: each active partner's topic exists, and keeps messages for the
partner's retention period (`retention.ms`). Idempotent; run by a scheduled job. In production
the topics are also declared in the deployment (Strimzi KafkaTopic, deploy/k8s/feeds/), where
the gateway's Kafka user may not create topics: this then only confirms they exist."""

import logging

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError

from pas_shared.kafka import KafkaConnection, client_kwargs

log = logging.getLogger(__name__)

MS_PER_DAY = 86_400_000


async def ensure_partner_topics(
    kafka: KafkaConnection, retention_days: dict[str, int], *, partitions: int, replication: int
) -> list[str]:
    """Create missing topics (name -> retention days) and set every topic's retention. Returns the created ones."""
    if not retention_days:
        return []
    admin = AIOKafkaAdminClient(**client_kwargs(kafka), request_timeout_ms=10_000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = sorted(t for t in retention_days if t not in existing)
        if missing:
            try:
                await admin.create_topics(
                    [
                        NewTopic(
                            name=t,
                            num_partitions=partitions,
                            replication_factor=replication,
                            topic_configs={"retention.ms": str(retention_days[t] * MS_PER_DAY)},
                        )
                        for t in missing
                    ]
                )
            except TopicAlreadyExistsError:
                pass  # another gateway instance created them first
            log.info("created partner topics", extra={"topics": missing})
        present = sorted(set(retention_days) & existing)
        if present:
            await admin.alter_configs(
                [
                    ConfigResource(ConfigResourceType.TOPIC, t, configs={"retention.ms": str(retention_days[t] * MS_PER_DAY)})
                    for t in present
                ]
            )
        return missing
    finally:
        await admin.close()
