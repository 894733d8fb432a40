"""Composition root: `uvicorn pas_gateway.main:create --factory`."""

from pathlib import Path

from fastapi import FastAPI

from pas_gateway.adapters.tables import platform
from pas_gateway.api.auth import public_router as auth_public_router
from pas_gateway.api.auth import router as auth_router
from pas_gateway.api.door import install_door
from pas_gateway.api.feeds import catalogue_router, public_catalogue_router
from pas_gateway.api.feeds import router as feeds_router
from pas_gateway.api.kpi import public_router as kpi_public_router
from pas_gateway.api.kpi import router as kpi_router
from pas_gateway.api.proxy import router as proxy_router
from pas_gateway.api.web import router as web_router
from pas_gateway.app import feeds, identity
from pas_gateway.app.kpi_rebuild import KPI_SUBSCRIPTIONS
from pas_gateway.settings import Settings
from pas_shared.service import ServiceSpec, create_app

SERVICE_ROOT = Path(__file__).resolve().parents[2]


def create(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = create_app(
        ServiceSpec(
            settings=settings,
            title="PAS Gateway",
            description="The one door for web and mobile frontends: access control, national KPIs, feeds for other ministries.",
            root=SERVICE_ROOT,
            tables=platform,
            routers=[kpi_router, auth_router, feeds_router, catalogue_router, proxy_router],
            public_routers=[auth_public_router, web_router, kpi_public_router, public_catalogue_router],
            subscriptions=[*KPI_SUBSCRIPTIONS, feeds.FEED_SUBSCRIPTION],
            jobs=feeds.jobs(settings),
            own_jwks=identity.own_jwks(settings),
            on_start=[identity.on_start(settings), feeds.on_start(settings)],
        )
    )
    install_door(app, settings, proxy_router, hot_router=kpi_router)
    return app
