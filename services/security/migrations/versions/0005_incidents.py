"""Incidents: the UPTs as remission registers them, incidents with the people involved, actions
taken, addenda, escalations and every review transition.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from pas_shared.db import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _child(name: str, *columns: sa.Column) -> None:  # type: ignore[type-arg]
    op.create_table(
        name,
        sa.Column(
            "incident_id",
            sa.String(36),
            sa.ForeignKey("incidents.incident_id", name=f"fk_{name}_incident_id_incidents"),
            primary_key=True,
        ),
        *columns,
    )


def upgrade() -> None:
    op.create_table(
        "facilities",
        sa.Column("upt_code", sa.String(32), primary_key=True),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("upt_type", sa.String(64), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
    )
    op.create_index("ix_facilities_kanwil_code", "facilities", ["kanwil_code"])
    op.create_table(
        "incidents",
        sa.Column("incident_id", sa.String(36), primary_key=True),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(32), nullable=False),
        sa.Column("critical", sa.Boolean, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("location", sa.String(200), nullable=False),
        sa.Column("narrative", sa.Text, nullable=False),
        sa.Column("occurred_at", UTCDateTime, nullable=False),
        sa.Column("occurred_on", sa.Date, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("status_since", UTCDateTime, nullable=False),
        sa.Column("duplicate_of", sa.String(36), nullable=True),
        sa.Column("inmates_involved", sa.Integer, nullable=False),
        sa.Column("unverified_inmates", sa.Integer, nullable=False),
        sa.Column("officers_involved", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_incidents_upt_code", "incidents", ["upt_code"])
    op.create_index("ix_incidents_kanwil_code", "incidents", ["kanwil_code"])
    op.create_index("ix_incidents_occurred_on", "incidents", ["occurred_on"])
    _child(
        "incident_people",
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("inmate_id", sa.String(36), nullable=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("nip", sa.String(32), nullable=True),
        sa.Column("verified", sa.Boolean, nullable=True),
    )
    op.create_index("ix_incident_people_inmate_id", "incident_people", ["inmate_id"])
    _child(
        "incident_actions",
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("taken_at", UTCDateTime, nullable=False),
        sa.Column("description", sa.String(1000), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
    )
    _child(
        "incident_addenda",
        sa.Column("addendum_no", sa.Integer, primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("added_by", sa.String(200), nullable=False),
        sa.Column("added_at", UTCDateTime, nullable=False),
    )
    _child(
        "incident_escalations",
        sa.Column("level", sa.String(32), primary_key=True),
        sa.Column("due_at", UTCDateTime, nullable=True),
        sa.Column("escalated_at", UTCDateTime, nullable=True),
        sa.Column("recorded_by", sa.String(200), nullable=True),
        sa.Column("note", sa.String(500), nullable=True),
    )
    open_only = sa.text("escalated_at IS NULL")
    op.create_index(
        "ix_incident_escalations_open_due", "incident_escalations", ["due_at"], postgresql_where=open_only, sqlite_where=open_only
    )
    _child(
        "incident_transitions",
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("from_status", sa.String(32), nullable=True),
        sa.Column("to_status", sa.String(32), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("why", sa.String(500), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    for name in ("incident_transitions", "incident_escalations", "incident_addenda", "incident_actions", "incident_people"):
        op.drop_table(name)
    op.drop_table("incidents")
    op.drop_table("facilities")
