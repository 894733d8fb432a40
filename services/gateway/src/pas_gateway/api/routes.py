from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import func, select

from pas_gateway.adapters.tables import occupancy
from pas_gateway.domain.occupancy import DEFINITION, Occupancy
from pas_shared.api import DatabaseDep

router = APIRouter(prefix="/api/v1", tags=["kpi"])


class OccupancyOut(BaseModel):
    id: str
    definition: str
    definisi: str
    unit: str
    scope: str
    occupants: int
    capacity: int
    overcrowding_pct: float | None
    occupancy_ratio_pct: float | None
    as_of: datetime | None


@router.get("/kpi/occupancy", operation_id="getOccupancyKpi")
async def occupancy_kpi(db: DatabaseDep, kanwil_code: str | None = None) -> OccupancyOut:
    query = select(
        func.coalesce(func.sum(occupancy.c.population), 0),
        func.coalesce(func.sum(occupancy.c.capacity), 0),
        func.max(occupancy.c.as_of),
    )
    if kanwil_code:
        query = query.where(occupancy.c.kanwil_code == kanwil_code)
    async with db.sessions() as session:
        occupants, capacity, as_of = (await session.execute(query)).one()
    kpi = Occupancy(occupants=int(occupants), capacity=int(capacity), as_of=as_of)
    return OccupancyOut(
        **DEFINITION,
        scope=f"kanwil:{kanwil_code}" if kanwil_code else "national",
        occupants=kpi.occupants,
        capacity=kpi.capacity,
        overcrowding_pct=kpi.overcrowding_pct,
        occupancy_ratio_pct=kpi.occupancy_ratio_pct,
        as_of=kpi.as_of,
    )
