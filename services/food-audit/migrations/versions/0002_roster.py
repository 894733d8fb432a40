"""Local roster of inmates per UPT, kept from remission's inmate events.

Revision ID: 0002
Revises: 0001
"""

from pas_shared.migrations import create_roster_tables_v1, drop_roster_tables_v1

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_roster_tables_v1()


def downgrade() -> None:
    drop_roster_tables_v1()
