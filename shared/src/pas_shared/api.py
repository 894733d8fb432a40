"""FastAPI dependencies every service's routers use."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request

from pas_shared.clock import Clock
from pas_shared.db import Database

# async: FastAPI runs plain `def` dependencies in a thread pool, a hop that cost ~1 ms a request.


async def _database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def _actor(request: Request) -> str:
    # Authentication (issue 7) sets request.state.actor from the verified token.
    return getattr(request.state, "actor", "anonymous")


async def _clock(request: Request) -> Clock:
    clock: Clock = getattr(request.app.state, "clock", lambda: datetime.now(UTC))
    return clock


DatabaseDep = Annotated[Database, Depends(_database)]
ActorDep = Annotated[str, Depends(_actor)]
ClockDep = Annotated[Clock, Depends(_clock)]
