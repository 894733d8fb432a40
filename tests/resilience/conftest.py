"""Prints the recovery times the fault tests measured (tests/resilience/faults.py), after the run."""

import pytest

from tests.resilience.faults import RECOVERY


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not RECOVERY:
        return
    terminalreporter.section("recovery times (fault tests)")
    for fault, what, seconds in RECOVERY:
        terminalreporter.write_line(f"{fault:<28} {what:<42} {seconds:>7.2f} s")
