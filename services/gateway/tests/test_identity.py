"""The embedded issuer's pure rules: the login throttle, how long a retired key stays
published, and which users, roles and scopes are accepted."""

from datetime import UTC, datetime, timedelta

import pytest

from pas_gateway.domain.identity import (
    SigningKey,
    Throttle,
    all_roles,
    check_roles,
    check_scope,
    check_username,
    demo_username,
    key_published,
    staff_roles,
)
from pas_shared.errors import RuleViolation

T0 = datetime(2026, 8, 17, 8, 0, tzinfo=UTC)


def test_the_throttle_refuses_after_max_failures_until_the_oldest_leaves_the_window() -> None:
    throttle = Throttle(max_failures=3, window=timedelta(minutes=5))
    failures = [T0, T0 + timedelta(seconds=30), T0 + timedelta(seconds=90)]
    assert throttle.retry_after(failures[:2], T0 + timedelta(seconds=100)) == 0
    assert throttle.retry_after(failures, T0 + timedelta(seconds=100)) == 200  # T0 leaves at 300 s
    assert throttle.retry_after(failures, T0 + timedelta(seconds=299, milliseconds=500)) == 1
    assert throttle.retry_after(failures, T0 + timedelta(seconds=300)) == 0
    four = [*failures, T0 + timedelta(seconds=120)]  # the second oldest frees the next slot
    assert throttle.retry_after(four, T0 + timedelta(seconds=300)) == 30
    assert throttle.retry_after([T0 - timedelta(minutes=10)] * 9, T0) == 0  # old failures do not count


def test_a_retired_key_is_published_until_its_last_token_expires() -> None:
    lifetime, leeway = timedelta(hours=1), timedelta(seconds=30)
    active = SigningKey("k2", T0, None)
    retired = SigningKey("k1", T0 - timedelta(days=1), T0)
    assert key_published(active, T0 + timedelta(days=400), token_lifetime=lifetime, leeway=leeway)
    assert key_published(retired, T0 + timedelta(minutes=60, seconds=29), token_lifetime=lifetime, leeway=leeway)
    assert not key_published(retired, T0 + timedelta(minutes=60, seconds=30), token_lifetime=lifetime, leeway=leeway)


def test_users_roles_and_scopes() -> None:
    assert check_username("  Budi.Santoso ") == "budi.santoso"
    for bad in ("ab", "budi santoso", "-budi", "x" * 65):
        with pytest.raises(RuleViolation):
            check_username(bad)
    assert check_roles(["SECURITY__INCIDENTS__RW", "GATEWAY__KPI__RO", "SECURITY__INCIDENTS__RW"]) == [
        "GATEWAY__KPI__RO",
        "SECURITY__INCIDENTS__RW",
    ]
    for bad_role in ("SECURITY__*__RW", "SECURITY__INCIDENTS__RX", "SECURITY__NOTHING__RO", "security__incidents__ro"):
        with pytest.raises(RuleViolation) as caught:
            check_roles([bad_role])
        assert caught.value.errors[0].rule == "role-known"
    assert check_scope("upt:LP-CIPINANG") == "upt:LP-CIPINANG"
    for bad_scope in ("provinsi:RIAU", "kanwil:", "upt:lp-a", "nasional"):
        with pytest.raises(RuleViolation):
            check_scope(bad_scope)
    assert "GATEWAY__USERS__RW" in all_roles() and "GATEWAY__USERS__RW" not in staff_roles()
    assert "SECURITY__INCIDENTS__RW" in staff_roles()
    assert [demo_username(s) for s in ("national", "kanwil:KW-RIAU", "upt:LP-BAGANSIAPIAPI")] == [
        "nasional",
        "kanwil-kw-riau",
        "upt-lp-bagansiapiapi",
    ]
