"""Public integration events: the stable schemas that partners outside our trust boundary
(police, the social ministry, BPJPH, district health offices, prosecutors and Bapas) receive on
their own topics. They are separate from the internal domain events on purpose: an internal
payload may change with the service that owns it, a public one only compatibly (fields may be
added as optional; none removed, retyped or made required) or under a new version.

type:   pas.partner.<entity>.<past-tense-verb>      e.g. pas.partner.escape.reported
topic:  pas.partner.<partner-id>.v<topic version>   one per partner (pas_gateway's feeds)
schema: /schemas/public/<type>.v<version>.json      committed under shared/schemas/public/

Each payload has required fields (what the event is, where, when: every partner of the type gets
them) and optional ones a partner sees only if its allow-list names them; a field a partner may
not see is absent from its messages, never null.
"""

from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

P = TypeVar("P", bound=BaseModel)

CODE = r"^[A-Z0-9-]{2,32}$"
PARTNER_ID = r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$"
SOURCE = "/pas/gateway"


class PublicPayload(BaseModel):
    # Partners are told to ignore fields they do not know; we never send one outside the schema.
    model_config = ConfigDict(frozen=True, extra="forbid")


INMATE_REF = "The inmate's register id at Ditjenpas (no name or NIK travels): the UPT identifies the person on request."


class EscapeAlert(PublicPayload):
    """An inmate escaped: what the police of the region need to start the search."""

    escape_id: str = Field(min_length=1, description="Stable id of the escape; the recapture names it too.")
    upt_code: str = Field(pattern=CODE, description="The UPT the person escaped from.")
    kanwil_code: str = Field(pattern=CODE, description="Its Kanwil (one per province).")
    escaped_on: date = Field(description="Calendar date of the escape in the UPT's time zone.")
    escaped_at: AwareDatetime | None = Field(default=None, description="Instant of the escape, as reported.")
    inmate_ref: str | None = Field(default=None, description=INMATE_REF)
    method: str | None = Field(default=None, description="How the person escaped, as reported.")


class EscapeeRecaptured(PublicPayload):
    """An escapee was caught again: the search can stop."""

    escape_id: str = Field(min_length=1, description="The escape this recapture ends.")
    upt_code: str = Field(pattern=CODE)
    kanwil_code: str = Field(pattern=CODE)
    recaptured_on: date = Field(description="Calendar date of the recapture in the UPT's time zone.")
    recaptured_at: AwareDatetime | None = None
    inmate_ref: str | None = Field(default=None, description=INMATE_REF)
    place: str | None = Field(default=None, description="Where the person was caught.")


class IntegrationRightDecided(PublicPayload):
    """A decree granting PB (pembebasan bersyarat), CB (cuti bersyarat), CMB (cuti menjelang
    bebas) or asimilasi: prosecutors and Bapas follow the person under supervision."""

    application_id: str = Field(min_length=1, description="Stable id of the grant; a revocation names it too.")
    upt_code: str = Field(pattern=CODE)
    kanwil_code: str = Field(pattern=CODE)
    right: str = Field(pattern=r"^(pb|cb|cmb|asimilasi)$", description="pb, cb, cmb or asimilasi.")
    decided_on: date
    inmate_ref: str | None = Field(default=None, description=INMATE_REF)
    decree_number: str | None = Field(default=None, description="Number of the SK (decree).")
    starts_on: date | None = None
    ends_on: date | None = Field(default=None, description="End of the period; absent or null if open.")


class IntegrationRightRevoked(PublicPayload):
    """A PB/CB/CMB/asimilasi grant was revoked: the person returns to custody."""

    application_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=CODE)
    kanwil_code: str = Field(pattern=CODE)
    right: str = Field(pattern=r"^(pb|cb|cmb|asimilasi)$")
    revoked_on: date
    inmate_ref: str | None = Field(default=None, description=INMATE_REF)
    decree_number: str | None = None
    ground: str | None = Field(default=None, description="Why, e.g. new-crime, three-missed-reports.")


class PermitStatusChanged(PublicPayload):
    """A product permit of an inmate-made product (halal, P-IRT, BPOM, NIB...) changed status."""

    permit_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=CODE)
    kanwil_code: str = Field(pattern=CODE)
    permit_type: str = Field(description="nib, p-irt, halal, bpom, hki or sni.")
    status: str = Field(description="applied, under-review, granted, rejected or expired.")
    changed_on: date
    product_name: str | None = None
    agency: str | None = Field(default=None, description="The issuing agency.")
    number: str | None = Field(default=None, description="The permit's number once granted.")
    valid_from: date | None = None
    valid_until: date | None = None


class KitchenInspectionCompleted(PublicPayload):
    """A prison kitchen was inspected (hygiene and sanitation): district health offices follow failures."""

    inspection_id: str = Field(min_length=1)
    kitchen_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=CODE)
    kanwil_code: str = Field(pattern=CODE)
    inspected_on: date
    passed: bool
    kind: str | None = Field(default=None, description="scheduled or unannounced.")
    rating: int | None = Field(default=None, ge=0, le=5)
    hygiene_pct: float | None = Field(default=None, ge=0, le=100)
    overall_pct: float | None = Field(default=None, ge=0, le=100)
    failed_rules: list[str] | None = Field(default=None, description="Mandatory checklist items that failed.")


class SocialAssistanceDistributed(PublicPayload):
    """A social-assistance (bansos) distribution to an inmate or an inmate's family."""

    distribution_id: str = Field(min_length=1)
    upt_code: str = Field(pattern=CODE)
    kanwil_code: str = Field(pattern=CODE)
    distributed_on: date
    programme: str = Field(min_length=1, description="Programme code, e.g. pkh, blt.")
    kind: str = Field(pattern=r"^(cash|goods|service)$")
    amount_rupiah: int | None = None
    partner_agency: str | None = None
    recipient_type: str | None = Field(default=None, description="inmate or family.")
    relationship: str | None = Field(default=None, description="A family recipient's relationship to the inmate.")
    inmate_ref: str | None = Field(default=None, description=INMATE_REF)


@dataclass(frozen=True)
class PublicEventType(Generic[P]):
    entity: str
    verb: str
    version: int
    payload: type[P]

    @property
    def name(self) -> str:
        return f"pas.partner.{self.entity}.{self.verb}"

    @property
    def dataschema(self) -> str:
        return f"/schemas/public/{self.name}.v{self.version}.json"

    @property
    def key(self) -> tuple[str, int]:
        return (self.name, self.version)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.payload.model_fields)

    @property
    def required_fields(self) -> tuple[str, ...]:
        """Sent to every partner of the type (an allow-list must name them)."""
        return tuple(n for n, f in self.payload.model_fields.items() if f.is_required())


class PublicCatalog:
    def __init__(self) -> None:
        self._types: dict[tuple[str, int], PublicEventType[BaseModel]] = {}

    def register(self, et: PublicEventType[P]) -> PublicEventType[P]:
        if et.key in self._types:
            raise ValueError(f"{et.name} v{et.version} is registered twice")
        self._types[et.key] = et  # type: ignore[assignment]
        return et

    def get(self, name: str, version: int) -> PublicEventType[BaseModel] | None:
        return self._types.get((name, version))

    def all(self) -> list[PublicEventType[BaseModel]]:
        return sorted(self._types.values(), key=lambda e: e.key)


PUBLIC_CATALOG = PublicCatalog()


def public_event_type(entity: str, verb: str, version: int, payload: type[P]) -> PublicEventType[P]:
    return PUBLIC_CATALOG.register(PublicEventType(entity, verb, version, payload))


PARTNER_TOPIC_PREFIX = "pas.partner."  # every partner's topic starts so (the gateway's ACL is this prefix)


def partner_topic(partner_id: str, version: int = 1) -> str:
    return f"{PARTNER_TOPIC_PREFIX}{partner_id}.v{version}"


ESCAPE_REPORTED = public_event_type("escape", "reported", 1, EscapeAlert)
ESCAPEE_RECAPTURED = public_event_type("escape", "recaptured", 1, EscapeeRecaptured)
INTEGRATION_RIGHT_DECIDED = public_event_type("integration-right", "decided", 1, IntegrationRightDecided)
INTEGRATION_RIGHT_REVOKED = public_event_type("integration-right", "revoked", 1, IntegrationRightRevoked)
PERMIT_STATUS_CHANGED = public_event_type("permit", "status-changed", 1, PermitStatusChanged)
KITCHEN_INSPECTION_COMPLETED = public_event_type("kitchen-inspection", "completed", 1, KitchenInspectionCompleted)
SOCIAL_ASSISTANCE_DISTRIBUTED = public_event_type("social-assistance", "distributed", 1, SocialAssistanceDistributed)
