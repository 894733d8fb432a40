"""Officers with their position, post and UPT; trainings and the certifications they give;
internal disciplinary actions on officers.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "officers",
        sa.Column("officer_id", sa.String(36), primary_key=True),
        sa.Column("nip", sa.String(18), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("position", sa.String(64), nullable=False),
        sa.Column("guard", sa.Boolean, nullable=False),
        sa.Column("post", sa.String(200), nullable=False),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("assigned_on", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("separated_on", sa.Date, nullable=True),
        sa.Column("separation_reason", sa.String(64), nullable=True),
        sa.UniqueConstraint("nip", name="uq_officers_nip"),
    )
    for column in ("upt_code", "kanwil_code"):
        op.create_index(f"ix_officers_{column}", "officers", [column])
    op.create_table(
        "officer_trainings",
        sa.Column("training_id", sa.String(36), primary_key=True),
        sa.Column(
            "officer_id",
            sa.String(36),
            sa.ForeignKey("officers.officer_id", name="fk_officer_trainings_officer_id_officers"),
            nullable=False,
        ),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("completed_on", sa.Date, nullable=False),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("hours", sa.Integer, nullable=False),
        sa.Column("provider", sa.String(200), nullable=False),
        sa.Column("certificate_no", sa.String(100), nullable=True),
        sa.Column("valid_until", sa.Date, nullable=True),
    )
    for column in ("officer_id", "valid_until"):
        op.create_index(f"ix_officer_trainings_{column}", "officer_trainings", [column])
    op.create_table(
        "officer_sanctions",
        sa.Column("action_id", sa.String(36), primary_key=True),
        sa.Column(
            "officer_id",
            sa.String(36),
            sa.ForeignKey("officers.officer_id", name="fk_officer_sanctions_officer_id_officers"),
            nullable=False,
        ),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("penalty", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(64), nullable=False),
        sa.Column("decided_on", sa.Date, nullable=False),
        sa.Column("decree_no", sa.String(100), nullable=False),
        sa.Column("incident_id", sa.String(36), nullable=True),
    )
    for column in ("officer_id", "upt_code", "kanwil_code"):
        op.create_index(f"ix_officer_sanctions_{column}", "officer_sanctions", [column])


def downgrade() -> None:
    op.drop_table("officer_sanctions")
    op.drop_table("officer_trainings")
    op.drop_table("officers")
