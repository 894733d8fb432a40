"""Golden files: tests/golden/<name>.case.json in, <name>.expected.json out.

An expected file lists the facts the case pins (hand-computed from the conventions in the
README); every key it has must match the engine's result. Nested objects match key by key;
`reasons` lists match exactly.
"""

import json
from pathlib import Path
from typing import Any

import pytest

from pas_remission.app.cases import evaluate

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(GOLDEN.glob("*.case.json"))


def subset_mismatches(expected: Any, actual: Any, path: str = "") -> list[str]:
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {actual!r}"]
        out: list[str] = []
        for key, value in expected.items():
            if key not in actual:
                out.append(f"{path}.{key}: missing")
            else:
                out.extend(subset_mismatches(value, actual[key], f"{path}.{key}"))
        return out
    return [] if expected == actual else [f"{path}: expected {expected!r}, got {actual!r}"]


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("case_file", CASES, ids=[p.name.removesuffix(".case.json") for p in CASES])
def test_golden(case_file: Path) -> None:
    expected_file = case_file.with_name(case_file.name.replace(".case.json", ".expected.json"))
    raw = json.loads(case_file.read_text())
    expected = json.loads(expected_file.read_text())
    mismatches = subset_mismatches(expected, evaluate(raw))
    assert not mismatches, f"{raw.get('description', '')}\n" + "\n".join(mismatches)
