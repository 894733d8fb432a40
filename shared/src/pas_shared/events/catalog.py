"""The catalogue of event types. Naming of types, topics and schemas is enforced here, once.

type:   pas.<service>.<entity>.<past-tense-verb>     e.g. pas.remission.inmate.admitted
topic:  pas.<service>.<entity>.v<topic version>      e.g. pas.remission.inmate.v1
schema: /schemas/<type>.v<payload version>.json      committed under shared/schemas/
"""

import re
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel

SERVICES = ("security", "rehabilitation", "remission", "food-audit", "gateway")
_WORD = re.compile(r"^[a-z][a-z-]*[a-z]$")
_PAST = re.compile(r"^[a-z-]+(ed|en|ne|wn|nt|ld|un|ught|id)$")

P = TypeVar("P", bound=BaseModel)


@dataclass(frozen=True)
class EventType(Generic[P]):
    service: str
    entity: str
    verb: str
    version: int
    payload: type[P]
    topic_version: int = 1

    @property
    def name(self) -> str:
        return f"pas.{self.service}.{self.entity}.{self.verb}"

    @property
    def topic(self) -> str:
        return f"pas.{self.service}.{self.entity}.v{self.topic_version}"

    @property
    def source(self) -> str:
        return f"/pas/{self.service}"

    @property
    def dataschema(self) -> str:
        return f"/schemas/{self.name}.v{self.version}.json"

    @property
    def key(self) -> tuple[str, int]:
        return (self.name, self.version)


class Catalog:
    def __init__(self) -> None:
        self._types: dict[tuple[str, int], EventType[BaseModel]] = {}
        self._by_payload: dict[type[BaseModel], EventType[BaseModel]] = {}

    def register(self, et: "EventType[P]") -> "EventType[P]":
        if et.service not in SERVICES:
            raise ValueError(f"unknown service {et.service!r}; one of {SERVICES}")
        for part, value in (("entity", et.entity), ("verb", et.verb)):
            if not _WORD.match(value):
                raise ValueError(f"{part} {value!r} must be lowercase words joined by '-'")
        if not _PAST.match(et.verb):
            raise ValueError(f"verb {et.verb!r} must be a past-tense verb (an event is a fact)")
        if et.version < 1 or et.topic_version < 1:
            raise ValueError("versions start at 1")
        if et.key in self._types:
            raise ValueError(f"{et.name} v{et.version} is registered twice")
        self._types[et.key] = et  # type: ignore[assignment]
        self._by_payload.clear()
        return et

    def for_payload(self, payload: type[BaseModel]) -> EventType[BaseModel]:
        by_payload = self._by_payload.get(payload)
        if by_payload is None:  # worked out once per payload class (every emit asks)
            found = [e for e in self._types.values() if e.payload is payload]
            if len(found) != 1:
                raise LookupError(f"{payload.__name__} is the payload of {len(found)} event types, not 1")
            by_payload = self._by_payload[payload] = found[0]
        return by_payload

    def get(self, name: str, version: int) -> EventType[BaseModel] | None:
        return self._types.get((name, version))

    def all(self) -> list[EventType[BaseModel]]:
        return sorted(self._types.values(), key=lambda e: e.key)

    def topics(self, service: str | None = None) -> list[str]:
        return sorted({e.topic for e in self._types.values() if service is None or e.service == service})


CATALOG = Catalog()


def event_type(service: str, entity: str, verb: str, version: int, payload: type[P]) -> EventType[P]:
    return CATALOG.register(EventType(service, entity, verb, version, payload))
