"""Schemathesis against the OpenAPI documents of the five apps (issue 10, "Bad input").

Each app runs in this process on its own PostgreSQL database and the test's Kafka namespace,
with its lifespan (migrations, relay, consumers) started by Schemathesis' ASGI client. Every
operation of its own document (the gateway's own routes: the services' routes are fuzzed on the
services) is called with a national token holding every role, in Schemathesis' phases:
`examples` (the documents' examples), `coverage` (deterministic boundary and negative cases:
wrong types, missing and extra fields, values out of range, no Authorization header...) and
`fuzzing` (Hypothesis, positive and negative data, `PAS_FUZZ_MAX_EXAMPLES` per operation).

Checks on every answer: never a 5xx; the status code is one the operation documents; the content
type and the body conform to what it documents for that status; every 4xx is problem+json with
the platform's problem type. The run is seeded (`PAS_FUZZ_SEED`), so a failure comes back.

`make test` runs a bounded number of examples (about 3 minutes on 2 cores); `make soak` runs
many more (`PAS_FUZZ_MAX_EXAMPLES`, `PAS_FUZZ_TIMEOUT`).
"""

import asyncio
import os
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from schemathesis.core.result import Ok
from schemathesis.pytest.lazy import get_all_tests
from schemathesis.python import asgi as schemathesis_asgi

from tests.integration.harness import Platform, create_app, free_port, make_token, required_env

SERVICES = ("security", "rehabilitation", "remission", "food-audit", "gateway")
MAX_EXAMPLES = int(os.environ.get("PAS_FUZZ_MAX_EXAMPLES", "3"))
SEED = int(os.environ.get("PAS_FUZZ_SEED", "20261128"))
PHASES = ("examples", "coverage", "fuzzing")
# The checks the issue names; the others (e.g. that every value outside the schema is refused,
# which FastAPI's lax coercion of `?to=0` into a date does not do) are reported, not enforced.
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
)
OFF = (
    "positive_data_acceptance",
    "negative_data_rejection",
    "unsupported_method",
    "allow_header_conformance",
    "missing_required_header",
    "ignored_auth",
    "use_after_free",
    "ensure_resource_availability",
)
PROBLEM_TYPE = "https://pas.go.id/problems/"

pytestmark = [
    pytest.mark.integration,
    pytest.mark.timeout(int(os.environ.get("PAS_FUZZ_TIMEOUT", "300"))),
    pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning"),
]


def fuzz_config(token: str) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {
                "mode": "all",  # positive and negative data
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "no-shrink": True,  # a failure is reported as found; shrinking costs minutes
                "database": "none",
            },
            "phases": {phase: {"enabled": phase in PHASES} for phase in ("examples", "coverage", "fuzzing", "stateful")},
            "auth": {"openapi": {"HTTPBearer": {"bearer": token}}},
            "checks": {name: {"enabled": True} for name in CHECKS} | {name: {"enabled": False} for name in OFF},
        }
    )


def problem_json_on_4xx(ctx: Any, response: schemathesis.Response, case: schemathesis.Case) -> bool | None:
    """Every 4xx is application/problem+json with the platform's problem type and its status."""
    if not 400 <= response.status_code < 500:
        return None
    content_type = (response.headers.get("content-type") or [""])[0]
    assert content_type.startswith("application/problem+json"), f"{response.status_code} answered as {content_type!r}"
    body = response.json()
    assert isinstance(body, dict) and body.get("status") == response.status_code, body
    assert str(body.get("type", "")).startswith(PROBLEM_TYPE), body
    assert body.get("title") and body.get("detail") is not None, body
    return None


def _wait_ready(app: Any, timeout: float = 60) -> None:
    """Start the app's lifespan in Schemathesis' event loop and wait until database and broker answer."""
    with schemathesis_asgi.get_client(app) as client:
        deadline = time.monotonic() + timeout
        while (answer := client.get("/readyz")).status_code != 200:
            assert time.monotonic() < deadline, f"not ready after {timeout}s: {answer.text}"
            time.sleep(0.2)


@pytest.fixture(params=SERVICES)
def api(request: pytest.FixtureRequest) -> Iterator[tuple[str, schemathesis.BaseSchema]]:
    service: str = request.param
    platform = Platform(kafka=required_env("PAS_TEST_KAFKA_BOOTSTRAP"), pg=required_env("PAS_TEST_PG_URL"))
    asyncio.run(platform.create_databases(service))
    overrides: dict[str, Any] = {}
    if service == "gateway":  # its own routes only; nothing it forwards to may be a stranger's server
        overrides = {
            f"upstream_{name}_url": f"http://127.0.0.1:{free_port()}"
            for name in ("security", "rehabilitation", "remission", "food_audit")
        }
    app = create_app(platform, service, **overrides)
    schema = schemathesis.openapi.from_dict(app.openapi(), config=fuzz_config(make_token()))
    schema.app = app
    try:
        _wait_ready(app)
        yield service, schema
    finally:
        schemathesis_asgi.shutdown_lifespans()


def test_openapi_fuzzing(api: tuple[str, schemathesis.BaseSchema]) -> None:
    service, schema = api
    statuses: Counter[int] = Counter()

    def call(case: schemathesis.Case) -> None:
        response = case.call_and_validate(additional_checks=[problem_json_on_4xx])
        statuses[response.status_code] += 1

    failures: list[str] = []
    operations = 0
    for result in get_all_tests(schema=schema, test_func=call, settings=None, given_kwargs=None):
        assert isinstance(result, Ok), f"{service}: its OpenAPI document cannot be tested: {result}"
        operation, test = result.ok()
        operations += 1
        try:
            test()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - a FailureGroup is a BaseExceptionGroup
            found = getattr(exc, "exceptions", None) or [exc]
            failures.append(f"{operation.label}:\n" + "\n".join(f"  {e!s}"[:2000] for e in found))
    assert not failures, f"{service}: {len(failures)} operations failed\n\n" + "\n\n".join(failures)
    calls = sum(statuses.values())
    print(f"{service}: {operations} operations, {calls} calls, statuses {sorted(statuses.items())}")
    # The token works: most calls reach the routes (the 401s are the cases sent without it).
    assert operations >= 15 and calls >= 5 * operations, (operations, calls)
    assert statuses[401] + statuses[403] < calls / 4, statuses
    assert sum(n for status, n in statuses.items() if 200 <= status < 300) >= operations / 2, statuses
