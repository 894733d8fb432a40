"""Deliveries: record one day's delivery under a contract against that day's headcount (the
local roster, kept from remission's inmate events), and list them with totals and the cost per
inmate per day."""

from dataclasses import dataclass
from datetime import date

from pas_food_audit.adapters.repository import ContractRepository, DeliveryRepository, Filter, delivery_row
from pas_food_audit.adapters.sanctions import SanctionRepository
from pas_food_audit.adapters.tables import facilities
from pas_food_audit.domain.deliveries import Delivery
from pas_shared.api import Page, Scope
from pas_shared.clock import Clock
from pas_shared.db import Database, UnitOfWork
from pas_shared.directory import require_upt
from pas_shared.errors import Conflict, NotFound, RuleViolation
from pas_shared.ids import new_id


async def record_delivery(
    db: Database,
    *,
    contract_id: str,
    delivered_on: date,
    ordered_rations: int,
    delivered_rations: int,
    rejected_rations: int,
    rejection_reason: str | None,
    notes: str,
    scope: Scope,
    actor: str,
    clock: Clock,
) -> Delivery:
    async with UnitOfWork(db, actor=actor) as uow:
        contract = await ContractRepository(uow.session).get(contract_id, scope)
        if contract is None:
            raise RuleViolation(
                "contract_id",
                "contract-registered",
                id=f"Kontrak {contract_id} tidak terdaftar.",
                en=f"Contract {contract_id} is not registered.",
            )
        standing = await SanctionRepository(uow.session).standing(contract)
        if not standing.accepts_delivery_on(delivered_on):
            raise RuleViolation(
                "contract_id",
                f"contract-{standing.status.value}",
                id=f"Kontrak {contract.contract_number} berstatus {standing.status.value} sejak {standing.since}.",
                en=f"Contract {contract.contract_number} is {standing.status.value} since {standing.since}.",
            )
        upt = await require_upt(uow.session, facilities, contract.upt_code)
        repo = DeliveryRepository(uow.session)
        delivery = Delivery.record(
            delivery_id=new_id(),
            contract=contract,
            delivered_on=delivered_on,
            headcount=await repo.headcount_on(contract.upt_code, delivered_on),
            ordered_rations=ordered_rations,
            delivered_rations=delivered_rations,
            rejected_rations=rejected_rations,
            rejection_reason=rejection_reason,
            notes=notes,
            today=upt.today(clock),
        )
        if await repo.recorded(contract_id, delivered_on):
            raise Conflict(
                id=f"Pengiriman kontrak {contract.contract_number} tanggal {delivered_on} sudah dicatat.",
                en=f"The delivery of contract {contract.contract_number} on {delivered_on} is already recorded.",
            )
        await repo.add(delivery, by=actor)
        uow.emit_recorded(
            delivery.events, subject=delivery.delivery_id, uptcode=delivery.upt_code, kanwilcode=delivery.kanwil_code
        )
        uow.audit("delivery.recorded", "delivery", delivery.delivery_id, after=delivery_row(delivery))
    return delivery


async def get_delivery(db: Database, delivery_id: str, scope: Scope) -> Delivery:
    async with db.sessions() as session:
        found = await DeliveryRepository(session).get(delivery_id, scope)
    if found is None:
        raise NotFound(id=f"Pengiriman {delivery_id} tidak ditemukan.", en=f"Delivery {delivery_id} not found.")
    return found


@dataclass(frozen=True)
class DeliveryTotals:
    """Over everything the filter matches, not only the page."""

    deliveries: int
    inmate_days: int  # the sum of each day's headcount
    accepted_rations: int
    rejected_rations: int
    cost_rupiah: int

    @property
    def cost_per_inmate_day_rupiah(self) -> int | None:
        if not self.inmate_days:
            return None
        return (2 * self.cost_rupiah + self.inmate_days) // (2 * self.inmate_days)


async def list_deliveries(
    db: Database, f: Filter, scope: Scope, page: Page, *, contract_id: str | None
) -> tuple[list[Delivery], int, DeliveryTotals]:
    async with db.sessions() as session:
        repo = DeliveryRepository(session)
        found, total = await repo.search(f, scope, page, contract_id=contract_id)
        t = await repo.totals(f, scope, contract_id=contract_id)
    return found, total, DeliveryTotals(t["deliveries"], t["inmate_days"], t["accepted"], t["rejected"], t["cost"])
