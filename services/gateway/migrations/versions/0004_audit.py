"""The append-only, hash-chained audit log of writes through the gateway.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64  # pas_gateway.domain.audit.GENESIS_HASH, the `prev_hash` of entry 1

_PG_REFUSE = """
CREATE FUNCTION audit_chain_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_chain is append-only: % refused', TG_OP;
END $$
"""


def upgrade() -> None:
    op.create_table(
        "audit_chain",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("scope", sa.String(100), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("client", sa.String(100), nullable=False),
        sa.Column("correlation_id", sa.String(100), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.execute(sa.text(f"INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, 0, '{GENESIS_HASH}')"))
    # Append-only in the database too: no UPDATE, DELETE or TRUNCATE of entries, and the head
    # is never deleted. The hash chain still detects what someone able to lift this changes.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_REFUSE)
        op.execute(
            "CREATE TRIGGER audit_chain_append_only BEFORE UPDATE OR DELETE ON audit_chain "
            "FOR EACH ROW EXECUTE FUNCTION audit_chain_refuse()"
        )
        op.execute(
            "CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_refuse()"
        )
        op.execute(
            "CREATE TRIGGER audit_chain_head_kept BEFORE DELETE OR TRUNCATE ON audit_chain_head "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_refuse()"
        )
    else:
        for name, event, table in (
            ("audit_chain_no_update", "UPDATE", "audit_chain"),
            ("audit_chain_no_delete", "DELETE", "audit_chain"),
            ("audit_chain_head_kept", "DELETE", "audit_chain_head"),
        ):
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {event} refused'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE audit_chain_head")
        op.execute("DROP TABLE audit_chain")
        op.execute("DROP FUNCTION audit_chain_refuse()")
    else:
        op.drop_table("audit_chain_head")
        op.drop_table("audit_chain")
