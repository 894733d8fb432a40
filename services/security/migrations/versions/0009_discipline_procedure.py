"""Discipline procedure (report, examination, sidang TPP, Kalapas decision) with its steps; seized
items linked to the discipline cases they led to; an escapee who died at large.

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
    with op.batch_alter_table("escapes") as batch:
        batch.add_column(sa.Column("died_on", sa.Date, nullable=True))
        batch.add_column(sa.Column("death_place", sa.String(200), nullable=True))
        batch.add_column(sa.Column("death_source", sa.String(500), nullable=True))
    op.create_table(
        "discipline_cases",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("inmate_id", sa.String(36), nullable=False),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("violation", sa.String(64), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("occurred_on", sa.Date, nullable=False),
        sa.Column("description", sa.String(2000), nullable=False),
        sa.Column("reported_by", sa.String(200), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("examined_on", sa.Date, nullable=True),
        sa.Column("examiner", sa.String(200), nullable=True),
        sa.Column("findings", sa.String(4000), nullable=True),
        sa.Column("bap_no", sa.String(100), nullable=True),
        sa.Column("tpp_held_on", sa.Date, nullable=True),
        sa.Column("tpp_chair", sa.String(200), nullable=True),
        sa.Column("tpp_sanction", sa.Boolean, nullable=True),
        sa.Column("tpp_level", sa.String(16), nullable=True),
        sa.Column("tpp_measures", sa.String(200), nullable=True),
        sa.Column("tpp_isolation_days", sa.Integer, nullable=True),
        sa.Column("tpp_reasons", sa.String(4000), nullable=True),
        sa.Column("decided_on", sa.Date, nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("decree_no", sa.String(100), nullable=True),
        sa.Column("decision_sanction", sa.Boolean, nullable=True),
        sa.Column("decision_level", sa.String(16), nullable=True),
        sa.Column("decision_measures", sa.String(200), nullable=True),
        sa.Column("decision_isolation_days", sa.Integer, nullable=True),
        sa.Column("decision_why", sa.String(4000), nullable=True),
    )
    for column in ("inmate_id", "upt_code", "occurred_on"):
        op.create_index(f"ix_discipline_cases_{column}", "discipline_cases", [column])
    op.create_table(
        "discipline_case_steps",
        sa.Column(
            "case_id",
            sa.String(36),
            sa.ForeignKey("discipline_cases.case_id", name="fk_discipline_case_steps_case_id_discipline_cases"),
            primary_key=True,
        ),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("from_status", sa.String(32), nullable=True),
        sa.Column("to_status", sa.String(32), nullable=False),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("why", sa.String(4000), nullable=False),
    )
    op.create_table(
        "seizure_discipline_cases",
        sa.Column(
            "seizure_id",
            sa.String(36),
            sa.ForeignKey("seizures.seizure_id", name="fk_seizure_discipline_cases_seizure_id_seizures"),
            primary_key=True,
        ),
        sa.Column(
            "case_id",
            sa.String(36),
            sa.ForeignKey("discipline_cases.case_id", name="fk_seizure_discipline_cases_case_id_discipline_cases"),
            primary_key=True,
        ),
    )
    op.create_index("ix_seizure_discipline_cases_case_id", "seizure_discipline_cases", ["case_id"])


def downgrade() -> None:
    op.drop_table("seizure_discipline_cases")
    op.drop_table("discipline_case_steps")
    op.drop_table("discipline_cases")
    with op.batch_alter_table("escapes") as batch:
        batch.drop_column("death_source")
        batch.drop_column("death_place")
        batch.drop_column("died_on")
