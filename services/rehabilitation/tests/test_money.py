from datetime import date

import pytest

from pas_rehabilitation.domain.money import Balance, PremiLine, PremiPayment, Sale, Split, default_split
from pas_rehabilitation.domain.product import BuyerType, Product, SaleChannel
from pas_shared.errors import RuleViolation

TODAY = date(2026, 11, 28)


def product(stock: int) -> Product:
    return Product("p-1", "LP-AMBON", "KW-MALUKU", "Batako", "construction-materials", "pcs", None, TODAY, stock=stock)


def split(premi: int = 50, pnbp: int = 15, capital: int = 35) -> Split:
    return Split.configure(premi_pct=premi, pnbp_pct=pnbp, capital_pct=capital, effective_from=TODAY, basis="SK Kalapas")


def test_the_default_split_is_rule_data_and_marked_unconfirmed() -> None:
    s = default_split(TODAY)
    assert (s.premi_pct, s.pnbp_pct, s.capital_pct, s.source) == (50, 15, 35, "rule-data")
    assert s.status.startswith("unconfirmed")


@pytest.mark.parametrize(("premi", "pnbp", "capital"), [(50, 15, 30), (35, 50, 16), (101, 0, -1)])
def test_a_split_must_add_up_to_100(premi: int, pnbp: int, capital: int) -> None:
    with pytest.raises(RuleViolation) as caught:
        split(premi, pnbp, capital)
    assert caught.value.errors[0].rule in {"sums-to-100", "percentage"}


def test_shares_always_add_up_to_the_revenue() -> None:
    # Rp10,501 split 35/50/15 -> premi 3,675 (3,675.35), pnbp 5,250 (5,250.5), capital the rest 1,576
    assert split(35, 50, 15).shares(10_501) == (3_675, 5_250, 1_576)
    for revenue in (0, 1, 99, 10_501, 1_234_567):
        assert sum(split(30, 70, 0).shares(revenue)) == revenue


def test_a_sale_takes_from_stock_and_is_split() -> None:
    p = product(stock=100)
    sale = Sale.record(
        sale_id="s-1",
        product=p,
        sold_on=TODAY,
        channel=SaleChannel.ORDER,
        buyer_type=BuyerType.BUSINESS,
        quantity=100,
        revenue_rupiah=150_000,
        split=split(),
        today=TODAY,
    )
    assert p.stock == 0
    assert (sale.premi_rupiah, sale.pnbp_rupiah, sale.capital_rupiah) == (75_000, 22_500, 52_500)
    assert len(sale.events) == 1


def test_a_sale_of_more_than_the_stock_is_refused() -> None:
    p = product(stock=99)
    with pytest.raises(RuleViolation) as caught:
        Sale.record(
            sale_id="s-1",
            product=p,
            sold_on=TODAY,
            channel=SaleChannel.ORDER,
            buyer_type=BuyerType.BUSINESS,
            quantity=100,
            revenue_rupiah=150_000,
            split=split(),
            today=TODAY,
        )
    assert (caught.value.errors[0].field, caught.value.errors[0].rule) == ("quantity", "within-stock")
    assert p.stock == 99


def test_premi_is_paid_to_workers_within_what_is_owed() -> None:
    owed = Balance(
        revenue_rupiah=100_000, premi_rupiah=50_000, pnbp_rupiah=15_000, capital_rupiah=35_000, premi_paid_rupiah=20_000
    )
    assert owed.premi_owed_rupiah == 30_000

    def pay(lines: tuple[PremiLine, ...]) -> PremiPayment:
        return PremiPayment.record(
            payment_id="pp",
            upt_code="LP-AMBON",
            kanwil_code="KW-MALUKU",
            paid_on=TODAY,
            channel="e-money",
            lines=lines,
            worked={"i-1", "i-2"},
            balance=owed,
            today=TODAY,
        )

    assert pay((PremiLine("i-1", 10_000), PremiLine("i-2", 20_000))).amount_rupiah == 30_000
    for lines, rule in (
        ((PremiLine("i-1", 30_001),), "within-premi-owed"),
        ((PremiLine("i-3", 1_000),), "worked-in-production"),
        ((PremiLine("i-1", 1), PremiLine("i-1", 1)), "listed-once"),
    ):
        with pytest.raises(RuleViolation) as caught:
            pay(lines)
        assert caught.value.errors[0].rule == rule
