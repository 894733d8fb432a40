from sqlalchemy import Boolean, Column, Date, Integer, String, Table

from pas_shared.db import define_platform_tables, new_metadata
from pas_shared.roster import define_roster_tables

metadata = new_metadata()
platform = define_platform_tables(metadata)
roster = define_roster_tables(metadata)

sanctions = Table(
    "sanctions",
    metadata,
    Column("case_id", String(36), primary_key=True),
    Column("inmate_id", String(36), nullable=False, index=True),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("level", String(16), nullable=False),
    Column("register_f", Boolean, nullable=False),
    Column("sanctioned_on", Date, nullable=False),
    Column("isolation_days", Integer, nullable=False),
    Column("annulled_on", Date, nullable=True),
)
