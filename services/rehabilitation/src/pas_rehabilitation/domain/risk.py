"""Risk assessments (penilaian risiko): each one compared with the inmate's previous one.

Remission asks whether the risk level went down; every assessment carries the previous level
and whether it was reduced (RiskAssessed). The instrument behind a level is a later slice.
"""

from dataclasses import dataclass, field
from datetime import date

from pydantic import BaseModel

from pas_shared.errors import Conflict, FieldError, RuleViolation
from pas_shared.events.rehabilitation import RiskAssessed, RiskLevel

# Higher is riskier: "reduced" means a lower rank than the previous assessment's.
RANK: dict[RiskLevel, int] = {RiskLevel.RENDAH: 0, RiskLevel.SEDANG: 1, RiskLevel.TINGGI: 2}


@dataclass
class Assessment:
    assessment_id: str
    inmate_id: str
    upt_code: str
    level: RiskLevel
    assessed_on: date
    # 1, 2, ... per inmate: orders same-day assessments and, being unique per inmate, stops two
    # concurrent assessments from both taking the same previous one.
    sequence: int
    previous_level: RiskLevel | None
    reduced: bool
    events: list[BaseModel] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def assess(
        cls,
        *,
        assessment_id: str,
        inmate_id: str,
        upt_code: str,
        level: RiskLevel,
        assessed_on: date,
        today: date,
        previous: "Assessment | None" = None,
    ) -> "Assessment":
        """`previous`: the inmate's latest assessment in this service (in any UPT), if any."""
        if assessed_on > today:
            raise RuleViolation(
                "assessed_on",
                "not-in-future",
                id="Tanggal penilaian risiko tidak boleh di masa depan.",
                en="The risk assessment date cannot be in the future.",
            )
        if previous is not None and assessed_on < previous.assessed_on:
            when = previous.assessed_on.isoformat()
            raise RuleViolation(
                "assessed_on",
                "after-previous-assessment",
                id=f"Tanggal penilaian risiko tidak boleh sebelum penilaian terakhir WBP ini ({when}).",
                en=f"The risk assessment date cannot be before this inmate's latest assessment ({when}).",
            )
        previous_level = previous.level if previous is not None else None
        reduced = previous_level is not None and RANK[level] < RANK[previous_level]
        assessment = cls(
            assessment_id=assessment_id,
            inmate_id=inmate_id,
            upt_code=upt_code,
            level=level,
            assessed_on=assessed_on,
            sequence=previous.sequence + 1 if previous is not None else 1,
            previous_level=previous_level,
            reduced=reduced,
        )
        assessment.events.append(
            RiskAssessed(
                assessment_id=assessment_id,
                inmate_id=inmate_id,
                upt_code=upt_code,
                level=level,
                previous_level=previous_level,
                reduced=reduced,
                assessed_on=assessed_on,
            )
        )
        return assessment


def concurrent_assessment(inmate_id: str) -> Conflict:
    """Another assessment of the inmate was saved after this one read the latest assessment."""
    return Conflict(
        id=f"Penilaian risiko lain untuk WBP {inmate_id} baru saja disimpan; muat ulang dan periksa kembali.",
        en=f"Another risk assessment of inmate {inmate_id} was just saved; reload and check again.",
        errors=[
            FieldError(
                "inmate_id",
                "one-assessment-at-a-time",
                "Penilaian risiko terakhir berubah sebelum penilaian ini disimpan.",
                "The latest risk assessment changed before this one was saved.",
            )
        ],
    )
