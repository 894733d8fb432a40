"""The inmate register: admission and release. (Sentences, transfers and the release-date
engine are issue 3.)"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from pydantic import BaseModel

from pas_remission.domain.calendar import NO_TIME, Span, add_span
from pas_remission.domain.engine import SentenceKind
from pas_shared.errors import Conflict, NotFound, RuleViolation
from pas_shared.events.remission import CustodyStatus, InmateAdmitted, InmateReleased, InmateSentenced

# UU 11/2012 (SPPA) Pasal 1 angka 3: a child in conflict with the law is under 18 years old.
# Issue 3 moves this with the other rule data into the versioned rule tables.
CHILD_AGE_LIMIT_YEARS = 18


class Religion(StrEnum):
    """Recorded at first registration; a later change does not change the Remisi Khusus holiday."""

    ISLAM = "islam"
    KRISTEN = "kristen"
    KATOLIK = "katolik"
    HINDU = "hindu"
    BUDDHA = "buddha"
    KONGHUCU = "konghucu"
    LAINNYA = "lainnya"  # none of the six: no Remisi Khusus holiday


class Holiday(StrEnum):
    """The Remisi Khusus holidays (Kepmen M.09.HN.02.01/1999 Pasal 3(2); Imlek since 2018)."""

    IDUL_FITRI = "idul-fitri"
    NATAL = "natal"
    NYEPI = "nyepi"
    WAISAK = "waisak"
    IMLEK = "imlek"


@dataclass(frozen=True)
class Verdict:
    final_on: date  # the day the verdict became final (inkracht)
    sentence_kind: SentenceKind
    sentence: Span
    fine_substitute: Span = NO_TIME  # kurungan pengganti denda
    crime: str = "umum"


class ReleaseReason(StrEnum):
    EXPIRATION = "expiration"  # sentence served (ekspirasi)
    REMISSION_II = "remission-ii"
    PB = "pb"
    CB = "cb"
    CMB = "cmb"
    COURT_ORDER = "court-order"
    DEATH = "death"


def inmate_not_found(inmate_id: str) -> NotFound:
    return NotFound(id=f"WBP {inmate_id} tidak ada dalam register.", en=f"Inmate {inmate_id} is not in the register.")


def age_on(birth_date: date, on: date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


@dataclass
class Inmate:
    inmate_id: str
    register_number: str
    upt_code: str
    kanwil_code: str
    custody_status: CustodyStatus
    birth_date: date
    admitted_on: date
    religion: Religion
    verdict: Verdict | None = None
    released_on: date | None = None
    release_reason: ReleaseReason | None = None
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    @property
    def is_child(self) -> bool:
        return age_on(self.birth_date, self.admitted_on) < CHILD_AGE_LIMIT_YEARS

    @classmethod
    def admit(
        cls,
        *,
        inmate_id: str,
        register_number: str,
        upt_code: str,
        kanwil_code: str,
        custody_status: CustodyStatus,
        birth_date: date,
        admitted_on: date,
        religion: Religion,
        today: date,
    ) -> "Inmate":
        if admitted_on > today:
            raise RuleViolation(
                "admitted_on",
                "not-in-future",
                id="Tanggal masuk tidak boleh di masa depan.",
                en="The admission date cannot be in the future.",
            )
        if birth_date >= admitted_on:
            raise RuleViolation(
                "birth_date",
                "before-admission",
                id="Tanggal lahir harus sebelum tanggal masuk.",
                en="The birth date must be before the admission date.",
            )
        inmate = cls(inmate_id, register_number, upt_code, kanwil_code, custody_status, birth_date, admitted_on, religion)
        inmate.events.append(
            InmateAdmitted(
                inmate_id=inmate_id,
                upt_code=upt_code,
                kanwil_code=kanwil_code,
                custody_status=custody_status,
                is_child=inmate.is_child,
                admitted_on=admitted_on,
            )
        )
        return inmate

    def record_verdict(self, verdict: Verdict, *, today: date) -> None:
        """The final verdict: the inmate becomes a narapidana and the sentence starts counting
        from detention (here: the admission date)."""
        if self.released_on is not None:
            raise Conflict(id=f"WBP {self.inmate_id} sudah bebas.", en=f"Inmate {self.inmate_id} has been released.")
        if verdict.final_on > today:
            raise RuleViolation(
                "verdict_final_on",
                "not-in-future",
                id="Tanggal putusan berkekuatan hukum tetap tidak boleh di masa depan.",
                en="The date the verdict became final cannot be in the future.",
            )
        if verdict.final_on < self.admitted_on:
            raise RuleViolation(
                "verdict_final_on",
                "not-before-admission",
                id="Putusan tidak boleh berkekuatan hukum tetap sebelum tanggal masuk.",
                en="The verdict cannot become final before the admission date.",
            )
        if verdict.sentence_kind is SentenceKind.TERM and verdict.sentence == NO_TIME:
            raise RuleViolation(
                "sentence",
                "positive-term",
                id="Lama pidana harus lebih dari nol.",
                en="A term sentence must be longer than zero.",
            )
        self.verdict = verdict
        self.custody_status = CustodyStatus.NARAPIDANA
        expiration = add_span(self.admitted_on, verdict.sentence) if verdict.sentence_kind is SentenceKind.TERM else None
        self.events.append(
            InmateSentenced(
                inmate_id=self.inmate_id,
                upt_code=self.upt_code,
                sentence_kind=verdict.sentence_kind.value,
                verdict_final_on=verdict.final_on,
                expiration=expiration,
            )
        )

    def release(self, *, on: date, reason: ReleaseReason, today: date) -> None:
        if self.released_on is not None:
            raise Conflict(
                id=f"WBP {self.inmate_id} sudah bebas pada {self.released_on.isoformat()}.",
                en=f"Inmate {self.inmate_id} was already released on {self.released_on.isoformat()}.",
            )
        if on < self.admitted_on:
            raise RuleViolation(
                "released_on",
                "not-before-admission",
                id="Tanggal bebas tidak boleh sebelum tanggal masuk.",
                en="The release date cannot be before the admission date.",
            )
        if on > today:
            raise RuleViolation(
                "released_on",
                "not-in-future",
                id="Pembebasan dicatat saat terjadi, bukan sebelumnya.",
                en="A release is recorded when it happens, not ahead of time.",
            )
        self.released_on = on
        self.release_reason = reason
        self.events.append(InmateReleased(inmate_id=self.inmate_id, upt_code=self.upt_code, released_on=on, reason=reason.value))
