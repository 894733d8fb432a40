"""Religion and verdict on the register; Register F facts; remission grants.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

VERDICT_COLUMNS = [
    sa.Column("verdict_final_on", sa.Date, nullable=True),
    sa.Column("sentence_kind", sa.String(8), nullable=True),
    sa.Column("sentence_years", sa.Integer, nullable=True),
    sa.Column("sentence_months", sa.Integer, nullable=True),
    sa.Column("sentence_days", sa.Integer, nullable=True),
    sa.Column("fine_substitute_months", sa.Integer, nullable=True),
    sa.Column("fine_substitute_days", sa.Integer, nullable=True),
    sa.Column("crime", sa.String(32), nullable=True),
]


def upgrade() -> None:
    with op.batch_alter_table("inmates") as batch:
        # Registered before religion was recorded: "lainnya" until corrected.
        batch.add_column(sa.Column("religion", sa.String(16), nullable=False, server_default="lainnya"))
        for column in VERDICT_COLUMNS:
            batch.add_column(column)
    op.create_table(
        "register_f",
        sa.Column("case_id", sa.String(64), primary_key=True),
        sa.Column("inmate_id", sa.String(36), nullable=False),
        sa.Column("sanctioned_on", sa.Date, nullable=False),
        sa.Column("annulled_on", sa.Date, nullable=True),
    )
    op.create_index("ix_register_f_inmate_id", "register_f", ["inmate_id"])
    op.create_table(
        "remission_grants",
        sa.Column("grant_id", sa.String(36), primary_key=True),
        sa.Column("inmate_id", sa.String(36), nullable=False),
        sa.Column("occasion", sa.String(32), nullable=False),
        sa.Column("granted_on", sa.Date, nullable=False),
        sa.Column("months", sa.Integer, nullable=False),
        sa.Column("days", sa.Integer, nullable=False),
    )
    op.create_index("ix_remission_grants_inmate_id", "remission_grants", ["inmate_id"])


def downgrade() -> None:
    op.drop_table("remission_grants")
    op.drop_table("register_f")
    with op.batch_alter_table("inmates") as batch:
        for column in reversed(VERDICT_COLUMNS):
            batch.drop_column(column.name)
        batch.drop_column("religion")
