from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from pas_security.domain.incident import (
    COUNTED,
    EXCLUDED,
    NEXT,
    ActionIn,
    EscalationState,
    Incident,
    IncidentRules,
    IncidentStatus,
    PersonIn,
)
from pas_shared.errors import Conflict, RuleViolation
from pas_shared.events.security import IncidentClosed, IncidentEscalated, IncidentExcluded, IncidentReported

S = IncidentStatus
WITA = timezone(timedelta(hours=8))
NOW = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)  # 22:00 WITA
OCCURRED = datetime(2026, 3, 10, 18, 30)  # local wall time in Makassar (WITA): 10:30 UTC


def record(**changes: object) -> Incident:
    values: dict[str, object] = {
        "incident_id": "inc-1",
        "upt_code": "LP-MAKASSAR",
        "kanwil_code": "KW-SULSEL",
        "time_zone": "Asia/Makassar",
        "category": "riot",
        "severity": "high",
        "title": "Kerusuhan blok C",
        "location": "Blok C",
        "narrative": "Keributan saat pembagian makanan berbuka puasa.",
        "occurred_at": OCCURRED,
        "people": [PersonIn("inmate", "perpetrator", inmate_id="i-1"), PersonIn("inmate", "victim", inmate_id="ghost")],
        "on_roster": {"i-1"},
        "actions": [ActionIn(datetime(2026, 3, 10, 18, 45), "Regu jaga menutup blok C")],
        "as_draft": False,
        "by": "kplp",
        "now": NOW,
    } | changes
    return Incident.record(**values)  # type: ignore[arg-type]


def refused(**changes: object) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        record(**changes)
    return caught.value


def rule_of(error: RuleViolation) -> tuple[str, str]:
    return error.errors[0].field, error.errors[0].rule


def test_the_state_machine() -> None:
    assert set(NEXT) == set(IncidentStatus)
    assert NEXT[S.DRAFT] == {S.REPORTED, S.DUPLICATE, S.NOT_REPORTABLE}
    assert NEXT[S.UNDER_REVIEW] == {S.NEEDS_UPDATE, S.CLOSED, S.DUPLICATE, S.NOT_REPORTABLE}
    assert NEXT[S.NEEDS_UPDATE] == {S.UNDER_REVIEW, S.DUPLICATE, S.NOT_REPORTABLE}
    assert all(not NEXT[s] for s in (S.CLOSED, *EXCLUDED))
    assert COUNTED.isdisjoint(EXCLUDED) and S.DRAFT not in COUNTED


def test_a_report_takes_local_time_flags_unknown_inmates_and_sets_deadlines() -> None:
    incident = record()
    assert incident.occurred_at == datetime(2026, 3, 10, 10, 30, tzinfo=UTC)
    assert incident.occurred_on == date(2026, 3, 10)
    assert [(p.inmate_id, p.verified) for p in incident.people] == [("i-1", True), ("ghost", False)]
    assert (incident.inmates_involved, incident.unverified_inmates, incident.officers_involved) == (2, 1, 0)
    assert incident.status is S.REPORTED and incident.critical
    # riot is critical: Kanwil within 1 hour, headquarters within 3 hours of the incident (rule data)
    assert {k: e.due_at for k, e in incident.escalations.items()} == {
        "kanwil": datetime(2026, 3, 10, 11, 30, tzinfo=UTC),
        "headquarters": datetime(2026, 3, 10, 13, 30, tzinfo=UTC),
    }
    assert [t.to_status for t in incident.transitions] == [S.DRAFT, S.REPORTED]
    assert incident.actions[0].taken_at == datetime(2026, 3, 10, 10, 45, tzinfo=UTC)
    [event] = incident.events
    assert isinstance(event, IncidentReported)
    assert (event.category, event.critical, event.unverified_inmates, event.occurred_on) == ("riot", True, 1, date(2026, 3, 10))


def test_local_date_is_the_upts_own() -> None:
    # 23:30 UTC on 9 March is already 10 March in Makassar (UTC+8), still 9 March in UTC.
    incident = record(occurred_at=datetime(2026, 3, 9, 23, 30, tzinfo=UTC))
    assert incident.occurred_on == date(2026, 3, 10)
    aware = record(occurred_at=datetime(2026, 3, 10, 18, 30, tzinfo=WITA))
    assert aware.occurred_at == record().occurred_at


def test_a_draft_publishes_nothing_and_non_critical_has_no_deadline() -> None:
    incident = record(as_draft=True, category="fight", severity="low")
    assert incident.status is S.DRAFT and incident.events == []
    assert incident.escalations == {} and not incident.critical


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"category": "picnic"}, "category", "category-listed"),
        ({"severity": "apocalyptic"}, "severity", "severity-listed"),
        ({"occurred_at": datetime(2026, 3, 11, 9, 0)}, "occurred_at", "not-in-future"),
        ({"occurred_at": datetime(2010, 1, 1, 9, 0)}, "occurred_at", "rule-in-force"),
        ({"people": [PersonIn("inmate", "cheerleader", inmate_id="i-1")]}, "people[0].role", "role-listed"),
        ({"people": [PersonIn("officer", "reporter")]}, "people[0].name", "officer-by-name"),
        ({"people": [PersonIn("inmate", "victim", name="Budi")]}, "people[0].inmate_id", "inmate-by-id"),
        ({"people": [PersonIn("inmate", "victim", inmate_id="i-1")] * 2}, "people[1]", "person-listed-once"),
        ({"actions": [ActionIn(datetime(2026, 3, 10, 18, 0), "sebelum kejadian")]}, "actions[0].taken_at", "not-before-incident"),
        ({"actions": [ActionIn(datetime(2026, 3, 10, 23, 0), "di masa depan")]}, "actions[0].taken_at", "not-in-future"),
    ],
)
def test_refusals_name_the_field_and_rule(changes: dict[str, object], field: str, rule: str) -> None:
    assert rule_of(refused(**changes)) == (field, rule)


def test_review_cycle_needs_an_addendum_and_never_rewrites_the_narrative() -> None:
    incident = record()
    incident.events.clear()
    at = NOW + timedelta(hours=1)
    incident.move(S.UNDER_REVIEW, by="kanwil", why="ditinjau", at=at)
    incident.move(S.NEEDS_UPDATE, by="kanwil", why="jumlah korban belum jelas", at=at)
    with pytest.raises(RuleViolation) as caught:
        incident.move(S.UNDER_REVIEW, by="kplp", why="diajukan lagi", at=at)
    assert rule_of(caught.value) == ("to", "addendum-required")
    incident.add_addendum(text="Korban dua orang, bukan satu.", actions=[], by="kplp", now=at + timedelta(minutes=5))
    incident.move(S.UNDER_REVIEW, by="kplp", why="diajukan lagi", at=at + timedelta(minutes=6))
    incident.move(S.CLOSED, by="kanwil", why="selesai", at=at + timedelta(minutes=7))
    assert incident.narrative == "Keributan saat pembagian makanan berbuka puasa."
    assert [a.addendum_no for a in incident.addenda] == [1]
    assert isinstance(incident.events[-1], IncidentClosed)
    with pytest.raises(Conflict):
        incident.add_addendum(text="terlambat", actions=[], by="kplp", now=at + timedelta(hours=1))
    with pytest.raises(Conflict) as transition:
        incident.move(S.UNDER_REVIEW, by="kanwil", why="buka lagi", at=at)
    assert transition.value.errors[0].rule == "status-transition"


def test_duplicates_name_a_counted_original_of_the_same_upt() -> None:
    original, copy = record(incident_id="a"), record(incident_id="b")
    copy.events.clear()
    with pytest.raises(RuleViolation) as caught:
        copy.move(S.DUPLICATE, by="kanwil", why="sama", at=NOW)
    assert rule_of(caught.value) == ("duplicate_of", "duplicate-of-given")
    with pytest.raises(RuleViolation) as caught:
        copy.move(S.DUPLICATE, by="kanwil", why="sama", at=NOW, duplicate_of=copy)
    assert rule_of(caught.value) == ("duplicate_of", "not-itself")
    other_upt = record(incident_id="c", upt_code="LP-OTHER")
    with pytest.raises(RuleViolation) as caught:
        copy.move(S.DUPLICATE, by="kanwil", why="sama", at=NOW, duplicate_of=other_upt)
    assert rule_of(caught.value) == ("duplicate_of", "same-upt")
    copy.move(S.DUPLICATE, by="kanwil", why="sama", at=NOW, duplicate_of=original)
    assert copy.events == [
        IncidentExcluded(incident_id="b", upt_code="LP-MAKASSAR", status="duplicate", duplicate_of="a", excluded_at=NOW)
    ]
    draft = record(incident_id="d", as_draft=True)
    draft.move(S.NOT_REPORTABLE, by="kplp", why="bukan gangguan kamtib", at=NOW)
    assert draft.events == []  # never published, nothing to take back


def test_escalations_record_when_each_deadline_was_met() -> None:
    incident = record()
    incident.events.clear()
    kanwil = incident.escalate(level="kanwil", escalated_at=datetime(2026, 3, 10, 19, 0), note="telepon", by="kalapas", now=NOW)
    assert kanwil.escalated_at == datetime(2026, 3, 10, 11, 0, tzinfo=UTC)
    assert kanwil.state(NOW) is EscalationState.MET
    hq = incident.escalations["headquarters"]
    assert hq.state(datetime(2026, 3, 10, 13, 0, tzinfo=UTC)) is EscalationState.RUNNING
    assert hq.state(NOW) is EscalationState.OVERDUE
    late = incident.escalate(level="headquarters", escalated_at=NOW, note=None, by="kalapas", now=NOW)
    assert late.state(NOW) is EscalationState.MET_LATE
    assert [(e.level, e.on_time) for e in incident.events if isinstance(e, IncidentEscalated)] == [
        ("kanwil", True),
        ("headquarters", False),
    ]
    with pytest.raises(Conflict):
        incident.escalate(level="kanwil", escalated_at=NOW, note=None, by="kalapas", now=NOW)
    with pytest.raises(RuleViolation) as caught:
        incident.escalate(level="president", escalated_at=NOW, note=None, by="kalapas", now=NOW)
    assert rule_of(caught.value) == ("level", "level-listed")
    with pytest.raises(RuleViolation) as caught:
        record(incident_id="x").escalate(level="kanwil", escalated_at=datetime(2026, 3, 10, 18, 0), note=None, by="k", now=NOW)
    assert rule_of(caught.value) == ("escalated_at", "not-before-incident")


def test_a_non_critical_escalation_has_no_deadline() -> None:
    incident = record(category="fight")
    e = incident.escalate(level="kanwil", escalated_at=NOW, note=None, by="kalapas", now=NOW)
    assert (e.due_at, e.state(NOW)) == (None, EscalationState.MET)
    assert isinstance(incident.events[-1], IncidentEscalated) and incident.events[-1].on_time is None


def test_rule_data_lists_the_categories_of_domain_md() -> None:
    r = IncidentRules.on(date(2026, 1, 1))
    codes = {c.code for c in r.category_list()}
    assert {"escape", "attempted-escape", "riot", "arson", "fight", "assault-on-staff", "hostage-taking", "extortion"} <= codes
    assert {"smuggling-narcotics", "smuggling-phones", "smuggling-weapons", "smuggling-cash", "trafficking-from-inside"} <= codes
    assert {"disaster", "death", "poisoning", "staff-misconduct"} <= codes
    assert {c.code for c in r.category_list() if c.critical} == {"escape", "riot", "hostage-taking", "death"}
    assert "unconfirmed" in r.escalation.status
