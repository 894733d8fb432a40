"""Integration-rights applications (PB, CB, CMB, asimilasi) and their transitions.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from pas_shared.db import SeqType, UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

IN_PROGRESS = "status NOT IN ('completed', 'revoked', 'rejected', 'withdrawn')"


def upgrade() -> None:
    op.create_table(
        "integration_applications",
        sa.Column("application_id", sa.String(36), primary_key=True),
        sa.Column("inmate_id", sa.String(36), nullable=False),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("integration_right", sa.String(16), nullable=False),
        sa.Column("crime", sa.String(32), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("status_since", UTCDateTime, nullable=False),
        sa.Column("opened_on", sa.Date, nullable=False),
        sa.Column("proposed_on", sa.Date, nullable=False),
        sa.Column("earliest_on", sa.Date, nullable=True),
        sa.Column("decree_number", sa.String(100), nullable=True),
        sa.Column("decided_on", sa.Date, nullable=True),
        sa.Column("starts_on", sa.Date, nullable=True),
        sa.Column("ends_on", sa.Date, nullable=True),
        sa.Column("supervised_from", sa.Date, nullable=True),
        sa.Column("revocation_ground", sa.String(32), nullable=True),
        sa.Column("revoked_on", sa.Date, nullable=True),
        sa.Column("completed_on", sa.Date, nullable=True),
    )
    op.create_index("ix_integration_applications_inmate_id", "integration_applications", ["inmate_id"])
    op.create_index("ix_integration_applications_upt_code", "integration_applications", ["upt_code"])
    op.create_index("ix_integration_applications_kanwil_code", "integration_applications", ["kanwil_code"])
    op.create_index("ix_integration_applications_status", "integration_applications", ["status"])
    release = sa.text(f"integration_right <> 'asimilasi' AND {IN_PROGRESS}")
    op.create_index(
        "ux_integration_applications_open_release",
        "integration_applications",
        ["inmate_id"],
        unique=True,
        postgresql_where=release,
        sqlite_where=release,
    )
    asimilasi = sa.text(f"integration_right = 'asimilasi' AND {IN_PROGRESS}")
    op.create_index(
        "ux_integration_applications_open_asimilasi",
        "integration_applications",
        ["inmate_id"],
        unique=True,
        postgresql_where=asimilasi,
        sqlite_where=asimilasi,
    )
    op.create_table(
        "application_transitions",
        sa.Column("seq", SeqType, primary_key=True, autoincrement=True),
        sa.Column("application_id", sa.String(36), nullable=False),
        sa.Column("from_status", sa.String(32), nullable=True),
        sa.Column("to_status", sa.String(32), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("why", sa.String(500), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_application_transitions_application_id", "application_transitions", ["application_id"])
    op.create_table(
        "application_documents",
        sa.Column("application_id", sa.String(36), primary_key=True),
        sa.Column("document", sa.String(64), primary_key=True),
        sa.Column("received_on", sa.Date, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("application_documents")
    op.drop_table("application_transitions")
    op.drop_table("integration_applications")
