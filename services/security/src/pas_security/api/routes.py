from fastapi import APIRouter, status

from pas_security.adapters.repository import SanctionRepository
from pas_security.api.schemas import AnnulIn, SanctionIn, SanctionOut
from pas_security.app import handlers
from pas_security.app.commands import AnnulSanction, RecordSanction
from pas_security.domain.discipline import Sanction
from pas_shared.api import ActorDep, ClockDep, DatabaseDep

router = APIRouter(prefix="/api/v1")


def _sanction_out(sanction: Sanction) -> SanctionOut:
    return SanctionOut(
        case_id=sanction.case_id,
        inmate_id=sanction.inmate_id,
        upt_code=sanction.upt_code,
        level=sanction.level,
        register_f=sanction.register_f,
        sanctioned_on=sanction.sanctioned_on,
        isolation_days=sanction.isolation_days,
        annulled_on=sanction.annulled_on,
    )


@router.post("/discipline/sanctions", status_code=status.HTTP_201_CREATED, operation_id="recordSanction", tags=["discipline"])
async def record_sanction(body: SanctionIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep) -> SanctionOut:
    sanction = await handlers.record_sanction(db, RecordSanction(**body.model_dump()), actor=actor, clock=clock)
    return _sanction_out(sanction)


@router.post("/discipline/sanctions/{case_id}/annul", operation_id="annulSanction", tags=["discipline"])
async def annul_sanction(case_id: str, body: AnnulIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep) -> SanctionOut:
    cmd = AnnulSanction(case_id=case_id, annulled_on=body.annulled_on)
    return _sanction_out(await handlers.annul_sanction(db, cmd, actor=actor, clock=clock))


@router.get("/discipline/sanctions", operation_id="listSanctions", tags=["discipline"])
async def list_sanctions(inmate_id: str, db: DatabaseDep) -> list[SanctionOut]:
    async with db.sessions() as session:
        sanctions = await SanctionRepository(session).for_inmate(inmate_id)
    return [_sanction_out(s) for s in sanctions]
