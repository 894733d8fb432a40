"""The facility's class and province; the detaining authority of a detainee; special-crime
conditions and paid fines recorded per inmate (facts the engine needs for korupsi and
terorisme cases and for the fine-substitute term).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

from pas_shared.db import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("facilities") as batch:
        batch.add_column(sa.Column("upt_class", sa.String(8), nullable=True))
        batch.add_column(sa.Column("province", sa.String(64), nullable=True))
    with op.batch_alter_table("inmates") as batch:
        batch.add_column(sa.Column("detaining_authority", sa.String(32), nullable=True))
    op.create_table(
        "inmate_special_conditions",
        sa.Column("inmate_id", sa.String(36), primary_key=True),
        sa.Column("condition", sa.String(64), primary_key=True),
        sa.Column("met_on", sa.Date, nullable=False),
        sa.Column("evidence", sa.String(300), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("inmate_special_conditions")
    with op.batch_alter_table("inmates") as batch:
        batch.drop_column("detaining_authority")
    with op.batch_alter_table("facilities") as batch:
        batch.drop_column("province")
        batch.drop_column("upt_class")
