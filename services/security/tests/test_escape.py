from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from pas_security.domain.escape import NEXT, Escape, EscapeStatus, check_escape_incident
from pas_security.domain.incident import Incident, IncidentStatus
from pas_shared.errors import Conflict, RuleViolation
from pas_shared.events.security import EscapeeDied, EscapeeRecaptured, EscapeLinked, EscapeReported

WIB = timezone(timedelta(hours=7))
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=WIB)
ESCAPED_AT = datetime(2026, 11, 20, 21, 30, tzinfo=WIB)
JAKARTA = ZoneInfo("Asia/Jakarta")


def report(**changes: object) -> Escape:
    values: dict[str, object] = {
        "escape_id": "e-1",
        "inmate_id": "i-1",
        "upt_code": "LP-X",
        "escaped_at": ESCAPED_AT,
        "method": "memanjat tembok",
        "now": NOW,
        "zone": JAKARTA,
    } | changes
    return Escape.report(**values)  # type: ignore[arg-type]


def refused(**changes: object) -> RuleViolation:
    """A refused report is never built, so it cannot have recorded an event."""
    with pytest.raises(RuleViolation) as caught:
        report(**changes)
    return caught.value


def reported() -> Escape:
    escape = report()
    escape.events.clear()
    return escape


def test_the_state_machine() -> None:
    assert NEXT == {
        EscapeStatus.AT_LARGE: {EscapeStatus.RECAPTURED, EscapeStatus.DEAD},
        EscapeStatus.RECAPTURED: set(),
        EscapeStatus.DEAD: set(),
    }
    assert set(NEXT) == set(EscapeStatus)


def test_a_report_records_the_event() -> None:
    escape = report()
    assert (escape.status, escape.is_open, escape.escaped_on) == (EscapeStatus.AT_LARGE, True, date(2026, 11, 20))
    assert (escape.recaptured_at, escape.recaptured_on, escape.place) == (None, None, None)
    assert escape.events == [
        EscapeReported(
            escape_id="e-1",
            inmate_id="i-1",
            upt_code="LP-X",
            escaped_at=ESCAPED_AT,
            escaped_on=date(2026, 11, 20),
            method="memanjat tembok",
        )
    ]


@pytest.mark.parametrize(
    ("escaped_at", "escaped_on"),
    [
        (datetime(2026, 11, 20, 16, 59, tzinfo=UTC), date(2026, 11, 20)),  # 23:59 WIB
        (datetime(2026, 11, 20, 17, 0, tzinfo=UTC), date(2026, 11, 21)),  # 00:00 WIB the next day
        (datetime(2026, 11, 21, 0, 30, tzinfo=ZoneInfo("Asia/Jayapura")), date(2026, 11, 20)),  # 22:30 WIB
    ],
)
def test_the_escape_date_is_the_date_in_wib(escaped_at: datetime, escaped_on: date) -> None:
    escape = report(escaped_at=escaped_at)
    assert escape.escaped_on == escaped_on
    assert isinstance(escape.events[0], EscapeReported)
    assert escape.events[0].escaped_on == escaped_on


def test_the_zone_can_be_given() -> None:
    at = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)  # 23:30 WIB, 01:30 WIT the next day
    assert report(escaped_at=at, zone=ZoneInfo("Asia/Jayapura")).escaped_on == date(2026, 11, 21)


def test_instants_are_kept_in_utc() -> None:
    escape = report()
    assert escape.escaped_at.tzinfo is UTC and escape.escaped_at == ESCAPED_AT
    escape.recapture(recaptured_at=NOW, place="Bogor", now=NOW, zone=JAKARTA)
    assert escape.recaptured_at is not None and escape.recaptured_at.tzinfo is UTC
    assert isinstance(escape.events[-1], EscapeeRecaptured)
    assert escape.events[-1].recaptured_at.tzinfo is UTC


def test_now_is_allowed_but_not_a_moment_later() -> None:
    assert report(escaped_at=NOW).escaped_at == NOW
    error = refused(escaped_at=NOW + timedelta(seconds=1))
    assert (error.errors[0].field, error.errors[0].rule) == ("escaped_at", "not-in-future")
    assert error.errors[0].message_id and error.errors[0].message_en


def test_a_time_without_zone_is_refused() -> None:
    error = refused(escaped_at=datetime(2026, 11, 20, 21, 30))
    assert (error.errors[0].field, error.errors[0].rule) == ("escaped_at", "timezone-aware")


def test_a_second_escape_while_at_large_is_a_conflict() -> None:
    open_escape = reported()
    with pytest.raises(Conflict) as caught:
        report(escape_id="e-2", open_escape=open_escape)
    assert open_escape.is_open
    assert open_escape.events == []
    assert caught.value.detail_id and caught.value.detail_en
    assert "e-1" in caught.value.detail_en
    assert [(e.field, e.rule) for e in caught.value.errors] == [("inmate_id", "one-open-escape")]


def test_a_new_escape_after_the_recapture_is_allowed() -> None:
    first = reported()
    first.recapture(recaptured_at=datetime(2026, 11, 22, 8, 0, tzinfo=WIB), place="Bogor", now=NOW, zone=JAKARTA)
    second = report(escape_id="e-2", escaped_at=datetime(2026, 11, 27, 3, 0, tzinfo=WIB))  # no open escape any more
    assert second.is_open


def test_a_recapture_records_the_event() -> None:
    escape = reported()
    at = datetime(2026, 11, 21, 18, 0, tzinfo=UTC)  # 01:00 WIB on the 22nd
    escape.recapture(recaptured_at=at, place="Terminal Bogor", now=NOW, zone=JAKARTA)
    assert (escape.status, escape.is_open) == (EscapeStatus.RECAPTURED, False)
    assert (escape.recaptured_at, escape.recaptured_on, escape.place) == (at, date(2026, 11, 22), "Terminal Bogor")
    assert escape.events == [
        EscapeeRecaptured(
            escape_id="e-1",
            inmate_id="i-1",
            upt_code="LP-X",
            recaptured_at=at,
            recaptured_on=date(2026, 11, 22),
            place="Terminal Bogor",
        )
    ]


@pytest.mark.parametrize(
    ("recaptured_at", "rule"),
    [
        (ESCAPED_AT, "after-escape"),  # the same instant is not after
        (ESCAPED_AT - timedelta(minutes=1), "after-escape"),
        (ESCAPED_AT.astimezone(UTC), "after-escape"),  # the same instant in another zone
        (NOW + timedelta(seconds=1), "not-in-future"),
        (datetime(2026, 11, 22, 8, 0), "timezone-aware"),
    ],
)
def test_recapture_times_are_checked(recaptured_at: datetime, rule: str) -> None:
    escape = reported()
    with pytest.raises(RuleViolation) as caught:
        escape.recapture(recaptured_at=recaptured_at, place="Bogor", now=NOW, zone=JAKARTA)
    assert (caught.value.errors[0].field, caught.value.errors[0].rule) == ("recaptured_at", rule)
    assert caught.value.errors[0].message_id and caught.value.errors[0].message_en
    assert (escape.status, escape.recaptured_at, escape.recaptured_on, escape.place) == (EscapeStatus.AT_LARGE, None, None, None)
    assert escape.events == []


def test_a_recapture_one_second_after_the_escape_and_at_now_are_allowed() -> None:
    escape = reported()
    escape.recapture(recaptured_at=ESCAPED_AT + timedelta(seconds=1), place="Bogor", now=NOW, zone=JAKARTA)
    assert escape.status is EscapeStatus.RECAPTURED
    other = reported()
    other.recapture(recaptured_at=NOW, place="Bogor", now=NOW, zone=JAKARTA)
    assert other.recaptured_at == NOW


def test_recapturing_twice_is_a_conflict() -> None:
    escape = reported()
    first = datetime(2026, 11, 22, 8, 0, tzinfo=WIB)
    escape.recapture(recaptured_at=first, place="Bogor", now=NOW, zone=JAKARTA)
    escape.events.clear()
    with pytest.raises(Conflict) as caught:
        # A bad time too: the state is what is refused.
        escape.recapture(recaptured_at=NOW + timedelta(days=1), place="Depok", now=NOW, zone=JAKARTA)
    assert caught.value.detail_id and caught.value.detail_en
    assert [(e.field, e.rule) for e in caught.value.errors] == [("status", "status-transition")]
    assert (escape.recaptured_at, escape.place) == (first, "Bogor")
    assert escape.events == []


def test_recaptured_is_final() -> None:
    escape = reported()
    escape.recapture(recaptured_at=datetime(2026, 11, 22, 8, 0, tzinfo=WIB), place="Bogor", now=NOW, zone=JAKARTA)
    escape.events.clear()
    for to in EscapeStatus:
        with pytest.raises(Conflict):
            escape.move(to)
    assert escape.status is EscapeStatus.RECAPTURED
    assert escape.events == []


def test_an_escapee_who_died_at_large_ends_the_escape_with_an_event() -> None:
    escape = reported()
    escape.record_death(died_on=date(2026, 11, 20), place="Sungai Ciliwung", source="Visum RS Polri", today=date(2026, 11, 28))
    assert (escape.status, escape.died_on, escape.death_place) == (EscapeStatus.DEAD, date(2026, 11, 20), "Sungai Ciliwung")
    assert not escape.is_open
    assert escape.events == [
        EscapeeDied(
            escape_id="e-1",
            inmate_id="i-1",
            upt_code="LP-X",
            died_on=date(2026, 11, 20),
            place="Sungai Ciliwung",
            source="Visum RS Polri",
        )
    ]


@pytest.mark.parametrize(("died_on", "rule"), [(date(2026, 11, 19), "not-before-escape"), (date(2026, 11, 29), "not-in-future")])
def test_the_date_of_death_is_checked(died_on: date, rule: str) -> None:
    escape = reported()
    with pytest.raises(RuleViolation) as caught:
        escape.record_death(died_on=died_on, place="x", source="y", today=date(2026, 11, 28))
    assert (caught.value.errors[0].field, caught.value.errors[0].rule) == ("died_on", rule)
    assert (escape.status, escape.events) == (EscapeStatus.AT_LARGE, [])


def test_a_recaptured_escapee_cannot_be_recorded_dead_nor_a_dead_one_recaptured() -> None:
    escape = reported()
    escape.recapture(recaptured_at=NOW, place="Bekasi", now=NOW, zone=JAKARTA)
    with pytest.raises(Conflict):
        escape.record_death(died_on=date(2026, 11, 28), place="x", source="y", today=date(2026, 11, 28))
    dead = reported()
    dead.record_death(died_on=date(2026, 11, 21), place="x", source="y", today=date(2026, 11, 28))
    with pytest.raises(Conflict):
        dead.recapture(recaptured_at=NOW, place="Bekasi", now=NOW, zone=JAKARTA)


def escape_incident(category: str = "escape", upt_code: str = "LP-X") -> Incident:
    return Incident.record(
        incident_id="inc-1",
        upt_code=upt_code,
        kanwil_code="KW-X",
        time_zone="Asia/Jakarta",
        category=category,
        severity="critical",
        title="Pelarian massal",
        location="Blok C",
        narrative="Tujuh tahanan memotong teralis kamar mandi",
        occurred_at=ESCAPED_AT,
        people=[],
        on_roster=set(),
        actions=[],
        as_draft=False,
        by="t",
        now=NOW,
    )


def test_an_escapee_of_an_incident_keeps_its_own_report_and_names_the_incident() -> None:
    escape = report(incident_id="inc-1", prefix="escapees[3].")
    assert escape.incident_id == "inc-1"
    assert [type(e) for e in escape.events] == [EscapeReported, EscapeLinked]
    assert escape.events[1] == EscapeLinked(
        escape_id="e-1", inmate_id="i-1", upt_code="LP-X", incident_id="inc-1", escaped_on=date(2026, 11, 20)
    )
    assert [type(e) for e in report().events] == [EscapeReported]  # no incident: no link event


def test_the_fields_of_an_escapee_in_a_list_are_named_with_its_place() -> None:
    error = refused(escaped_at=NOW + timedelta(hours=1), prefix="escapees[3].")
    assert (error.errors[0].field, error.errors[0].rule) == ("escapees[3].escaped_at", "not-in-future")
    with pytest.raises(Conflict) as caught:
        report(open_escape=reported(), prefix="escapees[1].")
    assert (caught.value.errors[0].field, caught.value.errors[0].rule) == ("escapees[1].inmate_id", "one-open-escape")


def test_escapees_are_grouped_under_an_open_escape_incident_of_their_upt() -> None:
    check_escape_incident(escape_incident(), upt_code="LP-X")
    for incident, expected in (
        (escape_incident(category="riot"), ("incident_id", "escape-incident")),
        (escape_incident(upt_code="LP-Y"), ("incident_id", "same-upt")),
    ):
        with pytest.raises(RuleViolation) as caught:
            check_escape_incident(incident, upt_code="LP-X")
        assert (caught.value.errors[0].field, caught.value.errors[0].rule) == expected
    excluded = escape_incident()
    excluded.move(IncidentStatus.NOT_REPORTABLE, by="t", why="bukan pelarian", at=NOW)
    with pytest.raises(Conflict) as caught:
        check_escape_incident(excluded, upt_code="LP-X")
    assert (caught.value.errors[0].field, caught.value.errors[0].rule) == ("incident_id", "incident-open")
