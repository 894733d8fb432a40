"""KPI read models from the food-audit service's events: inspections, kitchens and their SLHS
certificates, findings, deliveries against the headcount and the cost standard, and vendor
sanctions. The payloads name the UPT; its Kanwil comes from the event's `kanwilcode`."""

from collections.abc import Sequence
from typing import Any

from pas_gateway.adapters.kpi_store import Changes
from pas_gateway.adapters.tables import kpi_contract, kpi_finding, kpi_kitchen, kpi_upt
from pas_gateway.app.kpi_projection import day_of, kpi_subscription, load, projects, save, zones
from pas_shared.consumer import Received
from pas_shared.db import UnitOfWork
from pas_shared.events.food_audit import (
    CERTIFICATE_RECORDED,
    CONTRACT_SIGNED,
    DELIVERY_RECORDED,
    FINDING_CLOSED,
    FINDING_OPENED,
    INSPECTION_COMPLETED,
    VENDOR_SANCTIONED,
    CertificateRecorded,
    ContractSigned,
    DeliveryRecorded,
    FindingClosed,
    FindingOpened,
    InspectionCompleted,
    VendorSanctioned,
)

food_kpi = kpi_subscription("food-audit")


@projects(food_kpi, CONTRACT_SIGNED)
async def contract_signed(uow: UnitOfWork, c: Changes, events: Sequence[Received[ContractSigned]]) -> None:
    save(
        uow,
        kpi_contract,
        ({"contract_id": e.data.contract_id, "standard_rupiah": e.data.standard_rupiah} for e in events),
    )


@projects(food_kpi, DELIVERY_RECORDED, reads={kpi_contract: lambda e: e.data.contract_id})
async def delivery_recorded(uow: UnitOfWork, c: Changes, events: Sequence[Received[DeliveryRecorded]]) -> None:
    contracts = await load(uow, kpi_contract, (e.data.contract_id for e in events))
    for e in events:
        d, kanwil, day = e.data, e.envelope.kanwilcode, e.data.delivered_on
        c.count(d.upt_code, kanwil, "deliveries", 1, day)
        c.count(d.upt_code, kanwil, "deliveries_short", int(d.shortfall_vs_order > 0 or d.shortfall_vs_headcount > 0), day)
        c.count(d.upt_code, kanwil, "shortfall_rations", d.shortfall_vs_headcount, day)
        c.count(d.upt_code, kanwil, "delivery_cost_rupiah", d.cost_rupiah, day)
        c.count(d.upt_code, kanwil, "delivery_headcount", d.headcount, day)
        standard = (contracts.get(d.contract_id) or {}).get("standard_rupiah")
        if standard:
            c.count(d.upt_code, kanwil, "delivery_cost_std_rupiah", d.cost_rupiah, day)
            c.count(d.upt_code, kanwil, "delivery_standard_rupiah", d.headcount * standard, day)


def _kitchen(known: dict[str, dict[str, Any]], c: Changes, kitchen_id: str, upt: str, kanwil: str, day: Any) -> dict[str, Any]:
    """A kitchen is known from its first certificate or inspection."""
    row = known.get(kitchen_id)
    if row is None:
        row = known[kitchen_id] = {
            "kitchen_id": kitchen_id,
            "upt_code": upt,
            "kanwil_code": kanwil,
            "certificate_valid_until": None,
        }
        c.level(upt, kanwil, "kitchens", 1, day)
    return row


@projects(food_kpi, CERTIFICATE_RECORDED, reads={kpi_kitchen: lambda e: e.data.kitchen_id})
async def certificate_recorded(uow: UnitOfWork, c: Changes, events: Sequence[Received[CertificateRecorded]]) -> None:
    """A kitchen's certificate counts on its last valid day (the latest one it holds), so
    "valid today" is the sum over the days from today on."""
    known = await load(uow, kpi_kitchen, (e.data.kitchen_id for e in events))
    for e in events:
        d = e.data
        row = _kitchen(known, c, d.kitchen_id, d.upt_code, e.envelope.kanwilcode, d.issued_on)
        before = row["certificate_valid_until"]
        if before is not None and before >= d.expires_on:
            continue
        if before is not None:
            c.count(row["upt_code"], row["kanwil_code"], "certificate_valid_until", -1, before)
        row["certificate_valid_until"] = d.expires_on
        c.count(row["upt_code"], row["kanwil_code"], "certificate_valid_until", 1, d.expires_on)
    save(uow, kpi_kitchen, known.values())


@projects(food_kpi, INSPECTION_COMPLETED, reads={kpi_kitchen: lambda e: e.data.kitchen_id})
async def inspection_completed(uow: UnitOfWork, c: Changes, events: Sequence[Received[InspectionCompleted]]) -> None:
    known = await load(uow, kpi_kitchen, (e.data.kitchen_id for e in events))
    for e in events:
        d, kanwil, day = e.data, e.envelope.kanwilcode, e.data.inspected_on
        _kitchen(known, c, d.kitchen_id, d.upt_code, kanwil, day)
        c.count(d.upt_code, kanwil, "inspections", 1, day)
        c.count(d.upt_code, kanwil, "inspections_passed", int(d.passed), day)
        c.count(d.upt_code, kanwil, "inspection_rating", d.rating, day)
    save(uow, kpi_kitchen, known.values())


@projects(food_kpi, FINDING_OPENED, reads={kpi_finding: lambda e: e.data.finding_id, kpi_upt: lambda e: e.data.upt_code})
async def finding_opened(uow: UnitOfWork, c: Changes, events: Sequence[Received[FindingOpened]]) -> None:
    known = await load(uow, kpi_finding, (e.data.finding_id for e in events))
    zone_of = await zones(uow, (e.data.upt_code for e in events))
    for e in events:
        d, kanwil = e.data, e.envelope.kanwilcode
        if d.finding_id in known:
            continue
        known[d.finding_id] = {
            "finding_id": d.finding_id,
            "upt_code": d.upt_code,
            "kanwil_code": kanwil,
            "due_on": d.due_on,
            "open": True,
        }
        c.level(d.upt_code, kanwil, "findings_open", 1, day_of(e.envelope.time, d.upt_code, zone_of))
        c.count(d.upt_code, kanwil, "finding_due", 1, d.due_on)
    save(uow, kpi_finding, known.values())


@projects(food_kpi, FINDING_CLOSED, reads={kpi_finding: lambda e: e.data.finding_id})
async def finding_closed(uow: UnitOfWork, c: Changes, events: Sequence[Received[FindingClosed]]) -> None:
    known = await load(uow, kpi_finding, (e.data.finding_id for e in events))
    for e in events:
        row = known.get(e.data.finding_id)
        if row is None or not row["open"]:
            continue
        row["open"] = False
        c.level(row["upt_code"], row["kanwil_code"], "findings_open", -1, e.data.closed_on)
        c.count(row["upt_code"], row["kanwil_code"], "finding_due", -1, row["due_on"])
    save(uow, kpi_finding, known.values())


@projects(food_kpi, VENDOR_SANCTIONED)
async def vendor_sanctioned(uow: UnitOfWork, c: Changes, events: Sequence[Received[VendorSanctioned]]) -> None:
    for e in events:
        c.count(e.data.upt_code, e.envelope.kanwilcode, f"sanctions:{e.data.kind}", 1, e.data.decided_on)
