"""Composition root: `uvicorn pas_rehabilitation.main:create --factory`."""

from pathlib import Path

from fastapi import FastAPI

from pas_rehabilitation.adapters.tables import facilities, platform, roster
from pas_rehabilitation.api.branding import router as branding_router
from pas_rehabilitation.api.facilities import router as facilities_router
from pas_rehabilitation.api.money import router as money_router
from pas_rehabilitation.api.permits import router as permits_router
from pas_rehabilitation.api.products import router as products_router
from pas_rehabilitation.api.programmes import router as programmes_router
from pas_rehabilitation.api.routes import router
from pas_rehabilitation.app import branding, permits
from pas_rehabilitation.settings import Settings
from pas_shared.directory import directory_subscription
from pas_shared.jobs import ACTOR, NATIONAL, Job
from pas_shared.roster import roster_router, roster_subscription
from pas_shared.service import ServiceSpec, create_app

SERVICE_ROOT = Path(__file__).resolve().parents[2]


def create(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_app(
        ServiceSpec(
            settings=settings,
            title="PAS Rehabilitation",
            description="Programmes, risk assessments, products, permits, branding, partnerships, sales, PNBP and premi.",
            root=SERVICE_ROOT,
            tables=platform,
            routers=[
                roster_router(roster),
                router,
                programmes_router,
                products_router,
                permits_router,
                branding_router,
                money_router,
                facilities_router,
            ],
            subscriptions=[
                roster_subscription(settings.service_name, roster),
                directory_subscription(settings.service_name, facilities),
            ],
            jobs=[
                Job("permit-expiry", lambda db, clock: permits.check_expiries(db, scope=NATIONAL, actor=ACTOR, clock=clock)),
                Job(
                    "partnership-expiry",
                    lambda db, clock: branding.check_partnership_expiries(db, scope=NATIONAL, actor=ACTOR, clock=clock),
                ),
            ],
        )
    )
