"""pas_shared.tracing on its own: off costs nothing (no SDK imported, no thread) and keeps the
trace context as before; on, a span is the work in hand (trace_parent names it) and continues,
or declines to record, what its parent says; the OTLP exporter delivers to a real collector
endpoint (a small HTTP server on 127.0.0.1 standing in for the collector)."""

import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from pas_shared.logging import trace_parent
from pas_shared.tracing import Tracing, end_spans

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


def test_off_imports_no_sdk_and_starts_no_thread() -> None:
    script = (
        "import sys, threading\n"
        "from pas_shared.service import create_app\n"
        "from pas_shared.tracing import Tracing\n"
        "t = Tracing('security')\n"
        "t.start('none', otlp_endpoint='http://127.0.0.1:4318/v1/traces')\n"
        "with t.span('GET /x', 1, parent=None) as span:\n"
        "    assert span is None\n"
        "sdk = sorted(m for m in sys.modules if m.startswith('opentelemetry.sdk') or m.startswith('opentelemetry.exporter'))\n"
        "print(t.enabled, sdk, [th.name for th in threading.enumerate()])\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True).stdout
    assert out.strip() == "False [] ['MainThread']"


def test_off_a_span_is_a_new_span_id_in_the_parent_trace() -> None:
    tracing = Tracing("security")
    with tracing.span("process", SpanKind.CONSUMER, parent=PARENT) as span:
        inside = trace_parent.get()
    assert span is None and inside is not None
    assert inside.split("-")[1] == TRACE_ID and inside != PARENT
    with tracing.span("GET /x", SpanKind.SERVER, parent="not a traceparent"):
        assert (trace_parent.get() or "").split("-")[1] != TRACE_ID  # a new trace
    assert trace_parent.get() is None
    assert tracing.start_span("send", SpanKind.PRODUCER, parent=PARENT) is None


@pytest.fixture
def traced() -> Iterator[tuple[Tracing, InMemorySpanExporter]]:
    exporter = InMemorySpanExporter()
    tracing = Tracing("remission")
    tracing.start("none", span_exporter=exporter)
    try:
        yield tracing, exporter
    finally:
        tracing.stop()


def test_on_the_span_is_the_work_in_hand_and_continues_its_parent(traced: tuple[Tracing, InMemorySpanExporter]) -> None:
    tracing, exporter = traced
    other = f"00-{'1' * 32}-{'2' * 16}-01"
    with tracing.span("process t", SpanKind.CONSUMER, parent=PARENT, attributes={"a": 1}, links=[other, "bad"]) as span:
        assert span is not None
        inside = trace_parent.get()
    (done,) = exporter.get_finished_spans()
    assert done.context is not None and done.parent is not None
    assert inside == f"00-{TRACE_ID}-{done.context.span_id:016x}-01"
    assert (f"{done.parent.span_id:016x}", done.parent.is_remote) == ("00f067aa0ba902b7", True)
    assert done.resource.attributes["service.name"] == "remission" and done.kind == SpanKind.CONSUMER
    assert [f"{link.context.trace_id:032x}" for link in done.links] == ["1" * 32]  # the invalid one is left out
    assert trace_parent.get() is None


def test_on_an_unsampled_parent_is_followed_and_a_failure_is_an_error(traced: tuple[Tracing, InMemorySpanExporter]) -> None:
    tracing, exporter = traced
    with tracing.span("GET /x", SpanKind.SERVER, parent=f"00-{TRACE_ID}-00f067aa0ba902b7-00"):
        assert (trace_parent.get() or "").endswith("-00")  # not sampled: passed on as such
    assert exporter.get_finished_spans() == ()
    with pytest.raises(ValueError), tracing.span("GET /y", SpanKind.SERVER, parent=None):
        raise ValueError("boom")
    span = tracing.start_span("send t", SpanKind.PRODUCER, parent=PARENT)
    assert span is not None
    end_spans([span], TimeoutError("no delivery report"))
    failed, unsent = exporter.get_finished_spans()
    assert failed.status.status_code == StatusCode.ERROR and failed.parent is None  # a new trace
    assert unsent.status.status_code == StatusCode.ERROR and unsent.kind == SpanKind.PRODUCER


class _Collector(http.server.BaseHTTPRequestHandler):
    received: list[tuple[str, str, bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, self.headers["Content-Type"], body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()
        self.wfile.write(b"")

    def log_message(self, *args: object) -> None:
        pass


def test_otlp_delivers_the_spans_to_the_collector_when_stopped() -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Collector)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    try:
        tracing = Tracing("food-audit")
        tracing.start("otlp", otlp_endpoint=f"http://127.0.0.1:{server.server_port}/v1/traces")
        assert tracing.enabled
        with tracing.span("POST /api/v1/inspections", SpanKind.SERVER, parent=PARENT):
            pass
        tracing.stop()  # flushes the batch
    finally:
        server.shutdown()
        serving.join(timeout=10)
    assert [(path, kind) for path, kind, _ in _Collector.received] == [("/v1/traces", "application/x-protobuf")]
    request = ExportTraceServiceRequest.FromString(_Collector.received[0][2])
    (resource_spans,) = request.resource_spans
    service = {a.key: a.value.string_value for a in resource_spans.resource.attributes}["service.name"]
    (span,) = resource_spans.scope_spans[0].spans
    assert (service, span.name, span.trace_id.hex(), span.parent_span_id.hex()) == (
        "food-audit",
        "POST /api/v1/inspections",
        TRACE_ID,
        "00f067aa0ba902b7",
    )
