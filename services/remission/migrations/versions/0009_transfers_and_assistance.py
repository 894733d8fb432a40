"""Transfers between UPTs and social-assistance distributions.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from pas_shared.db import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inmate_transfers",
        sa.Column("transfer_id", sa.String(36), primary_key=True),
        sa.Column("inmate_id", sa.String(36), nullable=False),
        sa.Column("from_upt_code", sa.String(32), nullable=False),
        sa.Column("from_kanwil_code", sa.String(32), nullable=False),
        sa.Column("to_upt_code", sa.String(32), nullable=False),
        sa.Column("to_kanwil_code", sa.String(32), nullable=False),
        sa.Column("from_register_number", sa.String(64), nullable=False),
        sa.Column("to_register_number", sa.String(64), nullable=False),
        sa.Column("transferred_on", sa.Date, nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_inmate_transfers_inmate_id", "inmate_transfers", ["inmate_id"])
    op.create_table(
        "social_assistance",
        sa.Column("distribution_id", sa.String(36), primary_key=True),
        sa.Column("programme", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("amount_rupiah", sa.BigInteger, nullable=True),
        sa.Column("description", sa.String(500), nullable=True),
        sa.Column("distributed_on", sa.Date, nullable=False),
        sa.Column("partner_agency", sa.String(200), nullable=False),
        sa.Column("recipient_type", sa.String(16), nullable=False),
        sa.Column("inmate_id", sa.String(36), nullable=False),
        sa.Column("family_name", sa.String(200), nullable=True),
        sa.Column("relationship", sa.String(16), nullable=True),
        sa.Column("nik", sa.String(16), nullable=True),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
    )
    for column in ("programme", "distributed_on", "inmate_id", "upt_code", "kanwil_code"):
        op.create_index(f"ix_social_assistance_{column}", "social_assistance", [column])


def downgrade() -> None:
    op.drop_table("social_assistance")
    op.drop_table("inmate_transfers")
