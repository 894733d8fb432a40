"""Kitchens: register a UPT's kitchen, assess its infrastructure, record its SLHS certificate,
and warn of certificates due for renewal or expired (once per stage)."""

from datetime import date, timedelta

from pas_food_audit.adapters.repository import (
    CertificateRepository,
    Filter,
    KitchenRepository,
    assessment_row,
    certificate_row,
    kitchen_row,
)
from pas_food_audit.adapters.tables import facilities
from pas_food_audit.domain.kitchens import (
    SLHS_RULE,
    Certificate,
    CertificateStage,
    ConditionAssessment,
    Kitchen,
    kitchen_not_found,
)
from pas_food_audit.domain.rules import food_rules
from pas_shared.api import Page, Scope
from pas_shared.clock import Clock
from pas_shared.db import Database, UnitOfWork
from pas_shared.directory import require_upt
from pas_shared.errors import Conflict
from pas_shared.ids import new_id


async def register_kitchen(db: Database, *, upt_code: str, name: str, scope: Scope, actor: str) -> Kitchen:
    async with UnitOfWork(db, actor=actor) as uow:
        upt = await require_upt(uow.session, facilities, upt_code, scope=scope)
        repo = KitchenRepository(uow.session)
        if await repo.name_taken(upt_code, name):
            raise Conflict(
                id=f"Dapur {name} sudah terdaftar di {upt_code}.", en=f"Kitchen {name} is already registered in {upt_code}."
            )
        kitchen = Kitchen(new_id(), upt.upt_code, upt.kanwil_code, name)
        await repo.add(kitchen)
        uow.audit("kitchen.registered", "kitchen", kitchen.kitchen_id, after=kitchen_row(kitchen))
    return kitchen


async def get_kitchen(
    db: Database, kitchen_id: str, scope: Scope
) -> tuple[Kitchen, ConditionAssessment | None, list[Certificate]]:
    async with db.sessions() as session:
        repo = KitchenRepository(session)
        kitchen = await repo.get(kitchen_id, scope)
        if kitchen is None:
            raise kitchen_not_found(kitchen_id)
        return kitchen, await repo.latest_assessment(kitchen_id), await CertificateRepository(session).of_kitchen(kitchen_id)


async def list_kitchens(db: Database, f: Filter, scope: Scope, page: Page) -> tuple[list[Kitchen], int]:
    async with db.sessions() as session:
        return await KitchenRepository(session).search(f, scope, page)


async def assess_kitchen(
    db: Database,
    kitchen_id: str,
    *,
    assessed_on: date,
    assessor: str,
    ratings: list[tuple[str, str, str]],
    scope: Scope,
    actor: str,
    clock: Clock,
) -> ConditionAssessment:
    async with UnitOfWork(db, actor=actor) as uow:
        repo = KitchenRepository(uow.session)
        kitchen = await repo.get(kitchen_id, scope)
        if kitchen is None:
            raise kitchen_not_found(kitchen_id)
        upt = await require_upt(uow.session, facilities, kitchen.upt_code)
        assessment = ConditionAssessment.assess(
            assessment_id=new_id(),
            kitchen_id=kitchen_id,
            assessed_on=assessed_on,
            assessor=assessor,
            ratings=ratings,
            today=upt.today(clock),
        )
        await repo.add_assessment(assessment, by=actor)
        uow.audit("kitchen.assessed", "kitchen", kitchen_id, after=assessment_row(assessment))
    return assessment


async def record_certificate(
    db: Database,
    kitchen_id: str,
    *,
    issuer: str,
    number: str,
    issued_on: date,
    expires_on: date | None,
    scope: Scope,
    actor: str,
    clock: Clock,
) -> Certificate:
    async with UnitOfWork(db, actor=actor) as uow:
        kitchen = await KitchenRepository(uow.session).get(kitchen_id, scope)
        if kitchen is None:
            raise kitchen_not_found(kitchen_id)
        upt = await require_upt(uow.session, facilities, kitchen.upt_code)
        certificate = Certificate.record(
            certificate_id=new_id(),
            kitchen=kitchen,
            issuer=issuer,
            number=number,
            issued_on=issued_on,
            expires_on=expires_on,
            today=upt.today(clock),
        )
        repo = CertificateRepository(uow.session)
        if await repo.number_taken(kitchen_id, number):
            raise Conflict(id=f"Sertifikat nomor {number} sudah dicatat.", en=f"Certificate number {number} is already recorded.")
        await repo.add(certificate, by=actor)
        uow.emit_recorded(certificate.events, subject=kitchen_id, uptcode=kitchen.upt_code, kanwilcode=kitchen.kanwil_code)
        uow.audit("certificate.recorded", "kitchen", kitchen_id, after=certificate_row(certificate))
    return certificate


def _warning_horizon(today: date) -> date:
    # Candidates for a warning: every current certificate expiring within the longest window in force.
    days = int(food_rules().in_force(SLHS_RULE, today).values["renewal_warning_days"])
    return today + timedelta(days=days + 1)


async def current_certificates(
    db: Database, f: Filter, scope: Scope, *, clock: Clock, within_days: int | None
) -> list[tuple[Certificate, CertificateStage, int]]:
    """Each kitchen's current certificate with its stage today (the UPT's date) and days left."""
    async with db.sessions() as session:
        found = await CertificateRepository(session).current(f, scope)
        out = []
        for c in found:
            today = (await require_upt(session, facilities, c.kitchen.upt_code)).today(clock)
            left = (c.expires_on - today).days
            if within_days is None or left <= within_days:
                out.append((c, c.stage(today), left))
    return out


async def warn_expiring_certificates(
    db: Database, scope: Scope, *, actor: str, clock: Clock
) -> list[tuple[Certificate, CertificateStage, int]]:
    """Publish `certificate.expiry-warned` for each current certificate that entered its renewal
    window or expired since the last run (once per stage; running it twice warns once)."""
    async with UnitOfWork(db, actor=actor) as uow:
        repo = CertificateRepository(uow.session)
        horizon = _warning_horizon(clock().date() + timedelta(days=1))
        warned = []
        for c in await repo.current(Filter(), scope, expiring_by=horizon, for_update=True):
            today = (await require_upt(uow.session, facilities, c.kitchen.upt_code)).today(clock)
            if c.warn(today):
                await repo.save_warned(c)
                uow.emit_recorded(
                    c.events, subject=c.kitchen.kitchen_id, uptcode=c.kitchen.upt_code, kanwilcode=c.kitchen.kanwil_code
                )
                uow.audit("certificate.expiry-warned", "kitchen", c.kitchen.kitchen_id, after=certificate_row(c))
                warned.append((c, c.stage(today), (c.expires_on - today).days))
    return warned
