"""Deliveries: what was ordered, delivered and rejected on quality on one day under one
contract, against the number of inmates the UPT held that day. Shortfalls are flagged when the
delivery is recorded; nothing is refused for being short (the record is the evidence)."""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from pydantic import BaseModel

from pas_food_audit.domain.contracts import Contract, Weekday
from pas_shared.errors import RuleViolation
from pas_shared.events.food_audit import DeliveryRecorded


class DeliveryFlag(StrEnum):
    SHORT_OF_ORDER = "short-of-order"  # fewer rations accepted than ordered
    SHORT_OF_HEADCOUNT = "short-of-headcount"  # fewer rations accepted than inmates held that day
    REJECTED_ON_QUALITY = "rejected-on-quality"
    UNSCHEDULED_DAY = "unscheduled-day"  # not a day of the contract's delivery schedule


@dataclass
class Delivery:
    delivery_id: str
    contract_id: str
    vendor_id: str
    upt_code: str
    kanwil_code: str
    delivered_on: date
    headcount: int
    ordered_rations: int
    delivered_rations: int
    rejected_rations: int
    rejection_reason: str | None
    daily_ration_cost_rupiah: int
    scheduled: bool  # a day of the contract's delivery schedule
    notes: str
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    @property
    def accepted_rations(self) -> int:
        return self.delivered_rations - self.rejected_rations

    @property
    def shortfall_vs_order(self) -> int:
        return max(0, self.ordered_rations - self.accepted_rations)

    @property
    def shortfall_vs_headcount(self) -> int:
        return max(0, self.headcount - self.accepted_rations)

    @property
    def cost_rupiah(self) -> int:
        return self.accepted_rations * self.daily_ration_cost_rupiah

    @property
    def cost_per_inmate_rupiah(self) -> int | None:
        """Rupiah spent per inmate held that day (rounded half up); none with nobody held."""
        if self.headcount == 0:
            return None
        return (2 * self.cost_rupiah + self.headcount) // (2 * self.headcount)

    @property
    def flags(self) -> list[DeliveryFlag]:
        found = []
        if self.shortfall_vs_order:
            found.append(DeliveryFlag.SHORT_OF_ORDER)
        if self.shortfall_vs_headcount:
            found.append(DeliveryFlag.SHORT_OF_HEADCOUNT)
        if self.rejected_rations:
            found.append(DeliveryFlag.REJECTED_ON_QUALITY)
        if not self.scheduled:
            found.append(DeliveryFlag.UNSCHEDULED_DAY)
        return found

    @classmethod
    def record(
        cls,
        *,
        delivery_id: str,
        contract: Contract,
        delivered_on: date,
        headcount: int,
        ordered_rations: int,
        delivered_rations: int,
        rejected_rations: int,
        rejection_reason: str | None,
        notes: str,
        today: date,
    ) -> "Delivery":
        """`headcount`: inmates held in the contract's UPT on `delivered_on` (local roster);
        `today`: the UPT's local date."""
        if not contract.covers(delivered_on):
            raise RuleViolation(
                "delivered_on",
                "within-contract-period",
                id=f"Tanggal pengiriman di luar masa kontrak ({contract.starts_on} s.d. {contract.ends_on}).",
                en=f"The delivery date is outside the contract period ({contract.starts_on} to {contract.ends_on}).",
            )
        if delivered_on > today:
            raise RuleViolation(
                "delivered_on",
                "not-in-future",
                id="Pengiriman dicatat saat diterima, bukan sebelumnya.",
                en="A delivery is recorded when it arrives, not ahead of time.",
            )
        if rejected_rations > delivered_rations:
            raise RuleViolation(
                "rejected_rations",
                "rejected-within-delivered",
                id="Jumlah yang ditolak tidak boleh melebihi jumlah yang dikirim.",
                en="More rations cannot be rejected than were delivered.",
            )
        if rejected_rations and not rejection_reason:
            raise RuleViolation(
                "rejection_reason",
                "reason-for-rejection",
                id="Penolakan karena mutu wajib diberi alasan.",
                en="A rejection on quality needs a reason.",
            )
        d = cls(
            delivery_id=delivery_id,
            contract_id=contract.contract_id,
            vendor_id=contract.vendor.vendor_id,
            upt_code=contract.upt_code,
            kanwil_code=contract.kanwil_code,
            delivered_on=delivered_on,
            headcount=headcount,
            ordered_rations=ordered_rations,
            delivered_rations=delivered_rations,
            rejected_rations=rejected_rations,
            rejection_reason=rejection_reason or None,
            daily_ration_cost_rupiah=contract.daily_ration_cost_rupiah,
            scheduled=Weekday.of(delivered_on) in contract.delivery_days,
            notes=notes,
        )
        d.events.append(
            DeliveryRecorded(
                delivery_id=delivery_id,
                contract_id=d.contract_id,
                vendor_id=d.vendor_id,
                upt_code=d.upt_code,
                delivered_on=delivered_on,
                headcount=headcount,
                ordered_rations=ordered_rations,
                delivered_rations=delivered_rations,
                rejected_rations=rejected_rations,
                accepted_rations=d.accepted_rations,
                shortfall_vs_order=d.shortfall_vs_order,
                shortfall_vs_headcount=d.shortfall_vs_headcount,
                flags=[f.value for f in d.flags],
                cost_rupiah=d.cost_rupiah,
            )
        )
        return d
