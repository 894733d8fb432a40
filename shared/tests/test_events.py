import uuid
from datetime import UTC, datetime

import pytest
from pydantic import BaseModel

from pas_shared.events import CATALOG, Envelope, MalformedEvent, decode_kafka, encode_kafka
from pas_shared.events.catalog import Catalog, EventType
from pas_shared.events.envelope import peek_type
from pas_shared.ids import uuid7


def sample() -> Envelope:
    return Envelope(
        id=str(uuid7()),
        source="/pas/remission",
        type="pas.remission.inmate.admitted",
        time=datetime(2026, 8, 17, 1, 0, tzinfo=UTC),
        subject="inmate-1",
        dataschema="/schemas/pas.remission.inmate.admitted.v1.json",
        uptcode="LP-CIPINANG",
        kanwilcode="KW-DKI",
        data={"a": 1, "nama": "Budi Santoso ✓"},
    )


def test_kafka_binary_round_trip_keeps_every_attribute() -> None:
    envelope = sample()
    key, value, headers = encode_kafka(envelope)
    assert key == b"inmate-1"
    assert ("content-type", b"application/json") in headers
    assert decode_kafka(value, headers) == envelope
    assert envelope.version == 1


@pytest.mark.parametrize(
    ("value", "headers", "reason"),
    [
        (b"{}", [("content-type", b"application/json")], "not a CloudEvents"),
        (b"[1]", None, "must be a JSON object"),
        (b"{oops", None, "not JSON"),
        (None, None, "no value"),
        (b"{}", "no-subject", "invalid envelope"),
        (b"{}", "bad-content-type", "content-type must be"),
    ],
)
def test_malformed_messages_are_recognised(value: bytes | None, headers: object, reason: str) -> None:
    _, _, good = encode_kafka(sample())
    if headers is None:
        headers = good
    elif headers == "no-subject":
        headers = [h for h in good if h[0] != "ce_subject"]
    elif headers == "bad-content-type":
        headers = [h for h in good if h[0] != "content-type"] + [("content-type", b"text/plain")]
    with pytest.raises(MalformedEvent, match=reason):
        decode_kafka(value, headers)  # type: ignore[arg-type]


def test_the_type_is_read_from_the_headers_alone() -> None:
    _, _, headers = encode_kafka(sample())
    assert peek_type(headers) == ("pas.remission.inmate.admitted", 1)
    # without both headers, or with an unreadable schema, nothing is assumed: the message is parsed in full
    assert peek_type([h for h in headers if h[0] != "ce_dataschema"]) is None
    assert peek_type([h for h in headers if h[0] != "ce_type"]) is None
    broken = [h for h in headers if h[0] != "ce_dataschema"] + [("ce_dataschema", b"/schemas/x.json")]
    assert peek_type(broken) is None
    assert peek_type([*headers[:1], ("ce_type", b"\xff"), ("ce_dataschema", b"/schemas/a.v2.json")]) is None


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        Envelope(**(sample().model_dump() | {"time": datetime(2026, 1, 1)}))


def test_uuid7_is_version_7_and_time_ordered() -> None:
    ids = [uuid7() for _ in range(5000)]
    assert all(i.version == 7 and i.variant == uuid.RFC_4122 for i in ids)
    assert ids == sorted(ids, key=lambda u: u.int)
    assert len(set(ids)) == len(ids)


class P(BaseModel):
    x: int


@pytest.mark.parametrize(
    ("service", "entity", "verb", "message"),
    [
        ("police", "inmate", "admitted", "unknown service"),
        ("security", "Escape", "reported", "lowercase"),
        ("security", "escape", "report", "past-tense"),
    ],
)
def test_catalog_enforces_naming(service: str, entity: str, verb: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Catalog().register(EventType(service, entity, verb, 1, P))


def test_catalog_names_topics_and_schemas_in_one_way() -> None:
    et = CATALOG.get("pas.remission.inmate.admitted", 1)
    assert et is not None
    assert et.topic == "pas.remission.inmate.v1"
    assert et.source == "/pas/remission"
    assert et.dataschema == "/schemas/pas.remission.inmate.admitted.v1.json"
    catalog = Catalog()
    catalog.register(EventType("security", "escape", "reported", 1, P))
    with pytest.raises(ValueError, match="twice"):
        catalog.register(EventType("security", "escape", "reported", 1, P))


def test_committed_json_schemas_match_the_payload_models() -> None:
    from pas_shared.events.export import SCHEMA_DIR, rendered

    wanted = rendered()
    assert wanted, "no event types registered"
    present = {p.name: p.read_text() for p in SCHEMA_DIR.glob("*.json")}
    assert present == wanted, "run: python -m pas_shared.events.export"
    for et in CATALOG.all():
        assert (SCHEMA_DIR / et.dataschema.rsplit("/", 1)[1]).exists()
