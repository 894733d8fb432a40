"""Programme enrolments with their grade, and risk assessments (remission's conditions).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "enrolments",
        sa.Column("enrolment_id", sa.String(36), primary_key=True),
        sa.Column("inmate_id", sa.String(36), nullable=False),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("programme", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("enrolled_on", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("grade", sa.String(16), nullable=True),
        sa.Column("graded_on", sa.Date, nullable=True),
    )
    op.create_index("ix_enrolments_inmate_id", "enrolments", ["inmate_id"])
    op.create_index("ix_enrolments_upt_code", "enrolments", ["upt_code"])
    op.create_table(
        "risk_assessments",
        sa.Column("assessment_id", sa.String(36), primary_key=True),
        sa.Column("inmate_id", sa.String(36), nullable=False),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("assessed_on", sa.Date, nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("previous_level", sa.String(16), nullable=True),
        sa.Column("reduced", sa.Boolean, nullable=False),
    )
    op.create_index("ix_risk_assessments_upt_code", "risk_assessments", ["upt_code"])
    op.create_index("ux_risk_assessments_inmate_sequence", "risk_assessments", ["inmate_id", "sequence"], unique=True)


def downgrade() -> None:
    op.drop_table("risk_assessments")
    op.drop_table("enrolments")
