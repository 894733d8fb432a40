"""Routes for branding (brand name, label, packaging per product) and partnerships (memoranda
with agencies, companies and marketplaces), with the reference lists they use."""

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from pas_rehabilitation.adapters.branding import BrandingRepository, PartnershipRepository
from pas_rehabilitation.api.schemas import CODE, Body
from pas_rehabilitation.app import branding as use_cases
from pas_rehabilitation.app.branding import SignPartnership
from pas_rehabilitation.domain.branding import Aspect, Branding, BrandingStatus, label_element_names
from pas_rehabilitation.domain.catalogue import in_force
from pas_rehabilitation.domain.partnership import (
    Partnership,
    PartnershipLevel,
    PartnershipStatus,
    cooperation_areas,
    expiry_warning_days,
    partner_kinds,
)
from pas_shared.api import ActorDep, ClockDep, DatabaseDep, PageDep, PageOut, ScopeDep
from pas_shared.clock import latest_local_today
from pas_shared.events.remission import UPT_CODE

router = APIRouter(prefix="/api/v1", tags=["branding"])


class BrandingIn(Body):
    brand_name: str = Field(min_length=1, max_length=200, examples=["Roti Pati Mandiri"])
    label_elements: list[str] = Field(
        default_factory=list, max_length=30, description="What the label shows: codes from GET /api/v1/branding/reference."
    )
    packaging: str | None = Field(default=None, min_length=1, max_length=500, examples=["standing pouch 250 g, zip lock"])


class BrandingTransitionOut(BaseModel):
    aspect: Aspect
    from_status: BrandingStatus
    to_status: BrandingStatus
    on: date
    by: str
    why: str


class BrandingOut(BaseModel):
    product_id: str
    upt_code: str
    kanwil_code: str
    category: str
    brand_name: str
    label_elements: list[str]
    missing_label_elements: list[str] = Field(description="Elements the category requires that the label does not show yet.")
    packaging: str | None
    label_status: BrandingStatus
    packaging_status: BrandingStatus
    updated_on: date | None
    transitions: list[BrandingTransitionOut]


def branding_out(b: Branding, today: date) -> BrandingOut:
    return BrandingOut(
        product_id=b.product_id,
        upt_code=b.upt_code,
        kanwil_code=b.kanwil_code,
        category=b.category,
        brand_name=b.brand_name,
        label_elements=list(b.label_elements),
        missing_label_elements=list(b.missing_elements(today)),
        packaging=b.packaging,
        label_status=b.label_status,
        packaging_status=b.packaging_status,
        updated_on=b.updated_on,
        transitions=[
            BrandingTransitionOut(aspect=t.aspect, from_status=t.from_status, to_status=t.to_status, on=t.on, by=t.by, why=t.why)
            for t in b.transitions
        ],
    )


@router.put("/products/{product_id}/branding", operation_id="setProductBranding")
async def set_branding(
    product_id: str, body: BrandingIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep
) -> BrandingOut:
    """Record or change the brand name, the label's contents and the packaging (statuses unchanged)."""
    b = await use_cases.update_branding(
        db,
        product_id,
        brand_name=body.brand_name,
        label_elements=tuple(body.label_elements),
        packaging=body.packaging,
        scope=scope,
        actor=actor,
        clock=clock,
    )
    return branding_out(b, latest_local_today(clock))


class BrandingTransitionIn(Body):
    aspect: Aspect
    to: BrandingStatus
    on: date = Field(description="The UPT's local date of the change.")
    why: str = Field(default="", max_length=500)


@router.post("/products/{product_id}/branding/transitions", operation_id="moveProductBranding")
async def move_branding(
    product_id: str, body: BrandingTransitionIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep
) -> BrandingOut:
    b = await use_cases.move_branding(
        db, product_id, aspect=body.aspect, to=body.to, on=body.on, why=body.why, scope=scope, actor=actor, clock=clock
    )
    return branding_out(b, latest_local_today(clock))


@router.get("/products/{product_id}/branding", operation_id="getProductBranding")
async def get_branding(product_id: str, db: DatabaseDep, clock: ClockDep, scope: ScopeDep) -> BrandingOut:
    return branding_out(await use_cases.get_branding(db, product_id, scope), latest_local_today(clock))


@router.get("/brandings", operation_id="listBrandings")
async def list_brandings(
    db: DatabaseDep,
    page: PageDep,
    scope: ScopeDep,
    clock: ClockDep,
    upt_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
    kanwil_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
    category: Annotated[str | None, Query(pattern=CODE)] = None,
    label_status: BrandingStatus | None = None,
    packaging_status: BrandingStatus | None = None,
) -> PageOut[BrandingOut]:
    async with db.sessions() as session:
        found, total = await BrandingRepository(session).search(
            scope,
            upt_code=upt_code,
            kanwil_code=kanwil_code,
            category=category,
            label_status=label_status,
            packaging_status=packaging_status,
            limit=page.limit,
            offset=page.offset,
        )
    today = latest_local_today(clock)
    return PageOut(items=[branding_out(b, today) for b in found], total=total, limit=page.limit, offset=page.offset)


class CodeName(BaseModel):
    code: str
    name: str


class BrandingReferenceOut(BaseModel):
    label_regulation: str
    label_status: str
    label_elements: list[CodeName]
    required_label_elements: dict[str, list[str]] = Field(description="Per product category; others need the 'otherwise' list.")
    required_otherwise: list[str]
    partnership_regulation: str
    partnership_status: str
    partner_kinds: list[CodeName]
    cooperation_areas: list[CodeName]
    partnership_warning_days: list[int]


@router.get("/branding/reference", operation_id="getBrandingReference")
async def reference(clock: ClockDep, on: date | None = None) -> BrandingReferenceOut:
    day = on or clock().date()
    labels, deals = in_force("label-elements", day), in_force("partnerships", day)
    return BrandingReferenceOut(
        label_regulation=labels.cite(),
        label_status=labels.status,
        label_elements=[CodeName(code=c, name=n) for c, n in label_element_names(day).items()],
        required_label_elements={k: list(v) for k, v in labels.values["required"].items()},
        required_otherwise=list(labels.values["required_otherwise"]),
        partnership_regulation=deals.cite(),
        partnership_status=deals.status,
        partner_kinds=[CodeName(code=c, name=n) for c, n in partner_kinds(day).items()],
        cooperation_areas=[CodeName(code=c, name=n) for c, n in cooperation_areas(day).items()],
        partnership_warning_days=list(expiry_warning_days(day)),
    )


class PartnershipIn(Body):
    partner: str = Field(min_length=1, max_length=200, examples=["BPJPH", "PT Tokopedia"])
    kind: str = Field(pattern=CODE, examples=["government-agency", "marketplace"])
    document_number: str = Field(min_length=1, max_length=100, description="The MoU or PKS number.")
    signed_on: date
    starts_on: date
    ends_on: date
    scope: list[str] = Field(min_length=1, max_length=20, examples=[["legalisation", "marketing"]])
    upt_code: str | None = Field(default=None, pattern=UPT_CODE, description="Signed by this UPT.")
    kanwil_code: str | None = Field(default=None, pattern=UPT_CODE, description="Signed by this Kanwil (neither: Ditjenpas).")
    upt_codes: list[str] = Field(default_factory=list, max_length=600, description="The UPTs taking part.")
    product_ids: list[str] = Field(default_factory=list, max_length=1000, description="The products covered.")


class PartnershipTransitionOut(BaseModel):
    from_status: PartnershipStatus
    to_status: PartnershipStatus
    on: date
    by: str
    why: str
    document_number: str


class PartnershipOut(BaseModel):
    partnership_id: str
    level: PartnershipLevel
    upt_code: str | None
    kanwil_code: str | None
    partner: str
    kind: str
    document_number: str
    signed_on: date
    starts_on: date
    ends_on: date
    scope: list[str]
    upt_codes: list[str]
    product_ids: list[str]
    status: PartnershipStatus
    in_force: bool = Field(description="Active and today within its period (latest local date in Indonesia).")
    days_left: int | None = Field(description="Days until ends_on, while active.")
    warned_days: list[int]
    transitions: list[PartnershipTransitionOut]


def partnership_out(p: Partnership, today: date) -> PartnershipOut:
    return PartnershipOut(
        partnership_id=p.partnership_id,
        level=p.level,
        upt_code=p.upt_code,
        kanwil_code=p.kanwil_code,
        partner=p.partner,
        kind=p.kind,
        document_number=p.document_number,
        signed_on=p.signed_on,
        starts_on=p.starts_on,
        ends_on=p.ends_on,
        scope=list(p.scope),
        upt_codes=[x.upt_code for x in p.participants],
        product_ids=list(p.product_ids),
        status=p.status,
        in_force=p.in_force_on(today),
        days_left=(p.ends_on - today).days if p.status is PartnershipStatus.ACTIVE else None,
        warned_days=list(p.warned_days),
        transitions=[
            PartnershipTransitionOut(
                from_status=t.from_status, to_status=t.to_status, on=t.on, by=t.by, why=t.why, document_number=t.document_number
            )
            for t in p.transitions
        ],
    )


@router.post("/partnerships", status_code=status.HTTP_201_CREATED, operation_id="signPartnership", tags=["partnerships"])
async def sign(body: PartnershipIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep) -> PartnershipOut:
    cmd = SignPartnership(
        partner=body.partner,
        kind=body.kind,
        document_number=body.document_number,
        signed_on=body.signed_on,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        scope=tuple(body.scope),
        upt_code=body.upt_code,
        kanwil_code=body.kanwil_code,
        upt_codes=tuple(body.upt_codes),
        product_ids=tuple(body.product_ids),
    )
    p = await use_cases.sign_partnership(db, cmd, scope=scope, actor=actor, clock=clock)
    return partnership_out(p, latest_local_today(clock))


class PartnershipCheckOut(BaseModel):
    checked: int = Field(description="Active partnerships signed within the caller's scope.")
    warned: int
    expired: int


@router.post("/partnerships/expiry-check", operation_id="checkPartnershipExpiries", tags=["partnerships"])
async def expiry_check(db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep) -> PartnershipCheckOut:
    """Run daily: warns ahead of the end (days from rule data, once per threshold) and expires
    partnerships past their ends_on."""
    r = await use_cases.check_partnership_expiries(db, scope=scope, actor=actor, clock=clock)
    return PartnershipCheckOut(checked=r.checked, warned=r.warned, expired=r.expired)


@router.get("/partnerships", operation_id="listPartnerships", tags=["partnerships"])
async def list_partnerships(
    db: DatabaseDep,
    page: PageDep,
    scope: ScopeDep,
    clock: ClockDep,
    upt_code: Annotated[str | None, Query(pattern=UPT_CODE, description="Signed by or taking part.")] = None,
    kanwil_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
    kind: Annotated[str | None, Query(pattern=CODE)] = None,
    state: Annotated[PartnershipStatus | None, Query(alias="status")] = None,
    product_id: str | None = None,
    expiring_within_days: Annotated[
        int | None, Query(ge=0, le=3650, description="Active and ending within this many days.")
    ] = None,
) -> PageOut[PartnershipOut]:
    today = latest_local_today(clock)
    async with db.sessions() as session:
        found, total = await PartnershipRepository(session).search(
            scope,
            upt_code=upt_code,
            kanwil_code=kanwil_code,
            kind=kind,
            status=state,
            product_id=product_id,
            ends_by=None if expiring_within_days is None else today + timedelta(days=expiring_within_days),
            limit=page.limit,
            offset=page.offset,
        )
    return PageOut(items=[partnership_out(p, today) for p in found], total=total, limit=page.limit, offset=page.offset)


@router.get("/partnerships/{partnership_id}", operation_id="getPartnership", tags=["partnerships"])
async def get_partnership(partnership_id: str, db: DatabaseDep, clock: ClockDep, scope: ScopeDep) -> PartnershipOut:
    return partnership_out(await use_cases.get_partnership(db, partnership_id, scope), latest_local_today(clock))


class TerminateIn(Body):
    on: date
    why: str = Field(min_length=1, max_length=500)


@router.post("/partnerships/{partnership_id}/terminate", operation_id="terminatePartnership", tags=["partnerships"])
async def terminate(
    partnership_id: str, body: TerminateIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep
) -> PartnershipOut:
    p = await use_cases.terminate_partnership(db, partnership_id, on=body.on, why=body.why, scope=scope, actor=actor, clock=clock)
    return partnership_out(p, latest_local_today(clock))


class RenewIn(Body):
    document_number: str = Field(min_length=1, max_length=100, description="The renewal's or addendum's number.")
    ends_on: date
    on: date
    why: str = Field(default="", max_length=500)


@router.post("/partnerships/{partnership_id}/renew", operation_id="renewPartnership", tags=["partnerships"])
async def renew(
    partnership_id: str, body: RenewIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep
) -> PartnershipOut:
    p = await use_cases.renew_partnership(
        db,
        partnership_id,
        document_number=body.document_number,
        ends_on=body.ends_on,
        on=body.on,
        why=body.why,
        scope=scope,
        actor=actor,
        clock=clock,
    )
    return partnership_out(p, latest_local_today(clock))
