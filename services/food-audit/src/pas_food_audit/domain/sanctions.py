"""Sanctions on a vendor under one contract, and the contract's standing they move:

    active    -> active (warning, fine) | suspended | terminated
    suspended -> suspended (warning, fine) | active (reinstatement) | terminated
    terminated -> terminated (a fine for deliveries before the end)

Warning letters are numbered (SP-1 .. SP-max, rule data); a suspension needs a warning first; a
fine covers a period of deliveries, counts each ration short of the order as a part of the
contract one day late under the contract's penalty clause, and all fines together stay within
the clause's cap; a termination names its ground, and the warnings-exhausted and
fines-reached-cap grounds are checked. Every sanction is kept with who, when and why.
"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from pydantic import BaseModel

from pas_food_audit.domain.contracts import Contract
from pas_food_audit.domain.deliveries import Delivery
from pas_food_audit.domain.rules import RuleBook, food_rules
from pas_shared.errors import RuleViolation
from pas_shared.events.food_audit import VendorSanctioned
from pas_shared.workflow import require_transition

SANCTIONS_RULE = "vendor-sanctions"


class Standing(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"


class SanctionKind(StrEnum):
    WARNING = "warning"  # surat peringatan (SP-1, SP-2, ...)
    FINE = "fine"  # denda
    SUSPENSION = "suspension"  # penghentian sementara
    REINSTATEMENT = "reinstatement"  # a suspension lifted
    TERMINATION = "termination"  # pemutusan kontrak


# From which standings each kind may be decided, and the standing it leaves.
ALLOWED_FROM: dict[SanctionKind, frozenset[Standing]] = {
    SanctionKind.WARNING: frozenset({Standing.ACTIVE, Standing.SUSPENDED}),
    SanctionKind.FINE: frozenset(Standing),
    SanctionKind.SUSPENSION: frozenset({Standing.ACTIVE}),
    SanctionKind.REINSTATEMENT: frozenset({Standing.SUSPENDED}),
    SanctionKind.TERMINATION: frozenset({Standing.ACTIVE, Standing.SUSPENDED}),
}
LEAVES: dict[SanctionKind, Standing | None] = {  # None: the standing does not change
    SanctionKind.WARNING: None,
    SanctionKind.FINE: None,
    SanctionKind.SUSPENSION: Standing.SUSPENDED,
    SanctionKind.REINSTATEMENT: Standing.ACTIVE,
    SanctionKind.TERMINATION: Standing.TERMINATED,
}


@dataclass(frozen=True)
class Sanction:
    sanction_id: str
    contract_id: str
    kind: SanctionKind
    decided_on: date
    from_status: Standing
    to_status: Standing
    by: str
    why: str
    letter_number: str | None = None
    warning_level: int | None = None
    amount_rupiah: int | None = None
    amount_before_cap_rupiah: int | None = None
    shortfall_rations: int | None = None
    period_from: date | None = None
    period_to: date | None = None
    ground: str | None = None


@dataclass(frozen=True)
class Fine:
    shortfall_rations: int
    shortfall_value_rupiah: int
    before_cap_rupiah: int
    cap_rupiah: int
    amount_rupiah: int  # before_cap, within what the cap leaves


def fine_for(contract: Contract, deliveries: list[Delivery], *, fined_so_far: int) -> Fine:
    """Each ration short of the order (accepted below ordered) is a part of the contract one day
    late: shortfall rations x daily ration cost x the clause's per mille, rounded down once."""
    rations = sum(d.shortfall_vs_order for d in deliveries)
    value = sum(d.shortfall_vs_order * d.daily_ration_cost_rupiah for d in deliveries)
    before_cap = value * contract.penalty.late_penalty_permille_per_day // 1000
    cap = contract.value_rupiah * contract.penalty.penalty_cap_pct // 100
    return Fine(rations, value, before_cap, cap, max(0, min(before_cap, cap - fined_so_far)))


def termination_grounds(on: date, rules: RuleBook | None = None) -> dict[str, tuple[str, str]]:
    """Ground code -> (name, what is checked: warnings, fines or none)."""
    listed = (rules or food_rules()).in_force(SANCTIONS_RULE, on).values["termination_grounds"]
    return {g["code"]: (g["name"], g["check"]) for g in listed}


@dataclass
class ContractStanding:
    contract: Contract
    status: Standing = Standing.ACTIVE
    since: date | None = None  # the day the current standing began
    sanctions: list[Sanction] = field(default_factory=list)
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    @property
    def warnings(self) -> int:
        return sum(1 for s in self.sanctions if s.kind is SanctionKind.WARNING)

    @property
    def fines_rupiah(self) -> int:
        return sum(s.amount_rupiah or 0 for s in self.sanctions if s.kind is SanctionKind.FINE)

    def accepts_delivery_on(self, day: date) -> bool:
        """A suspended or terminated vendor supplies nothing from the day it took effect."""
        return self.status is Standing.ACTIVE or self.since is None or day < self.since

    def decide(
        self,
        *,
        sanction_id: str,
        kind: SanctionKind,
        decided_on: date,
        today: date,
        by: str,
        why: str,
        vendor_name: str,
        letter_number: str | None = None,
        period: tuple[date, date] | None = None,
        deliveries: list[Delivery] | None = None,
        ground: str | None = None,
        rules: RuleBook | None = None,
    ) -> Sanction:
        """`deliveries`: the contract's deliveries in `period` (fines). `today`: the UPT's date."""
        c = self.contract
        to = LEAVES[kind] or self.status
        allowed = {s: ({to} if s in ALLOWED_FROM[kind] else set()) for s in Standing}
        require_transition(
            allowed,
            self.status,
            to,
            what_id=f"Kontrak {c.contract_number}",
            what_en=f"Contract {c.contract_number}",
            detail_id=f" ({kind.value})",
            detail_en=f" ({kind.value})",
        )
        self._check_date(kind, decided_on, today)
        values = (rules or food_rules()).in_force(SANCTIONS_RULE, decided_on).values
        level = amount = before_cap = rations = None
        if kind is not SanctionKind.FINE and period is not None:
            raise RuleViolation(
                "period_from", "fines-only", id="Periode hanya untuk denda.", en="A period is given for fines only."
            )
        if kind is not SanctionKind.TERMINATION and ground is not None:
            raise RuleViolation(
                "ground", "termination-only", id="Alasan pemutusan hanya untuk pemutusan.", en="A ground is for terminations."
            )
        if kind is SanctionKind.WARNING:
            level = self.warnings + 1
            if level > int(values["max_warnings"]):
                raise RuleViolation(
                    "kind",
                    "within-max-warnings",
                    id=f"Surat peringatan terakhir (SP-{values['max_warnings']}) sudah diberikan; putuskan kontrak.",
                    en=f"The last warning (SP-{values['max_warnings']}) was already given; terminate the contract.",
                )
            if not letter_number:
                raise RuleViolation(
                    "letter_number",
                    "required-for-warning",
                    id="Nomor surat peringatan wajib.",
                    en="A warning letter needs its number.",
                )
        elif kind is SanctionKind.SUSPENSION and self.warnings < int(values["warnings_before_suspension"]):
            raise RuleViolation(
                "kind",
                "warned-before-suspension",
                id=f"Penghentian sementara didahului {values['warnings_before_suspension']} surat peringatan.",
                en=f"A suspension needs {values['warnings_before_suspension']} warning letter(s) first.",
            )
        elif kind is SanctionKind.FINE:
            fine = self._fine(period, deliveries or [], today)
            amount, before_cap, rations = fine.amount_rupiah, fine.before_cap_rupiah, fine.shortfall_rations
        elif kind is SanctionKind.TERMINATION:
            self._check_ground(ground, decided_on, rules)
        sanction = Sanction(
            sanction_id=sanction_id,
            contract_id=c.contract_id,
            kind=kind,
            decided_on=decided_on,
            from_status=self.status,
            to_status=to,
            by=by,
            why=why,
            letter_number=letter_number,
            warning_level=level,
            amount_rupiah=amount,
            amount_before_cap_rupiah=before_cap,
            shortfall_rations=rations,
            period_from=period[0] if period else None,
            period_to=period[1] if period else None,
            ground=ground,
        )
        if to is not self.status:
            self.status, self.since = to, decided_on
        self.sanctions.append(sanction)
        self.events.append(
            VendorSanctioned(
                sanction_id=sanction_id,
                contract_id=c.contract_id,
                contract_number=c.contract_number,
                vendor_id=c.vendor.vendor_id,
                vendor_name=vendor_name,
                upt_code=c.upt_code,
                kind=kind.value,
                decided_on=decided_on,
                warning_level=level,
                amount_rupiah=amount,
                period_from=sanction.period_from,
                period_to=sanction.period_to,
                ground=ground,
                from_status=sanction.from_status.value,
                status=to.value,
                why=why,
            )
        )
        return sanction

    def _check_date(self, kind: SanctionKind, decided_on: date, today: date) -> None:
        c = self.contract
        if decided_on > today:
            raise RuleViolation(
                "decided_on", "not-in-future", id="Sanksi dicatat setelah diputuskan.", en="A sanction is recorded once decided."
            )
        if decided_on < c.starts_on or (kind is not SanctionKind.FINE and decided_on > c.ends_on):
            raise RuleViolation(
                "decided_on",
                "within-contract-period",
                id=f"Tanggal keputusan di luar masa kontrak ({c.starts_on} s.d. {c.ends_on}).",
                en=f"The decision date is outside the contract period ({c.starts_on} to {c.ends_on}).",
            )
        last = max((s.decided_on for s in self.sanctions), default=None)
        if last is not None and decided_on < last:
            raise RuleViolation(
                "decided_on",
                "not-before-previous-sanction",
                id=f"Tanggal tidak boleh sebelum sanksi sebelumnya ({last.isoformat()}).",
                en=f"The date cannot be before the previous sanction ({last.isoformat()}).",
            )

    def _fine(self, period: tuple[date, date] | None, deliveries: list[Delivery], today: date) -> Fine:
        c = self.contract
        if period is None:
            raise RuleViolation(
                "period_from", "required-for-fine", id="Denda menyebut periode pengiriman.", en="A fine names a delivery period."
            )
        start, end = period
        if end < start:
            raise RuleViolation(
                "period_to", "not-before-period-from", id="Periode terbalik.", en="The period ends before it starts."
            )
        if start < c.starts_on or end > c.ends_on or end > today:
            raise RuleViolation(
                "period_to" if end > c.ends_on or end > today else "period_from",
                "within-contract-period",
                id="Periode denda berada dalam masa kontrak dan tidak melewati hari ini.",
                en="The fined period lies within the contract and not after today.",
            )
        for s in self.sanctions:
            if s.kind is SanctionKind.FINE and s.period_from and s.period_to and start <= s.period_to and s.period_from <= end:
                raise RuleViolation(
                    "period_from",
                    "period-fined-once",
                    id=f"Periode {s.period_from} s.d. {s.period_to} sudah didenda.",
                    en=f"The period {s.period_from} to {s.period_to} was already fined.",
                )
        fine = fine_for(c, [d for d in deliveries if start <= d.delivered_on <= end], fined_so_far=self.fines_rupiah)
        if fine.shortfall_rations == 0:
            raise RuleViolation(
                "period_from",
                "shortfall-in-period",
                id="Tidak ada kekurangan pengiriman dalam periode ini; tidak ada denda.",
                en="No delivery fell short in this period; there is nothing to fine.",
            )
        if fine.amount_rupiah == 0:
            raise RuleViolation(
                "kind",
                "within-fine-cap",
                id=f"Denda sudah mencapai batas Rp{fine.cap_rupiah:,}; pertimbangkan pemutusan kontrak.",
                en=f"Fines have reached the cap of Rp{fine.cap_rupiah:,}; consider terminating the contract.",
            )
        return fine

    def _check_ground(self, ground: str | None, on: date, rules: RuleBook | None) -> None:
        grounds = termination_grounds(on, rules)
        if ground is None or ground not in grounds:
            raise RuleViolation(
                "ground",
                "listed",
                id=f"Sebutkan alasan pemutusan ({', '.join(sorted(grounds))}).",
                en=f"Name the ground of termination ({', '.join(sorted(grounds))}).",
            )
        check = grounds[ground][1]
        values = (rules or food_rules()).in_force(SANCTIONS_RULE, on).values
        if check == "warnings" and self.warnings < int(values["max_warnings"]):
            raise RuleViolation(
                "ground",
                "warnings-exhausted",
                id=f"Baru {self.warnings} dari {values['max_warnings']} surat peringatan.",
                en=f"Only {self.warnings} of {values['max_warnings']} warning letters were given.",
            )
        cap = self.contract.value_rupiah * self.contract.penalty.penalty_cap_pct // 100
        if check == "fines" and self.fines_rupiah < cap:
            raise RuleViolation(
                "ground",
                "fines-reached-cap",
                id=f"Denda Rp{self.fines_rupiah:,} belum mencapai batas Rp{cap:,}.",
                en=f"Fines of Rp{self.fines_rupiah:,} have not reached the cap of Rp{cap:,}.",
            )
