"""Branding (brand name, label, packaging) of products and partnerships with other agencies,
companies and marketplaces: each use case in one unit of work (state, events, audit)."""

from dataclasses import dataclass
from datetime import date

from pas_rehabilitation.adapters.branding import (
    BrandingRepository,
    PartnershipRepository,
    branding_row,
    partnership_audit,
    products_of,
)
from pas_rehabilitation.adapters.products import PermitRepository, ProductRepository
from pas_rehabilitation.adapters.tables import facilities
from pas_rehabilitation.domain.branding import Aspect, Branding, BrandingStatus, branding_not_found
from pas_rehabilitation.domain.catalogue import product_categories
from pas_rehabilitation.domain.partnership import (
    Participant,
    Partnership,
    PartnershipLevel,
    PartnershipStatus,
    partnership_not_found,
)
from pas_rehabilitation.domain.permit import legalisation
from pas_rehabilitation.domain.product import Product, product_not_found
from pas_shared.api import Scope
from pas_shared.clock import Clock, latest_local_today
from pas_shared.db import Database, UnitOfWork
from pas_shared.directory import KnownUpt, all_upts, require_upt
from pas_shared.errors import RuleViolation
from pas_shared.ids import new_id


async def _product(uow: UnitOfWork, product_id: str, scope: Scope) -> Product:
    # Locked: the branding of a product changes one request at a time.
    product = await ProductRepository(uow.session).get(product_id, scope, for_update=True)
    if product is None:
        raise product_not_found(product_id)
    return product


async def update_branding(
    db: Database,
    product_id: str,
    *,
    brand_name: str,
    label_elements: tuple[str, ...],
    packaging: str | None,
    scope: Scope,
    actor: str,
    clock: Clock,
) -> Branding:
    async with UnitOfWork(db, actor=actor) as uow:
        product = await _product(uow, product_id, scope)
        today = (await require_upt(uow.session, facilities, product.upt_code)).today(clock)
        repo = BrandingRepository(uow.session)
        found = await repo.get(product_id)
        branding = found or Branding.start(product)
        before = None if found is None else branding_row(found)
        branding.update(product=product, brand_name=brand_name, label_elements=label_elements, packaging=packaging, today=today)
        await repo.save(branding, new=found is None, transitions_before=len(branding.transitions))
        _publish(uow, branding)
        uow.audit("branding.updated", "product", product_id, before=before, after=branding_row(branding))
    return branding


async def move_branding(
    db: Database,
    product_id: str,
    *,
    aspect: Aspect,
    to: BrandingStatus,
    on: date,
    why: str,
    scope: Scope,
    actor: str,
    clock: Clock,
) -> Branding:
    async with UnitOfWork(db, actor=actor) as uow:
        product = await _product(uow, product_id, scope)
        repo = BrandingRepository(uow.session)
        branding = await repo.get(product_id)
        if branding is None:
            raise branding_not_found(product_id)
        today = (await require_upt(uow.session, facilities, product.upt_code)).today(clock)
        permits = (await PermitRepository(uow.session).of_products([product_id])).get(product_id, [])
        state = legalisation(product_categories(on)[product.category], permits, on)
        before, n = branding_row(branding), len(branding.transitions)
        branding.move(aspect, to, product=product, legalisation=state, on=on, today=today, by=actor, why=why)
        await repo.save(branding, new=False, transitions_before=n)
        _publish(uow, branding)
        uow.audit(f"branding.{aspect.value}.{to.value}", "product", product_id, before=before, after=branding_row(branding))
    return branding


def _publish(uow: UnitOfWork, branding: Branding) -> None:
    # subject = product: a product's branding events stay in order.
    uow.emit_recorded(branding.events, subject=branding.product_id, uptcode=branding.upt_code, kanwilcode=branding.kanwil_code)


async def get_branding(db: Database, product_id: str, scope: Scope) -> Branding:
    async with db.sessions() as session:
        if await ProductRepository(session).get(product_id, scope) is None:
            raise product_not_found(product_id)
        branding = await BrandingRepository(session).get(product_id)
    if branding is None:
        raise branding_not_found(product_id)
    return branding


@dataclass(frozen=True, kw_only=True)
class SignPartnership:
    partner: str
    kind: str
    document_number: str
    signed_on: date
    starts_on: date
    ends_on: date
    scope: tuple[str, ...]
    upt_code: str | None  # signed by this UPT
    kanwil_code: str | None  # signed by this Kanwil (neither: by Ditjenpas)
    upt_codes: tuple[str, ...]  # the UPTs taking part (a UPT's own partnership: itself)
    product_ids: tuple[str, ...]


def _outside(field: str, id: str, en: str) -> RuleViolation:
    return RuleViolation(field, "within-signing-unit", id=id, en=en)


async def sign_partnership(db: Database, cmd: SignPartnership, *, scope: Scope, actor: str, clock: Clock) -> Partnership:
    async with UnitOfWork(db, actor=actor) as uow:
        upts = await all_upts(uow.session, facilities)
        owner: KnownUpt | None = None
        if cmd.upt_code is not None:
            owner = await require_upt(uow.session, facilities, cmd.upt_code, scope=scope)
            if cmd.kanwil_code is not None and cmd.kanwil_code != owner.kanwil_code:
                raise _outside(
                    "kanwil_code",
                    f"UPT {owner.upt_code} ada di {owner.kanwil_code}.",
                    f"{owner.upt_code} is in {owner.kanwil_code}.",
                )
            level, kanwil_code, today = PartnershipLevel.UPT, owner.kanwil_code, owner.today(clock)
        elif cmd.kanwil_code is not None:
            known = any(u.kanwil_code == cmd.kanwil_code for u in upts.values())
            if not known or scope.level == "upt" or (scope.level == "kanwil" and scope.code != cmd.kanwil_code):
                raise RuleViolation(
                    "kanwil_code",
                    "kanwil-registered",
                    id=f"Kanwil {cmd.kanwil_code} tidak dikenal (tidak ada UPT terdaftar, atau di luar wilayah Anda).",
                    en=f"Kanwil {cmd.kanwil_code} is not known (no UPT registered in it, or outside your scope).",
                )
            level, kanwil_code, today = PartnershipLevel.KANWIL, cmd.kanwil_code, latest_local_today(clock)
        else:
            if scope.level != "national":
                raise RuleViolation(
                    "kanwil_code",
                    "required-outside-national-scope",
                    id="Kerja sama nasional dicatat oleh Ditjenpas; sebutkan upt_code atau kanwil_code.",
                    en="A national partnership is recorded by Ditjenpas; give upt_code or kanwil_code.",
                )
            level, kanwil_code, today = PartnershipLevel.NATIONAL, None, latest_local_today(clock)
        participants: list[Participant] = [Participant(owner.upt_code, owner.kanwil_code)] if owner else []
        for n, code in enumerate(cmd.upt_codes):
            field = f"upt_codes[{n}]"
            upt = await require_upt(uow.session, facilities, code, scope=scope, field=field)
            if owner is not None and upt.upt_code != owner.upt_code:
                raise _outside(field, "Kerja sama UPT hanya melibatkan UPT itu.", "A UPT's partnership involves that UPT only.")
            if level is PartnershipLevel.KANWIL and upt.kanwil_code != kanwil_code:
                raise _outside(field, f"UPT {code} tidak berada di {kanwil_code}.", f"UPT {code} is not in {kanwil_code}.")
            if Participant(upt.upt_code, upt.kanwil_code) not in participants:
                participants.append(Participant(upt.upt_code, upt.kanwil_code))
        found = await products_of(uow.session, list(cmd.product_ids))
        taking_part = {x.upt_code for x in participants}
        for n, product_id in enumerate(cmd.product_ids):
            field = f"product_ids[{n}]"
            where = found.get(product_id)
            if where is None or not scope.allows(upt_code=where[0], kanwil_code=where[1]):
                raise product_not_found(product_id, field)
            if (taking_part and where[0] not in taking_part) or (level is PartnershipLevel.KANWIL and where[1] != kanwil_code):
                raise _outside(
                    field,
                    f"Produk {product_id} bukan produk UPT yang terlibat.",
                    f"Product {product_id} is not made by a UPT taking part.",
                )
        repo = PartnershipRepository(uow.session)
        partnership = Partnership.sign(
            partnership_id=new_id(),
            level=level,
            upt_code=owner.upt_code if owner else None,
            kanwil_code=kanwil_code,
            partner=cmd.partner,
            kind=cmd.kind,
            document_number=cmd.document_number,
            signed_on=cmd.signed_on,
            starts_on=cmd.starts_on,
            ends_on=cmd.ends_on,
            scope=cmd.scope,
            participants=tuple(sorted(participants, key=lambda x: x.upt_code)),
            product_ids=tuple(dict.fromkeys(cmd.product_ids)),
            today=today,
            document_taken=await repo.document_taken(cmd.document_number),
        )
        await repo.add(partnership)
        _publish_partnership(uow, partnership)
        uow.audit("partnership.signed", "partnership", partnership.partnership_id, after=partnership_audit(partnership))
    return partnership


def _publish_partnership(uow: UnitOfWork, p: Partnership) -> None:
    # The signing unit's codes: both for a UPT, the Kanwil's for a Kanwil, empty for Ditjenpas.
    uow.emit_recorded(p.events, subject=p.partnership_id, uptcode=p.upt_code or "", kanwilcode=p.kanwil_code or "")


async def _today_of(uow: UnitOfWork, p: Partnership, clock: Clock) -> date:
    if p.upt_code is not None:
        return (await require_upt(uow.session, facilities, p.upt_code)).today(clock)
    return latest_local_today(clock)


def _signed_within(p: Partnership, scope: Scope) -> bool:
    """Only the signing unit (or above it) ends or renews a partnership."""
    if scope.level == "national":
        return True
    if scope.level == "kanwil":
        return p.kanwil_code == scope.code
    return p.upt_code == scope.code


async def _for_change(uow: UnitOfWork, partnership_id: str, scope: Scope) -> Partnership:
    p = await PartnershipRepository(uow.session).get(partnership_id, scope, for_update=True)
    if p is None:
        raise partnership_not_found(partnership_id)
    if not _signed_within(p, scope):
        raise RuleViolation(
            "partnership_id",
            "signed-within-scope",
            id="Kerja sama ini ditandatangani di atas wilayah Anda; hanya penanda tangan yang dapat mengubahnya.",
            en="This partnership was signed above your scope; only the signing unit may change it.",
        )
    return p


async def terminate_partnership(
    db: Database, partnership_id: str, *, on: date, why: str, scope: Scope, actor: str, clock: Clock
) -> Partnership:
    async with UnitOfWork(db, actor=actor) as uow:
        p = await _for_change(uow, partnership_id, scope)
        before, n = partnership_audit(p), len(p.transitions)
        p.terminate(on=on, today=await _today_of(uow, p, clock), by=actor, why=why)
        await PartnershipRepository(uow.session).save(p, transitions_before=n)
        _publish_partnership(uow, p)
        uow.audit("partnership.terminated", "partnership", partnership_id, before=before, after=partnership_audit(p))
    return p


async def renew_partnership(
    db: Database,
    partnership_id: str,
    *,
    document_number: str,
    ends_on: date,
    on: date,
    why: str,
    scope: Scope,
    actor: str,
    clock: Clock,
) -> Partnership:
    async with UnitOfWork(db, actor=actor) as uow:
        p = await _for_change(uow, partnership_id, scope)
        repo = PartnershipRepository(uow.session)
        before, n = partnership_audit(p), len(p.transitions)
        p.renew(
            document_number=document_number,
            ends_on=ends_on,
            on=on,
            today=await _today_of(uow, p, clock),
            by=actor,
            why=why,
            document_taken=await repo.document_taken(document_number),
        )
        await repo.save(p, transitions_before=n)
        _publish_partnership(uow, p)
        uow.audit("partnership.renewed", "partnership", partnership_id, before=before, after=partnership_audit(p))
    return p


async def get_partnership(db: Database, partnership_id: str, scope: Scope) -> Partnership:
    async with db.sessions() as session:
        p = await PartnershipRepository(session).get(partnership_id, scope)
    if p is None:
        raise partnership_not_found(partnership_id)
    return p


@dataclass(frozen=True)
class PartnershipCheck:
    checked: int
    warned: int
    expired: int


async def check_partnership_expiries(db: Database, *, scope: Scope, actor: str, clock: Clock) -> PartnershipCheck:
    """Warn ahead of the end and expire what has passed (run daily; twice a day sends nothing new).
    A UPT's partnership on the UPT's local date, a Kanwil's or Ditjenpas's on the latest local
    date in Indonesia (WIT)."""
    async with UnitOfWork(db, actor=actor) as uow:
        repo = PartnershipRepository(uow.session)
        found = [p for p in await repo.active_for_update() if _signed_within(p, scope)]
        warned = expired = 0
        for p in found:
            before, n = partnership_audit(p), len(p.transitions)
            if not p.check_expiry(today=await _today_of(uow, p, clock)):
                continue
            if p.status is PartnershipStatus.EXPIRED:
                expired += 1
            else:
                warned += 1
            await repo.save(p, transitions_before=n)
            _publish_partnership(uow, p)
            uow.audit("partnership.expiry-checked", "partnership", p.partnership_id, before=before, after=partnership_audit(p))
    return PartnershipCheck(len(found), warned, expired)
