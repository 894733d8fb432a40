"""When a KPI source is marked behind: events on the broker not applied, and the newest applied
older than the threshold; unknown when the consumer's position is not known."""

from datetime import UTC, datetime, timedelta

from pas_gateway.app.kpi_queries import source_states

NOW = datetime(2026, 8, 17, 3, 0, tzinfo=UTC)
AFTER = timedelta(seconds=60)


def test_a_source_is_behind_only_with_pending_events_and_an_old_as_of() -> None:
    stored = {"remission": (NOW - timedelta(minutes=5), 10), "security": (NOW - timedelta(seconds=5), 3)}
    lag: dict[str, int | None] = {"remission": 7, "security": 2, "rehabilitation": 0, "food-audit": None}
    states = source_states(stored, lag, now=NOW, behind_after=AFTER)
    assert (states["remission"].behind, states["remission"].detail) == (True, "7 events on the broker not applied yet")
    assert states["remission"].as_of == NOW - timedelta(minutes=5)
    assert (states["security"].behind, states["security"].detail.startswith("catching up")) == (False, True)
    assert (states["rehabilitation"].behind, states["rehabilitation"].as_of) == (False, None)
    assert states["food-audit"].behind is False and states["food-audit"].detail.startswith("unknown")


def test_a_source_with_nothing_applied_and_events_waiting_is_behind() -> None:
    states = source_states({}, {"remission": 1}, now=NOW, behind_after=AFTER)
    assert states["remission"].behind is True
