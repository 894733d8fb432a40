"""Routes for social assistance (bansos): record a distribution, read one, list with totals, and
the reference list of programmes (unconfirmed: domain.md §2.5)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from pas_remission.adapters.repository import AssistanceFilter
from pas_remission.api.schemas import Body
from pas_remission.app import assistance
from pas_remission.app.commands import RecordDistribution
from pas_remission.domain.assistance import (
    AssistanceKind,
    Distribution,
    RecipientType,
    Relationship,
    mask_nik,
    programme_list,
)
from pas_shared.api import ActorDep, ClockDep, DatabaseDep, ScopeDep
from pas_shared.events.remission import UPT_CODE

router = APIRouter(prefix="/api/v1/social-assistance", tags=["social assistance"])

PROGRAMME_CODE = r"^[a-z0-9-]{2,40}$"


class RecipientIn(Body):
    type: RecipientType
    inmate_id: str = Field(min_length=1, max_length=36, description="The inmate, or the inmate whose family member receives.")
    name: str | None = Field(default=None, min_length=1, max_length=200, description="Family member only.")
    relationship: Relationship | None = Field(default=None, description="Family member only.")
    nik: str | None = Field(default=None, max_length=32, description="Family member only: the 16-digit NIK.")


class DistributionIn(Body):
    programme: str = Field(pattern=PROGRAMME_CODE, examples=["pkh", "bpnt-sembako", "blt", "pbi-jk"])
    recipient: RecipientIn
    kind: AssistanceKind
    amount_rupiah: int | None = Field(
        default=None, strict=True, le=10**12, description="Required for cash; the declared value of goods or a service."
    )
    description: str | None = Field(default=None, max_length=500, description="Required for goods and services.")
    distributed_on: date
    partner_agency: str = Field(min_length=2, max_length=200, examples=["Kementerian Sosial", "Pemda", "BAZNAS"])


class RecipientOut(BaseModel):
    type: RecipientType
    inmate_id: str
    name: str | None
    relationship: Relationship | None
    nik_masked: str | None


class DistributionOut(BaseModel):
    distribution_id: str
    programme: str
    recipient: RecipientOut
    kind: AssistanceKind
    amount_rupiah: int | None
    description: str | None
    distributed_on: date
    partner_agency: str
    upt_code: str
    kanwil_code: str


class KindTotalOut(BaseModel):
    kind: AssistanceKind
    distributions: int
    amount_rupiah: int


class ProgrammeTotalOut(KindTotalOut):
    programme: str


class TotalsOut(BaseModel):
    distributions: int
    amount_rupiah: int = Field(description="Cash plus the declared value of goods and services; see by_kind.")
    by_kind: list[KindTotalOut]
    by_programme: list[ProgrammeTotalOut]


class DistributionListOut(BaseModel):
    items: list[DistributionOut]
    totals: TotalsOut = Field(description="Over everything the filters match, not only this page.")
    limit: int
    offset: int


class ProgrammeOut(BaseModel):
    code: str
    name: str
    kinds: list[AssistanceKind]
    usual_partner: str


class ProgrammesOut(BaseModel):
    rule: str
    regulation: str
    status: str
    effective_from: date
    programmes: list[ProgrammeOut]


def _out(d: Distribution) -> DistributionOut:
    f = d.family
    return DistributionOut(
        distribution_id=d.distribution_id,
        programme=d.programme,
        recipient=RecipientOut(
            type=d.recipient_type,
            inmate_id=d.inmate_id,
            name=f.name if f else None,
            relationship=f.relationship if f else None,
            nik_masked=mask_nik(f.nik) if f else None,
        ),
        kind=d.kind,
        amount_rupiah=d.amount_rupiah,
        description=d.description,
        distributed_on=d.distributed_on,
        partner_agency=d.partner_agency,
        upt_code=d.upt_code,
        kanwil_code=d.kanwil_code,
    )


@router.post("", status_code=status.HTTP_201_CREATED, operation_id="recordSocialAssistance")
async def record(body: DistributionIn, db: DatabaseDep, scope: ScopeDep, actor: ActorDep, clock: ClockDep) -> DistributionOut:
    """To an inmate held within the caller's scope (or their family member); an inmate outside it
    is refused like one not in the register (422 on recipient.inmate_id)."""
    r = body.recipient
    cmd = RecordDistribution(
        programme=body.programme,
        kind=body.kind,
        amount_rupiah=body.amount_rupiah,
        description=body.description,
        distributed_on=body.distributed_on,
        partner_agency=body.partner_agency,
        recipient_type=r.type,
        inmate_id=r.inmate_id,
        family_name=r.name,
        relationship=r.relationship,
        nik=r.nik,
    )
    return _out(await assistance.record_distribution(db, cmd, scope=scope, actor=actor, clock=clock))


@router.get("/programmes", operation_id="listSocialAssistanceProgrammes")
async def programmes(clock: ClockDep, on: date | None = None) -> ProgrammesOut:
    """The reference list of programmes in force on `on` (default: today). No regulation on
    social assistance for inmates was found, so the list is marked unconfirmed."""
    rule_set, found = programme_list(on or clock().date())
    return ProgrammesOut(
        rule=rule_set.id,
        regulation=rule_set.regulation,
        status=rule_set.status,
        effective_from=rule_set.effective_from,
        programmes=[
            ProgrammeOut(code=p.code, name=p.name, kinds=sorted(p.kinds), usual_partner=p.usual_partner) for p in found.values()
        ],
    )


@router.get("/{distribution_id}", operation_id="getSocialAssistance")
async def get(distribution_id: str, db: DatabaseDep, scope: ScopeDep) -> DistributionOut:
    """404 outside the caller's scope (the UPT that held the inmate on the day decides)."""
    return _out(await assistance.get_distribution(db, distribution_id, scope=scope))


@router.get("", operation_id="listSocialAssistance")
async def list_(
    db: DatabaseDep,
    scope: ScopeDep,
    upt_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
    kanwil_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
    programme: Annotated[str | None, Query(pattern=PROGRAMME_CODE)] = None,
    from_date: Annotated[date | None, Query(alias="from", description="Distributed on or after this date.")] = None,
    to_date: Annotated[date | None, Query(alias="to", description="Distributed on or before this date.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> DistributionListOut:
    f = AssistanceFilter(upt_code=upt_code, kanwil_code=kanwil_code, programme=programme, from_date=from_date, to_date=to_date)
    found, totals = await assistance.list_distributions(db, f, scope=scope, limit=limit, offset=offset)
    by_kind: dict[str, list[int]] = {}
    for _, kind, n, rupiah in totals.by_programme_and_kind:
        acc = by_kind.setdefault(kind, [0, 0])
        acc[0] += n
        acc[1] += rupiah
    return DistributionListOut(
        items=[_out(d) for d in found],
        totals=TotalsOut(
            distributions=totals.distributions,
            amount_rupiah=totals.amount_rupiah,
            by_kind=[
                KindTotalOut(kind=AssistanceKind(k), distributions=n, amount_rupiah=rupiah)
                for k, (n, rupiah) in sorted(by_kind.items())
            ],
            by_programme=[
                ProgrammeTotalOut(programme=p, kind=AssistanceKind(k), distributions=n, amount_rupiah=rupiah)
                for p, k, n, rupiah in totals.by_programme_and_kind
            ],
        ),
        limit=limit,
        offset=offset,
    )
