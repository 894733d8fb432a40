"""Legalisation: a product's permits through their workflow, expiry warnings and expiry, and the
headline "N Lapas produce M types of products" computed from the records."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from pas_rehabilitation.adapters.branding import BrandingRepository
from pas_rehabilitation.adapters.products import PermitRepository, ProductRepository, permit_row
from pas_rehabilitation.adapters.tables import facilities
from pas_rehabilitation.domain.catalogue import product_categories
from pas_rehabilitation.domain.permit import Legalisation, Permit, PermitStatus, legalisation, permit_not_found
from pas_rehabilitation.domain.product import Product, product_not_found
from pas_shared.api import Scope
from pas_shared.clock import Clock
from pas_shared.db import Database, UnitOfWork
from pas_shared.directory import all_upts, require_upt
from pas_shared.ids import new_id


async def start_permit(
    db: Database, product_id: str, *, permit_type: str, agency: str | None, scope: Scope, actor: str, clock: Clock
) -> Permit:
    async with UnitOfWork(db, actor=actor) as uow:
        product = await ProductRepository(uow.session).get(product_id, scope, for_update=True)
        if product is None:
            raise product_not_found(product_id)
        today = (await require_upt(uow.session, facilities, product.upt_code)).today(clock)
        permits = PermitRepository(uow.session)
        permit = Permit.start(
            permit_id=new_id(),
            product=product,
            category=product_categories(today)[product.category],
            permit_type=permit_type,
            agency=agency,
            on=today,
            exists=await permits.exists(product_id, permit_type),
        )
        await permits.add(permit)
        uow.audit("permit.started", "permit", permit.permit_id, after=permit_row(permit))
    return permit


async def move_permit(
    db: Database,
    permit_id: str,
    *,
    to: PermitStatus,
    on: date,
    why: str,
    number: str | None,
    valid_from: date | None,
    valid_until: date | None,
    agency: str | None,
    scope: Scope,
    actor: str,
    clock: Clock,
) -> Permit:
    async with UnitOfWork(db, actor=actor) as uow:
        permits = PermitRepository(uow.session)
        permit = await permits.get(permit_id, scope, for_update=True)
        if permit is None:
            raise permit_not_found(permit_id)
        product = await ProductRepository(uow.session).get(permit.product_id)
        assert product is not None  # a permit belongs to a product that exists
        today = (await require_upt(uow.session, facilities, permit.upt_code)).today(clock)
        before, n = permit_row(permit), len(permit.transitions)
        permit.move(
            to,
            on=on,
            today=today,
            by=actor,
            why=why,
            product_name=product.name,
            number=number,
            valid_from=valid_from,
            valid_until=valid_until,
            agency=agency,
        )
        await permits.save(permit, transitions_before=n)
        uow.emit_recorded(permit.events, subject=permit.permit_id, uptcode=permit.upt_code, kanwilcode=permit.kanwil_code)
        uow.audit(f"permit.{to.value}", "permit", permit_id, before=before, after=permit_row(permit))
    return permit


async def get_permit(db: Database, permit_id: str, scope: Scope) -> Permit:
    async with db.sessions() as session:
        permit = await PermitRepository(session).get(permit_id, scope)
    if permit is None:
        raise permit_not_found(permit_id)
    return permit


@dataclass(frozen=True)
class ExpiryCheck:
    checked: int
    warned: int
    expired: int


async def check_expiries(db: Database, *, scope: Scope, actor: str, clock: Clock) -> ExpiryCheck:
    """Warn ahead of expiry and expire what has passed, each UPT on its own local date. Run it
    daily (a scheduler calls the route); running it twice on a day sends nothing new."""
    async with UnitOfWork(db, actor=actor) as uow:
        upts = await all_upts(uow.session, facilities)
        in_scope = [f for f in upts.values() if scope.allows(upt_code=f.upt_code, kanwil_code=f.kanwil_code)]
        repo = PermitRepository(uow.session)
        found = await repo.granted_with_end([f.upt_code for f in in_scope])
        names = {
            p.product_id: p.name for p in await ProductRepository(uow.session).active_in(scope, kanwil_code=None, upt_code=None)
        }
        warned = expired = 0
        for permit in found:
            before, n = permit_row(permit), len(permit.transitions)
            today = upts[permit.upt_code].today(clock)
            if not permit.check_expiry(today=today, product_name=names.get(permit.product_id, permit.product_id)):
                continue
            if permit.status is PermitStatus.EXPIRED:
                expired += 1
            else:
                warned += 1
            await repo.save(permit, transitions_before=n)
            uow.emit_recorded(permit.events, subject=permit.permit_id, uptcode=permit.upt_code, kanwilcode=permit.kanwil_code)
            uow.audit("permit.expiry-checked", "permit", permit.permit_id, before=before, after=permit_row(permit))
    return ExpiryCheck(len(found), warned, expired)


async def legalisation_of(db: Database, products: list[Product], clock: Clock) -> dict[str, tuple[Legalisation, list[Permit]]]:
    """Each product's legalisation on its UPT's local today, against its category's requirements."""
    async with db.sessions() as session:
        permits = await PermitRepository(session).of_products([p.product_id for p in products])
        upts = await all_upts(session, facilities)
    out = {}
    for p in products:
        today = upts[p.upt_code].today(clock)
        mine = permits.get(p.product_id, [])
        out[p.product_id] = (legalisation(product_categories(today)[p.category], mine, today), mine)
    return out


@dataclass
class Figures:
    """The headline for one unit (a UPT, a Kanwil or the nation), from active products."""

    upts_producing: int = 0
    lapas_producing: int = 0  # of which Lapas (LAPAS_TYPES); upt_types has every type
    product_types: int = 0
    categories: int = 0
    flagship_products: int = 0
    needing_permits: int = 0
    fully_legalised: int = 0
    legalisation_in_progress: int = 0
    branded: int = 0  # label and packaging both in use
    permits_granted: dict[str, int] = field(default_factory=dict)
    upt_types: dict[str, int] = field(default_factory=dict)


# "N Lapas produce ...": Lapas, Lapas Narkotika and LPP (Lapas Perempuan); Rutan, Cabang Rutan
# and LPKA are counted in upts_producing and upt_types only.
LAPAS_TYPES = frozenset({"Lapas", "Lapas Narkotika", "LPP"})


async def headline(
    db: Database, *, level: str, kanwil_code: str | None, upt_code: str | None, scope: Scope, clock: Clock
) -> list[tuple[str, str | None, Figures]]:
    """(code, kanwil code, figures) per UPT, per Kanwil, or one row for the nation."""
    async with db.sessions() as session:
        products = await ProductRepository(session).active_in(scope, kanwil_code=kanwil_code, upt_code=upt_code)
        directory = await all_upts(session, facilities)
        branded = await BrandingRepository(session).in_use([p.product_id for p in products])
    legal = await legalisation_of(db, products, clock)
    groups: dict[tuple[str, str | None], list[Product]] = defaultdict(list)
    for p in products:
        key = (
            (p.upt_code, p.kanwil_code) if level == "upt" else (p.kanwil_code, None) if level == "kanwil" else ("national", None)
        )
        groups[key].append(p)
    rows = []
    for (code, kanwil), members in sorted(groups.items()):
        f = Figures()
        upts = {p.upt_code for p in members}
        f.upts_producing = len(upts)
        types: dict[str, int] = defaultdict(int)
        for u in upts:
            types[directory[u].upt_type] += 1
        f.upt_types = dict(sorted(types.items()))
        f.lapas_producing = sum(n for t, n in types.items() if t in LAPAS_TYPES)
        f.product_types = len(members)
        f.categories = len({p.category for p in members})
        f.flagship_products = sum(1 for p in members if p.flagship_upt or p.flagship_kanwil)
        f.branded = sum(1 for p in members if p.product_id in branded)
        granted: dict[str, int] = defaultdict(int)
        for p in members:
            state, _ = legal[p.product_id]
            for t in state.granted:
                granted[t] += 1
            if state.needs_permits:
                f.needing_permits += 1
                f.fully_legalised += state.complete
                f.legalisation_in_progress += (not state.complete) and bool(state.in_progress)
        f.permits_granted = dict(sorted(granted.items()))
        rows.append((code, kanwil, f))
    return rows
