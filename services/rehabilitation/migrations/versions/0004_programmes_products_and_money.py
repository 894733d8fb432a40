"""Programmes as records (sessions, attendance, completion), UPTs from remission's facility
events, products with production and stock, permits, premi splits, sales, PNBP deposits and
premi payments.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from pas_shared.db import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = [
    "premi_payment_lines",
    "premi_payments",
    "pnbp_deposits",
    "sales",
    "premi_splits",
    "permit_transitions",
    "permits",
    "production_workers",
    "production_batches",
    "products",
    "attendance",
    "programme_sessions",
    "programmes",
    "facilities",
]


def upgrade() -> None:
    # Enrolments made before programmes were records keep their free-text programme (no programme_id).
    op.add_column("enrolments", sa.Column("programme_id", sa.String(36), nullable=True))
    op.add_column("enrolments", sa.Column("ended_on", sa.Date, nullable=True))
    op.create_index("ix_enrolments_programme_id", "enrolments", ["programme_id"])
    op.create_table(
        "facilities",
        sa.Column("upt_code", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("upt_type", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("time_zone", sa.String(40), nullable=False),
    )
    op.create_index("ix_facilities_kanwil_code", "facilities", ["kanwil_code"])
    op.create_table(
        "programmes",
        sa.Column("programme_id", sa.String(36), primary_key=True),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("sae_site", sa.String(200), nullable=True),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("instructors", sa.JSON, nullable=False),
        sa.Column("partners", sa.JSON, nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=True),
    )
    op.create_index("ix_programmes_kanwil_code", "programmes", ["kanwil_code"])
    op.create_index("ix_programmes_upt_code", "programmes", ["upt_code"])
    op.create_table(
        "programme_sessions",
        sa.Column("session_id", sa.String(36), primary_key=True),
        sa.Column("programme_id", sa.String(36), nullable=False),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("topic", sa.String(200), nullable=True),
    )
    op.create_index("ux_programme_sessions_programme_day", "programme_sessions", ["programme_id", "held_on"], unique=True)
    op.create_table(
        "attendance",
        sa.Column("session_id", sa.String(36), primary_key=True),
        sa.Column("enrolment_id", sa.String(36), primary_key=True),
        sa.Column("present", sa.Boolean, nullable=False),
    )
    op.create_index("ix_attendance_enrolment_id", "attendance", ["enrolment_id"])
    op.create_table(
        "products",
        sa.Column("product_id", sa.String(36), primary_key=True),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("unit", sa.String(20), nullable=False),
        sa.Column("photo_ref", sa.String(500), nullable=True),
        sa.Column("registered_on", sa.Date, nullable=False),
        sa.Column("flagship_upt", sa.Boolean, nullable=False),
        sa.Column("flagship_kanwil", sa.Boolean, nullable=False),
        sa.Column("stock", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("discontinued_on", sa.Date, nullable=True),
    )
    op.create_index("ix_products_kanwil_code", "products", ["kanwil_code"])
    op.create_index("ix_products_upt_code", "products", ["upt_code"])
    op.create_index("ux_products_upt_name", "products", ["upt_code", "name"], unique=True)
    op.create_table(
        "production_batches",
        sa.Column("batch_id", sa.String(36), primary_key=True),
        sa.Column("product_id", sa.String(36), nullable=False),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("produced_on", sa.Date, nullable=False),
        sa.Column("quantity", sa.BigInteger, nullable=False),
        sa.Column("materials", sa.JSON, nullable=False),
    )
    op.create_index("ix_production_batches_product_id", "production_batches", ["product_id"])
    op.create_index("ix_production_batches_upt_code", "production_batches", ["upt_code"])
    op.create_table(
        "production_workers",
        sa.Column("batch_id", sa.String(36), primary_key=True),
        sa.Column("inmate_id", sa.String(36), primary_key=True),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("produced_on", sa.Date, nullable=False),
    )
    op.create_index("ix_production_workers_upt_inmate", "production_workers", ["upt_code", "inmate_id"])
    op.create_table(
        "permits",
        sa.Column("permit_id", sa.String(36), primary_key=True),
        sa.Column("product_id", sa.String(36), nullable=False),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("permit_type", sa.String(16), nullable=False),
        sa.Column("agency", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("number", sa.String(100), nullable=True),
        sa.Column("valid_from", sa.Date, nullable=True),
        sa.Column("valid_until", sa.Date, nullable=True),
        sa.Column("warned_days", sa.JSON, nullable=False),
    )
    op.create_index("ix_permits_kanwil_code", "permits", ["kanwil_code"])
    op.create_index("ix_permits_upt_code", "permits", ["upt_code"])
    op.create_index("ux_permits_product_type", "permits", ["product_id", "permit_type"], unique=True)
    op.create_table(
        "permit_transitions",
        sa.Column("permit_id", sa.String(36), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("from_status", sa.String(16), nullable=False),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("why", sa.Text, nullable=False),
    )
    op.create_table(
        "premi_splits",
        sa.Column("upt_code", sa.String(32), primary_key=True),
        sa.Column("effective_from", sa.Date, primary_key=True),
        sa.Column("premi_pct", sa.Integer, nullable=False),
        sa.Column("pnbp_pct", sa.Integer, nullable=False),
        sa.Column("capital_pct", sa.Integer, nullable=False),
        sa.Column("basis", sa.String(500), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "sales",
        sa.Column("sale_id", sa.String(36), primary_key=True),
        sa.Column("product_id", sa.String(36), nullable=False),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("sold_on", sa.Date, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("buyer_type", sa.String(16), nullable=False),
        sa.Column("quantity", sa.BigInteger, nullable=False),
        sa.Column("revenue_rupiah", sa.BigInteger, nullable=False),
        sa.Column("premi_rupiah", sa.BigInteger, nullable=False),
        sa.Column("pnbp_rupiah", sa.BigInteger, nullable=False),
        sa.Column("capital_rupiah", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_sales_kanwil_code", "sales", ["kanwil_code"])
    op.create_index("ix_sales_product_id", "sales", ["product_id"])
    op.create_index("ix_sales_upt_code", "sales", ["upt_code"])
    op.create_table(
        "pnbp_deposits",
        sa.Column("deposit_id", sa.String(36), primary_key=True),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("deposited_on", sa.Date, nullable=False),
        sa.Column("amount_rupiah", sa.BigInteger, nullable=False),
        sa.Column("ntpn", sa.String(32), nullable=False),
        sa.UniqueConstraint("ntpn", name="uq_pnbp_deposits_ntpn"),  # inline: SQLite cannot add one later
    )
    op.create_index("ix_pnbp_deposits_upt_code", "pnbp_deposits", ["upt_code"])
    op.create_table(
        "premi_payments",
        sa.Column("payment_id", sa.String(36), primary_key=True),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("paid_on", sa.Date, nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("amount_rupiah", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_premi_payments_upt_code", "premi_payments", ["upt_code"])
    op.create_table(
        "premi_payment_lines",
        sa.Column("payment_id", sa.String(36), primary_key=True),
        sa.Column("inmate_id", sa.String(36), primary_key=True),
        sa.Column("amount_rupiah", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_premi_payment_lines_inmate_id", "premi_payment_lines", ["inmate_id"])


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
    op.drop_index("ix_enrolments_programme_id", "enrolments")
    op.drop_column("enrolments", "ended_on")
    op.drop_column("enrolments", "programme_id")
