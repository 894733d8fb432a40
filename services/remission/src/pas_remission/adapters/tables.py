from sqlalchemy import Boolean, Column, Date, Integer, String, Table, UniqueConstraint

from pas_shared.db import define_platform_tables, new_metadata

metadata = new_metadata()
platform = define_platform_tables(metadata)

facilities = Table(
    "facilities",
    metadata,
    Column("upt_code", String(32), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("upt_type", String(32), nullable=False),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("capacity", Integer, nullable=False),
    Column("time_zone", String(32), nullable=False),
)

inmates = Table(
    "inmates",
    metadata,
    Column("inmate_id", String(36), primary_key=True),
    Column("register_number", String(64), nullable=False),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("kanwil_code", String(32), nullable=False),
    Column("custody_status", String(16), nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("admitted_on", Date, nullable=False),
    Column("released_on", Date, nullable=True),
    Column("release_reason", String(32), nullable=True),
    Column("is_child", Boolean, nullable=False),
    UniqueConstraint("upt_code", "register_number"),
)
