from sqlalchemy import Boolean, Column, Date, Integer, String, Table, UniqueConstraint

from pas_shared.db import SeqType, UTCDateTime, define_platform_tables, new_metadata

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
    Column("religion", String(16), nullable=False),
    Column("verdict_final_on", Date, nullable=True),
    Column("sentence_kind", String(8), nullable=True),
    Column("sentence_years", Integer, nullable=True),
    Column("sentence_months", Integer, nullable=True),
    Column("sentence_days", Integer, nullable=True),
    Column("fine_substitute_months", Integer, nullable=True),
    Column("fine_substitute_days", Integer, nullable=True),
    Column("crime", String(32), nullable=True),
    UniqueConstraint("upt_code", "register_number"),
)

# Register F entries, from security's discipline events (the eligibility facts remission keeps).
register_f = Table(
    "register_f",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("inmate_id", String(36), nullable=False, index=True),
    Column("sanctioned_on", Date, nullable=False),
    Column("annulled_on", Date, nullable=True),
)

# Escapes, from security's events: time at large is not served.
at_large = Table(
    "at_large",
    metadata,
    Column("escape_id", String(64), primary_key=True),
    Column("inmate_id", String(36), nullable=False, index=True),
    Column("escaped_on", Date, nullable=False),
    Column("recaptured_on", Date, nullable=True),
)

# Latest programme grade and risk assessment, from rehabilitation's events.
inmate_conditions = Table(
    "inmate_conditions",
    metadata,
    Column("inmate_id", String(36), primary_key=True),
    Column("programme_grade", String(16), nullable=True),
    Column("graded_on", Date, nullable=True),
    Column("risk_reduced", Boolean, nullable=True),
    Column("assessed_on", Date, nullable=True),
)

remission_grants = Table(
    "remission_grants",
    metadata,
    Column("grant_id", String(36), primary_key=True),
    Column("inmate_id", String(36), nullable=False, index=True),
    Column("occasion", String(32), nullable=False),
    Column("granted_on", Date, nullable=False),
    Column("months", Integer, nullable=False),
    Column("days", Integer, nullable=False),
    Column("batch_id", String(36), nullable=True),
    Column("remission_type", String(2), nullable=True),
    Column("decree_number", String(100), nullable=True),
)

remission_batches = Table(
    "remission_batches",
    metadata,
    Column("batch_id", String(36), primary_key=True),
    Column("occasion", String(32), nullable=False),
    Column("holiday", String(16), nullable=True),
    Column("occasion_on", Date, nullable=False),
    Column("scope", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("decree_number", String(100), nullable=True),
)

remission_proposals = Table(
    "remission_proposals",
    metadata,
    Column("batch_id", String(36), primary_key=True),
    Column("inmate_id", String(36), primary_key=True),
    Column("upt_code", String(32), nullable=False),
    Column("eligible", Boolean, nullable=False),
    Column("reasons", String(500), nullable=False),  # comma-separated rule ids
    Column("months", Integer, nullable=True),
    Column("days", Integer, nullable=True),
    Column("remission_type", String(2), nullable=True),
    Column("release_on", Date, nullable=True),
    Column("later_grant", Boolean, nullable=False),
)

batch_transitions = Table(
    "batch_transitions",
    metadata,
    Column("seq", SeqType, primary_key=True, autoincrement=True),
    Column("batch_id", String(36), nullable=False, index=True),
    Column("from_status", String(16), nullable=True),
    Column("to_status", String(16), nullable=False),
    Column("by", String(200), nullable=False),
    Column("why", String(500), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)
