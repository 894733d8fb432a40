"""OpenTelemetry traces across the HTTP and Kafka hops, on the real broker and database: an
admission written through the gateway makes one trace, gateway SERVER -> gateway CLIENT ->
remission SERVER -> remission's outbox relay PRODUCER -> security's roster CONSUMER, each span
the parent of the next; the event's `ce_traceparent` names the request that wrote it, the Kafka
message's `traceparent` header the relay's span, and the gateway's log lines carry the trace id.
Spans are read from the SDK's in-memory exporter, handed to each app as app.state.span_exporter."""

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from pas_shared.logging import JsonFormatter
from tests.integration.harness import Platform, create_app, eventually, running, until_equal
from tests.integration.test_event_flow import FACILITY, admission
from tests.integration.test_gateway_proxy import serving

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
CALLER_SPAN = "b7ad6b7169203331"
INMATES = "pas.remission.inmate.v1"


@contextmanager
def json_log_lines() -> Iterator[io.StringIO]:
    """Every log line written while the block runs, as the services format them."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter("test"))
    logging.getLogger().addHandler(handler)
    try:
        yield out
    finally:
        logging.getLogger().removeHandler(handler)


def service_of(span: ReadableSpan) -> str:
    return str(span.resource.attributes["service.name"])


def span_id(span: ReadableSpan) -> str:
    assert span.context is not None
    return f"{span.context.span_id:016x}"


def parent_id(span: ReadableSpan) -> str | None:
    return None if span.parent is None else f"{span.parent.span_id:016x}"


async def test_one_trace_from_the_gateway_through_the_outbox_to_a_consumer(platform: Platform) -> None:
    await platform.create_databases("remission", "security", "gateway")
    exporter = InMemorySpanExporter()
    remission_app = create_app(platform, "remission")
    security_app = create_app(platform, "security")
    for app in (remission_app, security_app):
        app.state.span_exporter = exporter

    def ours() -> list[ReadableSpan]:
        return [s for s in exporter.get_finished_spans() if s.context is not None and f"{s.context.trace_id:032x}" == TRACE_ID]

    async with running(remission_app) as remission, serving(remission_app) as remission_url, running(security_app) as security:
        gateway_app = create_app(platform, "gateway", upstream_remission_url=remission_url)
        gateway_app.state.span_exporter = exporter
        async with running(gateway_app) as gateway:
            assert remission_app.state.tracing.enabled and gateway_app.state.tracing.enabled
            assert (await remission.post("/api/v1/facilities", json=FACILITY)).status_code == 201
            with json_log_lines() as logged:
                response = await gateway.post(
                    "/api/v1/remission/inmates",
                    json=admission(1),
                    headers={"traceparent": f"00-{TRACE_ID}-{CALLER_SPAN}-01"},
                )
                assert response.status_code == 201, response.text

                async def on_roster() -> int:
                    return int((await security.get("/api/v1/roster/LP-CIPINANG")).json()["population"])

                await until_equal(on_roster, 1, what="security's roster has the admitted inmate")

                async def security_consumed() -> bool:
                    return any(s.kind == SpanKind.CONSUMER and service_of(s) == "security" for s in ours())

                await eventually(security_consumed, what="security's consumer span")
            lines = [json.loads(line) for line in logged.getvalue().splitlines()]

    spans = ours()
    by_kind = {(service_of(s), s.kind): s for s in spans}
    server = by_kind["gateway", SpanKind.SERVER]
    client = by_kind["gateway", SpanKind.CLIENT]
    remission_server = by_kind["remission", SpanKind.SERVER]
    producer = by_kind["remission", SpanKind.PRODUCER]
    consumer = by_kind["security", SpanKind.CONSUMER]
    assert parent_id(server) == CALLER_SPAN and server.parent is not None and server.parent.is_remote
    assert parent_id(client) == span_id(server)
    assert parent_id(remission_server) == span_id(client)
    assert parent_id(producer) == span_id(remission_server)
    assert parent_id(consumer) == span_id(producer)
    assert (server.name, client.name, remission_server.name) == (
        "POST /api/v1/{service}/{path:path}",
        "POST remission",
        "POST /api/v1/inmates",
    )
    assert producer.name == f"send {platform.topic(INMATES)}" and consumer.name == f"process {platform.topic(INMATES)}"
    assert remission_server.attributes is not None and remission_server.attributes["http.response.status_code"] == 201
    assert consumer.attributes is not None and consumer.attributes["cloudevents.event_type"] == "pas.remission.inmate.admitted"
    # Every consumer of the event (the gateway's occupancy projection too) continues the relay's span.
    assert {parent_id(s) for s in spans if s.kind == SpanKind.CONSUMER} == {span_id(producer)}

    # On Kafka: the event names the request that wrote it, the message the relay's span.
    records = await platform.records(INMATES, at_least=1)
    admitted = [r for r in records if dict(r.headers)["ce_type"] == b"pas.remission.inmate.admitted"]
    assert len(admitted) == 1
    headers = dict(admitted[0].headers)
    assert headers["ce_traceparent"].decode() == f"00-{TRACE_ID}-{span_id(remission_server)}-01"
    assert headers["traceparent"].decode() == f"00-{TRACE_ID}-{span_id(producer)}-01"

    # The gateway's log line of its call to remission carries the trace id the spans have.
    calls = [
        line for line in lines if line["logger"] == "httpx" and line["message"].startswith(f"HTTP Request: POST {remission_url}")
    ]
    assert calls and {line.get("trace_id") for line in calls} == {TRACE_ID}
