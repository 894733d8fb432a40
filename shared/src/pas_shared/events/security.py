"""Event payloads published by the security service."""

from datetime import date
from enum import StrEnum

from pydantic import AwareDatetime, Field

from pas_shared.events.catalog import event_type
from pas_shared.events.remission import UPT_CODE, Payload


class DisciplineLevel(StrEnum):
    """Permenkumham 6/2013 as amended by 29/2017, Pasal 8 and 9."""

    RINGAN = "ringan"
    SEDANG = "sedang"
    BERAT = "berat"


class DisciplineSanctioned(Payload):
    case_id: str = Field(min_length=1)
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    level: DisciplineLevel
    register_f: bool = Field(description="Recorded in Register F (serious sanctions); blocks remisi and integration rights.")
    sanctioned_on: date
    isolation_days: int = Field(ge=0, le=12)


class DisciplineAnnulled(Payload):
    case_id: str = Field(min_length=1)
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    annulled_on: date


class EscapeReported(Payload):
    escape_id: str = Field(min_length=1)
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    escaped_at: AwareDatetime
    escaped_on: date = Field(description="Calendar date of the escape in the UPT's own time zone.")
    method: str = Field(min_length=1, max_length=200)


class EscapeeRecaptured(Payload):
    escape_id: str = Field(min_length=1)
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    recaptured_at: AwareDatetime
    recaptured_on: date = Field(description="Calendar date of the recapture in the UPT's own time zone.")
    place: str = Field(min_length=1, max_length=200)


DISCIPLINE_SANCTIONED = event_type("security", "discipline", "sanctioned", 1, DisciplineSanctioned)
DISCIPLINE_ANNULLED = event_type("security", "discipline", "annulled", 1, DisciplineAnnulled)
ESCAPE_REPORTED = event_type("security", "escape", "reported", 1, EscapeReported)
ESCAPEE_RECAPTURED = event_type("security", "escape", "recaptured", 1, EscapeeRecaptured)


# -- Incidents ------------------------------------------------------------------------------
# Categories and severities are rule data in the security service (codes checked there); the
# payloads carry the codes as strings so a new category is a data change, not a schema change.
INCIDENT_CODE = r"^[a-z][a-z-]{0,62}[a-z]$"


class IncidentReported(Payload):
    incident_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)
    category: str = Field(pattern=INCIDENT_CODE)
    severity: str = Field(pattern=INCIDENT_CODE)
    critical: bool = Field(description="A critical category (escape, riot, hostage-taking, death): escalation deadlines apply.")
    occurred_at: AwareDatetime
    occurred_on: date = Field(description="Calendar date of the incident in the UPT's own time zone.")
    inmates_involved: int = Field(ge=0)
    unverified_inmates: int = Field(ge=0, description="Inmates named who are not on the UPT's roster (flagged, not dropped).")
    officers_involved: int = Field(ge=0)


class IncidentAmended(Payload):
    """An addendum to a reported incident: the original narrative is never rewritten."""

    incident_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    addendum_no: int = Field(ge=1)
    added_at: AwareDatetime


class IncidentEscalated(Payload):
    incident_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    level: str = Field(pattern=INCIDENT_CODE, description="kanwil or headquarters (Ditjenpas).")
    escalated_at: AwareDatetime
    due_at: AwareDatetime | None = Field(description="The deadline for a critical incident; none for others.")
    on_time: bool | None = Field(description="Met by the deadline; none when no deadline applies.")


class IncidentClosed(Payload):
    incident_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    category: str = Field(pattern=INCIDENT_CODE)
    closed_at: AwareDatetime


class IncidentExcluded(Payload):
    """Marked a duplicate or not reportable: consumers take it out of their statistics."""

    incident_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    status: str = Field(pattern=INCIDENT_CODE, description="duplicate or not-reportable.")
    duplicate_of: str | None = None
    excluded_at: AwareDatetime


INCIDENT_REPORTED = event_type("security", "incident", "reported", 1, IncidentReported)
INCIDENT_AMENDED = event_type("security", "incident", "amended", 1, IncidentAmended)
INCIDENT_ESCALATED = event_type("security", "incident", "escalated", 1, IncidentEscalated)
INCIDENT_CLOSED = event_type("security", "incident", "closed", 1, IncidentClosed)
INCIDENT_EXCLUDED = event_type("security", "incident", "excluded", 1, IncidentExcluded)


# -- SOP audits -----------------------------------------------------------------------------


class SopAuditCompleted(Payload):
    audit_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)
    area: str = Field(pattern=INCIDENT_CODE, description="The SOP area (rule data), e.g. perimeter-gate.")
    template_version: str = Field(min_length=1)
    audited_on: date
    score_pct: float = Field(ge=0, le=100, description="Weighted share of applicable items found compliant (README).")
    mandatory_compliant: int = Field(ge=0)
    mandatory_total: int = Field(ge=0)
    corrective_actions_opened: int = Field(ge=0)
    corrective_actions_closed: int = Field(ge=0, description="Closed by this re-audit: the item is compliant again.")


SOP_AUDIT_COMPLETED = event_type("security", "sop-audit", "completed", 1, SopAuditCompleted)
