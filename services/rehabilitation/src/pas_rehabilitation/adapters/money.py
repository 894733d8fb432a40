"""Premi splits, sales, PNBP deposits and premi payments; balances summed from them."""

from datetime import date
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pas_rehabilitation.adapters.scoping import within
from pas_rehabilitation.adapters.tables import pnbp_deposits, premi_payment_lines, premi_payments, premi_splits, sales
from pas_rehabilitation.domain.money import Balance, PnbpDeposit, PremiPayment, Sale, Split
from pas_rehabilitation.domain.product import BuyerType, SaleChannel
from pas_shared.api import Scope
from pas_shared.db import utcnow
from pas_shared.errors import Conflict, FieldError


class SplitRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def set(self, upt_code: str, s: Split, *, by: str) -> None:
        """One split per UPT and date: setting the same date again replaces it."""
        ps = premi_splits
        await self.session.execute(ps.delete().where(ps.c.upt_code == upt_code, ps.c.effective_from == s.effective_from))
        await self.session.execute(
            insert(ps).values(
                upt_code=upt_code,
                effective_from=s.effective_from,
                premi_pct=s.premi_pct,
                pnbp_pct=s.pnbp_pct,
                capital_pct=s.capital_pct,
                basis=s.basis,
                by=by,
                at=utcnow(),
            )
        )

    async def in_force(self, upt_code: str, on: date) -> Split | None:
        """The UPT's own split in force on `on`, if it set one."""
        ps = premi_splits
        query = (
            select(ps).where(ps.c.upt_code == upt_code, ps.c.effective_from <= on).order_by(ps.c.effective_from.desc()).limit(1)
        )
        r = (await self.session.execute(query)).mappings().first()
        if r is None:
            return None
        return Split(r["premi_pct"], r["pnbp_pct"], r["capital_pct"], r["effective_from"], "upt", "configured", r["basis"])


class MoneyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_sale(self, s: Sale) -> None:
        await self.session.execute(insert(sales).values(**sale_row(s)))

    async def add_deposit(self, d: PnbpDeposit) -> None:
        try:
            await self.session.execute(
                insert(pnbp_deposits).values(
                    deposit_id=d.deposit_id,
                    upt_code=d.upt_code,
                    kanwil_code=d.kanwil_code,
                    deposited_on=d.deposited_on,
                    amount_rupiah=d.amount_rupiah,
                    ntpn=d.ntpn,
                )
            )
        except IntegrityError:  # uq_pnbp_deposits_ntpn: the unit of work rolls the request back
            raise Conflict(
                id=f"NTPN {d.ntpn} sudah tercatat.",
                en=f"NTPN {d.ntpn} is already recorded.",
                errors=[FieldError("ntpn", "recorded-once", "Satu setoran per NTPN.", "One deposit per NTPN.")],
            ) from None

    async def add_payment(self, p: PremiPayment) -> None:
        await self.session.execute(
            insert(premi_payments).values(
                payment_id=p.payment_id,
                upt_code=p.upt_code,
                kanwil_code=p.kanwil_code,
                paid_on=p.paid_on,
                channel=p.channel,
                amount_rupiah=p.amount_rupiah,
            )
        )
        await self.session.execute(
            insert(premi_payment_lines),
            [{"payment_id": p.payment_id, "inmate_id": x.inmate_id, "amount_rupiah": x.amount_rupiah} for x in p.lines],
        )

    async def balances(self, scope: Scope, *, upt_code: str | None = None, kanwil_code: str | None = None) -> dict[str, Balance]:
        """Per UPT: revenue and its shares, PNBP deposited and premi paid."""
        out: dict[str, dict[str, int]] = {}

        def where(table: Any) -> list[Any]:
            found = within(scope, table.c.upt_code, table.c.kanwil_code)
            if upt_code is not None:
                found.append(table.c.upt_code == upt_code)
            if kanwil_code is not None:
                found.append(table.c.kanwil_code == kanwil_code)
            return found

        s = sales
        query = (
            select(
                s.c.upt_code,
                func.sum(s.c.revenue_rupiah),
                func.sum(s.c.premi_rupiah),
                func.sum(s.c.pnbp_rupiah),
                func.sum(s.c.capital_rupiah),
            )
            .where(*where(s))
            .group_by(s.c.upt_code)
        )
        for upt, revenue, premi, pnbp, capital in (await self.session.execute(query)).all():
            out.setdefault(upt, {}).update(
                revenue_rupiah=int(revenue), premi_rupiah=int(premi), pnbp_rupiah=int(pnbp), capital_rupiah=int(capital)
            )
        for table, key in ((pnbp_deposits, "pnbp_deposited_rupiah"), (premi_payments, "premi_paid_rupiah")):
            query = select(table.c.upt_code, func.sum(table.c.amount_rupiah)).where(*where(table)).group_by(table.c.upt_code)
            for row in (await self.session.execute(query)).all():
                out.setdefault(row[0], {})[key] = int(row[1])
        return {upt: Balance(**values) for upt, values in sorted(out.items())}

    async def search_sales(
        self,
        scope: Scope,
        *,
        upt_code: str | None,
        kanwil_code: str | None,
        product_id: str | None,
        from_date: date | None,
        to_date: date | None,
        limit: int,
        offset: int,
    ) -> tuple[list[Sale], int]:
        s = sales
        where = within(scope, s.c.upt_code, s.c.kanwil_code)
        for column, value in ((s.c.upt_code, upt_code), (s.c.kanwil_code, kanwil_code), (s.c.product_id, product_id)):
            if value is not None:
                where.append(column == value)
        if from_date is not None:
            where.append(s.c.sold_on >= from_date)
        if to_date is not None:
            where.append(s.c.sold_on <= to_date)
        total = int((await self.session.execute(select(func.count()).select_from(s).where(*where))).scalar_one())
        query = select(s).where(*where).order_by(s.c.sold_on.desc(), s.c.sale_id).limit(limit).offset(offset)
        return [_sale(r) for r in (await self.session.execute(query)).mappings()], total


def sale_row(s: Sale) -> dict[str, Any]:
    return {
        "sale_id": s.sale_id,
        "product_id": s.product_id,
        "upt_code": s.upt_code,
        "kanwil_code": s.kanwil_code,
        "sold_on": s.sold_on,
        "channel": s.channel.value,
        "buyer_type": s.buyer_type.value,
        "quantity": s.quantity,
        "revenue_rupiah": s.revenue_rupiah,
        "premi_rupiah": s.premi_rupiah,
        "pnbp_rupiah": s.pnbp_rupiah,
        "capital_rupiah": s.capital_rupiah,
    }


def _sale(r: Any) -> Sale:
    return Sale(
        sale_id=r["sale_id"],
        product_id=r["product_id"],
        upt_code=r["upt_code"],
        kanwil_code=r["kanwil_code"],
        sold_on=r["sold_on"],
        channel=SaleChannel(r["channel"]),
        buyer_type=BuyerType(r["buyer_type"]),
        quantity=int(r["quantity"]),
        revenue_rupiah=int(r["revenue_rupiah"]),
        premi_rupiah=int(r["premi_rupiah"]),
        pnbp_rupiah=int(r["pnbp_rupiah"]),
        capital_rupiah=int(r["capital_rupiah"]),
    )
