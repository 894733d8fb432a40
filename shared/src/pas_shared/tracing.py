"""OpenTelemetry traces across the HTTP and Kafka hops, off by default.

The W3C trace context of the work in hand lives in `pas_shared.logging.trace_parent`: log lines
carry its trace id and the events a unit of work emits carry it in their `traceparent`
extension. With tracing on, each span started here is that context while it runs, so log lines,
events and exported spans name the same trace and span. With tracing off (`TRACING_EXPORTER=none`,
the default) the SDK is not even imported: no provider, no exporter thread, and the context is
what it always was (the incoming trace with a new span id).

The spans, one service's each:
- SERVER, one per HTTP request, continuing the request's `traceparent` header (pas_shared.service);
- CLIENT, one per call from the gateway to a service, whose context the call carries (the
  gateway's adapters/upstream.py);
- PRODUCER, one per event the outbox relay sends, a child of the context the event was written
  in (its `ce_traceparent`, which stays the request's); the Kafka message also gets a plain
  `traceparent` header naming this span (pas_shared.outbox);
- CONSUMER, one per run of events a handler applies, a child of the first event's `traceparent`
  header, or of its `ce_traceparent` when it has none (sent with tracing off, or re-driven); the
  other events of the run are links (pas_shared.consumer).
"""

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Literal

from opentelemetry.context import Context
from opentelemetry.trace import Link, Span, SpanContext, SpanKind, Status, StatusCode, Tracer, get_current_span
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.util.types import AttributeValue

from pas_shared.logging import child_traceparent, trace_parent

if TYPE_CHECKING:  # the SDK is imported only when tracing is turned on
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter

log = logging.getLogger(__name__)

Exporter = Literal["none", "otlp", "console"]
Attributes = Mapping[str, AttributeValue]
TRACEPARENT_HEADER = "traceparent"  # W3C Trace Context, on HTTP requests and Kafka messages
_PROPAGATOR = TraceContextTextMapPropagator()


def traceparent_of(span: Span) -> str:
    """The span's context as a W3C `traceparent` value."""
    c = span.get_span_context()
    return f"00-{c.trace_id:032x}-{c.span_id:016x}-{int(c.trace_flags):02x}"


def _context(traceparent: str | None) -> Context:
    """The context a `traceparent` names; an empty one (a new trace) when missing or invalid."""
    return _PROPAGATOR.extract({TRACEPARENT_HEADER: traceparent}) if traceparent else Context()


class Tracing:
    """One service's tracer: nothing until `start` is given an exporter."""

    def __init__(self, service: str) -> None:
        self.service = service
        self._provider: TracerProvider | None = None
        self._tracer: Tracer | None = None

    @property
    def enabled(self) -> bool:
        return self._tracer is not None

    def start(
        self,
        exporter: Exporter,
        *,
        otlp_endpoint: str = "",
        sample_ratio: float = 1.0,
        span_exporter: "SpanExporter | None" = None,
    ) -> None:
        """Build the SDK provider for `exporter` (`span_exporter`, e.g. the SDK's in-memory one in
        tests, takes precedence and gets every span as it ends). A no-op for `none`."""
        if span_exporter is None and exporter == "none":
            return
        from opentelemetry.sdk.resources import SERVICE_NAME, Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor
        from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

        # Per service, not the global provider: one test process runs several services, and
        # each span must name its own. The sampler follows the caller's decision when there is one.
        provider = TracerProvider(
            resource=Resource.create({SERVICE_NAME: self.service}),
            sampler=ParentBased(TraceIdRatioBased(sample_ratio)),
            shutdown_on_exit=False,  # shut down with the app (stop), not at interpreter exit
        )
        if span_exporter is not None:
            provider.add_span_processor(SimpleSpanProcessor(span_exporter))
        elif exporter == "console":
            provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter(service_name=self.service)))
        else:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=otlp_endpoint)))
        self._provider = provider
        self._tracer = provider.get_tracer("pas_shared.tracing")
        log.info("tracing on", extra={"exporter": "test" if span_exporter is not None else exporter})

    def stop(self) -> None:
        """Export what is pending and stop the exporter (its thread, with OTLP)."""
        provider, self._provider, self._tracer = self._provider, None, None
        if provider is not None:
            provider.shutdown()

    @contextmanager
    def span(
        self,
        name: str,
        kind: SpanKind,
        *,
        parent: str | None,
        attributes: Attributes | None = None,
        links: Sequence[str] = (),
    ) -> Iterator[Span | None]:
        """A span continuing `parent` (a `traceparent`; None or invalid: a new trace), the work in
        hand while the block runs (`trace_parent` holds its context; an exception ends it as an
        error). Off: `trace_parent` holds the parent's trace with a new span id, the block gets None."""
        if self._tracer is None:
            token = trace_parent.set(child_traceparent(parent))
            try:
                yield None
            finally:
                trace_parent.reset(token)
            return
        linked = [Link(c) for c in map(_span_context, links) if c.is_valid]
        with self._tracer.start_as_current_span(
            name, context=_context(parent), kind=kind, attributes=attributes, links=linked
        ) as span:
            token = trace_parent.set(traceparent_of(span))
            try:
                yield span
            finally:
                trace_parent.reset(token)

    def start_span(self, name: str, kind: SpanKind, *, parent: str | None, attributes: Attributes | None = None) -> Span | None:
        """A span the caller ends (`end_spans`), not the work in hand: the relay's one per event
        of a batch. None when tracing is off."""
        if self._tracer is None:
            return None
        return self._tracer.start_span(name, context=_context(parent), kind=kind, attributes=attributes)


def _span_context(traceparent: str) -> SpanContext:
    return get_current_span(_context(traceparent)).get_span_context()


def end_spans(spans: Sequence[Span], error: BaseException | None = None) -> None:
    """End spans started with `start_span`, as errors when the work failed."""
    for span in spans:
        if error is not None:
            span.record_exception(error)
            span.set_status(Status(StatusCode.ERROR, f"{type(error).__name__}: {error}"))
        span.end()


# A service's tracing before its app starts, and the default of the relay and consumer runner.
NO_TRACING = Tracing("")
