"""The inmate register: admission, the final verdict, transfers between UPTs and release."""

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import NamedTuple

from pydantic import BaseModel

from pas_remission.domain.calendar import NO_TIME, Span, add_span
from pas_remission.domain.engine import SentenceKind
from pas_remission.domain.facility import Facility, UptType
from pas_remission.domain.rules import default_rules
from pas_shared.errors import Conflict, NotFound, RuleViolation
from pas_shared.events.remission import (
    CustodyStatus,
    InmateAdmitted,
    InmateReleased,
    InmateSentenced,
    InmateTransferred,
    SpecialConditionRecorded,
)

# UU 11/2012 (SPPA) Pasal 1 angka 3: a child in conflict with the law is under 18 years old
# (rule data "child-age"; the version in force when the current law began applies to everyone).
CHILD_AGE_LIMIT_YEARS: int = default_rules().in_force("child-age", date(2014, 7, 31)).values["under_years"]


def is_child_on(birth_date: date, on: date) -> bool:
    return age_on(birth_date, on) < CHILD_AGE_LIMIT_YEARS


class CaseInputs(NamedTuple):
    """What the engine needs from the register for one inmate (a batch reads these for the whole
    nation without building full Inmate records)."""

    inmate_id: str
    upt_code: str
    admitted_on: date
    birth_date: date
    is_child: bool
    religion: str
    verdict: "Verdict | None"


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


FINE_PAID = "fine_paid"  # the fine is paid: no kurungan pengganti denda to serve


@dataclass(frozen=True)
class SpecialCondition:
    """A condition the law ties to remission and integration rights, met on a date and proved by
    a document: a special-crime condition (korupsi: fine and restitution paid; terorisme:
    deradicalisation completed, loyalty pledge signed) or the fine paid."""

    inmate_id: str
    condition: str
    met_on: date
    evidence: str


def special_crime_conditions(crime: str, on: date) -> set[str]:
    """The conditions the eligibility rules in force on `on` set for a crime (none for most)."""
    try:
        rule = default_rules().in_force("remisi-eligibility", on)
    except LookupError:
        return set()
    return set(rule.values["special_crime_conditions"].get(crime, []))


class DetainingAuthority(StrEnum):
    """Who holds a detainee (tahanan) at the current stage of the case: it decides whose order
    extends or ends the detention. The register's codes A I to A V follow this order [unconfirmed
    mapping, domain.md §3.4]."""

    PENYIDIK = "penyidik"  # investigator: Polri, KPK, BNN, PPNS (A I)
    PENUNTUT_UMUM = "penuntut-umum"  # prosecutor (A II)
    PENGADILAN_NEGERI = "pengadilan-negeri"  # first-instance court (A III)
    PENGADILAN_TINGGI = "pengadilan-tinggi"  # appeal court (A IV)
    MAHKAMAH_AGUNG = "mahkamah-agung"  # cassation (A V)


class ReleaseReason(StrEnum):
    EXPIRATION = "expiration"  # sentence served (ekspirasi)
    REMISSION_II = "remission-ii"
    PB = "pb"
    CB = "cb"
    CMB = "cmb"
    COURT_ORDER = "court-order"
    DEATH = "death"


class TransferReason(StrEnum):
    """Why an inmate is moved to another UPT (pemindahan WBP)."""

    DECONGESTION = "decongestion"  # overcrowding: pengurangan kelebihan penghuni
    SECURITY = "security"  # keamanan dan ketertiban
    PROGRAMME = "programme"  # pembinaan
    COURT = "court"  # kepentingan proses peradilan
    HEALTH = "health"  # perawatan kesehatan
    FAMILY = "family"  # dekat dengan keluarga
    OTHER = "other"


@dataclass(frozen=True)
class Transfer:
    """One move of an inmate from one UPT to another, as the register's history keeps it."""

    transfer_id: str
    inmate_id: str
    from_upt_code: str
    from_kanwil_code: str
    to_upt_code: str
    to_kanwil_code: str
    transferred_on: date
    reason: TransferReason
    from_register_number: str
    to_register_number: str  # the register number at the destination (register numbers are per UPT)
    by: str
    at: datetime | None = None  # when it was recorded (set by the repository)


def upt_on(inmate: "Inmate", transfers: list[Transfer], on: date) -> tuple[str, str]:
    """The UPT and Kanwil holding the inmate on `on`, from the transfer history in the order the
    transfers happened. On the day of a transfer that is the destination."""
    if not transfers:
        return inmate.upt_code, inmate.kanwil_code
    held = (transfers[0].from_upt_code, transfers[0].from_kanwil_code)
    for t in transfers:
        if t.transferred_on <= on:
            held = (t.to_upt_code, t.to_kanwil_code)
    return held


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
    detaining_authority: DetainingAuthority | None = None  # for a detainee (tahanan)
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    @property
    def is_child(self) -> bool:
        return is_child_on(self.birth_date, self.admitted_on)

    def case_inputs(self) -> CaseInputs:
        return CaseInputs(
            self.inmate_id, self.upt_code, self.admitted_on, self.birth_date, self.is_child, self.religion.value, self.verdict
        )

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
        detaining_authority: DetainingAuthority | None = None,
    ) -> "Inmate":
        if custody_status is CustodyStatus.TAHANAN and detaining_authority is None:
            raise RuleViolation(
                "detaining_authority",
                "required-for-detainee",
                id="Tahanan harus dicatat dengan instansi yang menahan (penyidik, penuntut umum, pengadilan).",
                en="A detainee is recorded with the detaining authority (investigator, prosecutor, court).",
            )
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
        inmate.detaining_authority = detaining_authority
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

    def meet_condition(
        self, condition: str, *, met_on: date, evidence: str, applicable: set[str], today: date
    ) -> SpecialCondition:
        """Record that a condition is met. `applicable`: the special-crime conditions the rules
        in force set for this inmate's crime."""
        if self.released_on is not None:
            raise Conflict(id=f"WBP {self.inmate_id} sudah bebas.", en=f"Inmate {self.inmate_id} has been released.")
        if self.verdict is None:
            raise RuleViolation(
                "inmate_id",
                "verdict-recorded",
                id="Putusan belum dicatat; syarat khusus mengikuti jenis tindak pidana dalam putusan.",
                en="No verdict recorded yet; special conditions follow the crime in the verdict.",
            )
        allowed = set(applicable)
        if self.verdict.fine_substitute != NO_TIME:
            allowed.add(FINE_PAID)
        if condition not in allowed:
            raise RuleViolation(
                "condition",
                "condition-applies",
                id=f"Syarat '{condition}' tidak berlaku untuk WBP ini; yang berlaku: {', '.join(sorted(allowed)) or '-'}.",
                en=f"Condition '{condition}' does not apply to this inmate; applicable: {', '.join(sorted(allowed)) or '-'}.",
            )
        if met_on > today or met_on < self.admitted_on:
            raise RuleViolation(
                "met_on",
                "between-admission-and-today",
                id="Tanggal terpenuhi harus antara tanggal masuk dan hari ini.",
                en="The date it was met must lie between admission and today.",
            )
        self.events.append(
            SpecialConditionRecorded(inmate_id=self.inmate_id, upt_code=self.upt_code, condition=condition, met_on=met_on)
        )
        return SpecialCondition(self.inmate_id, condition, met_on, evidence)

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
        self.detaining_authority = None  # a convict serves the sentence; no authority detains them
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

    def transfer(
        self,
        *,
        transfer_id: str,
        to: Facility,
        on: date,
        reason: TransferReason,
        register_number: str | None,
        previous_transfer_on: date | None,
        at_large: bool,
        by: str,
        today: date,
    ) -> Transfer:
        """Move the inmate to another UPT. `today` is the destination's local date (the move is
        recorded when the inmate arrives); `register_number` is the number at the destination,
        by default the current one.

        Placement of children (domain.md §3.1: LPKA is the facility for children): a child (under
        18 on the transfer date) goes only to an LPKA, and an LPKA takes only inmates registered
        as children (under 18 at admission), so one who turned 18 may stay in or move between
        LPKAs or move to an adult facility (UU 11/2012 Pasal 86, as commonly cited; not in
        domain.md). The sex of an inmate is not registered, so Lapas Perempuan placement is not
        checked."""
        if self.released_on is not None:
            raise Conflict(
                id=f"WBP {self.inmate_id} sudah bebas pada {self.released_on.isoformat()}; tidak dapat dipindahkan.",
                en=f"Inmate {self.inmate_id} was released on {self.released_on.isoformat()} and cannot be transferred.",
            )
        if at_large:
            raise RuleViolation(
                "inmate_id",
                "not-at-large",
                id="WBP sedang melarikan diri; pemindahan dicatat setelah ditangkap kembali.",
                en="The inmate is at large; a transfer is recorded after recapture.",
            )
        if to.upt_type is UptType.BAPAS:
            raise RuleViolation(
                "to_upt_code",
                "not-a-bapas",
                id=f"{to.upt_code} adalah Bapas; Bapas membimbing klien di masyarakat dan tidak menampung WBP.",
                en=f"{to.upt_code} is a Bapas; a Bapas supervises clients in the community and holds no inmates.",
            )
        if to.upt_code == self.upt_code:
            raise RuleViolation(
                "to_upt_code",
                "different-upt",
                id=f"WBP sudah berada di {to.upt_code}.",
                en=f"The inmate is already in {to.upt_code}.",
            )
        if to.upt_type is UptType.LPKA and not self.is_child:
            raise RuleViolation(
                "to_upt_code",
                "lpka-for-children",
                id="LPKA hanya untuk anak; WBP ini tidak terdaftar sebagai anak.",
                en="An LPKA is for children; this inmate is not registered as a child.",
            )
        if age_on(self.birth_date, on) < CHILD_AGE_LIMIT_YEARS and to.upt_type is not UptType.LPKA:
            raise RuleViolation(
                "to_upt_code",
                "child-to-lpka",
                id="Anak hanya dapat dipindahkan ke LPKA.",
                en="A child can be transferred only to an LPKA.",
            )
        if on < self.admitted_on:
            raise RuleViolation(
                "transferred_on",
                "not-before-admission",
                id="Tanggal pindah tidak boleh sebelum tanggal masuk.",
                en="The transfer date cannot be before the admission date.",
            )
        if previous_transfer_on is not None and on < previous_transfer_on:
            raise RuleViolation(
                "transferred_on",
                "not-before-previous-transfer",
                id=f"Tanggal pindah tidak boleh sebelum pemindahan sebelumnya ({previous_transfer_on.isoformat()}).",
                en=f"The transfer date cannot be before the previous transfer ({previous_transfer_on.isoformat()}).",
            )
        if on > today:
            raise RuleViolation(
                "transferred_on",
                "not-in-future",
                id="Pemindahan dicatat saat terjadi, bukan sebelumnya.",
                en="A transfer is recorded when it happens, not ahead of time.",
            )
        transfer = Transfer(
            transfer_id=transfer_id,
            inmate_id=self.inmate_id,
            from_upt_code=self.upt_code,
            from_kanwil_code=self.kanwil_code,
            to_upt_code=to.upt_code,
            to_kanwil_code=to.kanwil_code,
            transferred_on=on,
            reason=reason,
            from_register_number=self.register_number,
            to_register_number=register_number or self.register_number,
            by=by,
        )
        self.upt_code, self.kanwil_code = to.upt_code, to.kanwil_code
        self.register_number = transfer.to_register_number
        self.events.append(
            InmateTransferred(
                transfer_id=transfer_id,
                inmate_id=self.inmate_id,
                from_upt_code=transfer.from_upt_code,
                to_upt_code=transfer.to_upt_code,
                from_kanwil_code=transfer.from_kanwil_code,
                to_kanwil_code=transfer.to_kanwil_code,
                transferred_on=on,
                reason=reason.value,
            )
        )
        return transfer
