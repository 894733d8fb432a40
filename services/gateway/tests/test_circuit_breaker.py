"""The per-service circuit breaker: opens after N failures in a row, one trial after the cooldown."""

import pytest

from pas_gateway.domain.circuit_breaker import BreakerState, CircuitBreaker


def test_opens_after_the_threshold_of_consecutive_failures_only() -> None:
    breaker = CircuitBreaker(failure_threshold=3, cooldown_seconds=10)
    breaker.record_failure(0)
    breaker.record_failure(0)
    breaker.record_success()  # the run is broken: counting starts again
    breaker.record_failure(1)
    breaker.record_failure(1)
    assert breaker.state is BreakerState.CLOSED and breaker.allow(1)
    breaker.record_failure(2)
    assert breaker.state is BreakerState.OPEN
    assert not breaker.allow(2) and not breaker.allow(11.9)
    assert breaker.retry_after(4) == pytest.approx(8)


def test_half_open_lets_one_trial_through_and_its_success_closes() -> None:
    breaker = CircuitBreaker(failure_threshold=1, cooldown_seconds=5)
    breaker.record_failure(100)
    assert breaker.allow(105)  # the trial
    assert breaker.state is BreakerState.HALF_OPEN
    assert not breaker.allow(105.1)  # others wait for the trial
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED and breaker.allow(105.2)


def test_a_failed_trial_opens_for_another_cooldown() -> None:
    breaker = CircuitBreaker(failure_threshold=2, cooldown_seconds=5)
    breaker.record_failure(0)
    breaker.record_failure(0)
    assert breaker.allow(5)
    breaker.record_failure(6)  # one failure is enough in half-open state
    assert breaker.state is BreakerState.OPEN
    assert not breaker.allow(10.9) and breaker.allow(11)


def test_a_trial_that_never_reports_is_given_up_after_a_cooldown() -> None:
    breaker = CircuitBreaker(failure_threshold=1, cooldown_seconds=5)
    breaker.record_failure(0)
    assert breaker.allow(5)
    assert not breaker.allow(9.9)
    assert breaker.allow(10)  # a new trial: the first one's caller went away


@pytest.mark.parametrize(("threshold", "cooldown"), [(0, 1), (1, 0)])
def test_nonsense_settings_are_refused(threshold: int, cooldown: float) -> None:
    with pytest.raises(ValueError):
        CircuitBreaker(failure_threshold=threshold, cooldown_seconds=cooldown)
