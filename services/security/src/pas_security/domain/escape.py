"""Escapes (pelarian): each escapee is one record, from the report until the recapture.

Status follows an explicit state machine (NEXT): at large, then recaptured, or dead when the
escapee died at large (date, place and the source that reports it). An escape incident (an
incident of category escape) groups the escapees who fled together: each is still its own
record with its own status and its own escape.reported / escape.recaptured, and also publishes
escape.linked naming the incident.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from pas_security.domain.incident import ENDED, Incident
from pas_shared.errors import Conflict, FieldError, NotFound, RuleViolation
from pas_shared.events.security import EscapeeDied, EscapeeRecaptured, EscapeLinked, EscapeReported
from pas_shared.workflow import changed_concurrently, require_transition

# The incident category (rule data, rule_data/incidents.json) whose incidents group escapees.
ESCAPE_CATEGORY = "escape"


class EscapeStatus(StrEnum):
    AT_LARGE = "at_large"
    RECAPTURED = "recaptured"
    DEAD = "dead"


# Each state lists the states it may move to; anything else is refused.
NEXT: dict[EscapeStatus, set[EscapeStatus]] = {
    EscapeStatus.AT_LARGE: {EscapeStatus.RECAPTURED, EscapeStatus.DEAD},
    EscapeStatus.RECAPTURED: set(),
    EscapeStatus.DEAD: set(),
}


def _require_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise RuleViolation(
            name,
            "timezone-aware",
            id="Waktu harus menyertakan zona waktu (mis. 2026-11-20T21:30:00+07:00).",
            en="The time must include a time zone offset (e.g. 2026-11-20T21:30:00+07:00).",
        )


def _not_in_future(name: str, value: datetime, now: datetime, *, what_id: str, what_en: str) -> None:
    if value > now:
        raise RuleViolation(
            name,
            "not-in-future",
            id=f"Waktu {what_id} tidak boleh di masa depan.",
            en=f"The {what_en} time cannot be in the future.",
        )


@dataclass
class Escape:
    escape_id: str
    inmate_id: str
    upt_code: str
    escaped_at: datetime
    escaped_on: date
    method: str
    status: EscapeStatus = EscapeStatus.AT_LARGE
    recaptured_at: datetime | None = None
    recaptured_on: date | None = None
    place: str | None = None
    died_on: date | None = None
    death_place: str | None = None
    death_source: str | None = None
    incident_id: str | None = None  # the escape incident that groups it with the others
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    @property
    def is_open(self) -> bool:
        return self.status is EscapeStatus.AT_LARGE

    @classmethod
    def report(
        cls,
        *,
        escape_id: str,
        inmate_id: str,
        upt_code: str,
        escaped_at: datetime,
        method: str,
        now: datetime,
        zone: ZoneInfo,
        open_escape: "Escape | None" = None,
        incident_id: str | None = None,
        prefix: str = "",
    ) -> "Escape":
        """`zone`: the UPT's time zone (its legal dates are its own calendar dates);
        `open_escape`: the inmate's escape still at large, if any (one at a time);
        `incident_id`: the escape incident it belongs to (checked by check_escape_incident);
        `prefix`: where the body holds this escapee (`escapees[2].`), for the field names."""
        _require_aware(f"{prefix}escaped_at", escaped_at)
        _not_in_future(f"{prefix}escaped_at", escaped_at, now, what_id="pelarian", what_en="escape")
        if open_escape is not None:
            raise still_at_large(inmate_id, open_escape, field_name=f"{prefix}inmate_id")
        escape = cls(
            escape_id=escape_id,
            inmate_id=inmate_id,
            upt_code=upt_code,
            escaped_at=escaped_at.astimezone(UTC),  # instants are kept in UTC, as the database returns them
            escaped_on=escaped_at.astimezone(zone).date(),
            method=method,
            incident_id=incident_id,
        )
        escape.events.append(
            EscapeReported(
                escape_id=escape_id,
                inmate_id=inmate_id,
                upt_code=upt_code,
                escaped_at=escape.escaped_at,
                escaped_on=escape.escaped_on,
                method=method,
            )
        )
        if incident_id is not None:
            escape.events.append(
                EscapeLinked(
                    escape_id=escape_id,
                    inmate_id=inmate_id,
                    upt_code=upt_code,
                    incident_id=incident_id,
                    escaped_on=escape.escaped_on,
                )
            )
        return escape

    def move(self, to: EscapeStatus) -> None:
        self._require(to)
        self.status = to

    def _require(self, to: EscapeStatus) -> None:
        require_transition(NEXT, self.status, to, what_id=f"Pelarian {self.escape_id}", what_en=f"Escape {self.escape_id}")

    def recapture(self, *, recaptured_at: datetime, place: str, now: datetime, zone: ZoneInfo) -> None:
        # The state is checked first: recapturing a recaptured escapee is a conflict whatever the time.
        self._require(EscapeStatus.RECAPTURED)
        _require_aware("recaptured_at", recaptured_at)
        if recaptured_at <= self.escaped_at:
            raise RuleViolation(
                "recaptured_at",
                "after-escape",
                id="Waktu penangkapan kembali harus sesudah waktu pelarian.",
                en="The recapture time must be after the escape time.",
            )
        _not_in_future("recaptured_at", recaptured_at, now, what_id="penangkapan kembali", what_en="recapture")
        self.move(EscapeStatus.RECAPTURED)
        self.recaptured_at = recaptured_at.astimezone(UTC)
        self.recaptured_on = recaptured_at.astimezone(zone).date()
        self.place = place
        self.events.append(
            EscapeeRecaptured(
                escape_id=self.escape_id,
                inmate_id=self.inmate_id,
                upt_code=self.upt_code,
                recaptured_at=self.recaptured_at,
                recaptured_on=self.recaptured_on,
                place=place,
            )
        )

    def record_death(self, *, died_on: date, place: str, source: str, today: date) -> None:
        """`today`: the UPT's local date. A death date is a calendar date as the source gives it."""
        self._require(EscapeStatus.DEAD)
        if died_on < self.escaped_on:
            raise RuleViolation(
                "died_on",
                "not-before-escape",
                id="Tanggal meninggal tidak boleh sebelum tanggal pelarian.",
                en="The date of death cannot be before the escape date.",
            )
        if died_on > today:
            raise RuleViolation(
                "died_on",
                "not-in-future",
                id="Tanggal meninggal tidak boleh di masa depan (tanggal setempat UPT).",
                en="The date of death cannot be in the future (the UPT's local date).",
            )
        self.move(EscapeStatus.DEAD)
        self.died_on, self.death_place, self.death_source = died_on, place, source
        self.events.append(
            EscapeeDied(
                escape_id=self.escape_id,
                inmate_id=self.inmate_id,
                upt_code=self.upt_code,
                died_on=died_on,
                place=place,
                source=source,
            )
        )


def check_escape_incident(incident: Incident, *, upt_code: str, field_name: str = "incident_id") -> None:
    """Escapees are grouped under an escape incident of their UPT that is still open (not closed,
    a duplicate or not reportable)."""
    if incident.upt_code != upt_code:
        raise RuleViolation(
            field_name,
            "same-upt",
            id=f"Kejadian {incident.incident_id} berasal dari UPT lain ({incident.upt_code}).",
            en=f"Incident {incident.incident_id} is of another UPT ({incident.upt_code}).",
        )
    if incident.category != ESCAPE_CATEGORY:
        raise RuleViolation(
            field_name,
            "escape-incident",
            id=f"Kejadian {incident.incident_id} berkategori {incident.category}; pelarian dikelompokkan di bawah "
            f"kejadian berkategori {ESCAPE_CATEGORY}.",
            en=f"Incident {incident.incident_id} is of category {incident.category}; escapees are grouped under an "
            f"incident of category {ESCAPE_CATEGORY}.",
        )
    if incident.status in ENDED:
        raise Conflict(
            id=f"{incident.name_id} berstatus {incident.status.value}; pelarian tidak dapat ditambahkan lagi.",
            en=f"{incident.name_en} is {incident.status.value}; escapees can no longer be added to it.",
            errors=[
                FieldError(
                    field_name,
                    "incident-open",
                    f"Kejadian berstatus {incident.status.value}.",
                    f"The incident is {incident.status.value}.",
                )
            ],
        )


def still_at_large(inmate_id: str, open_escape: Escape | None = None, *, field_name: str = "inmate_id") -> Conflict:
    """Refusal of a second escape report while the inmate's earlier escape is still open."""
    since_id = since_en = ""
    if open_escape is not None:
        when = open_escape.escaped_on.isoformat()
        since_id = f" sejak {when} ({open_escape.escape_id})"
        since_en = f" since {when} ({open_escape.escape_id})"
    return Conflict(
        id=f"WBP {inmate_id} masih dalam pelarian{since_id}; catat penangkapan kembalinya dahulu.",
        en=f"Inmate {inmate_id} is still at large{since_en}; record the recapture first.",
        errors=[
            FieldError(
                field_name,
                "one-open-escape",
                f"WBP {inmate_id} masih dalam pelarian; hanya satu pelarian terbuka per WBP.",
                f"Inmate {inmate_id} is still at large; only one open escape per inmate.",
            )
        ],
    )


def concurrent_change(escape_id: str) -> Conflict:
    """The escape changed between reading and saving it (another recapture came first)."""
    return changed_concurrently(
        what_id=f"Pelarian {escape_id}", what_en=f"Escape {escape_id}", noun_id="pelarian", noun_en="escape"
    )


def escape_not_found(escape_id: str) -> NotFound:
    return NotFound(
        id=f"Pelarian {escape_id} tidak ditemukan.",
        en=f"Escape {escape_id} does not exist.",
        errors=[FieldError("escape_id", "escape-exists", "Data pelarian tidak ditemukan.", "No such escape.")],
    )
