from sqlalchemy import JSON, BigInteger, Boolean, Column, Date, Index, Integer, String, Table, Text

from pas_shared.db import UTCDateTime, define_platform_tables, new_metadata
from pas_shared.directory import define_directory_table
from pas_shared.roster import define_roster_tables

metadata = new_metadata()
platform = define_platform_tables(metadata)
roster = define_roster_tables(metadata)

# The UPTs, from remission's facility events (Kanwil, type and time zone of each).
facilities = define_directory_table(metadata)

programmes = Table(
    "programmes",
    metadata,
    Column("programme_id", String(36), primary_key=True),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("category", String(40), nullable=False),
    Column("name", String(200), nullable=False),
    Column("sae_site", String(200), nullable=True),
    Column("capacity", Integer, nullable=False),
    Column("instructors", JSON, nullable=False),
    Column("partners", JSON, nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=True),
)

enrolments = Table(
    "enrolments",
    metadata,
    Column("enrolment_id", String(36), primary_key=True),
    Column("inmate_id", String(36), nullable=False, index=True),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("programme", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("enrolled_on", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("grade", String(16), nullable=True),
    Column("graded_on", Date, nullable=True),
    Column("programme_id", String(36), nullable=True, index=True),
    Column("ended_on", Date, nullable=True),
)

programme_sessions = Table(
    "programme_sessions",
    metadata,
    Column("session_id", String(36), primary_key=True),
    Column("programme_id", String(36), nullable=False),
    Column("held_on", Date, nullable=False),
    Column("topic", String(200), nullable=True),
)
# One session a day per programme: a register recorded twice is refused, not counted twice.
Index("ux_programme_sessions_programme_day", programme_sessions.c.programme_id, programme_sessions.c.held_on, unique=True)

attendance = Table(
    "attendance",
    metadata,
    Column("session_id", String(36), primary_key=True),
    Column("enrolment_id", String(36), primary_key=True),
    Column("present", Boolean, nullable=False),
)
Index("ix_attendance_enrolment_id", attendance.c.enrolment_id)

risk_assessments = Table(
    "risk_assessments",
    metadata,
    Column("assessment_id", String(36), primary_key=True),
    Column("inmate_id", String(36), nullable=False),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("level", String(16), nullable=False),
    Column("assessed_on", Date, nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("previous_level", String(16), nullable=True),
    Column("reduced", Boolean, nullable=False),
)
# One assessment per inmate and sequence number, also under concurrent assessments: the second
# of two that read the same latest assessment is refused instead of repeating its comparison.
Index("ux_risk_assessments_inmate_sequence", risk_assessments.c.inmate_id, risk_assessments.c.sequence, unique=True)

products = Table(
    "products",
    metadata,
    Column("product_id", String(36), primary_key=True),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("category", String(40), nullable=False),
    Column("unit", String(20), nullable=False),
    Column("photo_ref", String(500), nullable=True),
    Column("registered_on", Date, nullable=False),
    Column("flagship_upt", Boolean, nullable=False),
    Column("flagship_kanwil", Boolean, nullable=False),
    Column("stock", BigInteger, nullable=False),
    Column("status", String(16), nullable=False),
    Column("discontinued_on", Date, nullable=True),
)
# A UPT records each product type once (the headline counts product types).
Index("ux_products_upt_name", products.c.upt_code, products.c.name, unique=True)

production_batches = Table(
    "production_batches",
    metadata,
    Column("batch_id", String(36), primary_key=True),
    Column("product_id", String(36), nullable=False, index=True),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("produced_on", Date, nullable=False),
    Column("quantity", BigInteger, nullable=False),
    Column("materials", JSON, nullable=False),
)

production_workers = Table(
    "production_workers",
    metadata,
    Column("batch_id", String(36), primary_key=True),
    Column("inmate_id", String(36), primary_key=True),
    Column("upt_code", String(32), nullable=False),
    Column("produced_on", Date, nullable=False),
)
Index("ix_production_workers_upt_inmate", production_workers.c.upt_code, production_workers.c.inmate_id)

permits = Table(
    "permits",
    metadata,
    Column("permit_id", String(36), primary_key=True),
    Column("product_id", String(36), nullable=False),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("permit_type", String(16), nullable=False),
    Column("agency", String(200), nullable=False),
    Column("status", String(16), nullable=False),
    Column("number", String(100), nullable=True),
    Column("valid_from", Date, nullable=True),
    Column("valid_until", Date, nullable=True),
    Column("warned_days", JSON, nullable=False),
)
Index("ux_permits_product_type", permits.c.product_id, permits.c.permit_type, unique=True)

permit_transitions = Table(
    "permit_transitions",
    metadata,
    Column("permit_id", String(36), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("from_status", String(16), nullable=False),
    Column("to_status", String(16), nullable=False),
    Column("on", Date, nullable=False),
    Column("by", String(200), nullable=False),
    Column("why", Text, nullable=False),
)

premi_splits = Table(
    "premi_splits",
    metadata,
    Column("upt_code", String(32), primary_key=True),
    Column("effective_from", Date, primary_key=True),
    Column("premi_pct", Integer, nullable=False),
    Column("pnbp_pct", Integer, nullable=False),
    Column("capital_pct", Integer, nullable=False),
    Column("basis", String(500), nullable=False),
    Column("by", String(200), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)

sales = Table(
    "sales",
    metadata,
    Column("sale_id", String(36), primary_key=True),
    Column("product_id", String(36), nullable=False, index=True),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("sold_on", Date, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("buyer_type", String(16), nullable=False),
    Column("quantity", BigInteger, nullable=False),
    Column("revenue_rupiah", BigInteger, nullable=False),
    Column("premi_rupiah", BigInteger, nullable=False),
    Column("pnbp_rupiah", BigInteger, nullable=False),
    Column("capital_rupiah", BigInteger, nullable=False),
)

pnbp_deposits = Table(
    "pnbp_deposits",
    metadata,
    Column("deposit_id", String(36), primary_key=True),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("kanwil_code", String(32), nullable=False),
    Column("deposited_on", Date, nullable=False),
    Column("amount_rupiah", BigInteger, nullable=False),
    Column("ntpn", String(32), nullable=False, unique=True),
)

premi_payments = Table(
    "premi_payments",
    metadata,
    Column("payment_id", String(36), primary_key=True),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("kanwil_code", String(32), nullable=False),
    Column("paid_on", Date, nullable=False),
    Column("channel", String(40), nullable=False),
    Column("amount_rupiah", BigInteger, nullable=False),
)

premi_payment_lines = Table(
    "premi_payment_lines",
    metadata,
    Column("payment_id", String(36), primary_key=True),
    Column("inmate_id", String(36), primary_key=True),
    Column("amount_rupiah", BigInteger, nullable=False),
)
Index("ix_premi_payment_lines_inmate_id", premi_payment_lines.c.inmate_id)

# Branding: one record per product (brand name, label contents, packaging) and the history of
# its label and packaging workflow.
brandings = Table(
    "brandings",
    metadata,
    Column("product_id", String(36), primary_key=True),
    Column("upt_code", String(32), nullable=False, index=True),
    Column("kanwil_code", String(32), nullable=False, index=True),
    Column("category", String(40), nullable=False),
    Column("brand_name", String(200), nullable=False),
    Column("label_elements", JSON, nullable=False),
    Column("packaging", String(500), nullable=True),
    Column("label_status", String(16), nullable=False),
    Column("packaging_status", String(16), nullable=False),
    Column("updated_on", Date, nullable=True),
)

branding_transitions = Table(
    "branding_transitions",
    metadata,
    Column("product_id", String(36), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("aspect", String(16), nullable=False),
    Column("from_status", String(16), nullable=False),
    Column("to_status", String(16), nullable=False),
    Column("on", Date, nullable=False),
    Column("by", String(200), nullable=False),
    Column("why", Text, nullable=False),
)

# Partnerships (MoU, PKS): the signing unit (Ditjenpas, a Kanwil or a UPT), the UPTs taking part
# and the products covered.
partnerships = Table(
    "partnerships",
    metadata,
    Column("partnership_id", String(36), primary_key=True),
    Column("level", String(16), nullable=False),
    Column("upt_code", String(32), nullable=True, index=True),
    Column("kanwil_code", String(32), nullable=True, index=True),
    Column("partner", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("document_number", String(100), nullable=False, unique=True),
    Column("signed_on", Date, nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("scope", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("warned_days", JSON, nullable=False),
)

partnership_upts = Table(
    "partnership_upts",
    metadata,
    Column("partnership_id", String(36), primary_key=True),
    Column("upt_code", String(32), primary_key=True),
    Column("kanwil_code", String(32), nullable=False),
)
Index("ix_partnership_upts_upt_code", partnership_upts.c.upt_code)

partnership_products = Table(
    "partnership_products",
    metadata,
    Column("partnership_id", String(36), primary_key=True),
    Column("product_id", String(36), primary_key=True),
)
Index("ix_partnership_products_product_id", partnership_products.c.product_id)

partnership_transitions = Table(
    "partnership_transitions",
    metadata,
    Column("partnership_id", String(36), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("from_status", String(16), nullable=False),
    Column("to_status", String(16), nullable=False),
    Column("on", Date, nullable=False),
    Column("by", String(200), nullable=False),
    Column("why", Text, nullable=False),
    Column("document_number", String(100), nullable=False),
)
