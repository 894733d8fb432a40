"""The engine's JSON case format (README: "Engine case format"): a case in, the full result out.
Used by the CLI and the golden-file tests."""

from dataclasses import asdict
from datetime import date
from typing import Any

from pas_remission.domain.calendar import Span
from pas_remission.domain.engine import AtLarge, Case, Engine, Grant, Occasion, RemissionResult, RightResult, SentenceKind


def _span(raw: dict[str, Any] | None) -> Span:
    raw = raw or {}
    return Span(raw.get("years", 0), raw.get("months", 0), raw.get("days", 0))


def _d(raw: str | None) -> date | None:
    return date.fromisoformat(raw) if raw else None


def case_from_json(raw: dict[str, Any]) -> Case:
    sentence = raw["sentence"]
    return Case(
        detention_start=date.fromisoformat(raw["detention_start"]),
        sentence_kind=SentenceKind(sentence.get("kind", "term")),
        sentence=_span(sentence),
        is_child=bool(raw.get("is_child", False)),
        religion=raw["religion"],
        verdict_final_on=_d(raw.get("verdict_final_on")),
        crime=raw.get("crime", "umum"),
        conditions_met=frozenset(raw.get("conditions_met", [])),
        fine_substitute=_span(raw.get("fine_substitute")),
        fine_paid=bool(raw.get("fine_paid", False)),
        at_large=tuple(AtLarge(date.fromisoformat(p["start"]), date.fromisoformat(p["end"])) for p in raw.get("at_large", [])),
        register_f=tuple(date.fromisoformat(d) for d in raw.get("register_f", [])),
        programme_active=bool(raw.get("programme_active", True)),
        risk_reduced=bool(raw.get("risk_reduced", True)),
        on_cmb=bool(raw.get("on_cmb", False)),
        asimilasi_served=bool(raw.get("asimilasi_served", False)),
        grants=tuple(Grant(Occasion(g["occasion"]), date.fromisoformat(g["on"]), _span(g)) for g in raw.get("grants", [])),
        birth_date=_d(raw.get("birth_date")),
        long_term_illness=bool(raw.get("long_term_illness", False)),
        tambahan_basis=raw.get("tambahan_basis"),
    )


def _span_json(span: Span | None) -> dict[str, int] | None:
    return None if span is None else {"years": span.years, "months": span.months, "days": span.days}


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _decision_json(r: RemissionResult | RightResult) -> dict[str, Any]:
    out: dict[str, Any] = {"eligible": r.eligible, "reasons": r.reasons, "steps": [asdict(s) for s in r.steps]}
    if isinstance(r, RemissionResult):
        out |= {
            "occasion": r.occasion,
            "name": r.name,
            "on": _iso(r.on),
            "grant_index": r.grant_index,
            "amount": _span_json(r.amount),
            "type": r.type,
            "release_on": _iso(r.release_on),
            "later_grant": r.later_grant,
        }
    else:
        out |= {"earliest_on": _iso(r.earliest_on), "length": _span_json(r.length)}
    return out


def evaluate(raw: dict[str, Any], engine: Engine | None = None) -> dict[str, Any]:
    engine = engine or Engine()
    case = case_from_json(raw["case"])
    query = raw["query"]
    on = date.fromisoformat(query["on"])
    result: dict[str, Any] = {
        "expiration": _iso(engine.expiration(case)),
        "release_date": _iso(engine.release_date(case)),
        "fractions": {f"{p}/{q}": _iso(engine.fraction_date(case, p, q)) for p, q in ((1, 3), (1, 2), (2, 3))},
    }
    if "occasion" in query:
        r = engine.remission(case, Occasion(query["occasion"]), on, holiday=query.get("holiday"))
        result["remission"] = _decision_json(r)
    result["rights"] = {
        "pb": _decision_json(engine.pembebasan_bersyarat(case, on)),
        "cmb": _decision_json(engine.cuti_menjelang_bebas(case, on)),
        "cb": _decision_json(engine.cuti_bersyarat(case, on)),
        "asimilasi": _decision_json(engine.asimilasi(case, on)),
    }
    return result
