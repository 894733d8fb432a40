"""Social assistance: the reference list of programmes and the checks on a distribution."""

import json
from datetime import date
from importlib import resources

import pytest

from pas_remission.domain.assistance import (
    AssistanceKind,
    Distribution,
    RecipientType,
    Relationship,
    assistance_rules,
    mask_nik,
    programme_list,
)
from pas_shared.errors import RuleViolation
from pas_shared.events.remission import AssistanceDistributed

TODAY = date(2026, 11, 28)
NIK = "3171234501900001"


def record(**changes: object) -> Distribution:
    values: dict[str, object] = {
        "distribution_id": "d-1",
        "programme": "pkh",
        "kind": AssistanceKind.CASH,
        "amount_rupiah": 750_000,
        "description": None,
        "distributed_on": date(2026, 11, 2),
        "partner_agency": "Kementerian Sosial",
        "recipient_type": RecipientType.INMATE,
        "inmate_id": "i-1",
        "family_name": None,
        "relationship": None,
        "nik": None,
        "admitted_on": date(2026, 1, 10),
        "upt_code": "LP-CIPINANG",
        "kanwil_code": "KW-DKI",
        "today": TODAY,
    } | changes
    return Distribution.record(**values)  # type: ignore[arg-type]


def family(**changes: object) -> Distribution:
    values: dict[str, object] = {
        "recipient_type": RecipientType.FAMILY,
        "family_name": "Siti Aminah",
        "relationship": Relationship.SPOUSE,
        "nik": NIK,
    } | changes
    return record(**values)


def test_the_programme_list_is_data_and_says_it_is_unconfirmed() -> None:
    rule_set, programmes = programme_list(TODAY)
    assert rule_set.status.startswith("unconfirmed")
    assert {"pkh", "bpnt-sembako", "blt", "pbi-jk", "bantuan-pendidikan"} <= set(programmes)
    assert programmes["pbi-jk"].kinds == {AssistanceKind.SERVICE}
    raw = json.loads(resources.files("pas_remission.domain").joinpath("rule_data/social_assistance.json").read_text())
    assert [rs["status"].split(":")[0] for rs in raw["rule_sets"]] == ["unconfirmed"]  # every version, not only today's
    assert assistance_rules().in_force("social-assistance-programmes", TODAY) is rule_set


def test_a_cash_distribution_to_an_inmate_records_the_event() -> None:
    d = record()
    assert d.recipient_type is RecipientType.INMATE and d.family is None
    assert d.events == [
        AssistanceDistributed(
            distribution_id="d-1",
            programme="pkh",
            kind="cash",
            amount_rupiah=750_000,
            distributed_on=date(2026, 11, 2),
            partner_agency="Kementerian Sosial",
            recipient_type="inmate",
            inmate_id="i-1",
            relationship=None,
            upt_code="LP-CIPINANG",
            kanwil_code="KW-DKI",
        )
    ]


def test_a_family_distribution_keeps_the_nik_but_the_event_carries_neither_nik_nor_name() -> None:
    d = family(programme="bpnt-sembako", kind=AssistanceKind.GOODS, amount_rupiah=None, description="beras 10 kg, minyak 2 l")
    assert d.family is not None and d.family.nik == NIK
    event = d.events[0]
    assert isinstance(event, AssistanceDistributed)
    assert (event.recipient_type, event.relationship, event.amount_rupiah) == ("family", "spouse", None)
    text = json.dumps(event.model_dump(mode="json"))
    assert NIK not in text and "Siti" not in text and "nik" not in text


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"programme": "bansos-x"}, "programme", "programme-listed"),
        ({"programme": "pbi-jk"}, "kind", "kind-of-programme"),  # PBI-JK pays contributions: a service
        ({"amount_rupiah": None}, "amount_rupiah", "required-for-cash"),
        ({"amount_rupiah": 0}, "amount_rupiah", "positive"),
        ({"amount_rupiah": -5}, "amount_rupiah", "positive"),
        (
            {"programme": "bpnt-sembako", "kind": AssistanceKind.GOODS, "amount_rupiah": None},
            "description",
            "required-for-goods-and-services",
        ),
        (
            {"programme": "bpnt-sembako", "kind": AssistanceKind.GOODS, "description": ""},
            "description",
            "required-for-goods-and-services",
        ),
        ({"distributed_on": date(2026, 1, 9)}, "distributed_on", "not-before-admission"),
        ({"distributed_on": date(2026, 11, 29)}, "distributed_on", "not-in-future"),
        ({"nik": NIK}, "recipient.nik", "family-only"),
        ({"family_name": "Siti"}, "recipient.name", "family-only"),
    ],
)
def test_refused_distributions_name_the_field_and_rule(changes: dict[str, object], field: str, rule: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        record(**changes)
    assert (refused.value.errors[0].field, refused.value.errors[0].rule) == (field, rule)


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"nik": "317123450190000"}, "recipient.nik", "nik-16-digits"),  # 15 digits
        ({"nik": "31712345019000011"}, "recipient.nik", "nik-16-digits"),  # 17 digits
        ({"nik": "31712345019O0001"}, "recipient.nik", "nik-16-digits"),  # a letter O
        ({"nik": "３１７１２３４５０１９０００01"}, "recipient.nik", "nik-16-digits"),  # full-width digits are not ASCII digits
        ({"nik": None}, "recipient.nik", "required-for-family"),
        ({"family_name": None}, "recipient.name", "required-for-family"),
        ({"relationship": None}, "recipient.relationship", "required-for-family"),
    ],
)
def test_a_family_member_needs_a_name_a_relationship_and_a_16_digit_nik(
    changes: dict[str, object], field: str, rule: str
) -> None:
    with pytest.raises(RuleViolation) as refused:
        family(**changes)
    assert (refused.value.errors[0].field, refused.value.errors[0].rule) == (field, rule)


def test_edges_allowed() -> None:
    assert record(distributed_on=date(2026, 1, 10)).distributed_on == date(2026, 1, 10)  # on the admission day
    assert record(distributed_on=TODAY).distributed_on == TODAY
    assert record(amount_rupiah=1).amount_rupiah == 1
    service = record(programme="pbi-jk", kind=AssistanceKind.SERVICE, amount_rupiah=None, description="iuran JKN 12 bulan")
    assert service.amount_rupiah is None and service.description == "iuran JKN 12 bulan"


def test_a_programme_before_the_list_takes_effect_is_not_listed() -> None:
    with pytest.raises(RuleViolation) as refused:
        record(distributed_on=date(1999, 12, 31), admitted_on=date(1999, 1, 1))
    assert refused.value.errors[0].rule == "programme-listed"


def test_the_nik_is_shown_back_masked() -> None:
    assert mask_nik(NIK) == "************0001"
