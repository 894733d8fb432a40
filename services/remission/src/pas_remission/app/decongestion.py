"""Decongestion potential: held convicts past their 2/3 date with no PB, CB or CMB application in
progress or granted, with how long they have been past it and what the engine says about PB today."""

from dataclasses import dataclass, replace
from datetime import date

from pas_remission.adapters.applications import ApplicationRepository
from pas_remission.adapters.repository import InmateRepository
from pas_remission.app.access import read_region
from pas_remission.app.queries import FactsIn, case_for
from pas_remission.domain.engine import Engine, SentenceKind
from pas_shared.api import Scope
from pas_shared.clock import Clock, local_date
from pas_shared.db import Database


@dataclass(frozen=True)
class Candidate:
    inmate_id: str
    register_number: str
    upt_code: str
    kanwil_code: str
    two_thirds_on: date
    days_past: int  # calendar days from the 2/3 date to the UPT's local today
    pb_eligible: bool  # the engine's PB answer today; False lists its reasons
    pb_reasons: tuple[str, ...]


@dataclass(frozen=True)
class UptCount:
    upt_code: str
    kanwil_code: str
    count: int


@dataclass(frozen=True)
class DecongestionList:
    region: str  # what the list covers: "national", "kanwil:<code>" or "upt:<code>"
    candidates: list[Candidate]  # longest past the 2/3 date first
    per_upt: list[UptCount]


async def decongestion(
    db: Database, *, upt_code: str | None, kanwil_code: str | None, scope: Scope, clock: Clock, assume_conditions_met: bool
) -> DecongestionList:
    """Over the UPT or Kanwil asked for (within the caller's scope, 404 otherwise) or the caller's
    whole scope. The 2/3 date is the engine's (whole calendar months when 2/3 of the sentence is
    a whole number of months, time at large added); "today" is each UPT's local date."""
    async with db.sessions() as session:
        region = await read_region(session, scope, upt_code=upt_code, kanwil_code=kanwil_code)
        inmates = InmateRepository(session)
        apps = ApplicationRepository(session)
        held = await inmates.held_in(region)
        facts_in = await FactsIn.load(inmates, region)
        applied = await apps.inmates_with_release_right(upt_code=None, kanwil_code=None)
        asimilasi_done = await apps.inmates_with_completed_asimilasi()
        zones = await apps.zones()
    now = clock()
    today_in = {upt: local_date(now, zone) for upt, zone in zones.items()}
    engine = Engine()
    candidates = []
    for inmate in held:
        v = inmate.verdict
        if v is None or v.sentence_kind is not SentenceKind.TERM or inmate.inmate_id in applied:
            continue
        i = inmate.inmate_id
        today = today_in[inmate.upt_code]
        facts = facts_in.of(i)
        case = case_for(inmate, facts, today, assume_conditions_met)
        two_thirds = engine.fraction_date(case, 2, 3)
        if two_thirds is None or two_thirds > today:
            continue
        if i in asimilasi_done:
            case = replace(case, asimilasi_served=True)
        pb = engine.pembebasan_bersyarat(case, today)
        candidates.append(
            Candidate(
                i,
                inmate.register_number,
                inmate.upt_code,
                inmate.kanwil_code,
                two_thirds,
                (today - two_thirds).days,
                pb.eligible,
                tuple(pb.reasons),
            )
        )
    candidates.sort(key=lambda c: (c.two_thirds_on, c.inmate_id))
    counts: dict[tuple[str, str], int] = {}
    for c in candidates:
        counts[(c.upt_code, c.kanwil_code)] = counts.get((c.upt_code, c.kanwil_code), 0) + 1
    per_upt = [UptCount(upt, kanwil, n) for (upt, kanwil), n in sorted(counts.items())]
    return DecongestionList(region, candidates, per_upt)
