"""Routes for vendor sanctions (warnings, fines, suspension, reinstatement, termination) and
vendor performance scores per period."""

from dataclasses import replace
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from pas_food_audit.adapters.repository import Filter
from pas_food_audit.api.schemas import Body, FilterDep
from pas_food_audit.app import sanctions
from pas_food_audit.app.sanctions import DecideSanction, VendorPerformance
from pas_food_audit.domain.rules import food_rules
from pas_food_audit.domain.sanctions import ContractStanding, Sanction, SanctionKind, Standing, termination_grounds
from pas_shared.api import ActorDep, ClockDep, DatabaseDep, PageDep, PageOut, ScopeDep
from pas_shared.errors import RuleViolation
from pas_shared.events.remission import UPT_CODE

router = APIRouter(prefix="/api/v1", tags=["vendor sanctions and performance"])


class SanctionIn(Body):
    kind: SanctionKind
    decided_on: date = Field(description="The UPT's local date of the decision.")
    why: str = Field(min_length=1, max_length=1000)
    letter_number: str | None = Field(default=None, min_length=1, max_length=100, description="Warnings: the SP's number.")
    period_from: date | None = Field(default=None, description="Fines: the deliveries from this day (default contract start).")
    period_to: date | None = Field(default=None, description="Fines: up to this day (default the UPT's today).")
    ground: str | None = Field(
        default=None, max_length=40, description="Terminations: from GET /api/v1/vendor-sanctions/reference."
    )


class SanctionOut(BaseModel):
    sanction_id: str
    contract_id: str
    vendor_id: str
    kind: SanctionKind
    decided_on: date
    from_status: Standing
    to_status: Standing
    by: str
    why: str
    letter_number: str | None
    warning_level: int | None
    amount_rupiah: int | None = Field(description="Fines: what is owed, within the contract's cap.")
    amount_before_cap_rupiah: int | None
    shortfall_rations: int | None = Field(description="Fines: rations short of the order in the period.")
    period_from: date | None
    period_to: date | None
    ground: str | None


def sanction_out(s: Sanction, vendor_id: str) -> SanctionOut:
    return SanctionOut(
        sanction_id=s.sanction_id,
        contract_id=s.contract_id,
        vendor_id=vendor_id,
        kind=s.kind,
        decided_on=s.decided_on,
        from_status=s.from_status,
        to_status=s.to_status,
        by=s.by,
        why=s.why,
        letter_number=s.letter_number,
        warning_level=s.warning_level,
        amount_rupiah=s.amount_rupiah,
        amount_before_cap_rupiah=s.amount_before_cap_rupiah,
        shortfall_rations=s.shortfall_rations,
        period_from=s.period_from,
        period_to=s.period_to,
        ground=s.ground,
    )


class StandingOut(BaseModel):
    contract_id: str
    contract_number: str
    vendor_id: str
    status: Standing
    since: date | None
    warnings: int
    fines_rupiah: int
    fine_cap_rupiah: int = Field(description="The contract's penalty cap: its percent of the contract value.")
    sanctions: list[SanctionOut] = Field(description="Oldest first.")


def standing_out(s: ContractStanding) -> StandingOut:
    c = s.contract
    return StandingOut(
        contract_id=c.contract_id,
        contract_number=c.contract_number,
        vendor_id=c.vendor.vendor_id,
        status=s.status,
        since=s.since,
        warnings=s.warnings,
        fines_rupiah=s.fines_rupiah,
        fine_cap_rupiah=c.value_rupiah * c.penalty.penalty_cap_pct // 100,
        sanctions=[sanction_out(x, c.vendor.vendor_id) for x in s.sanctions],
    )


@router.post("/contracts/{contract_id}/sanctions", status_code=status.HTTP_201_CREATED, operation_id="sanctionVendor")
async def decide(
    contract_id: str, body: SanctionIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep
) -> StandingOut:
    cmd = DecideSanction(
        contract_id=contract_id,
        kind=body.kind,
        decided_on=body.decided_on,
        why=body.why,
        letter_number=body.letter_number,
        period_from=body.period_from,
        period_to=body.period_to,
        ground=body.ground,
    )
    return standing_out(await sanctions.decide_sanction(db, cmd, scope=scope, actor=actor, clock=clock))


@router.get("/contracts/{contract_id}/standing", operation_id="getContractStanding")
async def standing(contract_id: str, db: DatabaseDep, scope: ScopeDep) -> StandingOut:
    return standing_out(await sanctions.get_standing(db, contract_id, scope))


@router.get("/vendor-sanctions", operation_id="listVendorSanctions")
async def list_sanctions(
    db: DatabaseDep,
    page: PageDep,
    scope: ScopeDep,
    f: FilterDep,
    vendor_id: str | None = None,
    contract_id: str | None = None,
    kind: SanctionKind | None = None,
) -> PageOut[SanctionOut]:
    """Latest first; `from`/`to` filter the decision date."""
    found, total = await sanctions.list_sanctions(
        db, replace(f, vendor_id=vendor_id), scope, page, contract_id=contract_id, kind=kind
    )
    return PageOut(items=[sanction_out(s, v) for s, v in found], total=total, limit=page.limit, offset=page.offset)


class GroundOut(BaseModel):
    code: str
    name: str
    checked: str = Field(description="warnings, fines or none: what the service checks before terminating on it.")


class SanctionReferenceOut(BaseModel):
    regulation: str
    status: str
    max_warnings: int
    warnings_before_suspension: int
    termination_grounds: list[GroundOut]
    performance_regulation: str
    performance_status: str
    weights: dict[str, int]
    bands: list[dict[str, int | str]]
    review_below_pct: int


@router.get("/vendor-sanctions/reference", operation_id="getVendorSanctionReference")
async def reference(clock: ClockDep, on: date | None = None) -> SanctionReferenceOut:
    day = on or clock().date()
    rs, perf = food_rules().in_force("vendor-sanctions", day), food_rules().in_force("vendor-performance", day)
    return SanctionReferenceOut(
        regulation=rs.cite(),
        status=rs.status,
        max_warnings=int(rs.values["max_warnings"]),
        warnings_before_suspension=int(rs.values["warnings_before_suspension"]),
        termination_grounds=[GroundOut(code=c, name=n, checked=k) for c, (n, k) in termination_grounds(day).items()],
        performance_regulation=perf.cite(),
        performance_status=perf.status,
        weights={k: int(v) for k, v in perf.values["weights"].items()},
        bands=list(perf.values["bands"]),
        review_below_pct=int(perf.values["review_below_pct"]),
    )


@router.get("/vendor-sanctions/{sanction_id}", operation_id="getVendorSanction")
async def get_sanction(sanction_id: str, db: DatabaseDep, scope: ScopeDep) -> SanctionOut:
    s, vendor_id = await sanctions.get_sanction(db, sanction_id, scope)
    return sanction_out(s, vendor_id)


class PerformanceOut(BaseModel):
    vendor_id: str
    vendor_name: str
    upt_code: str
    kanwil_code: str
    period_from: date
    period_to: date
    deliveries: int
    inspections: int = Field(description="Inspections completed in the period at the UPT's kitchens.")
    components: dict[str, float | None] = Field(description="Percent; None when there is nothing to measure.")
    score_pct: float | None = Field(description="Weighted mean of the measured components (weights: rule data).")
    band: str | None
    review: bool = Field(description="Below the rule data's review threshold: consider a sanction.")
    warnings_in_period: int
    fines_in_period_rupiah: int
    contract_standings: dict[str, str] = Field(description="Contract number -> standing, of contracts running in the period.")


def performance_out(p: VendorPerformance) -> PerformanceOut:
    r = p.result
    return PerformanceOut(
        vendor_id=p.vendor.vendor_id,
        vendor_name=p.vendor.name,
        upt_code=p.vendor.upt_code,
        kanwil_code=p.vendor.kanwil_code,
        period_from=p.start,
        period_to=p.end,
        deliveries=r.deliveries,
        inspections=r.inspections,
        components=r.components,
        score_pct=r.score_pct,
        band=r.band,
        review=r.review,
        warnings_in_period=p.warnings,
        fines_in_period_rupiah=p.fines_rupiah,
        contract_standings=p.standings,
    )


def _period(start: date, end: date) -> None:
    if end < start:
        raise RuleViolation(
            "to", "not-before-from", id="Tanggal akhir tidak boleh sebelum tanggal awal.", en="'to' cannot be before 'from'."
        )
    if (end - start).days > 366:
        raise RuleViolation("to", "period-at-most-a-year", id="Periode paling lama satu tahun.", en="A period is at most a year.")


PeriodFrom = Annotated[date, Query(alias="from", description="First day of the period.")]
PeriodTo = Annotated[date, Query(alias="to", description="Last day of the period.")]


@router.get("/vendors/{vendor_id}/performance", operation_id="getVendorPerformance")
async def vendor_performance(
    vendor_id: str, start: PeriodFrom, end: PeriodTo, db: DatabaseDep, scope: ScopeDep
) -> PerformanceOut:
    _period(start, end)
    return performance_out(await sanctions.vendor_performance(db, vendor_id, start=start, end=end, scope=scope))


@router.get("/vendor-performance", operation_id="listVendorPerformance")
async def list_performance(
    start: PeriodFrom,
    end: PeriodTo,
    db: DatabaseDep,
    page: PageDep,
    scope: ScopeDep,
    upt_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
    kanwil_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
) -> PageOut[PerformanceOut]:
    """Every vendor in scope (filter by UPT, Kanwil) scored for the period, by UPT and name."""
    _period(start, end)
    f = Filter(upt_code=upt_code, kanwil_code=kanwil_code)
    found, total = await sanctions.performance_list(db, f, scope, page, start=start, end=end)
    return PageOut(items=[performance_out(p) for p in found], total=total, limit=page.limit, offset=page.offset)
