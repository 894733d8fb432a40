"""Request and response bodies (separate from tables and from events)."""

from datetime import date, datetime

from pydantic import BaseModel, Field

from pas_security.domain.escape import EscapeStatus
from pas_shared.api import Body as Body  # the shared base: unknown fields and unstorable text refused
from pas_shared.events.remission import UPT_CODE
from pas_shared.events.security import DisciplineLevel


class SanctionIn(Body):
    inmate_id: str = Field(min_length=1, max_length=36)
    upt_code: str = Field(pattern=UPT_CODE, examples=["LP-CIPINANG"])
    level: DisciplineLevel
    sanctioned_on: date
    # The per-level limit (0 / 6 / 12) is a domain rule from the rule data, refused there by name.
    isolation_days: int = Field(ge=0)


class SanctionOut(BaseModel):
    case_id: str
    inmate_id: str
    upt_code: str
    level: DisciplineLevel
    register_f: bool = Field(description="Recorded in Register F; follows from the level, never given by the client.")
    sanctioned_on: date
    isolation_days: int
    annulled_on: date | None


class AnnulIn(Body):
    annulled_on: date


# Times are ISO 8601 instants with an offset; a time without one is refused by the domain
# (rule timezone-aware) so that the refusal reads in Indonesian as well as English.
class EscapeIn(Body):
    inmate_id: str = Field(min_length=1, max_length=36)
    upt_code: str = Field(pattern=UPT_CODE, examples=["LP-CIPINANG"])
    escaped_at: datetime = Field(description="When the escape happened, with a time zone offset.")
    method: str = Field(min_length=1, max_length=200, examples=["memanjat tembok blok C"])
    incident_id: str | None = Field(
        default=None, min_length=1, max_length=36, description="The escape incident (category escape) that groups it."
    )


class EscapeeIn(Body):
    inmate_id: str = Field(min_length=1, max_length=36)
    escaped_at: datetime | None = Field(default=None, description="With a time zone offset; default: when the incident occurred.")
    method: str = Field(min_length=1, max_length=200, examples=["memotong teralis kamar mandi"])


class EscapeesIn(Body):
    # Kutacane 2025: 52 escaped at once (domain.md 4.2); the bound only keeps one request sane.
    escapees: list[EscapeeIn] = Field(min_length=1, max_length=2000)


class RecaptureIn(Body):
    recaptured_at: datetime = Field(description="When the escapee was recaptured, with a time zone offset.")
    place: str = Field(min_length=1, max_length=200, examples=["Terminal Kampung Rambutan"])


class DeathIn(Body):
    died_on: date = Field(description="Calendar date of death as the source gives it.")
    place: str = Field(min_length=1, max_length=200, examples=["Sungai Alas, Aceh Tenggara"])
    source: str = Field(
        min_length=2, max_length=500, description="How the death is known.", examples=["Surat keterangan kematian RSUD Kutacane"]
    )


class EscapeOut(BaseModel):
    escape_id: str
    inmate_id: str
    upt_code: str
    escaped_at: datetime
    escaped_on: date = Field(description="Calendar date of the escape in the UPT's own time zone (UPT directory).")
    method: str
    status: EscapeStatus
    recaptured_at: datetime | None
    recaptured_on: date | None = Field(description="Calendar date of the recapture in the UPT's own time zone (UPT directory).")
    place: str | None = Field(description="Where the escapee was recaptured.")
    died_on: date | None = Field(description="Status dead: the escapee died at large on this date.")
    death_place: str | None
    death_source: str | None
    incident_id: str | None = Field(description="The escape incident that groups it with the others who escaped with it.")


class EscapeeCountsOut(BaseModel):
    incident_id: str
    upt_code: str
    first_escaped_at: datetime
    escapees: int
    at_large: int
    recaptured: int
    dead: int
