"""The UPTs this service knows, from remission's facility events: a record needs the UPT's
Kanwil (every event carries it) and its time zone (legal dates are the UPT's local dates)."""

from dataclasses import dataclass

from pas_shared.errors import RuleViolation


@dataclass(frozen=True)
class Upt:
    upt_code: str
    name: str
    kanwil_code: str
    time_zone: str  # IANA name: Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT)


def upt_not_known(upt_code: str, field: str = "upt_code") -> RuleViolation:
    return RuleViolation(
        field,
        "facility-registered",
        id=f"UPT {upt_code} belum terdaftar (belum diterima dari layanan remisi).",
        en=f"UPT {upt_code} is not registered (not yet received from the remission service).",
    )
