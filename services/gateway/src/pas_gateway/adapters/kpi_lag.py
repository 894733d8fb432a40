"""How far each KPI consumer is behind the broker: the partitions' high watermarks (the newest
offsets the broker told the consumer about) against the consumer's position."""

import asyncio
import contextlib

from pas_shared.consumer import ConsumerRunner


async def lag_of(runner: ConsumerRunner) -> int | None:
    """Events on the broker not yet taken by this consumer; None when that is not known (the
    consumer is not connected, or has no partitions or watermarks yet)."""
    consumer = runner.consumer
    if consumer is None:
        return None
    partitions = consumer.assignment()
    if not partitions:
        return None
    lag = 0
    for tp in partitions:
        high = consumer.highwater(tp)
        position = None
        with contextlib.suppress(Exception):
            position = await asyncio.wait_for(consumer.position(tp), timeout=0.2)
        if high is None or position is None:
            return None
        lag += max(0, high - position)
    return lag


async def lags(runners: list[ConsumerRunner], names: dict[str, str]) -> dict[str, int | None]:
    """Lag per source, for the runners whose subscription name is in `names` (name -> source)."""
    found: dict[str, int | None] = dict.fromkeys(names.values())
    for runner in runners:
        source = names.get(runner.sub.name)
        if source is not None:
            found[source] = await lag_of(runner)
    return found
