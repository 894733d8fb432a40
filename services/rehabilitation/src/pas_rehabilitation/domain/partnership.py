"""Partnerships: memoranda (MoU, PKS) of Ditjenpas, a Kanwil or a UPT with other agencies,
companies and marketplaces, for a period and a scope (areas of cooperation), with the UPTs
taking part and the products covered.

    active -> expired (the day after ends_on) | terminated (early, with why)
    active, expired -> active (renewed: a renewal or addendum with a later end)

Warnings go out ahead of the end, once per threshold (days in rule data).
"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from pydantic import BaseModel

from pas_rehabilitation.domain.catalogue import in_force, require_listed
from pas_shared.errors import FieldError, NotFound, RuleViolation
from pas_shared.events.rehabilitation import PartnershipEnded, PartnershipExpiryWarned, PartnershipRenewed, PartnershipSigned
from pas_shared.rules import RuleBook
from pas_shared.workflow import require_transition


class PartnershipStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    TERMINATED = "terminated"


NEXT: dict[PartnershipStatus, set[PartnershipStatus]] = {
    PartnershipStatus.ACTIVE: {PartnershipStatus.EXPIRED, PartnershipStatus.TERMINATED, PartnershipStatus.ACTIVE},
    PartnershipStatus.EXPIRED: {PartnershipStatus.ACTIVE},
    PartnershipStatus.TERMINATED: set(),
}


class PartnershipLevel(StrEnum):
    """Who signed: a UPT, a Kanwil, or Ditjenpas for the nation."""

    UPT = "upt"
    KANWIL = "kanwil"
    NATIONAL = "national"


def partner_kinds(on: date, book: RuleBook | None = None) -> dict[str, str]:
    return {k["code"]: k["name"] for k in in_force("partnerships", on, book).values["kinds"]}


def cooperation_areas(on: date, book: RuleBook | None = None) -> dict[str, str]:
    return {a["code"]: a["name"] for a in in_force("partnerships", on, book).values["areas"]}


def expiry_warning_days(on: date, book: RuleBook | None = None) -> tuple[int, ...]:
    return tuple(sorted((int(d) for d in in_force("partnerships", on, book).values["expiry_warning_days"]), reverse=True))


@dataclass(frozen=True)
class PartnershipTransition:
    from_status: PartnershipStatus
    to_status: PartnershipStatus
    on: date
    by: str
    why: str
    document_number: str


@dataclass(frozen=True)
class Participant:
    upt_code: str
    kanwil_code: str


@dataclass
class Partnership:
    partnership_id: str
    level: PartnershipLevel
    upt_code: str | None  # the signing UPT (level upt)
    kanwil_code: str | None  # the signing Kanwil, or the signing UPT's (none for national)
    partner: str
    kind: str
    document_number: str
    signed_on: date
    starts_on: date
    ends_on: date
    scope: tuple[str, ...]
    participants: tuple[Participant, ...]
    product_ids: tuple[str, ...]
    status: PartnershipStatus = PartnershipStatus.ACTIVE
    warned_days: tuple[int, ...] = ()
    transitions: list[PartnershipTransition] = field(default_factory=list)
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def sign(
        cls,
        *,
        partnership_id: str,
        level: PartnershipLevel,
        upt_code: str | None,
        kanwil_code: str | None,
        partner: str,
        kind: str,
        document_number: str,
        signed_on: date,
        starts_on: date,
        ends_on: date,
        scope: tuple[str, ...],
        participants: tuple[Participant, ...],
        product_ids: tuple[str, ...],
        today: date,
        document_taken: bool,
        book: RuleBook | None = None,
    ) -> "Partnership":
        require_listed("kind", kind, partner_kinds(signed_on, book), "Jenis mitra", "Partner kind")
        areas = cooperation_areas(signed_on, book)
        if not scope:
            raise RuleViolation(
                "scope", "at-least-one", id="Sebutkan ruang lingkup kerja sama (minimal satu).", en="Name at least one area."
            )
        for n, area in enumerate(scope):
            require_listed(f"scope[{n}]", area, areas, "Ruang lingkup", "Area of cooperation")
        if len(set(scope)) != len(scope):
            raise RuleViolation("scope", "listed-once", id="Setiap ruang lingkup dicatat sekali.", en="Each area is listed once.")
        if signed_on > today:
            raise RuleViolation(
                "signed_on",
                "not-in-future",
                id="Kerja sama dicatat setelah ditandatangani.",
                en="A memorandum is recorded once signed.",
            )
        if starts_on < signed_on:
            raise RuleViolation(
                "starts_on",
                "not-before-signed-on",
                id="Masa berlaku tidak dapat mulai sebelum penandatanganan.",
                en="The period cannot start before the signing.",
            )
        if ends_on < starts_on:
            raise RuleViolation(
                "ends_on",
                "not-before-starts-on",
                id="Akhir masa berlaku sebelum awalnya.",
                en="The period ends before it starts.",
            )
        if ends_on < today:
            raise RuleViolation(
                "ends_on",
                "not-ended",
                id="Kerja sama yang sudah berakhir tidak dicatat sebagai baru.",
                en="A memorandum that has already ended is not recorded as new.",
            )
        if document_taken:
            raise RuleViolation(
                "document_number",
                "one-record-per-document",
                id=f"Dokumen {document_number} sudah tercatat.",
                en=f"Document {document_number} is already recorded.",
            )
        p = cls(
            partnership_id,
            level,
            upt_code,
            kanwil_code,
            partner,
            kind,
            document_number,
            signed_on,
            starts_on,
            ends_on,
            scope,
            participants,
            product_ids,
        )
        p.events.append(
            PartnershipSigned(
                partnership_id=partnership_id,
                level=level.value,
                upt_code=upt_code,
                kanwil_code=kanwil_code,
                partner=partner,
                kind=kind,
                document_number=document_number,
                signed_on=signed_on,
                starts_on=starts_on,
                ends_on=ends_on,
                scope=list(scope),
                upt_codes=[x.upt_code for x in participants],
                product_ids=list(product_ids),
            )
        )
        return p

    def _move(self, to: PartnershipStatus, *, on: date, today: date, by: str, why: str, document_number: str = "") -> None:
        require_transition(
            NEXT, self.status, to, what_id=f"Kerja sama {self.document_number}", what_en=f"Partnership {self.document_number}"
        )
        if on > today:
            raise RuleViolation(
                "on", "not-in-future", id="Perubahan dicatat setelah terjadi.", en="A change is recorded after it happens."
            )
        last = self.transitions[-1].on if self.transitions else self.signed_on
        if on < last:
            raise RuleViolation(
                "on",
                "not-before-previous-change",
                id=f"Tanggal tidak boleh sebelum perubahan sebelumnya ({last.isoformat()}).",
                en=f"The date cannot be before the previous change ({last.isoformat()}).",
            )
        self.transitions.append(PartnershipTransition(self.status, to, on, by, why, document_number or self.document_number))
        self.status = to

    def terminate(self, *, on: date, today: date, by: str, why: str) -> None:
        self._move(PartnershipStatus.TERMINATED, on=on, today=today, by=by, why=why)
        self.events.append(self._ended(on, why))

    def renew(
        self, *, document_number: str, ends_on: date, on: date, today: date, by: str, why: str, document_taken: bool
    ) -> None:
        what_id, what_en = f"Kerja sama {self.document_number}", f"Partnership {self.document_number}"
        require_transition(NEXT, self.status, PartnershipStatus.ACTIVE, what_id=what_id, what_en=what_en)
        if ends_on <= self.ends_on:
            raise RuleViolation(
                "ends_on",
                "after-current-end",
                id=f"Perpanjangan harus berakhir setelah {self.ends_on.isoformat()}.",
                en=f"A renewal must end after {self.ends_on.isoformat()}.",
            )
        if ends_on < today:
            raise RuleViolation(
                "ends_on",
                "not-ended",
                id="Perpanjangan yang sudah berakhir tidak berarti.",
                en="A renewal that has ended means nothing.",
            )
        if document_taken and document_number != self.document_number:
            raise RuleViolation(
                "document_number",
                "one-record-per-document",
                id=f"Dokumen {document_number} sudah tercatat.",
                en=f"Document {document_number} is already recorded.",
            )
        previous = self.ends_on
        self._move(PartnershipStatus.ACTIVE, on=on, today=today, by=by, why=why, document_number=document_number)
        self.document_number, self.ends_on = document_number, ends_on
        self.warned_days = ()
        self.events.append(
            PartnershipRenewed(
                partnership_id=self.partnership_id,
                level=self.level.value,
                partner=self.partner,
                document_number=document_number,
                renewed_on=on,
                previous_ends_on=previous,
                ends_on=ends_on,
            )
        )

    def check_expiry(self, *, today: date, book: RuleBook | None = None) -> bool:
        """On `today` (the signing unit's local date): an active partnership past its end expires;
        one within a warning threshold is warned once per threshold (a late check sends one
        warning for the nearest threshold reached). Returns whether anything changed."""
        if self.status is not PartnershipStatus.ACTIVE:
            return False
        if today > self.ends_on:
            self._move(PartnershipStatus.EXPIRED, on=today, today=today, by="system", why="ends_on passed")
            self.events.append(self._ended(today, "ends_on passed"))
            return True
        days_left = (self.ends_on - today).days
        reached = [d for d in expiry_warning_days(today, book) if days_left <= d and d not in self.warned_days]
        if not reached:
            return False
        self.warned_days = tuple(sorted({*self.warned_days, *reached}, reverse=True))
        self.events.append(
            PartnershipExpiryWarned(
                partnership_id=self.partnership_id,
                level=self.level.value,
                partner=self.partner,
                document_number=self.document_number,
                ends_on=self.ends_on,
                days_left=days_left,
                threshold_days=min(reached),
            )
        )
        return True

    def in_force_on(self, on: date) -> bool:
        return self.status is PartnershipStatus.ACTIVE and self.starts_on <= on <= self.ends_on

    def _ended(self, on: date, why: str) -> PartnershipEnded:
        return PartnershipEnded(
            partnership_id=self.partnership_id,
            level=self.level.value,
            partner=self.partner,
            document_number=self.document_number,
            status=self.status.value,
            ended_on=on,
            why=why,
        )


def partnership_not_found(partnership_id: str) -> NotFound:
    return NotFound(
        id=f"Kerja sama {partnership_id} tidak ditemukan.",
        en=f"Partnership {partnership_id} does not exist.",
        errors=[FieldError("partnership_id", "partnership-exists", "Kerja sama tidak ditemukan.", "No such partnership.")],
    )
