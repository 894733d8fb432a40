"""What every KPI projection shares: one consumer group per source service (so each source's
progress is its own), the batch of changes a handler builds, and the UPT-local date of an event.

Handlers are idempotent through the consumer's inbox (a redelivered event is skipped before it
reaches them) and take runs of events of one type: they read the few entity rows they need in
one query, sum their changes per UPT, metric and day, and write them in a few upserts.
"""

from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import select

from pas_gateway.adapters.kpi_store import Changes, apply
from pas_gateway.adapters.tables import kpi_upt
from pas_shared.clock import local_date
from pas_shared.consumer import Received, Subscription
from pas_shared.db import UnitOfWork
from pas_shared.events.catalog import EventType

P = TypeVar("P", bound=BaseModel)

DEFAULT_ZONE = "Asia/Jakarta"  # WIB: the zone of a UPT whose registration has not arrived yet


def kpi_subscription(source: str) -> Subscription:
    return Subscription(name=f"gateway.kpi-{source}")


def source_of(e: Received[Any]) -> str:
    return e.envelope.source.removeprefix("/pas/")


async def zones(uow: UnitOfWork, upt_codes: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(upt_codes))
    query = select(kpi_upt.c.upt_code, kpi_upt.c.time_zone).where(kpi_upt.c.upt_code.in_(wanted))
    found: dict[str, str] = {u: z for u, z in (await uow.session.execute(query)).all()}
    return {u: found.get(u, DEFAULT_ZONE) for u in wanted}


def day_of(moment: datetime, upt_code: str, zone_of: dict[str, str]) -> date:
    return local_date(moment, zone_of.get(upt_code, DEFAULT_ZONE))


Project = Callable[[UnitOfWork, Changes, Sequence[Received[P]]], Awaitable[None]]


def projects(sub: Subscription, event_type: EventType[P]) -> Callable[[Project[P]], Project[P]]:
    """Register `fn` as the handler of `event_type`: it fills a Changes, which is then written
    with the newest event time of the run recorded for the source."""

    def register(fn: Project[P]) -> Project[P]:
        @sub.on(event_type)
        async def handle(uow: UnitOfWork, events: list[Received[P]]) -> None:
            changes = Changes()
            await fn(uow, changes, events)
            changes.saw(source_of(events[0]), (e.envelope.time for e in events))
            await apply(uow.session, changes)

        return fn

    return register
