"""Routes for sales and money: premi splits per UPT, sales, PNBP deposits, premi payments and
balances per UPT, Kanwil and nation (revenue = premi + PNBP + capital, always)."""

from collections import defaultdict
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from pas_rehabilitation.adapters.money import MoneyRepository
from pas_rehabilitation.api.schemas import Body
from pas_rehabilitation.app import money
from pas_rehabilitation.app.money import RecordSale
from pas_rehabilitation.domain.money import Balance, PremiLine, Sale, Split
from pas_rehabilitation.domain.product import BuyerType, SaleChannel
from pas_shared.api import ActorDep, ClockDep, DatabaseDep, PageDep, PageOut, ScopeDep
from pas_shared.clock import latest_local_today
from pas_shared.errors import RuleViolation
from pas_shared.events.remission import UPT_CODE

router = APIRouter(prefix="/api/v1", tags=["sales and money"])


class SplitIn(Body):
    premi_pct: int = Field(ge=0, le=100, strict=True, description="Inmates' pay.")
    pnbp_pct: int = Field(ge=0, le=100, strict=True, description="Deposited to the state as PNBP.")
    capital_pct: int = Field(ge=0, le=100, strict=True, description="Kept as working capital. The three add up to 100.")
    effective_from: date
    basis: str = Field(min_length=1, max_length=500, description="The decision or letter that sets this split.")


class SplitOut(BaseModel):
    upt_code: str
    premi_pct: int
    pnbp_pct: int
    capital_pct: int
    effective_from: date
    source: Literal["upt", "rule-data"]
    status: str = Field(description="'configured' for the UPT's own split; the rule data's status (unconfirmed) for the default.")
    basis: str


def _split_out(upt_code: str, s: Split) -> SplitOut:
    return SplitOut(
        upt_code=upt_code,
        premi_pct=s.premi_pct,
        pnbp_pct=s.pnbp_pct,
        capital_pct=s.capital_pct,
        effective_from=s.effective_from,
        source="upt" if s.source == "upt" else "rule-data",
        status=s.status,
        basis=s.basis,
    )


@router.put("/premi-splits/{upt_code}", operation_id="setPremiSplit")
async def set_split(upt_code: str, body: SplitIn, db: DatabaseDep, actor: ActorDep, scope: ScopeDep) -> SplitOut:
    s = await money.set_split(
        db,
        upt_code,
        premi_pct=body.premi_pct,
        pnbp_pct=body.pnbp_pct,
        capital_pct=body.capital_pct,
        effective_from=body.effective_from,
        basis=body.basis,
        scope=scope,
        actor=actor,
    )
    return _split_out(upt_code, s)


@router.get("/premi-splits/{upt_code}", operation_id="getPremiSplit")
async def get_split(upt_code: str, db: DatabaseDep, clock: ClockDep, scope: ScopeDep, on: date | None = None) -> SplitOut:
    """The split in force on `on` (default today): the UPT's own, or the rule-data default."""
    return _split_out(upt_code, await money.split_in_force(db, upt_code, on or latest_local_today(clock), scope=scope))


class SaleIn(Body):
    product_id: str = Field(min_length=1, max_length=36)
    sold_on: date
    channel: SaleChannel
    buyer_type: BuyerType
    quantity: int = Field(ge=1, le=10**9, strict=True)
    revenue_rupiah: int = Field(ge=0, le=10**13, strict=True, description="What the buyer paid, whole rupiah.")


class SaleOut(BaseModel):
    sale_id: str
    product_id: str
    upt_code: str
    kanwil_code: str
    sold_on: date
    channel: SaleChannel
    buyer_type: BuyerType
    quantity: int
    revenue_rupiah: int
    premi_rupiah: int
    pnbp_rupiah: int
    capital_rupiah: int


def _sale_out(s: Sale) -> SaleOut:
    return SaleOut(
        sale_id=s.sale_id,
        product_id=s.product_id,
        upt_code=s.upt_code,
        kanwil_code=s.kanwil_code,
        sold_on=s.sold_on,
        channel=s.channel,
        buyer_type=s.buyer_type,
        quantity=s.quantity,
        revenue_rupiah=s.revenue_rupiah,
        premi_rupiah=s.premi_rupiah,
        pnbp_rupiah=s.pnbp_rupiah,
        capital_rupiah=s.capital_rupiah,
    )


@router.post("/sales", status_code=status.HTTP_201_CREATED, operation_id="recordSale")
async def record_sale(body: SaleIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep) -> SaleOut:
    return _sale_out(await money.record_sale(db, RecordSale(**body.model_dump()), scope=scope, actor=actor, clock=clock))


@router.get("/sales", operation_id="listSales")
async def list_sales(
    db: DatabaseDep,
    page: PageDep,
    scope: ScopeDep,
    upt_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
    kanwil_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
    product_id: str | None = None,
    from_date: Annotated[date | None, Query(alias="from")] = None,
    to_date: Annotated[date | None, Query(alias="to")] = None,
) -> PageOut[SaleOut]:
    if from_date and to_date and to_date < from_date:
        raise RuleViolation(
            "to", "not-before-from", id="Tanggal akhir tidak boleh sebelum tanggal awal.", en="'to' cannot be before 'from'."
        )
    async with db.sessions() as session:
        found, total = await MoneyRepository(session).search_sales(
            scope,
            upt_code=upt_code,
            kanwil_code=kanwil_code,
            product_id=product_id,
            from_date=from_date,
            to_date=to_date,
            limit=page.limit,
            offset=page.offset,
        )
    return PageOut(items=[_sale_out(s) for s in found], total=total, limit=page.limit, offset=page.offset)


class DepositIn(Body):
    upt_code: str = Field(pattern=UPT_CODE)
    deposited_on: date
    amount_rupiah: int = Field(ge=1, le=10**13, strict=True)
    ntpn: str = Field(pattern=r"^[A-Z0-9]{16}$", description="Nomor Transaksi Penerimaan Negara (16 characters).")


class DepositOut(BaseModel):
    deposit_id: str
    upt_code: str
    kanwil_code: str
    deposited_on: date
    amount_rupiah: int
    ntpn: str


@router.post("/pnbp-deposits", status_code=status.HTTP_201_CREATED, operation_id="recordPnbpDeposit")
async def deposit(body: DepositIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep) -> DepositOut:
    d = await money.record_deposit(
        db,
        body.upt_code,
        deposited_on=body.deposited_on,
        amount_rupiah=body.amount_rupiah,
        ntpn=body.ntpn,
        scope=scope,
        actor=actor,
        clock=clock,
    )
    return DepositOut(
        deposit_id=d.deposit_id,
        upt_code=d.upt_code,
        kanwil_code=d.kanwil_code,
        deposited_on=d.deposited_on,
        amount_rupiah=d.amount_rupiah,
        ntpn=d.ntpn,
    )


class PremiLineIn(Body):
    inmate_id: str = Field(min_length=1, max_length=36)
    amount_rupiah: int = Field(ge=1, le=10**10, strict=True)


class PremiPaymentIn(Body):
    upt_code: str = Field(pattern=UPT_CODE)
    paid_on: date
    channel: str = Field(min_length=1, max_length=40, examples=["bank-savings", "e-money"])
    lines: list[PremiLineIn] = Field(min_length=1, max_length=5000, description="Each worker paid and the amount.")


class PremiPaymentOut(BaseModel):
    payment_id: str
    upt_code: str
    kanwil_code: str
    paid_on: date
    channel: str
    workers: int
    amount_rupiah: int


@router.post("/premi-payments", status_code=status.HTTP_201_CREATED, operation_id="recordPremiPayment")
async def pay_premi(body: PremiPaymentIn, db: DatabaseDep, actor: ActorDep, clock: ClockDep, scope: ScopeDep) -> PremiPaymentOut:
    p = await money.record_premi_payment(
        db,
        body.upt_code,
        paid_on=body.paid_on,
        channel=body.channel,
        lines=tuple(PremiLine(x.inmate_id, x.amount_rupiah) for x in body.lines),
        scope=scope,
        actor=actor,
        clock=clock,
    )
    return PremiPaymentOut(
        payment_id=p.payment_id,
        upt_code=p.upt_code,
        kanwil_code=p.kanwil_code,
        paid_on=p.paid_on,
        channel=p.channel,
        workers=len(p.lines),
        amount_rupiah=p.amount_rupiah,
    )


class BalanceOut(BaseModel):
    level: Literal["upt", "kanwil", "national"]
    code: str
    revenue_rupiah: int
    premi_rupiah: int
    pnbp_rupiah: int
    capital_rupiah: int
    pnbp_deposited_rupiah: int
    pnbp_owed_rupiah: int = Field(description="PNBP share not yet deposited.")
    premi_paid_rupiah: int
    premi_owed_rupiah: int = Field(description="Premi share not yet paid to the workers.")


@router.get("/money/balances", operation_id="listMoneyBalances")
async def balances(
    db: DatabaseDep,
    scope: ScopeDep,
    level: Literal["upt", "kanwil", "national"] = "national",
    upt_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
    kanwil_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
) -> list[BalanceOut]:
    found = await money.balances(db, scope=scope, upt_code=upt_code, kanwil_code=kanwil_code)
    sums: dict[str, list[int]] = defaultdict(lambda: [0] * 6)
    for upt, (kanwil, b) in found.items():
        code = upt if level == "upt" else kanwil if level == "kanwil" else "national"
        acc = sums[code]
        for i, amount in enumerate(
            (b.revenue_rupiah, b.premi_rupiah, b.pnbp_rupiah, b.capital_rupiah, b.pnbp_deposited_rupiah, b.premi_paid_rupiah)
        ):
            acc[i] += amount
    if level == "national" and not sums:
        sums["national"] = [0] * 6
    out = []
    for code, totals in sorted(sums.items()):
        b = Balance(*totals)
        out.append(
            BalanceOut(
                level=level,
                code=code,
                revenue_rupiah=b.revenue_rupiah,
                premi_rupiah=b.premi_rupiah,
                pnbp_rupiah=b.pnbp_rupiah,
                capital_rupiah=b.capital_rupiah,
                pnbp_deposited_rupiah=b.pnbp_deposited_rupiah,
                pnbp_owed_rupiah=b.pnbp_owed_rupiah,
                premi_paid_rupiah=b.premi_paid_rupiah,
                premi_owed_rupiah=b.premi_owed_rupiah,
            )
        )
    return out
