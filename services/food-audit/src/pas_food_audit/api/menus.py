"""Routes for menus: a UPT's menu cycle (10 days by the rule data) with the energy each day
gives per group against the standard, and served menus checked against the cycle."""

from datetime import date

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from pas_food_audit.api.schemas import Body, FilterDep
from pas_food_audit.app import menus
from pas_food_audit.domain.menus import EnergyCheck, MenuCycle, ServedMenu
from pas_shared.api import ActorDep, ClockDep, DatabaseDep, PageDep, PageOut, ScopeDep
from pas_shared.events.remission import UPT_CODE


class MenuDayIn(Body):
    day: int = Field(strict=True, ge=1, le=100)
    meals: dict[str, str] = Field(
        description="Main meal (pagi, siang, sore) -> what is served.",
        examples=[{"pagi": "nasi, telur", "siang": "nasi, ikan, sayur", "sore": "nasi, tempe, sayur"}],
    )
    kcal: dict[str, int] = Field(
        description="Energy per day per group, e.g. adult-men, adult-women.", examples=[{"adult-men": 2400, "adult-women": 2000}]
    )


class MenuCycleIn(Body):
    upt_code: str = Field(pattern=UPT_CODE)
    effective_from: date = Field(description="Day 1 of the cycle; it then repeats.")
    days: list[MenuDayIn] = Field(min_length=1, max_length=100)


class ServedIn(Body):
    upt_code: str = Field(pattern=UPT_CODE)
    served_on: date
    cycle_day: int = Field(strict=True, description="The cycle day whose menu was served.")
    kcal: dict[str, int] = Field(description="Energy served that day per group.")


class EnergyOut(BaseModel):
    group: str
    kcal: int
    standard_kcal: int
    meets: bool
    gap_kcal: int


class MenuDayOut(BaseModel):
    day: int
    meals: dict[str, str]
    energy: list[EnergyOut]
    meets_standard: bool


class MenuCycleOut(BaseModel):
    cycle_id: str
    upt_code: str
    kanwil_code: str
    effective_from: date
    days: list[MenuDayOut]
    days_below_standard: list[int]
    regulation: str
    status: str


class ServedOut(BaseModel):
    served_id: str
    cycle_id: str
    upt_code: str
    served_on: date
    cycle_day_served: int
    cycle_day_expected: int
    as_cycle: bool
    energy: list[EnergyOut]
    meets_standard: bool


router = APIRouter(prefix="/api/v1", tags=["menus and nutrition"])


def _energy(checks: tuple[EnergyCheck, ...]) -> list[EnergyOut]:
    return [
        EnergyOut(group=e.group, kcal=e.kcal, standard_kcal=e.standard_kcal, meets=e.meets, gap_kcal=e.gap_kcal) for e in checks
    ]


def cycle_out(c: MenuCycle) -> MenuCycleOut:
    return MenuCycleOut(
        cycle_id=c.cycle_id,
        upt_code=c.upt_code,
        kanwil_code=c.kanwil_code,
        effective_from=c.effective_from,
        days=[MenuDayOut(day=d.day, meals=d.meals, energy=_energy(d.energy), meets_standard=d.meets_standard) for d in c.days],
        days_below_standard=[d.day for d in c.days if not d.meets_standard],
        regulation=c.regulation,
        status=c.status,
    )


def served_out(s: ServedMenu) -> ServedOut:
    return ServedOut(
        served_id=s.served_id,
        cycle_id=s.cycle_id,
        upt_code=s.upt_code,
        served_on=s.served_on,
        cycle_day_served=s.cycle_day_served,
        cycle_day_expected=s.cycle_day_expected,
        as_cycle=s.as_cycle,
        energy=_energy(s.energy),
        meets_standard=s.meets_standard,
    )


@router.post("/menu-cycles", status_code=status.HTTP_201_CREATED, operation_id="adoptMenuCycle")
async def adopt(body: MenuCycleIn, db: DatabaseDep, actor: ActorDep, scope: ScopeDep) -> MenuCycleOut:
    c = await menus.adopt_cycle(
        db,
        upt_code=body.upt_code,
        effective_from=body.effective_from,
        days=[(d.day, d.meals, d.kcal) for d in body.days],
        scope=scope,
        actor=actor,
    )
    return cycle_out(c)


@router.get("/menu-cycles/{cycle_id}", operation_id="getMenuCycle")
async def get(cycle_id: str, db: DatabaseDep, scope: ScopeDep) -> MenuCycleOut:
    return cycle_out(await menus.get_cycle(db, cycle_id, scope))


@router.get("/menu-cycles", operation_id="listMenuCycles")
async def list_cycles(db: DatabaseDep, scope: ScopeDep, page: PageDep, f: FilterDep) -> PageOut[MenuCycleOut]:
    found, total = await menus.list_cycles(db, f, scope, page)
    return PageOut(items=[cycle_out(c) for c in found], total=total, limit=page.limit, offset=page.offset)


@router.post("/served-menus", status_code=status.HTTP_201_CREATED, operation_id="recordServedMenu")
async def record_served(body: ServedIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep) -> ServedOut:
    s = await menus.record_served(
        db,
        upt_code=body.upt_code,
        served_on=body.served_on,
        cycle_day=body.cycle_day,
        kcal=body.kcal,
        scope=scope,
        actor=actor,
        clock=clock,
    )
    return served_out(s)


@router.get("/served-menus", operation_id="listServedMenus")
async def list_served(db: DatabaseDep, scope: ScopeDep, page: PageDep, f: FilterDep) -> PageOut[ServedOut]:
    found, total = await menus.list_served(db, f, scope, page)
    return PageOut(items=[served_out(s) for s in found], total=total, limit=page.limit, offset=page.offset)
