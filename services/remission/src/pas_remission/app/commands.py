"""Commands: what a user asks the remission service to do."""

from dataclasses import dataclass
from datetime import date

from pas_remission.domain.facility import TimeZone, UptType
from pas_remission.domain.inmate import ReleaseReason, Religion, Verdict
from pas_shared.events.remission import CustodyStatus


@dataclass(frozen=True, kw_only=True)
class RegisterFacility:
    upt_code: str
    name: str
    upt_type: UptType
    kanwil_code: str
    capacity: int
    time_zone: TimeZone


@dataclass(frozen=True, kw_only=True)
class AdmitInmate:
    register_number: str
    upt_code: str
    custody_status: CustodyStatus
    birth_date: date
    admitted_on: date
    religion: Religion


@dataclass(frozen=True, kw_only=True)
class ReleaseInmate:
    inmate_id: str
    released_on: date
    reason: ReleaseReason


@dataclass(frozen=True, kw_only=True)
class RecordVerdict:
    inmate_id: str
    verdict: Verdict
