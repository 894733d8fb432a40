"""Prometheus metrics, one registry per app (tests run several apps in one process)."""

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    def __init__(self, service: str) -> None:
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
