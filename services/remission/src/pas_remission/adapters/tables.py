from sqlalchemy import BigInteger, Boolean, Column, Date, Index, Integer, String, Table, UniqueConstraint, text

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
    Column("upt_class", String(8), nullable=True),
    Column("province", String(64), nullable=True),
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
    Column("detaining_authority", String(32), nullable=True),
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

# Capacity history per UPT: the capacity in force from effective_on until the next entry.
facility_capacity = Table(
    "facility_capacity",
    metadata,
    Column("upt_code", String(32), primary_key=True),
    Column("effective_on", Date, primary_key=True),
    Column("capacity", Integer, nullable=False),
    Column("reason", String(500), nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)

# Transfers between UPTs: the register's history of where each inmate was held.
inmate_transfers = Table(
    "inmate_transfers",
    metadata,
    Column("transfer_id", String(36), primary_key=True),
    Column("inmate_id", String(36), nullable=False, index=True),
    Column("from_upt_code", String(32), nullable=False),
    Column("from_kanwil_code", String(32), nullable=False),
    Column("to_upt_code", String(32), nullable=False),
    Column("to_kanwil_code", String(32), nullable=False),
    Column("from_register_number", String(64), nullable=False),
    Column("to_register_number", String(64), nullable=False),
    Column("transferred_on", Date, nullable=False),
    Column("reason", String(32), nullable=False),
    Column("by", String(200), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)

# Social-assistance (bansos) distributions. The family member's NIK and name stay here; events
# carry neither.
social_assistance = Table(
    "social_assistance",
    metadata,
    Column("distribution_id", String(36), primary_key=True),
    Column("programme", String(40), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("amount_rupiah", BigInteger, nullable=True),
    Column("description", String(500), nullable=True),
    Column("distributed_on", Date, nullable=False, index=True),
    Column("partner_agency", String(200), nullable=False),
    Column("recipient_type", String(16), nullable=False),
    Column("inmate_id", String(36), nullable=False, index=True),
    Column("family_name", String(200), nullable=True),
    Column("relationship", String(16), nullable=True),
    Column("nik", String(16), nullable=True),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("by", String(200), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)

# Integration-rights applications (PB, CB, CMB, asimilasi); the status follows domain/applications.py NEXT.
integration_applications = Table(
    "integration_applications",
    metadata,
    Column("application_id", String(36), primary_key=True),
    Column("inmate_id", String(36), nullable=False, index=True),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("integration_right", String(16), nullable=False),
    Column("crime", String(32), nullable=False),
    Column("status", String(32), nullable=False, index=True),
    Column("status_since", UTCDateTime, nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("proposed_on", Date, nullable=False),
    Column("earliest_on", Date, nullable=True),
    Column("decree_number", String(100), nullable=True),
    Column("decided_on", Date, nullable=True),
    Column("starts_on", Date, nullable=True),
    Column("ends_on", Date, nullable=True),
    Column("supervised_from", Date, nullable=True),
    Column("revocation_ground", String(32), nullable=True),
    Column("revoked_on", Date, nullable=True),
    Column("completed_on", Date, nullable=True),
)
# In progress = not completed, revoked, rejected or withdrawn. At most one release right (PB, CB,
# CMB) and one asimilasi in progress per inmate, also under concurrent requests.
APPLICATION_IN_PROGRESS = "status NOT IN ('completed', 'revoked', 'rejected', 'withdrawn')"
Index(
    "ux_integration_applications_open_release",
    integration_applications.c.inmate_id,
    unique=True,
    postgresql_where=text(f"integration_right <> 'asimilasi' AND {APPLICATION_IN_PROGRESS}"),
    sqlite_where=text(f"integration_right <> 'asimilasi' AND {APPLICATION_IN_PROGRESS}"),
)
Index(
    "ux_integration_applications_open_asimilasi",
    integration_applications.c.inmate_id,
    unique=True,
    postgresql_where=text(f"integration_right = 'asimilasi' AND {APPLICATION_IN_PROGRESS}"),
    sqlite_where=text(f"integration_right = 'asimilasi' AND {APPLICATION_IN_PROGRESS}"),
)

application_transitions = Table(
    "application_transitions",
    metadata,
    Column("seq", SeqType, primary_key=True, autoincrement=True),
    Column("application_id", String(36), nullable=False, index=True),
    Column("from_status", String(32), nullable=True),
    Column("to_status", String(32), nullable=False),
    Column("by", String(200), nullable=False),
    Column("why", String(500), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)

application_documents = Table(
    "application_documents",
    metadata,
    Column("application_id", String(36), primary_key=True),
    Column("document", String(64), primary_key=True),
    Column("received_on", Date, nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)

# Special-crime conditions and paid fines, met on a date, with the document proving it.
inmate_special_conditions = Table(
    "inmate_special_conditions",
    metadata,
    Column("inmate_id", String(36), primary_key=True),
    Column("condition", String(64), primary_key=True),
    Column("met_on", Date, nullable=False),
    Column("evidence", String(300), nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)

# Who a batch designates for a basis the register does not hold: a Remisi Tambahan basis
# (jasa-negara, pemuka, ...) or a certified long-term illness (Remisi Kemanusiaan).
remission_batch_designations = Table(
    "remission_batch_designations",
    metadata,
    Column("batch_id", String(36), primary_key=True),
    Column("inmate_id", String(36), primary_key=True),
    Column("basis", String(32), nullable=False),
    Column("evidence", String(300), nullable=False),
)
