"""Partner feeds: partners registered with legal basis, purpose, allowed events and fields, region filter and retention.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from pas_shared.db import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "partners",
        sa.Column("partner_id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("legal_basis", sa.Text, nullable=False),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("events", sa.Text, nullable=False),
        sa.Column("kanwil_codes", sa.Text, nullable=False),
        sa.Column("retention_days", sa.Integer, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "partner_feed_log",
        sa.Column("partner_id", sa.String(40), primary_key=True),
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("source_event_id", sa.String(36), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("uptcode", sa.String(32), nullable=False),
        sa.Column("kanwilcode", sa.String(32), nullable=False),
        sa.Column("occurred_at", UTCDateTime, nullable=False),
        sa.Column("written_at", UTCDateTime, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_index("ix_partner_feed_log_partner_id_occurred_at", "partner_feed_log", ["partner_id", "occurred_at"])


def downgrade() -> None:
    op.drop_index("ix_partner_feed_log_partner_id_occurred_at", table_name="partner_feed_log")
    op.drop_table("partner_feed_log")
    op.drop_table("partners")
