"""Integration-rights applications (PB, CB, CMB, asimilasi): one application per inmate and
right, from the eligibility check to completion or revocation, as an explicit state machine.

    eligibility-checked -> documents-complete -> tpp-upt-recommended -> kanwil-verified
      -> ditjenpas-approved -> decreed -> under-bapas-supervision -> completed | revoked
    before the decree: rejected (a TPP, the Kanwil or Ditjenpas says no) or withdrawn

Every transition is recorded with who, when and why. The documents each right needs, the
service level of each stage and the grounds for revocation are rule data
(rule_data/integration_rights.json), read here. Working days are Monday to Friday; national
public holidays are not modelled yet, so a due date falling after a holiday is a day early.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from pas_remission.domain.calendar import add_months, add_span
from pas_remission.domain.engine import Case, Engine, RightResult
from pas_remission.domain.inmate import ReleaseReason
from pas_remission.domain.rules import RuleBook, RuleSet
from pas_shared.errors import Conflict, FieldError, NotFound, RuleViolation
from pas_shared.events.remission import IntegrationRightCompleted, IntegrationRightDecided, IntegrationRightRevoked
from pas_shared.workflow import changed_concurrently, require_transition


class IntegrationRight(StrEnum):
    PB = "pb"  # Pembebasan Bersyarat (parole)
    CB = "cb"  # Cuti Bersyarat (conditional leave)
    CMB = "cmb"  # Cuti Menjelang Bebas (pre-release leave)
    ASIMILASI = "asimilasi"  # supervised life and work in the community; does not release


# The rights that release the person from the UPT to Bapas supervision, and the register's reason.
RELEASE_REASON = {
    IntegrationRight.PB: ReleaseReason.PB,
    IntegrationRight.CB: ReleaseReason.CB,
    IntegrationRight.CMB: ReleaseReason.CMB,
}


class ApplicationStatus(StrEnum):
    ELIGIBILITY_CHECKED = "eligibility-checked"  # the engine found the inmate eligible; documents are collected
    DOCUMENTS_COMPLETE = "documents-complete"  # every document the right needs is in
    TPP_UPT_RECOMMENDED = "tpp-upt-recommended"  # sidang TPP at the UPT recommended it; the Kalapas proposes it
    KANWIL_VERIFIED = "kanwil-verified"  # the Kanwil verified it (TPP Kanwil)
    DITJENPAS_APPROVED = "ditjenpas-approved"  # TPP Ditjenpas approved it
    DECREED = "decreed"  # the SK is issued
    UNDER_BAPAS_SUPERVISION = "under-bapas-supervision"  # released (PB, CB, CMB) or in asimilasi, supervised
    COMPLETED = "completed"
    REVOKED = "revoked"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


S = ApplicationStatus
# Each state lists the states it may move to; anything else is refused. Before the decree a
# reviewing body may refuse (rejected) or the UPT may withdraw the proposal (e.g. the inmate
# asks, or facts changed); after it only revocation or completion end the right.
NEXT: dict[ApplicationStatus, set[ApplicationStatus]] = {
    S.ELIGIBILITY_CHECKED: {S.DOCUMENTS_COMPLETE, S.WITHDRAWN},
    S.DOCUMENTS_COMPLETE: {S.TPP_UPT_RECOMMENDED, S.REJECTED, S.WITHDRAWN},
    S.TPP_UPT_RECOMMENDED: {S.KANWIL_VERIFIED, S.REJECTED, S.WITHDRAWN},
    S.KANWIL_VERIFIED: {S.DITJENPAS_APPROVED, S.REJECTED, S.WITHDRAWN},
    S.DITJENPAS_APPROVED: {S.DECREED, S.WITHDRAWN},
    S.DECREED: {S.UNDER_BAPAS_SUPERVISION, S.REVOKED},
    S.UNDER_BAPAS_SUPERVISION: {S.COMPLETED, S.REVOKED},
    S.COMPLETED: set(),
    S.REVOKED: set(),
    S.REJECTED: set(),
    S.WITHDRAWN: set(),
}
ENDED = frozenset(s for s, nxt in NEXT.items() if not nxt)
BEFORE_DECREE = frozenset(
    {S.ELIGIBILITY_CHECKED, S.DOCUMENTS_COMPLETE, S.TPP_UPT_RECOMMENDED, S.KANWIL_VERIFIED, S.DITJENPAS_APPROVED}
)
GRANTED = frozenset({S.DECREED, S.UNDER_BAPAS_SUPERVISION, S.COMPLETED})
# The steps taken with no more than a reason (the decree, the release and revocation carry data).
PLAIN_STEPS = frozenset(
    {S.DOCUMENTS_COMPLETE, S.TPP_UPT_RECOMMENDED, S.KANWIL_VERIFIED, S.DITJENPAS_APPROVED, S.REJECTED, S.WITHDRAWN, S.COMPLETED}
)


@cache
def integration_rules() -> RuleBook:
    return RuleBook.from_package("pas_remission.domain", "rule_data/integration_rights.json")


def decide(engine: Engine, right: IntegrationRight, case: Case, on: date) -> RightResult:
    """The engine's eligibility decision for `right` on `on`."""
    check: dict[IntegrationRight, Callable[[Case, date], RightResult]] = {
        IntegrationRight.PB: engine.pembebasan_bersyarat,
        IntegrationRight.CB: engine.cuti_bersyarat,
        IntegrationRight.CMB: engine.cuti_menjelang_bebas,
        IntegrationRight.ASIMILASI: engine.asimilasi,
    }
    return check[right](case, on)


def not_eligible(right: IntegrationRight, on: date, result: RightResult) -> RuleViolation:
    """422 naming every rule the engine found unmet, each with what it found."""
    failed = [s for s in result.steps if not s.passed]
    names = ", ".join(s.rule for s in failed)
    error = RuleViolation(
        "inmate_id",
        failed[0].rule if failed else "eligible",
        id=f"WBP tidak memenuhi syarat {right.value.upper()} pada {on.isoformat()}: {names}.",
        en=f"The inmate does not meet the conditions for {right.value.upper()} on {on.isoformat()}: {names}.",
    )
    error.errors = [
        FieldError("inmate_id", s.rule, f"Syarat tidak terpenuhi ({s.source}): {s.finding}", f"Not met ({s.source}): {s.finding}")
        for s in failed
    ]
    return error


@dataclass(frozen=True)
class Document:
    code: str
    name_id: str
    name_en: str


def required_documents(rules: RuleBook, right: IntegrationRight, on: date) -> tuple[RuleSet, list[Document]]:
    rule = rules.in_force(f"integration-documents-{right.value}", on)
    return rule, [Document(d["code"], d["name_id"], d["name_en"]) for d in rule.values["documents"]]


@dataclass(frozen=True)
class Ground:
    code: str
    kind: str  # general (a new crime) or special
    name_id: str
    name_en: str


def revocation_grounds(rules: RuleBook, on: date) -> tuple[RuleSet, list[Ground]]:
    rule = rules.in_force("integration-revocation", on)
    return rule, [Ground(g["code"], g["kind"], g["name_id"], g["name_en"]) for g in rule.values["grounds"]]


@dataclass(frozen=True)
class Transition:
    from_status: ApplicationStatus | None
    to_status: ApplicationStatus
    by: str
    why: str
    at: datetime  # UTC instant


@dataclass
class Application:
    application_id: str
    inmate_id: str
    upt_code: str
    kanwil_code: str
    right: IntegrationRight
    crime: str
    status: ApplicationStatus
    opened_on: date  # the UPT's local date when the application was opened (rule versions follow it)
    proposed_on: date  # the date eligibility was checked for (the proposed start)
    earliest_on: date | None  # the engine's earliest date for the right
    status_since: datetime
    documents: dict[str, date] = field(default_factory=dict)  # document code -> day received
    decree_number: str | None = None
    decided_on: date | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    supervised_from: date | None = None  # released (PB, CB, CMB) or asimilasi started
    revocation_ground: str | None = None
    revoked_on: date | None = None
    completed_on: date | None = None
    transitions: list[Transition] = field(default_factory=list)
    saved_transitions: int = 0  # how many of `transitions` are stored already
    loaded_status: ApplicationStatus | None = None  # the status as read, for the concurrent-change check
    new_documents: list[str] = field(default_factory=list, compare=False, repr=False)
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    @property
    def name_id(self) -> str:
        return f"Permohonan {self.right.value.upper()} {self.application_id}"

    @property
    def name_en(self) -> str:
        return f"{self.right.value.upper()} application {self.application_id}"

    @property
    def releases(self) -> bool:
        return self.right in RELEASE_REASON

    @classmethod
    def open(
        cls,
        *,
        application_id: str,
        inmate_id: str,
        upt_code: str,
        kanwil_code: str,
        right: IntegrationRight,
        crime: str,
        decision: RightResult,
        proposed_on: date,
        today: date,
        now: datetime,
        by: str,
        why: str,
    ) -> "Application":
        if proposed_on < today:
            raise RuleViolation(
                "proposed_on",
                "not-in-past",
                id="Tanggal usulan mulai tidak boleh sebelum hari ini.",
                en="The proposed start cannot be before today.",
            )
        if not decision.eligible:
            raise not_eligible(right, proposed_on, decision)
        app = cls(
            application_id=application_id,
            inmate_id=inmate_id,
            upt_code=upt_code,
            kanwil_code=kanwil_code,
            right=right,
            crime=crime,
            status=S.ELIGIBILITY_CHECKED,
            opened_on=today,
            proposed_on=proposed_on,
            earliest_on=decision.earliest_on,
            status_since=now,
        )
        app.transitions.append(Transition(None, S.ELIGIBILITY_CHECKED, by, why, now))
        return app

    def move(self, to: ApplicationStatus, *, by: str, why: str, at: datetime) -> None:
        require_transition(NEXT, self.status, to, what_id=self.name_id, what_en=self.name_en)
        if self.loaded_status is None:
            self.loaded_status = self.status
        self.transitions.append(Transition(self.status, to, by, why, at))
        self.status = to
        self.status_since = at

    # -- documents ---------------------------------------------------------------------------

    def record_documents(self, codes: list[str], *, received_on: date, required: list[Document], today: date) -> list[str]:
        """Record documents received; returns the codes new to this application (a document
        given again keeps the day it was first received)."""
        if self.status is not S.ELIGIBILITY_CHECKED:
            raise Conflict(
                id=f"{self.name_id} berstatus {self.status.value}; berkas hanya dicatat sebelum lengkap.",
                en=f"{self.name_en} is {self.status.value}; documents are recorded only until they are complete.",
                errors=[
                    FieldError(
                        "status",
                        "documents-open",
                        "Berkas dicatat pada status eligibility-checked.",
                        "Documents are recorded in status eligibility-checked.",
                    )
                ],
            )
        known = {d.code for d in required}
        unknown = sorted(set(codes) - known)
        if unknown:
            raise RuleViolation(
                "documents",
                "document-required-for-right",
                id=f"Berkas tidak dikenal untuk {self.right.value.upper()}: {', '.join(unknown)}.",
                en=f"Documents not required for {self.right.value.upper()}: {', '.join(unknown)}.",
            )
        if received_on > today:
            raise RuleViolation(
                "received_on",
                "not-in-future",
                id="Tanggal terima berkas tidak boleh di masa depan.",
                en="The day documents were received cannot be in the future.",
            )
        new = [c for c in dict.fromkeys(codes) if c not in self.documents]
        for code in new:
            self.documents[code] = received_on
        self.new_documents.extend(new)
        return new

    def missing_documents(self, required: list[Document]) -> list[str]:
        return [d.code for d in required if d.code not in self.documents]

    # -- steps -------------------------------------------------------------------------------

    def step(self, to: ApplicationStatus, *, required: list[Document], by: str, why: str, at: datetime, today: date) -> None:
        """A step that needs only a reason: documents-complete, the TPP, Kanwil and Ditjenpas
        decisions, a refusal, a withdrawal, the completion."""
        if to not in PLAIN_STEPS:
            raise RuleViolation(
                "to",
                "plain-step",
                id=f"Status {to.value} dicatat dengan rutenya sendiri (SK, pembebasan, pencabutan).",
                en=f"Status {to.value} is recorded with its own route (decree, release, revocation).",
            )
        require_transition(NEXT, self.status, to, what_id=self.name_id, what_en=self.name_en)
        if to is S.DOCUMENTS_COMPLETE:
            missing = self.missing_documents(required)
            if missing:
                raise RuleViolation(
                    "documents",
                    "documents-complete",
                    id=f"Berkas belum lengkap: {', '.join(missing)}.",
                    en=f"Documents missing: {', '.join(missing)}.",
                )
        if to is S.COMPLETED:
            if self.ends_on is not None and today < self.ends_on:
                raise RuleViolation(
                    "to",
                    "supervision-ended",
                    id=f"Masa {self.right.value.upper()} berakhir {self.ends_on.isoformat()}; belum dapat dinyatakan selesai.",
                    en=f"The {self.right.value.upper()} runs until {self.ends_on.isoformat()}; it cannot be completed before.",
                )
            self.completed_on = today
        self.move(to, by=by, why=why, at=at)
        if to is S.COMPLETED:
            assert self.decree_number is not None
            self.events.append(
                IntegrationRightCompleted(
                    application_id=self.application_id,
                    inmate_id=self.inmate_id,
                    upt_code=self.upt_code,
                    kanwil_code=self.kanwil_code,
                    right=self.right.value,
                    decree_number=self.decree_number,
                    completed_on=today,
                )
            )

    def decree(
        self,
        *,
        decree_number: str,
        starts_on: date,
        ends_on: date | None,
        decision: RightResult,
        release_on: date,
        by: str,
        why: str,
        at: datetime,
        today: date,
    ) -> bool:
        """The SK: the engine is asked again on the start date with the facts known now (a
        Register F entry after the proposal refuses it). The end follows from the right: PB and
        CMB end on the release date (expiration minus remissions); CB after its length, at the
        latest on the release date; asimilasi when the decree says, if it says. The same decree
        again changes nothing and returns False (a retried request decrees once)."""
        if self.status is S.DECREED and (self.decree_number, self.starts_on) == (decree_number, starts_on):
            return False
        require_transition(NEXT, self.status, S.DECREED, what_id=self.name_id, what_en=self.name_en)
        if starts_on < today:
            raise RuleViolation(
                "starts_on",
                "not-in-past",
                id="Tanggal mulai SK tidak boleh sebelum hari ini.",
                en="The decree cannot start before today.",
            )
        if not decision.eligible:
            raise not_eligible(self.right, starts_on, decision)
        if self.right is IntegrationRight.ASIMILASI:
            if ends_on is not None and not starts_on < ends_on <= release_on:
                raise RuleViolation(
                    "ends_on",
                    "within-term",
                    id=f"Akhir asimilasi harus sesudah mulainya dan paling lambat tanggal bebas {release_on.isoformat()}.",
                    en=f"Asimilasi must end after it starts and no later than the release date {release_on.isoformat()}.",
                )
            end = ends_on
        else:
            if ends_on is not None:
                raise RuleViolation(
                    "ends_on",
                    "computed-end",
                    id=f"Akhir {self.right.value.upper()} dihitung dari tanggal bebas; jangan diisi.",
                    en=f"The end of {self.right.value.upper()} is computed from the release date; leave it out.",
                )
            end = release_on
            if self.right is IntegrationRight.CB and decision.length is not None:
                end = min(add_span(starts_on, decision.length), release_on)
        self.move(S.DECREED, by=by, why=why, at=at)
        self.decree_number = decree_number
        self.decided_on = today
        self.starts_on = starts_on
        self.ends_on = end
        self.events.append(
            IntegrationRightDecided(
                application_id=self.application_id,
                inmate_id=self.inmate_id,
                upt_code=self.upt_code,
                kanwil_code=self.kanwil_code,
                right=self.right.value,
                decree_number=decree_number,
                decided_on=today,
                starts_on=starts_on,
                ends_on=end,
                releases=self.releases,
            )
        )
        return True

    def start_supervision(self, *, on: date, by: str, why: str, at: datetime, today: date) -> ReleaseReason | None:
        """Release to Bapas supervision (PB, CB, CMB), or the start of asimilasi. Returns the
        register's release reason for the rights that release the person."""
        require_transition(NEXT, self.status, S.UNDER_BAPAS_SUPERVISION, what_id=self.name_id, what_en=self.name_en)
        assert self.starts_on is not None
        if on < self.starts_on:
            raise RuleViolation(
                "released_on",
                "not-before-start",
                id=f"SK berlaku mulai {self.starts_on.isoformat()}; pembebasan tidak boleh sebelumnya.",
                en=f"The decree applies from {self.starts_on.isoformat()}; the release cannot be earlier.",
            )
        if on > today:
            raise RuleViolation(
                "released_on",
                "not-in-future",
                id="Pembebasan dicatat saat terjadi, bukan sebelumnya.",
                en="A release is recorded when it happens, not ahead of time.",
            )
        self.move(S.UNDER_BAPAS_SUPERVISION, by=by, why=why, at=at)
        self.supervised_from = on
        return RELEASE_REASON.get(self.right)

    def revoke(self, *, ground: str, grounds: list[Ground], on: date, by: str, why: str, at: datetime, today: date) -> None:
        """Pencabutan. The person returns to custody; that is a new admission in the register,
        recorded separately (this service does not re-admit by itself)."""
        require_transition(NEXT, self.status, S.REVOKED, what_id=self.name_id, what_en=self.name_en)
        codes = [g.code for g in grounds]
        if ground not in codes:
            raise RuleViolation(
                "ground",
                "revocation-ground",
                id=f"Alasan pencabutan tidak dikenal: {ground}. Pilihan: {', '.join(codes)}.",
                en=f"Unknown ground for revocation: {ground}. One of: {', '.join(codes)}.",
            )
        assert self.decided_on is not None and self.decree_number is not None
        if on < self.decided_on or on > today:
            raise RuleViolation(
                "revoked_on",
                "between-decree-and-today",
                id=f"Tanggal pencabutan harus antara tanggal SK ({self.decided_on.isoformat()}) dan hari ini.",
                en=f"The revocation date must be between the decree ({self.decided_on.isoformat()}) and today.",
            )
        self.move(S.REVOKED, by=by, why=why, at=at)
        self.revocation_ground = ground
        self.revoked_on = on
        self.events.append(
            IntegrationRightRevoked(
                application_id=self.application_id,
                inmate_id=self.inmate_id,
                upt_code=self.upt_code,
                kanwil_code=self.kanwil_code,
                right=self.right.value,
                decree_number=self.decree_number,
                ground=ground,
                revoked_on=on,
            )
        )


def application_not_found(application_id: str) -> NotFound:
    return NotFound(
        id=f"Permohonan hak integrasi {application_id} tidak ditemukan.",
        en=f"Integration-rights application {application_id} not found.",
    )


def same_lane(a: IntegrationRight, b: IntegrationRight) -> bool:
    """PB, CB and CMB exclude each other (each releases the person); asimilasi runs beside them."""
    return (a is IntegrationRight.ASIMILASI) == (b is IntegrationRight.ASIMILASI)


def one_open_application(inmate_id: str, right: IntegrationRight) -> Conflict:
    """An inmate has at most one release right (PB, CB or CMB) and one asimilasi in progress."""
    lane_id = "asimilasi" if right is IntegrationRight.ASIMILASI else "PB, CB atau CMB"
    lane_en = "asimilasi" if right is IntegrationRight.ASIMILASI else "PB, CB or CMB"
    return Conflict(
        id=f"WBP {inmate_id} sudah memiliki permohonan {lane_id} yang berjalan.",
        en=f"Inmate {inmate_id} already has a {lane_en} application in progress.",
        errors=[
            FieldError(
                "inmate_id",
                "one-open-application",
                f"Hanya satu permohonan {lane_id} yang berjalan per WBP.",
                f"Only one {lane_en} application in progress per inmate.",
            )
        ],
    )


def concurrent_change(application_id: str) -> Conflict:
    return changed_concurrently(
        what_id=f"Permohonan {application_id}",
        what_en=f"Application {application_id}",
        noun_id="permohonan",
        noun_en="application",
    )


# -- service levels ---------------------------------------------------------------------------


def add_working_days(start: date, days: int, weekdays: frozenset[int]) -> date:
    """The day `days` working days after `start` (ISO weekdays in `weekdays`; public holidays
    are not modelled). Saturday + 1 working day = Monday; Friday + 1 = Monday."""
    d = start
    left = days
    while left > 0:
        d += timedelta(days=1)
        if d.isoweekday() in weekdays:
            left -= 1
    return d


class StageState(StrEnum):
    NOT_STARTED = "not-started"  # the stage's first state is not reached yet
    RUNNING = "running"  # entered, not met, not yet due
    OVERDUE = "overdue"  # entered, not met, past its due date
    MET = "met"  # reached on or before the due date
    MET_LATE = "met-late"  # reached after the due date
    CLOSED = "closed"  # the application ended (refused, withdrawn) before the stage was met


@dataclass(frozen=True)
class StageRule:
    stage: str
    from_status: ApplicationStatus
    until_status: ApplicationStatus
    working_days: int | None
    months: int | None
    crimes: frozenset[str] | None  # None: every application
    basis: str

    @property
    def limit(self) -> str:
        return f"{self.working_days} working days" if self.working_days is not None else f"{self.months} months"


@dataclass(frozen=True)
class ServiceLevels:
    rule: RuleSet
    weekdays: frozenset[int]
    stages: tuple[StageRule, ...]


def service_levels(rules: RuleBook, on: date) -> ServiceLevels:
    rule = rules.in_force("integration-service-levels", on)
    stages = tuple(_stage(raw) for raw in rule.values["stages"])
    return ServiceLevels(rule, frozenset(rule.values["working_weekdays"]), stages)


def _stage(raw: dict[str, Any]) -> StageRule:
    return StageRule(
        stage=raw["stage"],
        from_status=ApplicationStatus(raw["from"]),
        until_status=ApplicationStatus(raw["until"]),
        working_days=raw.get("working_days"),
        months=raw.get("months"),
        crimes=frozenset(raw["crimes"]) if "crimes" in raw else None,
        basis=raw["basis"],
    )


@dataclass(frozen=True)
class StageClock:
    stage: str
    from_status: ApplicationStatus
    until_status: ApplicationStatus
    limit: str
    basis: str
    entered_on: date | None
    due_on: date | None
    met_on: date | None
    state: StageState
    days_overdue: int  # calendar days past the due date (0 unless overdue or met late)


def stage_clocks(app: Application, levels: ServiceLevels, zone: str, today: date) -> list[StageClock]:
    """Each stage's due date (from when its first state was entered, in the UPT's local
    calendar), when it was met, and whether it is overdue on `today`."""
    tz = ZoneInfo(zone)
    first: dict[ApplicationStatus, date] = {}
    for t in app.transitions:
        first.setdefault(t.to_status, t.at.astimezone(tz).date())
    out = []
    for s in levels.stages:
        if s.crimes is not None and app.crime not in s.crimes:
            continue
        entered = first.get(s.from_status)
        met = first.get(s.until_status)
        due = None
        if entered is not None:
            if s.working_days is not None:
                due = add_working_days(entered, s.working_days, levels.weekdays)
            else:
                assert s.months is not None
                due = add_months(entered, s.months)
        if entered is None or due is None:
            state, late = StageState.NOT_STARTED, 0
        elif met is not None:
            state, late = (StageState.MET, 0) if met <= due else (StageState.MET_LATE, (met - due).days)
        elif app.status in ENDED:
            state, late = StageState.CLOSED, 0
        elif today > due:
            state, late = StageState.OVERDUE, (today - due).days
        else:
            state, late = StageState.RUNNING, 0
        out.append(StageClock(s.stage, s.from_status, s.until_status, s.limit, s.basis, entered, due, met, state, late))
    return out
