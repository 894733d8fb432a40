"""Event envelope (CloudEvents 1.0, Kafka binary binding) and the catalogue of event types."""

from pas_shared.events.catalog import CATALOG, EventType, event_type
from pas_shared.events.envelope import Envelope, MalformedEvent, decode_kafka, encode_kafka

__all__ = ["CATALOG", "Envelope", "EventType", "MalformedEvent", "decode_kafka", "encode_kafka", "event_type"]

# Importing the payload modules registers their event types in CATALOG.
from pas_shared.events import food_audit, rehabilitation, remission, security  # noqa: F401
