"""UPT kitchens: the infrastructure's condition (stoves, storage, cold chain, water,
ventilation, waste) and the hygiene certificate (SLHS, Sertifikat Laik Higiene Sanitasi) with
its yearly renewal."""

import calendar
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from pydantic import BaseModel

from pas_food_audit.domain.rules import RuleBook, food_rules
from pas_shared.errors import NotFound, RuleViolation
from pas_shared.events.food_audit import CertificateExpiryWarned, CertificateRecorded

INFRASTRUCTURE_RULE = "kitchen-infrastructure"
SLHS_RULE = "slhs"


@dataclass(frozen=True)
class Kitchen:
    kitchen_id: str
    upt_code: str
    kanwil_code: str
    name: str


def kitchen_not_found(kitchen_id: str) -> NotFound:
    return NotFound(id=f"Dapur {kitchen_id} tidak ditemukan.", en=f"Kitchen {kitchen_id} not found.")


@dataclass(frozen=True)
class ElementCondition:
    element: str
    condition: str
    score: int
    max_score: int
    attention_below: int  # a score under this needs repair or replacement
    note: str

    @property
    def needs_attention(self) -> bool:
        return self.score < self.attention_below


@dataclass(frozen=True)
class ConditionAssessment:
    """One survey of a kitchen's infrastructure: every element rated once."""

    assessment_id: str
    kitchen_id: str
    assessed_on: date
    assessor: str
    elements: tuple[ElementCondition, ...]
    regulation: str
    status: str

    @property
    def score_pct(self) -> float:
        got = sum(e.score for e in self.elements)
        best = sum(e.max_score for e in self.elements)
        return round(100 * got / best, 1) if best else 0.0

    @classmethod
    def assess(
        cls,
        *,
        assessment_id: str,
        kitchen_id: str,
        assessed_on: date,
        assessor: str,
        ratings: list[tuple[str, str, str]],
        today: date,
        rules: RuleBook | None = None,
    ) -> "ConditionAssessment":
        """`ratings`: (element, condition, note) for every element of the rule data."""
        rule_set = (rules or food_rules()).in_force(INFRASTRUCTURE_RULE, assessed_on)
        elements: list[str] = rule_set.values["elements"]
        scale: dict[str, int] = rule_set.values["conditions"]
        threshold = int(rule_set.values["needs_attention_below"])
        if assessed_on > today:
            raise RuleViolation(
                "assessed_on",
                "not-in-future",
                id="Penilaian dicatat setelah dilakukan.",
                en="An assessment is recorded after it is done.",
            )
        seen: dict[str, ElementCondition] = {}
        for n, (element, condition, note) in enumerate(ratings):
            if element not in elements:
                raise RuleViolation(
                    f"elements[{n}].element",
                    "element-listed",
                    id=f"Unsur {element} tidak dikenal; yang dinilai: {', '.join(elements)}.",
                    en=f"Unknown element {element}; the elements are: {', '.join(elements)}.",
                )
            if element in seen:
                raise RuleViolation(
                    f"elements[{n}].element",
                    "element-once",
                    id=f"Unsur {element} dinilai dua kali.",
                    en=f"Element {element} is rated twice.",
                )
            if condition not in scale:
                raise RuleViolation(
                    f"elements[{n}].condition",
                    "condition-in-scale",
                    id=f"Kondisi {condition} tidak dikenal; pilihan: {', '.join(scale)}.",
                    en=f"Unknown condition {condition}; one of: {', '.join(scale)}.",
                )
            seen[element] = ElementCondition(element, condition, scale[condition], max(scale.values()), threshold, note)
        missing = [e for e in elements if e not in seen]
        if missing:
            raise RuleViolation(
                "elements",
                "every-element-rated",
                id=f"Unsur belum dinilai: {', '.join(missing)}.",
                en=f"Elements not rated: {', '.join(missing)}.",
            )
        return cls(
            assessment_id,
            kitchen_id,
            assessed_on,
            assessor,
            tuple(seen[e] for e in elements),
            rule_set.regulation,
            rule_set.status,
        )


class CertificateStage(StrEnum):
    VALID = "valid"
    RENEWAL_DUE = "renewal-due"
    EXPIRED = "expired"


def add_months(day: date, months: int) -> date:
    """Calendar months; a month-end day clamps to the shorter month's end."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class Certificate:
    certificate_id: str
    kitchen: Kitchen
    issuer: str
    number: str
    issued_on: date
    expires_on: date
    warned: set[CertificateStage] = field(default_factory=set)
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    def stage(self, today: date, rules: RuleBook | None = None) -> CertificateStage:
        warning_days = int((rules or food_rules()).in_force(SLHS_RULE, self.issued_on).values["renewal_warning_days"])
        left = (self.expires_on - today).days
        if left < 0:
            return CertificateStage.EXPIRED
        return CertificateStage.RENEWAL_DUE if left <= warning_days else CertificateStage.VALID

    def warn(self, today: date, rules: RuleBook | None = None) -> bool:
        """Record the warning for the stage it is in today, once per stage. True if it warned."""
        stage = self.stage(today, rules)
        if stage is CertificateStage.VALID or stage in self.warned:
            return False
        self.warned.add(stage)
        self.events.append(
            CertificateExpiryWarned(
                certificate_id=self.certificate_id,
                kitchen_id=self.kitchen.kitchen_id,
                upt_code=self.kitchen.upt_code,
                number=self.number,
                expires_on=self.expires_on,
                stage=stage.value,
                days_left=(self.expires_on - today).days,
            )
        )
        return True

    @classmethod
    def record(
        cls,
        *,
        certificate_id: str,
        kitchen: Kitchen,
        issuer: str,
        number: str,
        issued_on: date,
        expires_on: date | None,
        today: date,
        rules: RuleBook | None = None,
    ) -> "Certificate":
        """`expires_on` defaults to the validity the rule data gives (a year)."""
        if issued_on > today:
            raise RuleViolation(
                "issued_on", "not-in-future", id="Sertifikat dicatat setelah terbit.", en="A certificate is recorded once issued."
            )
        validity = int((rules or food_rules()).in_force(SLHS_RULE, issued_on).values["validity_months"])
        expires = expires_on or add_months(issued_on, validity)
        if expires <= issued_on:
            raise RuleViolation(
                "expires_on",
                "expires-after-issue",
                id="Tanggal kedaluwarsa harus sesudah tanggal terbit.",
                en="The expiry date must be after the issue date.",
            )
        c = cls(certificate_id, kitchen, issuer, number, issued_on, expires)
        c.events.append(
            CertificateRecorded(
                certificate_id=certificate_id,
                kitchen_id=kitchen.kitchen_id,
                upt_code=kitchen.upt_code,
                issuer=issuer,
                number=number,
                issued_on=issued_on,
                expires_on=expires,
            )
        )
        return c
