"""Escapes: each escapee from the report to the recapture (one open escape per inmate).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from pas_shared.db import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "escapes",
        sa.Column("escape_id", sa.String(36), primary_key=True),
        sa.Column("inmate_id", sa.String(36), nullable=False),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("escaped_at", UTCDateTime, nullable=False),
        sa.Column("escaped_on", sa.Date, nullable=False),
        sa.Column("method", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("recaptured_at", UTCDateTime, nullable=True),
        sa.Column("recaptured_on", sa.Date, nullable=True),
        sa.Column("place", sa.String(200), nullable=True),
    )
    op.create_index("ix_escapes_inmate_id", "escapes", ["inmate_id"])
    op.create_index("ix_escapes_upt_code", "escapes", ["upt_code"])
    open_only = sa.text("status = 'at_large'")
    op.create_index(
        "ux_escapes_open_inmate", "escapes", ["inmate_id"], unique=True, postgresql_where=open_only, sqlite_where=open_only
    )


def downgrade() -> None:
    op.drop_table("escapes")
