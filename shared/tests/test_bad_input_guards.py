"""The shared guards against bad input, without infrastructure (tests/resilience/ runs them on
the real apps): text that cannot be stored, rules asked about a date before their first
version, the problem+json answers in the OpenAPI documents, the body limit."""

from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError

from pas_shared.api import Body
from pas_shared.errors import RuleNotInForce
from pas_shared.limits import BodyLimitMiddleware
from pas_shared.problems import add_problem_responses, install_error_handlers
from pas_shared.rules import RuleBook, RuleSet


class Note(Body):
    text: str
    tags: list[str] = []


@pytest.mark.parametrize("text", ["a\x00b", "lone \ud800", "lone \udc00 low"])
def test_text_that_cannot_be_stored_is_refused_on_its_field(text: str) -> None:
    for value in ({"text": text}, {"text": "ok", "tags": ["fine", text]}):
        with pytest.raises(ValidationError) as refused:
            Note.model_validate(value)
        assert refused.value.errors()[0]["type"] in ("text_unstorable", "string_unicode")  # pydantic refuses surrogates


def test_unicode_that_can_be_stored_is_kept_as_sent() -> None:
    text = "Blok \u202eC\u202c 🍚 👮🏽\u200d♀️ Pe\u0301ngawasan \ufeff ꦥꦱ ' OR '1'='1"
    assert Note.model_validate({"text": text}).text == text


def test_a_date_before_the_first_version_is_the_callers_error_an_unknown_rule_a_bug() -> None:
    book = RuleBook([RuleSet("r", "PP 1/2020", "", date(2020, 1, 1), "confirmed", {})])
    with pytest.raises(RuleNotInForce) as early:
        book.in_force("r", date(1970, 1, 1))
    assert (early.value.status, early.value.rule_id, early.value.on) == (422, "r", "1970-01-01")
    assert isinstance(early.value, LookupError)  # domain code falling back on a LookupError keeps doing so
    with pytest.raises(LookupError) as unknown:
        book.in_force("nope", date(2026, 1, 1))
    assert not isinstance(unknown.value, RuleNotInForce)


def test_every_operation_documents_its_4xx_as_problem_json() -> None:
    app = FastAPI()

    @app.get("/things/{thing_id}")
    async def thing(thing_id: int) -> dict[str, int]:
        return {"id": thing_id}

    document = add_problem_responses(app.openapi())
    responses = document["paths"]["/things/{thing_id}"]["get"]["responses"]
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    assert responses["422"]["content"] == problem and responses["4XX"]["content"] == problem
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert add_problem_responses(document) == document  # idempotent


def _limited(limit: int) -> TestClient:
    app = FastAPI()
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=limit)

    @app.post("/echo")
    async def echo(body: dict[str, Any]) -> dict[str, int]:
        return {"keys": len(body)}

    return TestClient(app)


def test_bodies_over_the_limit_are_refused_with_413_declared_or_chunked() -> None:
    client = _limited(1024)
    assert client.post("/echo", json={"a": "x" * 900}).status_code == 200
    for response in (
        client.post("/echo", json={"a": "x" * 2000}),
        client.post("/echo", content=iter([b'{"a": "', b"x" * 4000, b'"}'])),  # no Content-Length
    ):
        assert response.status_code == 413, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "https://pas.go.id/problems/content-too-large"
