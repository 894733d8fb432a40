"""The UPT directory is pas_shared.directory's table, shared with security and rehabilitation:
it gains upt_type, time_zone widens to 64, and kanwil_code is indexed (scoped reads by Kanwil).
UPTs received before this have upt_type '' (their events are in the inbox, so not applied again);
food-audit does not read the type.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("facilities") as batch:
        batch.add_column(sa.Column("upt_type", sa.String(64), nullable=False, server_default=""))
        batch.alter_column("time_zone", existing_type=sa.String(32), type_=sa.String(64), existing_nullable=False)
    # The default only fills the rows already there: the table definition has none.
    with op.batch_alter_table("facilities") as batch:
        batch.alter_column("upt_type", existing_type=sa.String(64), existing_nullable=False, server_default=None)
    op.create_index("ix_facilities_kanwil_code", "facilities", ["kanwil_code"])


def downgrade() -> None:
    op.drop_index("ix_facilities_kanwil_code", "facilities")
    with op.batch_alter_table("facilities") as batch:
        batch.alter_column("time_zone", existing_type=sa.String(64), type_=sa.String(32), existing_nullable=False)
        batch.drop_column("upt_type")
