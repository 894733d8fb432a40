"""Officers (petugas pemasyarakatan) of a UPT: position and post, trainings with the
certifications they give, internal disciplinary actions, and what leadership reads from them:
training coverage per UPT and the ratio of inmates per guard.

    active -> separated        (retired, transferred out of the service, dismissed, ...)

Positions (and which count as guards), training kinds with their validity and the positions
that need them, the expiry-warning window and the PP 94/2021 penalties are rule data
(rule_data/officers.json), judged on the day of the fact in the UPT's time zone. A
certification is valid from the day the training was completed through `valid_until`
(completed_on + validity months − 1 day), on the calendar.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from pydantic import BaseModel

from pas_security.domain.rules import RuleBook, RuleSet, officer_rules
from pas_shared.errors import FieldError, NotFound, RuleViolation
from pas_shared.events.security import (
    OfficerDisciplined,
    OfficerReassigned,
    OfficerRegistered,
    OfficerSeparated,
    TrainingCompleted,
)
from pas_shared.workflow import require_transition


class OfficerStatus(StrEnum):
    ACTIVE = "active"
    SEPARATED = "separated"


NEXT: dict[OfficerStatus, set[OfficerStatus]] = {
    OfficerStatus.ACTIVE: {OfficerStatus.SEPARATED},
    OfficerStatus.SEPARATED: set(),
}


class SeparationReason(StrEnum):
    RETIRED = "retired"
    RESIGNED = "resigned"
    DISMISSED = "dismissed"
    DECEASED = "deceased"
    LEFT_CORRECTIONS = "left-corrections"  # moved to a post outside corrections


class CertificationState(StrEnum):
    VALID = "valid"
    EXPIRING = "expiring"  # valid, but ends within the warning window (rule data)
    EXPIRED = "expired"
    NOT_PASSED = "not-passed"  # the training gave no certification


@dataclass(frozen=True)
class Position:
    code: str
    name_id: str
    name_en: str
    guard: bool


@dataclass(frozen=True)
class TrainingKind:
    code: str
    name_id: str
    name_en: str
    validity_months: int
    required_for: frozenset[str]


def _refuse(field_name: str, rule: str, id: str, en: str) -> RuleViolation:
    return RuleViolation(field_name, rule, id=id, en=en)


def _in_force(book: RuleBook, rule_id: str, day: date, field_name: str) -> RuleSet:
    try:
        return book.in_force(rule_id, day)
    except LookupError:
        raise _refuse(
            field_name,
            "rule-in-force",
            f"Tidak ada aturan {rule_id} yang berlaku pada {day.isoformat()}.",
            f"No {rule_id} rules were in force on {day.isoformat()}.",
        ) from None


@dataclass(frozen=True)
class OfficerRules:
    """The officer rule sets in force on one day."""

    positions_set: RuleSet
    kinds_set: RuleSet

    @classmethod
    def on(cls, day: date, field_name: str = "on", rules: RuleBook | None = None) -> "OfficerRules":
        book = rules or officer_rules()
        return cls(_in_force(book, "officer-positions", day, field_name), _in_force(book, "training-kinds", day, field_name))

    def positions(self) -> list[Position]:
        return [Position(p["code"], p["name_id"], p["name_en"], bool(p["guard"])) for p in self.positions_set.values["positions"]]

    def position(self, code: str, field_name: str = "position") -> Position:
        found = {p.code: p for p in self.positions()}
        if code not in found:
            listed = ", ".join(found)
            raise _refuse(
                field_name,
                "position-listed",
                f"Jabatan {code} tidak dikenal; pilih salah satu: {listed}.",
                f"Unknown position {code}; choose one of: {listed}.",
            )
        return found[code]

    def kinds(self) -> list[TrainingKind]:
        return [
            TrainingKind(k["code"], k["name_id"], k["name_en"], int(k["validity_months"]), frozenset(k["required_for"]))
            for k in self.kinds_set.values["kinds"]
        ]

    def kind(self, code: str) -> TrainingKind:
        found = {k.code: k for k in self.kinds()}
        if code not in found:
            listed = ", ".join(found)
            raise _refuse(
                "kind",
                "training-kind-listed",
                f"Jenis pelatihan {code} tidak dikenal; pilih salah satu: {listed} ({self.kinds_set.cite()}).",
                f"Unknown training kind {code}; choose one of: {listed} ({self.kinds_set.cite()}).",
            )
        return found[code]

    @property
    def warning_days(self) -> int:
        return int(self.kinds_set.values["expiry_warning_days"])


@dataclass(frozen=True)
class DisciplineRules:
    """Disciplinary penalties on civil servants in force on one day (PP 94/2021 from 31 Aug 2021;
    earlier decisions, under PP 53/2010, are not in the rule data)."""

    rule: RuleSet

    @classmethod
    def on(cls, day: date, field_name: str = "on", rules: RuleBook | None = None) -> "DisciplineRules":
        return cls(_in_force(rules or officer_rules(), "officer-discipline", day, field_name))

    def penalties(self) -> dict[str, list[str]]:
        levels: dict[str, list[str]] = self.rule.values["levels"]
        return levels

    def reasons(self) -> list[str]:
        reasons: list[str] = self.rule.values["reasons"]
        return reasons


def add_months(day: date, months: int) -> date:
    """The same day `months` later on the calendar; a day past the month's end clamps to it."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _not_in_future(field_name: str, day: date, today: date) -> None:
    if day > today:
        raise _refuse(field_name, "not-in-future", "Tanggal tidak boleh di masa depan.", "The date cannot be in the future.")


@dataclass
class Officer:
    officer_id: str
    nip: str  # Nomor Induk Pegawai: 18 digits, unique
    name: str
    position: str
    guard: bool
    post: str  # where the officer serves in the UPT (P2U, blok C, regu jaga II, ...)
    upt_code: str
    kanwil_code: str
    assigned_on: date
    status: OfficerStatus
    separated_on: date | None = None
    separation_reason: str | None = None
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    @property
    def name_id(self) -> str:
        return f"Petugas {self.officer_id}"

    @property
    def name_en(self) -> str:
        return f"Officer {self.officer_id}"

    @classmethod
    def register(
        cls,
        *,
        officer_id: str,
        nip: str,
        name: str,
        position: str,
        post: str,
        upt_code: str,
        kanwil_code: str,
        assigned_on: date,
        today: date,
        rules: RuleBook | None = None,
    ) -> "Officer":
        _not_in_future("assigned_on", assigned_on, today)
        p = OfficerRules.on(assigned_on, "assigned_on", rules).position(position)
        officer = cls(officer_id, nip, name, p.code, p.guard, post, upt_code, kanwil_code, assigned_on, OfficerStatus.ACTIVE)
        officer.events.append(
            OfficerRegistered(
                officer_id=officer_id,
                upt_code=upt_code,
                kanwil_code=kanwil_code,
                position=p.code,
                guard=p.guard,
                assigned_on=assigned_on,
            )
        )
        return officer

    def _require_active(self) -> None:
        if self.status is not OfficerStatus.ACTIVE:
            raise _refuse(
                "officer_id",
                "officer-active",
                f"{self.name_id} sudah tidak aktif sejak {self.separated_on}.",
                f"{self.name_en} has not been active since {self.separated_on}.",
            )

    def reassign(
        self,
        *,
        position: str,
        post: str,
        upt_code: str,
        kanwil_code: str,
        assigned_on: date,
        today: date,
        rules: RuleBook | None = None,
    ) -> None:
        self._require_active()
        _not_in_future("assigned_on", assigned_on, today)
        if assigned_on < self.assigned_on:
            raise _refuse(
                "assigned_on",
                "not-before-assignment",
                f"Penugasan baru tidak boleh sebelum penugasan sekarang ({self.assigned_on}).",
                f"A new assignment cannot start before the current one ({self.assigned_on}).",
            )
        if (position, post, upt_code) == (self.position, self.post, self.upt_code):
            raise _refuse(
                "position", "assignment-changed", "Penugasan tidak berubah.", "The assignment is the same as the current one."
            )
        p = OfficerRules.on(assigned_on, "assigned_on", rules).position(position)
        from_upt = self.upt_code
        self.position, self.guard, self.post = p.code, p.guard, post
        self.upt_code, self.kanwil_code, self.assigned_on = upt_code, kanwil_code, assigned_on
        self.events.append(
            OfficerReassigned(
                officer_id=self.officer_id,
                from_upt_code=from_upt,
                upt_code=upt_code,
                kanwil_code=kanwil_code,
                position=p.code,
                guard=p.guard,
                assigned_on=assigned_on,
            )
        )

    def separate(self, *, on: date, reason: SeparationReason, today: date) -> None:
        require_transition(NEXT, self.status, OfficerStatus.SEPARATED, what_id=self.name_id, what_en=self.name_en)
        _not_in_future("separated_on", on, today)
        if on < self.assigned_on:
            raise _refuse(
                "separated_on",
                "not-before-assignment",
                f"Tanggal berhenti tidak boleh sebelum penugasan ({self.assigned_on}).",
                f"The separation date cannot be before the assignment ({self.assigned_on}).",
            )
        self.status, self.separated_on, self.separation_reason = OfficerStatus.SEPARATED, on, reason.value
        self.events.append(
            OfficerSeparated(
                officer_id=self.officer_id,
                upt_code=self.upt_code,
                kanwil_code=self.kanwil_code,
                separated_on=on,
                reason=reason.value,
            )
        )

    def complete_training(
        self,
        *,
        training_id: str,
        kind: str,
        completed_on: date,
        passed: bool,
        hours: int,
        provider: str,
        certificate_no: str | None,
        today: date,
        rules: RuleBook | None = None,
    ) -> "Training":
        self._require_active()
        _not_in_future("completed_on", completed_on, today)
        k = OfficerRules.on(completed_on, "completed_on", rules).kind(kind)
        if passed and not certificate_no:
            raise _refuse(
                "certificate_no",
                "certificate-for-passed",
                "Pelatihan yang lulus dicatat dengan nomor sertifikatnya.",
                "A passed training is recorded with its certificate number.",
            )
        valid_until = add_months(completed_on, k.validity_months) - timedelta(days=1) if passed else None
        training = Training(
            training_id,
            self.officer_id,
            self.upt_code,
            self.kanwil_code,
            k.code,
            completed_on,
            passed,
            hours,
            provider,
            certificate_no if passed else None,
            valid_until,
        )
        self.events.append(
            TrainingCompleted(
                training_id=training_id,
                officer_id=self.officer_id,
                upt_code=self.upt_code,
                kanwil_code=self.kanwil_code,
                kind=k.code,
                completed_on=completed_on,
                passed=passed,
                valid_until=valid_until,
            )
        )
        return training

    def discipline(
        self,
        *,
        action_id: str,
        level: str,
        penalty: str,
        reason: str,
        decided_on: date,
        decree_no: str,
        incident_id: str | None,
        today: date,
        rules: RuleBook | None = None,
    ) -> "OfficerSanction":
        _not_in_future("decided_on", decided_on, today)
        r = DisciplineRules.on(decided_on, "decided_on", rules)
        penalties = r.penalties()
        if level not in penalties:
            listed = ", ".join(penalties)
            raise _refuse(
                "level", "level-listed", f"Tingkat {level} tidak dikenal: {listed}.", f"Unknown level {level}: {listed}."
            )
        if penalty not in penalties[level]:
            listed = ", ".join(penalties[level])
            raise _refuse(
                "penalty",
                "penalty-of-level",
                f"Hukuman {penalty} bukan hukuman disiplin tingkat {level}; pilih: {listed} ({r.rule.cite()}).",
                f"{penalty} is not a {level} penalty; choose one of: {listed} ({r.rule.cite()}).",
            )
        if reason not in r.reasons():
            listed = ", ".join(r.reasons())
            raise _refuse(
                "reason", "reason-listed", f"Alasan {reason} tidak dikenal: {listed}.", f"Unknown reason {reason}: {listed}."
            )
        sanction = OfficerSanction(
            action_id,
            self.officer_id,
            self.upt_code,
            self.kanwil_code,
            level,
            penalty,
            reason,
            decided_on,
            decree_no,
            incident_id,
        )
        self.events.append(
            OfficerDisciplined(
                action_id=action_id,
                officer_id=self.officer_id,
                upt_code=self.upt_code,
                kanwil_code=self.kanwil_code,
                level=level,
                penalty=penalty,
                reason=reason,
                decided_on=decided_on,
                incident_id=incident_id,
            )
        )
        return sanction


@dataclass(frozen=True)
class Training:
    training_id: str
    officer_id: str
    upt_code: str  # where the officer served when trained
    kanwil_code: str
    kind: str
    completed_on: date
    passed: bool
    hours: int
    provider: str
    certificate_no: str | None
    valid_until: date | None

    def state(self, day: date, warning_days: int) -> CertificationState:
        if self.valid_until is None:
            return CertificationState.NOT_PASSED
        if day > self.valid_until or day < self.completed_on:
            return CertificationState.EXPIRED
        if (self.valid_until - day).days < warning_days:
            return CertificationState.EXPIRING
        return CertificationState.VALID

    def valid_on(self, day: date) -> bool:
        return self.valid_until is not None and self.completed_on <= day <= self.valid_until


@dataclass(frozen=True)
class OfficerSanction:
    action_id: str
    officer_id: str
    upt_code: str
    kanwil_code: str
    level: str
    penalty: str
    reason: str
    decided_on: date
    decree_no: str
    incident_id: str | None


def share_pct(part: int, whole: int) -> float | None:
    """100 × part / whole, rounded half up to one decimal; None for an empty whole."""
    if whole == 0:
        return None
    return float((Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def ratio(numerator: int, denominator: int) -> float | None:
    if denominator == 0:
        return None
    return float((Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class KindCoverage:
    kind: str
    required: int  # active officers whose position needs the kind
    certified: int  # of them, those holding a valid certification of the kind on the day
    share_pct: float | None


@dataclass(frozen=True)
class Coverage:
    upt_code: str
    kanwil_code: str
    on: date
    officers: int  # active
    needing_training: int  # active officers whose position needs at least one kind
    fully_trained: int  # of them, those holding every kind their position needs
    fully_trained_pct: float | None
    kinds: list[KindCoverage]


def coverage(
    *,
    upt_code: str,
    kanwil_code: str,
    on: date,
    officers: list[tuple[str, str]],
    valid: set[tuple[str, str]],
    rules: OfficerRules,
) -> Coverage:
    """`officers`: (officer_id, position) of the UPT's active officers; `valid`: the (officer_id,
    kind) pairs with a certification valid on the day."""
    kinds = rules.kinds()
    per_kind = []
    for k in kinds:
        needing = [o for o, position in officers if position in k.required_for]
        certified = sum(1 for o in needing if (o, k.code) in valid)
        per_kind.append(KindCoverage(k.code, len(needing), certified, share_pct(certified, len(needing))))
    needing_any = [(o, position) for o, position in officers if any(position in k.required_for for k in kinds)]
    fully = sum(1 for o, position in needing_any if all((o, k.code) in valid for k in kinds if position in k.required_for))
    return Coverage(
        upt_code, kanwil_code, on, len(officers), len(needing_any), fully, share_pct(fully, len(needing_any)), per_kind
    )


def officer_not_found(officer_id: str) -> NotFound:
    return NotFound(
        id=f"Petugas {officer_id} tidak ditemukan.",
        en=f"Officer {officer_id} does not exist.",
        errors=[FieldError("officer_id", "officer-exists", "Data petugas tidak ditemukan.", "No such officer.")],
    )


def guard_ratio_reference(day: date, rules: RuleBook | None = None) -> RuleSet:
    """The reported national figure shown beside the computed ratio."""
    return _in_force(rules or officer_rules(), "guard-ratio-reference", day, "on")
