"""Routes for permits: start one for a product, move it through its workflow, list (filter by
UPT, Kanwil, type, status, expiring), read one with its history, and the daily expiry check."""

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from pas_rehabilitation.adapters.products import PermitRepository
from pas_rehabilitation.api.schemas import CODE, Body
from pas_rehabilitation.app import permits
from pas_rehabilitation.domain.catalogue import expiry_warning_days, in_force, permit_types
from pas_rehabilitation.domain.permit import Permit, PermitStatus
from pas_shared.api import ActorDep, ClockDep, DatabaseDep, PageDep, PageOut, ScopeDep
from pas_shared.clock import latest_local_today
from pas_shared.events.remission import UPT_CODE

router = APIRouter(prefix="/api/v1", tags=["permits"])


class PermitIn(Body):
    permit_type: str = Field(pattern=CODE, examples=["halal", "p-irt"], description="From GET /api/v1/permit-types.")
    agency: str | None = Field(default=None, min_length=1, max_length=200, description="Defaults to the type's usual agency.")


class TransitionOut(BaseModel):
    from_status: PermitStatus
    to_status: PermitStatus
    on: date
    by: str
    why: str


class PermitOut(BaseModel):
    permit_id: str
    product_id: str
    upt_code: str
    kanwil_code: str
    permit_type: str
    agency: str
    status: PermitStatus
    number: str | None
    valid_from: date | None
    valid_until: date | None
    warned_days: list[int] = Field(description="Expiry thresholds (days) already warned for the current grant.")
    transitions: list[TransitionOut]


def permit_out(p: Permit) -> PermitOut:
    return PermitOut(
        permit_id=p.permit_id,
        product_id=p.product_id,
        upt_code=p.upt_code,
        kanwil_code=p.kanwil_code,
        permit_type=p.permit_type,
        agency=p.agency,
        status=p.status,
        number=p.number,
        valid_from=p.valid_from,
        valid_until=p.valid_until,
        warned_days=list(p.warned_days),
        transitions=[
            TransitionOut(from_status=t.from_status, to_status=t.to_status, on=t.on, by=t.by, why=t.why) for t in p.transitions
        ],
    )


@router.post("/products/{product_id}/permits", status_code=status.HTTP_201_CREATED, operation_id="startPermit")
async def start(product_id: str, body: PermitIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep) -> PermitOut:
    p = await permits.start_permit(
        db, product_id, permit_type=body.permit_type, agency=body.agency, scope=scope, actor=actor, clock=clock
    )
    return permit_out(p)


class PermitTransitionIn(Body):
    to: PermitStatus
    on: date = Field(description="The UPT's local date of the change (e.g. the day the certificate was issued).")
    why: str = Field(default="", max_length=500)
    number: str | None = Field(default=None, min_length=1, max_length=100, description="Required for granted.")
    valid_from: date | None = Field(default=None, description="Required for granted.")
    valid_until: date | None = Field(default=None, description="For granted, when the permit has an end date.")
    agency: str | None = Field(default=None, min_length=1, max_length=200)


@router.post("/permits/{permit_id}/transitions", operation_id="movePermit")
async def move(
    permit_id: str, body: PermitTransitionIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep
) -> PermitOut:
    p = await permits.move_permit(
        db,
        permit_id,
        to=body.to,
        on=body.on,
        why=body.why,
        number=body.number,
        valid_from=body.valid_from,
        valid_until=body.valid_until,
        agency=body.agency,
        scope=scope,
        actor=actor,
        clock=clock,
    )
    return permit_out(p)


class ExpiryCheckOut(BaseModel):
    checked: int = Field(description="Granted permits with an end date in scope.")
    warned: int
    expired: int


@router.post("/permits/expiry-check", operation_id="checkPermitExpiries")
async def expiry_check(db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep) -> ExpiryCheckOut:
    """Run daily (e.g. by a cron job): warns ahead of expiry (days from rule data, once per
    threshold) and expires permits past their valid_until, each UPT on its own local date."""
    r = await permits.check_expiries(db, scope=scope, actor=actor, clock=clock)
    return ExpiryCheckOut(checked=r.checked, warned=r.warned, expired=r.expired)


@router.get("/permits", operation_id="listPermits")
async def list_permits(
    db: DatabaseDep,
    page: PageDep,
    scope: ScopeDep,
    clock: ClockDep,
    upt_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
    kanwil_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
    permit_type: Annotated[str | None, Query(pattern=CODE)] = None,
    state: Annotated[PermitStatus | None, Query(alias="status")] = None,
    expiring_within_days: Annotated[
        int | None, Query(ge=0, le=3650, description="Granted and ending within this many days.")
    ] = None,
) -> PageOut[PermitOut]:
    expires_by = None if expiring_within_days is None else latest_local_today(clock) + timedelta(days=expiring_within_days)
    async with db.sessions() as session:
        found, total = await PermitRepository(session).search(
            scope,
            upt_code=upt_code,
            kanwil_code=kanwil_code,
            permit_type=permit_type,
            status=state,
            expires_by=expires_by,
            limit=page.limit,
            offset=page.offset,
        )
    return PageOut(items=[permit_out(p) for p in found], total=total, limit=page.limit, offset=page.offset)


@router.get("/permits/{permit_id}", operation_id="getPermit")
async def get_permit(permit_id: str, db: DatabaseDep, scope: ScopeDep) -> PermitOut:
    return permit_out(await permits.get_permit(db, permit_id, scope))


class PermitTypeOut(BaseModel):
    code: str
    name: str
    agency: str


class PermitTypesOut(BaseModel):
    regulation: str
    status: str
    types: list[PermitTypeOut]
    warning_days: list[int]
    warning_status: str


@router.get("/permit-types", operation_id="listPermitTypes")
async def types(clock: ClockDep, on: date | None = None) -> PermitTypesOut:
    day = on or clock().date()
    rs = in_force("permit-types", day)
    return PermitTypesOut(
        regulation=rs.cite(),
        status=rs.status,
        types=[PermitTypeOut(code=c, name=n, agency=a) for c, (n, a) in permit_types(day).items()],
        warning_days=list(expiry_warning_days(day)),
        warning_status=in_force("permit-expiry-warnings", day).status,
    )
