"""JSON Schema of every event payload, one file per type and version, committed under
shared/schemas/ (the `dataschema` attribute of each event names its file).

    python -m pas_shared.events.export           # write the files
    python -m pas_shared.events.export --check   # exit 1 if the committed files differ
"""

import argparse
import json
import sys
from pathlib import Path

from pas_shared.events.catalog import CATALOG, EventType

SCHEMA_DIR = Path(__file__).resolve().parents[3] / "schemas"


def schema_of(et: EventType) -> dict[str, object]:  # type: ignore[type-arg]
    schema = et.payload.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": et.dataschema,
        "title": f"{et.name} v{et.version}",
        "description": f"Payload (CloudEvents data) of {et.name}, published on topic {et.topic}.",
        **schema,
    }


def rendered() -> dict[str, str]:
    return {
        Path(et.dataschema).name: json.dumps(schema_of(et), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        for et in CATALOG.all()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    wanted = rendered()
    if args.check:
        present = {p.name: p.read_text() for p in SCHEMA_DIR.glob("*.json")}
        if present != wanted:
            stale = sorted(set(present) ^ set(wanted) | {n for n in wanted if present.get(n) != wanted[n]})
            print(f"event schemas are out of date: {stale}; run python -m pas_shared.events.export", file=sys.stderr)
            return 1
        return 0
    SCHEMA_DIR.mkdir(exist_ok=True)
    for name, text in wanted.items():
        (SCHEMA_DIR / name).write_text(text)
    print(f"wrote {len(wanted)} schemas to {SCHEMA_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
