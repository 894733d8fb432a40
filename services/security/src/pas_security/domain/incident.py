"""Security incidents (gangguan kamtib): what happened in a UPT, who was involved, what was done,
and its review, as an explicit state machine.

    draft -> reported -> under-review -> needs-update -> under-review -> closed
    duplicate / not-reportable: from any open state; excluded from statistics

The narrative is never rewritten: corrections and later facts are addenda. Critical categories
(rule data) carry escalation deadlines to the Kanwil and to headquarters, counted from the moment
the incident occurred; each escalation records when it was met. Categories, severities, roles
and deadlines are rule data (rule_data/incidents.json), judged on the day the incident occurred
in the UPT's time zone.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from pas_security.domain.rules import RuleBook, RuleSet, incident_rules
from pas_shared.errors import Conflict, FieldError, NotFound, RuleViolation
from pas_shared.events.security import (
    IncidentAmended,
    IncidentClosed,
    IncidentEscalated,
    IncidentExcluded,
    IncidentReported,
)
from pas_shared.workflow import require_transition


class IncidentStatus(StrEnum):
    DRAFT = "draft"  # written, not yet reported: nothing published
    REPORTED = "reported"
    UNDER_REVIEW = "under-review"
    NEEDS_UPDATE = "needs-update"  # the reviewer asks for an addendum
    CLOSED = "closed"
    DUPLICATE = "duplicate"  # the same incident is reported elsewhere (duplicate_of)
    NOT_REPORTABLE = "not-reportable"  # not a security incident after all


S = IncidentStatus
NEXT: dict[IncidentStatus, set[IncidentStatus]] = {
    S.DRAFT: {S.REPORTED, S.DUPLICATE, S.NOT_REPORTABLE},
    S.REPORTED: {S.UNDER_REVIEW, S.DUPLICATE, S.NOT_REPORTABLE},
    S.UNDER_REVIEW: {S.NEEDS_UPDATE, S.CLOSED, S.DUPLICATE, S.NOT_REPORTABLE},
    S.NEEDS_UPDATE: {S.UNDER_REVIEW, S.DUPLICATE, S.NOT_REPORTABLE},
    S.CLOSED: set(),
    S.DUPLICATE: set(),
    S.NOT_REPORTABLE: set(),
}
EXCLUDED = frozenset({S.DUPLICATE, S.NOT_REPORTABLE})
ENDED = frozenset(s for s, nxt in NEXT.items() if not nxt)
# What the statistics count: reported incidents that were not excluded (drafts are not reported yet).
COUNTED = frozenset({S.REPORTED, S.UNDER_REVIEW, S.NEEDS_UPDATE, S.CLOSED})

PersonKind = Literal["inmate", "officer"]


class EscalationState(StrEnum):
    NOT_REQUIRED = "not-required"  # no deadline: not a critical category
    RUNNING = "running"
    OVERDUE = "overdue"
    MET = "met"
    MET_LATE = "met-late"


@dataclass(frozen=True)
class Code:
    code: str
    name_id: str
    name_en: str


@dataclass(frozen=True)
class Category(Code):
    critical: bool


@dataclass(frozen=True)
class Level(Code):
    hours: float


def _codes(raw: list[dict[str, Any]]) -> list[Code]:
    return [Code(c["code"], c["name_id"], c["name_en"]) for c in raw]


@dataclass(frozen=True)
class IncidentRules:
    """The incident rule sets in force on one day."""

    categories: RuleSet
    severities: RuleSet
    roles: RuleSet
    escalation: RuleSet

    @classmethod
    def on(cls, day: date, rules: RuleBook | None = None) -> "IncidentRules":
        book = rules or incident_rules()
        try:
            return cls(
                book.in_force("incident-categories", day),
                book.in_force("incident-severities", day),
                book.in_force("incident-roles", day),
                book.in_force("incident-escalation", day),
            )
        except LookupError:
            raise RuleViolation(
                "occurred_at",
                "rule-in-force",
                id=f"Tidak ada aturan kejadian yang berlaku pada {day.isoformat()}.",
                en=f"No incident rules were in force on {day.isoformat()}.",
            ) from None

    def category_list(self) -> list[Category]:
        return [
            Category(c["code"], c["name_id"], c["name_en"], bool(c["critical"])) for c in self.categories.values["categories"]
        ]

    def category(self, code: str) -> Category:
        for c in self.category_list():
            if c.code == code:
                return c
        listed = ", ".join(c.code for c in self.category_list())
        raise RuleViolation(
            "category",
            "category-listed",
            id=f"Kategori kejadian {code} tidak dikenal; pilih salah satu: {listed} ({self.categories.cite()}).",
            en=f"Unknown incident category {code}; choose one of: {listed} ({self.categories.cite()}).",
        )

    def severity_list(self) -> list[Code]:
        return _codes(self.severities.values["severities"])

    def inmate_roles(self) -> list[Code]:
        return _codes(self.roles.values["inmate_roles"])

    def officer_roles(self) -> list[Code]:
        return _codes(self.roles.values["officer_roles"])

    def levels(self) -> list[Level]:
        return [Level(x["code"], x["name_id"], x["name_en"], float(x["hours"])) for x in self.escalation.values["levels"]]


@dataclass(frozen=True)
class Person:
    kind: PersonKind
    role: str
    inmate_id: str | None = None  # inmates
    name: str | None = None  # officers
    nip: str | None = None  # officers: Nomor Induk Pegawai, when known
    verified: bool | None = None  # inmates: on the UPT's roster; an unknown id is kept, flagged unverified


@dataclass(frozen=True)
class Action:
    seq: int
    taken_at: datetime  # UTC
    description: str
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class Addendum:
    addendum_no: int
    text: str
    added_by: str
    added_at: datetime


@dataclass
class Escalation:
    level: str
    due_at: datetime | None  # critical incidents only
    escalated_at: datetime | None = None
    recorded_by: str | None = None
    note: str | None = None

    def state(self, now: datetime) -> EscalationState:
        if self.escalated_at is not None:
            return (
                EscalationState.MET_LATE if self.due_at is not None and self.escalated_at > self.due_at else EscalationState.MET
            )
        if self.due_at is None:
            return EscalationState.NOT_REQUIRED
        return EscalationState.OVERDUE if now > self.due_at else EscalationState.RUNNING


@dataclass(frozen=True)
class Transition:
    from_status: IncidentStatus | None
    to_status: IncidentStatus
    by: str
    why: str
    at: datetime


@dataclass(frozen=True)
class PersonIn:
    """A person as given by the client, before the roster check."""

    kind: PersonKind
    role: str
    inmate_id: str | None = None
    name: str | None = None
    nip: str | None = None


@dataclass(frozen=True)
class ActionIn:
    taken_at: datetime  # aware, or the UPT's local wall time
    description: str


def to_instant(name: str, value: datetime, zone: ZoneInfo) -> datetime:
    """An aware time as given; a time without an offset is the UPT's local wall time."""
    return (value if value.tzinfo is not None and value.utcoffset() is not None else value.replace(tzinfo=zone)).astimezone(UTC)


def _not_in_future(name: str, at: datetime, now: datetime, what_id: str, what_en: str) -> None:
    if at > now:
        raise RuleViolation(
            name,
            "not-in-future",
            id=f"Waktu {what_id} tidak boleh di masa depan.",
            en=f"The {what_en} time cannot be in the future.",
        )


def _not_before(name: str, at: datetime, occurred_at: datetime, what_id: str, what_en: str) -> None:
    if at < occurred_at:
        raise RuleViolation(
            name,
            "not-before-incident",
            id=f"Waktu {what_id} tidak boleh sebelum waktu kejadian.",
            en=f"The {what_en} time cannot be before the incident.",
        )


def check_people(people: list[PersonIn], rules: IncidentRules) -> None:
    seen: set[tuple[str, str, str]] = set()
    for i, p in enumerate(people):
        where = f"people[{i}]"
        if p.kind == "inmate":
            if not p.inmate_id or p.name or p.nip:
                raise RuleViolation(
                    f"{where}.inmate_id",
                    "inmate-by-id",
                    id="WBP dicatat dengan inmate_id saja (tanpa nama atau NIP).",
                    en="An inmate is given by inmate_id only (no name or NIP).",
                )
            roles, who = rules.inmate_roles(), p.inmate_id
        else:
            if not p.name or p.inmate_id:
                raise RuleViolation(
                    f"{where}.name",
                    "officer-by-name",
                    id="Petugas dicatat dengan nama (dan NIP bila ada), tanpa inmate_id.",
                    en="An officer is given by name (and NIP when known), without an inmate_id.",
                )
            roles, who = rules.officer_roles(), (p.nip or p.name.casefold())
        if p.role not in {r.code for r in roles}:
            listed = ", ".join(r.code for r in roles)
            raise RuleViolation(
                f"{where}.role",
                "role-listed",
                id=f"Peran {p.role} tidak dikenal untuk {p.kind}; pilih salah satu: {listed}.",
                en=f"Unknown role {p.role} for an {p.kind}; choose one of: {listed}.",
            )
        key = (p.kind, who, p.role)
        if key in seen:
            raise RuleViolation(
                where,
                "person-listed-once",
                id="Orang yang sama dengan peran yang sama disebut dua kali.",
                en="The same person is listed twice with the same role.",
            )
        seen.add(key)


@dataclass
class Incident:
    incident_id: str
    upt_code: str
    kanwil_code: str
    time_zone: str
    category: str
    severity: str
    critical: bool
    title: str
    location: str
    narrative: str  # as first written; never rewritten (corrections are addenda)
    occurred_at: datetime  # UTC
    occurred_on: date  # UPT local
    status: IncidentStatus
    status_since: datetime
    created_by: str
    created_at: datetime
    duplicate_of: str | None = None
    people: list[Person] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    addenda: list[Addendum] = field(default_factory=list)
    escalations: dict[str, Escalation] = field(default_factory=dict)
    transitions: list[Transition] = field(default_factory=list)
    # What changed since loading, for the repository.
    new_actions: list[Action] = field(default_factory=list, compare=False, repr=False)
    new_addenda: list[Addendum] = field(default_factory=list, compare=False, repr=False)
    new_transitions: list[Transition] = field(default_factory=list, compare=False, repr=False)
    changed_escalations: list[str] = field(default_factory=list, compare=False, repr=False)
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    @property
    def name_id(self) -> str:
        return f"Kejadian {self.incident_id}"

    @property
    def name_en(self) -> str:
        return f"Incident {self.incident_id}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def inmates_involved(self) -> int:
        return sum(1 for p in self.people if p.kind == "inmate")

    @property
    def unverified_inmates(self) -> int:
        return sum(1 for p in self.people if p.kind == "inmate" and not p.verified)

    @property
    def officers_involved(self) -> int:
        return sum(1 for p in self.people if p.kind == "officer")

    @classmethod
    def record(
        cls,
        *,
        incident_id: str,
        upt_code: str,
        kanwil_code: str,
        time_zone: str,
        category: str,
        severity: str,
        title: str,
        location: str,
        narrative: str,
        occurred_at: datetime,
        people: list[PersonIn],
        on_roster: set[str],
        actions: list[ActionIn],
        as_draft: bool,
        by: str,
        now: datetime,
        rules: RuleBook | None = None,
    ) -> "Incident":
        """`on_roster`: the inmate ids the UPT's roster knows; others are kept, flagged unverified."""
        zone = ZoneInfo(time_zone)
        at = to_instant("occurred_at", occurred_at, zone)
        _not_in_future("occurred_at", at, now, "kejadian", "incident")
        occurred_on = at.astimezone(zone).date()
        r = IncidentRules.on(occurred_on, rules)
        cat = r.category(category)
        if severity not in {s.code for s in r.severity_list()}:
            listed = ", ".join(s.code for s in r.severity_list())
            raise RuleViolation(
                "severity",
                "severity-listed",
                id=f"Tingkat keparahan {severity} tidak dikenal; pilih salah satu: {listed}.",
                en=f"Unknown severity {severity}; choose one of: {listed}.",
            )
        check_people(people, r)
        incident = cls(
            incident_id=incident_id,
            upt_code=upt_code,
            kanwil_code=kanwil_code,
            time_zone=time_zone,
            category=cat.code,
            severity=severity,
            critical=cat.critical,
            title=title,
            location=location,
            narrative=narrative,
            occurred_at=at,
            occurred_on=occurred_on,
            status=S.DRAFT,
            status_since=now,
            created_by=by,
            created_at=now,
            people=[
                Person(p.kind, p.role, p.inmate_id, p.name, p.nip, (p.inmate_id in on_roster) if p.kind == "inmate" else None)
                for p in people
            ],
        )
        incident._add_actions(actions, field_prefix="actions", by=by, now=now)
        if cat.critical:
            for level in r.levels():
                incident.escalations[level.code] = Escalation(level.code, at + timedelta(hours=level.hours))
        incident.transitions.append(Transition(None, S.DRAFT, by, "dicatat", now))
        if not as_draft:
            incident.move(S.REPORTED, by=by, why="dilaporkan", at=now)
        incident.new_transitions = list(incident.transitions)
        incident.new_actions = list(incident.actions)
        incident.changed_escalations = list(incident.escalations)
        return incident

    def _add_actions(self, actions: list[ActionIn], *, field_prefix: str, by: str, now: datetime) -> None:
        for i, a in enumerate(actions):
            taken_at = to_instant(f"{field_prefix}[{i}].taken_at", a.taken_at, self.zone)
            _not_in_future(f"{field_prefix}[{i}].taken_at", taken_at, now, "tindakan", "action")
            _not_before(f"{field_prefix}[{i}].taken_at", taken_at, self.occurred_at, "tindakan", "action")
            action = Action(len(self.actions) + 1, taken_at, a.description, by, now)
            self.actions.append(action)
            self.new_actions.append(action)

    def _require_open(self, what_id: str, what_en: str) -> None:
        if self.status in ENDED:
            raise Conflict(
                id=f"{self.name_id} berstatus {self.status.value}; {what_id} tidak dapat dicatat lagi.",
                en=f"{self.name_en} is {self.status.value}; {what_en} can no longer be recorded.",
                errors=[
                    FieldError(
                        "status",
                        "incident-open",
                        f"Kejadian berstatus {self.status.value}.",
                        f"The incident is {self.status.value}.",
                    )
                ],
            )

    def move(self, to: IncidentStatus, *, by: str, why: str, at: datetime, duplicate_of: "Incident | None" = None) -> None:
        require_transition(NEXT, self.status, to, what_id=self.name_id, what_en=self.name_en)
        if to is S.DUPLICATE:
            self._check_duplicate_of(duplicate_of)
            assert duplicate_of is not None
            self.duplicate_of = duplicate_of.incident_id
        if (
            self.status is S.NEEDS_UPDATE
            and to is S.UNDER_REVIEW
            and not any(a.added_at >= self.status_since for a in self.addenda)
        ):
            raise RuleViolation(
                "to",
                "addendum-required",
                id="Kejadian diminta diperbarui: tambahkan adendum sebelum diajukan kembali untuk ditinjau.",
                en="The incident was sent back for an update: add an addendum before returning it to review.",
            )
        was_draft = self.status is S.DRAFT
        t = Transition(self.status, to, by, why, at)
        self.transitions.append(t)
        self.new_transitions.append(t)
        self.status = to
        self.status_since = at
        if to is S.REPORTED:
            self.events.append(
                IncidentReported(
                    incident_id=self.incident_id,
                    upt_code=self.upt_code,
                    kanwil_code=self.kanwil_code,
                    category=self.category,
                    severity=self.severity,
                    critical=self.critical,
                    occurred_at=self.occurred_at,
                    occurred_on=self.occurred_on,
                    inmates_involved=self.inmates_involved,
                    unverified_inmates=self.unverified_inmates,
                    officers_involved=self.officers_involved,
                )
            )
        elif to is S.CLOSED:
            self.events.append(
                IncidentClosed(incident_id=self.incident_id, upt_code=self.upt_code, category=self.category, closed_at=at)
            )
        elif to in EXCLUDED and not was_draft:  # a draft was never published: nothing to take back
            self.events.append(
                IncidentExcluded(
                    incident_id=self.incident_id,
                    upt_code=self.upt_code,
                    status=to.value,
                    duplicate_of=self.duplicate_of,
                    excluded_at=at,
                )
            )

    def _check_duplicate_of(self, other: "Incident | None") -> None:
        def refuse(rule: str, id: str, en: str) -> RuleViolation:
            return RuleViolation("duplicate_of", rule, id=id, en=en)

        if other is None:
            raise refuse(
                "duplicate-of-given", "Sebutkan kejadian asli (duplicate_of).", "Name the original incident (duplicate_of)."
            )
        if other.incident_id == self.incident_id:
            raise refuse(
                "not-itself", "Kejadian tidak dapat menjadi duplikat dirinya sendiri.", "An incident cannot duplicate itself."
            )
        if other.upt_code != self.upt_code:
            raise refuse("same-upt", "Kejadian asli harus dari UPT yang sama.", "The original incident must be of the same UPT.")
        if other.status in EXCLUDED:
            raise refuse(
                "original-counted",
                f"Kejadian {other.incident_id} sendiri berstatus {other.status.value}.",
                f"Incident {other.incident_id} is itself {other.status.value}.",
            )

    def add_addendum(self, *, text: str, actions: list[ActionIn], by: str, now: datetime) -> Addendum:
        self._require_open("adendum", "an addendum")
        self._add_actions(actions, field_prefix="actions", by=by, now=now)
        addendum = Addendum(len(self.addenda) + 1, text, by, now)
        self.addenda.append(addendum)
        self.new_addenda.append(addendum)
        if self.status is not S.DRAFT:
            self.events.append(
                IncidentAmended(
                    incident_id=self.incident_id, upt_code=self.upt_code, addendum_no=addendum.addendum_no, added_at=now
                )
            )
        return addendum

    def escalate(
        self, *, level: str, escalated_at: datetime, note: str | None, by: str, now: datetime, rules: RuleBook | None = None
    ) -> Escalation:
        if self.status in EXCLUDED:
            self._require_open("eskalasi", "an escalation")  # duplicate / not-reportable
        levels = {lv.code for lv in IncidentRules.on(self.occurred_on, rules).levels()}
        if level not in levels:
            listed = ", ".join(sorted(levels))
            raise RuleViolation(
                "level",
                "level-listed",
                id=f"Tingkat eskalasi {level} tidak dikenal; pilih salah satu: {listed}.",
                en=f"Unknown escalation level {level}; choose one of: {listed}.",
            )
        at = to_instant("escalated_at", escalated_at, self.zone)
        _not_in_future("escalated_at", at, now, "eskalasi", "escalation")
        _not_before("escalated_at", at, self.occurred_at, "eskalasi", "escalation")
        current = self.escalations.get(level) or Escalation(level, None)
        if current.escalated_at is not None:
            raise Conflict(
                id=f"{self.name_id} sudah dieskalasi ke {level} pada {current.escalated_at.isoformat()}.",
                en=f"{self.name_en} was already escalated to {level} at {current.escalated_at.isoformat()}.",
                errors=[
                    FieldError("level", "escalated-once", "Sudah dieskalasi ke tingkat ini.", "Already escalated to this level.")
                ],
            )
        current.escalated_at, current.recorded_by, current.note = at, by, note
        self.escalations[level] = current
        self.changed_escalations.append(level)
        self.events.append(
            IncidentEscalated(
                incident_id=self.incident_id,
                upt_code=self.upt_code,
                level=level,
                escalated_at=at,
                due_at=current.due_at,
                on_time=None if current.due_at is None else at <= current.due_at,
            )
        )
        return current


def incident_not_found(incident_id: str, field_name: str = "incident_id") -> NotFound:
    return NotFound(
        id=f"Kejadian {incident_id} tidak ditemukan.",
        en=f"Incident {incident_id} does not exist.",
        errors=[FieldError(field_name, "incident-exists", "Data kejadian tidak ditemukan.", "No such incident.")],
    )
