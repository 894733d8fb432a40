"""Event payloads published by the remission service (the owner of facilities and the register)."""

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from pas_shared.events.catalog import event_type

UPT_CODE = r"^[A-Z0-9-]{2,32}$"


class Payload(BaseModel):
    # Consumers ignore fields they do not know, so adding an optional field stays compatible.
    model_config = ConfigDict(frozen=True, extra="ignore")


class FacilityRegistered(Payload):
    upt_code: str = Field(pattern=UPT_CODE)
    name: str = Field(min_length=1, max_length=200)
    upt_type: str = Field(description="Lapas, Rutan, LPKA, LPP, Lapas Narkotika, Cabang Rutan, Bapas.")
    kanwil_code: str = Field(pattern=UPT_CODE)
    capacity: int = Field(ge=0)
    time_zone: str = Field(description="WIB, WITA or WIT as an IANA zone name.")
    upt_class: str | None = Field(default=None, description="Kelas I, IIA, IIB or III, when known.")
    province: str | None = Field(default=None, description="The province the UPT is in, when known.")


class CustodyStatus(StrEnum):
    TAHANAN = "tahanan"  # detainee, no final verdict yet
    NARAPIDANA = "narapidana"  # convict with an inkracht verdict


class InmateAdmitted(Payload):
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)
    custody_status: CustodyStatus
    is_child: bool
    admitted_on: date


class InmateReleased(Payload):
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    released_on: date
    reason: str = Field(min_length=1, max_length=64)


FACILITY_REGISTERED = event_type("remission", "facility", "registered", 1, FacilityRegistered)
INMATE_ADMITTED = event_type("remission", "inmate", "admitted", 1, InmateAdmitted)
INMATE_RELEASED = event_type("remission", "inmate", "released", 1, InmateReleased)


class InmateSentenced(Payload):
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    sentence_kind: str = Field(pattern=r"^(term|life|death)$")
    verdict_final_on: date
    expiration: date | None = Field(description="Expiration date before any remission; none for life or death.")


class RemissionGranted(Payload):
    grant_id: str = Field(min_length=1)
    batch_id: str = Field(min_length=1)
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    occasion: str = Field(description="remisi-umum, remisi-khusus:<holiday> or remisi-dasawarsa")
    granted_on: date
    months: int = Field(ge=0)
    days: int = Field(ge=0)
    remission_type: str = Field(pattern=r"^(I|II)$")
    decree_number: str = Field(min_length=1)
    release_on: date


INMATE_SENTENCED = event_type("remission", "inmate", "sentenced", 1, InmateSentenced)
REMISSION_GRANTED = event_type("remission", "remission", "granted", 1, RemissionGranted)


class InmateTransferred(Payload):
    """An inmate moved from one UPT to another (pindah / mutasi WBP). The event carries both ends
    so a roster or a headcount can move the inmate without a lookup."""

    transfer_id: str = Field(min_length=1)
    inmate_id: str = Field(min_length=1)
    from_upt_code: str = Field(pattern=UPT_CODE)
    to_upt_code: str = Field(pattern=UPT_CODE)
    from_kanwil_code: str = Field(pattern=UPT_CODE)
    to_kanwil_code: str = Field(pattern=UPT_CODE)
    transferred_on: date
    reason: str = Field(min_length=1, max_length=32, description="decongestion, security, programme, court, health, ...")


class AssistanceDistributed(Payload):
    """A social-assistance (bansos) distribution, for the social ministry and other partners.
    Personal data are minimised: no NIK and no family member's name travel in the event (the
    service keeps them); partner feeds filter further (a later issue)."""

    distribution_id: str = Field(min_length=1)
    programme: str = Field(min_length=1, max_length=40, description="Code from the reference list, e.g. pkh, blt.")
    kind: str = Field(pattern=r"^(cash|goods|service)$")
    amount_rupiah: int | None = Field(ge=1, description="Cash amount, or the declared value of goods or a service.")
    distributed_on: date
    partner_agency: str = Field(min_length=1, max_length=200)
    recipient_type: str = Field(pattern=r"^(inmate|family)$")
    inmate_id: str = Field(min_length=1, description="The inmate, or the inmate whose family member received it.")
    relationship: str | None = Field(description="The family member's relationship to the inmate; none for the inmate.")
    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)


INMATE_TRANSFERRED = event_type("remission", "inmate", "transferred", 1, InmateTransferred)
ASSISTANCE_DISTRIBUTED = event_type("remission", "assistance", "distributed", 1, AssistanceDistributed)


class FacilityCapacityChanged(Payload):
    """A UPT's capacity changed (a block opened or closed, a recount): the capacity history and the
    overcrowding figures follow it."""

    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)
    capacity: int = Field(ge=0, description="The capacity recorded, in force from effective_on.")
    effective_on: date = Field(description="The UPT's local date the capacity takes effect (never in the future).")
    capacity_now: int = Field(
        ge=0,
        description="The capacity in force today after this change: equal to `capacity` unless a past "
        "change was recorded behind a later one. Read models of current occupancy use this.",
    )


# On the facility topic, keyed by upt_code: a consumer sees a UPT's registration before its changes.
FACILITY_CAPACITY_CHANGED = event_type("remission", "facility", "capacity-changed", 1, FacilityCapacityChanged)


# Integration rights (PB, CB, CMB, asimilasi): one topic, keyed by the application id, so the
# decree, a revocation and the completion of one grant stay in order. Prosecutors and Bapas consume them.
INTEGRATION_RIGHT = r"^(pb|cb|cmb|asimilasi)$"


class IntegrationRightDecided(Payload):
    application_id: str = Field(min_length=1)
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)
    right: str = Field(pattern=INTEGRATION_RIGHT, description="pb, cb, cmb or asimilasi.")
    decree_number: str = Field(min_length=1, description="Number of the SK granting the right.")
    decided_on: date = Field(description="The day the decree was recorded (UPT local date).")
    starts_on: date
    ends_on: date | None = Field(description="PB, CMB: the release date; CB: at most its length later; none if open.")
    releases: bool = Field(description="True for PB, CB and CMB (the person leaves under Bapas supervision); asimilasi does not.")


class IntegrationRightRevoked(Payload):
    application_id: str = Field(min_length=1)
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)
    right: str = Field(pattern=INTEGRATION_RIGHT)
    decree_number: str = Field(min_length=1)
    ground: str = Field(
        pattern=r"^[a-z][a-z-]*[a-z]$",
        description="new-crime, public-unrest, three-missed-reports, unreported-address-change or not-following-programme.",
    )
    revoked_on: date


class IntegrationRightCompleted(Payload):
    application_id: str = Field(min_length=1)
    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    kanwil_code: str = Field(pattern=UPT_CODE)
    right: str = Field(pattern=INTEGRATION_RIGHT)
    decree_number: str = Field(min_length=1)
    completed_on: date


INTEGRATION_RIGHT_DECIDED = event_type("remission", "integration-right", "decided", 1, IntegrationRightDecided)
INTEGRATION_RIGHT_REVOKED = event_type("remission", "integration-right", "revoked", 1, IntegrationRightRevoked)
INTEGRATION_RIGHT_COMPLETED = event_type("remission", "integration-right", "completed", 1, IntegrationRightCompleted)


class SpecialConditionRecorded(Payload):
    """A condition tied to remission and integration rights is met: a special-crime condition
    (korupsi: fine_and_restitution_paid; terorisme: deradicalisation_completed,
    loyalty_pledge_signed) or fine_paid (no kurungan pengganti denda to serve)."""

    inmate_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=UPT_CODE)
    condition: str = Field(pattern=r"^[a-z_]{2,64}$")
    met_on: date


SPECIAL_CONDITION_RECORDED = event_type("remission", "special-condition", "recorded", 1, SpecialConditionRecorded)
