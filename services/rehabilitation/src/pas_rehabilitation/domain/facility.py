"""The UPTs this service knows, kept from remission's facility events: their Kanwil (every event
carries it), their type (the headline counts Lapas) and their time zone (legal dates are local)."""

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from pas_shared.clock import Clock
from pas_shared.errors import RuleViolation


@dataclass(frozen=True)
class Facility:
    upt_code: str
    name: str
    upt_type: str  # Lapas, Rutan, Cabang Rutan, LPKA, LPP, Lapas Narkotika, Bapas
    kanwil_code: str
    time_zone: str  # an IANA zone: Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT)

    def today(self, clock: Clock) -> date:
        return clock().astimezone(ZoneInfo(self.time_zone)).date()


def unknown_upt(upt_code: str, field: str = "upt_code") -> RuleViolation:
    return RuleViolation(
        field,
        "upt-registered",
        id=f"UPT {upt_code} belum terdaftar (data UPT berasal dari layanan remisi).",
        en=f"UPT {upt_code} is not registered (UPTs come from the remission service).",
    )
