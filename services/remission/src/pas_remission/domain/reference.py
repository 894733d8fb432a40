"""Reference data: the 33 Kanwil (regional offices) and the named UPTs (rule_data/reference.json).

A facility is registered under a known Kanwil, in that Kanwil's time zone (each Kanwil's
provinces lie in one zone), so a typo in a code or a zone is refused instead of starting a
thirty-fourth region or a UPT whose legal dates are an hour off.
"""

import json
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any

from pas_remission.domain.facility import Facility, TimeZone
from pas_shared.errors import RuleViolation


@dataclass(frozen=True)
class Kanwil:
    code: str
    name: str
    provinces: tuple[str, ...]
    time_zone: TimeZone
    note: str = ""


@dataclass(frozen=True)
class Reference:
    about: str
    status: str
    kanwil: dict[str, Kanwil]
    upts: list[dict[str, Any]]

    def settle(self, facility: Facility) -> Facility:
        """The facility checked against the reference data, its province filled in when its
        Kanwil covers one province only (30 of the 33)."""
        self.check_facility(facility)
        kanwil = self.kanwil[facility.kanwil_code]
        if facility.province:
            if facility.province not in kanwil.provinces:
                raise RuleViolation(
                    "province",
                    "province-of-kanwil",
                    id=f"Provinsi {facility.province} tidak termasuk {kanwil.name} ({', '.join(kanwil.provinces)}).",
                    en=f"{facility.province} is not a province of {kanwil.name} ({', '.join(kanwil.provinces)}).",
                )
            return facility
        if len(kanwil.provinces) > 1:
            raise RuleViolation(
                "province",
                "province-required",
                id=f"{kanwil.name} mencakup beberapa provinsi ({', '.join(kanwil.provinces)}); sebutkan provinsinya.",
                en=f"{kanwil.name} covers several provinces ({', '.join(kanwil.provinces)}); name the province.",
            )
        return replace(facility, province=kanwil.provinces[0])

    def check_facility(self, facility: Facility) -> None:
        kanwil = self.kanwil.get(facility.kanwil_code)
        if kanwil is None:
            raise RuleViolation(
                "kanwil_code",
                "kanwil-known",
                id=f"Kanwil {facility.kanwil_code} tidak ada dalam data referensi 33 Kanwil.",
                en=f"Kanwil {facility.kanwil_code} is not among the 33 Kanwil of the reference data.",
            )
        if facility.time_zone is not kanwil.time_zone:
            raise RuleViolation(
                "time_zone",
                "zone-of-kanwil",
                id=f"{kanwil.name} berada di zona {kanwil.time_zone.value}, bukan {facility.time_zone.value}.",
                en=f"{kanwil.name} lies in {kanwil.time_zone.value}, not {facility.time_zone.value}.",
            )


@cache
def reference() -> Reference:
    text = resources.files("pas_remission.domain").joinpath("rule_data/reference.json").read_text(encoding="utf-8")
    raw = json.loads(text)
    kanwil = {
        k["code"]: Kanwil(k["code"], k["name"], tuple(k["provinces"]), TimeZone(k["time_zone"]), k.get("note", ""))
        for k in raw["kanwil"]
    }
    return Reference(raw["about"], raw["status"], kanwil, raw["upts"])
