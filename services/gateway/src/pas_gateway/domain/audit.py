"""The gateway's audit trail: which requests are recorded, and the hash chain that makes the
record tamper-evident.

Every write (any method but GET, HEAD and OPTIONS) and every refusal (401, 403, 404) is one
entry. Entries are numbered 1, 2, 3, ... with no gap; each carries the hash of the one before it
(`prev_hash`, the genesis hash for the first) and its own hash, SHA-256 over a canonical JSON
encoding of all its fields and `prev_hash`. Changing, removing or inserting an entry breaks the
chain at that entry (its hash no longer matches its content, or the next entry's `prev_hash` no
longer matches it); removing entries from the end is caught by the chain head, which holds the
last number and hash.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

GENESIS_HASH = "0" * 64
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REFUSALS = frozenset({401, 403, 404})


def is_audited(method: str, status: int) -> bool:
    """Writes are recorded whatever their outcome; reads only when they were refused."""
    return method.upper() not in SAFE_METHODS or status in REFUSALS


@dataclass(frozen=True)
class AuditRecord:
    """What happened: who (actor and scope), what (method, path, query, status), when, from where."""

    at: datetime
    actor: str
    scope: str
    method: str
    path: str
    query: str
    status: int
    client: str
    correlation_id: str


@dataclass(frozen=True)
class AuditEntry:
    """A record once chained: its number, the previous entry's hash and its own."""

    seq: int
    record: AuditRecord
    prev_hash: str
    hash: str


def _instant(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("audit times are UTC instants")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(seq: int, record: AuditRecord, prev_hash: str) -> bytes:
    """The bytes an entry's hash covers: sorted keys, no whitespace, UTF-8, the time in UTC to
    the microsecond (what both PostgreSQL and SQLite store and give back unchanged)."""
    fields = asdict(record) | {"at": _instant(record.at), "seq": seq, "prev_hash": prev_hash}
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(seq: int, record: AuditRecord, prev_hash: str) -> str:
    return hashlib.sha256(canonical(seq, record, prev_hash)).hexdigest()


def chain(seq: int, record: AuditRecord, prev_hash: str) -> AuditEntry:
    return AuditEntry(seq=seq, record=record, prev_hash=prev_hash, hash=entry_hash(seq, record, prev_hash))


@dataclass(frozen=True)
class ChainBreak:
    """The first entry where the chain does not hold, and why."""

    seq: int
    rule: str  # seq-gap | prev-hash-mismatch | hash-mismatch | head-mismatch
    detail: str


class ChainVerifier:
    """Checks entries in order, one at a time (a large log is read in pages)."""

    def __init__(self) -> None:
        self.checked = 0
        self._expected_seq = 1
        self._prev_hash = GENESIS_HASH

    def feed(self, entry: AuditEntry) -> ChainBreak | None:
        if entry.seq != self._expected_seq:
            return ChainBreak(entry.seq, "seq-gap", f"expected entry {self._expected_seq}, found {entry.seq}")
        if entry.prev_hash != self._prev_hash:
            return ChainBreak(entry.seq, "prev-hash-mismatch", "prev_hash is not the hash of the entry before it")
        if entry_hash(entry.seq, entry.record, entry.prev_hash) != entry.hash:
            return ChainBreak(entry.seq, "hash-mismatch", "the entry's content does not match its hash")
        self.checked += 1
        self._expected_seq += 1
        self._prev_hash = entry.hash
        return None

    def finish(self, head_seq: int | None, head_hash: str | None) -> ChainBreak | None:
        """The chain head must name the last entry checked (else entries were cut from the end)."""
        last_seq = self._expected_seq - 1
        if head_seq is None:
            return ChainBreak(last_seq + 1, "head-mismatch", "the chain head is missing")
        if head_seq != last_seq or head_hash != self._prev_hash:
            return ChainBreak(
                min(head_seq, last_seq) + 1, "head-mismatch", f"the chain head names entry {head_seq}, the log ends at {last_seq}"
            )
        return None


def verify(entries: Iterable[AuditEntry], head_seq: int | None, head_hash: str | None) -> ChainBreak | None:
    verifier = ChainVerifier()
    for entry in entries:
        broken = verifier.feed(entry)
        if broken:
            return broken
    return verifier.finish(head_seq, head_hash)
