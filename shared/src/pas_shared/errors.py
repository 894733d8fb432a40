"""One error hierarchy for domain and application code (no web framework imported here).

Every message is given in Bahasa Indonesia and in English: officers read Indonesian first.
`pas_shared.problems` renders each error as application/problem+json (RFC 9457).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    rule: str
    message_id: str
    message_en: str


class DomainError(Exception):
    """Base of every error the domain or application layer raises on purpose."""

    status = 400
    code = "bad-request"
    title_id = "Permintaan tidak valid"
    title_en = "Bad request"

    def __init__(self, *, id: str, en: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(en)
        self.detail_id = id
        self.detail_en = en
        self.errors = errors or []


class RuleViolation(DomainError):
    """Input is well-formed but breaks a domain rule; names the field and the rule."""

    status = 422
    code = "rule-violation"
    title_id = "Melanggar aturan"
    title_en = "Rule violated"

    def __init__(self, field: str, rule: str, *, id: str, en: str) -> None:
        super().__init__(id=id, en=en, errors=[FieldError(field, rule, id, en)])


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


class RuleNotInForce(DomainError, LookupError):
    """No version of a rule set was yet in force on the date asked (a date before the
    regulation's `effective_from`): the request names a date the rules do not cover. Still a
    LookupError, so domain code that falls back on one keeps doing so."""

    status = 422
    code = "rule-not-in-force"
    title_id = "Tidak ada aturan yang berlaku pada tanggal itu"
    title_en = "No rule in force on that date"

    def __init__(self, rule_id: str, on: str) -> None:
        super().__init__(
            id=f"Tidak ada versi aturan '{rule_id}' yang berlaku pada {on}.",
            en=f"No version of rule {rule_id!r} in force on {on}.",
        )
        self.rule_id = rule_id
        self.on = on
