from datetime import date

import pytest

from pas_rehabilitation.domain.risk import Assessment
from pas_shared.errors import RuleViolation
from pas_shared.events.rehabilitation import RiskAssessed, RiskLevel

TODAY = date(2026, 11, 28)
FIRST_ON = date(2026, 5, 10)


def assess(**changes: object) -> Assessment:
    values: dict[str, object] = {
        "assessment_id": "a-1",
        "inmate_id": "i-1",
        "upt_code": "LP-X",
        "level": RiskLevel.TINGGI,
        "assessed_on": FIRST_ON,
        "today": TODAY,
    } | changes
    return Assessment.assess(**values)  # type: ignore[arg-type]


def first(level: RiskLevel = RiskLevel.TINGGI) -> Assessment:
    assessment = assess(level=level)
    assessment.events.clear()
    return assessment


def refused(**changes: object) -> RuleViolation:
    """A refused assessment is never built, so it cannot have recorded an event."""
    with pytest.raises(RuleViolation) as caught:
        assess(**changes)
    return caught.value


def test_a_first_assessment_has_no_previous_level() -> None:
    assessment = assess()
    assert (assessment.sequence, assessment.previous_level, assessment.reduced) == (1, None, False)
    assert assessment.events == [
        RiskAssessed(
            assessment_id="a-1",
            inmate_id="i-1",
            upt_code="LP-X",
            level=RiskLevel.TINGGI,
            previous_level=None,
            reduced=False,
            assessed_on=FIRST_ON,
        )
    ]


def test_a_later_assessment_is_compared_with_the_previous_one() -> None:
    previous = first(RiskLevel.TINGGI)
    assessment = assess(assessment_id="a-2", level=RiskLevel.SEDANG, assessed_on=date(2026, 11, 20), previous=previous)
    assert (assessment.sequence, assessment.previous_level, assessment.reduced) == (2, RiskLevel.TINGGI, True)
    assert assessment.events == [
        RiskAssessed(
            assessment_id="a-2",
            inmate_id="i-1",
            upt_code="LP-X",
            level=RiskLevel.SEDANG,
            previous_level=RiskLevel.TINGGI,
            reduced=True,
            assessed_on=date(2026, 11, 20),
        )
    ]
    assert previous.events == []


@pytest.mark.parametrize(
    ("previous_level", "level", "reduced"),
    [
        (RiskLevel.TINGGI, RiskLevel.SEDANG, True),
        (RiskLevel.TINGGI, RiskLevel.RENDAH, True),
        (RiskLevel.SEDANG, RiskLevel.RENDAH, True),
        (RiskLevel.TINGGI, RiskLevel.TINGGI, False),
        (RiskLevel.SEDANG, RiskLevel.SEDANG, False),
        (RiskLevel.RENDAH, RiskLevel.RENDAH, False),  # already at the lowest: not reduced
        (RiskLevel.RENDAH, RiskLevel.SEDANG, False),
        (RiskLevel.SEDANG, RiskLevel.TINGGI, False),
    ],
)
def test_reduced_means_lower_than_the_previous_level(previous_level: RiskLevel, level: RiskLevel, reduced: bool) -> None:
    assessment = assess(assessment_id="a-2", level=level, assessed_on=TODAY, previous=first(previous_level))
    assert (assessment.previous_level, assessment.reduced) == (previous_level, reduced)
    assert isinstance(assessment.events[0], RiskAssessed)
    assert assessment.events[0].reduced is reduced


def test_a_second_assessment_on_the_same_day_is_allowed_and_follows_it() -> None:
    assessment = assess(assessment_id="a-2", level=RiskLevel.SEDANG, assessed_on=FIRST_ON, previous=first())
    assert (assessment.sequence, assessment.previous_level, assessment.reduced) == (2, RiskLevel.TINGGI, True)


def test_today_is_allowed_but_not_tomorrow() -> None:
    assert assess(assessed_on=TODAY).assessed_on == TODAY
    error = refused(assessed_on=date(2026, 11, 29))
    assert (error.errors[0].field, error.errors[0].rule) == ("assessed_on", "not-in-future")
    assert error.errors[0].message_id and error.errors[0].message_en


def test_a_date_before_the_latest_assessment_is_refused() -> None:
    previous = first()
    error = refused(assessment_id="a-2", level=RiskLevel.RENDAH, assessed_on=date(2026, 5, 9), previous=previous)
    assert (error.errors[0].field, error.errors[0].rule) == ("assessed_on", "after-previous-assessment")
    assert error.errors[0].message_id and error.errors[0].message_en
    assert "2026-05-10" in error.detail_en
    assert previous.events == []
