"""Read models of the national KPIs, built from the domain services' events.

They replace kpi_occupancy: its consumer group is retired too, and the new consumer groups
(gateway.kpi-<source>) start from the beginning of every topic, so the new tables fill by replay.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _upt_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [sa.Column("upt_code", sa.String(32), nullable=False), sa.Column("kanwil_code", sa.String(32), nullable=False)]


def upgrade() -> None:
    op.drop_table("kpi_occupancy")
    op.create_table(
        "kpi_upt",
        sa.Column("upt_code", sa.String(32), primary_key=True),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("upt_type", sa.String(64), nullable=False),
        sa.Column("province", sa.String(100), nullable=True),
        sa.Column("time_zone", sa.String(64), nullable=False),
    )
    op.create_index("ix_kpi_upt_kanwil_code", "kpi_upt", ["kanwil_code"])
    op.create_table(
        "kpi_state",
        sa.Column("upt_code", sa.String(32), primary_key=True),
        sa.Column("metric", sa.String(120), primary_key=True),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
    )
    op.create_index("ix_kpi_state_kanwil_code", "kpi_state", ["kanwil_code"])
    op.create_table(
        "kpi_daily",
        sa.Column("upt_code", sa.String(32), primary_key=True),
        sa.Column("metric", sa.String(120), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
    )
    op.create_index("ix_kpi_daily_metric_day", "kpi_daily", ["metric", "day"])
    op.create_index("ix_kpi_daily_kanwil_code_metric_day", "kpi_daily", ["kanwil_code", "metric", "day"])
    op.create_table(
        "kpi_source",
        sa.Column("source", sa.String(40), primary_key=True),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.Column("events", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "kpi_inmate",
        sa.Column("inmate_id", sa.String(36), primary_key=True),
        *_upt_columns(),
        sa.Column("custody_status", sa.String(16), nullable=False),
        sa.Column("release_due", sa.Date, nullable=True),
        sa.Column("released", sa.Boolean, nullable=False),
    )
    op.create_table(
        "kpi_incident",
        sa.Column("incident_id", sa.String(36), primary_key=True),
        *_upt_columns(),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(64), nullable=False),
        sa.Column("occurred_on", sa.Date, nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
    )
    op.create_table(
        "kpi_escape",
        sa.Column("escape_id", sa.String(36), primary_key=True),
        *_upt_columns(),
        sa.Column("escaped_on", sa.Date, nullable=False),
        sa.Column("at_large", sa.Boolean, nullable=False),
    )
    op.create_table(
        "kpi_officer",
        sa.Column("officer_id", sa.String(36), primary_key=True),
        *_upt_columns(),
        sa.Column("guard", sa.Boolean, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("trained_until", sa.Date, nullable=True),
    )
    op.create_table(
        "kpi_product",
        sa.Column("product_id", sa.String(36), primary_key=True),
        *_upt_columns(),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    op.create_table(
        "kpi_kitchen",
        sa.Column("kitchen_id", sa.String(36), primary_key=True),
        *_upt_columns(),
        sa.Column("certificate_valid_until", sa.Date, nullable=True),
    )
    op.create_table(
        "kpi_finding",
        sa.Column("finding_id", sa.String(36), primary_key=True),
        *_upt_columns(),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("open", sa.Boolean, nullable=False),
    )
    op.create_table(
        "kpi_contract",
        sa.Column("contract_id", sa.String(36), primary_key=True),
        sa.Column("standard_rupiah", sa.Integer, nullable=True),
    )


def downgrade() -> None:
    for table in (
        "kpi_contract",
        "kpi_finding",
        "kpi_kitchen",
        "kpi_product",
        "kpi_officer",
        "kpi_escape",
        "kpi_incident",
        "kpi_inmate",
        "kpi_source",
        "kpi_daily",
        "kpi_state",
        "kpi_upt",
    ):
        op.drop_table(table)
    op.create_table(
        "kpi_occupancy",
        sa.Column("upt_code", sa.String(32), primary_key=True),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("population", sa.Integer, nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_kpi_occupancy_kanwil_code", "kpi_occupancy", ["kanwil_code"])
