"""Occupancy read model (KPI), built from remission's facility and inmate events.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kpi_occupancy",
        sa.Column("upt_code", sa.String(32), primary_key=True),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("population", sa.Integer, nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_kpi_occupancy_kanwil_code", "kpi_occupancy", ["kanwil_code"])


def downgrade() -> None:
    op.drop_table("kpi_occupancy")
