"""Integration-rights applications: the state machine, documents, service-level due dates in
working days, the decree's end dates and revocation grounds (pure domain, no I/O)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from pas_remission.domain.applications import (
    ENDED,
    NEXT,
    Application,
    ApplicationStatus,
    IntegrationRight,
    StageState,
    add_working_days,
    decide,
    integration_rules,
    required_documents,
    revocation_grounds,
    service_levels,
    stage_clocks,
)
from pas_remission.domain.calendar import Span
from pas_remission.domain.engine import Case, Engine, Grant, Occasion, SentenceKind
from pas_remission.domain.inmate import ReleaseReason
from pas_shared.errors import Conflict, RuleViolation
from pas_shared.events.remission import IntegrationRightCompleted, IntegrationRightDecided, IntegrationRightRevoked

S = ApplicationStatus
RULES = integration_rules()
WEEKDAYS = frozenset({1, 2, 3, 4, 5})
WIB = "Asia/Jakarta"
# Monday 30 November 2026, 09:00 WIB
MONDAY = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
TODAY = date(2026, 11, 30)


def case(**changes: object) -> Case:
    # 3 years from 1 July 2024: 2/3 = 2 years (whole months) -> 1 July 2026; expiration 1 July 2027.
    values: dict[str, object] = {
        "detention_start": date(2024, 7, 1),
        "sentence_kind": SentenceKind.TERM,
        "sentence": Span(years=3),
        "is_child": False,
        "religion": "islam",
        "verdict_final_on": date(2024, 10, 1),
    } | changes
    return Case(**values)  # type: ignore[arg-type]


def opened(right: IntegrationRight = IntegrationRight.PB, crime: str = "umum", at: datetime = MONDAY) -> Application:
    on = at.date()
    return Application.open(
        application_id="a-1",
        inmate_id="i-1",
        upt_code="LP-X",
        kanwil_code="KW-X",
        right=right,
        crime=crime,
        decision=decide(Engine(), right, case(), on),
        proposed_on=on,
        today=on,
        now=at,
        by="officer-1",
        why="diusulkan",
    )


def documents_for(right: IntegrationRight) -> list[str]:
    return [d.code for d in required_documents(RULES, right, TODAY)[1]]


def with_all_documents(app: Application) -> Application:
    _, required = required_documents(RULES, app.right, app.opened_on)
    app.record_documents([d.code for d in required], received_on=TODAY, required=required, today=TODAY)
    return app


def walk_to(app: Application, to: ApplicationStatus, at: datetime = MONDAY) -> None:
    _, required = required_documents(RULES, app.right, app.opened_on)
    path = [S.DOCUMENTS_COMPLETE, S.TPP_UPT_RECOMMENDED, S.KANWIL_VERIFIED, S.DITJENPAS_APPROVED]
    for step in path[: path.index(to) + 1]:
        app.step(step, required=required, by="officer-1", why=f"to {step.value}", at=at, today=at.date())


def decreed(right: IntegrationRight = IntegrationRight.PB, starts_on: date = TODAY, ends_on: date | None = None) -> Application:
    app = with_all_documents(opened(right))
    walk_to(app, S.DITJENPAS_APPROVED)
    c = case()
    app.decree(
        decree_number="PAS-1.PK.05.06/2026",
        starts_on=starts_on,
        ends_on=ends_on,
        decision=decide(Engine(), right, c, starts_on),
        release_on=date(2027, 7, 1),
        by="ditjenpas",
        why="SK",
        at=MONDAY,
        today=TODAY,
    )
    return app


# -- state machine ----------------------------------------------------------------------------


def test_every_state_is_in_the_table_and_the_ends_lead_nowhere() -> None:
    assert set(NEXT) == set(ApplicationStatus)
    assert ENDED == {S.COMPLETED, S.REVOKED, S.REJECTED, S.WITHDRAWN}
    assert all(to in NEXT for nxt in NEXT.values() for to in nxt)


def test_refusal_and_withdrawal_only_before_the_decree_revocation_only_after() -> None:
    before = [s for s in NEXT if S.WITHDRAWN in NEXT[s]]
    assert before == [S.ELIGIBILITY_CHECKED, S.DOCUMENTS_COMPLETE, S.TPP_UPT_RECOMMENDED, S.KANWIL_VERIFIED, S.DITJENPAS_APPROVED]
    assert [s for s in NEXT if S.REVOKED in NEXT[s]] == [S.DECREED, S.UNDER_BAPAS_SUPERVISION]
    # Eligibility was checked by the engine; the first body that can refuse is the TPP at the UPT.
    assert S.REJECTED not in NEXT[S.ELIGIBILITY_CHECKED]


def test_open_records_the_first_transition_with_who_and_why() -> None:
    app = opened()
    assert app.status is S.ELIGIBILITY_CHECKED
    assert app.earliest_on == date(2026, 7, 1)  # 2/3 of 3 years from 1 July 2024
    assert [(t.from_status, t.to_status, t.by, t.why, t.at) for t in app.transitions] == [
        (None, S.ELIGIBILITY_CHECKED, "officer-1", "diusulkan", MONDAY)
    ]


def test_open_refuses_an_ineligible_inmate_naming_every_unmet_rule() -> None:
    on = date(2026, 6, 30)  # the day before 2/3, with a Register F entry 3 months before 2/3
    decision = decide(Engine(), IntegrationRight.PB, case(register_f=(date(2026, 4, 1),)), on)
    with pytest.raises(RuleViolation) as refused:
        Application.open(
            application_id="a-1",
            inmate_id="i-1",
            upt_code="LP-X",
            kanwil_code="KW-X",
            right=IntegrationRight.PB,
            crime="umum",
            decision=decision,
            proposed_on=on,
            today=on,
            now=MONDAY,
            by="officer-1",
            why="diusulkan",
        )
    assert [(e.field, e.rule) for e in refused.value.errors] == [("inmate_id", "fraction-served"), ("inmate_id", "no-register-f")]
    assert "2026-04-01" in refused.value.errors[1].message_en
    assert refused.value.status == 422


def test_open_refuses_a_proposed_start_in_the_past() -> None:
    with pytest.raises(RuleViolation) as past:
        Application.open(
            application_id="a-1",
            inmate_id="i-1",
            upt_code="LP-X",
            kanwil_code="KW-X",
            right=IntegrationRight.PB,
            crime="umum",
            decision=decide(Engine(), IntegrationRight.PB, case(), date(2026, 11, 29)),
            proposed_on=date(2026, 11, 29),
            today=TODAY,
            now=MONDAY,
            by="officer-1",
            why="diusulkan",
        )
    assert past.value.errors[0].rule == "not-in-past"


def test_a_step_out_of_order_is_a_conflict_that_changes_nothing() -> None:
    app = with_all_documents(opened())
    _, required = required_documents(RULES, app.right, app.opened_on)
    with pytest.raises(Conflict) as skipped:
        app.step(S.KANWIL_VERIFIED, required=required, by="kanwil", why="verified", at=MONDAY, today=TODAY)
    assert (skipped.value.errors[0].field, skipped.value.errors[0].rule) == ("status", "status-transition")
    assert app.status is S.ELIGIBILITY_CHECKED and len(app.transitions) == 1


def test_the_decree_release_and_revocation_are_not_plain_steps() -> None:
    app = with_all_documents(opened())
    walk_to(app, S.DITJENPAS_APPROVED)
    with pytest.raises(RuleViolation) as own_route:
        app.step(S.DECREED, required=[], by="x", why="SK", at=MONDAY, today=TODAY)
    assert own_route.value.errors[0].rule == "plain-step"


def test_the_whole_walk_records_every_transition_in_order() -> None:
    app = decreed()
    reason = app.start_supervision(on=TODAY, by="kalapas", why="diserahkan ke Bapas", at=MONDAY, today=TODAY)
    assert reason is ReleaseReason.PB
    assert [t.to_status for t in app.transitions] == [
        S.ELIGIBILITY_CHECKED,
        S.DOCUMENTS_COMPLETE,
        S.TPP_UPT_RECOMMENDED,
        S.KANWIL_VERIFIED,
        S.DITJENPAS_APPROVED,
        S.DECREED,
        S.UNDER_BAPAS_SUPERVISION,
    ]
    assert [t.from_status for t in app.transitions][1:] == [t.to_status for t in app.transitions][:-1]


# -- documents --------------------------------------------------------------------------------


def test_documents_per_right_come_from_the_rule_data_with_the_regulation() -> None:
    for right in IntegrationRight:
        rule, docs = required_documents(RULES, right, TODAY)
        assert rule.regulation.startswith("Permenkumham 3/2018")
        assert {"litmas", "guarantor-letter", "register-f-copy"} <= {d.code for d in docs}
        assert all(d.name_id and d.name_en for d in docs)
    pb_rule, pb = required_documents(RULES, IntegrationRight.PB, TODAY)
    assert "Pasal 82" in pb_rule.article and len(pb) == 8
    assert [d.code for d in required_documents(RULES, IntegrationRight.CMB, TODAY)[1]] == [d.code for d in pb]
    assert required_documents(RULES, IntegrationRight.CB, TODAY)[0].status.startswith("unconfirmed")


def test_documents_complete_needs_every_document_and_names_the_missing() -> None:
    app = opened()
    _, required = required_documents(RULES, app.right, app.opened_on)
    codes = documents_for(IntegrationRight.PB)
    app.record_documents(codes[:-2], received_on=date(2026, 11, 27), required=required, today=TODAY)
    with pytest.raises(RuleViolation) as incomplete:
        app.step(S.DOCUMENTS_COMPLETE, required=required, by="wali", why="lengkap", at=MONDAY, today=TODAY)
    assert incomplete.value.errors[0].rule == "documents-complete"
    assert incomplete.value.detail_en == "Documents missing: compliance-statement, guarantor-letter."
    assert app.status is S.ELIGIBILITY_CHECKED
    # Given again, a document keeps the day it first came in; only the new ones are returned.
    assert app.record_documents(codes, received_on=TODAY, required=required, today=TODAY) == codes[-2:]
    assert app.documents["litmas"] == date(2026, 11, 27) and app.documents["guarantor-letter"] == TODAY
    app.step(S.DOCUMENTS_COMPLETE, required=required, by="wali", why="lengkap", at=MONDAY, today=TODAY)
    assert app.status is S.DOCUMENTS_COMPLETE
    with pytest.raises(Conflict) as closed:
        app.record_documents(["litmas"], received_on=TODAY, required=required, today=TODAY)
    assert closed.value.errors[0].rule == "documents-open"


def test_unknown_documents_and_future_dates_are_refused() -> None:
    app = opened(IntegrationRight.ASIMILASI)
    _, required = required_documents(RULES, app.right, app.opened_on)
    with pytest.raises(RuleViolation) as unknown:
        app.record_documents(["litmas", "prosecutor-notification"], received_on=TODAY, required=required, today=TODAY)
    assert unknown.value.errors[0].rule == "document-required-for-right"
    assert "prosecutor-notification" in unknown.value.detail_en
    with pytest.raises(RuleViolation) as future:
        app.record_documents(["litmas"], received_on=TODAY + timedelta(days=1), required=required, today=TODAY)
    assert future.value.errors[0].rule == "not-in-future"
    assert app.documents == {}


# -- service levels ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2026, 11, 30), 7, date(2026, 12, 9)),  # Mon + 7 working days = Wed of the next week
        (date(2026, 12, 4), 1, date(2026, 12, 7)),  # Fri + 1 = Mon
        (date(2026, 12, 5), 1, date(2026, 12, 7)),  # Sat + 1 = Mon
        (date(2026, 12, 6), 5, date(2026, 12, 11)),  # Sun + 5 = Fri
        (date(2026, 12, 4), 5, date(2026, 12, 11)),  # Fri + 5 = Fri
        (date(2026, 12, 31), 7, date(2027, 1, 11)),  # across the new year (1 Jan is not modelled as a holiday)
        (date(2026, 12, 2), 0, date(2026, 12, 2)),
    ],
)
def test_working_days_skip_weekends(start: date, days: int, due: date) -> None:
    assert add_working_days(start, days, WEEKDAYS) == due


def test_service_levels_come_from_the_rule_data() -> None:
    levels = service_levels(RULES, TODAY)
    assert levels.weekdays == WEEKDAYS
    assert levels.rule.values["holidays_modelled"] is False
    assert levels.rule.status.startswith("reported")
    assert [(s.stage, s.working_days) for s in levels.stages[:2]] == [("upt", 7), ("kanwil", 7)]
    assert all(s.basis.startswith(("reported", "unconfirmed")) for s in levels.stages)


def test_stage_clocks_met_running_overdue_and_late() -> None:
    app = opened()  # Monday 30 Nov: the UPT stage is due Wednesday 9 Dec
    levels = service_levels(RULES, app.opened_on)
    upt = stage_clocks(app, levels, WIB, date(2026, 12, 9))[0]
    assert (upt.stage, upt.entered_on, upt.due_on, upt.state) == ("upt", TODAY, date(2026, 12, 9), StageState.RUNNING)
    upt, kanwil, *_ = stage_clocks(app, levels, WIB, date(2026, 12, 11))
    assert (upt.state, upt.days_overdue) == (StageState.OVERDUE, 2)
    assert (kanwil.state, kanwil.entered_on, kanwil.due_on) == (StageState.NOT_STARTED, None, None)
    with_all_documents(app)
    walk_to(app, S.TPP_UPT_RECOMMENDED, at=datetime(2026, 12, 10, 3, 0, tzinfo=UTC))  # Thursday 10 Dec
    upt, kanwil, ditjenpas, decree = stage_clocks(app, levels, WIB, date(2026, 12, 11))
    assert (upt.state, upt.met_on, upt.days_overdue) == (StageState.MET_LATE, date(2026, 12, 10), 1)
    assert (kanwil.state, kanwil.entered_on, kanwil.due_on) == (StageState.RUNNING, date(2026, 12, 10), date(2026, 12, 21))
    assert (ditjenpas.state, decree.state) == (StageState.NOT_STARTED, StageState.NOT_STARTED)


def test_stage_dates_are_local_to_the_upt() -> None:
    # 23:30 UTC on Friday 4 Dec is 06:30 on Saturday 5 Dec in WIB and 08:30 in WIT.
    late = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)
    app = opened(at=late)
    levels = service_levels(RULES, app.opened_on)
    assert stage_clocks(app, levels, "UTC", date(2026, 12, 5))[0].due_on == date(2026, 12, 15)  # Fri + 7
    assert stage_clocks(app, levels, WIB, date(2026, 12, 5))[0].entered_on == date(2026, 12, 5)
    assert stage_clocks(app, levels, WIB, date(2026, 12, 5))[0].due_on == date(2026, 12, 15)  # Sat + 7 = Tue 15 Dec too
    assert stage_clocks(app, levels, "Asia/Jayapura", date(2026, 12, 5))[0].entered_on == date(2026, 12, 5)


def test_the_two_month_total_applies_to_special_crimes_only() -> None:
    general = stage_clocks(opened(crime="umum"), service_levels(RULES, TODAY), WIB, TODAY)
    special = stage_clocks(opened(crime="narkotika"), service_levels(RULES, TODAY), WIB, TODAY)
    assert [s.stage for s in general] == ["upt", "kanwil", "ditjenpas", "decree"]
    assert special[-1].stage == "total-special-crimes"
    assert (special[-1].due_on, special[-1].limit) == (date(2027, 1, 30), "2 months")


def test_a_withdrawn_application_closes_its_open_stages() -> None:
    app = opened()
    _, required = required_documents(RULES, app.right, app.opened_on)
    app.step(S.WITHDRAWN, required=required, by="kalapas", why="WBP mencabut", at=MONDAY, today=TODAY)
    assert stage_clocks(app, service_levels(RULES, TODAY), WIB, date(2027, 1, 1))[0].state is StageState.CLOSED


# -- decree and release -----------------------------------------------------------------------


def test_the_decree_sets_the_end_per_right_and_records_the_event() -> None:
    pb = decreed(IntegrationRight.PB, starts_on=date(2026, 12, 1))
    assert (pb.status, pb.starts_on, pb.ends_on, pb.decided_on) == (S.DECREED, date(2026, 12, 1), date(2027, 7, 1), TODAY)
    assert pb.events == [
        IntegrationRightDecided(
            application_id="a-1",
            inmate_id="i-1",
            upt_code="LP-X",
            kanwil_code="KW-X",
            right="pb",
            decree_number="PAS-1.PK.05.06/2026",
            decided_on=TODAY,
            starts_on=date(2026, 12, 1),
            ends_on=date(2027, 7, 1),
            releases=True,
        )
    ]
    asimilasi = decreed(IntegrationRight.ASIMILASI, ends_on=date(2027, 3, 1))
    # The same decree again (a retried request) changes nothing and records no second event.
    again = pb.decree(
        decree_number="PAS-1.PK.05.06/2026",
        starts_on=date(2026, 12, 1),
        ends_on=None,
        decision=decide(Engine(), IntegrationRight.PB, case(), date(2026, 12, 1)),
        release_on=date(2027, 7, 1),
        by="ditjenpas",
        why="SK",
        at=MONDAY,
        today=TODAY,
    )
    assert again is False and len(pb.events) == 1 and len(pb.transitions) == 6
    event = asimilasi.events[0]
    assert isinstance(event, IntegrationRightDecided) and (event.right, event.releases) == ("asimilasi", False)
    assert asimilasi.ends_on == date(2027, 3, 1)


def test_cb_ends_after_its_length_at_the_latest_on_the_release_date() -> None:
    # CB: sentence at most 1 y 3 m. 1 year from 1 Jan 2026: 2/3 = 8 months -> 1 Sep 2026; a
    # 1-month Remisi Umum on 17 Aug 2026 moves the release from 1 Jan 2027 to 1 Dec 2026. CB is at
    # most 4 months from max(2/3, release - 4 months = 1 Aug) = 1 Sep: 1 Jan 2027, capped at 1 Dec.
    c = case(
        detention_start=date(2026, 1, 1),
        sentence=Span(years=1),
        verdict_final_on=date(2026, 3, 1),
        grants=(Grant(Occasion.UMUM, date(2026, 8, 17), Span(months=1)),),
    )
    assert Engine().release_date(c) == date(2026, 12, 1)
    app = with_all_documents(
        Application.open(
            application_id="a-2",
            inmate_id="i-2",
            upt_code="LP-X",
            kanwil_code="KW-X",
            right=IntegrationRight.CB,
            crime="umum",
            decision=decide(Engine(), IntegrationRight.CB, c, date(2026, 9, 1)),
            proposed_on=date(2026, 9, 1),
            today=date(2026, 9, 1),
            now=datetime(2026, 9, 1, 2, tzinfo=UTC),
            by="officer",
            why="diusulkan",
        )
    )
    walk_to(app, S.DITJENPAS_APPROVED, at=datetime(2026, 9, 1, 2, tzinfo=UTC))
    app.decree(
        decree_number="PAS-2/2026",
        starts_on=date(2026, 9, 1),
        ends_on=None,
        decision=decide(Engine(), IntegrationRight.CB, c, date(2026, 9, 1)),
        release_on=date(2026, 12, 1),
        by="kanwil",
        why="SK",
        at=datetime(2026, 9, 1, 2, tzinfo=UTC),
        today=date(2026, 9, 1),
    )
    assert (app.starts_on, app.ends_on) == (date(2026, 9, 1), date(2026, 12, 1))
    assert decide(Engine(), IntegrationRight.CB, c, date(2026, 8, 31)).reasons == ["fraction-served"]


def test_the_decree_asks_the_engine_again_and_refuses_what_it_refuses() -> None:
    app = with_all_documents(opened())
    walk_to(app, S.DITJENPAS_APPROVED)
    late_sanction = decide(Engine(), IntegrationRight.PB, case(register_f=(date(2026, 6, 1),)), TODAY)
    with pytest.raises(RuleViolation) as refused:
        app.decree(
            decree_number="PAS-3/2026",
            starts_on=TODAY,
            ends_on=None,
            decision=late_sanction,
            release_on=date(2027, 7, 1),
            by="ditjenpas",
            why="SK",
            at=MONDAY,
            today=TODAY,
        )
    assert [e.rule for e in refused.value.errors] == ["no-register-f"]
    with pytest.raises(RuleViolation) as computed:
        app.decree(
            decree_number="PAS-3/2026",
            starts_on=TODAY,
            ends_on=date(2027, 1, 1),
            decision=decide(Engine(), IntegrationRight.PB, case(), TODAY),
            release_on=date(2027, 7, 1),
            by="ditjenpas",
            why="SK",
            at=MONDAY,
            today=TODAY,
        )
    assert computed.value.errors[0].rule == "computed-end"
    assert app.status is S.DITJENPAS_APPROVED and app.decree_number is None and app.events == []


def test_asimilasi_does_not_release_and_the_release_is_not_before_the_decree() -> None:
    app = decreed(IntegrationRight.ASIMILASI, starts_on=date(2026, 12, 2))
    with pytest.raises(RuleViolation) as early:
        app.start_supervision(on=date(2026, 12, 1), by="kalapas", why="mulai", at=MONDAY, today=date(2026, 12, 2))
    assert early.value.errors[0].rule == "not-before-start"
    assert app.start_supervision(on=date(2026, 12, 2), by="kalapas", why="mulai", at=MONDAY, today=date(2026, 12, 2)) is None
    assert (app.status, app.supervised_from) == (S.UNDER_BAPAS_SUPERVISION, date(2026, 12, 2))


def test_completion_waits_for_the_end_and_is_published() -> None:
    app = decreed()
    app.start_supervision(on=TODAY, by="kalapas", why="bebas", at=MONDAY, today=TODAY)
    app.events.clear()
    with pytest.raises(RuleViolation) as early:
        app.step(S.COMPLETED, required=[], by="bapas", why="selesai", at=MONDAY, today=date(2027, 6, 30))
    assert early.value.errors[0].rule == "supervision-ended"
    app.step(S.COMPLETED, required=[], by="bapas", why="selesai", at=MONDAY, today=date(2027, 7, 1))
    assert app.status is S.COMPLETED and app.completed_on == date(2027, 7, 1)
    assert isinstance(app.events[0], IntegrationRightCompleted) and app.events[0].completed_on == date(2027, 7, 1)


# -- revocation -------------------------------------------------------------------------------


def test_revocation_grounds_are_the_regulations_list() -> None:
    rule, grounds = revocation_grounds(RULES, TODAY)
    assert "Permenkumham 3/2018" in rule.regulation
    assert [g.code for g in grounds] == [
        "new-crime",
        "public-unrest",
        "three-missed-reports",
        "unreported-address-change",
        "not-following-programme",
    ]
    assert [g.kind for g in grounds].count("general") == 1


@pytest.mark.parametrize("ground", [g.code for g in revocation_grounds(RULES, TODAY)[1]])
def test_each_listed_ground_revokes_and_is_published(ground: str) -> None:
    app = decreed()
    app.start_supervision(on=TODAY, by="kalapas", why="bebas", at=MONDAY, today=TODAY)
    app.events.clear()
    _, grounds = revocation_grounds(RULES, TODAY)
    app.revoke(ground=ground, grounds=grounds, on=date(2027, 2, 1), by="bapas", why="BAP", at=MONDAY, today=date(2027, 2, 3))
    assert (app.status, app.revocation_ground, app.revoked_on) == (S.REVOKED, ground, date(2027, 2, 1))
    assert app.events == [
        IntegrationRightRevoked(
            application_id="a-1",
            inmate_id="i-1",
            upt_code="LP-X",
            kanwil_code="KW-X",
            right="pb",
            decree_number="PAS-1.PK.05.06/2026",
            ground=ground,
            revoked_on=date(2027, 2, 1),
        )
    ]


def test_revocation_needs_a_listed_ground_a_decree_and_a_date_in_range() -> None:
    _, grounds = revocation_grounds(RULES, TODAY)
    app = decreed()
    with pytest.raises(RuleViolation) as unknown:
        app.revoke(ground="late-for-dinner", grounds=grounds, on=TODAY, by="bapas", why="BAP", at=MONDAY, today=TODAY)
    assert (unknown.value.errors[0].field, unknown.value.errors[0].rule) == ("ground", "revocation-ground")
    with pytest.raises(RuleViolation) as before_decree:
        app.revoke(ground="new-crime", grounds=grounds, on=date(2026, 11, 29), by="bapas", why="BAP", at=MONDAY, today=TODAY)
    assert before_decree.value.errors[0].rule == "between-decree-and-today"
    assert app.status is S.DECREED
    pending = opened()
    with pytest.raises(Conflict):
        pending.revoke(ground="new-crime", grounds=grounds, on=TODAY, by="bapas", why="BAP", at=MONDAY, today=TODAY)
