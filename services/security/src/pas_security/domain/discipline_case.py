"""The inmate discipline procedure (Permenkumham 6/2013 jo. 29/2017): a violation report, the
examination (pemeriksaan by the KPLP's Tim Pemeriksa, BAP), the sidang TPP recommendation and the
Kalapas' decision, as one state machine (NEXT) whose every step is kept with who, when and why.

The decision's outcome is a Sanction (discipline.py: isolation limits and Register F) with the
case's id, or a dismissal. The violations, the measures each level allows and whether a level
needs a sidang TPP are rule data (rule_data/discipline.json, rule set `prosedur-disiplin`).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from pas_security.domain.discipline import Sanction
from pas_security.domain.rules import RuleBook, RuleSet, default_rules
from pas_shared.errors import Conflict, FieldError, NotFound, RuleViolation
from pas_shared.events.security import (
    DisciplineDismissed,
    DisciplineExamined,
    DisciplineLevel,
    DisciplineRecommended,
    DisciplineReported,
    DisciplineWithdrawn,
)
from pas_shared.workflow import require_transition

PROCEDURE_RULE = "prosedur-disiplin"


class CaseStatus(StrEnum):
    REPORTED = "reported"
    EXAMINED = "examined"
    TPP_RECOMMENDED = "tpp-recommended"
    SANCTIONED = "sanctioned"
    DISMISSED = "dismissed"
    WITHDRAWN = "withdrawn"  # taken back before the Kalapas' decision


# Each state lists the states it may move to. A decision straight after the examination is
# allowed only for a level whose rule data says no sidang TPP is needed (checked in decide).
# A case can be withdrawn until it is decided; a sanction once decided is annulled instead.
NEXT: dict[CaseStatus, set[CaseStatus]] = {
    CaseStatus.REPORTED: {CaseStatus.EXAMINED, CaseStatus.WITHDRAWN},
    CaseStatus.EXAMINED: {CaseStatus.TPP_RECOMMENDED, CaseStatus.SANCTIONED, CaseStatus.DISMISSED, CaseStatus.WITHDRAWN},
    CaseStatus.TPP_RECOMMENDED: {CaseStatus.SANCTIONED, CaseStatus.DISMISSED, CaseStatus.WITHDRAWN},
    CaseStatus.SANCTIONED: set(),
    CaseStatus.DISMISSED: set(),
    CaseStatus.WITHDRAWN: set(),
}
# The states where the case still awaits the decision: seized items may be linked to it.
OPEN = frozenset(s for s in CaseStatus if CaseStatus.WITHDRAWN in NEXT[s])


@dataclass(frozen=True)
class Terms:
    """What a recommendation or a decision imposes: the level, its measures and isolation days."""

    level: DisciplineLevel
    measures: tuple[str, ...]
    isolation_days: int


@dataclass(frozen=True)
class Examination:
    examined_on: date
    examiner: str
    findings: str
    bap_no: str | None


@dataclass(frozen=True)
class Recommendation:
    held_on: date
    chair: str
    terms: Terms | None  # None: the TPP recommends no sanction
    reasons: str


@dataclass(frozen=True)
class Decision:
    decided_on: date
    decided_by: str
    decree_no: str
    terms: Terms | None  # None: dismissed
    why: str


@dataclass(frozen=True)
class Withdrawal:
    withdrawn_on: date
    withdrawn_by: str
    reason: str


@dataclass(frozen=True)
class CaseStep:
    seq: int
    from_status: CaseStatus | None
    to_status: CaseStatus
    on: date  # the UPT-local date of the act (report: the violation's date)
    by: str
    at: datetime
    why: str


class ProcedureRules:
    """The procedure rule set in force on one day."""

    def __init__(self, rule_set: RuleSet) -> None:
        self.rule_set = rule_set

    @classmethod
    def on(cls, day: date, field_name: str, rules: RuleBook | None = None) -> "ProcedureRules":
        try:
            return cls((rules or default_rules()).in_force(PROCEDURE_RULE, day))
        except LookupError:
            raise RuleViolation(
                field_name,
                "rule-in-force",
                id=f"Tidak ada aturan tata tertib yang berlaku pada {day.isoformat()}.",
                en=f"No discipline rules were in force on {day.isoformat()}.",
            ) from None

    def violations(self) -> dict[str, dict[str, Any]]:
        return dict(self.rule_set.values["violations"])

    def measures(self) -> dict[str, dict[str, Any]]:
        return dict(self.rule_set.values["measures"])

    def level_measures(self, level: DisciplineLevel) -> list[str]:
        return list(self.rule_set.values["levels"][level.value]["measures"])

    def tpp_required(self, level: DisciplineLevel) -> bool:
        return bool(self.rule_set.values["levels"][level.value]["tpp_required"])

    def violation_level(self, code: str) -> DisciplineLevel:
        found = self.violations().get(code)
        if found is None:
            raise RuleViolation(
                "violation",
                "violation-known",
                id=f"Jenis pelanggaran {code} tidak dikenal ({self.rule_set.cite()}); lihat GET /api/v1/discipline/reference.",
                en=f"Unknown violation {code} ({self.rule_set.cite()}); see GET /api/v1/discipline/reference.",
            )
        return DisciplineLevel(found["level"])

    def check_terms(self, terms: Terms, prefix: str) -> None:
        allowed = self.level_measures(terms.level)
        if not terms.measures:
            raise RuleViolation(
                f"{prefix}.measures",
                "measure-required",
                id="Sebutkan sedikitnya satu bentuk hukuman disiplin.",
                en="Name at least one disciplinary measure.",
            )
        if len(set(terms.measures)) != len(terms.measures):
            raise RuleViolation(
                f"{prefix}.measures", "measures-unique", id="Bentuk hukuman tidak boleh berulang.", en="A measure is named twice."
            )
        for m in terms.measures:
            if m not in allowed:
                raise RuleViolation(
                    f"{prefix}.measures",
                    "measure-of-level",
                    id=f"Hukuman disiplin tingkat {terms.level.value} hanya berupa {', '.join(allowed)}, bukan {m} "
                    f"({self.rule_set.cite()}).",
                    en=f"A {terms.level.value} sanction is one of {', '.join(allowed)}, not {m} ({self.rule_set.cite()}).",
                )
        isolates = any(self.measures()[m].get("isolation", False) for m in terms.measures)
        if isolates != (terms.isolation_days > 0):
            raise RuleViolation(
                f"{prefix}.isolation_days",
                "isolation-matches-measure",
                id="Hari sel pengasingan diisi (lebih dari 0) jika dan hanya jika sel pengasingan termasuk bentuk hukumannya.",
                en="Isolation days are given (more than 0) if and only if the isolation cell is one of the measures.",
            )


def _not_before(name: str, value: date, earlier: date, *, what_id: str, what_en: str) -> None:
    if value < earlier:
        raise RuleViolation(
            name,
            "date-order",
            id=f"Tanggal ini tidak boleh sebelum {what_id} ({earlier.isoformat()}).",
            en=f"This date cannot be before the {what_en} ({earlier.isoformat()}).",
        )


def _not_in_future(name: str, value: date, today: date) -> None:
    if value > today:
        raise RuleViolation(
            name,
            "not-in-future",
            id="Tanggal tidak boleh di masa depan (tanggal setempat UPT).",
            en="The date cannot be in the future (the UPT's local date).",
        )


@dataclass
class DisciplineCase:
    case_id: str
    inmate_id: str
    upt_code: str
    violation: str
    level: DisciplineLevel  # the level of the violation reported; the decision may differ
    occurred_on: date
    description: str
    reported_by: str
    status: CaseStatus
    seizure_ids: list[str] = field(default_factory=list)
    examination: Examination | None = None
    recommendation: Recommendation | None = None
    decision: Decision | None = None
    withdrawal: Withdrawal | None = None
    steps: list[CaseStep] = field(default_factory=list)
    new_steps: list[CaseStep] = field(default_factory=list, compare=False, repr=False)
    sanction: Sanction | None = None
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def report(
        cls,
        *,
        case_id: str,
        inmate_id: str,
        upt_code: str,
        violation: str,
        occurred_on: date,
        description: str,
        reported_by: str,
        seizure_ids: Sequence[str],
        by: str,
        now: datetime,
        today: date,
        rules: RuleBook | None = None,
    ) -> "DisciplineCase":
        _not_in_future("occurred_on", occurred_on, today)
        level = ProcedureRules.on(occurred_on, "occurred_on", rules).violation_level(violation)
        if len(set(seizure_ids)) != len(seizure_ids):
            raise RuleViolation(
                "seizure_ids", "seizures-unique", id="Barang sitaan disebut dua kali.", en="A seizure is named twice."
            )
        case = cls(
            case_id=case_id,
            inmate_id=inmate_id,
            upt_code=upt_code,
            violation=violation,
            level=level,
            occurred_on=occurred_on,
            description=description,
            reported_by=reported_by,
            status=CaseStatus.REPORTED,
            seizure_ids=list(seizure_ids),
        )
        case._step(None, CaseStatus.REPORTED, on=occurred_on, by=by, at=now, why=description)
        case.events.append(
            DisciplineReported(
                case_id=case_id,
                inmate_id=inmate_id,
                upt_code=upt_code,
                violation=violation,
                level=level,
                occurred_on=occurred_on,
                seizure_ids=list(seizure_ids),
            )
        )
        return case

    @property
    def name_id(self) -> str:
        return f"Perkara disiplin {self.case_id}"

    @property
    def name_en(self) -> str:
        return f"Discipline case {self.case_id}"

    def _require(self, to: CaseStatus, detail_id: str = "", detail_en: str = "") -> None:
        require_transition(
            NEXT, self.status, to, what_id=self.name_id, what_en=self.name_en, detail_id=detail_id, detail_en=detail_en
        )

    def _step(self, from_status: CaseStatus | None, to: CaseStatus, *, on: date, by: str, at: datetime, why: str) -> None:
        step = CaseStep(len(self.steps) + 1, from_status, to, on, by, at, why)
        self.steps.append(step)
        self.new_steps.append(step)
        self.status = to

    def examine(self, exam: Examination, *, by: str, now: datetime, today: date) -> None:
        self._require(CaseStatus.EXAMINED)
        _not_before("examined_on", exam.examined_on, self.occurred_on, what_id="tanggal pelanggaran", what_en="violation date")
        _not_in_future("examined_on", exam.examined_on, today)
        self.examination = exam
        self._step(self.status, CaseStatus.EXAMINED, on=exam.examined_on, by=by, at=now, why=exam.findings)
        self.events.append(
            DisciplineExamined(
                case_id=self.case_id, inmate_id=self.inmate_id, upt_code=self.upt_code, examined_on=exam.examined_on
            )
        )

    def recommend(self, rec: Recommendation, *, by: str, now: datetime, today: date, rules: RuleBook | None = None) -> None:
        self._require(CaseStatus.TPP_RECOMMENDED)
        assert self.examination is not None  # an examined case has its examination
        _not_before("held_on", rec.held_on, self.examination.examined_on, what_id="pemeriksaan", what_en="examination")
        _not_in_future("held_on", rec.held_on, today)
        if rec.terms is not None:
            ProcedureRules.on(rec.held_on, "held_on", rules).check_terms(rec.terms, "terms")
            Sanction.check_isolation(
                rec.terms.level,
                rec.terms.isolation_days,
                on=rec.held_on,
                rules=rules,
                field_name="terms.isolation_days",
                date_field="held_on",
            )
        self.recommendation = rec
        self._step(self.status, CaseStatus.TPP_RECOMMENDED, on=rec.held_on, by=by, at=now, why=rec.reasons)
        terms = rec.terms
        self.events.append(
            DisciplineRecommended(
                case_id=self.case_id,
                inmate_id=self.inmate_id,
                upt_code=self.upt_code,
                held_on=rec.held_on,
                sanction_recommended=terms is not None,
                level=None if terms is None else terms.level,
                measures=[] if terms is None else list(terms.measures),
                isolation_days=0 if terms is None else terms.isolation_days,
            )
        )

    def decide(self, dec: Decision, *, by: str, now: datetime, today: date, rules: RuleBook | None = None) -> None:
        to = CaseStatus.DISMISSED if dec.terms is None else CaseStatus.SANCTIONED
        self._require(to)
        earlier = self.recommendation.held_on if self.recommendation else self.examination.examined_on  # type: ignore[union-attr]
        _not_before("decided_on", dec.decided_on, earlier, what_id="langkah sebelumnya", what_en="previous step")
        _not_in_future("decided_on", dec.decided_on, today)
        if dec.terms is not None:
            procedure = ProcedureRules.on(dec.decided_on, "decided_on", rules)
            if self.recommendation is None and procedure.tpp_required(dec.terms.level):
                raise RuleViolation(
                    "status",
                    "tpp-recommendation-required",
                    id=f"Hukuman disiplin tingkat {dec.terms.level.value} diputuskan setelah sidang TPP "
                    f"({procedure.rule_set.cite()}); catat rekomendasi TPP dahulu.",
                    en=f"A {dec.terms.level.value} sanction is decided after a sidang TPP "
                    f"({procedure.rule_set.cite()}); record the TPP recommendation first.",
                )
            procedure.check_terms(dec.terms, "terms")
            self.sanction = Sanction.impose(
                case_id=self.case_id,
                inmate_id=self.inmate_id,
                upt_code=self.upt_code,
                level=dec.terms.level,
                sanctioned_on=dec.decided_on,
                isolation_days=dec.terms.isolation_days,
                today=today,
                rules=rules,
                prefix="terms.",
            )
            self.events.extend(self.sanction.events)
        else:
            self.events.append(
                DisciplineDismissed(
                    case_id=self.case_id, inmate_id=self.inmate_id, upt_code=self.upt_code, decided_on=dec.decided_on
                )
            )
        self.decision = dec
        self._step(self.status, to, on=dec.decided_on, by=by, at=now, why=dec.why)

    def withdraw(self, w: Withdrawal, *, by: str, now: datetime, today: date) -> None:
        """Withdrawn before the decision (e.g. the report was mistaken): no sanction follows."""
        self._require(
            CaseStatus.WITHDRAWN,
            detail_id=" (hukuman disiplin yang sudah dijatuhkan dibatalkan lewat pembatalan, bukan ditarik)"
            if self.status is CaseStatus.SANCTIONED
            else "",
            detail_en=" (a sanction already imposed is annulled, not withdrawn)" if self.status is CaseStatus.SANCTIONED else "",
        )
        last = self.steps[-1].on if self.steps else self.occurred_on
        _not_before("withdrawn_on", w.withdrawn_on, last, what_id="langkah sebelumnya", what_en="previous step")
        _not_in_future("withdrawn_on", w.withdrawn_on, today)
        was = self.status
        self.withdrawal = w
        self._step(was, CaseStatus.WITHDRAWN, on=w.withdrawn_on, by=by, at=now, why=w.reason)
        self.events.append(
            DisciplineWithdrawn(
                case_id=self.case_id,
                inmate_id=self.inmate_id,
                upt_code=self.upt_code,
                withdrawn_on=w.withdrawn_on,
                from_status=was.value,
            )
        )

    def require_open(self, field_name: str) -> None:
        """Refuses a change (a new seized item linked) to a case decided or withdrawn."""
        if self.status not in OPEN:
            raise Conflict(
                id=f"{self.name_id} berstatus {self.status.value}; barang sitaan tidak dapat ditautkan lagi.",
                en=f"{self.name_en} is {self.status.value}; seized items can no longer be linked to it.",
                errors=[
                    FieldError(
                        field_name,
                        "case-open",
                        f"Perkara disiplin berstatus {self.status.value}.",
                        f"The discipline case is {self.status.value}.",
                    )
                ],
            )


def case_not_found(case_id: str) -> NotFound:
    return NotFound(
        id=f"Perkara disiplin {case_id} tidak ditemukan.",
        en=f"Discipline case {case_id} does not exist.",
        errors=[FieldError("case_id", "case-exists", "Perkara disiplin tidak ditemukan.", "No such discipline case.")],
    )
