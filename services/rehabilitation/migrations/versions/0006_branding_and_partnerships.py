"""Branding per product (brand name, label contents, packaging, their workflow) and partnerships
(memoranda with agencies, companies and marketplaces) with the UPTs taking part and the
products covered.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLES = [
    "partnership_transitions",
    "partnership_products",
    "partnership_upts",
    "partnerships",
    "branding_transitions",
    "brandings",
]


def upgrade() -> None:
    op.create_table(
        "brandings",
        sa.Column("product_id", sa.String(36), primary_key=True),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("brand_name", sa.String(200), nullable=False),
        sa.Column("label_elements", sa.JSON, nullable=False),
        sa.Column("packaging", sa.String(500), nullable=True),
        sa.Column("label_status", sa.String(16), nullable=False),
        sa.Column("packaging_status", sa.String(16), nullable=False),
        sa.Column("updated_on", sa.Date, nullable=True),
    )
    op.create_index("ix_brandings_upt_code", "brandings", ["upt_code"])
    op.create_index("ix_brandings_kanwil_code", "brandings", ["kanwil_code"])
    op.create_table(
        "branding_transitions",
        sa.Column("product_id", sa.String(36), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("aspect", sa.String(16), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=False),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("why", sa.Text, nullable=False),
    )
    op.create_table(
        "partnerships",
        sa.Column("partnership_id", sa.String(36), primary_key=True),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("upt_code", sa.String(32), nullable=True),
        sa.Column("kanwil_code", sa.String(32), nullable=True),
        sa.Column("partner", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("document_number", sa.String(100), nullable=False),
        sa.Column("signed_on", sa.Date, nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("scope", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("warned_days", sa.JSON, nullable=False),
        sa.UniqueConstraint("document_number", name="uq_partnerships_document_number"),  # inline: SQLite cannot add one later
    )
    op.create_index("ix_partnerships_upt_code", "partnerships", ["upt_code"])
    op.create_index("ix_partnerships_kanwil_code", "partnerships", ["kanwil_code"])
    op.create_table(
        "partnership_upts",
        sa.Column("partnership_id", sa.String(36), primary_key=True),
        sa.Column("upt_code", sa.String(32), primary_key=True),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
    )
    op.create_index("ix_partnership_upts_upt_code", "partnership_upts", ["upt_code"])
    op.create_table(
        "partnership_products",
        sa.Column("partnership_id", sa.String(36), primary_key=True),
        sa.Column("product_id", sa.String(36), primary_key=True),
    )
    op.create_index("ix_partnership_products_product_id", "partnership_products", ["product_id"])
    op.create_table(
        "partnership_transitions",
        sa.Column("partnership_id", sa.String(36), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("from_status", sa.String(16), nullable=False),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("why", sa.Text, nullable=False),
        sa.Column("document_number", sa.String(100), nullable=False),
    )


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
