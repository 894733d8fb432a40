"""Designations for a remission batch: who has a Remisi Tambahan basis or a certified
long-term illness (Remisi Kemanusiaan); recomputing the batch uses them again.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "remission_batch_designations",
        sa.Column("batch_id", sa.String(36), primary_key=True),
        sa.Column("inmate_id", sa.String(36), primary_key=True),
        sa.Column("basis", sa.String(32), nullable=False),
        sa.Column("evidence", sa.String(300), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("remission_batch_designations")
