"""The UPTs as this service knows them, from remission's facility events: the Kanwil each
belongs to and its time zone (WIB, WITA or WIT), so that local dates and deadlines are right."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pas_shared.errors import RuleViolation


@dataclass(frozen=True)
class Facility:
    upt_code: str
    kanwil_code: str
    name: str
    upt_type: str
    time_zone: str  # an IANA zone name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def local_today(self, now: datetime) -> date:
        return now.astimezone(self.zone).date()


def facility_not_known(upt_code: str) -> RuleViolation:
    return RuleViolation(
        "upt_code",
        "upt-registered",
        id=f"UPT {upt_code} tidak dikenal (belum terdaftar atau di luar wilayah Anda).",
        en=f"UPT {upt_code} is not known (not registered, or outside your scope).",
    )
