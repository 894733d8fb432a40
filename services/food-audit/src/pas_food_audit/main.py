"""Composition root: `uvicorn pas_food_audit.main:create --factory`."""

from pathlib import Path

from fastapi import FastAPI

from pas_food_audit.adapters.tables import facilities, platform, roster
from pas_food_audit.api import contracts, deliveries, inspections, kitchens, menus, sanctions
from pas_food_audit.app import inspections as inspection_use_cases
from pas_food_audit.app import kitchens as kitchen_use_cases
from pas_food_audit.settings import Settings
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
            title="PAS Food-audit",
            description="Vendors, deliveries, kitchens and hygiene certificates, inspections, nutrition, vendor sanctions.",
            root=SERVICE_ROOT,
            tables=platform,
            routers=[
                roster_router(roster),
                contracts.router,
                deliveries.router,
                kitchens.router,
                inspections.router,
                menus.router,
                sanctions.router,
            ],
            subscriptions=[
                roster_subscription(settings.service_name, roster),
                directory_subscription(settings.service_name, facilities),
            ],
            jobs=[
                Job(
                    "certificate-expiry",
                    lambda db, clock: kitchen_use_cases.warn_expiring_certificates(db, NATIONAL, actor=ACTOR, clock=clock),
                ),
                Job(
                    "finding-escalation",
                    lambda db, clock: inspection_use_cases.escalate_overdue_findings(db, NATIONAL, actor=ACTOR, clock=clock),
                ),
            ],
        )
    )
