"""Sales, PNBP and premi. A sale's revenue is split into the inmates' pay (premi), non-tax state
revenue (PNBP) and working capital by the split in force for the UPT on the sale date.

The split is configuration, not code (Kepmen Kehakiman M.01-PP.02.01/1990; reported splits
conflict, domain.md §5): a UPT sets its own, from a date; with none set the rule-data default
(marked unconfirmed) applies. Rupiah are whole: premi and PNBP are rounded down and capital
takes the remainder, so the three shares always add up to the revenue. Balances: PNBP owed =
PNBP shares - deposits, premi owed = premi shares - payments; neither may go below zero.
"""

from dataclasses import dataclass, field
from datetime import date

from pydantic import BaseModel

from pas_rehabilitation.domain.catalogue import in_force
from pas_rehabilitation.domain.product import BuyerType, Product, ProductStatus, SaleChannel
from pas_shared.errors import RuleViolation
from pas_shared.events.rehabilitation import PnbpDeposited, PremiPaid, SaleRecorded
from pas_shared.rules import RuleBook

HUNDRED = 100


@dataclass(frozen=True)
class Split:
    premi_pct: int
    pnbp_pct: int
    capital_pct: int
    effective_from: date
    source: str  # "upt" (set for the UPT) or "rule-data" (the default)
    status: str  # how sure: "configured" for a UPT's own, the rule set's status for the default
    basis: str

    @classmethod
    def configure(cls, *, premi_pct: int, pnbp_pct: int, capital_pct: int, effective_from: date, basis: str) -> "Split":
        for name, pct in (("premi_pct", premi_pct), ("pnbp_pct", pnbp_pct), ("capital_pct", capital_pct)):
            if not 0 <= pct <= HUNDRED:
                raise RuleViolation(
                    name, "percentage", id="Persentase antara 0 dan 100.", en="A percentage is between 0 and 100."
                )
        total = premi_pct + pnbp_pct + capital_pct
        if total != HUNDRED:
            raise RuleViolation(
                "premi_pct",
                "sums-to-100",
                id=f"Premi, PNBP dan modal harus berjumlah 100% (sekarang {total}%).",
                en=f"Premi, PNBP and capital must add up to 100% (they add up to {total}%).",
            )
        return cls(premi_pct, pnbp_pct, capital_pct, effective_from, "upt", "configured", basis)

    def shares(self, revenue: int) -> tuple[int, int, int]:
        premi = revenue * self.premi_pct // HUNDRED
        pnbp = revenue * self.pnbp_pct // HUNDRED
        return premi, pnbp, revenue - premi - pnbp


def default_split(on: date, book: RuleBook | None = None) -> Split:
    rs = in_force("premi-split", on, book)
    v = rs.values
    return Split(
        int(v["premi_pct"]), int(v["pnbp_pct"]), int(v["capital_pct"]), rs.effective_from, "rule-data", rs.status, rs.cite()
    )


@dataclass(frozen=True)
class Sale:
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
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def record(
        cls,
        *,
        sale_id: str,
        product: Product,
        sold_on: date,
        channel: SaleChannel,
        buyer_type: BuyerType,
        quantity: int,
        revenue_rupiah: int,
        split: Split,
        today: date,
    ) -> "Sale":
        if product.status is not ProductStatus.ACTIVE:
            raise RuleViolation(
                "product_id", "active-product", id="Produk ini sudah dihentikan.", en="This product was discontinued."
            )
        if sold_on > today:
            raise RuleViolation(
                "sold_on", "not-in-future", id="Penjualan dicatat setelah terjadi.", en="A sale is recorded after it happens."
            )
        if quantity < 1:
            raise RuleViolation("quantity", "positive", id="Jumlah terjual minimal 1.", en="A sale is of at least 1 unit.")
        if quantity > product.stock:
            raise RuleViolation(
                "quantity",
                "within-stock",
                id=f"Jumlah terjual ({quantity}) melebihi stok ({product.stock} {product.unit}).",
                en=f"The quantity sold ({quantity}) is more than the stock ({product.stock} {product.unit}).",
            )
        if revenue_rupiah < 0:
            raise RuleViolation(
                "revenue_rupiah", "not-negative", id="Pendapatan tidak boleh negatif.", en="Revenue cannot be negative."
            )
        premi, pnbp, capital = split.shares(revenue_rupiah)
        product.stock -= quantity
        sale = cls(
            sale_id,
            product.product_id,
            product.upt_code,
            product.kanwil_code,
            sold_on,
            channel,
            buyer_type,
            quantity,
            revenue_rupiah,
            premi,
            pnbp,
            capital,
        )
        sale.events.append(
            SaleRecorded(
                sale_id=sale_id,
                product_id=product.product_id,
                upt_code=product.upt_code,
                kanwil_code=product.kanwil_code,
                sold_on=sold_on,
                channel=channel.value,
                buyer_type=buyer_type.value,
                quantity=quantity,
                revenue_rupiah=revenue_rupiah,
                premi_rupiah=premi,
                pnbp_rupiah=pnbp,
                capital_rupiah=capital,
            )
        )
        return sale


@dataclass(frozen=True)
class Balance:
    """A UPT's (or a sum of UPTs') money from sales. revenue = premi + pnbp + capital, always."""

    revenue_rupiah: int = 0
    premi_rupiah: int = 0
    pnbp_rupiah: int = 0
    capital_rupiah: int = 0
    pnbp_deposited_rupiah: int = 0
    premi_paid_rupiah: int = 0

    @property
    def pnbp_owed_rupiah(self) -> int:
        return self.pnbp_rupiah - self.pnbp_deposited_rupiah

    @property
    def premi_owed_rupiah(self) -> int:
        return self.premi_rupiah - self.premi_paid_rupiah


@dataclass(frozen=True)
class PnbpDeposit:
    deposit_id: str
    upt_code: str
    kanwil_code: str
    deposited_on: date
    amount_rupiah: int
    ntpn: str
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def record(
        cls,
        *,
        deposit_id: str,
        upt_code: str,
        kanwil_code: str,
        deposited_on: date,
        amount_rupiah: int,
        ntpn: str,
        balance: Balance,
        today: date,
    ) -> "PnbpDeposit":
        if deposited_on > today:
            raise RuleViolation(
                "deposited_on",
                "not-in-future",
                id="Setoran dicatat setelah terjadi.",
                en="A deposit is recorded after it is made.",
            )
        if amount_rupiah < 1:
            raise RuleViolation(
                "amount_rupiah", "positive", id="Jumlah setoran harus lebih dari nol.", en="A deposit is more than zero."
            )
        if amount_rupiah > balance.pnbp_owed_rupiah:
            raise RuleViolation(
                "amount_rupiah",
                "within-pnbp-owed",
                id=f"Setoran Rp{amount_rupiah} melebihi PNBP yang belum disetor (Rp{balance.pnbp_owed_rupiah}).",
                en=f"The deposit of Rp{amount_rupiah} is more than the PNBP not yet deposited (Rp{balance.pnbp_owed_rupiah}).",
            )
        d = cls(deposit_id, upt_code, kanwil_code, deposited_on, amount_rupiah, ntpn)
        d.events.append(
            PnbpDeposited(
                deposit_id=deposit_id,
                upt_code=upt_code,
                kanwil_code=kanwil_code,
                deposited_on=deposited_on,
                amount_rupiah=amount_rupiah,
                ntpn=ntpn,
            )
        )
        return d


@dataclass(frozen=True)
class PremiLine:
    inmate_id: str
    amount_rupiah: int


@dataclass(frozen=True)
class PremiPayment:
    payment_id: str
    upt_code: str
    kanwil_code: str
    paid_on: date
    channel: str  # e.g. bank savings, e-money card (Brizzi): the tata tertib bans cash
    lines: tuple[PremiLine, ...]
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    @property
    def amount_rupiah(self) -> int:
        return sum(line.amount_rupiah for line in self.lines)

    @classmethod
    def record(
        cls,
        *,
        payment_id: str,
        upt_code: str,
        kanwil_code: str,
        paid_on: date,
        channel: str,
        lines: tuple[PremiLine, ...],
        worked: set[str],
        balance: Balance,
        today: date,
    ) -> "PremiPayment":
        """`worked`: the inmates who worked in a production batch of this UPT on or before `paid_on`."""
        if paid_on > today:
            raise RuleViolation(
                "paid_on", "not-in-future", id="Pembayaran dicatat setelah terjadi.", en="A payment is recorded after it is made."
            )
        if not lines:
            raise RuleViolation("lines", "at-least-one", id="Minimal satu WBP dibayar.", en="At least one inmate is paid.")
        seen: set[str] = set()
        for n, line in enumerate(lines):
            if line.inmate_id in seen:
                raise RuleViolation(
                    f"lines[{n}].inmate_id", "listed-once", id="Setiap WBP dicatat sekali.", en="Each inmate is listed once."
                )
            seen.add(line.inmate_id)
            if line.amount_rupiah < 1:
                raise RuleViolation(
                    f"lines[{n}].amount_rupiah", "positive", id="Premi harus lebih dari nol.", en="Premi is more than zero."
                )
            if line.inmate_id not in worked:
                raise RuleViolation(
                    f"lines[{n}].inmate_id",
                    "worked-in-production",
                    id=f"WBP {line.inmate_id} tidak tercatat bekerja dalam produksi UPT ini.",
                    en=f"Inmate {line.inmate_id} is not recorded as working in this UPT's production.",
                )
        payment = cls(payment_id, upt_code, kanwil_code, paid_on, channel, lines)
        if payment.amount_rupiah > balance.premi_owed_rupiah:
            raise RuleViolation(
                "lines",
                "within-premi-owed",
                id=f"Premi Rp{payment.amount_rupiah} melebihi premi yang belum dibayar (Rp{balance.premi_owed_rupiah}).",
                en=f"Premi of Rp{payment.amount_rupiah} is more than the premi not yet paid (Rp{balance.premi_owed_rupiah}).",
            )
        payment.events.append(
            PremiPaid(
                payment_id=payment_id,
                upt_code=upt_code,
                kanwil_code=kanwil_code,
                paid_on=paid_on,
                workers=len(lines),
                amount_rupiah=payment.amount_rupiah,
            )
        )
        return payment
