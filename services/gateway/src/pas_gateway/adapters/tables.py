from sqlalchemy import BigInteger, Boolean, Column, Date, Float, Index, Integer, String, Table, Text

from pas_shared.db import SeqType, UTCDateTime, define_platform_tables, new_metadata

metadata = new_metadata()
platform = define_platform_tables(metadata)

# The append-only, hash-chained audit trail of requests through the gateway (domain/audit.py).
# Rows are only ever inserted (triggers refuse UPDATE and DELETE); `audit_chain_head` is the one
# row holding the last entry's number and hash, locked by each append so entries chain in order.
audit_chain = Table(
    "audit_chain",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("scope", String(100), nullable=False),
    Column("method", String(16), nullable=False),
    Column("path", Text, nullable=False),
    Column("query", Text, nullable=False),
    Column("status", Integer, nullable=False),
    Column("client", String(100), nullable=False),
    Column("correlation_id", String(100), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

audit_chain_head = Table(
    "audit_chain_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
)

# -- National KPI read models (migration 0005), built only from the services' events ----------
# Pre-aggregated per UPT so a national answer reads about 532 rows per metric, never the events:
# kpi_state holds each level's current value, kpi_daily each metric's change or count per day.

kpi_upt = Table(
    "kpi_upt",
    metadata,
    Column("upt_code", String(32), primary_key=True),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("upt_type", String(64), nullable=False),
    Column("province", String(100), nullable=True),
    Column("time_zone", String(64), nullable=False),
)
kpi_state = Table(
    "kpi_state",
    metadata,
    Column("upt_code", String(32), primary_key=True),
    Column("metric", String(120), primary_key=True),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("value", Float, nullable=False),
)
kpi_daily = Table(
    "kpi_daily",
    metadata,
    Column("upt_code", String(32), primary_key=True),
    Column("metric", String(120), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("kanwil_code", String(32), nullable=False),
    Column("value", Float, nullable=False),
    Index("ix_kpi_daily_metric_day", "metric", "day"),
    Index("ix_kpi_daily_kanwil_code_metric_day", "kanwil_code", "metric", "day"),
)
# Per source service: the newest event time applied and how many events were applied.
kpi_source = Table(
    "kpi_source",
    metadata,
    Column("source", String(40), primary_key=True),
    Column("as_of", UTCDateTime, nullable=False),
    Column("events", BigInteger, nullable=False),
)
# What a later event needs to know about an earlier one (a release names no custody status, a
# closing no occurrence time). Internal to the projections; never answered by the API.
kpi_inmate = Table(
    "kpi_inmate",
    metadata,
    Column("inmate_id", String(36), primary_key=True),
    Column("upt_code", String(32), nullable=False),
    Column("kanwil_code", String(32), nullable=False),
    Column("custody_status", String(16), nullable=False),
    Column("release_due", Date, nullable=True),
    Column("released", Boolean, nullable=False),
)
kpi_incident = Table(
    "kpi_incident",
    metadata,
    Column("incident_id", String(36), primary_key=True),
    Column("upt_code", String(32), nullable=False),
    Column("kanwil_code", String(32), nullable=False),
    Column("category", String(64), nullable=False),
    Column("severity", String(64), nullable=False),
    Column("occurred_on", Date, nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("status", String(16), nullable=False),
)
kpi_escape = Table(
    "kpi_escape",
    metadata,
    Column("escape_id", String(36), primary_key=True),
    Column("upt_code", String(32), nullable=False),
    Column("kanwil_code", String(32), nullable=False),
    Column("escaped_on", Date, nullable=False),
    Column("at_large", Boolean, nullable=False),
)
kpi_officer = Table(
    "kpi_officer",
    metadata,
    Column("officer_id", String(36), primary_key=True),
    Column("upt_code", String(32), nullable=False),
    Column("kanwil_code", String(32), nullable=False),
    Column("guard", Boolean, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("trained_until", Date, nullable=True),
)
kpi_product = Table(
    "kpi_product",
    metadata,
    Column("product_id", String(36), primary_key=True),
    Column("upt_code", String(32), nullable=False),
    Column("kanwil_code", String(32), nullable=False),
    Column("category", String(40), nullable=False),
    Column("active", Boolean, nullable=False),
)
kpi_kitchen = Table(
    "kpi_kitchen",
    metadata,
    Column("kitchen_id", String(36), primary_key=True),
    Column("upt_code", String(32), nullable=False),
    Column("kanwil_code", String(32), nullable=False),
    Column("certificate_valid_until", Date, nullable=True),
)
kpi_finding = Table(
    "kpi_finding",
    metadata,
    Column("finding_id", String(36), primary_key=True),
    Column("upt_code", String(32), nullable=False),
    Column("kanwil_code", String(32), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("open", Boolean, nullable=False),
)
kpi_contract = Table(
    "kpi_contract",
    metadata,
    Column("contract_id", String(36), primary_key=True),
    Column("standard_rupiah", Integer, nullable=True),
)

KPI_READ_MODELS = (
    kpi_upt,
    kpi_state,
    kpi_daily,
    kpi_source,
    kpi_inmate,
    kpi_incident,
    kpi_escape,
    kpi_officer,
    kpi_product,
    kpi_kitchen,
    kpi_finding,
    kpi_contract,
)

# The embedded token issuer (domain/identity.py): users with argon2 password hashes, the RSA keys
# that sign tokens (the private key is kept here: production uses an external identity
# provider's JWKS instead), and login attempts for the throttle.
users = Table(
    "users",
    metadata,
    Column("user_id", String(36), primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("roles", Text, nullable=False),  # JSON list of role names
    Column("scope", String(64), nullable=False),
    Column("disabled", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

signing_keys = Table(
    "signing_keys",
    metadata,
    Column("kid", String(36), primary_key=True),
    Column("algorithm", String(16), nullable=False),
    Column("private_pem", Text, nullable=False),
    Column("public_jwk", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("retired_at", UTCDateTime, nullable=True),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("seq", SeqType, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, index=True),
    Column("client", String(100), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("succeeded", Boolean, nullable=False),
)
