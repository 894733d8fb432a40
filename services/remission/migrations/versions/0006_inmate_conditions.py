"""Latest programme grade and risk assessment per inmate, from rehabilitation's events.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inmate_conditions",
        sa.Column("inmate_id", sa.String(36), primary_key=True),
        sa.Column("programme_grade", sa.String(16), nullable=True),
        sa.Column("graded_on", sa.Date, nullable=True),
        sa.Column("risk_reduced", sa.Boolean, nullable=True),
        sa.Column("assessed_on", sa.Date, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("inmate_conditions")
