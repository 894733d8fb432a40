from sqlalchemy import Boolean, Column, Date, Index, Integer, String, Table

from pas_shared.db import UTCDateTime, define_platform_tables, new_metadata
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

escapes = Table(
    "escapes",
    metadata,
    Column("escape_id", String(36), primary_key=True),
    Column("inmate_id", String(36), nullable=False, index=True),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("escaped_at", UTCDateTime, nullable=False),
    Column("escaped_on", Date, nullable=False),
    Column("method", String(200), nullable=False),
    Column("status", String(16), nullable=False),
    Column("recaptured_at", UTCDateTime, nullable=True),
    Column("recaptured_on", Date, nullable=True),
    Column("place", String(200), nullable=True),
)
# One open escape per inmate, also under concurrent reports: at most one at_large row each.
Index(
    "ux_escapes_open_inmate",
    escapes.c.inmate_id,
    unique=True,
    postgresql_where=escapes.c.status == "at_large",
    sqlite_where=escapes.c.status == "at_large",
)
