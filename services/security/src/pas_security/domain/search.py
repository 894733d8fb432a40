"""Searches (razia, penggeledahan) and what they seize, with each seized item's chain of custody
as an explicit state machine:

    seized -> stored -> destroyed | handed-over

Every step records who handled the item, when (UTC; a time without an offset is the UPT's local
wall time), where, the witness, and for the last step the document (berita acara) and, for a
hand-over, the recipient. A search may follow an incident (incident_id) and may name the inmate
an item was found with: an id not on the UPT's roster is kept, flagged unverified. After the
search, an item may be linked to more incidents or discipline cases of its UPT: links are only
ever added, each with who, when and why. Places, item
types with how each is measured, team roles and recipients are rule data
(rule_data/searches.json), judged on the UPT-local day the search began.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from pas_security.domain.discipline_case import DisciplineCase
from pas_security.domain.incident import EXCLUDED, Incident, to_instant
from pas_security.domain.rules import RuleBook, RuleSet, search_rules
from pas_shared.errors import Conflict, FieldError, NotFound, RuleViolation
from pas_shared.events.security import SearchConducted, SeizedTotal, SeizureDisposed, SeizureLinked, SeizureStored
from pas_shared.workflow import require_transition


class CustodyStatus(StrEnum):
    SEIZED = "seized"
    STORED = "stored"  # in the UPT's evidence store
    DESTROYED = "destroyed"
    HANDED_OVER = "handed-over"  # to the police, BNN, prosecutor, state treasury, ...


C = CustodyStatus
NEXT: dict[CustodyStatus, set[CustodyStatus]] = {
    C.SEIZED: {C.STORED},
    C.STORED: {C.DESTROYED, C.HANDED_OVER},
    C.DESTROYED: set(),
    C.HANDED_OVER: set(),
}
DISPOSED = frozenset({C.DESTROYED, C.HANDED_OVER})


def _refuse(field_name: str, rule: str, id: str, en: str) -> RuleViolation:
    return RuleViolation(field_name, rule, id=id, en=en)


@dataclass(frozen=True)
class ItemType:
    code: str
    name_id: str
    name_en: str
    measure: str  # count, grams (weight required) or rupiah (amount required)


@dataclass(frozen=True)
class SearchRules:
    types_set: RuleSet
    places_set: RuleSet
    custody_set: RuleSet

    @classmethod
    def on(cls, day: date, field_name: str = "started_at", rules: RuleBook | None = None) -> "SearchRules":
        book = rules or search_rules()
        try:
            return cls(
                book.in_force("seizure-item-types", day),
                book.in_force("search-places", day),
                book.in_force("seizure-custody", day),
            )
        except LookupError:
            raise _refuse(
                field_name,
                "rule-in-force",
                f"Tidak ada aturan penggeledahan yang berlaku pada {day.isoformat()}.",
                f"No search rules were in force on {day.isoformat()}.",
            ) from None

    def types(self) -> list[ItemType]:
        return [ItemType(t["code"], t["name_id"], t["name_en"], t["measure"]) for t in self.types_set.values["types"]]

    def places(self) -> list[tuple[str, str, str]]:
        return [(p["code"], p["name_id"], p["name_en"]) for p in self.places_set.values["places"]]

    def team_roles(self) -> list[str]:
        roles: list[str] = self.places_set.values["team_roles"]
        return roles

    def recipients(self) -> list[str]:
        recipients: list[str] = self.custody_set.values["recipients"]
        return recipients


@dataclass(frozen=True)
class TeamMember:
    name: str
    role: str  # leader, member, witness (rule data)
    nip: str | None = None


@dataclass(frozen=True)
class SeizureIn:
    item_type: str
    count: int
    description: str
    weight_grams: Decimal | None = None
    amount_rupiah: int | None = None
    inmate_id: str | None = None


@dataclass(frozen=True)
class CustodyStep:
    seq: int
    from_status: CustodyStatus | None
    to_status: CustodyStatus
    at: datetime  # UTC
    handled_by: str
    place: str
    witness: str
    recipient: str | None
    document_no: str | None
    recorded_by: str
    recorded_at: datetime


class LinkKind(StrEnum):
    INCIDENT = "incident"
    DISCIPLINE_CASE = "discipline-case"


@dataclass(frozen=True)
class SeizureLink:
    """A link added after the search was recorded: to what, who added it, when and why."""

    kind: LinkKind
    target_id: str
    linked_by: str
    linked_at: datetime
    why: str


def _already_linked(field_name: str, what_id: str, what_en: str) -> Conflict:
    return Conflict(
        id=f"Barang sitaan ini sudah ditautkan ke {what_id}.",
        en=f"This seized item is already linked to {what_en}.",
        errors=[FieldError(field_name, "linked-once", "Tautan ini sudah ada.", "This link already exists.")],
    )


@dataclass
class Seizure:
    seizure_id: str
    search_id: str
    upt_code: str
    kanwil_code: str
    time_zone: str
    item_type: str
    count: int
    description: str
    weight_grams: Decimal | None
    amount_rupiah: int | None
    inmate_id: str | None
    inmate_verified: bool | None  # None when no inmate is named
    status: CustodyStatus
    steps: list[CustodyStep] = field(default_factory=list)
    discipline_case_ids: list[str] = field(default_factory=list)  # the discipline cases it led to
    incident_ids: list[str] = field(default_factory=list)  # incidents linked after the search
    links: list[SeizureLink] = field(default_factory=list)  # the links added after the search
    new_links: list[SeizureLink] = field(default_factory=list, compare=False, repr=False)
    new_steps: list[CustodyStep] = field(default_factory=list, compare=False, repr=False)
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    @property
    def name_id(self) -> str:
        return f"Barang sitaan {self.seizure_id}"

    @property
    def name_en(self) -> str:
        return f"Seizure {self.seizure_id}"

    def _step(
        self,
        to: CustodyStatus,
        *,
        at: datetime,
        handled_by: str,
        place: str,
        witness: str,
        recipient: str | None,
        document_no: str | None,
        by: str,
        now: datetime,
    ) -> CustodyStep:
        step = CustodyStep(
            len(self.steps) + 1,
            None if not self.steps else self.status,
            to,
            at,
            handled_by,
            place,
            witness,
            recipient,
            document_no,
            by,
            now,
        )
        self.steps.append(step)
        self.new_steps.append(step)
        self.status = to
        return step

    def move(
        self,
        to: CustodyStatus,
        *,
        at: datetime,
        handled_by: str,
        place: str,
        witness: str,
        recipient: str | None,
        document_no: str | None,
        by: str,
        now: datetime,
        rules: RuleBook | None = None,
    ) -> CustodyStep:
        """The next step of the chain of custody; times are checked against the last step."""
        require_transition(NEXT, self.status, to, what_id=self.name_id, what_en=self.name_en)
        instant = to_instant("at", at, ZoneInfo(self.time_zone))
        if instant > now:
            raise _refuse("at", "not-in-future", "Waktu tidak boleh di masa depan.", "The time cannot be in the future.")
        last = self.steps[-1]
        if instant < last.at:
            raise _refuse(
                "at",
                "not-before-previous-step",
                f"Waktu tidak boleh sebelum langkah sebelumnya ({last.to_status.value}, {last.at.isoformat()}).",
                f"The time cannot be before the previous step ({last.to_status.value}, {last.at.isoformat()}).",
            )
        if to is C.HANDED_OVER:
            listed = SearchRules.on(instant.astimezone(ZoneInfo(self.time_zone)).date(), "at", rules).recipients()
            if recipient not in listed:
                raise _refuse(
                    "recipient",
                    "recipient-listed",
                    f"Penerima serah terima wajib salah satu dari: {', '.join(listed)}.",
                    f"A hand-over names its recipient, one of: {', '.join(listed)}.",
                )
        elif recipient is not None:
            raise _refuse(
                "recipient",
                "recipient-for-hand-over",
                "Penerima hanya untuk serah terima.",
                "A recipient is for a hand-over only.",
            )
        if to in DISPOSED and not document_no:
            raise _refuse(
                "document_no",
                "document-for-disposal",
                "Pemusnahan atau serah terima dicatat dengan nomor berita acaranya.",
                "A destruction or hand-over is recorded with the number of its official record (berita acara).",
            )
        step = self._step(
            to,
            at=instant,
            handled_by=handled_by,
            place=place,
            witness=witness,
            recipient=recipient,
            document_no=document_no,
            by=by,
            now=now,
        )
        common = {
            "seizure_id": self.seizure_id,
            "search_id": self.search_id,
            "upt_code": self.upt_code,
            "kanwil_code": self.kanwil_code,
            "item_type": self.item_type,
        }
        if to is C.STORED:
            self.events.append(SeizureStored(**common, stored_at=instant))
        else:
            self.events.append(
                SeizureDisposed(
                    **common,
                    disposition=to.value,
                    recipient=recipient,
                    disposed_at=instant,
                    count=self.count,
                    weight_grams=None if self.weight_grams is None else float(self.weight_grams),
                    amount_rupiah=self.amount_rupiah,
                )
            )
        return step

    def link_incident(
        self, incident: Incident, *, search_incident_id: str | None, why: str, by: str, now: datetime
    ) -> SeizureLink:
        """Links the item to an incident of its UPT (not excluded from statistics); additive only."""
        if incident.upt_code != self.upt_code:
            raise _refuse(
                "incident_id",
                "same-upt",
                f"Kejadian {incident.incident_id} berasal dari UPT lain ({incident.upt_code}).",
                f"Incident {incident.incident_id} is of another UPT ({incident.upt_code}).",
            )
        if incident.status in EXCLUDED:
            raise _refuse(
                "incident_id",
                "incident-counted",
                f"Kejadian {incident.incident_id} berstatus {incident.status.value}.",
                f"Incident {incident.incident_id} is {incident.status.value}.",
            )
        if incident.incident_id in self.incident_ids or incident.incident_id == search_incident_id:
            raise _already_linked("incident_id", f"kejadian {incident.incident_id}", f"incident {incident.incident_id}")
        self.incident_ids.append(incident.incident_id)
        return self._link(LinkKind.INCIDENT, incident.incident_id, why=why, by=by, now=now)

    def link_case(self, case: DisciplineCase, *, why: str, by: str, now: datetime) -> SeizureLink:
        """Links the item to a discipline case of its UPT not yet decided, of the inmate it was found
        with (or of anyone when no one was named); additive only."""
        if case.upt_code != self.upt_code:
            raise _refuse(
                "case_id",
                "same-upt",
                f"Perkara disiplin {case.case_id} berasal dari UPT lain ({case.upt_code}).",
                f"Discipline case {case.case_id} is of another UPT ({case.upt_code}).",
            )
        if self.inmate_id is not None and self.inmate_id != case.inmate_id:
            raise _refuse(
                "case_id",
                "seizure-of-inmate",
                f"Barang sitaan ini ditemukan pada WBP lain ({self.inmate_id}), bukan WBP perkara ini.",
                f"This item was found with another inmate ({self.inmate_id}), not the inmate of this case.",
            )
        if case.case_id in self.discipline_case_ids:
            raise _already_linked("case_id", f"perkara disiplin {case.case_id}", f"discipline case {case.case_id}")
        case.require_open("case_id")
        self.discipline_case_ids.append(case.case_id)
        return self._link(LinkKind.DISCIPLINE_CASE, case.case_id, why=why, by=by, now=now)

    def _link(self, kind: LinkKind, target_id: str, *, why: str, by: str, now: datetime) -> SeizureLink:
        link = SeizureLink(kind, target_id, by, now, why)
        self.links.append(link)
        self.new_links.append(link)
        self.events.append(
            SeizureLinked(
                seizure_id=self.seizure_id,
                search_id=self.search_id,
                upt_code=self.upt_code,
                kanwil_code=self.kanwil_code,
                item_type=self.item_type,
                incident_id=target_id if kind is LinkKind.INCIDENT else None,
                case_id=target_id if kind is LinkKind.DISCIPLINE_CASE else None,
                linked_at=now,
            )
        )
        return link


@dataclass
class Search:
    search_id: str
    upt_code: str
    kanwil_code: str
    time_zone: str
    place: str
    location: str
    started_at: datetime  # UTC
    started_on: date  # UPT local
    ended_at: datetime | None
    incident_id: str | None
    notes: str | None
    created_by: str
    created_at: datetime
    team: list[TeamMember] = field(default_factory=list)
    seizures: list[Seizure] = field(default_factory=list)
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    @property
    def unverified_inmates(self) -> int:
        return len({s.inmate_id for s in self.seizures if s.inmate_id and not s.inmate_verified})

    @classmethod
    def conduct(
        cls,
        *,
        search_id: str,
        upt_code: str,
        kanwil_code: str,
        time_zone: str,
        place: str,
        location: str,
        started_at: datetime,
        ended_at: datetime | None,
        team: list[TeamMember],
        items: list[SeizureIn],
        incident_id: str | None,
        notes: str | None,
        on_roster: set[str],
        new_id: Callable[[], str],
        by: str,
        now: datetime,
        rules: RuleBook | None = None,
    ) -> "Search":
        """`on_roster`: the inmate ids the UPT's roster knows; others are kept, flagged unverified."""
        zone = ZoneInfo(time_zone)
        start = to_instant("started_at", started_at, zone)
        if start > now:
            raise _refuse(
                "started_at",
                "not-in-future",
                "Waktu razia tidak boleh di masa depan.",
                "The search time cannot be in the future.",
            )
        end = None if ended_at is None else to_instant("ended_at", ended_at, zone)
        if end is not None and not start <= end <= now:
            raise _refuse(
                "ended_at",
                "after-start-not-in-future",
                "Waktu selesai razia harus sesudah waktu mulai dan tidak di masa depan.",
                "The end of the search must be after its start and not in the future.",
            )
        started_on = start.astimezone(zone).date()
        r = SearchRules.on(started_on, "started_at", rules)
        places = [code for code, _, _ in r.places()]
        if place not in places:
            raise _refuse(
                "place",
                "place-listed",
                f"Tempat razia {place} tidak dikenal; pilih salah satu: {', '.join(places)}.",
                f"Unknown search place {place}; choose one of: {', '.join(places)}.",
            )
        _check_team(team, r)
        types = {t.code: t for t in r.types()}
        for i, item in enumerate(items):
            _check_item(f"items[{i}]", item, types)
        if items and not any(m.role == "witness" for m in team):
            raise _refuse(
                "team",
                "witness-for-seizure",
                "Penyitaan disaksikan: sebutkan minimal satu saksi dalam tim.",
                "A seizure is witnessed: name at least one witness in the team.",
            )
        search = cls(
            search_id,
            upt_code,
            kanwil_code,
            time_zone,
            place,
            location,
            start,
            started_on,
            end,
            incident_id,
            notes,
            by,
            now,
            team,
        )
        leader = next(m.name for m in team if m.role == "leader")
        witnesses = ", ".join(m.name for m in team if m.role == "witness")
        for item in items:
            seizure = Seizure(
                new_id(),
                search_id,
                upt_code,
                kanwil_code,
                time_zone,
                item.item_type,
                item.count,
                item.description,
                item.weight_grams,
                item.amount_rupiah,
                item.inmate_id,
                None if item.inmate_id is None else item.inmate_id in on_roster,
                C.SEIZED,
            )
            seizure._step(
                C.SEIZED,
                at=start,
                handled_by=leader,
                place=location,
                witness=witnesses,
                recipient=None,
                document_no=None,
                by=by,
                now=now,
            )
            search.seizures.append(seizure)
        search.events.append(
            SearchConducted(
                search_id=search_id,
                upt_code=upt_code,
                kanwil_code=kanwil_code,
                place=place,
                started_at=start,
                started_on=started_on,
                team_size=len(team),
                incident_id=incident_id,
                seized=totals(search.seizures),
                inmates_named=len({s.inmate_id for s in search.seizures if s.inmate_id}),
                unverified_inmates=search.unverified_inmates,
            )
        )
        return search


def totals(seizures: list[Seizure]) -> list[SeizedTotal]:
    """Per item type: items, grams and rupiah seized (in the rule data's order of first seen)."""
    count: dict[str, int] = defaultdict(int)
    grams: dict[str, Decimal] = defaultdict(Decimal)
    rupiah: dict[str, int] = defaultdict(int)
    for s in seizures:
        count[s.item_type] += s.count
        grams[s.item_type] += s.weight_grams or Decimal(0)
        rupiah[s.item_type] += s.amount_rupiah or 0
    return [
        SeizedTotal(item_type=t, count=n, weight_grams=float(grams[t]) or None, amount_rupiah=rupiah[t] or None)
        for t, n in count.items()
    ]


def _check_team(team: list[TeamMember], r: SearchRules) -> None:
    roles = r.team_roles()
    seen: set[str] = set()
    for i, m in enumerate(team):
        if m.role not in roles:
            raise _refuse(
                f"team[{i}].role",
                "role-listed",
                f"Peran {m.role} tidak dikenal; pilih salah satu: {', '.join(roles)}.",
                f"Unknown role {m.role}; choose one of: {', '.join(roles)}.",
            )
        key = m.nip or m.name.casefold()
        if key in seen:
            raise _refuse(f"team[{i}]", "member-listed-once", "Anggota tim disebut dua kali.", "A team member is listed twice.")
        seen.add(key)
    if sum(1 for m in team if m.role == "leader") != 1:
        raise _refuse("team", "one-leader", "Tim razia dipimpin satu orang (leader).", "A search team has exactly one leader.")


def _check_item(where: str, item: SeizureIn, types: dict[str, ItemType]) -> None:
    if item.item_type not in types:
        listed = ", ".join(types)
        raise _refuse(
            f"{where}.item_type",
            "item-type-listed",
            f"Jenis barang {item.item_type} tidak dikenal; pilih salah satu: {listed}.",
            f"Unknown item type {item.item_type}; choose one of: {listed}.",
        )
    measure = types[item.item_type].measure
    if (measure == "grams") != (item.weight_grams is not None):
        raise _refuse(
            f"{where}.weight_grams",
            "weight-for-narcotics",
            "Berat (gram) dicatat untuk narkotika, dan hanya untuk narkotika.",
            "A weight in grams is recorded for narcotics, and for narcotics only.",
        )
    if (measure == "rupiah") != (item.amount_rupiah is not None):
        raise _refuse(
            f"{where}.amount_rupiah",
            "amount-for-cash",
            "Jumlah rupiah dicatat untuk uang tunai, dan hanya untuk uang tunai.",
            "An amount in rupiah is recorded for cash, and for cash only.",
        )


def search_not_found(search_id: str) -> NotFound:
    return NotFound(
        id=f"Razia {search_id} tidak ditemukan.",
        en=f"Search {search_id} does not exist.",
        errors=[FieldError("search_id", "search-exists", "Data razia tidak ditemukan.", "No such search.")],
    )


def seizure_not_found(seizure_id: str) -> NotFound:
    return NotFound(
        id=f"Barang sitaan {seizure_id} tidak ditemukan.",
        en=f"Seizure {seizure_id} does not exist.",
        errors=[FieldError("seizure_id", "seizure-exists", "Data barang sitaan tidak ditemukan.", "No such seizure.")],
    )
