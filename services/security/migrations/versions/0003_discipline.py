"""Discipline: sanctions decided by the Kalapas (Register F for berat).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sanctions",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("inmate_id", sa.String(36), nullable=False),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("register_f", sa.Boolean, nullable=False),
        sa.Column("sanctioned_on", sa.Date, nullable=False),
        sa.Column("isolation_days", sa.Integer, nullable=False),
        sa.Column("annulled_on", sa.Date, nullable=True),
    )
    op.create_index("ix_sanctions_inmate_id", "sanctions", ["inmate_id"])
    op.create_index("ix_sanctions_upt_code", "sanctions", ["upt_code"])


def downgrade() -> None:
    op.drop_table("sanctions")
