"""Prometheus metrics, one registry per app (tests run several apps in one process)."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from pas_shared.db import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DatabaseGauge:
    """A service's own gauge, counted in its database when Prometheus scrapes /metrics: a fact
    that changes with time alone (a deadline passing) and that no request or event announces.

    `read(db, now)` returns the value per tuple of label values; label sets it no longer returns
    are dropped, so a resolved problem leaves no stale series. Keep the labels few (a Kanwil, a
    level, a category: not an incident) and the query on an index: it runs on every scrape."""

    name: str
    documentation: str
    labelnames: tuple[str, ...]
    read: Callable[[Database, datetime], Awaitable[Mapping[tuple[str, ...], float]]]


class Metrics:
    def __init__(self, service: str, database_gauges: Sequence[DatabaseGauge] = ()) -> None:
        self.registry = CollectorRegistry()
        labels = {"service": service}
        r = self.registry
        self.http_latency = Histogram(
            "pas_http_request_duration_seconds", "HTTP request latency.", ["method", "route", "status"], registry=r
        )
        self.outbox_backlog = Gauge("pas_outbox_backlog", "Outbox rows not yet published.", registry=r)
        self.outbox_oldest_age = Gauge(
            "pas_outbox_oldest_unsent_age_seconds", "Age of the oldest unpublished outbox row.", registry=r
        )
        self.events_published = Counter("pas_events_published_total", "Events published by the relay.", registry=r)
        self.relay_errors = Counter("pas_relay_errors_total", "Relay batches that failed and will be retried.", registry=r)
        self.events_consumed = Counter("pas_events_consumed_total", "Events applied by a consumer.", ["consumer"], registry=r)
        self.events_duplicate = Counter(
            "pas_events_duplicate_total", "Redelivered events the inbox recognised and skipped.", ["consumer"], registry=r
        )
        self.events_skipped = Counter(
            "pas_events_skipped_total",
            "Events of types or versions a consumer does not handle.",
            ["consumer", "type"],
            registry=r,
        )
        self.dead_lettered = Counter(
            "pas_events_dead_lettered_total", "Messages sent to a dead-letter topic.", ["consumer", "topic"], registry=r
        )
        self.consumer_lag = Gauge(
            "pas_consumer_lag", "Messages behind the partition's high watermark.", ["consumer", "topic", "partition"], registry=r
        )
        self.service_info = Gauge("pas_service_info", "Service identity.", list(labels), registry=r)
        self.service_info.labels(**labels).set(1)
        self.database_gauges = [(g, Gauge(g.name, g.documentation, list(g.labelnames), registry=r)) for g in database_gauges]

    async def refresh_database_gauges(self, db: Database, now: datetime, *, timeout: float = 5.0) -> None:
        """Recount the database gauges before a scrape. A failing or slow count keeps the last
        values (the other metrics still answer; /readyz and its alert tell a database outage)."""
        for spec, gauge in self.database_gauges:
            try:
                async with asyncio.timeout(timeout):
                    values = await spec.read(db, now)
            except Exception as exc:  # noqa: BLE001 - a gauge must not break the scrape
                log.warning("could not count %s: %r", spec.name, exc)
                continue
            gauge.clear()
            for label_values, value in values.items():
                gauge.labels(*label_values).set(value)
