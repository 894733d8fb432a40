"""Searches (razia) with their team, the items seized, and each item's chain of custody.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from pas_shared.db import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "searches",
        sa.Column("search_id", sa.String(36), primary_key=True),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("place", sa.String(64), nullable=False),
        sa.Column("location", sa.String(200), nullable=False),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("ended_at", UTCDateTime, nullable=True),
        sa.Column("incident_id", sa.String(36), nullable=True),
        sa.Column("notes", sa.String(2000), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    for column in ("upt_code", "kanwil_code", "started_on", "incident_id"):
        op.create_index(f"ix_searches_{column}", "searches", [column])
    op.create_table(
        "search_team",
        sa.Column(
            "search_id",
            sa.String(36),
            sa.ForeignKey("searches.search_id", name="fk_search_team_search_id_searches"),
            primary_key=True,
        ),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("nip", sa.String(18), nullable=True),
    )
    op.create_table(
        "seizures",
        sa.Column("seizure_id", sa.String(36), primary_key=True),
        sa.Column(
            "search_id",
            sa.String(36),
            sa.ForeignKey("searches.search_id", name="fk_seizures_search_id_searches"),
            nullable=False,
        ),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("item_type", sa.String(64), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("weight_grams", sa.Numeric(12, 3), nullable=True),
        sa.Column("amount_rupiah", sa.BigInteger, nullable=True),
        sa.Column("inmate_id", sa.String(36), nullable=True),
        sa.Column("inmate_verified", sa.Boolean, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
    )
    for column in ("search_id", "upt_code", "kanwil_code", "inmate_id"):
        op.create_index(f"ix_seizures_{column}", "seizures", [column])
    op.create_table(
        "seizure_custody",
        sa.Column(
            "seizure_id",
            sa.String(36),
            sa.ForeignKey("seizures.seizure_id", name="fk_seizure_custody_seizure_id_seizures"),
            primary_key=True,
        ),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("from_status", sa.String(16), nullable=True),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("handled_by", sa.String(200), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("witness", sa.String(500), nullable=False),
        sa.Column("recipient", sa.String(64), nullable=True),
        sa.Column("document_no", sa.String(100), nullable=True),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("seizure_custody")
    op.drop_table("seizures")
    op.drop_table("search_team")
    op.drop_table("searches")
