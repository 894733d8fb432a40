"""Menus: adopt a UPT's menu cycle, record what was served on a day (checked against the cycle
and the energy standard), read and list them in the caller's scope."""

from datetime import date

from pas_food_audit.adapters.repository import Filter, MenuRepository
from pas_food_audit.adapters.tables import facilities
from pas_food_audit.domain.menus import MenuCycle, ServedMenu, cycle_not_found
from pas_shared.api import Page, Scope
from pas_shared.clock import Clock
from pas_shared.db import Database, UnitOfWork
from pas_shared.directory import require_upt
from pas_shared.errors import Conflict, RuleViolation
from pas_shared.ids import new_id


async def adopt_cycle(
    db: Database,
    *,
    upt_code: str,
    effective_from: date,
    days: list[tuple[int, dict[str, str], dict[str, int]]],
    scope: Scope,
    actor: str,
) -> MenuCycle:
    async with UnitOfWork(db, actor=actor) as uow:
        upt = await require_upt(uow.session, facilities, upt_code, scope=scope)
        cycle = MenuCycle.adopt(
            cycle_id=new_id(), upt_code=upt.upt_code, kanwil_code=upt.kanwil_code, effective_from=effective_from, days=days
        )
        repo = MenuRepository(uow.session)
        if await repo.cycle_starting(upt_code, effective_from):
            raise Conflict(
                id=f"{upt_code} sudah punya siklus menu mulai {effective_from}.",
                en=f"{upt_code} already has a menu cycle from {effective_from}.",
            )
        await repo.add_cycle(cycle, by=actor)
        uow.audit(
            "menu-cycle.adopted",
            "menu-cycle",
            cycle.cycle_id,
            after={
                "upt_code": upt_code,
                "effective_from": effective_from,
                "days_below_standard": [d.day for d in cycle.days if not d.meets_standard],
            },
        )
    return cycle


async def get_cycle(db: Database, cycle_id: str, scope: Scope) -> MenuCycle:
    async with db.sessions() as session:
        found = await MenuRepository(session).get_cycle(cycle_id, scope)
    if found is None:
        raise cycle_not_found(cycle_id)
    return found


async def list_cycles(db: Database, f: Filter, scope: Scope, page: Page) -> tuple[list[MenuCycle], int]:
    async with db.sessions() as session:
        return await MenuRepository(session).search_cycles(f, scope, page)


async def record_served(
    db: Database,
    *,
    upt_code: str,
    served_on: date,
    cycle_day: int,
    kcal: dict[str, int],
    scope: Scope,
    actor: str,
    clock: Clock,
) -> ServedMenu:
    async with UnitOfWork(db, actor=actor) as uow:
        upt = await require_upt(uow.session, facilities, upt_code, scope=scope)
        repo = MenuRepository(uow.session)
        cycle = await repo.cycle_in_force(upt_code, served_on, scope)
        if cycle is None:
            raise RuleViolation(
                "served_on",
                "cycle-in-force",
                id=f"{upt_code} belum punya siklus menu yang berlaku pada {served_on}.",
                en=f"{upt_code} has no menu cycle in force on {served_on}.",
            )
        served = ServedMenu.check(
            served_id=new_id(),
            cycle=cycle,
            served_on=served_on,
            cycle_day_served=cycle_day,
            kcal=kcal,
            today=upt.today(clock),
        )
        if await repo.served_on(upt_code, served_on):
            raise Conflict(
                id=f"Menu {upt_code} tanggal {served_on} sudah dicatat.",
                en=f"The menu of {upt_code} on {served_on} is already recorded.",
            )
        await repo.add_served(served, upt.kanwil_code, by=actor)
        uow.audit(
            "menu.served",
            "served-menu",
            served.served_id,
            after={
                "upt_code": upt_code,
                "served_on": served_on,
                "cycle_day": cycle_day,
                "as_cycle": served.as_cycle,
                "kcal": kcal,
            },
        )
    return served


async def list_served(db: Database, f: Filter, scope: Scope, page: Page) -> tuple[list[ServedMenu], int]:
    async with db.sessions() as session:
        return await MenuRepository(session).search_served(f, scope, page)
