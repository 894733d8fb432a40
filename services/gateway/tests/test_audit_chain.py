"""The audit trail's hash chain: what is recorded, the canonical hash, and tamper detection (pure)."""

import dataclasses
import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from pas_gateway.domain.audit import GENESIS_HASH, AuditEntry, AuditRecord, chain, entry_hash, is_audited, verify

T0 = datetime(2026, 8, 17, 3, 0, 0, 123456, tzinfo=UTC)


def record(n: int, **changes: object) -> AuditRecord:
    base = AuditRecord(
        at=T0 + timedelta(seconds=n),
        actor=f"user-{n}",
        scope="kanwil:KW-DKI",
        method="POST",
        path="/api/v1/security/incidents",
        query="a=1",
        status=201,
        client="10.0.0.7",
        correlation_id=f"cid-{n}",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def build(n: int) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    prev = GENESIS_HASH
    for i in range(1, n + 1):
        entries.append(chain(i, record(i), prev))
        prev = entries[-1].hash
    return entries


@pytest.mark.parametrize(
    ("method", "status", "audited"),
    [
        ("POST", 201, True),
        ("PUT", 200, True),
        ("PATCH", 422, True),
        ("DELETE", 204, True),
        ("GET", 200, False),
        ("HEAD", 200, False),
        ("OPTIONS", 200, False),
        ("GET", 304, False),
        ("GET", 401, True),
        ("GET", 403, True),
        ("GET", 404, True),
        ("GET", 422, False),
    ],
)
def test_writes_and_refusals_are_audited(method: str, status: int, audited: bool) -> None:
    assert is_audited(method, status) is audited


def test_the_hash_is_sha256_of_the_canonical_json_of_the_entry_and_the_previous_hash() -> None:
    r = record(1)
    expected = {
        "actor": "user-1",
        "at": "2026-08-17T03:00:01.123456Z",
        "client": "10.0.0.7",
        "correlation_id": "cid-1",
        "method": "POST",
        "path": "/api/v1/security/incidents",
        "prev_hash": GENESIS_HASH,
        "query": "a=1",
        "scope": "kanwil:KW-DKI",
        "seq": 1,
        "status": 201,
    }
    canonical = json.dumps(expected, sort_keys=True, separators=(",", ":")).encode()
    assert entry_hash(1, r, GENESIS_HASH) == hashlib.sha256(canonical).hexdigest()


def test_the_same_instant_in_another_zone_hashes_the_same() -> None:
    wib = timezone(timedelta(hours=7))
    assert entry_hash(1, record(1), GENESIS_HASH) == entry_hash(
        1, record(1, at=(T0 + timedelta(seconds=1)).astimezone(wib)), GENESIS_HASH
    )


def test_a_sound_chain_verifies() -> None:
    entries = build(5)
    assert verify(entries, 5, entries[-1].hash) is None
    assert verify([], 0, GENESIS_HASH) is None


def test_a_changed_field_is_found_at_its_entry() -> None:
    entries = build(5)
    entries[2] = dataclasses.replace(entries[2], record=record(3, status=200))
    broken = verify(entries, 5, entries[-1].hash)
    assert broken is not None and (broken.seq, broken.rule) == (3, "hash-mismatch")


def test_a_rehashed_entry_breaks_the_link_to_the_next() -> None:
    entries = build(5)
    forged = chain(3, record(3, actor="someone-else"), entries[1].hash)
    entries[2] = forged
    broken = verify(entries, 5, entries[-1].hash)
    assert broken is not None and (broken.seq, broken.rule) == (4, "prev-hash-mismatch")


def test_a_removed_entry_is_a_gap() -> None:
    entries = build(5)
    del entries[1]
    broken = verify(entries, 5, entries[-1].hash)
    assert broken is not None and (broken.seq, broken.rule) == (3, "seq-gap")


def test_entries_cut_from_the_end_are_caught_by_the_head() -> None:
    entries = build(5)
    broken = verify(entries[:3], 5, entries[-1].hash)
    assert broken is not None and (broken.seq, broken.rule) == (4, "head-mismatch")
    broken = verify(entries, None, None)
    assert broken is not None and broken.rule == "head-mismatch"


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        entry_hash(1, record(1, at=datetime(2026, 1, 1)), GENESIS_HASH)
