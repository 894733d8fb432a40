import os
from collections.abc import AsyncIterator

import pytest

from tests.integration.harness import Platform, required_env


@pytest.fixture
async def platform() -> AsyncIterator[Platform]:
    yield Platform(kafka=required_env("PAS_TEST_KAFKA_BOOTSTRAP"), pg=required_env("PAS_TEST_PG_URL"))


@pytest.fixture
def kafka_control() -> tuple[str, str]:
    return required_env("PAS_TEST_KAFKA_RUNDIR"), required_env("PAS_TEST_KAFKA_PORT")


def pytest_report_header() -> str:
    return f"kafka={os.environ.get('PAS_TEST_KAFKA_BOOTSTRAP')} postgres={os.environ.get('PAS_TEST_PG_URL')}"
