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


# -- Officers and training ------------------------------------------------------------------
# No name or NIP leaves the service: consumers (KPIs) need the UPT, the position and whether it
# counts as a guard, never who the officer is.


class OfficerRegistered(Payload):
    officer_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)
    position: str = Field(pattern=INCIDENT_CODE)
    guard: bool = Field(description="Counted as a guard in the inmates-per-guard ratio (rule data).")
    assigned_on: date


class OfficerReassigned(Payload):
    officer_id: str = Field(min_length=1)
    from_upt_code: str = Field(pattern=UPT_CODE)
    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)
    position: str = Field(pattern=INCIDENT_CODE)
    guard: bool
    assigned_on: date


class OfficerSeparated(Payload):
    officer_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)
    separated_on: date
    reason: str = Field(pattern=INCIDENT_CODE)


class TrainingCompleted(Payload):
    training_id: str = Field(min_length=1)
    officer_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)
    kind: str = Field(pattern=INCIDENT_CODE, description="guarding, patrol, searching, firearms, ... (rule data).")
    completed_on: date
    passed: bool
    valid_until: date | None = Field(description="Last day the certification is valid (passed only).")


class OfficerDisciplined(Payload):
    action_id: str = Field(min_length=1)
    officer_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)
    level: str = Field(pattern=INCIDENT_CODE, description="ringan, sedang or berat (PP 94/2021).")
    penalty: str = Field(pattern=INCIDENT_CODE)
    reason: str = Field(pattern=INCIDENT_CODE)
    decided_on: date
    incident_id: str | None = None


OFFICER_REGISTERED = event_type("security", "officer", "registered", 1, OfficerRegistered)
OFFICER_REASSIGNED = event_type("security", "officer", "reassigned", 1, OfficerReassigned)
OFFICER_SEPARATED = event_type("security", "officer", "separated", 1, OfficerSeparated)
TRAINING_COMPLETED = event_type("security", "training", "completed", 1, TrainingCompleted)
OFFICER_DISCIPLINED = event_type("security", "officer-discipline", "imposed", 1, OfficerDisciplined)


# -- Searches (razia) and seizures ----------------------------------------------------------


class SeizedTotal(Payload):
    item_type: str = Field(pattern=INCIDENT_CODE, description="phone, narcotics, sharp-weapon, cash, ... (rule data).")
    count: int = Field(ge=1)
    weight_grams: float | None = Field(default=None, ge=0, description="Narcotics.")
    amount_rupiah: int | None = Field(default=None, ge=0, description="Cash.")


class SearchConducted(Payload):
    search_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)
    place: str = Field(pattern=INCIDENT_CODE)
    started_at: AwareDatetime
    started_on: date = Field(description="Calendar date the search began in the UPT's own time zone.")
    team_size: int = Field(ge=1)
    incident_id: str | None = None
    seized: list[SeizedTotal] = Field(description="Per item type; empty when nothing was found.")
    inmates_named: int = Field(ge=0)
    unverified_inmates: int = Field(ge=0, description="Inmates named who are not on the UPT's roster (flagged, not dropped).")


class SeizureStored(Payload):
    seizure_id: str = Field(min_length=1)
    search_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)
    item_type: str = Field(pattern=INCIDENT_CODE)
    stored_at: AwareDatetime


class SeizureDisposed(Payload):
    """The end of a seized item's chain of custody: destroyed, or handed over to a recipient."""

    seizure_id: str = Field(min_length=1)
    search_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)
    item_type: str = Field(pattern=INCIDENT_CODE)
    disposition: str = Field(pattern=INCIDENT_CODE, description="destroyed or handed-over.")
    recipient: str | None = Field(description="police, bnn, prosecutor, state-treasury, ... (hand-over only).")
    disposed_at: AwareDatetime
    count: int = Field(ge=1)
    weight_grams: float | None = Field(default=None, ge=0)
    amount_rupiah: int | None = Field(default=None, ge=0)


SEARCH_CONDUCTED = event_type("security", "search", "conducted", 1, SearchConducted)
SEIZURE_STORED = event_type("security", "seizure", "stored", 1, SeizureStored)
SEIZURE_DISPOSED = event_type("security", "seizure", "disposed", 1, SeizureDisposed)


# -- Discipline procedure (violation report -> examination -> sidang TPP -> Kalapas decision) --
# On the discipline topic, keyed by inmate like discipline.sanctioned (the decision's outcome), so
# one inmate's case steps and sanctions stay in order. No findings text or names leave the service.


class DisciplineReported(Payload):
    case_id: str = Field(min_length=1)
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    violation: str = Field(pattern=INCIDENT_CODE, description="The violation's code (rule data), e.g. communication-device.")
    level: DisciplineLevel = Field(description="The level of the violation reported; the decision may differ.")
    occurred_on: date = Field(description="Calendar date of the violation in the UPT's own time zone.")
    seizure_ids: list[str] = Field(description="Seized items (razia) this case arose from.")


class DisciplineExamined(Payload):
    case_id: str = Field(min_length=1)
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    examined_on: date


class DisciplineRecommended(Payload):
    """The sidang TPP's recommendation to the Kalapas."""

    case_id: str = Field(min_length=1)
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    held_on: date
    sanction_recommended: bool
    level: DisciplineLevel | None = Field(description="None when no sanction is recommended.")
    measures: list[str] = Field(description="spoken-warning, written-warning, isolation, rights-postponed, ... (rule data).")
    isolation_days: int = Field(ge=0, le=12)


class DisciplineDismissed(Payload):
    """The Kalapas decided not to sanction: the case is closed with no Register F entry."""

    case_id: str = Field(min_length=1)
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    decided_on: date


DISCIPLINE_REPORTED = event_type("security", "discipline", "reported", 1, DisciplineReported)
DISCIPLINE_EXAMINED = event_type("security", "discipline", "examined", 1, DisciplineExamined)
DISCIPLINE_RECOMMENDED = event_type("security", "discipline", "recommended", 1, DisciplineRecommended)
DISCIPLINE_DISMISSED = event_type("security", "discipline", "dismissed", 1, DisciplineDismissed)


# -- An escapee who died at large -----------------------------------------------------------


class EscapeeDied(Payload):
    """The escapee died while at large: the time at large ends on `died_on`."""

    escape_id: str = Field(min_length=1)
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    died_on: date = Field(description="Calendar date of death as the source gives it.")
    place: str = Field(min_length=1, max_length=200)
    source: str = Field(
        min_length=1, max_length=500, description="How the death is known, e.g. a death certificate or police report."
    )


ESCAPEE_DIED = event_type("security", "escape", "died", 1, EscapeeDied)


# -- Links added after the fact, a withdrawn discipline case, escapees grouped under an incident --


class SeizureLinked(Payload):
    """A seized item linked, after its search was recorded, to an incident or a discipline case
    of the same UPT. Links are only ever added; exactly one of incident_id and case_id is set."""

    seizure_id: str = Field(min_length=1)
    search_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)
    item_type: str = Field(pattern=INCIDENT_CODE)
    incident_id: str | None = None
    case_id: str | None = Field(default=None, description="An inmate discipline case.")
    linked_at: AwareDatetime


class DisciplineWithdrawn(Payload):
    """The case was withdrawn before the Kalapas' decision: no sanction, no Register F entry."""

    case_id: str = Field(min_length=1)
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    withdrawn_on: date
    from_status: str = Field(pattern=INCIDENT_CODE, description="reported, examined or tpp-recommended.")


class EscapeLinked(Payload):
    """The escape belongs to an escape incident (one incident may group several escapees). It
    follows that escapee's escape.reported on the same key; escape.reported stays one per escapee."""

    escape_id: str = Field(min_length=1)
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    incident_id: str = Field(min_length=1)
    escaped_on: date = Field(description="Calendar date of the escape in the UPT's own time zone.")


SEIZURE_LINKED = event_type("security", "seizure", "linked", 1, SeizureLinked)
DISCIPLINE_WITHDRAWN = event_type("security", "discipline", "withdrawn", 1, DisciplineWithdrawn)
ESCAPE_LINKED = event_type("security", "escape", "linked", 1, EscapeLinked)
