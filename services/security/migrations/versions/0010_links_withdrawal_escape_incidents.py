"""Seized items linked after the search to incidents (and, with who, when and why, to discipline
cases); a discipline case withdrawn before the decision; an escape grouped under its incident.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

from pas_shared.db import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "seizure_incidents",
        sa.Column(
            "seizure_id",
            sa.String(36),
            sa.ForeignKey("seizures.seizure_id", name="fk_seizure_incidents_seizure_id_seizures"),
            primary_key=True,
        ),
        sa.Column(
            "incident_id",
            sa.String(36),
            sa.ForeignKey("incidents.incident_id", name="fk_seizure_incidents_incident_id_incidents"),
            primary_key=True,
        ),
        sa.Column("linked_by", sa.String(200), nullable=False),
        sa.Column("linked_at", UTCDateTime, nullable=False),
        sa.Column("why", sa.String(2000), nullable=False),
    )
    op.create_index("ix_seizure_incidents_incident_id", "seizure_incidents", ["incident_id"])
    # Null on the links a case named when it was reported (its report is their record).
    with op.batch_alter_table("seizure_discipline_cases") as batch:
        batch.add_column(sa.Column("linked_by", sa.String(200), nullable=True))
        batch.add_column(sa.Column("linked_at", UTCDateTime, nullable=True))
        batch.add_column(sa.Column("why", sa.String(2000), nullable=True))
    with op.batch_alter_table("discipline_cases") as batch:
        batch.add_column(sa.Column("withdrawn_on", sa.Date, nullable=True))
        batch.add_column(sa.Column("withdrawn_by", sa.String(200), nullable=True))
        batch.add_column(sa.Column("withdrawal_reason", sa.String(4000), nullable=True))
    with op.batch_alter_table("escapes") as batch:
        batch.add_column(sa.Column("incident_id", sa.String(36), nullable=True))
    op.create_index("ix_escapes_incident_id", "escapes", ["incident_id"])


def downgrade() -> None:
    op.drop_index("ix_escapes_incident_id", "escapes")
    with op.batch_alter_table("escapes") as batch:
        batch.drop_column("incident_id")
    with op.batch_alter_table("discipline_cases") as batch:
        batch.drop_column("withdrawal_reason")
        batch.drop_column("withdrawn_by")
        batch.drop_column("withdrawn_on")
    with op.batch_alter_table("seizure_discipline_cases") as batch:
        batch.drop_column("why")
        batch.drop_column("linked_at")
        batch.drop_column("linked_by")
    op.drop_table("seizure_incidents")
