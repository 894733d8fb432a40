"""Commands: what a user asks the security service to do."""

from dataclasses import dataclass
from datetime import date, datetime

from pas_shared.events.security import DisciplineLevel


@dataclass(frozen=True, kw_only=True)
class RecordSanction:
    inmate_id: str
    upt_code: str
    level: DisciplineLevel
    sanctioned_on: date
    isolation_days: int


@dataclass(frozen=True, kw_only=True)
class AnnulSanction:
    case_id: str
    annulled_on: date


@dataclass(frozen=True, kw_only=True)
class ReportEscape:
    inmate_id: str
    upt_code: str
    escaped_at: datetime
    method: str
    incident_id: str | None = None  # the escape incident that groups it


@dataclass(frozen=True, kw_only=True)
class Escapee:
    inmate_id: str
    escaped_at: datetime | None  # None: when the incident occurred
    method: str


@dataclass(frozen=True, kw_only=True)
class AddEscapees:
    incident_id: str
    escapees: list[Escapee]


@dataclass(frozen=True, kw_only=True)
class RecordRecapture:
    escape_id: str
    recaptured_at: datetime
    place: str


@dataclass(frozen=True, kw_only=True)
class RecordDeath:
    escape_id: str
    died_on: date
    place: str
    source: str
