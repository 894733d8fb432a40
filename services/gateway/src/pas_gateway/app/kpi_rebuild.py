"""Rebuild the KPI read models from the start of every topic (after a fix in a projection, or to
prove they are a pure function of the events)."""

from pas_gateway.adapters import kpi_rebuild
from pas_gateway.app.kpi_food import food_kpi
from pas_gateway.app.kpi_rehabilitation import rehabilitation_kpi
from pas_gateway.app.kpi_security import security_kpi
from pas_gateway.app.projections import remission_kpi
from pas_shared.consumer import Subscription
from pas_shared.db import Database
from pas_shared.kafka import KafkaConnection

KPI_SUBSCRIPTIONS: list[Subscription] = [remission_kpi, security_kpi, rehabilitation_kpi, food_kpi]


async def rebuild_kpis(db: Database, *, kafka: KafkaConnection, namespace: str) -> dict[str, int]:
    """Empty the read models and the KPI consumers' inbox, then rewind their consumer groups; the
    gateway's consumers replay everything when they next start. Run with the gateway stopped."""
    await kpi_rebuild.clear(db, KPI_SUBSCRIPTIONS)
    return await kpi_rebuild.rewind(kafka, namespace, KPI_SUBSCRIPTIONS)
