"""The repeat filter: a library repeating one line while its broker is down writes it once per
window, says how many it held back, and never hides other lines."""

import logging

from pas_shared.logging import RepeatFilter


def record(name: str, message: str, level: int = logging.ERROR) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, message, (), None)


def test_a_repeated_library_line_is_written_once_per_window_with_the_count_held_back() -> None:
    now = [0.0]
    f = RepeatFilter(window=10.0, clock=lambda: now[0])
    line = "Unable connect to node with id 1: [Errno 111] Connection refused"
    assert f.filter(record("aiokafka", line))
    written = [f.filter(record("aiokafka", line)) for _ in range(500)]
    assert not any(written)
    now[0] = 10.5
    again = record("aiokafka", line)
    assert f.filter(again)
    assert again.repeated == 500  # type: ignore[attr-defined]
    # a different line, level or logger is not held back by it
    assert f.filter(record("aiokafka", "Unable to update metadata from [1]"))
    assert f.filter(record("aiokafka", line, logging.WARNING))
    assert f.filter(record("aiokafka.consumer.group_coordinator", line))


def test_our_own_lines_are_never_held_back() -> None:
    f = RepeatFilter(clock=lambda: 0.0)
    assert all(f.filter(record("pas_shared.outbox", "outbox relay: broker unavailable")) for _ in range(5))


def test_the_memory_of_lines_stays_bounded() -> None:
    now = [0.0]
    f = RepeatFilter(window=1.0, clock=lambda: now[0])
    for i in range(1_500):
        now[0] = i * 0.01
        f.filter(record("aiokafka", f"line {i}"))
    assert len(f._seen) <= 1_001
