"""Feeds for other ministries and agencies: partners as data, and the rules that decide what
each one receives. Pure: no storage, no broker.

A partner is registered with its legal basis and purpose (UU 27/2022 on personal data
protection: processing is bound to a purpose and a basis), the public event types it may
receive, for each type the fields it may see and optional conditions on the payload (e.g. halal
permits only), a region (Kanwil codes; none = national) and how long its data are kept.
A message on a partner's topic is the public payload minimised to that allow-list: a field
outside it is absent, never sent.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pas_shared.errors import RuleViolation
from pas_shared.events.public import PARTNER_ID, PUBLIC_CATALOG, PublicEventType, partner_topic

_PARTNER_ID = re.compile(PARTNER_ID)
_CODE = re.compile(r"^[A-Z0-9-]{2,32}$")
# Event ids of partner messages are uuid5 of this namespace and (partner, source event): the
# same source event gives the same id on every delivery and every replay.
FEED_NAMESPACE = uuid.UUID("6c0f3f5e-2b3a-5d8e-9f41-7a0c1d2e3b4f")


@dataclass(frozen=True)
class AllowedEvent:
    """One public event type a partner receives: the fields it may see and optional conditions
    (field -> accepted values) a payload must meet."""

    type: str
    version: int
    fields: tuple[str, ...]
    where: dict[str, tuple[Any, ...]] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, int]:
        return (self.type, self.version)


@dataclass(frozen=True)
class Partner:
    partner_id: str
    name: str
    legal_basis: str
    purpose: str
    events: tuple[AllowedEvent, ...]
    kanwil_codes: tuple[str, ...]  # empty: every Kanwil
    retention_days: int
    active: bool
    created_at: datetime
    updated_at: datetime

    @property
    def topic(self) -> str:
        return partner_topic(self.partner_id)

    def allowed(self, event_type: str, version: int) -> AllowedEvent | None:
        return next((a for a in self.events if a.key == (event_type, version)), None)


@dataclass(frozen=True)
class FeedMessage:
    """One message for one partner, before it is written to the outbox."""

    partner_id: str
    event_id: str
    type: str
    version: int
    dataschema: str
    subject: str
    time: datetime
    uptcode: str
    kanwilcode: str
    data: dict[str, Any]
    source: str
    source_event_id: str

    @property
    def topic(self) -> str:
        return partner_topic(self.partner_id)


def feed_event_id(partner_id: str, source: str, source_event_id: str) -> str:
    return str(uuid.uuid5(FEED_NAMESPACE, f"{partner_id}|{source}|{source_event_id}"))


def _violation(field_name: str, rule: str, id: str, en: str) -> RuleViolation:
    return RuleViolation(field_name, rule, id=id, en=en)


def check_partner_id(value: str) -> str:
    if not _PARTNER_ID.match(value):
        raise _violation(
            "partner_id",
            "partner-id-format",
            "Id mitra 3-40 karakter: huruf kecil, angka dan tanda hubung, diawali huruf.",
            "A partner id has 3-40 characters: lower-case letters, digits and hyphens, starting with a letter.",
        )
    return value


def check_text(field_name: str, value: str, *, min_length: int) -> str:
    value = value.strip()
    if len(value) < min_length:
        raise _violation(
            field_name,
            "required-text",
            f"Wajib diisi (minimal {min_length} karakter).",
            f"Required (at least {min_length} characters).",
        )
    return value


def check_region(codes: list[str]) -> tuple[str, ...]:
    for n, code in enumerate(codes):
        if not _CODE.match(code):
            raise _violation(
                f"kanwil_codes[{n}]", "code-format", f"Kode Kanwil '{code}' tidak valid.", f"Invalid Kanwil code '{code}'."
            )
    return tuple(sorted(set(codes)))


def check_retention(days: int, *, max_days: int) -> int:
    if not 1 <= days <= max_days:
        raise _violation(
            "retention_days",
            "retention-range",
            f"Masa simpan 1 sampai {max_days} hari.",
            f"Retention is 1 to {max_days} days.",
        )
    return days


def _public_type(n: int, name: str, version: int) -> PublicEventType[Any]:
    et = PUBLIC_CATALOG.get(name, version)
    if et is None:
        known = ", ".join(f"{e.name} v{e.version}" for e in PUBLIC_CATALOG.all())
        raise _violation(
            f"events[{n}].type",
            "public-event-known",
            f"Jenis peristiwa publik {name} v{version} tidak dikenal (tersedia: {known}).",
            f"Unknown public event type {name} v{version} (known: {known}).",
        )
    return et


def check_events(events: list[AllowedEvent]) -> tuple[AllowedEvent, ...]:
    """Every type known, each once; fields are the type's own and include its required ones;
    conditions name fields of the type."""
    if not events:
        raise _violation("events", "events-required", "Minimal satu jenis peristiwa.", "At least one event type.")
    seen: set[tuple[str, int]] = set()
    out = []
    for n, allowed in enumerate(events):
        et = _public_type(n, allowed.type, allowed.version)
        if allowed.key in seen:
            raise _violation(f"events[{n}].type", "event-once", "Jenis peristiwa disebut dua kali.", "Event type listed twice.")
        seen.add(allowed.key)
        unknown = sorted(set(allowed.fields) - set(et.fields))
        if unknown:
            raise _violation(
                f"events[{n}].fields",
                "field-known",
                f"Kolom {unknown} tidak ada pada {et.name} v{et.version}.",
                f"Fields {unknown} are not in {et.name} v{et.version}.",
            )
        missing = sorted(set(et.required_fields) - set(allowed.fields))
        if missing:
            raise _violation(
                f"events[{n}].fields",
                "required-fields-listed",
                f"Kolom wajib {missing} harus ada dalam daftar yang diizinkan.",
                f"Required fields {missing} must be in the allow-list.",
            )
        for name, values in allowed.where.items():
            if name not in et.fields or not values:
                raise _violation(
                    f"events[{n}].where.{name}",
                    "condition-field",
                    "Syarat harus menyebut kolom jenis peristiwa ini dan minimal satu nilai.",
                    "A condition names a field of this event type and at least one value.",
                )
        fields_in_order = tuple(f for f in et.fields if f in set(allowed.fields))
        out.append(AllowedEvent(allowed.type, allowed.version, fields_in_order, dict(sorted(allowed.where.items()))))
    return tuple(sorted(out, key=lambda a: a.key))


def route(
    partners: list[Partner],
    *,
    event_type: PublicEventType[Any],
    payload: dict[str, Any],
    subject: str,
    time: datetime,
    uptcode: str,
    kanwilcode: str,
    source: str,
    source_event_id: str,
) -> list[FeedMessage]:
    """The messages one public event gives: one per active partner that receives its type, in
    its region, whose conditions it meets, minimised to that partner's fields."""
    out = []
    for partner in partners:
        allowed = partner.allowed(event_type.name, event_type.version)
        if not partner.active or allowed is None:
            continue
        if partner.kanwil_codes and kanwilcode not in partner.kanwil_codes:
            continue
        if any(payload.get(name) not in values for name, values in allowed.where.items()):
            continue
        out.append(
            FeedMessage(
                partner_id=partner.partner_id,
                event_id=feed_event_id(partner.partner_id, source, source_event_id),
                type=event_type.name,
                version=event_type.version,
                dataschema=event_type.dataschema,
                subject=subject,
                time=time,
                uptcode=uptcode,
                kanwilcode=kanwilcode,
                data=minimise(payload, allowed.fields),
                source=source,
                source_event_id=source_event_id,
            )
        )
    return out


def minimise(payload: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    allowed = set(fields)
    return {k: v for k, v in payload.items() if k in allowed}


def replayable(partner: Partner, message: FeedMessage) -> FeedMessage | None:
    """A stored message as it may be sent again today: dropped if the partner no longer receives
    its type or region, minimised again to today's fields (an allow-list may have narrowed)."""
    allowed = partner.allowed(message.type, message.version)
    if not partner.active or allowed is None:
        return None
    if partner.kanwil_codes and message.kanwilcode not in partner.kanwil_codes:
        return None
    return FeedMessage(**{**message.__dict__, "data": minimise(message.data, allowed.fields)})
