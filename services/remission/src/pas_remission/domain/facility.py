"""Facilities (UPT Pemasyarakatan): what they are and the rules a record must meet."""

from dataclasses import dataclass
from enum import StrEnum

from pas_shared.errors import RuleViolation


class UptType(StrEnum):
    LAPAS = "Lapas"
    RUTAN = "Rutan"
    CABANG_RUTAN = "Cabang Rutan"
    LPKA = "LPKA"
    LPP = "LPP"
    LAPAS_NARKOTIKA = "Lapas Narkotika"
    BAPAS = "Bapas"


class UptClass(StrEnum):
    """Kelas of a Lapas, Rutan, LPKA or Bapas (domain.md §3.1)."""

    I = "I"  # noqa: E741 (the class is called I)
    IIA = "IIA"
    IIB = "IIB"
    III = "III"


class TimeZone(StrEnum):
    """Indonesia's three zones; legal cut-offs (e.g. a remission date) are local to the UPT."""

    WIB = "Asia/Jakarta"
    WITA = "Asia/Makassar"
    WIT = "Asia/Jayapura"


@dataclass(frozen=True)
class Facility:
    upt_code: str
    name: str
    upt_type: UptType
    kanwil_code: str
    capacity: int
    time_zone: TimeZone
    upt_class: UptClass | None = None  # not known for facilities registered before it was recorded
    province: str = ""  # one of its Kanwil's provinces (reference data)

    def __post_init__(self) -> None:
        if self.capacity < 0:
            raise RuleViolation(
                "capacity", "non-negative", id="Kapasitas tidak boleh negatif.", en="Capacity cannot be negative."
            )
        if self.upt_type is UptType.BAPAS and self.capacity != 0:
            raise RuleViolation(
                "capacity",
                "bapas-holds-no-inmates",
                id="Bapas membimbing klien di masyarakat; kapasitasnya 0.",
                en="A Bapas supervises clients in the community; its capacity is 0.",
            )


def facility_not_registered(upt_code: str, *, field: str = "upt_code", scoped: bool = False) -> RuleViolation:
    """One refusal for a UPT never registered and, for a caller with a Kanwil or UPT scope, for
    one outside that scope (which they must not learn exists)."""
    if scoped:
        return RuleViolation(
            field,
            "facility-registered",
            id=f"UPT {upt_code} belum terdaftar atau di luar wilayah Anda.",
            en=f"UPT {upt_code} is not registered or is outside your scope.",
        )
    return RuleViolation(
        field, "facility-registered", id=f"UPT {upt_code} belum terdaftar.", en=f"UPT {upt_code} is not registered."
    )
