import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.integration.harness import Broker, Platform, own_broker, required_env


@pytest.fixture
async def platform() -> AsyncIterator[Platform]:
    yield Platform(kafka=required_env("PAS_TEST_KAFKA_BOOTSTRAP"), pg=required_env("PAS_TEST_PG_URL"))


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    """A broker of the test's own, to stop and start (harness.Broker says why not the shared one)."""
    with own_broker(tmp_path / "kafka") as b:
        yield b


def pytest_report_header() -> str:
    return f"kafka={os.environ.get('PAS_TEST_KAFKA_BOOTSTRAP')} postgres={os.environ.get('PAS_TEST_PG_URL')}"
