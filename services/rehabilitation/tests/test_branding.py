from datetime import date, timedelta

import pytest

from pas_rehabilitation.domain.branding import Aspect, Branding, BrandingStatus, required_label_elements
from pas_rehabilitation.domain.catalogue import product_categories
from pas_rehabilitation.domain.partnership import Participant, Partnership, PartnershipLevel, PartnershipStatus
from pas_rehabilitation.domain.permit import legalisation
from pas_rehabilitation.domain.product import Product
from pas_shared.errors import Conflict, RuleViolation
from pas_shared.events.rehabilitation import PartnershipEnded, PartnershipExpiryWarned, PartnershipRenewed

TODAY = date(2026, 11, 28)
FOOD_LABEL = (
    "product-name",
    "ingredients",
    "net-content",
    "producer-name-address",
    "halal-logo",
    "production-code-date",
    "expiry-date",
    "permit-number",
)


def product(category: str = "food") -> Product:
    return Product("p-1", "LP-PATI", "KW-JATENG", "Roti manis", category, "pcs", None, TODAY)


def branded(category: str = "food", elements: tuple[str, ...] = FOOD_LABEL, packaging: str | None = None) -> Branding:
    b = Branding.start(product(category))
    b.update(product=product(category), brand_name="Roti Pati", label_elements=elements, packaging=packaging, today=TODAY)
    return b


def move(b: Branding, aspect: Aspect, to: BrandingStatus, *, legal: bool = True, category: str = "food") -> None:
    state = legalisation(product_categories(TODAY)[category], [], TODAY)
    if legal:
        state = legalisation(product_categories(TODAY)["handicraft"], [], TODAY)  # nothing required: complete
    b.move(aspect, to, product=product(category), legalisation=state, on=TODAY, today=TODAY, by="officer", why="")


def test_food_labels_need_the_contents_of_uu_18_2012_and_crafts_only_name_and_maker() -> None:
    assert required_label_elements("food", TODAY) == FOOD_LABEL
    assert required_label_elements("handicraft", TODAY) == ("product-name", "producer-name-address")


def test_a_label_is_approved_only_with_every_required_element() -> None:
    b = branded(elements=FOOD_LABEL[:-1])
    move(b, Aspect.LABEL, BrandingStatus.DESIGNING)
    with pytest.raises(RuleViolation) as refused:
        move(b, Aspect.LABEL, BrandingStatus.APPROVED)
    assert (refused.value.errors[0].field, refused.value.errors[0].rule) == ("label_elements", "required-label-elements")
    assert "permit-number" in refused.value.errors[0].message_en
    assert b.label_status is BrandingStatus.DESIGNING and len(b.transitions) == 1


def test_a_food_label_goes_into_use_only_when_legalised() -> None:
    b = branded()
    move(b, Aspect.LABEL, BrandingStatus.DESIGNING)
    move(b, Aspect.LABEL, BrandingStatus.APPROVED)
    with pytest.raises(RuleViolation) as refused:
        move(b, Aspect.LABEL, BrandingStatus.IN_USE, legal=False)
    assert refused.value.errors[0].rule == "legalised-before-label-in-use"
    move(b, Aspect.LABEL, BrandingStatus.IN_USE)
    assert b.label_status is BrandingStatus.IN_USE


def test_the_workflow_refuses_skipping_designing() -> None:
    b = branded(packaging="kardus")
    with pytest.raises(Conflict):
        move(b, Aspect.PACKAGING, BrandingStatus.APPROVED)


def test_packaging_is_approved_only_once_described() -> None:
    b = branded()
    move(b, Aspect.PACKAGING, BrandingStatus.DESIGNING)
    with pytest.raises(RuleViolation) as refused:
        move(b, Aspect.PACKAGING, BrandingStatus.APPROVED)
    assert refused.value.errors[0].rule == "described-before-approval"


def test_an_approved_label_cannot_lose_a_required_element() -> None:
    b = branded()
    move(b, Aspect.LABEL, BrandingStatus.DESIGNING)
    move(b, Aspect.LABEL, BrandingStatus.APPROVED)
    with pytest.raises(RuleViolation):
        b.update(product=product(), brand_name="Roti Pati", label_elements=FOOD_LABEL[1:], packaging=None, today=TODAY)


def mou(ends_on: date, **changes: object) -> Partnership:
    fields: dict[str, object] = {
        "partnership_id": "mou-1",
        "level": PartnershipLevel.UPT,
        "upt_code": "LP-PATI",
        "kanwil_code": "KW-JATENG",
        "partner": "BPJPH",
        "kind": "government-agency",
        "document_number": "MoU-1",
        "signed_on": date(2025, 1, 10),
        "starts_on": date(2025, 1, 10),
        "ends_on": ends_on,
        "scope": ("legalisation",),
        "participants": (Participant("LP-PATI", "KW-JATENG"),),
        "product_ids": (),
        "today": TODAY,
        "document_taken": False,
    } | changes
    return Partnership.sign(**fields)  # type: ignore[arg-type]


def test_a_partnership_is_warned_once_per_threshold_and_expires_the_day_after_its_end() -> None:
    p = mou(TODAY + timedelta(days=45))
    p.events.clear()
    assert p.check_expiry(today=TODAY) is True
    assert p.check_expiry(today=TODAY) is False
    (warning,) = p.events
    assert isinstance(warning, PartnershipExpiryWarned) and (warning.days_left, warning.threshold_days) == (45, 90)
    p.events.clear()
    # A late check past both thresholds sends one warning, for the nearest.
    assert p.check_expiry(today=p.ends_on - timedelta(days=3)) is True
    assert [e.threshold_days for e in p.events if isinstance(e, PartnershipExpiryWarned)] == [30]
    assert p.check_expiry(today=p.ends_on) is False  # still in force on its last day
    assert p.check_expiry(today=p.ends_on + timedelta(days=1)) is True
    assert p.status is PartnershipStatus.EXPIRED and isinstance(p.events[-1], PartnershipEnded)


def test_a_renewal_extends_the_end_and_a_terminated_partnership_stays_ended() -> None:
    p = mou(TODAY + timedelta(days=10))
    with pytest.raises(RuleViolation) as refused:
        p.renew(document_number="ADD-1", ends_on=p.ends_on, on=TODAY, today=TODAY, by="o", why="", document_taken=False)
    assert refused.value.errors[0].rule == "after-current-end"
    p.renew(
        document_number="ADD-1", ends_on=TODAY + timedelta(days=400), on=TODAY, today=TODAY, by="o", why="", document_taken=False
    )
    assert (p.document_number, p.transitions[-1].document_number) == ("ADD-1", "ADD-1")
    assert isinstance(p.events[-1], PartnershipRenewed) and p.events[-1].previous_ends_on == TODAY + timedelta(days=10)
    p.terminate(on=TODAY, today=TODAY, by="o", why="mitra berhenti")
    with pytest.raises(Conflict):
        p.renew(
            document_number="ADD-2",
            ends_on=TODAY + timedelta(days=900),
            on=TODAY,
            today=TODAY,
            by="o",
            why="",
            document_taken=False,
        )


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"kind": "bank"}, "kind", "listed"),
        ({"scope": ()}, "scope", "at-least-one"),
        ({"scope": ("marketing", "marketing")}, "scope", "listed-once"),
        ({"signed_on": TODAY + timedelta(days=1), "starts_on": TODAY + timedelta(days=1)}, "signed_on", "not-in-future"),
        ({"starts_on": date(2025, 1, 9)}, "starts_on", "not-before-signed-on"),
        ({"document_taken": True}, "document_number", "one-record-per-document"),
    ],
)
def test_bad_memoranda_are_refused(changes: dict[str, object], field: str, rule: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        mou(TODAY + timedelta(days=100), **changes)
    assert (refused.value.errors[0].field, refused.value.errors[0].rule) == (field, rule)
