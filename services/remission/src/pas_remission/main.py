"""Composition root: `uvicorn pas_remission.main:create --factory`."""

from pathlib import Path

from fastapi import FastAPI

from pas_remission.adapters.tables import platform
from pas_remission.api.applications import router as applications_router
from pas_remission.api.assistance import router as assistance_router
from pas_remission.api.batches import router as batches_router
from pas_remission.api.occupancy import router as occupancy_router
from pas_remission.api.routes import router
from pas_remission.app.facts import eligibility_facts
from pas_remission.settings import Settings
from pas_shared.service import ServiceSpec, create_app

SERVICE_ROOT = Path(__file__).resolve().parents[2]


def create(settings: Settings | None = None) -> FastAPI:
    return create_app(
        ServiceSpec(
            settings=settings or Settings(),
            title="PAS Remission",
            description="Facilities, the inmate register, release dates, remission and integration rights.",
            root=SERVICE_ROOT,
            tables=platform,
            routers=[router, batches_router, occupancy_router, assistance_router, applications_router],
            subscriptions=[eligibility_facts],
        )
    )
