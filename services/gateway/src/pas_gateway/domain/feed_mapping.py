"""Which internal domain events feed which public integration event, and how one becomes the
other. The public payload is built field by field (never a copy of the internal one), so an
internal field added later reaches no partner until it is mapped here and in the public schema.
The Kanwil comes from the event's `kanwilcode` attribute (every event carries it)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from pas_shared.events import public
from pas_shared.events.catalog import EventType
from pas_shared.events.food_audit import INSPECTION_COMPLETED, InspectionCompleted
from pas_shared.events.rehabilitation import PERMIT_STATUS_CHANGED, PermitStatusChanged
from pas_shared.events.remission import (
    ASSISTANCE_DISTRIBUTED,
    INTEGRATION_RIGHT_DECIDED,
    INTEGRATION_RIGHT_REVOKED,
    AssistanceDistributed,
    IntegrationRightDecided,
    IntegrationRightRevoked,
)
from pas_shared.events.security import ESCAPE_REPORTED, ESCAPEE_RECAPTURED, EscapeeRecaptured, EscapeReported


@dataclass(frozen=True)
class Mapping:
    source: EventType[Any]
    target: public.PublicEventType[Any]
    build: Callable[[Any, str], BaseModel]  # (internal payload, kanwil code) -> public payload
    # The public field naming the message's subject (and Kafka key): the public event's own id,
    # never the internal subject, which may be an inmate id the partner is not allowed to see.
    subject_field: str


def _escape(p: EscapeReported, kanwil: str) -> BaseModel:
    return public.EscapeAlert(
        escape_id=p.escape_id,
        upt_code=p.upt_code,
        kanwil_code=kanwil,
        escaped_on=p.escaped_on,
        escaped_at=p.escaped_at,
        inmate_ref=p.inmate_id,
        method=p.method,
    )


def _recapture(p: EscapeeRecaptured, kanwil: str) -> BaseModel:
    return public.EscapeeRecaptured(
        escape_id=p.escape_id,
        upt_code=p.upt_code,
        kanwil_code=kanwil,
        recaptured_on=p.recaptured_on,
        recaptured_at=p.recaptured_at,
        inmate_ref=p.inmate_id,
        place=p.place,
    )


def _decided(p: IntegrationRightDecided, kanwil: str) -> BaseModel:
    return public.IntegrationRightDecided(
        application_id=p.application_id,
        upt_code=p.upt_code,
        kanwil_code=p.kanwil_code or kanwil,
        right=p.right,
        decided_on=p.decided_on,
        inmate_ref=p.inmate_id,
        decree_number=p.decree_number,
        starts_on=p.starts_on,
        ends_on=p.ends_on,
    )


def _revoked(p: IntegrationRightRevoked, kanwil: str) -> BaseModel:
    return public.IntegrationRightRevoked(
        application_id=p.application_id,
        upt_code=p.upt_code,
        kanwil_code=p.kanwil_code or kanwil,
        right=p.right,
        revoked_on=p.revoked_on,
        inmate_ref=p.inmate_id,
        decree_number=p.decree_number,
        ground=p.ground,
    )


def _permit(p: PermitStatusChanged, kanwil: str) -> BaseModel:
    return public.PermitStatusChanged(
        permit_id=p.permit_id,
        upt_code=p.upt_code,
        kanwil_code=p.kanwil_code or kanwil,
        permit_type=p.permit_type,
        status=p.status,
        changed_on=p.changed_on,
        product_name=p.product_name,
        agency=p.agency,
        number=p.number,
        valid_from=p.valid_from,
        valid_until=p.valid_until,
    )


def _inspection(p: InspectionCompleted, kanwil: str) -> BaseModel:
    return public.KitchenInspectionCompleted(
        inspection_id=p.inspection_id,
        kitchen_id=p.kitchen_id,
        upt_code=p.upt_code,
        kanwil_code=kanwil,
        inspected_on=p.inspected_on,
        passed=p.passed,
        kind=p.kind,
        rating=p.rating,
        hygiene_pct=p.hygiene_pct,
        overall_pct=p.overall_pct,
        failed_rules=list(p.failed_rules),
    )


def _assistance(p: AssistanceDistributed, kanwil: str) -> BaseModel:
    return public.SocialAssistanceDistributed(
        distribution_id=p.distribution_id,
        upt_code=p.upt_code,
        kanwil_code=p.kanwil_code or kanwil,
        distributed_on=p.distributed_on,
        programme=p.programme,
        kind=p.kind,
        amount_rupiah=p.amount_rupiah,
        partner_agency=p.partner_agency,
        recipient_type=p.recipient_type,
        relationship=p.relationship,
        inmate_ref=p.inmate_id,
    )


MAPPINGS: dict[tuple[str, int], Mapping] = {
    m.source.key: m
    for m in (
        Mapping(ESCAPE_REPORTED, public.ESCAPE_REPORTED, _escape, "escape_id"),
        Mapping(ESCAPEE_RECAPTURED, public.ESCAPEE_RECAPTURED, _recapture, "escape_id"),
        Mapping(INTEGRATION_RIGHT_DECIDED, public.INTEGRATION_RIGHT_DECIDED, _decided, "application_id"),
        Mapping(INTEGRATION_RIGHT_REVOKED, public.INTEGRATION_RIGHT_REVOKED, _revoked, "application_id"),
        Mapping(PERMIT_STATUS_CHANGED, public.PERMIT_STATUS_CHANGED, _permit, "permit_id"),
        Mapping(INSPECTION_COMPLETED, public.KITCHEN_INSPECTION_COMPLETED, _inspection, "inspection_id"),
        Mapping(ASSISTANCE_DISTRIBUTED, public.SOCIAL_ASSISTANCE_DISTRIBUTED, _assistance, "distribution_id"),
    )
}
