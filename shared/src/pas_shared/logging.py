"""JSON structured logs carrying the correlation id of the request or event being handled."""

import contextvars
import json
import logging
import re
import secrets
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

correlation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("correlation_id", default=None)
# W3C trace context of the work in hand; events carry it in their `traceparent` extension.
trace_parent: contextvars.ContextVar[str | None] = contextvars.ContextVar("trace_parent", default=None)
_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")


def child_traceparent(incoming: str | None) -> str:
    """A new span in the incoming trace, or a new trace when there is none (or it is invalid)."""
    match = _TRACEPARENT.match(incoming or "")
    trace_id = match.group(1) if match else secrets.token_hex(16)
    return f"00-{trace_id}-{secrets.token_hex(8)}-01"


UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "color_message"}


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        cid = correlation_id.get()
        if cid:
            entry["correlation_id"] = cid
        tp = trace_parent.get()
        if tp:
            entry["trace_id"] = tp[3:35]
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is now (test runners swap it), not the one at start-up."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


class RepeatFilter(logging.Filter):
    """Writes a line that repeats word for word once per `window` seconds, with the count held
    back in `repeated`. Only for the named libraries' loggers: aiokafka logs every reconnect
    attempt, and with the broker down that is thousands of identical lines a second per process,
    enough to fill a disk and to hide the one line that matters."""

    def __init__(
        self, prefixes: tuple[str, ...] = ("aiokafka",), window: float = 10.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self.prefixes = prefixes
        self.window = window
        self.clock = clock
        self._seen: dict[tuple[str, int, str], tuple[float, int]] = {}  # line -> (written at, held back since)

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(self.prefixes):
            return True
        now = self.clock()
        key = (record.name, record.levelno, record.getMessage())
        written, held = self._seen.get(key, (None, 0))
        if written is not None and now - written < self.window:
            self._seen[key] = (written, held + 1)
            return False
        if held:
            record.repeated = held
        if len(self._seen) > 1_000:  # forget lines not seen within the window
            self._seen = {k: v for k, v in self._seen.items() if now - v[0] < self.window}
        self._seen[key] = (now, 0)
        return True


def configure_logging(service: str, level: str = "INFO", as_json: bool = True) -> None:
    handler = _StderrHandler()
    handler.addFilter(RepeatFilter())
    if as_json:
        handler.setFormatter(JsonFormatter(service))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # uvicorn's own loggers (server messages and the access log) write through the same handler
    # at the same level, so they are JSON lines too, and a WARNING service writes no line per
    # request (uvicorn's default config gives them their own plain-text handlers at INFO).
    for name in UVICORN_LOGGERS:
        server_logger = logging.getLogger(name)
        server_logger.handlers.clear()
        server_logger.setLevel(logging.NOTSET)
        server_logger.propagate = True
    # aiokafka is chatty at INFO about every (re)connection; warnings still show.
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
