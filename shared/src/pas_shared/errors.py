"""One error hierarchy for domain and application code (no web framework imported here).

`pas_shared.problems` renders each of them as application/problem+json (RFC 9457).
"""

from typing import Any


class DomainError(Exception):
    """Base of every error the domain or application layer raises on purpose."""

    status = 400
    code = "bad-request"
    title_id = "Permintaan tidak valid"
    title_en = "Bad request"

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class RuleViolation(DomainError):
    """Input is well-formed but breaks a domain rule; `errors` names the field and the rule."""

    status = 422
    code = "rule-violation"
    title_id = "Melanggar aturan"
    title_en = "Rule violated"

    def __init__(self, field: str, rule: str, detail: str) -> None:
        super().__init__(detail, errors=[{"field": field, "rule": rule, "message": detail}])


class NotFound(DomainError):
    status = 404
    code = "not-found"
    title_id = "Data tidak ditemukan"
    title_en = "Not found"


class Conflict(DomainError):
    status = 409
    code = "conflict"
    title_id = "Konflik dengan data yang ada"
    title_en = "Conflict"
