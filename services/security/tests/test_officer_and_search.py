"""Pure rules of officers (certification validity, coverage) and searches (custody chain)."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from pas_security.domain.discipline_case import DisciplineCase, Withdrawal
from pas_security.domain.incident import Incident, IncidentStatus
from pas_security.domain.officer import CertificationState, Officer, OfficerRules, add_months, coverage
from pas_security.domain.search import NEXT, CustodyStatus, LinkKind, Search, Seizure, SeizureIn, TeamMember
from pas_shared.errors import Conflict, RuleViolation
from pas_shared.events.security import SeizureLinked

NOW = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)


def officer(position: str = "penjaga-tahanan") -> Officer:
    return Officer.register(
        officer_id="o-1",
        nip="198501012010011001",
        name="Budi",
        position=position,
        post="Regu II",
        upt_code="LP-X",
        kanwil_code="KW-X",
        assigned_on=date(2020, 1, 2),
        today=date(2026, 3, 10),
    )


def test_add_months_clamps_to_the_month_end() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 3, 20), 36) == date(2026, 3, 20)


def test_a_passed_training_is_valid_through_the_day_before_its_anniversary() -> None:
    o = officer()
    t = o.complete_training(
        training_id="t-1",
        kind="firearms",
        completed_on=date(2025, 3, 15),
        passed=True,
        hours=20,
        provider="Poltekip",
        certificate_no="S-1",
        today=date(2026, 3, 10),
    )
    assert t.valid_until == date(2026, 3, 14)
    assert t.state(date(2026, 1, 1), 60) is CertificationState.VALID
    assert t.state(date(2026, 3, 14), 60) is CertificationState.EXPIRING
    assert t.state(date(2026, 3, 15), 60) is CertificationState.EXPIRED


def test_a_failed_training_gives_no_certification_and_a_passed_one_needs_its_number() -> None:
    o = officer()
    failed = o.complete_training(
        training_id="t-2",
        kind="patrol",
        completed_on=date(2026, 1, 1),
        passed=False,
        hours=20,
        provider="P",
        certificate_no="ignored",
        today=date(2026, 3, 10),
    )
    assert (failed.valid_until, failed.certificate_no, failed.state(date(2026, 1, 2), 60)) == (
        None,
        None,
        CertificationState.NOT_PASSED,
    )
    with pytest.raises(RuleViolation) as caught:
        o.complete_training(
            training_id="t-3",
            kind="patrol",
            completed_on=date(2026, 1, 1),
            passed=True,
            hours=20,
            provider="P",
            certificate_no=None,
            today=date(2026, 3, 10),
        )
    assert caught.value.errors[0].rule == "certificate-for-passed"


def test_coverage_counts_only_the_officers_whose_position_needs_the_kind() -> None:
    rules = OfficerRules.on(date(2026, 3, 10))
    officers = [("a", "penjaga-tahanan"), ("b", "komandan-regu"), ("c", "staf-administrasi")]
    valid = {("a", "guarding"), ("b", "guarding"), ("b", "firearms"), ("c", "guarding")}
    c = coverage(upt_code="LP-X", kanwil_code="KW-X", on=date(2026, 3, 10), officers=officers, valid=valid, rules=rules)
    kinds = {k.kind: (k.required, k.certified, k.share_pct) for k in c.kinds}
    assert kinds["guarding"] == (2, 2, 100.0)  # the clerk's certificate does not count: not required
    assert kinds["searching"] == (2, 0, 0.0)
    assert kinds["firearms"] == (1, 1, 100.0)
    assert (c.officers, c.needing_training, c.fully_trained, c.fully_trained_pct) == (3, 2, 0, 0.0)


def test_an_unknown_position_is_refused() -> None:
    with pytest.raises(RuleViolation) as caught:
        officer("astronaut")
    assert caught.value.errors[0].rule == "position-listed"


TEAM = [TeamMember("Agus", "leader"), TeamMember("Citra", "witness")]


def search(items: list[SeizureIn]) -> Search:
    ids = iter(f"z-{i}" for i in range(100))
    return Search.conduct(
        search_id="s-1",
        upt_code="LP-X",
        kanwil_code="KW-X",
        time_zone="Asia/Makassar",
        place="block",
        location="Blok A",
        started_at=datetime(2026, 3, 10, 9, 0),  # WITA wall time: 01:00 UTC
        ended_at=None,
        team=TEAM,
        items=items,
        incident_id=None,
        notes=None,
        on_roster={"i-1"},
        new_id=lambda: next(ids),
        by="tester",
        now=NOW,
    )


def test_the_custody_state_machine() -> None:
    assert NEXT[CustodyStatus.SEIZED] == {CustodyStatus.STORED}
    assert NEXT[CustodyStatus.STORED] == {CustodyStatus.DESTROYED, CustodyStatus.HANDED_OVER}
    assert not NEXT[CustodyStatus.DESTROYED] and not NEXT[CustodyStatus.HANDED_OVER]


def test_a_search_totals_its_seizures_and_flags_unknown_inmates() -> None:
    s = search(
        [
            SeizureIn("narcotics", 2, "sabu", weight_grams=Decimal("1.5"), inmate_id="i-1"),
            SeizureIn("narcotics", 1, "ganja", weight_grams=Decimal("2.25"), inmate_id="ghost"),
            SeizureIn("phone", 4, "HP"),
        ]
    )
    assert s.started_at == datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
    assert [z.inmate_verified for z in s.seizures] == [True, False, None]
    [event] = s.events
    totals = {t.item_type: (t.count, t.weight_grams) for t in event.seized}  # type: ignore[attr-defined]
    assert totals == {"narcotics": (3, 3.75), "phone": (4, None)}
    assert event.unverified_inmates == 1  # type: ignore[attr-defined]


def test_custody_moves_in_order_and_a_hand_over_names_its_recipient() -> None:
    z = search([SeizureIn("phone", 1, "HP")]).seizures[0]
    kwargs = {"handled_by": "Agus", "place": "Gudang", "witness": "Citra", "by": "t", "now": NOW}
    with pytest.raises(Conflict):
        z.move(CustodyStatus.DESTROYED, at=datetime(2026, 3, 10, 10, 0), recipient=None, document_no="BA", **kwargs)  # type: ignore[arg-type]
    z.move(CustodyStatus.STORED, at=datetime(2026, 3, 10, 10, 0), recipient=None, document_no=None, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(RuleViolation) as caught:
        z.move(CustodyStatus.HANDED_OVER, at=datetime(2026, 3, 10, 10, 30), recipient=None, document_no="BA", **kwargs)  # type: ignore[arg-type]
    assert caught.value.errors[0].rule == "recipient-listed"
    z.move(CustodyStatus.HANDED_OVER, at=datetime(2026, 3, 10, 10, 30), recipient="police", document_no="BA", **kwargs)  # type: ignore[arg-type]
    assert [st.to_status for st in z.steps] == [CustodyStatus.SEIZED, CustodyStatus.STORED, CustodyStatus.HANDED_OVER]
    assert [type(e).__name__ for e in z.events] == ["SeizureStored", "SeizureDisposed"]


def test_narcotics_need_a_weight_and_a_seizure_a_witness() -> None:
    with pytest.raises(RuleViolation) as caught:
        search([SeizureIn("narcotics", 1, "sabu")])
    assert caught.value.errors[0].rule == "weight-for-narcotics"
    with pytest.raises(RuleViolation) as caught:
        Search.conduct(
            search_id="s-2",
            upt_code="LP-X",
            kanwil_code="KW-X",
            time_zone="Asia/Jakarta",
            place="block",
            location="Blok A",
            started_at=datetime(2026, 3, 10, 9, 0),
            ended_at=None,
            team=[TeamMember("Agus", "leader")],
            items=[SeizureIn("phone", 1, "HP")],
            incident_id=None,
            notes=None,
            on_roster=set(),
            new_id=lambda: "z",
            by="t",
            now=NOW,
        )
    assert caught.value.errors[0].rule == "witness-for-seizure"


def incident(upt_code: str = "LP-X", category: str = "smuggling-phones") -> Incident:
    return Incident.record(
        incident_id=f"inc-{upt_code}-{category}",
        upt_code=upt_code,
        kanwil_code="KW-X",
        time_zone="Asia/Makassar",
        category=category,
        severity="medium",
        title="HP diselundupkan",
        location="P2U",
        narrative="HP ditemukan di kiriman makanan",
        occurred_at=datetime(2026, 3, 9, 10, 0),
        people=[],
        on_roster=set(),
        actions=[],
        as_draft=False,
        by="tester",
        now=NOW,
    )


def case(inmate_id: str = "i-1", upt_code: str = "LP-X") -> DisciplineCase:
    return DisciplineCase.report(
        case_id=f"c-{inmate_id}-{upt_code}",
        inmate_id=inmate_id,
        upt_code=upt_code,
        violation="communication-device",
        occurred_on=date(2026, 3, 10),
        description="HP di kamar",
        reported_by="Regu II",
        seizure_ids=[],
        by="kplp",
        now=NOW,
        today=date(2026, 3, 10),
    )


def linkable() -> Seizure:
    seizure = search([SeizureIn("phone", 1, "HP", inmate_id="i-1")]).seizures[0]
    seizure.events.clear()
    return seizure


def test_a_seizure_is_linked_later_to_an_incident_and_a_case_of_its_upt() -> None:
    seizure = linkable()
    seizure.link_incident(incident(), search_incident_id=None, why="HP dari kiriman yang sama", by="kplp", now=NOW)
    seizure.link_case(case(), why="HP milik WBP perkara ini", by="kplp", now=NOW)
    assert (seizure.incident_ids, seizure.discipline_case_ids) == (["inc-LP-X-smuggling-phones"], ["c-i-1-LP-X"])
    assert [(k.kind, k.target_id, k.linked_by) for k in seizure.links] == [
        (LinkKind.INCIDENT, "inc-LP-X-smuggling-phones", "kplp"),
        (LinkKind.DISCIPLINE_CASE, "c-i-1-LP-X", "kplp"),
    ]
    assert len(seizure.new_links) == 2
    assert [(e.incident_id, e.case_id) for e in seizure.events if isinstance(e, SeizureLinked)] == [
        ("inc-LP-X-smuggling-phones", None),
        (None, "c-i-1-LP-X"),
    ]


def test_a_link_is_refused_across_upts_twice_to_an_excluded_incident_or_a_decided_case() -> None:
    def refused(link: Callable[[Seizure], object]) -> tuple[str, str]:
        seizure = linkable()
        with pytest.raises((RuleViolation, Conflict)) as caught:
            link(seizure)
        assert (seizure.events, seizure.new_links, seizure.incident_ids, seizure.discipline_case_ids) == ([], [], [], [])
        return caught.value.errors[0].field, caught.value.errors[0].rule

    excluded = incident()
    excluded.move(IncidentStatus.NOT_REPORTABLE, by="t", why="bukan kamtib", at=NOW)
    withdrawn = case()
    withdrawn.withdraw(Withdrawal(date(2026, 3, 10), "KPLP", "keliru"), by="kplp", now=NOW, today=date(2026, 3, 10))
    kw = {"why": "x", "by": "t", "now": NOW}
    assert refused(lambda s: s.link_incident(incident("LP-Y"), search_incident_id=None, **kw)) == ("incident_id", "same-upt")
    assert refused(lambda s: s.link_incident(excluded, search_incident_id=None, **kw)) == ("incident_id", "incident-counted")
    own = incident()
    assert refused(lambda s: s.link_incident(own, search_incident_id=own.incident_id, **kw)) == ("incident_id", "linked-once")
    assert refused(lambda s: s.link_case(case(upt_code="LP-Y"), **kw)) == ("case_id", "same-upt")
    assert refused(lambda s: s.link_case(case(inmate_id="i-2"), **kw)) == ("case_id", "seizure-of-inmate")
    assert refused(lambda s: s.link_case(withdrawn, **kw)) == ("case_id", "case-open")
    twice = linkable()
    twice.link_case(case(), **kw)
    with pytest.raises(Conflict) as caught:
        twice.link_case(case(), **kw)
    assert (caught.value.errors[0].field, caught.value.errors[0].rule) == ("case_id", "linked-once")
