"""SOP audits: each audit against a versioned checklist, its scored items, and the corrective
actions non-compliances open (one open action per UPT, area and item).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from pas_shared.db import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sop_audits",
        sa.Column("audit_id", sa.String(36), primary_key=True),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("area", sa.String(64), nullable=False),
        sa.Column("template_version", sa.String(32), nullable=False),
        sa.Column("audited_on", sa.Date, nullable=False),
        sa.Column("auditor", sa.String(200), nullable=False),
        sa.Column("score_pct", sa.Float, nullable=False),
        sa.Column("mandatory_compliant", sa.Integer, nullable=False),
        sa.Column("mandatory_total", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    for column in ("upt_code", "kanwil_code", "audited_on"):
        op.create_index(f"ix_sop_audits_{column}", "sop_audits", [column])
    op.create_table(
        "sop_audit_items",
        sa.Column(
            "audit_id",
            sa.String(36),
            sa.ForeignKey("sop_audits.audit_id", name="fk_sop_audit_items_audit_id_sop_audits"),
            primary_key=True,
        ),
        sa.Column("item", sa.String(64), primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("mandatory", sa.Boolean, nullable=False),
        sa.Column("finding", sa.String(16), nullable=False),
        sa.Column("evidence", sa.String(2000), nullable=True),
    )
    op.create_table(
        "corrective_actions",
        sa.Column("action_id", sa.String(36), primary_key=True),
        sa.Column(
            "audit_id",
            sa.String(36),
            sa.ForeignKey("sop_audits.audit_id", name="fk_corrective_actions_audit_id_sop_audits"),
            nullable=False,
        ),
        sa.Column("upt_code", sa.String(32), nullable=False),
        sa.Column("kanwil_code", sa.String(32), nullable=False),
        sa.Column("area", sa.String(64), nullable=False),
        sa.Column("item", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("opened_on", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("closed_on", sa.Date, nullable=True),
        sa.Column("closed_by_audit_id", sa.String(36), nullable=True),
    )
    for column in ("audit_id", "upt_code", "kanwil_code"):
        op.create_index(f"ix_corrective_actions_{column}", "corrective_actions", [column])
    open_only = sa.text("status = 'open'")
    op.create_index(
        "ux_corrective_actions_open_item",
        "corrective_actions",
        ["upt_code", "area", "item"],
        unique=True,
        postgresql_where=open_only,
        sqlite_where=open_only,
    )


def downgrade() -> None:
    op.drop_table("corrective_actions")
    op.drop_table("sop_audit_items")
    op.drop_table("sop_audits")
