"""Vendors and contracts: register a vendor for a UPT's tender, sign a contract (state, event
and audit in one unit of work), read and list them in the caller's scope."""

from datetime import date

from pas_food_audit.adapters.repository import ContractRepository, Filter, VendorRepository, contract_row, vendor_row
from pas_food_audit.adapters.tables import facilities
from pas_food_audit.domain.contracts import (
    Contract,
    PenaltyClause,
    Vendor,
    Weekday,
    contract_not_found,
    vendor_not_found,
)
from pas_shared.api import Page, Scope
from pas_shared.db import Database, UnitOfWork
from pas_shared.directory import require_upt
from pas_shared.errors import Conflict, RuleViolation
from pas_shared.ids import new_id


async def register_vendor(
    db: Database, *, name: str, npwp: str | None, address: str, upt_code: str, scope: Scope, actor: str
) -> Vendor:
    async with UnitOfWork(db, actor=actor) as uow:
        upt = await require_upt(uow.session, facilities, upt_code, scope=scope)
        repo = VendorRepository(uow.session)
        if await repo.name_taken(upt.upt_code, name):
            raise Conflict(
                id=f"Penyedia {name} sudah terdaftar di {upt_code}.", en=f"Vendor {name} is already registered in {upt_code}."
            )
        vendor = Vendor(new_id(), name, npwp, address, upt.upt_code, upt.kanwil_code)
        await repo.add(vendor, by=actor)
        uow.audit("vendor.registered", "vendor", vendor.vendor_id, after=vendor_row(vendor))
    return vendor


async def get_vendor(db: Database, vendor_id: str, scope: Scope) -> Vendor:
    async with db.sessions() as session:
        found = await VendorRepository(session).get(vendor_id, scope)
    if found is None:
        raise vendor_not_found(vendor_id)
    return found


async def list_vendors(db: Database, f: Filter, scope: Scope, page: Page) -> tuple[list[Vendor], int]:
    async with db.sessions() as session:
        return await VendorRepository(session).search(f, scope, page)


async def sign_contract(
    db: Database,
    *,
    vendor_id: str,
    contract_number: str,
    tender_reference: str,
    province: str,
    starts_on: date,
    ends_on: date,
    value_rupiah: int,
    daily_ration_cost_rupiah: int,
    delivery_days: list[Weekday],
    penalty: PenaltyClause | None,
    scope: Scope,
    actor: str,
) -> Contract:
    async with UnitOfWork(db, actor=actor) as uow:
        vendor = await VendorRepository(uow.session).get(vendor_id, scope)
        if vendor is None:
            raise RuleViolation(
                "vendor_id",
                "vendor-registered",
                id=f"Penyedia {vendor_id} belum terdaftar.",
                en=f"Vendor {vendor_id} is not registered.",
            )
        contract = Contract.sign(
            contract_id=new_id(),
            contract_number=contract_number,
            tender_reference=tender_reference,
            vendor=vendor,
            province=province,
            starts_on=starts_on,
            ends_on=ends_on,
            value_rupiah=value_rupiah,
            daily_ration_cost_rupiah=daily_ration_cost_rupiah,
            delivery_days=delivery_days,
            penalty=penalty,
        )
        repo = ContractRepository(uow.session)
        if await repo.number_taken(vendor.upt_code, contract_number):
            raise Conflict(
                id=f"Nomor kontrak {contract_number} sudah dipakai di {vendor.upt_code}.",
                en=f"Contract number {contract_number} is already used in {vendor.upt_code}.",
            )
        await repo.add(contract, by=actor)
        uow.emit_recorded(
            contract.events, subject=contract.contract_id, uptcode=contract.upt_code, kanwilcode=contract.kanwil_code
        )
        uow.audit("contract.signed", "contract", contract.contract_id, after=contract_row(contract))
    return contract


async def get_contract(db: Database, contract_id: str, scope: Scope) -> Contract:
    async with db.sessions() as session:
        found = await ContractRepository(session).get(contract_id, scope)
    if found is None:
        raise contract_not_found(contract_id)
    return found


async def list_contracts(db: Database, f: Filter, scope: Scope, page: Page) -> tuple[list[Contract], int]:
    async with db.sessions() as session:
        return await ContractRepository(session).search(f, scope, page)
