from sqlalchemy import Boolean, Column, Date, Index, Integer, String, Table

from pas_shared.db import define_platform_tables, new_metadata
from pas_shared.roster import define_roster_tables

metadata = new_metadata()
platform = define_platform_tables(metadata)
roster = define_roster_tables(metadata)

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
)

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
