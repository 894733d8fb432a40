"""Routes for kitchens: register, assess the infrastructure, record the SLHS certificate, list
certificates with their renewal stage, and warn of those due for renewal or expired."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from pas_food_audit.api.schemas import Body, FilterDep
from pas_food_audit.app import kitchens
from pas_food_audit.domain.kitchens import Certificate, CertificateStage, ConditionAssessment, Kitchen
from pas_shared.api import ActorDep, ClockDep, DatabaseDep, PageDep, PageOut, ScopeDep
from pas_shared.events.remission import UPT_CODE

router = APIRouter(prefix="/api/v1", tags=["kitchens"])


class KitchenIn(Body):
    upt_code: str = Field(pattern=UPT_CODE)
    name: str = Field(min_length=1, max_length=200, examples=["Dapur utama"])


class ElementIn(Body):
    element: str = Field(
        min_length=1, max_length=40, examples=["stoves", "storage", "cold-chain", "water", "ventilation", "waste"]
    )
    condition: str = Field(min_length=1, max_length=40, examples=["baik", "rusak-ringan", "rusak-sedang", "rusak-berat"])
    note: str = Field(default="", max_length=500)


class AssessmentIn(Body):
    assessed_on: date
    assessor: str = Field(min_length=1, max_length=200)
    elements: list[ElementIn] = Field(min_length=1, max_length=50)


class CertificateIn(Body):
    issuer: str = Field(min_length=2, max_length=200, examples=["Dinas Kesehatan Kota Jakarta Timur"])
    number: str = Field(min_length=1, max_length=100)
    issued_on: date
    expires_on: date | None = Field(default=None, description="Default: a year after issue (renewed yearly).")


class ElementOut(BaseModel):
    element: str
    condition: str
    score: int
    max_score: int
    needs_attention: bool
    note: str


class AssessmentOut(BaseModel):
    assessment_id: str
    assessed_on: date
    assessor: str
    score_pct: float
    elements: list[ElementOut]
    regulation: str
    status: str


class CertificateOut(BaseModel):
    certificate_id: str
    kitchen_id: str
    upt_code: str
    issuer: str
    number: str
    issued_on: date
    expires_on: date


class CertificateStatusOut(CertificateOut):
    stage: CertificateStage
    days_left: int


class KitchenOut(BaseModel):
    kitchen_id: str
    upt_code: str
    kanwil_code: str
    name: str


class KitchenDetailOut(KitchenOut):
    infrastructure: AssessmentOut | None = Field(description="The latest assessment.")
    certificates: list[CertificateOut] = Field(description="Latest expiry first.")


def kitchen_out(k: Kitchen) -> KitchenOut:
    return KitchenOut(kitchen_id=k.kitchen_id, upt_code=k.upt_code, kanwil_code=k.kanwil_code, name=k.name)


def assessment_out(a: ConditionAssessment) -> AssessmentOut:
    return AssessmentOut(
        assessment_id=a.assessment_id,
        assessed_on=a.assessed_on,
        assessor=a.assessor,
        score_pct=a.score_pct,
        elements=[
            ElementOut(
                element=e.element,
                condition=e.condition,
                score=e.score,
                max_score=e.max_score,
                needs_attention=e.needs_attention,
                note=e.note,
            )
            for e in a.elements
        ],
        regulation=a.regulation,
        status=a.status,
    )


def certificate_out(c: Certificate) -> CertificateOut:
    return CertificateOut(
        certificate_id=c.certificate_id,
        kitchen_id=c.kitchen.kitchen_id,
        upt_code=c.kitchen.upt_code,
        issuer=c.issuer,
        number=c.number,
        issued_on=c.issued_on,
        expires_on=c.expires_on,
    )


@router.post("/kitchens", status_code=status.HTTP_201_CREATED, operation_id="registerKitchen")
async def register(body: KitchenIn, db: DatabaseDep, actor: ActorDep, scope: ScopeDep) -> KitchenOut:
    return kitchen_out(await kitchens.register_kitchen(db, upt_code=body.upt_code, name=body.name, scope=scope, actor=actor))


@router.get("/kitchens/{kitchen_id}", operation_id="getKitchen")
async def get(kitchen_id: str, db: DatabaseDep, scope: ScopeDep) -> KitchenDetailOut:
    k, latest, certs = await kitchens.get_kitchen(db, kitchen_id, scope)
    return KitchenDetailOut(
        **kitchen_out(k).model_dump(),
        infrastructure=assessment_out(latest) if latest else None,
        certificates=[certificate_out(c) for c in certs],
    )


@router.get("/kitchens", operation_id="listKitchens")
async def list_(db: DatabaseDep, scope: ScopeDep, page: PageDep, f: FilterDep) -> PageOut[KitchenOut]:
    found, total = await kitchens.list_kitchens(db, f, scope, page)
    return PageOut(items=[kitchen_out(k) for k in found], total=total, limit=page.limit, offset=page.offset)


@router.post("/kitchens/{kitchen_id}/assessments", status_code=status.HTTP_201_CREATED, operation_id="assessKitchen")
async def assess(
    kitchen_id: str, body: AssessmentIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep
) -> AssessmentOut:
    a = await kitchens.assess_kitchen(
        db,
        kitchen_id,
        assessed_on=body.assessed_on,
        assessor=body.assessor,
        ratings=[(e.element, e.condition, e.note) for e in body.elements],
        scope=scope,
        actor=actor,
        clock=clock,
    )
    return assessment_out(a)


@router.post("/kitchens/{kitchen_id}/certificates", status_code=status.HTTP_201_CREATED, operation_id="recordKitchenCertificate")
async def record_certificate(
    kitchen_id: str, body: CertificateIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep
) -> CertificateOut:
    c = await kitchens.record_certificate(
        db,
        kitchen_id,
        issuer=body.issuer,
        number=body.number,
        issued_on=body.issued_on,
        expires_on=body.expires_on,
        scope=scope,
        actor=actor,
        clock=clock,
    )
    return certificate_out(c)


@router.get("/kitchen-certificates", operation_id="listKitchenCertificates")
async def certificates(
    db: DatabaseDep,
    scope: ScopeDep,
    clock: ClockDep,
    page: PageDep,
    f: FilterDep,
    within_days: Annotated[
        int | None, Query(ge=0, le=3660, description="Only those expiring within this many days (or expired).")
    ] = None,
) -> PageOut[CertificateStatusOut]:
    """Each kitchen's current certificate (the one expiring last), soonest expiry first, with
    its stage on the UPT's local date."""
    found = await kitchens.current_certificates(db, f, scope, clock=clock, within_days=within_days)
    items = [CertificateStatusOut(**certificate_out(c).model_dump(), stage=stage, days_left=left) for c, stage, left in found]
    return PageOut(items=items[page.offset : page.offset + page.limit], total=len(items), limit=page.limit, offset=page.offset)


@router.post("/kitchen-certificates/expiry-warnings", operation_id="warnExpiringCertificates")
async def warn(db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep) -> list[CertificateStatusOut]:
    """Run by a scheduler (daily): warn once when a current certificate enters its renewal
    window and once when it expires; returns the certificates warned now."""
    warned = await kitchens.warn_expiring_certificates(db, scope, actor=actor, clock=clock)
    return [CertificateStatusOut(**certificate_out(c).model_dump(), stage=stage, days_left=left) for c, stage, left in warned]
