"""Capacity history per facility (occupancy and overcrowding over time).

Each existing facility gets one entry: its current capacity, in force from the day this
migration runs (the UPT's local date). Nothing older is known, so history starts there.

Revision ID: 0008
Revises: 0007
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from pas_shared.db import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    capacity = op.create_table(
        "facility_capacity",
        sa.Column("upt_code", sa.String(32), primary_key=True),
        sa.Column("effective_on", sa.Date, primary_key=True),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
    )
    now = datetime.now(UTC)
    facilities = op.get_bind().execute(sa.text("SELECT upt_code, capacity, time_zone FROM facilities")).all()
    if facilities:
        op.bulk_insert(
            capacity,
            [
                {
                    "upt_code": upt_code,
                    "effective_on": now.astimezone(ZoneInfo(time_zone)).date(),
                    "capacity": places,
                    "reason": "capacity when the history began (migration 0008)",
                    "recorded_by": "migration-0008",
                    "recorded_at": now,
                }
                for upt_code, places, time_zone in facilities
            ],
        )


def downgrade() -> None:
    op.drop_table("facility_capacity")
