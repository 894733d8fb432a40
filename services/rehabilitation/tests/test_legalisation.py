from datetime import date

import pytest

from pas_rehabilitation.domain.catalogue import product_categories
from pas_rehabilitation.domain.permit import NEXT, Permit, PermitStatus, legalisation
from pas_rehabilitation.domain.product import Product
from pas_shared.errors import Conflict, RuleViolation
from pas_shared.events.rehabilitation import PermitExpiryWarned, PermitStatusChanged

TODAY = date(2026, 11, 28)


def product(category: str = "food") -> Product:
    return Product("p-1", "LP-PATI", "KW-JATENG", "Roti manis", category, "pcs", None, TODAY)


def permit(permit_type: str = "halal", category: str = "food") -> Permit:
    return Permit.start(
        permit_id="pm-1",
        product=product(category),
        category=product_categories(TODAY)[category],
        permit_type=permit_type,
        agency=None,
        on=TODAY,
        exists=False,
    )


def granted(permit_type: str = "halal", until: date | None = date(2026, 12, 1)) -> Permit:
    p = permit(permit_type)
    for to in (PermitStatus.APPLIED, PermitStatus.UNDER_REVIEW):
        p.move(to, on=date(2022, 10, 1), today=TODAY, by="officer", why="", product_name="Roti manis")
    p.move(
        PermitStatus.GRANTED,
        on=date(2022, 12, 1),
        today=date(2022, 12, 1),
        by="officer",
        why="",
        product_name="Roti manis",
        number="ID33110000662051022",
        valid_from=date(2022, 12, 1),
        valid_until=until,
    )
    p.events.clear()
    return p


def test_the_state_machine() -> None:
    assert NEXT[PermitStatus.NOT_STARTED] == {PermitStatus.APPLIED}
    assert NEXT[PermitStatus.UNDER_REVIEW] == {PermitStatus.GRANTED, PermitStatus.REJECTED}
    assert NEXT[PermitStatus.GRANTED] == {PermitStatus.EXPIRED}
    assert set(NEXT) == set(PermitStatus)


def test_the_usual_agency_comes_from_rule_data() -> None:
    assert permit("halal").agency == "BPJPH"
    assert permit("p-irt").agency == "Dinas Kesehatan Kabupaten/Kota"


def test_a_permit_that_does_not_apply_to_the_category_is_refused() -> None:
    with pytest.raises(RuleViolation) as caught:
        permit("p-irt", category="handicraft")
    assert (caught.value.errors[0].field, caught.value.errors[0].rule) == ("permit_type", "applicable-to-category")
    with pytest.raises(RuleViolation) as caught:
        permit("sim-a")
    assert caught.value.errors[0].rule == "listed"


def test_grant_needs_a_number_and_a_start() -> None:
    p = permit()
    p.move(PermitStatus.APPLIED, on=TODAY, today=TODAY, by="o", why="", product_name="x")
    p.move(PermitStatus.UNDER_REVIEW, on=TODAY, today=TODAY, by="o", why="", product_name="x")
    p.events.clear()
    with pytest.raises(RuleViolation) as caught:
        p.move(PermitStatus.GRANTED, on=TODAY, today=TODAY, by="o", why="", product_name="x", valid_from=TODAY)
    assert (caught.value.errors[0].field, caught.value.errors[0].rule) == ("number", "required-for-granted")
    assert p.status is PermitStatus.UNDER_REVIEW and p.events == [] and len(p.transitions) == 2


def test_skipping_review_is_a_conflict() -> None:
    p = permit()
    with pytest.raises(Conflict):
        p.move(PermitStatus.GRANTED, on=TODAY, today=TODAY, by="o", why="", product_name="x", number="1", valid_from=TODAY)


def test_a_grant_publishes_the_change() -> None:
    p = permit()
    p.move(PermitStatus.APPLIED, on=TODAY, today=TODAY, by="o", why="", product_name="Roti manis")
    (event,) = p.events
    assert isinstance(event, PermitStatusChanged)
    assert (event.from_status, event.status, event.permit_type, event.kanwil_code) == (
        "not-started",
        "applied",
        "halal",
        "KW-JATENG",
    )


@pytest.mark.parametrize(
    ("today", "warned", "threshold", "days_left"),
    [
        (date(2026, 9, 2), (90,), 90, 90),  # 2 Sep to 1 Dec: 90 days
        (date(2026, 11, 28), (90, 30, 7), 7, 3),  # a late first check sends one warning, the nearest threshold
    ],
)
def test_expiry_warnings(today: date, warned: tuple[int, ...], threshold: int, days_left: int) -> None:
    p = granted()
    assert p.check_expiry(today=today, product_name="Roti manis")
    (event,) = p.events
    assert isinstance(event, PermitExpiryWarned)
    assert (event.threshold_days, event.days_left) == (threshold, days_left)
    assert p.warned_days == warned
    p.events.clear()
    assert not p.check_expiry(today=today, product_name="Roti manis")  # once per threshold
    assert p.events == []


def test_nothing_before_the_first_threshold_and_expiry_the_day_after_valid_until() -> None:
    p = granted()
    assert not p.check_expiry(today=date(2026, 9, 1), product_name="x")
    assert not granted(until=None).check_expiry(today=date(2099, 1, 1), product_name="x")
    p.check_expiry(today=date(2026, 12, 1), product_name="x")
    assert p.status is PermitStatus.GRANTED  # the last valid day
    p.events.clear()
    assert p.check_expiry(today=date(2026, 12, 2), product_name="x")
    assert p.status is PermitStatus.EXPIRED
    assert [e.status for e in p.events if isinstance(e, PermitStatusChanged)] == ["expired"]


def test_food_needs_p_irt_or_bpom_and_halal_crafts_need_nothing() -> None:
    food = product_categories(TODAY)["food"]
    assert legalisation(food, [], TODAY).missing == ("p-irt or bpom", "halal")
    state = legalisation(food, [granted("halal"), granted("bpom")], TODAY)
    assert state.complete and state.granted == ("bpom", "halal")
    assert not legalisation(food, [granted("halal")], TODAY).complete
    assert not legalisation(food, [granted("halal"), granted("p-irt", until=date(2026, 11, 27))], TODAY).complete
    craft = product_categories(TODAY)["handicraft"]
    assert legalisation(craft, [], TODAY).complete and not legalisation(craft, [], TODAY).needs_permits
