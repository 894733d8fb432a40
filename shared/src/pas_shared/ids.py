"""Identifiers. UUIDv7 (RFC 9562): time-ordered, so outbox rows and events sort by creation."""

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_counter = 0
_pool = b""  # random bytes from the OS, drawn 4 KiB at a time: one system call per 400 ids
_used = 0


def _random_bits(n_bytes: int) -> int:
    """Random bits from the OS's generator (callers hold the lock)."""
    global _pool, _used
    if _used + n_bytes > len(_pool):
        _pool, _used = os.urandom(4096), 0
    _used += n_bytes
    return int.from_bytes(_pool[_used - n_bytes : _used], "big")


def uuid7() -> uuid.UUID:
    """A UUIDv7 with a 12-bit counter in rand_a, so ids made in the same millisecond still sort."""
    return uuid.UUID(int=_uuid7_int())


def _uuid7_int() -> int:
    global _last_ms, _counter
    with _lock:
        now_ms = time.time_ns() // 1_000_000
        if now_ms > _last_ms:
            _last_ms = now_ms
            _counter = _random_bits(2) & 0x3FF
        else:
            _counter += 1
            if _counter > 0xFFF:  # counter exhausted: borrow the next millisecond
                _last_ms += 1
                _counter = 0
        ms, counter = _last_ms, _counter
        rand_b = _random_bits(8) & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= counter << 64
    value |= 0b10 << 62
    value |= rand_b
    return value


def new_id() -> str:
    h = f"{_uuid7_int():032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
