from sqlalchemy import Column, Integer, String, Table

from pas_shared.db import UTCDateTime, define_platform_tables, new_metadata

metadata = new_metadata()
platform = define_platform_tables(metadata)

# Read model of occupancy per UPT, built only from remission's events.
occupancy = Table(
    "kpi_occupancy",
    metadata,
    Column("upt_code", String(32), primary_key=True),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("capacity", Integer, nullable=False),
    Column("population", Integer, nullable=False),
    Column("as_of", UTCDateTime, nullable=False),
)
