"""Routes for deliveries: record one day's delivery under a contract, read one, list with
totals and the cost per inmate per day."""

from dataclasses import replace
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from pas_food_audit.api.schemas import Body, FilterDep
from pas_food_audit.app import deliveries
from pas_food_audit.domain.deliveries import Delivery, DeliveryFlag
from pas_shared.api import ActorDep, ClockDep, DatabaseDep, PageDep, ScopeDep

router = APIRouter(prefix="/api/v1/deliveries", tags=["deliveries"])


class DeliveryIn(Body):
    contract_id: str = Field(min_length=1, max_length=36)
    delivered_on: date = Field(description="The UPT's local date of the delivery.")
    ordered_rations: int = Field(strict=True, ge=0, le=100_000, description="Daily rations (one inmate, one day) ordered.")
    delivered_rations: int = Field(strict=True, ge=0, le=100_000)
    rejected_rations: int = Field(default=0, strict=True, ge=0, le=100_000, description="Delivered but rejected on quality.")
    rejection_reason: str | None = Field(default=None, max_length=500, description="Required when rations are rejected.")
    notes: str = Field(default="", max_length=1000)


class DeliveryOut(BaseModel):
    delivery_id: str
    contract_id: str
    vendor_id: str
    upt_code: str
    kanwil_code: str
    delivered_on: date
    headcount: int = Field(description="Inmates held in the UPT that day (this service's roster).")
    ordered_rations: int
    delivered_rations: int
    rejected_rations: int
    accepted_rations: int
    rejection_reason: str | None
    shortfall_vs_order: int
    shortfall_vs_headcount: int
    flags: list[DeliveryFlag]
    daily_ration_cost_rupiah: int
    cost_rupiah: int
    cost_per_inmate_rupiah: int | None
    notes: str


class DeliveryTotalsOut(BaseModel):
    deliveries: int
    inmate_days: int = Field(description="Sum of each delivery day's headcount.")
    accepted_rations: int
    rejected_rations: int
    cost_rupiah: int
    cost_per_inmate_day_rupiah: int | None = Field(description="cost_rupiah / inmate_days, rounded half up.")


class DeliveryListOut(BaseModel):
    items: list[DeliveryOut]
    total: int
    limit: int
    offset: int
    totals: DeliveryTotalsOut = Field(description="Over everything the filters match, not only this page.")


def delivery_out(d: Delivery) -> DeliveryOut:
    return DeliveryOut(
        delivery_id=d.delivery_id,
        contract_id=d.contract_id,
        vendor_id=d.vendor_id,
        upt_code=d.upt_code,
        kanwil_code=d.kanwil_code,
        delivered_on=d.delivered_on,
        headcount=d.headcount,
        ordered_rations=d.ordered_rations,
        delivered_rations=d.delivered_rations,
        rejected_rations=d.rejected_rations,
        accepted_rations=d.accepted_rations,
        rejection_reason=d.rejection_reason,
        shortfall_vs_order=d.shortfall_vs_order,
        shortfall_vs_headcount=d.shortfall_vs_headcount,
        flags=d.flags,
        daily_ration_cost_rupiah=d.daily_ration_cost_rupiah,
        cost_rupiah=d.cost_rupiah,
        cost_per_inmate_rupiah=d.cost_per_inmate_rupiah,
        notes=d.notes,
    )


@router.post("", status_code=status.HTTP_201_CREATED, operation_id="recordDelivery")
async def record(body: DeliveryIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep) -> DeliveryOut:
    d = await deliveries.record_delivery(
        db,
        contract_id=body.contract_id,
        delivered_on=body.delivered_on,
        ordered_rations=body.ordered_rations,
        delivered_rations=body.delivered_rations,
        rejected_rations=body.rejected_rations,
        rejection_reason=body.rejection_reason,
        notes=body.notes,
        scope=scope,
        actor=actor,
        clock=clock,
    )
    return delivery_out(d)


@router.get("/{delivery_id}", operation_id="getDelivery")
async def get(delivery_id: str, db: DatabaseDep, scope: ScopeDep) -> DeliveryOut:
    return delivery_out(await deliveries.get_delivery(db, delivery_id, scope))


@router.get("", operation_id="listDeliveries")
async def list_(
    db: DatabaseDep,
    scope: ScopeDep,
    page: PageDep,
    f: FilterDep,
    vendor_id: Annotated[str | None, Query(max_length=36)] = None,
    contract_id: Annotated[str | None, Query(max_length=36)] = None,
) -> DeliveryListOut:
    found, total, t = await deliveries.list_deliveries(db, replace(f, vendor_id=vendor_id), scope, page, contract_id=contract_id)
    return DeliveryListOut(
        items=[delivery_out(d) for d in found],
        total=total,
        limit=page.limit,
        offset=page.offset,
        totals=DeliveryTotalsOut(
            deliveries=t.deliveries,
            inmate_days=t.inmate_days,
            accepted_rations=t.accepted_rations,
            rejected_rations=t.rejected_rations,
            cost_rupiah=t.cost_rupiah,
            cost_per_inmate_day_rupiah=t.cost_per_inmate_day_rupiah,
        ),
    )
