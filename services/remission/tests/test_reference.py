"""The reference data: 33 Kanwil, each in one time zone, and named UPTs that satisfy it."""

from dataclasses import replace

import pytest

from pas_remission.domain.facility import Facility, TimeZone, UptType
from pas_remission.domain.reference import reference
from pas_shared.errors import RuleViolation


def test_thirty_three_kanwil_in_their_zones() -> None:
    ref = reference()
    assert len(ref.kanwil) == 33
    zones = {code: k.time_zone for code, k in ref.kanwil.items()}
    assert zones["KW-DKI"] is TimeZone.WIB and zones["KW-BALI"] is TimeZone.WITA and zones["KW-PAPUA"] is TimeZone.WIT
    assert "Kalimantan Utara" in ref.kanwil["KW-KALTIM"].provinces  # one Kanwil, two provinces
    provinces = [p for k in ref.kanwil.values() for p in k.provinces]
    assert len(provinces) == len(set(provinces)) == 38  # Indonesia's 38 provinces, each under one Kanwil


def test_named_upts_are_consistent_with_their_kanwil() -> None:
    ref = reference()
    assert len(ref.upts) >= 20
    for upt in ref.upts:
        facility = Facility(
            upt["upt_code"], upt["name"], UptType(upt["upt_type"]), upt["kanwil_code"], 0, TimeZone(upt["time_zone"])
        )
        ref.check_facility(facility)  # raises if the code or the zone is wrong


@pytest.mark.parametrize(
    ("kanwil", "zone", "field", "rule"),
    [
        ("KW-ATLANTIS", TimeZone.WIB, "kanwil_code", "kanwil-known"),
        ("KW-PAPUA", TimeZone.WIB, "time_zone", "zone-of-kanwil"),
    ],
)
def test_unknown_kanwil_or_wrong_zone_is_refused(kanwil: str, zone: TimeZone, field: str, rule: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        reference().check_facility(Facility("LP-X", "Lapas X", UptType.LAPAS, kanwil, 10, zone))
    assert (refused.value.errors[0].field, refused.value.errors[0].rule) == (field, rule)


def test_province_is_filled_when_the_kanwil_has_one_and_checked_otherwise() -> None:
    ref = reference()
    dki = ref.settle(Facility("LP-X", "Lapas X", UptType.LAPAS, "KW-DKI", 10, TimeZone.WIB))
    assert dki.province == "DKI Jakarta"
    tarakan = Facility("LP-TARAKAN", "Lapas Tarakan", UptType.LAPAS, "KW-KALTIM", 10, TimeZone.WITA)
    with pytest.raises(RuleViolation) as required:
        ref.settle(tarakan)
    assert (required.value.errors[0].field, required.value.errors[0].rule) == ("province", "province-required")
    assert ref.settle(replace(tarakan, province="Kalimantan Utara")).province == "Kalimantan Utara"
    with pytest.raises(RuleViolation) as wrong:
        ref.settle(replace(tarakan, province="Bali"))
    assert wrong.value.errors[0].rule == "province-of-kanwil"
