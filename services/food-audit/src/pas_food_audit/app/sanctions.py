"""Vendor sanctions (each in one unit of work: standing, sanction, event and audit) and vendor
performance scores per period."""

from dataclasses import dataclass
from datetime import date

from pas_food_audit.adapters.repository import ContractRepository, Filter, VendorRepository
from pas_food_audit.adapters.sanctions import SanctionRepository, deliveries_between, inspection_scores, sanction_row
from pas_food_audit.adapters.tables import facilities
from pas_food_audit.domain.contracts import Contract, Vendor, contract_not_found, vendor_not_found
from pas_food_audit.domain.performance import Performance, performance
from pas_food_audit.domain.sanctions import ContractStanding, Sanction, SanctionKind
from pas_shared.api import Page, Scope
from pas_shared.clock import Clock
from pas_shared.db import Database, UnitOfWork
from pas_shared.directory import require_upt
from pas_shared.errors import NotFound
from pas_shared.ids import new_id


@dataclass(frozen=True, kw_only=True)
class DecideSanction:
    contract_id: str
    kind: SanctionKind
    decided_on: date
    why: str
    letter_number: str | None
    period_from: date | None
    period_to: date | None
    ground: str | None


async def decide_sanction(db: Database, cmd: DecideSanction, *, scope: Scope, actor: str, clock: Clock) -> ContractStanding:
    async with UnitOfWork(db, actor=actor) as uow:
        contract = await ContractRepository(uow.session).get(cmd.contract_id, scope)
        if contract is None:
            raise contract_not_found(cmd.contract_id)
        repo = SanctionRepository(uow.session)
        await repo.lock(contract.contract_id)
        standing = await repo.standing(contract)
        today = (await require_upt(uow.session, facilities, contract.upt_code)).today(clock)
        period = None
        found = []
        if cmd.period_from is not None or cmd.period_to is not None:
            period = (cmd.period_from or contract.starts_on, cmd.period_to or today)
            found = await deliveries_between(uow.session, start=period[0], end=period[1], contract_id=contract.contract_id)
        before, n = standing.status.value, len(standing.sanctions)
        sanction = standing.decide(
            sanction_id=new_id(),
            kind=cmd.kind,
            decided_on=cmd.decided_on,
            today=today,
            by=actor,
            why=cmd.why,
            vendor_name=contract.vendor.name,
            letter_number=cmd.letter_number,
            period=period,
            deliveries=found,
            ground=cmd.ground,
        )
        await repo.save(standing, sanctions_before=n, by=actor)
        uow.emit_recorded(
            standing.events, subject=contract.vendor.vendor_id, uptcode=contract.upt_code, kanwilcode=contract.kanwil_code
        )
        uow.audit(
            f"vendor.{cmd.kind.value}",
            "contract",
            contract.contract_id,
            before={"status": before},
            after={"status": standing.status.value, "sanction": sanction_row(sanction)},
        )
    return standing


async def get_standing(db: Database, contract_id: str, scope: Scope) -> ContractStanding:
    async with db.sessions() as session:
        contract = await ContractRepository(session).get(contract_id, scope)
        if contract is None:
            raise contract_not_found(contract_id)
        return await SanctionRepository(session).standing(contract)


async def list_sanctions(
    db: Database, f: Filter, scope: Scope, page: Page, *, contract_id: str | None, kind: SanctionKind | None
) -> tuple[list[tuple[Sanction, str]], int]:
    async with db.sessions() as session:
        return await SanctionRepository(session).search(f, scope, page, contract_id=contract_id, kind=kind)


async def get_sanction(db: Database, sanction_id: str, scope: Scope) -> tuple[Sanction, str]:
    async with db.sessions() as session:
        found = await SanctionRepository(session).get(sanction_id, scope)
    if found is None:
        raise NotFound(id=f"Sanksi {sanction_id} tidak ditemukan.", en=f"Sanction {sanction_id} not found.")
    return found


@dataclass(frozen=True)
class VendorPerformance:
    vendor: Vendor
    start: date
    end: date
    result: Performance
    fines_rupiah: int
    warnings: int
    standings: dict[str, str]  # contract number -> standing, of contracts running in the period


async def _performance_of(db: Database, vendor: Vendor, start: date, end: date) -> VendorPerformance:
    async with db.sessions() as session:
        found = await deliveries_between(session, start=start, end=end, vendor_id=vendor.vendor_id)
        scores = await inspection_scores(session, vendor.upt_code, start=start, end=end)
        contracts: list[Contract]
        contracts, _ = await ContractRepository(session).search(
            Filter(vendor_id=vendor.vendor_id, from_date=start, to_date=end), Scope(), Page(limit=1000, offset=0)
        )
        sanctions = SanctionRepository(session)
        standings = {c.contract_number: await sanctions.standing(c) for c in contracts}
    in_period = [s for st in standings.values() for s in st.sanctions if start <= s.decided_on <= end]
    return VendorPerformance(
        vendor=vendor,
        start=start,
        end=end,
        result=performance(found, scores, on=end),
        fines_rupiah=sum(s.amount_rupiah or 0 for s in in_period if s.kind is SanctionKind.FINE),
        warnings=sum(1 for s in in_period if s.kind is SanctionKind.WARNING),
        standings={n: st.status.value for n, st in sorted(standings.items())},
    )


async def vendor_performance(db: Database, vendor_id: str, *, start: date, end: date, scope: Scope) -> VendorPerformance:
    async with db.sessions() as session:
        vendor = await VendorRepository(session).get(vendor_id, scope)
    if vendor is None:
        raise vendor_not_found(vendor_id)
    return await _performance_of(db, vendor, start, end)


async def performance_list(
    db: Database, f: Filter, scope: Scope, page: Page, *, start: date, end: date
) -> tuple[list[VendorPerformance], int]:
    """Each vendor of the page (vendors in scope, by UPT and name) scored for the period."""
    async with db.sessions() as session:
        vendors, total = await VendorRepository(session).search(f, scope, page)
    return [await _performance_of(db, v, start, end) for v in vendors], total
