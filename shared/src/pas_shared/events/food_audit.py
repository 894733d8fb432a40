"""Event payloads published by the food-audit service (vendors, deliveries, kitchens and SLHS,
inspections and findings). Each event's `uptcode` and `kanwilcode` extensions name the UPT."""

from datetime import date

from pydantic import Field

from pas_shared.events.catalog import event_type
from pas_shared.events.remission import UPT_CODE, Payload


class ContractSigned(Payload):
    contract_id: str = Field(min_length=1)
    vendor_id: str = Field(min_length=1)
    vendor_name: str = Field(min_length=1, max_length=200)
    upt_code: str = Field(pattern=UPT_CODE)
    fiscal_year: int = Field(ge=2000, le=2100)
    starts_on: date
    ends_on: date
    value_rupiah: int = Field(gt=0)
    daily_ration_cost_rupiah: int = Field(gt=0, description="Contract price of one inmate's rations for one day.")
    standard_rupiah: int | None = Field(
        description="Regional cost standard (SBM) for the province and fiscal year; none if unknown."
    )
    cost_check: str = Field(description="within-standard, above-standard or no-standard.")


class DeliveryRecorded(Payload):
    delivery_id: str = Field(min_length=1)
    contract_id: str = Field(min_length=1)
    vendor_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    delivered_on: date
    headcount: int = Field(ge=0, description="Inmates held in the UPT that day (the local roster).")
    ordered_rations: int = Field(ge=0)
    delivered_rations: int = Field(ge=0)
    rejected_rations: int = Field(ge=0, description="Delivered but rejected on quality.")
    accepted_rations: int = Field(ge=0)
    shortfall_vs_order: int = Field(ge=0)
    shortfall_vs_headcount: int = Field(ge=0)
    flags: list[str] = Field(description="short-of-order, short-of-headcount, rejected-on-quality, unscheduled-day.")
    cost_rupiah: int = Field(ge=0, description="Accepted rations at the contract's daily ration cost.")


class CertificateRecorded(Payload):
    certificate_id: str = Field(min_length=1)
    kitchen_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    issuer: str = Field(min_length=1, max_length=200)
    number: str = Field(min_length=1, max_length=100)
    issued_on: date
    expires_on: date


class CertificateExpiryWarned(Payload):
    certificate_id: str = Field(min_length=1)
    kitchen_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    number: str = Field(min_length=1, max_length=100)
    expires_on: date
    stage: str = Field(description="renewal-due (within the warning window) or expired.")
    days_left: int = Field(description="Days from the UPT's local date to the expiry; negative once expired.")


class InspectionCompleted(Payload):
    inspection_id: str = Field(min_length=1)
    kitchen_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    kind: str = Field(description="scheduled or unannounced.")
    template: str = Field(min_length=1)
    template_version: str = Field(min_length=1)
    inspected_on: date
    hygiene_pct: float = Field(ge=0, le=100)
    structure_pct: float = Field(ge=0, le=100)
    management_pct: float = Field(ge=0, le=100)
    overall_pct: float = Field(ge=0, le=100)
    rating: int = Field(ge=0, le=5)
    passed: bool
    failed_rules: list[str]
    findings_opened: int = Field(ge=0)
    findings_closed: int = Field(ge=0)


class FindingOpened(Payload):
    finding_id: str = Field(min_length=1)
    inspection_id: str = Field(min_length=1)
    kitchen_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    item: str = Field(min_length=1)
    severity: str = Field(description="critical, major or minor.")
    owner: str = Field(min_length=1, max_length=200)
    due_on: date


class FindingClosed(Payload):
    finding_id: str = Field(min_length=1)
    kitchen_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    item: str = Field(min_length=1)
    closed_by_inspection_id: str = Field(min_length=1)
    closed_on: date
    late: bool = Field(description="Closed after its due date.")


class FindingEscalated(Payload):
    finding_id: str = Field(min_length=1)
    kitchen_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    item: str = Field(min_length=1)
    severity: str
    owner: str
    due_on: date
    escalated_on: date
    days_overdue: int = Field(ge=1)


CONTRACT_SIGNED = event_type("food-audit", "contract", "signed", 1, ContractSigned)
DELIVERY_RECORDED = event_type("food-audit", "delivery", "recorded", 1, DeliveryRecorded)
CERTIFICATE_RECORDED = event_type("food-audit", "certificate", "recorded", 1, CertificateRecorded)
CERTIFICATE_EXPIRY_WARNED = event_type("food-audit", "certificate", "expiry-warned", 1, CertificateExpiryWarned)
INSPECTION_COMPLETED = event_type("food-audit", "inspection", "completed", 1, InspectionCompleted)
FINDING_OPENED = event_type("food-audit", "finding", "opened", 1, FindingOpened)
FINDING_CLOSED = event_type("food-audit", "finding", "closed", 1, FindingClosed)
FINDING_ESCALATED = event_type("food-audit", "finding", "escalated", 1, FindingEscalated)


# Vendor sanctions and performance (issue 6 part 7).


class VendorSanctioned(Payload):
    """A sanction decided on a vendor under one contract: a warning letter (surat peringatan,
    numbered), a fine computed from the deliveries' shortfalls under the penalty clause, a
    suspension, its lifting, or the contract's termination. `status` is the contract's standing
    after it."""

    sanction_id: str = Field(min_length=1)
    contract_id: str = Field(min_length=1)
    contract_number: str = Field(min_length=1, max_length=100)
    vendor_id: str = Field(min_length=1)
    vendor_name: str = Field(min_length=1, max_length=200)
    upt_code: str = Field(pattern=UPT_CODE)
    kind: str = Field(pattern=r"^(warning|fine|suspension|reinstatement|termination)$")
    decided_on: date = Field(description="The UPT's local date of the decision.")
    warning_level: int | None = Field(ge=1, description="1 for SP-1, 2 for SP-2, ...; warnings only.")
    amount_rupiah: int | None = Field(ge=0, description="Fines only: after the contract's cap.")
    period_from: date | None = Field(description="Fines only: the deliveries the fine covers.")
    period_to: date | None
    ground: str | None = Field(description="Terminations only: the ground from the rule data.")
    from_status: str
    status: str = Field(description="active, suspended or terminated.")
    why: str


VENDOR_SANCTIONED = event_type("food-audit", "vendor", "sanctioned", 1, VendorSanctioned)
