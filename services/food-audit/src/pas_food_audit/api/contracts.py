"""Routes for vendors and their contracts."""

from dataclasses import replace
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from pas_food_audit.api.schemas import Body, FilterDep
from pas_food_audit.app import contracts
from pas_food_audit.domain.contracts import Contract, CostCheck, PenaltyClause, Vendor, Weekday
from pas_shared.api import ActorDep, DatabaseDep, PageDep, PageOut, ScopeDep
from pas_shared.events.remission import UPT_CODE

router = APIRouter(prefix="/api/v1", tags=["vendors and contracts"])

PROVINCE = r"^[a-z][a-z-]{1,39}$"


class VendorIn(Body):
    name: str = Field(min_length=2, max_length=200, examples=["CV Sumber Pangan"])
    npwp: str | None = Field(default=None, pattern=r"^[0-9.\-]{15,22}$", description="Taxpayer number (NPWP), as in the tender.")
    address: str = Field(min_length=3, max_length=300)
    upt_code: str = Field(pattern=UPT_CODE, description="The UPT whose annual tender the vendor won.")


class VendorOut(BaseModel):
    vendor_id: str
    name: str
    npwp: str | None
    address: str
    upt_code: str
    kanwil_code: str


class PenaltyIn(Body):
    late_penalty_permille_per_day: int = Field(ge=0, le=1000)
    penalty_cap_pct: int = Field(ge=0, le=100)
    text: str = Field(default="", max_length=1000, description="The clause as the contract words it.")


class ContractIn(Body):
    vendor_id: str = Field(min_length=1, max_length=36)
    contract_number: str = Field(min_length=1, max_length=100)
    tender_reference: str = Field(min_length=1, max_length=100, description="The tender (lelang) the contract comes from.")
    province: str = Field(
        pattern=PROVINCE, description="For the cost standard, e.g. dki-jakarta, jawa-barat.", examples=["dki-jakarta"]
    )
    starts_on: date
    ends_on: date
    value_rupiah: int = Field(strict=True, gt=0, le=10**13)
    daily_ration_cost_rupiah: int = Field(strict=True, gt=0, le=10**7, description="One inmate's rations for one day.")
    delivery_days: list[Weekday] = Field(min_length=1, max_length=7)
    penalty: PenaltyIn | None = Field(
        default=None, description="Default: the rule data's clause (1 per mille a day, capped at 5%)."
    )


class CostStandardOut(BaseModel):
    fiscal_year: int
    province: str
    rupiah: int | None
    regulation: str
    status: str


class PenaltyOut(BaseModel):
    late_penalty_permille_per_day: int
    penalty_cap_pct: int
    text: str


class ContractOut(BaseModel):
    contract_id: str
    contract_number: str
    tender_reference: str
    vendor: VendorOut
    upt_code: str
    kanwil_code: str
    province: str
    fiscal_year: int
    starts_on: date
    ends_on: date
    value_rupiah: int
    daily_ration_cost_rupiah: int
    delivery_days: list[Weekday]
    penalty: PenaltyOut
    cost_standard: CostStandardOut
    cost_check: CostCheck
    ratio_to_standard_pct: float | None = Field(description="Daily ration cost / standard x 100, one decimal.")


def vendor_out(v: Vendor) -> VendorOut:
    return VendorOut(
        vendor_id=v.vendor_id, name=v.name, npwp=v.npwp, address=v.address, upt_code=v.upt_code, kanwil_code=v.kanwil_code
    )


def contract_out(c: Contract) -> ContractOut:
    s = c.standard
    ratio = round(100 * c.daily_ration_cost_rupiah / s.rupiah, 1) if s.rupiah else None
    return ContractOut(
        contract_id=c.contract_id,
        contract_number=c.contract_number,
        tender_reference=c.tender_reference,
        vendor=vendor_out(c.vendor),
        upt_code=c.upt_code,
        kanwil_code=c.kanwil_code,
        province=c.province,
        fiscal_year=c.fiscal_year,
        starts_on=c.starts_on,
        ends_on=c.ends_on,
        value_rupiah=c.value_rupiah,
        daily_ration_cost_rupiah=c.daily_ration_cost_rupiah,
        delivery_days=list(c.delivery_days),
        penalty=PenaltyOut(**vars(c.penalty)),
        cost_standard=CostStandardOut(
            fiscal_year=s.fiscal_year, province=s.province, rupiah=s.rupiah, regulation=s.regulation, status=s.status
        ),
        cost_check=c.cost_check,
        ratio_to_standard_pct=ratio,
    )


@router.post("/vendors", status_code=status.HTTP_201_CREATED, operation_id="registerVendor")
async def register_vendor(body: VendorIn, db: DatabaseDep, actor: ActorDep, scope: ScopeDep) -> VendorOut:
    v = await contracts.register_vendor(
        db, name=body.name, npwp=body.npwp, address=body.address, upt_code=body.upt_code, scope=scope, actor=actor
    )
    return vendor_out(v)


@router.get("/vendors/{vendor_id}", operation_id="getVendor")
async def get_vendor(vendor_id: str, db: DatabaseDep, scope: ScopeDep) -> VendorOut:
    return vendor_out(await contracts.get_vendor(db, vendor_id, scope))


@router.get("/vendors", operation_id="listVendors")
async def list_vendors(db: DatabaseDep, scope: ScopeDep, page: PageDep, f: FilterDep) -> PageOut[VendorOut]:
    found, total = await contracts.list_vendors(db, f, scope, page)
    return PageOut(items=[vendor_out(v) for v in found], total=total, limit=page.limit, offset=page.offset)


@router.post("/contracts", status_code=status.HTTP_201_CREATED, operation_id="signContract")
async def sign_contract(body: ContractIn, db: DatabaseDep, actor: ActorDep, scope: ScopeDep) -> ContractOut:
    c = await contracts.sign_contract(
        db,
        vendor_id=body.vendor_id,
        contract_number=body.contract_number,
        tender_reference=body.tender_reference,
        province=body.province,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        value_rupiah=body.value_rupiah,
        daily_ration_cost_rupiah=body.daily_ration_cost_rupiah,
        delivery_days=body.delivery_days,
        penalty=PenaltyClause(**body.penalty.model_dump()) if body.penalty else None,
        scope=scope,
        actor=actor,
    )
    return contract_out(c)


@router.get("/contracts/{contract_id}", operation_id="getContract")
async def get_contract(contract_id: str, db: DatabaseDep, scope: ScopeDep) -> ContractOut:
    return contract_out(await contracts.get_contract(db, contract_id, scope))


@router.get("/contracts", operation_id="listContracts")
async def list_contracts(
    db: DatabaseDep,
    scope: ScopeDep,
    page: PageDep,
    f: FilterDep,
    vendor_id: Annotated[str | None, Query(max_length=36)] = None,
) -> PageOut[ContractOut]:
    """`from`/`to`: contracts running at some point of that period."""
    found, total = await contracts.list_contracts(db, replace(f, vendor_id=vendor_id), scope, page)
    return PageOut(items=[contract_out(c) for c in found], total=total, limit=page.limit, offset=page.offset)
