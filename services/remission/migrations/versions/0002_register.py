"""Facilities and the inmate register.

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
        "facilities",
        sa.Column("upt_code", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("upt_type", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("time_zone", sa.String(32), nullable=False),
    )
    op.create_index("ix_facilities_kanwil_code", "facilities", ["kanwil_code"])
    op.create_table(
        "inmates",
        sa.Column("inmate_id", sa.String(36), primary_key=True),
        sa.Column("register_number", sa.String(64), nullable=False),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("custody_status", sa.String(16), nullable=False),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("admitted_on", sa.Date, nullable=False),
        sa.Column("released_on", sa.Date, nullable=True),
        sa.Column("release_reason", sa.String(32), nullable=True),
        sa.Column("is_child", sa.Boolean, nullable=False),
        sa.UniqueConstraint("upt_code", "register_number", name="uq_inmates_upt_code_register_number"),
    )
    op.create_index("ix_inmates_upt_code", "inmates", ["upt_code"])


def downgrade() -> None:
    op.drop_table("inmates")
    op.drop_table("facilities")
