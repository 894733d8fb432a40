"""KPI read models from the rehabilitation service's events: products and their categories,
permits granted per type, branding, programme completions, sales, PNBP and premi."""

from collections.abc import Sequence

from pas_gateway.adapters.kpi_store import Changes
from pas_gateway.adapters.tables import kpi_product, kpi_upt
from pas_gateway.app.kpi_projection import day_of, kpi_subscription, load, projects, save, zones
from pas_shared.consumer import Received
from pas_shared.db import UnitOfWork
from pas_shared.events.rehabilitation import (
    BRANDING_STATUS_CHANGED,
    PERMIT_STATUS_CHANGED,
    PNBP_DEPOSITED,
    PREMI_PAID,
    PRODUCT_DISCONTINUED,
    PRODUCT_REGISTERED,
    PROGRAMME_COMPLETED,
    SALE_RECORDED,
    BrandingStatusChanged,
    PermitStatusChanged,
    PnbpDeposited,
    PremiPaid,
    ProductDiscontinued,
    ProductRegistered,
    ProgrammeCompleted,
    SaleRecorded,
)

rehabilitation_kpi = kpi_subscription("rehabilitation")

GRANTED = "granted"  # the permit status that makes a product legal for its permit type
LABEL_IN_USE = "in-use"  # a product is branded once its label is in use


@projects(
    rehabilitation_kpi, PRODUCT_REGISTERED, reads={kpi_product: lambda e: e.data.product_id, kpi_upt: lambda e: e.data.upt_code}
)
async def product_registered(uow: UnitOfWork, c: Changes, events: Sequence[Received[ProductRegistered]]) -> None:
    known = await load(uow, kpi_product, (e.data.product_id for e in events))
    zone_of = await zones(uow, (e.data.upt_code for e in events))
    for e in events:
        d = e.data
        if d.product_id in known:
            continue
        known[d.product_id] = {
            "product_id": d.product_id,
            "upt_code": d.upt_code,
            "kanwil_code": d.kanwil_code,
            "category": d.category,
            "active": True,
        }
        day = day_of(e.envelope.time, d.upt_code, zone_of)
        c.level(d.upt_code, d.kanwil_code, "products_active", 1, day)
        c.level(d.upt_code, d.kanwil_code, f"products.category:{d.category}", 1, day)
    save(uow, kpi_product, known.values())


@projects(rehabilitation_kpi, PRODUCT_DISCONTINUED, reads={kpi_product: lambda e: e.data.product_id})
async def product_discontinued(uow: UnitOfWork, c: Changes, events: Sequence[Received[ProductDiscontinued]]) -> None:
    known = await load(uow, kpi_product, (e.data.product_id for e in events))
    for e in events:
        row = known.get(e.data.product_id)
        if row is None or not row["active"]:
            continue
        row["active"] = False
        c.level(row["upt_code"], row["kanwil_code"], "products_active", -1, e.data.discontinued_on)
        c.level(row["upt_code"], row["kanwil_code"], f"products.category:{row['category']}", -1, e.data.discontinued_on)
    save(uow, kpi_product, known.values())


@projects(rehabilitation_kpi, PERMIT_STATUS_CHANGED)
async def permit_status_changed(uow: UnitOfWork, c: Changes, events: Sequence[Received[PermitStatusChanged]]) -> None:
    """Each event names the status it leaves, so entering and leaving 'granted' is enough
    (a permit's events share its key, so they arrive in order)."""
    for e in events:
        d = e.data
        delta = int(d.status == GRANTED) - int(d.from_status == GRANTED)
        if delta:
            c.level(d.upt_code, d.kanwil_code, f"permits_granted:{d.permit_type}", delta, d.changed_on)


@projects(rehabilitation_kpi, BRANDING_STATUS_CHANGED)
async def branding_status_changed(uow: UnitOfWork, c: Changes, events: Sequence[Received[BrandingStatusChanged]]) -> None:
    for e in events:
        d = e.data
        delta = int(d.status == LABEL_IN_USE) - int(d.from_status == LABEL_IN_USE)
        if d.aspect == "label" and delta:
            c.level(d.upt_code, d.kanwil_code, "products_branded", delta, d.changed_on)


@projects(rehabilitation_kpi, PROGRAMME_COMPLETED)
async def programme_completed(uow: UnitOfWork, c: Changes, events: Sequence[Received[ProgrammeCompleted]]) -> None:
    for e in events:
        d = e.data
        c.count(d.upt_code, d.kanwil_code, "programme_completions", 1, d.completed_on)
        c.count(d.upt_code, d.kanwil_code, "sessions_held", d.sessions_held, d.completed_on)
        c.count(d.upt_code, d.kanwil_code, "sessions_attended", d.sessions_attended, d.completed_on)


@projects(rehabilitation_kpi, SALE_RECORDED)
async def sale_recorded(uow: UnitOfWork, c: Changes, events: Sequence[Received[SaleRecorded]]) -> None:
    for e in events:
        c.count(e.data.upt_code, e.data.kanwil_code, "revenue_rupiah", e.data.revenue_rupiah, e.data.sold_on)


@projects(rehabilitation_kpi, PNBP_DEPOSITED)
async def pnbp_deposited(uow: UnitOfWork, c: Changes, events: Sequence[Received[PnbpDeposited]]) -> None:
    for e in events:
        c.count(e.data.upt_code, e.data.kanwil_code, "pnbp_deposited_rupiah", e.data.amount_rupiah, e.data.deposited_on)


@projects(rehabilitation_kpi, PREMI_PAID)
async def premi_paid(uow: UnitOfWork, c: Changes, events: Sequence[Received[PremiPaid]]) -> None:
    for e in events:
        c.count(e.data.upt_code, e.data.kanwil_code, "premi_paid_rupiah", e.data.amount_rupiah, e.data.paid_on)
