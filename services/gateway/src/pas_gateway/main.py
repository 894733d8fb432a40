"""Composition root: `uvicorn pas_gateway.main:create --factory`."""

from pathlib import Path

from fastapi import FastAPI

from pas_gateway.adapters.tables import platform
from pas_gateway.api.routes import router
from pas_gateway.app.projections import occupancy_kpi
from pas_gateway.settings import Settings
from pas_shared.service import ServiceSpec, create_app

SERVICE_ROOT = Path(__file__).resolve().parents[2]


def create(settings: Settings | None = None) -> FastAPI:
    return create_app(
        ServiceSpec(
            settings=settings or Settings(),
            title="PAS Gateway",
            description="The one door for web and mobile frontends: access control and national KPIs.",
            root=SERVICE_ROOT,
            tables=platform,
            routers=[router],
            subscriptions=[occupancy_kpi],
        )
    )
