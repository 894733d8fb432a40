"""Kitchen inspections by a versioned template, scored per item and per section into three
sub-scores and a rating from 0 to 5 that is comparable across UPTs; findings with severity,
owner and due date; a later inspection closes the findings whose item is compliant again, and
findings past their due date escalate.

The scheme (rule_data/inspections.json) is in the spirit of the UK Food Hygiene Rating Scheme:
compliance points per item, sections grouped into hygiene, structure and management sub-scores,
a rating band that needs both the overall percentage and every sub-score to reach its minimum
(a kitchen cannot hide one bad area behind two good ones), and a pass rule: rating at least the
configured minimum and no critical item short of full marks.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

from pydantic import BaseModel

from pas_food_audit.domain.kitchens import Kitchen
from pas_food_audit.domain.rules import RuleBook, inspection_rules
from pas_shared.errors import NotFound, RuleViolation
from pas_shared.events.food_audit import FindingClosed, FindingEscalated, FindingOpened, InspectionCompleted
from pas_shared.workflow import require_transition

TEMPLATE_RULE = "kitchen-inspection-template"
SCHEME_RULE = "inspection-scheme"


class InspectionKind(StrEnum):
    SCHEDULED = "scheduled"
    UNANNOUNCED = "unannounced"


class InspectionStatus(StrEnum):
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


NEXT = {
    InspectionStatus.SCHEDULED: {InspectionStatus.COMPLETED, InspectionStatus.CANCELLED},
    InspectionStatus.COMPLETED: set(),
    InspectionStatus.CANCELLED: set(),
}


class Severity(StrEnum):
    CRITICAL = "critical"  # a critical item short of full marks
    MAJOR = "major"  # an item with no compliance at all
    MINOR = "minor"  # partly compliant


class FindingStatus(StrEnum):
    OPEN = "open"
    ESCALATED = "escalated"  # past its due date, reported up (Kanwil)
    CLOSED = "closed"


FINDING_NEXT = {
    FindingStatus.OPEN: {FindingStatus.ESCALATED, FindingStatus.CLOSED},
    FindingStatus.ESCALATED: {FindingStatus.CLOSED},
    FindingStatus.CLOSED: set(),
}


@dataclass(frozen=True)
class TemplateItem:
    code: str  # "<section>.<item>"
    section: str
    max: int
    critical: bool
    name_id: str
    name_en: str


@dataclass(frozen=True)
class TemplateSection:
    code: str
    sub_score: str
    name_id: str
    name_en: str
    items: tuple[TemplateItem, ...]


@dataclass(frozen=True)
class Template:
    id: str
    version: str
    regulation: str
    status: str
    sections: tuple[TemplateSection, ...]

    @property
    def items(self) -> dict[str, TemplateItem]:
        return {i.code: i for s in self.sections for i in s.items}


def template_in_force(on: date, rules: RuleBook | None = None) -> Template:
    rs = (rules or inspection_rules()).in_force(TEMPLATE_RULE, on)
    sections = []
    for s in rs.values["sections"]:
        items = tuple(
            TemplateItem(f"{s['code']}.{i['code']}", s["code"], int(i["max"]), bool(i["critical"]), i["name_id"], i["name_en"])
            for i in s["items"]
        )
        sections.append(TemplateSection(s["code"], s["sub_score"], s["name_id"], s["name_en"], items))
    return Template(rs.id, rs.values["version"], rs.regulation, rs.status, tuple(sections))


def pct(part: Fraction) -> float:
    """A share as a percentage, rounded half up to one decimal."""
    return float((Decimal(part.numerator) * 100 / Decimal(part.denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP))


@dataclass(frozen=True)
class Score:
    item: str
    score: int
    note: str
    owner: str | None


@dataclass(frozen=True)
class SectionResult:
    section: str
    sub_score: str
    points: int
    max_points: int


@dataclass(frozen=True)
class Result:
    sections: tuple[SectionResult, ...]
    sub_scores: dict[str, Fraction]
    overall: Fraction
    rating: int
    passed: bool
    failed_rules: tuple[str, ...]


def score(template: Template, scores: dict[str, Score], on: date, rules: RuleBook | None = None) -> Result:
    scheme: dict[str, Any] = (rules or inspection_rules()).in_force(SCHEME_RULE, on).values
    sections = tuple(
        SectionResult(s.code, s.sub_score, sum(scores[i.code].score for i in s.items), sum(i.max for i in s.items))
        for s in template.sections
    )
    subs: dict[str, Fraction] = {}
    for name in scheme["sub_scores"]:
        mine = [s for s in sections if s.sub_score == name]
        subs[name] = Fraction(sum(s.points for s in mine), sum(s.max_points for s in mine) or 1)
    overall = Fraction(sum(s.points for s in sections), sum(s.max_points for s in sections))
    rating = 0
    for band in sorted(scheme["rating_bands"], key=lambda b: -int(b["rating"])):
        if overall * 100 >= band["min_overall_pct"] and all(v * 100 >= band["min_each_pct"] for v in subs.values()):
            rating = int(band["rating"])
            break
    failed = []
    if rating < scheme["pass_min_rating"]:
        failed.append(f"rating-below-{scheme['pass_min_rating']}")
    if scheme["critical_item_fails"]:
        items = template.items
        failed += [f"critical-item:{c}" for c, s in scores.items() if items[c].critical and s.score < items[c].max]
    return Result(sections, subs, overall, rating, not failed, tuple(failed))


@dataclass
class Finding:
    finding_id: str
    inspection_id: str
    kitchen: Kitchen
    item: str
    severity: Severity
    owner: str
    note: str
    opened_on: date
    due_on: date
    status: FindingStatus = FindingStatus.OPEN
    escalated_on: date | None = None
    closed_on: date | None = None
    closed_by_inspection_id: str | None = None
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    def _move(self, to: FindingStatus) -> None:
        require_transition(
            FINDING_NEXT, self.status, to, what_id=f"Temuan {self.finding_id}", what_en=f"Finding {self.finding_id}"
        )
        self.status = to

    def close(self, *, inspection_id: str, on: date) -> None:
        self._move(FindingStatus.CLOSED)
        self.closed_on, self.closed_by_inspection_id = on, inspection_id
        self.events.append(
            FindingClosed(
                finding_id=self.finding_id,
                kitchen_id=self.kitchen.kitchen_id,
                upt_code=self.kitchen.upt_code,
                item=self.item,
                closed_by_inspection_id=inspection_id,
                closed_on=on,
                late=on > self.due_on,
            )
        )

    def escalate_if_overdue(self, today: date) -> bool:
        """An open finding past its due date (the UPT's local date) escalates, once."""
        if self.status is not FindingStatus.OPEN or today <= self.due_on:
            return False
        self._move(FindingStatus.ESCALATED)
        self.escalated_on = today
        self.events.append(
            FindingEscalated(
                finding_id=self.finding_id,
                kitchen_id=self.kitchen.kitchen_id,
                upt_code=self.kitchen.upt_code,
                item=self.item,
                severity=self.severity.value,
                owner=self.owner,
                due_on=self.due_on,
                escalated_on=today,
                days_overdue=(today - self.due_on).days,
            )
        )
        return True


@dataclass(frozen=True)
class Transition:
    from_status: InspectionStatus | None
    to_status: InspectionStatus
    by: str
    why: str


@dataclass
class Inspection:
    inspection_id: str
    kitchen: Kitchen
    kind: InspectionKind
    planned_on: date
    template_version: str
    status: InspectionStatus = InspectionStatus.SCHEDULED
    inspected_on: date | None = None
    inspector: str | None = None
    scores: dict[str, Score] = field(default_factory=dict)
    result: Result | None = None
    transitions: list[Transition] = field(default_factory=list)
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    def _move(self, to: InspectionStatus, *, by: str, why: str) -> None:
        what = f"Inspeksi {self.inspection_id}", f"Inspection {self.inspection_id}"
        require_transition(NEXT, self.status, to, what_id=what[0], what_en=what[1])
        self.transitions.append(Transition(self.status, to, by, why))
        self.status = to

    @classmethod
    def schedule(
        cls,
        *,
        inspection_id: str,
        kitchen: Kitchen,
        kind: InspectionKind,
        planned_on: date,
        by: str,
        rules: RuleBook | None = None,
    ) -> "Inspection":
        template = template_in_force(planned_on, rules)
        i = cls(inspection_id, kitchen, kind, planned_on, template.version)
        i.transitions.append(Transition(None, InspectionStatus.SCHEDULED, by, f"{kind.value} inspection planned"))
        return i

    def template(self, rules: RuleBook | None = None) -> Template:
        return template_in_force(self.planned_on, rules)

    def cancel(self, *, by: str, why: str) -> None:
        self._move(InspectionStatus.CANCELLED, by=by, why=why)

    def complete(
        self,
        *,
        inspected_on: date,
        inspector: str,
        owner: str,
        scores: list[Score],
        open_findings: list[Finding],
        new_ids: list[str],
        today: date,
        by: str,
        rules: RuleBook | None = None,
    ) -> tuple[list[Finding], list[Finding]]:
        """Score the inspection; returns the findings it opens and the open findings it closes.
        `open_findings`: the kitchen's findings still open or escalated; `new_ids`: ids for new
        findings (at least one per template item)."""
        require_transition(
            NEXT,
            self.status,
            InspectionStatus.COMPLETED,
            what_id=f"Inspeksi {self.inspection_id}",
            what_en=f"Inspection {self.inspection_id}",
        )
        if inspected_on > today:
            raise RuleViolation(
                "inspected_on",
                "not-in-future",
                id="Inspeksi dicatat setelah dilakukan.",
                en="An inspection is recorded after it is done.",
            )
        template = self.template(rules)
        by_code = _checked_scores(template, scores)
        result = score(template, by_code, inspected_on, rules)
        scheme = (rules or inspection_rules()).in_force(SCHEME_RULE, inspected_on).values
        items = template.items
        still_open = {f.item for f in open_findings}
        opened: list[Finding] = []
        ids = iter(new_ids)
        for code, s in by_code.items():
            item = items[code]
            if s.score == item.max or code in still_open:
                continue  # compliant, or already an open finding for it: the same non-compliance is not counted twice
            severity = Severity.CRITICAL if item.critical else Severity.MAJOR if s.score == 0 else Severity.MINOR
            finding = Finding(
                finding_id=next(ids),
                inspection_id=self.inspection_id,
                kitchen=self.kitchen,
                item=code,
                severity=severity,
                owner=s.owner or owner,
                note=s.note,
                opened_on=inspected_on,
                due_on=inspected_on + timedelta(days=int(scheme["finding_due_days"][severity.value])),
            )
            finding.events.append(
                FindingOpened(
                    finding_id=finding.finding_id,
                    inspection_id=self.inspection_id,
                    kitchen_id=self.kitchen.kitchen_id,
                    upt_code=self.kitchen.upt_code,
                    item=code,
                    severity=severity.value,
                    owner=finding.owner,
                    due_on=finding.due_on,
                )
            )
            opened.append(finding)
        closed = []
        for f in open_findings:
            if f.item in by_code and by_code[f.item].score == items[f.item].max:
                f.close(inspection_id=self.inspection_id, on=inspected_on)
                closed.append(f)
        self._move(InspectionStatus.COMPLETED, by=by, why=f"rating {result.rating}")
        self.inspected_on, self.inspector, self.scores, self.result = inspected_on, inspector, by_code, result
        self.events.append(
            InspectionCompleted(
                inspection_id=self.inspection_id,
                kitchen_id=self.kitchen.kitchen_id,
                upt_code=self.kitchen.upt_code,
                kind=self.kind.value,
                template=template.id,
                template_version=template.version,
                inspected_on=inspected_on,
                hygiene_pct=pct(result.sub_scores["hygiene"]),
                structure_pct=pct(result.sub_scores["structure"]),
                management_pct=pct(result.sub_scores["management"]),
                overall_pct=pct(result.overall),
                rating=result.rating,
                passed=result.passed,
                failed_rules=list(result.failed_rules),
                findings_opened=len(opened),
                findings_closed=len(closed),
            )
        )
        return opened, closed


def _checked_scores(template: Template, scores: list[Score]) -> dict[str, Score]:
    items = template.items
    found: dict[str, Score] = {}
    for n, s in enumerate(scores):
        item = items.get(s.item)
        if item is None:
            raise RuleViolation(
                f"scores[{n}].item",
                "item-in-template",
                id=f"Butir {s.item} tidak ada dalam templat {template.version}.",
                en=f"Item {s.item} is not in template {template.version}.",
            )
        if s.item in found:
            raise RuleViolation(
                f"scores[{n}].item", "item-once", id=f"Butir {s.item} dinilai dua kali.", en=f"Item {s.item} is scored twice."
            )
        if not 0 <= s.score <= item.max:
            raise RuleViolation(
                f"scores[{n}].score",
                "score-within-template",
                id=f"Nilai butir {s.item} harus 0 sampai {item.max}.",
                en=f"The score of item {s.item} must be from 0 to {item.max}.",
            )
        found[s.item] = s
    missing = [c for c in items if c not in found]
    if missing:
        raise RuleViolation(
            "scores",
            "every-item-scored",
            id=f"Butir belum dinilai: {', '.join(missing)}.",
            en=f"Items not scored: {', '.join(missing)}.",
        )
    return {c: found[c] for c in items}


def inspection_not_found(inspection_id: str) -> NotFound:
    return NotFound(id=f"Inspeksi {inspection_id} tidak ditemukan.", en=f"Inspection {inspection_id} not found.")
