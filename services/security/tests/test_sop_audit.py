from datetime import UTC, date, datetime
from itertools import count

import pytest

from pas_security.domain.sop_audit import (
    ActionStatus,
    Answer,
    Audit,
    CorrectiveAction,
    Finding,
    ItemScore,
    score_pct,
    scoring,
    template,
)
from pas_shared.errors import RuleViolation
from pas_shared.events.security import SopAuditCompleted

C, N, NA = Finding.COMPLIANT, Finding.NON_COMPLIANT, Finding.NOT_APPLICABLE
ON = date(2026, 3, 2)
# perimeter-gate 2015.1: gate-log, body-search, double-door, wall-patrol mandatory; lighting optional
ALL_COMPLIANT = [Answer(code, C) for code in ("gate-log", "body-search", "double-door", "wall-patrol", "lighting")]


def conduct(answers: list[Answer], open_actions: list[CorrectiveAction] | None = None, **changes: object) -> Audit:
    ids = count(1)
    values: dict[str, object] = {
        "audit_id": "a-1",
        "upt_code": "LP-X",
        "kanwil_code": "KW-X",
        "area": "perimeter-gate",
        "audited_on": ON,
        "auditor": "Tim Kanwil",
        "answers": answers,
        "open_actions": open_actions or [],
        "today": date(2026, 3, 10),
        "by": "auditor",
        "now": datetime(2026, 3, 10, 3, 0, tzinfo=UTC),
        "new_id": lambda: f"ca-{next(ids)}",
    } | changes
    return Audit.conduct(**values)  # type: ignore[arg-type]


def with_answer(code: str, answer: Answer) -> list[Answer]:
    return [answer if a.item == code else a for a in ALL_COMPLIANT]


def refused(answers: list[Answer], **changes: object) -> tuple[str, str]:
    with pytest.raises(RuleViolation) as caught:
        conduct(answers, **changes)
    return caught.value.errors[0].field, caught.value.errors[0].rule


def test_every_area_of_the_issue_has_a_versioned_template_with_mandatory_items() -> None:
    areas = scoring(ON).areas
    assert areas == ["perimeter-gate", "headcount", "searches", "key-control", "visitor-screening", "cctv", "escort"]
    for area in areas:
        t = template(area, ON)
        assert t.version == "2015.1" and any(i.mandatory for i in t.items) and "unconfirmed" in t.rule.status


def test_the_score_weighs_mandatory_items_twice_and_leaves_out_not_applicable() -> None:
    assert conduct(ALL_COMPLIANT).score_pct == 100.0
    # one mandatory item non-compliant: compliant weight 3*2 + 1 = 7 of 4*2 + 1 = 9 -> 77.8
    audit = conduct(with_answer("gate-log", Answer("gate-log", N, "buku P2U kosong sejak Februari", "Ka. P2U")))
    assert (audit.score_pct, audit.mandatory_compliant, audit.mandatory_total) == (77.8, 3, 4)
    # the optional item not applicable: 8 of 8 -> 100; non-compliant instead: 8 of 9 -> 88.9
    assert conduct(with_answer("lighting", Answer("lighting", NA))).score_pct == 100.0
    assert conduct(with_answer("lighting", Answer("lighting", N, "lampu sisi utara mati", "Kasubsi"))).score_pct == 88.9
    assert score_pct([ItemScore("x", False, NA, None)], {"mandatory": 2, "optional": 1}) is None
    # 2 of 3 optional -> 66.66… rounds half up to 66.7
    third = [ItemScore(str(i), False, C if i < 2 else N, None) for i in range(3)]
    assert score_pct(third, {"mandatory": 2, "optional": 1}) == 66.7


def test_non_compliance_opens_a_corrective_action_and_a_reaudit_closes_it() -> None:
    first = conduct(with_answer("wall-patrol", Answer("wall-patrol", N, "pos 3 kosong", "Karupam", date(2026, 3, 20))))
    [action] = first.opened
    assert (action.action_id, action.item, action.owner, action.due_on, action.opened_on) == (
        "ca-1",
        "wall-patrol",
        "Karupam",
        date(2026, 3, 20),
        ON,
    )
    default_due = conduct(with_answer("wall-patrol", Answer("wall-patrol", N, "pos 3 kosong", "Karupam"))).opened[0]
    assert default_due.due_on == date(2026, 4, 1)  # 30 days (rule data)
    assert first.events == [
        SopAuditCompleted(
            audit_id="a-1",
            upt_code="LP-X",
            kanwil_code="KW-X",
            area="perimeter-gate",
            template_version="2015.1",
            audited_on=ON,
            score_pct=77.8,
            mandatory_compliant=3,
            mandatory_total=4,
            corrective_actions_opened=1,
            corrective_actions_closed=0,
        )
    ]
    # Still non-compliant: no second action (and no owner needed).
    again = conduct(
        with_answer("wall-patrol", Answer("wall-patrol", N, "masih kosong")),
        [action],
        audit_id="a-2",
        audited_on=date(2026, 3, 5),
    )
    assert (again.opened, again.closed, action.status) == ([], [], ActionStatus.OPEN)
    reaudit = conduct(ALL_COMPLIANT, [action], audit_id="a-3", audited_on=date(2026, 3, 9))
    assert reaudit.closed == [action]
    assert (action.status, action.closed_on, action.closed_by_audit_id) == (ActionStatus.CLOSED, date(2026, 3, 9), "a-3")
    assert action.overdue_on(date(2026, 12, 1)) is False


def test_overdue_is_past_the_due_date_while_open() -> None:
    action = CorrectiveAction("ca", "a", "LP-X", "KW-X", "cctv", "monitored", "Kasubsi", date(2026, 3, 20), ON)
    assert (action.overdue_on(date(2026, 3, 20)), action.overdue_on(date(2026, 3, 21))) == (False, True)


@pytest.mark.parametrize(
    ("answers", "field", "rule"),
    [
        (ALL_COMPLIANT[:-1], "items", "all-items-scored"),
        ([*ALL_COMPLIANT, Answer("gate-log", C)], "items[5].item", "item-once"),
        ([*ALL_COMPLIANT, Answer("coffee", C)], "items[5].item", "item-in-template"),
        (with_answer("gate-log", Answer("gate-log", NA)), "items[0].finding", "mandatory-applicable"),
        (with_answer("gate-log", Answer("gate-log", N, owner="Ka. P2U")), "items[0].evidence", "evidence-required"),
        (with_answer("gate-log", Answer("gate-log", N, "kosong")), "items[0].owner", "owner-required"),
        (with_answer("gate-log", Answer("gate-log", N, "kosong", "Ka", date(2026, 3, 1))), "items[0].due_on", "due-after-audit"),
    ],
)
def test_refusals_name_the_field_and_rule(answers: list[Answer], field: str, rule: str) -> None:
    assert refused(answers) == (field, rule)


def test_date_and_area_are_checked() -> None:
    assert refused(ALL_COMPLIANT, audited_on=date(2026, 3, 11)) == ("audited_on", "not-in-future")
    assert refused(ALL_COMPLIANT, area="canteen") == ("area", "area-listed")
    assert refused(ALL_COMPLIANT, audited_on=date(2014, 1, 1)) == ("audited_on", "rule-in-force")
