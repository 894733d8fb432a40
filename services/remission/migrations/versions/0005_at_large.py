"""Escapes (time at large) kept from security's events.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "at_large",
        sa.Column("escape_id", sa.String(64), primary_key=True),
        sa.Column("inmate_id", sa.String(36), nullable=False),
        sa.Column("escaped_on", sa.Date, nullable=False),
        sa.Column("recaptured_on", sa.Date, nullable=True),
    )
    op.create_index("ix_at_large_inmate_id", "at_large", ["inmate_id"])


def downgrade() -> None:
    op.drop_table("at_large")
