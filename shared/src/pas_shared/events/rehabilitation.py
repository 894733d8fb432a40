"""Event payloads published by the rehabilitation service."""

from datetime import date
from enum import StrEnum

from pydantic import Field

from pas_shared.events.catalog import event_type
from pas_shared.events.remission import UPT_CODE, Payload


class Grade(StrEnum):
    """Grade of a development programme; "baik" proves good behaviour for remission."""

    BAIK = "baik"
    CUKUP = "cukup"
    KURANG = "kurang"


class RiskLevel(StrEnum):
    TINGGI = "tinggi"
    SEDANG = "sedang"
    RENDAH = "rendah"


class ProgrammeGraded(Payload):
    enrolment_id: str = Field(min_length=1)
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    programme: str = Field(min_length=1, max_length=200)
    grade: Grade
    graded_on: date
    programme_id: str | None = Field(
        default=None, description="The programme record; none for enrolments made before programmes were records."
    )


class RiskAssessed(Payload):
    assessment_id: str = Field(min_length=1)
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    level: RiskLevel
    previous_level: RiskLevel | None
    reduced: bool = Field(description="The level went down compared with the previous assessment.")
    assessed_on: date


PROGRAMME_GRADED = event_type("rehabilitation", "programme", "graded", 1, ProgrammeGraded)
RISK_ASSESSED = event_type("rehabilitation", "risk", "assessed", 1, RiskAssessed)


# Programmes, products, permits, sales and money (issue 5). Every event also carries uptcode and
# kanwilcode as CloudEvents extensions; the payloads repeat them so a consumer needs no lookup.


class ProgrammeCompleted(Payload):
    """An inmate finished a programme (with the grade it ended with: "baik" proves good conduct)."""

    enrolment_id: str = Field(min_length=1)
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)
    programme_id: str = Field(min_length=1)
    programme: str = Field(min_length=1, max_length=200)
    kind: str = Field(pattern=r"^(kemandirian|kepribadian)$")
    category: str = Field(min_length=1, max_length=40)
    completed_on: date
    grade: Grade
    sessions_held: int = Field(ge=0, description="Sessions of the programme held while the inmate was enrolled.")
    sessions_attended: int = Field(ge=0)


class ProductRegistered(Payload):
    product_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)
    name: str = Field(min_length=1, max_length=200)
    category: str = Field(min_length=1, max_length=40)
    unit: str = Field(min_length=1, max_length=20)
    flagship_upt: bool
    flagship_kanwil: bool


class ProductDiscontinued(Payload):
    product_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)
    discontinued_on: date


class PermitStatusChanged(Payload):
    """A product permit moved in its workflow (applied, under-review, granted, rejected, expired).
    For partner agencies (BPJPH, BPOM, health offices) and the gateway's legalisation KPI."""

    permit_id: str = Field(min_length=1)
    product_id: str = Field(min_length=1)
    product_name: str = Field(min_length=1, max_length=200)
    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)
    permit_type: str = Field(description="nib, p-irt, halal, bpom, hki or sni.")
    from_status: str
    status: str = Field(description="not-started, applied, under-review, granted, rejected or expired.")
    changed_on: date = Field(description="The UPT's local date of the change.")
    agency: str = Field(max_length=200)
    number: str | None = Field(description="The permit's number once granted.")
    valid_from: date | None
    valid_until: date | None = Field(description="None: valid without an end date (e.g. NIB).")


class PermitExpiryWarned(Payload):
    """A granted permit expires within `threshold_days` (rule data); sent once per threshold."""

    permit_id: str = Field(min_length=1)
    product_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)
    permit_type: str
    number: str
    valid_until: date
    days_left: int = Field(ge=0)
    threshold_days: int = Field(ge=0)


class SaleRecorded(Payload):
    sale_id: str = Field(min_length=1)
    product_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)
    sold_on: date
    channel: str
    buyer_type: str
    quantity: int = Field(ge=1)
    revenue_rupiah: int = Field(ge=0)
    premi_rupiah: int = Field(ge=0, description="The inmates' share (premi) under the split in force.")
    pnbp_rupiah: int = Field(ge=0, description="The share owed to the state as PNBP.")
    capital_rupiah: int = Field(ge=0, description="The share kept as working capital; the three add up to the revenue.")


class PnbpDeposited(Payload):
    deposit_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)
    deposited_on: date
    amount_rupiah: int = Field(ge=1)
    ntpn: str = Field(min_length=1, max_length=32, description="Nomor Transaksi Penerimaan Negara of the deposit.")


class PremiPaid(Payload):
    """Premi paid to the inmates who worked. Totals only: each worker's amount stays in the service."""

    payment_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)
    paid_on: date
    workers: int = Field(ge=1)
    amount_rupiah: int = Field(ge=1)


PROGRAMME_COMPLETED = event_type("rehabilitation", "programme", "completed", 1, ProgrammeCompleted)
PRODUCT_REGISTERED = event_type("rehabilitation", "product", "registered", 1, ProductRegistered)
PRODUCT_DISCONTINUED = event_type("rehabilitation", "product", "discontinued", 1, ProductDiscontinued)
PERMIT_STATUS_CHANGED = event_type("rehabilitation", "permit", "status-changed", 1, PermitStatusChanged)
PERMIT_EXPIRY_WARNED = event_type("rehabilitation", "permit", "expiry-warned", 1, PermitExpiryWarned)
SALE_RECORDED = event_type("rehabilitation", "sale", "recorded", 1, SaleRecorded)
PNBP_DEPOSITED = event_type("rehabilitation", "pnbp", "deposited", 1, PnbpDeposited)
PREMI_PAID = event_type("rehabilitation", "premi", "paid", 1, PremiPaid)


# Branding and partnerships (issue 5 part 5).


class BrandingUpdated(Payload):
    """A product's brand name, label contents or packaging were recorded or changed."""

    product_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)
    brand_name: str = Field(min_length=1, max_length=200)
    label_elements: list[str] = Field(description="What the label shows (codes from the rule data's label elements).")
    packaging: str | None = Field(max_length=500, description="The packaging (material, size), once described.")
    label_status: str
    packaging_status: str
    updated_on: date = Field(description="The UPT's local date of the change.")


class BrandingStatusChanged(Payload):
    """A product's label or packaging moved in its workflow (designing, approved, in-use)."""

    product_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)
    brand_name: str = Field(min_length=1, max_length=200)
    aspect: str = Field(pattern=r"^(label|packaging)$")
    from_status: str
    status: str = Field(description="not-started, designing, approved or in-use.")
    changed_on: date


class PartnershipSigned(Payload):
    """A memorandum (MoU, PKS) with an agency, company or marketplace. uptcode and kanwilcode are
    the signing unit's: both for a UPT, kanwilcode only for a Kanwil, empty for Ditjenpas."""

    partnership_id: str = Field(min_length=1)
    level: str = Field(pattern=r"^(upt|kanwil|national)$")
    upt_code: str | None = Field(pattern=UPT_CODE)
    kanwil_code: str | None = Field(pattern=UPT_CODE)
    partner: str = Field(min_length=1, max_length=200)
    kind: str
    document_number: str = Field(min_length=1, max_length=100)
    signed_on: date
    starts_on: date
    ends_on: date
    scope: list[str] = Field(description="Areas of cooperation (rule data), e.g. legalisation, marketing.")
    upt_codes: list[str] = Field(description="The UPTs taking part.")
    product_ids: list[str] = Field(description="The products it covers.")


class PartnershipRenewed(Payload):
    partnership_id: str = Field(min_length=1)
    level: str = Field(pattern=r"^(upt|kanwil|national)$")
    partner: str = Field(min_length=1, max_length=200)
    document_number: str = Field(min_length=1, max_length=100, description="The renewal's (or addendum's) number.")
    renewed_on: date
    previous_ends_on: date
    ends_on: date


class PartnershipExpiryWarned(Payload):
    """A partnership ends within `threshold_days` (rule data); sent once per threshold."""

    partnership_id: str = Field(min_length=1)
    level: str = Field(pattern=r"^(upt|kanwil|national)$")
    partner: str = Field(min_length=1, max_length=200)
    document_number: str
    ends_on: date
    days_left: int = Field(ge=0)
    threshold_days: int = Field(ge=0)


class PartnershipEnded(Payload):
    """A partnership ended: `expired` the day after ends_on, or `terminated` early (with why)."""

    partnership_id: str = Field(min_length=1)
    level: str = Field(pattern=r"^(upt|kanwil|national)$")
    partner: str = Field(min_length=1, max_length=200)
    document_number: str
    status: str = Field(pattern=r"^(expired|terminated)$")
    ended_on: date
    why: str


BRANDING_UPDATED = event_type("rehabilitation", "branding", "updated", 1, BrandingUpdated)
BRANDING_STATUS_CHANGED = event_type("rehabilitation", "branding", "status-changed", 1, BrandingStatusChanged)
PARTNERSHIP_SIGNED = event_type("rehabilitation", "partnership", "signed", 1, PartnershipSigned)
PARTNERSHIP_RENEWED = event_type("rehabilitation", "partnership", "renewed", 1, PartnershipRenewed)
PARTNERSHIP_EXPIRY_WARNED = event_type("rehabilitation", "partnership", "expiry-warned", 1, PartnershipExpiryWarned)
PARTNERSHIP_ENDED = event_type("rehabilitation", "partnership", "ended", 1, PartnershipEnded)
