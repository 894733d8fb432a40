"""Tables of the partner feeds (migration 0007), on the gateway's one metadata.

`partners`: each partner with its legal basis, purpose, allow-list (JSON), region and retention.
`partner_feed_log`: every message written for a partner (its outbox row's content), kept for the
partner's retention period: the history a replay re-publishes from, with the same event ids."""

from sqlalchemy import Boolean, Column, Index, Integer, String, Table, Text

from pas_gateway.adapters.tables import metadata
from pas_shared.db import UTCDateTime

partners = Table(
    "partners",
    metadata,
    Column("partner_id", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("legal_basis", Text, nullable=False),
    Column("purpose", Text, nullable=False),
    Column("events", Text, nullable=False),  # JSON list of {type, version, fields, where}
    Column("kanwil_codes", Text, nullable=False),  # JSON list; empty: every Kanwil
    Column("retention_days", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

partner_feed_log = Table(
    "partner_feed_log",
    metadata,
    Column("partner_id", String(40), primary_key=True),
    Column("event_id", String(36), primary_key=True),
    Column("source", String(100), nullable=False),
    Column("source_event_id", String(36), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("subject", String(200), nullable=False),
    Column("uptcode", String(32), nullable=False),
    Column("kanwilcode", String(32), nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("written_at", UTCDateTime, nullable=False),
    Column("data", Text, nullable=False),
    Index("ix_partner_feed_log_partner_id_occurred_at", "partner_id", "occurred_at"),
)
