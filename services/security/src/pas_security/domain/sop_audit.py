"""SOP audits: a UPT's practice in one SOP area checked against the versioned checklist template
in force on the audit day (rule_data/sop_audits.json).

Each item is found compliant, non-compliant or not applicable (only optional items may be not
applicable). The score, comparable across UPTs because every UPT is held to the same template
and weights:

    score_pct = 100 × Σ weight(compliant items) / Σ weight(applicable items)

with the weights of the rule data (mandatory 2, optional 1), rounded half up to one decimal.
A non-compliant item opens a corrective action (owner, due date) unless one is open already for
that item; a later audit of the same UPT and area that finds the item compliant (or, for an
optional item, not applicable) closes it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from pydantic import BaseModel

from pas_security.domain.rules import RuleBook, RuleSet, sop_rules
from pas_shared.errors import FieldError, NotFound, RuleViolation
from pas_shared.events.security import SopAuditCompleted


class Finding(StrEnum):
    COMPLIANT = "compliant"
    NON_COMPLIANT = "non-compliant"
    NOT_APPLICABLE = "not-applicable"


class ActionStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    mandatory: bool
    text_id: str
    text_en: str


@dataclass(frozen=True)
class Template:
    area: str
    version: str
    name_id: str
    name_en: str
    items: list[ChecklistItem]
    rule: RuleSet


@dataclass(frozen=True)
class Scoring:
    weights: dict[str, int]
    default_days: int
    areas: list[str]
    rule: RuleSet


def scoring(on: date, rules: RuleBook | None = None) -> Scoring:
    try:
        rule = (rules or sop_rules()).in_force("sop-scoring", on)
    except LookupError:
        raise RuleViolation(
            "audited_on",
            "rule-in-force",
            id=f"Tidak ada aturan audit SOP yang berlaku pada {on.isoformat()}.",
            en=f"No SOP audit rules were in force on {on.isoformat()}.",
        ) from None
    v = rule.values
    return Scoring({k: int(w) for k, w in v["weights"].items()}, int(v["corrective_action_default_days"]), list(v["areas"]), rule)


def template(area: str, on: date, rules: RuleBook | None = None) -> Template:
    areas = scoring(on, rules).areas
    if area not in areas:
        raise RuleViolation(
            "area",
            "area-listed",
            id=f"Area SOP {area} tidak dikenal; pilih salah satu: {', '.join(areas)}.",
            en=f"Unknown SOP area {area}; choose one of: {', '.join(areas)}.",
        )
    try:
        rule = (rules or sop_rules()).in_force(f"sop-checklist-{area}", on)
    except LookupError:
        raise RuleViolation(
            "audited_on",
            "rule-in-force",
            id=f"Tidak ada daftar periksa {area} yang berlaku pada {on.isoformat()}.",
            en=f"No {area} checklist was in force on {on.isoformat()}.",
        ) from None
    v = rule.values
    items = [ChecklistItem(i["code"], bool(i["mandatory"]), i["text_id"], i["text_en"]) for i in v["items"]]
    return Template(area, str(v["version"]), v["name_id"], v["name_en"], items, rule)


@dataclass(frozen=True)
class Answer:
    """One item as the auditor scored it, with the corrective action's owner and due date."""

    item: str
    finding: Finding
    evidence: str | None = None
    owner: str | None = None
    due_on: date | None = None


@dataclass(frozen=True)
class ItemScore:
    item: str
    mandatory: bool
    finding: Finding
    evidence: str | None


@dataclass
class CorrectiveAction:
    action_id: str
    audit_id: str
    upt_code: str
    kanwil_code: str
    area: str
    item: str
    owner: str
    due_on: date
    opened_on: date
    status: ActionStatus = ActionStatus.OPEN
    closed_on: date | None = None
    closed_by_audit_id: str | None = None

    def overdue_on(self, today: date) -> bool:
        return self.status is ActionStatus.OPEN and today > self.due_on


def score_pct(items: list[ItemScore], weights: dict[str, int]) -> float | None:
    def weight(i: ItemScore) -> int:
        return weights["mandatory" if i.mandatory else "optional"]

    applicable = sum(weight(i) for i in items if i.finding is not Finding.NOT_APPLICABLE)
    if applicable == 0:
        return None
    compliant = sum(weight(i) for i in items if i.finding is Finding.COMPLIANT)
    return float((Decimal(100 * compliant) / Decimal(applicable)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _refuse(field_name: str, rule: str, id: str, en: str) -> RuleViolation:
    return RuleViolation(field_name, rule, id=id, en=en)


@dataclass
class Audit:
    audit_id: str
    upt_code: str
    kanwil_code: str
    area: str
    template_version: str
    audited_on: date
    auditor: str
    score_pct: float
    mandatory_compliant: int
    mandatory_total: int
    created_by: str
    created_at: datetime
    items: list[ItemScore] = field(default_factory=list)
    opened: list[CorrectiveAction] = field(default_factory=list)
    closed: list[CorrectiveAction] = field(default_factory=list)
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def conduct(
        cls,
        *,
        audit_id: str,
        upt_code: str,
        kanwil_code: str,
        area: str,
        audited_on: date,
        auditor: str,
        answers: list[Answer],
        open_actions: list[CorrectiveAction],
        today: date,
        by: str,
        now: datetime,
        new_id: Callable[[], str],
        rules: RuleBook | None = None,
    ) -> "Audit":
        """`open_actions`: the corrective actions still open for this UPT and area."""
        if audited_on > today:
            raise _refuse(
                "audited_on",
                "not-in-future",
                "Tanggal audit tidak boleh di masa depan.",
                "The audit date cannot be in the future.",
            )
        rules_on = scoring(audited_on, rules)
        t = template(area, audited_on, rules)
        by_code = {i.code: i for i in t.items}
        seen: set[str] = set()
        scores: list[ItemScore] = []
        for n, a in enumerate(answers):
            where = f"items[{n}]"
            item = by_code.get(a.item)
            if item is None:
                raise _refuse(
                    f"{where}.item",
                    "item-in-template",
                    f"Butir {a.item} tidak ada dalam daftar periksa {area} versi {t.version}.",
                    f"Item {a.item} is not on the {area} checklist version {t.version}.",
                )
            if a.item in seen:
                raise _refuse(
                    f"{where}.item", "item-once", f"Butir {a.item} dinilai dua kali.", f"Item {a.item} is scored twice."
                )
            seen.add(a.item)
            if item.mandatory and a.finding is Finding.NOT_APPLICABLE:
                raise _refuse(
                    f"{where}.finding",
                    "mandatory-applicable",
                    f"Butir wajib {a.item} tidak boleh dinilai tidak berlaku.",
                    f"Mandatory item {a.item} cannot be not applicable.",
                )
            if a.finding is Finding.NON_COMPLIANT and not a.evidence:
                raise _refuse(
                    f"{where}.evidence",
                    "evidence-required",
                    "Ketidaksesuaian harus disertai catatan bukti.",
                    "A non-compliance needs an evidence note.",
                )
            if a.due_on is not None and a.due_on < audited_on:
                raise _refuse(
                    f"{where}.due_on",
                    "due-after-audit",
                    "Batas waktu tindakan perbaikan tidak boleh sebelum tanggal audit.",
                    "A corrective action cannot be due before the audit.",
                )
            scores.append(ItemScore(a.item, item.mandatory, a.finding, a.evidence))
        missing = [i.code for i in t.items if i.code not in seen]
        if missing:
            raise _refuse(
                "items",
                "all-items-scored",
                f"Semua butir harus dinilai; belum: {', '.join(missing)}.",
                f"Every item must be scored; missing: {', '.join(missing)}.",
            )
        pct = score_pct(scores, rules_on.weights)
        assert pct is not None  # every template has mandatory items, which are always applicable
        mandatory = [s for s in scores if s.mandatory]
        audit = cls(
            audit_id=audit_id,
            upt_code=upt_code,
            kanwil_code=kanwil_code,
            area=area,
            template_version=t.version,
            audited_on=audited_on,
            auditor=auditor,
            score_pct=pct,
            mandatory_compliant=sum(1 for s in mandatory if s.finding is Finding.COMPLIANT),
            mandatory_total=len(mandatory),
            created_by=by,
            created_at=now,
            items=scores,
        )
        still_open = {a.item: a for a in open_actions if a.status is ActionStatus.OPEN}
        for n, a in enumerate(answers):
            existing = still_open.get(a.item)
            if a.finding is Finding.NON_COMPLIANT:
                if existing is not None:
                    continue  # the earlier corrective action stays open; no second one
                if not a.owner:
                    raise _refuse(
                        f"items[{n}].owner",
                        "owner-required",
                        "Ketidaksesuaian membuka tindakan perbaikan: sebutkan penanggung jawabnya.",
                        "A non-compliance opens a corrective action: name its owner.",
                    )
                due_on = a.due_on or audited_on + timedelta(days=rules_on.default_days)
                audit.opened.append(
                    CorrectiveAction(new_id(), audit_id, upt_code, kanwil_code, area, a.item, a.owner, due_on, audited_on)
                )
            elif existing is not None and existing.opened_on <= audited_on:
                existing.status, existing.closed_on, existing.closed_by_audit_id = ActionStatus.CLOSED, audited_on, audit_id
                audit.closed.append(existing)
        audit.events.append(
            SopAuditCompleted(
                audit_id=audit_id,
                upt_code=upt_code,
                kanwil_code=kanwil_code,
                area=area,
                template_version=t.version,
                audited_on=audited_on,
                score_pct=pct,
                mandatory_compliant=audit.mandatory_compliant,
                mandatory_total=audit.mandatory_total,
                corrective_actions_opened=len(audit.opened),
                corrective_actions_closed=len(audit.closed),
            )
        )
        return audit


def audit_not_found(audit_id: str) -> NotFound:
    return NotFound(
        id=f"Audit SOP {audit_id} tidak ditemukan.",
        en=f"SOP audit {audit_id} does not exist.",
        errors=[FieldError("audit_id", "audit-exists", "Data audit tidak ditemukan.", "No such audit.")],
    )
