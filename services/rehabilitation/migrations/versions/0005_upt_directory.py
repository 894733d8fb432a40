"""The UPT directory is pas_shared.directory's table, shared with security and food-audit:
upt_type and time_zone widen to its lengths (64). No data changes.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("facilities") as batch:
        batch.alter_column("upt_type", existing_type=sa.String(32), type_=sa.String(64), existing_nullable=False)
        batch.alter_column("time_zone", existing_type=sa.String(40), type_=sa.String(64), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("facilities") as batch:
        batch.alter_column("time_zone", existing_type=sa.String(64), type_=sa.String(40), existing_nullable=False)
        batch.alter_column("upt_type", existing_type=sa.String(64), type_=sa.String(32), existing_nullable=False)
