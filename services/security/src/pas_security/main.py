"""Composition root: `uvicorn pas_security.main:create --factory`."""

from pathlib import Path

from fastapi import FastAPI

from pas_security.adapters.tables import facilities, platform, roster
from pas_security.api import discipline, incidents, officers, searches, sop_audits
from pas_security.api.routes import router
from pas_security.app.incidents import overdue_escalation_counts
from pas_security.settings import Settings
from pas_shared.directory import directory_subscription
from pas_shared.metrics import DatabaseGauge
from pas_shared.roster import roster_router, roster_subscription
from pas_shared.service import ServiceSpec, create_app

SERVICE_ROOT = Path(__file__).resolve().parents[2]

# The alert "escapes not escalated in time" (deploy/monitoring): per Kanwil (33), level (kanwil,
# headquarters) and critical category (a handful), never per incident or UPT.
OVERDUE_ESCALATIONS = DatabaseGauge(
    "pas_security_escalations_overdue",
    "Critical incidents whose escalation deadline (to the Kanwil or headquarters) has passed unmet.",
    ("kanwil_code", "level", "category"),
    overdue_escalation_counts,
)


def create(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_app(
        ServiceSpec(
            settings=settings,
            title="PAS Security",
            description="Incidents and escapes, discipline (Register F), SOP audits, officer training, searches.",
            root=SERVICE_ROOT,
            tables=platform,
            routers=[
                roster_router(roster),
                router,
                discipline.router,
                incidents.router,
                sop_audits.router,
                officers.router,
                searches.router,
            ],
            subscriptions=[
                roster_subscription(settings.service_name, roster),
                directory_subscription(settings.service_name, facilities),
            ],
            gauges=[OVERDUE_ESCALATIONS],
        )
    )
