"""A circuit breaker for one upstream service.

Closed: calls go through; `failure_threshold` failures in a row open it. Open: calls are refused
at once (no waiting on a dead service) until `cooldown_seconds` have passed. Half-open: one trial
call goes through; its success closes the circuit, its failure opens it for another cooldown. A
trial that never reports (its caller went away) is given up after one cooldown, so the breaker
cannot stay half-open for ever.

Pure state: the caller passes the monotonic time. Nothing here is gateway-specific; it lives in
the gateway because the gateway is its only user (move it to pas_shared when a second appears).
"""

from dataclasses import dataclass
from enum import StrEnum


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half-open"


@dataclass
class CircuitBreaker:
    failure_threshold: int
    cooldown_seconds: float
    state: BreakerState = BreakerState.CLOSED
    failures: int = 0  # consecutive, while closed
    opened_at: float = 0.0
    trial_started_at: float | None = None

    def __post_init__(self) -> None:
        if self.failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        if self.cooldown_seconds <= 0:
            raise ValueError("cooldown_seconds must be positive")

    def allow(self, now: float) -> bool:
        """May a call go out now? In half-open state, True reserves the one trial call."""
        if self.state is BreakerState.CLOSED:
            return True
        if self.state is BreakerState.OPEN:
            if now - self.opened_at < self.cooldown_seconds:
                return False
            self.state = BreakerState.HALF_OPEN
            self.trial_started_at = now
            return True
        if self.trial_started_at is not None and now - self.trial_started_at < self.cooldown_seconds:
            return False
        self.trial_started_at = now
        return True

    def retry_after(self, now: float) -> float:
        """Seconds until a call may be tried again (for the Retry-After header)."""
        if self.state is BreakerState.OPEN:
            return max(0.0, self.opened_at + self.cooldown_seconds - now)
        if self.state is BreakerState.HALF_OPEN and self.trial_started_at is not None:
            return max(0.0, self.trial_started_at + self.cooldown_seconds - now)
        return self.cooldown_seconds

    def record_success(self) -> None:
        self.state = BreakerState.CLOSED
        self.failures = 0
        self.trial_started_at = None

    def record_failure(self, now: float) -> None:
        if self.state is BreakerState.HALF_OPEN:
            self._open(now)
            return
        self.failures += 1
        if self.state is BreakerState.CLOSED and self.failures >= self.failure_threshold:
            self._open(now)

    def _open(self, now: float) -> None:
        self.state = BreakerState.OPEN
        self.opened_at = now
        self.failures = 0
        self.trial_started_at = None
