"""Request and response bodies (separate from tables and from events)."""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from pas_shared.events.remission import UPT_CODE
from pas_shared.events.security import DisciplineLevel


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


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
