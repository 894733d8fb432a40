"""Commands: what a user asks the remission service to do."""

from dataclasses import dataclass
from datetime import date

from pas_remission.domain.assistance import AssistanceKind, RecipientType, Relationship
from pas_remission.domain.facility import TimeZone, UptClass, UptType
from pas_remission.domain.inmate import DetainingAuthority, ReleaseReason, Religion, TransferReason, Verdict
from pas_shared.events.remission import CustodyStatus


@dataclass(frozen=True, kw_only=True)
class RegisterFacility:
    upt_code: str
    name: str
    upt_type: UptType
    kanwil_code: str
    capacity: int
    time_zone: TimeZone
    upt_class: UptClass | None = None
    province: str = ""


@dataclass(frozen=True, kw_only=True)
class AdmitInmate:
    register_number: str
    upt_code: str
    custody_status: CustodyStatus
    birth_date: date
    admitted_on: date
    religion: Religion
    detaining_authority: DetainingAuthority | None = None


@dataclass(frozen=True, kw_only=True)
class RecordSpecialCondition:
    inmate_id: str
    condition: str
    met_on: date
    evidence: str


@dataclass(frozen=True, kw_only=True)
class ReleaseInmate:
    inmate_id: str
    released_on: date
    reason: ReleaseReason


@dataclass(frozen=True, kw_only=True)
class RecordVerdict:
    inmate_id: str
    verdict: Verdict


@dataclass(frozen=True, kw_only=True)
class TransferInmate:
    inmate_id: str
    to_upt_code: str
    transferred_on: date
    reason: TransferReason
    register_number: str | None = None  # at the destination; by default the current one


@dataclass(frozen=True, kw_only=True)
class RecordDistribution:
    programme: str
    kind: AssistanceKind
    amount_rupiah: int | None
    description: str | None
    distributed_on: date
    partner_agency: str
    recipient_type: RecipientType
    inmate_id: str
    family_name: str | None = None
    relationship: Relationship | None = None
    nik: str | None = None
