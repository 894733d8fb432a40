"""Sales and money: premi splits per UPT, sales (stock down, revenue split), PNBP deposits and
premi payments, each within what is owed; balances per UPT, Kanwil and nation."""

from dataclasses import dataclass
from datetime import date

from pas_rehabilitation.adapters.money import MoneyRepository, SplitRepository, sale_row
from pas_rehabilitation.adapters.products import ProductionRepository, ProductRepository
from pas_rehabilitation.adapters.tables import facilities, roster
from pas_rehabilitation.domain.money import Balance, PnbpDeposit, PremiLine, PremiPayment, Sale, Split, default_split
from pas_rehabilitation.domain.product import BuyerType, SaleChannel, product_not_found
from pas_shared.api import Scope
from pas_shared.clock import Clock
from pas_shared.db import Database, UnitOfWork
from pas_shared.directory import all_upts, require_upt
from pas_shared.errors import RuleViolation
from pas_shared.ids import new_id
from pas_shared.roster import require_on_roster


async def split_in_force(db: Database, upt_code: str, on: date, *, scope: Scope) -> Split:
    async with db.sessions() as session:
        await require_upt(session, facilities, upt_code, scope=scope)
        return await SplitRepository(session).in_force(upt_code, on) or default_split(on)


async def set_split(
    db: Database,
    upt_code: str,
    *,
    premi_pct: int,
    pnbp_pct: int,
    capital_pct: int,
    effective_from: date,
    basis: str,
    scope: Scope,
    actor: str,
) -> Split:
    split = Split.configure(
        premi_pct=premi_pct, pnbp_pct=pnbp_pct, capital_pct=capital_pct, effective_from=effective_from, basis=basis
    )
    async with UnitOfWork(db, actor=actor) as uow:
        await require_upt(uow.session, facilities, upt_code, scope=scope)
        await SplitRepository(uow.session).set(upt_code, split, by=actor)
        uow.audit("premi-split.set", "premi-split", f"{upt_code}:{effective_from.isoformat()}", after=split)
    return split


@dataclass(frozen=True, kw_only=True)
class RecordSale:
    product_id: str
    sold_on: date
    channel: SaleChannel
    buyer_type: BuyerType
    quantity: int
    revenue_rupiah: int


async def record_sale(db: Database, cmd: RecordSale, *, scope: Scope, actor: str, clock: Clock) -> Sale:
    async with UnitOfWork(db, actor=actor) as uow:
        products = ProductRepository(uow.session)
        product = await products.get(cmd.product_id, scope, for_update=True)  # stock moves one sale at a time
        if product is None:
            raise product_not_found(cmd.product_id)
        facility = await require_upt(uow.session, facilities, product.upt_code)
        split = await SplitRepository(uow.session).in_force(product.upt_code, cmd.sold_on) or default_split(cmd.sold_on)
        sale = Sale.record(
            sale_id=new_id(),
            product=product,
            sold_on=cmd.sold_on,
            channel=cmd.channel,
            buyer_type=cmd.buyer_type,
            quantity=cmd.quantity,
            revenue_rupiah=cmd.revenue_rupiah,
            split=split,
            today=facility.today(clock),
        )
        await products.save(product)
        await MoneyRepository(uow.session).add_sale(sale)
        uow.emit_recorded(sale.events, subject=sale.sale_id, uptcode=sale.upt_code, kanwilcode=sale.kanwil_code)
        uow.audit("sale.recorded", "sale", sale.sale_id, after=sale_row(sale) | {"split": split, "stock_after": product.stock})
    return sale


async def _balance(uow: UnitOfWork, upt_code: str) -> Balance:
    return (await MoneyRepository(uow.session).balances(Scope(), upt_code=upt_code)).get(upt_code, Balance())


async def record_deposit(
    db: Database, upt_code: str, *, deposited_on: date, amount_rupiah: int, ntpn: str, scope: Scope, actor: str, clock: Clock
) -> PnbpDeposit:
    async with UnitOfWork(db, actor=actor) as uow:
        # The UPT's row is locked: two deposits at once cannot both fit in what is owed.
        facility = await require_upt(uow.session, facilities, upt_code, scope=scope, for_update=True)
        deposit = PnbpDeposit.record(
            deposit_id=new_id(),
            upt_code=upt_code,
            kanwil_code=facility.kanwil_code,
            deposited_on=deposited_on,
            amount_rupiah=amount_rupiah,
            ntpn=ntpn,
            balance=await _balance(uow, upt_code),
            today=facility.today(clock),
        )
        await MoneyRepository(uow.session).add_deposit(deposit)
        uow.emit_recorded(deposit.events, subject=upt_code, uptcode=upt_code, kanwilcode=facility.kanwil_code)
        uow.audit("pnbp.deposited", "pnbp-deposit", deposit.deposit_id, after=deposit)
    return deposit


async def record_premi_payment(
    db: Database,
    upt_code: str,
    *,
    paid_on: date,
    channel: str,
    lines: tuple[PremiLine, ...],
    scope: Scope,
    actor: str,
    clock: Clock,
) -> PremiPayment:
    async with UnitOfWork(db, actor=actor) as uow:
        facility = await require_upt(uow.session, facilities, upt_code, scope=scope, for_update=True)
        for n, line in enumerate(lines):
            try:  # premi is paid to inmates held in the UPT (released ones are paid out on release: not modelled)
                await require_on_roster(uow.session, roster, line.inmate_id, upt_code)
            except RuleViolation as refused:
                e = refused.errors[0]
                raise RuleViolation(f"lines[{n}].inmate_id", e.rule, id=e.message_id, en=e.message_en) from None
        payment = PremiPayment.record(
            payment_id=new_id(),
            upt_code=upt_code,
            kanwil_code=facility.kanwil_code,
            paid_on=paid_on,
            channel=channel,
            lines=lines,
            worked=await ProductionRepository(uow.session).workers_until(upt_code, paid_on),
            balance=await _balance(uow, upt_code),
            today=facility.today(clock),
        )
        await MoneyRepository(uow.session).add_payment(payment)
        uow.emit_recorded(payment.events, subject=upt_code, uptcode=upt_code, kanwilcode=facility.kanwil_code)
        uow.audit("premi.paid", "premi-payment", payment.payment_id, after=payment)
    return payment


async def balances(
    db: Database, *, scope: Scope, upt_code: str | None, kanwil_code: str | None
) -> dict[str, tuple[str, Balance]]:
    """Per UPT: its Kanwil and its balance."""
    async with db.sessions() as session:
        found = await MoneyRepository(session).balances(scope, upt_code=upt_code, kanwil_code=kanwil_code)
        upts = await all_upts(session, facilities)
    return {upt: (upts[upt].kanwil_code, b) for upt, b in found.items()}
