"""Vendor sanctions (warnings, fines, suspension, reinstatement, termination) and each
contract's standing under them.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from pas_shared.db import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contract_standings",
        sa.Column("contract_id", sa.String(36), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("since", sa.Date, nullable=True),
    )
    op.create_table(
        "vendor_sanctions",
        sa.Column("sanction_id", sa.String(36), primary_key=True),
        sa.Column("contract_id", sa.String(36), nullable=False),
        sa.Column("vendor_id", sa.String(36), nullable=False),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("decided_on", sa.Date, nullable=False),
        sa.Column("from_status", sa.String(16), nullable=False),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("letter_number", sa.String(100), nullable=True),
        sa.Column("warning_level", sa.Integer, nullable=True),
        sa.Column("amount_rupiah", sa.BigInteger, nullable=True),
        sa.Column("amount_before_cap_rupiah", sa.BigInteger, nullable=True),
        sa.Column("shortfall_rations", sa.BigInteger, nullable=True),
        sa.Column("period_from", sa.Date, nullable=True),
        sa.Column("period_to", sa.Date, nullable=True),
        sa.Column("ground", sa.String(40), nullable=True),
        sa.Column("why", sa.String(1000), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
    )
    for column in ("contract_id", "vendor_id", "upt_code", "kanwil_code"):
        op.create_index(f"ix_vendor_sanctions_{column}", "vendor_sanctions", [column])


def downgrade() -> None:
    op.drop_table("vendor_sanctions")
    op.drop_table("contract_standings")
