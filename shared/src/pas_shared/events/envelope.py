"""CloudEvents 1.0 envelope in Kafka binary content mode.

Attributes travel as `ce_`-prefixed headers, `datacontenttype` as the `content-type` header,
the payload (`data`) as the JSON message value and the aggregate id (`subject`) as the key, so
every aggregate's events land on one partition in order. This matches the official SDK's Kafka
binding (`cloudevents.v1.kafka`), which the test suite uses to read our messages.
"""

import json
from datetime import datetime
from functools import cached_property
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
_EXTENSIONS = ("uptcode", "kanwilcode", "traceparent", "correlationid")


class MalformedEvent(Exception):
    """A message that is not a valid event of ours. It goes to the dead-letter topic."""


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    source: str = Field(pattern=r"^/pas/[a-z-]+$")
    type: str = Field(pattern=r"^pas\.[a-z-]+\.[a-z-]+\.[a-z-]+$")
    specversion: str = SPEC_VERSION
    time: AwareDatetime
    subject: str = Field(min_length=1)
    datacontenttype: str = CONTENT_TYPE
    dataschema: str = Field(pattern=r"^/schemas/[a-z.-]+\.v\d+\.json$")
    uptcode: str = Field(default="", description="UPT the fact belongs to; empty for national facts.")
    kanwilcode: str = Field(default="", description="Kanwil of that UPT; empty for national facts.")
    traceparent: str = ""
    correlationid: str = ""
    data: dict[str, Any]

    @cached_property
    def version(self) -> int:
        return _schema_version(self.dataschema)

    def attributes(self) -> dict[str, str]:
        return cloudevent_attributes(
            id=self.id,
            source=self.source,
            type=self.type,
            time=self.time,
            subject=self.subject,
            dataschema=self.dataschema,
            specversion=self.specversion,
            **{name: getattr(self, name) for name in _EXTENSIONS},
        )


def cloudevent_attributes(
    *,
    id: str,
    source: str,
    type: str,
    time: datetime,
    subject: str,
    dataschema: str,
    specversion: str = SPEC_VERSION,
    uptcode: str = "",
    kanwilcode: str = "",
    traceparent: str = "",
    correlationid: str = "",
) -> dict[str, str]:
    """The attributes as they travel (Kafka headers, the outbox's JSON); empty extensions are left out."""
    out = {
        "id": id,
        "source": source,
        "type": type,
        "specversion": specversion,
        "time": time.isoformat(),
        "subject": subject,
        "dataschema": dataschema,
    }
    for name, value in (
        ("uptcode", uptcode),
        ("kanwilcode", kanwilcode),
        ("traceparent", traceparent),
        ("correlationid", correlationid),
    ):
        if value:
            out[name] = value
    return out


def encode_kafka(envelope: Envelope) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """(key, value, headers) of the Kafka record carrying this event."""
    headers = [(f"ce_{k}", v.encode()) for k, v in envelope.attributes().items()]
    headers.append(("content-type", envelope.datacontenttype.encode()))
    value = json.dumps(envelope.data, ensure_ascii=False, separators=(",", ":")).encode()
    return envelope.subject.encode(), value, headers


_TYPE_KEYS: dict[tuple[bytes, bytes], tuple[str, int] | None] = {}


def peek_type(headers: list[tuple[str, bytes]] | tuple[tuple[str, bytes], ...]) -> tuple[str, int] | None:
    """(type, version) from a message's `ce_type` and `ce_dataschema` headers alone, or None if
    they are missing or unreadable: lets a consumer pass over events it does not read without
    parsing them (the consumers that read a type judge its messages and dead-letter the bad)."""
    type_raw = schema_raw = None
    for name, raw in headers:
        if name == "ce_type":
            type_raw = raw
        elif name == "ce_dataschema":
            schema_raw = raw
    if type_raw is None or schema_raw is None:
        return None
    key = (type_raw, schema_raw)
    if key not in _TYPE_KEYS:
        if len(_TYPE_KEYS) > 10_000:  # bounded: a flood of made-up types must not grow it forever
            _TYPE_KEYS.clear()
        try:
            _TYPE_KEYS[key] = (type_raw.decode(), _schema_version(schema_raw.decode()))
        except (UnicodeDecodeError, ValueError, IndexError):
            _TYPE_KEYS[key] = None
    return _TYPE_KEYS[key]


def _schema_version(dataschema: str) -> int:
    return int(dataschema.rsplit(".v", 1)[1].removesuffix(".json"))


def decode_kafka(value: bytes | None, headers: list[tuple[str, bytes]] | tuple[tuple[str, bytes], ...]) -> Envelope:
    attrs: dict[str, Any] = {}
    content_type = None
    try:
        for name, raw in headers:
            text = raw.decode() if raw is not None else ""
            if name.startswith("ce_"):
                attrs[name[3:]] = text
            elif name == "content-type":
                content_type = text
    except UnicodeDecodeError as exc:
        raise MalformedEvent(f"header is not UTF-8: {exc}") from exc
    if attrs.get("specversion") != SPEC_VERSION:
        raise MalformedEvent(
            f"not a CloudEvents {SPEC_VERSION} binary-mode message (ce_specversion={attrs.get('specversion')!r})"
        )
    if content_type is None or not content_type.startswith(CONTENT_TYPE):
        raise MalformedEvent(f"content-type must be {CONTENT_TYPE}, got {content_type!r}")
    if value is None:
        raise MalformedEvent("message has no value")
    try:
        data = json.loads(value.decode())  # JSON travels as UTF-8 (RFC 8259); a str skips json's encoding sniffing
    except ValueError as exc:  # UnicodeDecodeError included
        raise MalformedEvent(f"value is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise MalformedEvent("event data must be a JSON object")
    try:
        return Envelope(**attrs, datacontenttype=content_type, data=data)
    except ValidationError as exc:
        raise MalformedEvent(f"invalid envelope: {exc.errors(include_url=False)}") from exc
