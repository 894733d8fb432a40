"""`pas kpi rebuild`: the gateway's own rebuild (pas_gateway.app.kpi_rebuild, also the console
script pas-gateway-rebuild-kpis): empty the KPI read models and the KPI consumers' inbox, rewind
their consumer groups to the start of every topic. Run with the gateway stopped; it replays
every event into the read models when it starts."""

from pas_gateway.app.kpi_rebuild import KPI_SUBSCRIPTIONS, rebuild_kpis
from pas_ops import kafka
from pas_ops.database import opened
from pas_ops.services import target


async def rebuild() -> dict[str, int]:
    t = target("gateway")
    for sub in KPI_SUBSCRIPTIONS:  # Kafka refuses offsets set from outside a running group
        await kafka.require_stopped(t, f"{t.namespace}pas.{sub.name}")
    async with opened(t) as db:
        return await rebuild_kpis(db, kafka=t.kafka, namespace=t.namespace)
