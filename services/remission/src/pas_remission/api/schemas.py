"""Request and response bodies (separate from tables and from events)."""

from datetime import date, datetime

from pydantic import BaseModel, Field

from pas_remission.domain.engine import SentenceKind
from pas_remission.domain.facility import TimeZone, UptClass, UptType
from pas_remission.domain.inmate import DetainingAuthority, ReleaseReason, Religion, TransferReason
from pas_shared.api import Body as Body  # the shared base: unknown fields and unstorable text refused
from pas_shared.events.remission import UPT_CODE, CustodyStatus


class FacilityIn(Body):
    upt_code: str = Field(pattern=UPT_CODE, examples=["LP-CIPINANG"])
    name: str = Field(min_length=1, max_length=200, examples=["Lapas Kelas I Cipinang"])
    upt_type: UptType
    kanwil_code: str = Field(pattern=UPT_CODE, examples=["KW-DKI"])
    capacity: int = Field(ge=0, le=100_000)
    time_zone: TimeZone
    upt_class: UptClass | None = Field(default=None, description="Kelas I, IIA, IIB or III.")
    province: str = Field(
        default="", max_length=64, description="One of the Kanwil's provinces; may be left out when the Kanwil covers one."
    )


class FacilityOut(FacilityIn):
    population: int


class InmateIn(Body):
    register_number: str = Field(min_length=1, max_length=64)
    upt_code: str = Field(pattern=UPT_CODE)
    custody_status: CustodyStatus
    birth_date: date
    admitted_on: date
    religion: Religion = Field(description="As recorded at first registration.")
    detaining_authority: DetainingAuthority | None = Field(
        default=None, description="Required for a detainee (tahanan): who holds them at this stage of the case."
    )


class InmateOut(BaseModel):
    inmate_id: str
    register_number: str
    upt_code: str
    kanwil_code: str
    custody_status: CustodyStatus
    is_child: bool
    admitted_on: date
    religion: Religion
    released_on: date | None
    release_reason: ReleaseReason | None
    detaining_authority: DetainingAuthority | None = None


class SpecialConditionIn(Body):
    condition: str = Field(
        pattern=r"^[a-z_]{2,64}$",
        examples=["fine_and_restitution_paid", "deradicalisation_completed", "loyalty_pledge_signed", "fine_paid"],
        description="A special-crime condition of the inmate's crime (rule data), or fine_paid when the verdict has "
        "a fine-substitute term.",
    )
    met_on: date
    evidence: str = Field(min_length=3, max_length=300, description="The document proving it (receipt, certificate).")


class SpecialConditionOut(BaseModel):
    inmate_id: str
    condition: str
    met_on: date
    evidence: str


class ReleaseIn(Body):
    released_on: date
    reason: ReleaseReason


class SpanIn(Body):
    years: int = Field(default=0, ge=0, le=100)
    months: int = Field(default=0, ge=0, le=1200)
    days: int = Field(default=0, ge=0, le=36_500)


class SentenceIn(SpanIn):
    kind: SentenceKind = SentenceKind.TERM


class VerdictIn(Body):
    verdict_final_on: date = Field(description="The day the verdict became final (inkracht).")
    sentence: SentenceIn
    fine_substitute: SpanIn = Field(default_factory=SpanIn, description="Kurungan pengganti denda, if any.")
    crime: str = Field(default="umum", pattern=r"^[a-z-]{2,32}$", examples=["umum", "narkotika", "korupsi", "terorisme"])


class SpanOut(BaseModel):
    years: int
    months: int
    days: int


class StepOut(BaseModel):
    rule: str
    source: str
    finding: str
    passed: bool


class RemissionCheckOut(BaseModel):
    inmate_id: str
    occasion: str
    on: date
    eligible: bool
    reasons: list[str]
    grant_index: int | None
    amount: SpanOut | None
    type: str | None
    release_on: date | None
    later_grant: bool
    steps: list[StepOut]


class TransferIn(Body):
    to_upt_code: str = Field(pattern=UPT_CODE, examples=["LP-SALEMBA"])
    transferred_on: date = Field(description="The day the inmate arrived at the destination (its local date).")
    reason: TransferReason
    register_number: str | None = Field(
        default=None, min_length=1, max_length=64, description="The register number at the destination; default: the current one."
    )


class TransferOut(BaseModel):
    transfer_id: str
    inmate_id: str
    from_upt_code: str
    from_kanwil_code: str
    to_upt_code: str
    to_kanwil_code: str
    from_register_number: str
    to_register_number: str
    transferred_on: date
    reason: TransferReason
    by: str
    at: datetime | None
