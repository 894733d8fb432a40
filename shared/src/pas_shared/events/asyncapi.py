"""The event catalogue as AsyncAPI 3.0 documents, generated from the code's payload models:
`internal.json` (the domain events of pas_shared.events.catalog, topic per service and entity)
and `public.json` (the partner integration events of pas_shared.events.public, one topic per
partner), committed under shared/asyncapi/, plus one JSON Schema per public payload under
shared/schemas/public/ (the `dataschema` of each public event names its file).

    python -m pas_shared.events.asyncapi           # write the documents and public schemas
    python -m pas_shared.events.asyncapi --check   # exit 1 if any differs from the code, or if a
                                                   # public schema breaks its published version

A committed public schema is the published contract: writing refuses to replace it by one that
breaks backward compatibility (pas_shared.events.compat); publish a new version instead.
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from pas_shared.events.catalog import CATALOG, EventType
from pas_shared.events.compat import breaking_changes
from pas_shared.events.public import PARTNER_ID, PUBLIC_CATALOG, SOURCE, PublicEventType

ROOT = Path(__file__).resolve().parents[3]
ASYNCAPI_DIR = ROOT / "asyncapi"
PUBLIC_SCHEMA_DIR = ROOT / "schemas" / "public"
SPEC = "3.0.0"
KAFKA_BINDING = "0.5.0"
JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"

Document = dict[str, Any]


def _headers(public: bool) -> Document:
    """CloudEvents 1.0 attributes as Kafka headers (binary content mode)."""
    props: Document = {
        "ce_specversion": {"type": "string", "const": "1.0"},
        "ce_id": {"type": "string", "description": "Event id; a redelivery or a replay carries the same id."},
        "ce_source": {"type": "string", "description": "/pas/<service>" if not public else SOURCE},
        "ce_type": {"type": "string"},
        "ce_time": {"type": "string", "format": "date-time"},
        "ce_subject": {"type": "string", "description": "The aggregate the event is about (also the message key)."},
        "ce_dataschema": {"type": "string"},
        "ce_uptcode": {"type": "string", "description": "UPT the fact belongs to."},
        "ce_kanwilcode": {"type": "string", "description": "Kanwil of that UPT."},
        "content-type": {"type": "string", "const": "application/json"},
    }
    if not public:
        props["ce_traceparent"] = {"type": "string", "description": "W3C trace context."}
        props["ce_correlationid"] = {"type": "string", "description": "The request or event that caused this one."}
    required = ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_subject", "ce_dataschema", "content-type"]
    return {"type": "object", "properties": props, "required": required}


class _Schemas:
    """components.schemas: each payload model, its nested models hoisted beside it."""

    def __init__(self) -> None:
        self.items: Document = {}

    def add(self, name: str, model: type[BaseModel], description: str) -> Document:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for nested, sub in schema.pop("$defs", {}).items():
            if self.items.setdefault(nested, sub) != sub:
                raise ValueError(f"two different schemas are named {nested}")
        self.items[name] = {**schema, "description": description}
        return {"$ref": f"#/components/schemas/{name}"}


def _message(name: str, type_name: str, summary: str, payload_ref: Document, headers: str, dataschema: str) -> Document:
    return {
        "name": type_name,
        "title": name,
        "summary": summary,
        "contentType": "application/json",
        "headers": {"$ref": f"#/components/schemas/{headers}"},
        "payload": payload_ref,
        "bindings": {"kafka": {"key": {"type": "string", "description": "ce_subject"}, "bindingVersion": KAFKA_BINDING}},
        "externalDocs": {"url": dataschema, "description": "JSON Schema of the payload (dataschema)."},
    }


def _first_line(model: type[BaseModel], fallback: str) -> str:
    doc = (model.__doc__ or "").strip()
    return " ".join(doc.split("\n\n")[0].split()) if doc else fallback


def build_internal() -> Document:
    schemas = _Schemas()
    schemas.items["CloudEventHeaders"] = _headers(public=False)
    messages: Document = {}
    channels: Document = {}
    operations: Document = {}
    by_topic: dict[str, list[EventType[BaseModel]]] = {}
    for et in CATALOG.all():
        by_topic.setdefault(et.topic, []).append(et)
    for topic, types in sorted(by_topic.items()):
        refs: Document = {}
        for et in types:
            key = f"{et.name}.v{et.version}"
            summary = _first_line(et.payload, f"{et.name} version {et.version}")
            payload = schemas.add(key, et.payload, f"Payload of {et.name} v{et.version}.")
            messages[key] = _message(key, et.name, summary, payload, "CloudEventHeaders", et.dataschema)
            refs[key] = {"$ref": f"#/components/messages/{key}"}
        service = types[0].service
        channels[topic] = {
            "address": topic,
            "title": topic,
            "description": f"Events of the {service} service, keyed by aggregate id (per-aggregate order).",
            "messages": refs,
        }
        operations[f"{service}.publish.{topic}"] = {
            "action": "send",
            "summary": f"The {service} service publishes through its transactional outbox.",
            "channel": {"$ref": f"#/channels/{topic}"},
            "messages": [{"$ref": f"#/channels/{topic}/messages/{m}"} for m in refs],
        }
    return {
        "asyncapi": SPEC,
        "id": "urn:id:go:ditjenpas:pas:events:internal",
        "info": {
            "title": "PAS domain events (internal)",
            "version": "1.0.0",
            "description": "Domain events of the five PAS services: CloudEvents 1.0 over Kafka (binary content mode). "
            "Inside the trust boundary only; partners get the public document.",
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {"host": "127.0.0.1:9092", "protocol": "kafka", "description": "The broker `make run` starts."},
        },
        "channels": channels,
        "operations": operations,
        "components": {"schemas": dict(sorted(schemas.items.items())), "messages": messages},
    }


def build_public() -> Document:
    schemas = _Schemas()
    schemas.items["PublicCloudEventHeaders"] = _headers(public=True)
    messages: Document = {}
    refs: Document = {}
    for et in PUBLIC_CATALOG.all():
        key = f"{et.name}.v{et.version}"
        required = ", ".join(et.required_fields)
        payload = schemas.add(
            key,
            et.payload,
            f"Payload of {et.name} v{et.version}. Always present: {required}; every other field only when the "
            "partner's allow-list names it (absent otherwise, never null because of the allow-list).",
        )
        messages[key] = _message(
            key, et.name, _first_line(et.payload, et.name), payload, "PublicCloudEventHeaders", et.dataschema
        )
        refs[key] = {"$ref": f"#/components/messages/{key}"}
    channel = "partnerFeed"
    return {
        "asyncapi": SPEC,
        "id": "urn:id:go:ditjenpas:pas:events:public",
        "info": {
            "title": "PAS integration events for partner agencies",
            "version": "1.0.0",
            "description": "Events Ditjenpas publishes to partner ministries and agencies: one topic per partner, "
            "filtered by event type and region and minimised to the fields the partner's legal basis allows. "
            "CloudEvents 1.0 over Kafka (binary content mode); ids are stable, so a replay repeats the same ids: "
            "de-duplicate on ce_id.",
        },
        "defaultContentType": "application/json",
        "servers": {
            "production": {
                "host": "{bootstrap}",
                "protocol": "kafka-secure",
                "description": "TLS with SASL/SCRAM-SHA-512; each partner gets its own user and may read its own topic only.",
                "variables": {"bootstrap": {"description": "Bootstrap address given to the partner at onboarding."}},
                "security": [{"$ref": "#/components/securitySchemes/scram"}],
            },
        },
        "channels": {
            channel: {
                "address": "pas.partner.{partnerId}.v1",
                "title": "Partner feed",
                "description": "The partner's own topic; keyed by the subject (per-subject order).",
                "parameters": {"partnerId": {"description": f"The partner's id (pattern {PARTNER_ID})."}},
                "messages": refs,
            }
        },
        "operations": {
            "gateway.publish.partnerFeed": {
                "action": "send",
                "summary": "The gateway publishes each partner's feed through its transactional outbox.",
                "channel": {"$ref": f"#/channels/{channel}"},
                "messages": [{"$ref": f"#/channels/{channel}/messages/{m}"} for m in refs],
            }
        },
        "components": {
            "schemas": dict(sorted(schemas.items.items())),
            "messages": messages,
            "securitySchemes": {
                "scram": {"type": "scramSha512", "description": "SASL/SCRAM-SHA-512 over TLS; credentials per partner."}
            },
        },
    }


def public_schema(et: PublicEventType[BaseModel]) -> Document:
    return {
        "$schema": JSON_SCHEMA,
        "$id": et.dataschema,
        "title": f"{et.name} v{et.version}",
        "description": f"Payload (CloudEvents data) of the public integration event {et.name} v{et.version}.",
        **et.payload.model_json_schema(),
    }


def _text(document: Document) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def rendered() -> dict[Path, str]:
    files = {ASYNCAPI_DIR / "internal.json": _text(build_internal()), ASYNCAPI_DIR / "public.json": _text(build_public())}
    for et in PUBLIC_CATALOG.all():
        files[PUBLIC_SCHEMA_DIR / Path(et.dataschema).name] = _text(public_schema(et))
    return files


def published_breaks(schema_dir: Path = PUBLIC_SCHEMA_DIR) -> list[str]:
    """How the code's public payloads break the committed (published) schemas; empty if none."""
    wanted = {Path(et.dataschema).name: public_schema(et) for et in PUBLIC_CATALOG.all()}
    problems = []
    for path in sorted(schema_dir.glob("*.json")):
        if path.name not in wanted:
            problems.append(f"{path.name}: a published schema was removed")
            continue
        problems += [f"{path.name}: {p}" for p in breaking_changes(json.loads(path.read_text()), wanted[path.name])]
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    breaks = published_breaks()
    if breaks:
        print("public schemas break their published versions (publish a new version instead):", file=sys.stderr)
        for problem in breaks:
            print(f"  {problem}", file=sys.stderr)
        return 1
    wanted = rendered()
    if args.check:
        stale = sorted(str(p.relative_to(ROOT)) for p, text in wanted.items() if not p.exists() or p.read_text() != text)
        if stale:
            print(f"AsyncAPI documents are out of date: {stale}; run python -m pas_shared.events.asyncapi", file=sys.stderr)
            return 1
        return 0
    for path, text in wanted.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    print(f"wrote {len(wanted)} files under {ASYNCAPI_DIR} and {PUBLIC_SCHEMA_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
