"""The rules of the feeds for other ministries: allow-lists checked when a partner is registered,
routing by type, region and conditions, minimisation, stable ids, replay after a narrowed
allow-list, and the mapping of every fed internal event to its public payload."""

import itertools
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import BaseModel

from pas_gateway.app.feeds import allowed_events, seed_partners
from pas_gateway.domain.feed_mapping import MAPPINGS
from pas_gateway.domain.feeds import (
    AllowedEvent,
    Partner,
    check_events,
    check_partner_id,
    feed_event_id,
    minimise,
    replayable,
    route,
)
from pas_shared.errors import RuleViolation
from pas_shared.events import food_audit, rehabilitation, remission, security
from pas_shared.events.public import ESCAPE_REPORTED, PUBLIC_CATALOG

AT = datetime(2026, 3, 1, 2, 30, tzinfo=UTC)

# One internal payload per fed event type, every optional field set (the most a partner could see).
SAMPLES: dict[tuple[str, int], BaseModel] = {
    security.ESCAPE_REPORTED.key: security.EscapeReported(
        escape_id="esc-1", inmate_id="inm-1", upt_code="LP-CIPINANG", escaped_at=AT, escaped_on=date(2026, 3, 1), method="tembok"
    ),
    security.ESCAPEE_RECAPTURED.key: security.EscapeeRecaptured(
        escape_id="esc-1",
        inmate_id="inm-1",
        upt_code="LP-CIPINANG",
        recaptured_at=AT,
        recaptured_on=date(2026, 3, 2),
        place="Bekasi",
    ),
    remission.INTEGRATION_RIGHT_DECIDED.key: remission.IntegrationRightDecided(
        application_id="app-1",
        inmate_id="inm-2",
        upt_code="LP-MAKASSAR",
        kanwil_code="KW-SULSEL",
        right="pb",
        decree_number="PAS-123.PK.05.09",
        decided_on=date(2026, 3, 3),
        starts_on=date(2026, 3, 4),
        ends_on=date(2027, 1, 1),
        releases=True,
    ),
    remission.INTEGRATION_RIGHT_REVOKED.key: remission.IntegrationRightRevoked(
        application_id="app-1",
        inmate_id="inm-2",
        upt_code="LP-MAKASSAR",
        kanwil_code="KW-SULSEL",
        right="pb",
        decree_number="PAS-123.PK.05.09",
        ground="new-crime",
        revoked_on=date(2026, 5, 1),
    ),
    rehabilitation.PERMIT_STATUS_CHANGED.key: rehabilitation.PermitStatusChanged(
        permit_id="per-1",
        product_id="pro-1",
        product_name="Roti Cipinang",
        upt_code="LP-CIPINANG",
        kanwil_code="KW-DKI",
        permit_type="halal",
        from_status="under-review",
        status="granted",
        changed_on=date(2026, 3, 5),
        agency="BPJPH",
        number="ID31110000123",
        valid_from=date(2026, 3, 5),
        valid_until=date(2030, 3, 5),
    ),
    food_audit.INSPECTION_COMPLETED.key: food_audit.InspectionCompleted(
        inspection_id="ins-1",
        kitchen_id="kit-1",
        upt_code="LP-CIPINANG",
        kind="unannounced",
        template="ikl-dapur",
        template_version="2023",
        inspected_on=date(2026, 3, 6),
        hygiene_pct=40.0,
        structure_pct=70.0,
        management_pct=50.0,
        overall_pct=52.5,
        rating=1,
        passed=False,
        failed_rules=["penjamah-sehat"],
        findings_opened=2,
        findings_closed=0,
    ),
    remission.ASSISTANCE_DISTRIBUTED.key: remission.AssistanceDistributed(
        distribution_id="dis-1",
        programme="pkh",
        kind="cash",
        amount_rupiah=600_000,
        distributed_on=date(2026, 3, 7),
        partner_agency="Dinas Sosial Kota Makassar",
        recipient_type="family",
        inmate_id="inm-3",
        relationship="istri",
        upt_code="LP-MAKASSAR",
        kanwil_code="KW-SULSEL",
    ),
}


def partner(partner_id: str, events: list[AllowedEvent], kanwil: tuple[str, ...] = (), active: bool = True) -> Partner:
    return Partner(
        partner_id, partner_id, "UU 1/2000 contoh", "a purpose of ten", check_events(events), kanwil, 30, active, AT, AT
    )


def public_payload(key: tuple[str, int], kanwil: str = "KW-DKI") -> tuple[Any, dict[str, Any]]:
    mapping = MAPPINGS[key]
    return mapping.target, mapping.build(SAMPLES[key], kanwil).model_dump(mode="json")


def routed(partners: list[Partner], key: tuple[str, int], kanwil: str = "KW-DKI", source_id: str = "src-1") -> list[Any]:
    target, payload = public_payload(key, kanwil)
    return route(
        partners,
        event_type=target,
        payload=payload,
        subject="s",
        time=AT,
        uptcode="LP-X",
        kanwilcode=kanwil,
        source="/pas/x",
        source_event_id=source_id,
    )


def test_every_fed_event_maps_to_a_public_type_and_every_public_type_is_fed() -> None:
    assert set(SAMPLES) == set(MAPPINGS)
    assert {m.target.key for m in MAPPINGS.values()} == {e.key for e in PUBLIC_CATALOG.all()}


@pytest.mark.parametrize("key", sorted(MAPPINGS))
def test_a_public_payload_names_no_internal_only_field(key: tuple[str, int]) -> None:
    _, payload = public_payload(key)
    internal = set(SAMPLES[key].model_dump())
    assert "inmate_id" not in payload  # the register id travels as inmate_ref, only where allowed
    leaked = {f for f in payload if f in internal and f not in MAPPINGS[key].target.fields}
    assert leaked == set()


@pytest.mark.parametrize("key", sorted(MAPPINGS))
def test_a_partner_never_receives_a_field_outside_its_allow_list(key: tuple[str, int]) -> None:
    """For every event type and every possible allow-list (its required fields plus each subset
    of its optional ones, exhaustively): the message has exactly the allowed fields, never another."""
    target, _ = public_payload(key)
    optional = [f for f in target.fields if f not in target.required_fields]
    subsets = [c for n in range(len(optional) + 1) for c in itertools.combinations(optional, n)]
    assert len(subsets) == 2 ** len(optional)
    for extra in subsets:
        allowed = tuple(target.required_fields) + extra
        p = partner("p-x", [AllowedEvent(target.name, target.version, allowed)])
        (message,) = routed([p], key)
        assert set(message.data) <= set(allowed)
        assert set(message.data) == set(allowed)  # the sample sets every field, so each allowed one is there


def test_the_seed_partners_register_and_receive_only_their_fields() -> None:
    partners = [partner(p["partner_id"], allowed_events(p["events"]), tuple(p["kanwil_codes"])) for p in seed_partners()]
    assert len(partners) >= 6
    for key in MAPPINGS:
        for message in routed(partners, key) + routed(partners, key, kanwil="KW-SULSEL"):
            p = next(x for x in partners if x.partner_id == message.partner_id)
            allowed = p.allowed(message.type, message.version)
            assert allowed is not None and set(message.data) <= set(allowed.fields)
    kemensos = next(p for p in partners if p.partner_id == "kemensos")
    assert all("inmate_ref" not in a.fields for a in kemensos.events)  # reconciles per distribution: no person


def test_routing_by_region_and_condition() -> None:
    escape = public_payload(security.ESCAPE_REPORTED.key)[0]
    permit = public_payload(rehabilitation.PERMIT_STATUS_CHANGED.key)[0]
    dki = partner("polri-dki", [AllowedEvent(escape.name, 1, escape.required_fields)], ("KW-DKI",))
    halal = partner("bpjph", [AllowedEvent(permit.name, 1, permit.required_fields, {"permit_type": ("halal",)})])
    pirt = partner("dinkes", [AllowedEvent(permit.name, 1, permit.required_fields, {"permit_type": ("p-irt",)})])
    suspended = partner("off", [AllowedEvent(escape.name, 1, escape.required_fields)], active=False)
    everyone = [dki, halal, pirt, suspended]
    assert [m.partner_id for m in routed(everyone, security.ESCAPE_REPORTED.key, "KW-DKI")] == ["polri-dki"]
    assert routed(everyone, security.ESCAPE_REPORTED.key, "KW-SULSEL") == []
    assert [m.partner_id for m in routed(everyone, rehabilitation.PERMIT_STATUS_CHANGED.key)] == ["bpjph"]


def test_ids_are_stable_per_partner_and_source_event() -> None:
    assert feed_event_id("a", "/pas/security", "e1") == feed_event_id("a", "/pas/security", "e1")
    assert len({feed_event_id(p, "/pas/security", e) for p in ("a", "b") for e in ("e1", "e2")}) == 4
    escape = public_payload(security.ESCAPE_REPORTED.key)[0]
    p = partner("polri", [AllowedEvent(escape.name, 1, escape.fields)])
    first, again = routed([p], security.ESCAPE_REPORTED.key), routed([p], security.ESCAPE_REPORTED.key)
    assert first[0].event_id == again[0].event_id


def test_a_replay_applies_the_allow_list_of_today() -> None:
    escape = public_payload(security.ESCAPE_REPORTED.key)[0]
    wide = partner("polri", [AllowedEvent(escape.name, 1, escape.fields)], ("KW-DKI",))
    (message,) = routed([wide], security.ESCAPE_REPORTED.key)
    assert "inmate_ref" in message.data
    narrow = partner("polri", [AllowedEvent(escape.name, 1, escape.required_fields)], ("KW-DKI",))
    again = replayable(narrow, message)
    assert again is not None and set(again.data) == set(escape.required_fields) and again.event_id == message.event_id
    assert replayable(partner("polri", [AllowedEvent(escape.name, 1, escape.fields)], ("KW-JATIM",)), message) is None
    permit = public_payload(rehabilitation.PERMIT_STATUS_CHANGED.key)[0]
    assert replayable(partner("polri", [AllowedEvent(permit.name, 1, permit.required_fields)]), message) is None


def test_minimise_keeps_only_allowed_keys() -> None:
    assert minimise({"a": 1, "b": None, "c": 3}, ("a", "b")) == {"a": 1, "b": None}


@pytest.mark.parametrize(
    ("events", "rule"),
    [
        ([], "events-required"),
        ([AllowedEvent("pas.partner.nothing.happened", 1, ("x",))], "public-event-known"),
        ([AllowedEvent(ESCAPE_REPORTED.name, 2, ESCAPE_REPORTED.required_fields)], "public-event-known"),
        ([AllowedEvent(ESCAPE_REPORTED.name, 1, (*ESCAPE_REPORTED.required_fields, "inmate_name"))], "field-known"),
        ([AllowedEvent(ESCAPE_REPORTED.name, 1, ("escape_id",))], "required-fields-listed"),
        ([AllowedEvent(ESCAPE_REPORTED.name, 1, ESCAPE_REPORTED.required_fields, {"colour": ("red",)})], "condition-field"),
        ([AllowedEvent(ESCAPE_REPORTED.name, 1, ESCAPE_REPORTED.required_fields)] * 2, "event-once"),
    ],
)
def test_an_allow_list_is_checked(events: list[AllowedEvent], rule: str) -> None:
    with pytest.raises(RuleViolation) as raised:
        check_events(events)
    assert raised.value.errors[0].rule == rule


@pytest.mark.parametrize("value", ["Polri", "p", "1polri", "polri_dki", "polri-", "x" * 41])
def test_a_partner_id_is_a_lower_case_slug(value: str) -> None:
    with pytest.raises(RuleViolation):
        check_partner_id(value)
    assert check_partner_id("polri-polda-metro-jaya") == "polri-polda-metro-jaya"
