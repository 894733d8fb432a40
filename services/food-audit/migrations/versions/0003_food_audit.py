"""Food audit: UPTs (from remission's facility events), vendors and contracts, deliveries,
kitchens with condition assessments and SLHS certificates, inspections and findings, menu
cycles and served menus.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from pas_shared.db import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "facilities",
        sa.Column("upt_code", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("time_zone", sa.String(32), nullable=False),
    )
    op.create_table(
        "vendors",
        sa.Column("vendor_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("npwp", sa.String(32), nullable=True),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("upt_code", "name", name="uq_vendors_upt_code_name"),
    )
    op.create_index("ix_vendors_upt_code", "vendors", ["upt_code"])
    op.create_index("ix_vendors_kanwil_code", "vendors", ["kanwil_code"])
    op.create_table(
        "contracts",
        sa.Column("contract_id", sa.String(36), primary_key=True),
        sa.Column("contract_number", sa.String(100), nullable=False),
        sa.Column("tender_reference", sa.String(100), nullable=False),
        sa.Column("vendor_id", sa.String(36), nullable=False),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("province", sa.String(40), nullable=False),
        sa.Column("fiscal_year", sa.Integer, nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("value_rupiah", sa.BigInteger, nullable=False),
        sa.Column("daily_ration_cost_rupiah", sa.Integer, nullable=False),
        sa.Column("delivery_days", sa.String(40), nullable=False),
        sa.Column("late_penalty_permille_per_day", sa.Integer, nullable=False),
        sa.Column("penalty_cap_pct", sa.Integer, nullable=False),
        sa.Column("penalty_text", sa.String(1000), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("upt_code", "contract_number", name="uq_contracts_upt_code_contract_number"),
    )
    op.create_index("ix_contracts_vendor_id", "contracts", ["vendor_id"])
    op.create_index("ix_contracts_upt_code", "contracts", ["upt_code"])
    op.create_index("ix_contracts_kanwil_code", "contracts", ["kanwil_code"])
    op.create_table(
        "deliveries",
        sa.Column("delivery_id", sa.String(36), primary_key=True),
        sa.Column("contract_id", sa.String(36), nullable=False),
        sa.Column("vendor_id", sa.String(36), nullable=False),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("delivered_on", sa.Date, nullable=False),
        sa.Column("headcount", sa.Integer, nullable=False),
        sa.Column("ordered_rations", sa.Integer, nullable=False),
        sa.Column("delivered_rations", sa.Integer, nullable=False),
        sa.Column("rejected_rations", sa.Integer, nullable=False),
        sa.Column("rejection_reason", sa.String(500), nullable=True),
        sa.Column("daily_ration_cost_rupiah", sa.Integer, nullable=False),
        sa.Column("scheduled", sa.Boolean, nullable=False),
        sa.Column("notes", sa.String(1000), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("contract_id", "delivered_on", name="uq_deliveries_contract_id_delivered_on"),
    )
    op.create_index("ix_deliveries_vendor_id", "deliveries", ["vendor_id"])
    op.create_index("ix_deliveries_upt_code", "deliveries", ["upt_code"])
    op.create_index("ix_deliveries_kanwil_code", "deliveries", ["kanwil_code"])
    op.create_index("ix_deliveries_delivered_on", "deliveries", ["delivered_on"])
    op.create_table(
        "kitchens",
        sa.Column("kitchen_id", sa.String(36), primary_key=True),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.UniqueConstraint("upt_code", "name", name="uq_kitchens_upt_code_name"),
    )
    op.create_index("ix_kitchens_upt_code", "kitchens", ["upt_code"])
    op.create_index("ix_kitchens_kanwil_code", "kitchens", ["kanwil_code"])
    op.create_table(
        "kitchen_assessments",
        sa.Column("assessment_id", sa.String(36), primary_key=True),
        sa.Column("kitchen_id", sa.String(36), nullable=False),
        sa.Column("assessed_on", sa.Date, nullable=False),
        sa.Column("assessor", sa.String(200), nullable=False),
        sa.Column("elements", sa.JSON, nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_kitchen_assessments_kitchen_id", "kitchen_assessments", ["kitchen_id"])
    op.create_table(
        "certificates",
        sa.Column("certificate_id", sa.String(36), primary_key=True),
        sa.Column("kitchen_id", sa.String(36), nullable=False),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("issuer", sa.String(200), nullable=False),
        sa.Column("number", sa.String(100), nullable=False),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("expires_on", sa.Date, nullable=False),
        sa.Column("warned", sa.String(40), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("kitchen_id", "number", name="uq_certificates_kitchen_id_number"),
    )
    op.create_index("ix_certificates_kitchen_id", "certificates", ["kitchen_id"])
    op.create_index("ix_certificates_upt_code", "certificates", ["upt_code"])
    op.create_index("ix_certificates_kanwil_code", "certificates", ["kanwil_code"])
    op.create_index("ix_certificates_expires_on", "certificates", ["expires_on"])
    op.create_table(
        "inspections",
        sa.Column("inspection_id", sa.String(36), primary_key=True),
        sa.Column("kitchen_id", sa.String(36), nullable=False),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("planned_on", sa.Date, nullable=False),
        sa.Column("template_version", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("inspected_on", sa.Date, nullable=True),
        sa.Column("inspector", sa.String(200), nullable=True),
        sa.Column("scores", sa.JSON, nullable=False),
        sa.Column("rating", sa.Integer, nullable=True),
        sa.Column("overall_pct", sa.Float, nullable=True),
        sa.Column("passed", sa.Boolean, nullable=True),
        sa.Column("transitions", sa.JSON, nullable=False),
    )
    op.create_index("ix_inspections_kitchen_id", "inspections", ["kitchen_id"])
    op.create_index("ix_inspections_upt_code", "inspections", ["upt_code"])
    op.create_index("ix_inspections_kanwil_code", "inspections", ["kanwil_code"])
    op.create_index("ix_inspections_status", "inspections", ["status"])
    op.create_table(
        "findings",
        sa.Column("finding_id", sa.String(36), primary_key=True),
        sa.Column("inspection_id", sa.String(36), nullable=False),
        sa.Column("kitchen_id", sa.String(36), nullable=False),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("item", sa.String(100), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("note", sa.String(1000), nullable=False),
        sa.Column("opened_on", sa.Date, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("escalated_on", sa.Date, nullable=True),
        sa.Column("closed_on", sa.Date, nullable=True),
        sa.Column("closed_by_inspection_id", sa.String(36), nullable=True),
    )
    op.create_index("ix_findings_inspection_id", "findings", ["inspection_id"])
    op.create_index("ix_findings_kitchen_id", "findings", ["kitchen_id"])
    op.create_index("ix_findings_upt_code", "findings", ["upt_code"])
    op.create_index("ix_findings_kanwil_code", "findings", ["kanwil_code"])
    op.create_index("ix_findings_status", "findings", ["status"])
    op.create_table(
        "menu_cycles",
        sa.Column("cycle_id", sa.String(36), primary_key=True),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("days", sa.JSON, nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("upt_code", "effective_from", name="uq_menu_cycles_upt_code_effective_from"),
    )
    op.create_index("ix_menu_cycles_upt_code", "menu_cycles", ["upt_code"])
    op.create_index("ix_menu_cycles_kanwil_code", "menu_cycles", ["kanwil_code"])
    op.create_table(
        "served_menus",
        sa.Column("served_id", sa.String(36), primary_key=True),
        sa.Column("cycle_id", sa.String(36), nullable=False),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("served_on", sa.Date, nullable=False),
        sa.Column("cycle_day_served", sa.Integer, nullable=False),
        sa.Column("cycle_day_expected", sa.Integer, nullable=False),
        sa.Column("kcal", sa.JSON, nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("upt_code", "served_on", name="uq_served_menus_upt_code_served_on"),
    )
    op.create_index("ix_served_menus_upt_code", "served_menus", ["upt_code"])
    op.create_index("ix_served_menus_kanwil_code", "served_menus", ["kanwil_code"])


def downgrade() -> None:
    op.drop_table("served_menus")
    op.drop_table("menu_cycles")
    op.drop_table("findings")
    op.drop_table("inspections")
    op.drop_table("certificates")
    op.drop_table("kitchen_assessments")
    op.drop_table("kitchens")
    op.drop_table("deliveries")
    op.drop_table("contracts")
    op.drop_table("vendors")
    op.drop_table("facilities")
