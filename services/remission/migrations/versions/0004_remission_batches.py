"""Remission batches, their proposals and status transitions; grants name their batch.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from pas_shared.db import SeqType, UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("remission_grants") as batch:
        batch.add_column(sa.Column("batch_id", sa.String(36), nullable=True))
        batch.add_column(sa.Column("remission_type", sa.String(2), nullable=True))
        batch.add_column(sa.Column("decree_number", sa.String(100), nullable=True))
    op.create_table(
        "remission_batches",
        sa.Column("batch_id", sa.String(36), primary_key=True),
        sa.Column("occasion", sa.String(32), nullable=False),
        sa.Column("holiday", sa.String(16), nullable=True),
        sa.Column("occasion_on", sa.Date, nullable=False),
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decree_number", sa.String(100), nullable=True),
    )
    op.create_table(
        "remission_proposals",
        sa.Column("batch_id", sa.String(36), primary_key=True),
        sa.Column("inmate_id", sa.String(36), primary_key=True),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("eligible", sa.Boolean, nullable=False),
        sa.Column("reasons", sa.String(500), nullable=False),
        sa.Column("months", sa.Integer, nullable=True),
        sa.Column("days", sa.Integer, nullable=True),
        sa.Column("remission_type", sa.String(2), nullable=True),
        sa.Column("release_on", sa.Date, nullable=True),
        sa.Column("later_grant", sa.Boolean, nullable=False),
    )
    op.create_table(
        "batch_transitions",
        sa.Column("seq", SeqType, primary_key=True, autoincrement=True),
        sa.Column("batch_id", sa.String(36), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=True),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("why", sa.String(500), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_batch_transitions_batch_id", "batch_transitions", ["batch_id"])


def downgrade() -> None:
    op.drop_table("batch_transitions")
    op.drop_table("remission_proposals")
    op.drop_table("remission_batches")
    with op.batch_alter_table("remission_grants") as batch:
        batch.drop_column("decree_number")
        batch.drop_column("remission_type")
        batch.drop_column("batch_id")
