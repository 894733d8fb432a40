from sqlalchemy import BigInteger, Boolean, Column, Date, Float, ForeignKey, Index, Integer, Numeric, String, Table, Text

from pas_shared.db import UTCDateTime, define_platform_tables, new_metadata
from pas_shared.directory import define_directory_table
from pas_shared.roster import define_roster_tables

metadata = new_metadata()
platform = define_platform_tables(metadata)
roster = define_roster_tables(metadata)
# The UPTs as remission registers them (facility.registered): Kanwil and time zone.
facilities = define_directory_table(metadata)

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
    Column("died_on", Date, nullable=True),
    Column("death_place", String(200), nullable=True),
    Column("death_source", String(500), nullable=True),
    # The escape incident that groups this escapee with the others who escaped with them.
    Column("incident_id", String(36), nullable=True, index=True),
)
# One open escape per inmate, also under concurrent reports: at most one at_large row each.
Index(
    "ux_escapes_open_inmate",
    escapes.c.inmate_id,
    unique=True,
    postgresql_where=escapes.c.status == "at_large",
    sqlite_where=escapes.c.status == "at_large",
)


incidents = Table(
    "incidents",
    metadata,
    Column("incident_id", String(36), primary_key=True),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("time_zone", String(64), nullable=False),
    Column("category", String(64), nullable=False),
    Column("severity", String(32), nullable=False),
    Column("critical", Boolean, nullable=False),
    Column("title", String(200), nullable=False),
    Column("location", String(200), nullable=False),
    Column("narrative", Text, nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("occurred_on", Date, nullable=False, index=True),
    Column("status", String(32), nullable=False),
    Column("status_since", UTCDateTime, nullable=False),
    Column("duplicate_of", String(36), nullable=True),
    Column("inmates_involved", Integer, nullable=False),
    Column("unverified_inmates", Integer, nullable=False),
    Column("officers_involved", Integer, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

incident_people = Table(
    "incident_people",
    metadata,
    Column("incident_id", String(36), ForeignKey("incidents.incident_id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("role", String(32), nullable=False),
    Column("inmate_id", String(36), nullable=True, index=True),
    Column("name", String(200), nullable=True),
    Column("nip", String(32), nullable=True),
    Column("verified", Boolean, nullable=True),
)

incident_actions = Table(
    "incident_actions",
    metadata,
    Column("incident_id", String(36), ForeignKey("incidents.incident_id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("taken_at", UTCDateTime, nullable=False),
    Column("description", String(1000), nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)

incident_addenda = Table(
    "incident_addenda",
    metadata,
    Column("incident_id", String(36), ForeignKey("incidents.incident_id"), primary_key=True),
    Column("addendum_no", Integer, primary_key=True),
    Column("text", Text, nullable=False),
    Column("added_by", String(200), nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
)

incident_escalations = Table(
    "incident_escalations",
    metadata,
    Column("incident_id", String(36), ForeignKey("incidents.incident_id"), primary_key=True),
    Column("level", String(32), primary_key=True),
    Column("due_at", UTCDateTime, nullable=True),
    Column("escalated_at", UTCDateTime, nullable=True),
    Column("recorded_by", String(200), nullable=True),
    Column("note", String(500), nullable=True),
)
# The overdue list reads the deadlines not yet met.
Index(
    "ix_incident_escalations_open_due",
    incident_escalations.c.due_at,
    postgresql_where=incident_escalations.c.escalated_at.is_(None),
    sqlite_where=incident_escalations.c.escalated_at.is_(None),
)

incident_transitions = Table(
    "incident_transitions",
    metadata,
    Column("incident_id", String(36), ForeignKey("incidents.incident_id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("from_status", String(32), nullable=True),
    Column("to_status", String(32), nullable=False),
    Column("by", String(200), nullable=False),
    Column("why", String(500), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)

sop_audits = Table(
    "sop_audits",
    metadata,
    Column("audit_id", String(36), primary_key=True),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("area", String(64), nullable=False),
    Column("template_version", String(32), nullable=False),
    Column("audited_on", Date, nullable=False, index=True),
    Column("auditor", String(200), nullable=False),
    Column("score_pct", Float, nullable=False),
    Column("mandatory_compliant", Integer, nullable=False),
    Column("mandatory_total", Integer, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

sop_audit_items = Table(
    "sop_audit_items",
    metadata,
    Column("audit_id", String(36), ForeignKey("sop_audits.audit_id"), primary_key=True),
    Column("item", String(64), primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("mandatory", Boolean, nullable=False),
    Column("finding", String(16), nullable=False),
    Column("evidence", String(2000), nullable=True),
)

corrective_actions = Table(
    "corrective_actions",
    metadata,
    Column("action_id", String(36), primary_key=True),
    Column("audit_id", String(36), ForeignKey("sop_audits.audit_id"), nullable=False, index=True),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("area", String(64), nullable=False),
    Column("item", String(64), nullable=False),
    Column("owner", String(200), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("closed_on", Date, nullable=True),
    Column("closed_by_audit_id", String(36), nullable=True),
)
# One open corrective action per UPT, area and item, also under concurrent audits.
Index(
    "ux_corrective_actions_open_item",
    corrective_actions.c.upt_code,
    corrective_actions.c.area,
    corrective_actions.c.item,
    unique=True,
    postgresql_where=corrective_actions.c.status == "open",
    sqlite_where=corrective_actions.c.status == "open",
)

officers = Table(
    "officers",
    metadata,
    Column("officer_id", String(36), primary_key=True),
    Column("nip", String(18), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("position", String(64), nullable=False),
    Column("guard", Boolean, nullable=False),
    Column("post", String(200), nullable=False),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("assigned_on", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("separated_on", Date, nullable=True),
    Column("separation_reason", String(64), nullable=True),
)

officer_trainings = Table(
    "officer_trainings",
    metadata,
    Column("training_id", String(36), primary_key=True),
    Column("officer_id", String(36), ForeignKey("officers.officer_id"), nullable=False, index=True),
    Column("upt_code", String(32), nullable=False),
    Column("kanwil_code", String(32), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("completed_on", Date, nullable=False),
    Column("passed", Boolean, nullable=False),
    Column("hours", Integer, nullable=False),
    Column("provider", String(200), nullable=False),
    Column("certificate_no", String(100), nullable=True),
    Column("valid_until", Date, nullable=True, index=True),
)

officer_sanctions = Table(
    "officer_sanctions",
    metadata,
    Column("action_id", String(36), primary_key=True),
    Column("officer_id", String(36), ForeignKey("officers.officer_id"), nullable=False, index=True),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("level", String(16), nullable=False),
    Column("penalty", String(64), nullable=False),
    Column("reason", String(64), nullable=False),
    Column("decided_on", Date, nullable=False),
    Column("decree_no", String(100), nullable=False),
    Column("incident_id", String(36), nullable=True),
)

searches = Table(
    "searches",
    metadata,
    Column("search_id", String(36), primary_key=True),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("time_zone", String(64), nullable=False),
    Column("place", String(64), nullable=False),
    Column("location", String(200), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("started_on", Date, nullable=False, index=True),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("incident_id", String(36), nullable=True, index=True),
    Column("notes", String(2000), nullable=True),
    Column("created_by", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

search_team = Table(
    "search_team",
    metadata,
    Column("search_id", String(36), ForeignKey("searches.search_id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("role", String(32), nullable=False),
    Column("nip", String(18), nullable=True),
)

seizures = Table(
    "seizures",
    metadata,
    Column("seizure_id", String(36), primary_key=True),
    Column("search_id", String(36), ForeignKey("searches.search_id"), nullable=False, index=True),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("time_zone", String(64), nullable=False),
    Column("item_type", String(64), nullable=False),
    Column("count", Integer, nullable=False),
    Column("description", String(500), nullable=False),
    Column("weight_grams", Numeric(12, 3), nullable=True),
    Column("amount_rupiah", BigInteger, nullable=True),
    Column("inmate_id", String(36), nullable=True, index=True),
    Column("inmate_verified", Boolean, nullable=True),
    Column("status", String(16), nullable=False),
)

seizure_custody = Table(
    "seizure_custody",
    metadata,
    Column("seizure_id", String(36), ForeignKey("seizures.seizure_id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("from_status", String(16), nullable=True),
    Column("to_status", String(16), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("handled_by", String(200), nullable=False),
    Column("place", String(200), nullable=False),
    Column("witness", String(500), nullable=False),
    Column("recipient", String(64), nullable=True),
    Column("document_no", String(100), nullable=True),
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)

# The discipline procedure: one row per case with each step's data; the steps with who, when, why.
discipline_cases = Table(
    "discipline_cases",
    metadata,
    Column("case_id", String(36), primary_key=True),
    Column("inmate_id", String(36), nullable=False, index=True),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("violation", String(64), nullable=False),
    Column("level", String(16), nullable=False),
    Column("occurred_on", Date, nullable=False, index=True),
    Column("description", String(2000), nullable=False),
    Column("reported_by", String(200), nullable=False),
    Column("status", String(32), nullable=False),
    Column("examined_on", Date, nullable=True),
    Column("examiner", String(200), nullable=True),
    Column("findings", String(4000), nullable=True),
    Column("bap_no", String(100), nullable=True),
    Column("tpp_held_on", Date, nullable=True),
    Column("tpp_chair", String(200), nullable=True),
    Column("tpp_sanction", Boolean, nullable=True),
    Column("tpp_level", String(16), nullable=True),
    Column("tpp_measures", String(200), nullable=True),
    Column("tpp_isolation_days", Integer, nullable=True),
    Column("tpp_reasons", String(4000), nullable=True),
    Column("decided_on", Date, nullable=True),
    Column("decided_by", String(200), nullable=True),
    Column("decree_no", String(100), nullable=True),
    Column("decision_sanction", Boolean, nullable=True),
    Column("decision_level", String(16), nullable=True),
    Column("decision_measures", String(200), nullable=True),
    Column("decision_isolation_days", Integer, nullable=True),
    Column("decision_why", String(4000), nullable=True),
    Column("withdrawn_on", Date, nullable=True),
    Column("withdrawn_by", String(200), nullable=True),
    Column("withdrawal_reason", String(4000), nullable=True),
)

discipline_case_steps = Table(
    "discipline_case_steps",
    metadata,
    Column("case_id", String(36), ForeignKey("discipline_cases.case_id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("from_status", String(32), nullable=True),
    Column("to_status", String(32), nullable=False),
    Column("on", Date, nullable=False),
    Column("by", String(200), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("why", String(4000), nullable=False),
)

# A seized item and the discipline case it led to (an item may lead to several cases).
seizure_discipline_cases = Table(
    "seizure_discipline_cases",
    metadata,
    Column("seizure_id", String(36), ForeignKey("seizures.seizure_id"), primary_key=True),
    Column("case_id", String(36), ForeignKey("discipline_cases.case_id"), primary_key=True, index=True),
    # Who linked it, when and why: null on the links named when the case was reported.
    Column("linked_by", String(200), nullable=True),
    Column("linked_at", UTCDateTime, nullable=True),
    Column("why", String(2000), nullable=True),
)

# A seized item linked after its search to an incident (the search's own incident is on the search).
seizure_incidents = Table(
    "seizure_incidents",
    metadata,
    Column("seizure_id", String(36), ForeignKey("seizures.seizure_id"), primary_key=True),
    Column("incident_id", String(36), ForeignKey("incidents.incident_id"), primary_key=True, index=True),
    Column("linked_by", String(200), nullable=False),
    Column("linked_at", UTCDateTime, nullable=False),
    Column("why", String(2000), nullable=False),
)
