"""KPI read models from remission's events: the UPT directory and capacity, occupancy (detainees
and convicts), remission and its food-budget saving, integration rights, the release forecast
and social assistance. Facility, inmate and remission events travel on different topics, so a
handler copes with any order between them (a UPT's counters start with whichever comes first)."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from pas_gateway.adapters.kpi_store import Changes, daily_of, set_daily, state_of
from pas_gateway.adapters.tables import kpi_inmate, kpi_upt
from pas_gateway.app.kpi_projection import kpi_subscription, load, projects, save, stored
from pas_gateway.domain.kpi_rules import days_per_month, ration_cost
from pas_shared.clock import local_date
from pas_shared.consumer import Received
from pas_shared.db import UnitOfWork
from pas_shared.events.remission import (
    ASSISTANCE_DISTRIBUTED,
    FACILITY_CAPACITY_CHANGED,
    FACILITY_REGISTERED,
    INMATE_ADMITTED,
    INMATE_RELEASED,
    INMATE_SENTENCED,
    INMATE_TRANSFERRED,
    INTEGRATION_RIGHT_DECIDED,
    INTEGRATION_RIGHT_REVOKED,
    REMISSION_GRANTED,
    AssistanceDistributed,
    FacilityCapacityChanged,
    FacilityRegistered,
    InmateAdmitted,
    InmateReleased,
    InmateSentenced,
    InmateTransferred,
    IntegrationRightDecided,
    IntegrationRightRevoked,
    RemissionGranted,
)

remission_kpi = kpi_subscription("remission")

_LEVEL_OF = {"tahanan": "detainees", "narapidana": "convicts"}


async def _set_capacity(uow: UnitOfWork, c: Changes, news: list[tuple[str, str, int, date]]) -> None:
    """Capacity events give the capacity itself: the level moves by the difference."""
    current = await state_of(await stored(uow), "capacity", (upt for upt, _, _, _ in news))
    for upt, kanwil, capacity, day in news:
        c.level(upt, kanwil, "capacity", capacity - current.get(upt, 0.0), day)
        current[upt] = capacity


@projects(remission_kpi, FACILITY_REGISTERED)
async def facility_registered(uow: UnitOfWork, c: Changes, events: Sequence[Received[FacilityRegistered]]) -> None:
    save(
        uow,
        kpi_upt,
        (
            {
                "upt_code": e.data.upt_code,
                "kanwil_code": e.data.kanwil_code,
                "name": e.data.name,
                "upt_type": e.data.upt_type,
                "province": e.data.province,
                "time_zone": e.data.time_zone,
            }
            for e in events
        ),
    )
    news = [(e.data.upt_code, e.data.kanwil_code, e.data.capacity, local_date(e.envelope.time, e.data.time_zone)) for e in events]
    await _set_capacity(uow, c, news)
    # Remission grants seen before their UPT's registration (another topic) were costed at the
    # default ration cost: with the province known now, the UPT's savings are worked out again.
    province = {e.data.upt_code: (e.data.province, e.data.kanwil_code) for e in events}
    days = await daily_of(await stored(uow), "remission_days", province)
    saving = [(u, province[u][1], day, n * ration_cost(province[u][0], day)) for u, day, n in days]
    await set_daily(uow.session, "remission_saving_rupiah", saving)


@projects(remission_kpi, FACILITY_CAPACITY_CHANGED)
async def capacity_changed(uow: UnitOfWork, c: Changes, events: Sequence[Received[FacilityCapacityChanged]]) -> None:
    await _set_capacity(uow, c, [(e.data.upt_code, e.data.kanwil_code, e.data.capacity_now, e.data.effective_on) for e in events])


ANNOUNCED = ""  # custody_status of an inmate known from a remission grant before the admission arrived


def _due(c: Changes, row: dict[str, Any], delta: int) -> None:
    """Count (or uncount) an inmate held in custody on the day they are due for release."""
    if row["release_due"] is not None and not row["released"] and row["custody_status"] != ANNOUNCED:
        c.count(row["upt_code"], row["kanwil_code"], "release_due", delta, row["release_due"])


@projects(remission_kpi, INMATE_ADMITTED, reads={kpi_inmate: lambda e: e.data.inmate_id})
async def inmate_admitted(uow: UnitOfWork, c: Changes, events: Sequence[Received[InmateAdmitted]]) -> None:
    known = await load(uow, kpi_inmate, (e.data.inmate_id for e in events))
    rows = []
    for e in events:
        d = e.data
        found = known.get(d.inmate_id)
        if found is not None and found["custody_status"] != ANNOUNCED:
            continue
        row = known[d.inmate_id] = {
            "inmate_id": d.inmate_id,
            "upt_code": d.upt_code,
            "kanwil_code": d.kanwil_code,
            "custody_status": d.custody_status.value,
            "release_due": found["release_due"] if found else None,
            "released": False,
        }
        rows.append(row)
        c.level(d.upt_code, d.kanwil_code, _LEVEL_OF[row["custody_status"]], 1, d.admitted_on)
        _due(c, row, +1)
    save(uow, kpi_inmate, rows)


@projects(remission_kpi, INMATE_SENTENCED, reads={kpi_inmate: lambda e: e.data.inmate_id})
async def inmate_sentenced(uow: UnitOfWork, c: Changes, events: Sequence[Received[InmateSentenced]]) -> None:
    known = await load(uow, kpi_inmate, (e.data.inmate_id for e in events))
    for e in events:
        row = known.get(e.data.inmate_id)
        if row is None or row["custody_status"] == ANNOUNCED:  # admitted first on the same topic: not expected
            continue
        if row["custody_status"] != "narapidana" and not row["released"]:
            c.level(row["upt_code"], row["kanwil_code"], _LEVEL_OF[row["custody_status"]], -1, e.data.verdict_final_on)
            c.level(row["upt_code"], row["kanwil_code"], "convicts", 1, e.data.verdict_final_on)
        row["custody_status"] = "narapidana"
        _due(c, row, -1)
        # A grant (another topic) may have been applied first: it moved the date earlier.
        dates = [x for x in (row["release_due"], e.data.expiration) if x is not None]
        row["release_due"] = min(dates) if dates else None
        _due(c, row, +1)
    save(uow, kpi_inmate, known.values())


@projects(remission_kpi, INMATE_RELEASED, reads={kpi_inmate: lambda e: e.data.inmate_id})
async def inmate_released(uow: UnitOfWork, c: Changes, events: Sequence[Received[InmateReleased]]) -> None:
    known = await load(uow, kpi_inmate, (e.data.inmate_id for e in events))
    for e in events:
        row = known.get(e.data.inmate_id)
        if row is None or row["released"] or row["custody_status"] == ANNOUNCED:
            continue
        _due(c, row, -1)
        row["released"] = True
        c.level(row["upt_code"], row["kanwil_code"], _LEVEL_OF[row["custody_status"]], -1, e.data.released_on)
        c.count(row["upt_code"], row["kanwil_code"], f"releases.reason:{e.data.reason}", 1, e.data.released_on)
    save(uow, kpi_inmate, known.values())


@projects(remission_kpi, INMATE_TRANSFERRED, reads={kpi_inmate: lambda e: e.data.inmate_id})
async def inmate_transferred(uow: UnitOfWork, c: Changes, events: Sequence[Received[InmateTransferred]]) -> None:
    """One head leaves the origin and arrives at the destination (perhaps in another Kanwil)."""
    known = await load(uow, kpi_inmate, (e.data.inmate_id for e in events))
    for e in events:
        d, row = e.data, known.get(e.data.inmate_id)
        if row is None or row["released"] or row["upt_code"] != d.from_upt_code or row["custody_status"] == ANNOUNCED:
            continue
        level = _LEVEL_OF[row["custody_status"]]
        _due(c, row, -1)
        c.level(d.from_upt_code, d.from_kanwil_code, level, -1, d.transferred_on)
        c.level(d.to_upt_code, d.to_kanwil_code, level, 1, d.transferred_on)
        row["upt_code"], row["kanwil_code"] = d.to_upt_code, d.to_kanwil_code
        _due(c, row, +1)
    save(uow, kpi_inmate, known.values())


@projects(remission_kpi, REMISSION_GRANTED, reads={kpi_inmate: lambda e: e.data.inmate_id, kpi_upt: lambda e: e.data.upt_code})
async def remission_granted(uow: UnitOfWork, c: Changes, events: Sequence[Received[RemissionGranted]]) -> None:
    """Recipients by occasion and type; the days granted are the grant's months (at the rule
    data's month length, as the press releases count) and days, from the event alone so a replay
    in any order across topics gives the same figure; the saving is those days at the ration cost
    of the UPT's province (worked out again when the registration arrives later)."""
    known = await load(uow, kpi_inmate, (e.data.inmate_id for e in events))
    provinces = {u: r["province"] for u, r in (await load(uow, kpi_upt, (e.data.upt_code for e in events))).items()}
    for e in events:
        d, upt, kanwil = e.data, e.data.upt_code, e.envelope.kanwilcode
        days = d.months * days_per_month(d.granted_on) + d.days
        day = d.granted_on
        c.count(upt, kanwil, "remissions", 1, day)
        c.count(upt, kanwil, f"remissions.occasion:{d.occasion}", 1, day)
        c.count(upt, kanwil, f"remissions.type:{d.remission_type}", 1, day)
        c.count(upt, kanwil, "remission_days", days, day)
        c.count(upt, kanwil, "remission_saving_rupiah", days * ration_cost(provinces.get(upt), day), day)
        row = known.setdefault(
            d.inmate_id,
            {
                "inmate_id": d.inmate_id,
                "upt_code": upt,
                "kanwil_code": kanwil,
                "custody_status": ANNOUNCED,
                "release_due": None,
                "released": False,
            },
        )
        _due(c, row, -1)
        row["release_due"] = d.release_on if row["release_due"] is None else min(row["release_due"], d.release_on)
        _due(c, row, +1)
    save(uow, kpi_inmate, known.values())


@projects(remission_kpi, INTEGRATION_RIGHT_DECIDED)
async def right_decided(uow: UnitOfWork, c: Changes, events: Sequence[Received[IntegrationRightDecided]]) -> None:
    for e in events:
        c.count(e.data.upt_code, e.data.kanwil_code, f"integration.granted:{e.data.right}", 1, e.data.decided_on)


@projects(remission_kpi, INTEGRATION_RIGHT_REVOKED)
async def right_revoked(uow: UnitOfWork, c: Changes, events: Sequence[Received[IntegrationRightRevoked]]) -> None:
    for e in events:
        c.count(e.data.upt_code, e.data.kanwil_code, f"integration.revoked:{e.data.right}", 1, e.data.revoked_on)


@projects(remission_kpi, ASSISTANCE_DISTRIBUTED)
async def assistance_distributed(uow: UnitOfWork, c: Changes, events: Sequence[Received[AssistanceDistributed]]) -> None:
    for e in events:
        d = e.data
        c.count(d.upt_code, d.kanwil_code, "assistance", 1, d.distributed_on)
        c.count(d.upt_code, d.kanwil_code, "assistance_rupiah", d.amount_rupiah or 0, d.distributed_on)
