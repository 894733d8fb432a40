from sqlalchemy import JSON, BigInteger, Boolean, Column, Date, Float, Integer, String, Table, UniqueConstraint

from pas_shared.db import UTCDateTime, define_platform_tables, new_metadata
from pas_shared.directory import define_directory_table
from pas_shared.roster import define_roster_tables

metadata = new_metadata()
platform = define_platform_tables(metadata)
roster = define_roster_tables(metadata)

# The UPTs, from remission's facility events (Kanwil and time zone of each).
facilities = define_directory_table(metadata)

vendors = Table(
    "vendors",
    metadata,
    Column("vendor_id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("npwp", String(32), nullable=True),
    Column("address", String(300), nullable=False),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("by", String(200), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    UniqueConstraint("upt_code", "name"),
)

contracts = Table(
    "contracts",
    metadata,
    Column("contract_id", String(36), primary_key=True),
    Column("contract_number", String(100), nullable=False),
    Column("tender_reference", String(100), nullable=False),
    Column("vendor_id", String(36), nullable=False, index=True),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("province", String(40), nullable=False),
    Column("fiscal_year", Integer, nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("value_rupiah", BigInteger, nullable=False),
    Column("daily_ration_cost_rupiah", Integer, nullable=False),
    Column("delivery_days", String(40), nullable=False),
    Column("late_penalty_permille_per_day", Integer, nullable=False),
    Column("penalty_cap_pct", Integer, nullable=False),
    Column("penalty_text", String(1000), nullable=False),
    Column("by", String(200), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    UniqueConstraint("upt_code", "contract_number"),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("delivery_id", String(36), primary_key=True),
    Column("contract_id", String(36), nullable=False),
    Column("vendor_id", String(36), nullable=False, index=True),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("delivered_on", Date, nullable=False, index=True),
    Column("headcount", Integer, nullable=False),
    Column("ordered_rations", Integer, nullable=False),
    Column("delivered_rations", Integer, nullable=False),
    Column("rejected_rations", Integer, nullable=False),
    Column("rejection_reason", String(500), nullable=True),
    Column("daily_ration_cost_rupiah", Integer, nullable=False),
    Column("scheduled", Boolean, nullable=False),
    Column("notes", String(1000), nullable=False),
    Column("by", String(200), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    UniqueConstraint("contract_id", "delivered_on"),
)

kitchens = Table(
    "kitchens",
    metadata,
    Column("kitchen_id", String(36), primary_key=True),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    UniqueConstraint("upt_code", "name"),
)

kitchen_assessments = Table(
    "kitchen_assessments",
    metadata,
    Column("assessment_id", String(36), primary_key=True),
    Column("kitchen_id", String(36), nullable=False, index=True),
    Column("assessed_on", Date, nullable=False),
    Column("assessor", String(200), nullable=False),
    Column("elements", JSON, nullable=False),  # [{element, condition, note}]
    Column("by", String(200), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)

certificates = Table(
    "certificates",
    metadata,
    Column("certificate_id", String(36), primary_key=True),
    Column("kitchen_id", String(36), nullable=False, index=True),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("issuer", String(200), nullable=False),
    Column("number", String(100), nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("expires_on", Date, nullable=False, index=True),
    Column("warned", String(40), nullable=False),  # stages warned, comma-separated
    Column("by", String(200), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    UniqueConstraint("kitchen_id", "number"),
)

inspections = Table(
    "inspections",
    metadata,
    Column("inspection_id", String(36), primary_key=True),
    Column("kitchen_id", String(36), nullable=False, index=True),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("planned_on", Date, nullable=False),
    Column("template_version", String(32), nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("inspected_on", Date, nullable=True),
    Column("inspector", String(200), nullable=True),
    Column("scores", JSON, nullable=False),  # [{item, score, note, owner}]
    Column("rating", Integer, nullable=True),
    Column("overall_pct", Float, nullable=True),
    Column("passed", Boolean, nullable=True),
    Column("transitions", JSON, nullable=False),  # [{from, to, by, why}]
)

findings = Table(
    "findings",
    metadata,
    Column("finding_id", String(36), primary_key=True),
    Column("inspection_id", String(36), nullable=False, index=True),
    Column("kitchen_id", String(36), nullable=False, index=True),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("item", String(100), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("owner", String(200), nullable=False),
    Column("note", String(1000), nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("escalated_on", Date, nullable=True),
    Column("closed_on", Date, nullable=True),
    Column("closed_by_inspection_id", String(36), nullable=True),
)

menu_cycles = Table(
    "menu_cycles",
    metadata,
    Column("cycle_id", String(36), primary_key=True),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("effective_from", Date, nullable=False),
    Column("days", JSON, nullable=False),  # [{day, meals, kcal}]
    Column("by", String(200), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    UniqueConstraint("upt_code", "effective_from"),
)

served_menus = Table(
    "served_menus",
    metadata,
    Column("served_id", String(36), primary_key=True),
    Column("cycle_id", String(36), nullable=False),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("served_on", Date, nullable=False),
    Column("cycle_day_served", Integer, nullable=False),
    Column("cycle_day_expected", Integer, nullable=False),
    Column("kcal", JSON, nullable=False),  # {group: kcal}
    Column("by", String(200), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    UniqueConstraint("upt_code", "served_on"),
)

# A contract's standing under sanctions (no row: active) and every sanction decided, with who,
# when and why.
contract_standings = Table(
    "contract_standings",
    metadata,
    Column("contract_id", String(36), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("since", Date, nullable=True),
)

vendor_sanctions = Table(
    "vendor_sanctions",
    metadata,
    Column("sanction_id", String(36), primary_key=True),
    Column("contract_id", String(36), nullable=False, index=True),
    Column("vendor_id", String(36), nullable=False, index=True),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("decided_on", Date, nullable=False),
    Column("from_status", String(16), nullable=False),
    Column("to_status", String(16), nullable=False),
    Column("letter_number", String(100), nullable=True),
    Column("warning_level", Integer, nullable=True),
    Column("amount_rupiah", BigInteger, nullable=True),
    Column("amount_before_cap_rupiah", BigInteger, nullable=True),
    Column("shortfall_rations", BigInteger, nullable=True),
    Column("period_from", Date, nullable=True),
    Column("period_to", Date, nullable=True),
    Column("ground", String(40), nullable=True),
    Column("why", String(1000), nullable=False),
    Column("by", String(200), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)
