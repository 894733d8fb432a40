"""The national demo register: SYNTHETIC people in the real 33 Kanwil, at national scale.

Nothing here is a real person. The facilities are the named UPTs of the reference data plus
synthetic units (codes `SYN-...`, names marked "(sintetis)") up to about 532 UPTs; capacities and
occupants follow the shares by UPT type of `../shared/domain.md` §3.4 (end of November 2025).
How many UPTs of each type there are was not found in any source: the counts below are an
assumption of this generator, stated as such.

Used by `pas-remission-demo-national` (writes a register into a remission database, with the
events the rest of the platform needs) and by the remission batch benchmark.
"""

import argparse
import asyncio
import random
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pas_remission.adapters.tables import facilities, facility_capacity, inmates, platform
from pas_remission.domain.facility import TimeZone, UptType
from pas_remission.domain.inmate import is_child_on
from pas_remission.domain.occupancy import REGISTRATION_REASON
from pas_remission.domain.reference import reference
from pas_shared.db import Database, UnitOfWork, bulk_insert
from pas_shared.events.remission import CustodyStatus, FacilityRegistered, InmateAdmitted, InmateSentenced

# domain.md §3.4, end of November 2025: occupants and capacity by UPT type (Lapas includes the
# narcotics Lapas, Rutan the branch Rutan). The national total (146,260 places) also counts
# units outside this breakdown.
TYPE_TOTALS = {
    "Lapas": (189_580, 98_805),
    "Rutan": (75_548, 37_292),
    "LPKA": (4_098, 2_329),
    "LPP": (8_174, 6_065),
}
# ASSUMPTION (no source): how the ~532 UPTs split by type.
TYPE_COUNTS = {
    UptType.LAPAS: 262,
    UptType.LAPAS_NARKOTIKA: 30,
    UptType.RUTAN: 140,
    UptType.CABANG_RUTAN: 36,
    UptType.LPKA: 33,
    UptType.LPP: 31,
}
GROUP = {
    UptType.LAPAS: "Lapas",
    UptType.LAPAS_NARKOTIKA: "Lapas",
    UptType.RUTAN: "Rutan",
    UptType.CABANG_RUTAN: "Rutan",
    UptType.LPKA: "LPKA",
    UptType.LPP: "LPP",
}
PREFIX = {
    UptType.LAPAS: "LP",
    UptType.LAPAS_NARKOTIKA: "LPN",
    UptType.RUTAN: "RT",
    UptType.CABANG_RUTAN: "CRT",
    UptType.LPKA: "LPKA",
    UptType.LPP: "LPP",
}
# Roughly, for synthetic data only.
RELIGIONS = [
    ("islam", 0.870),
    ("kristen", 0.070),
    ("katolik", 0.030),
    ("hindu", 0.017),
    ("buddha", 0.008),
    ("konghucu", 0.001),
    ("lainnya", 0.004),
]
CRIMES = [("umum", 0.60), ("narkotika", 0.37), ("korupsi", 0.015), ("terorisme", 0.005), ("lainnya", 0.01)]


@dataclass(frozen=True)
class DemoFacility:
    upt_code: str
    name: str
    upt_type: UptType
    kanwil_code: str
    time_zone: TimeZone
    capacity: int
    occupants: int  # how many synthetic people to place there


def weighted(rng: random.Random, table: list[tuple[str, float]], n: int) -> list[str]:
    names, weights = zip(*table, strict=True)
    return rng.choices(names, weights=weights, k=n)


def _split(total: int, weights: list[float]) -> list[int]:
    """Whole numbers proportional to weights, summing exactly to total."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)[: total - sum(out)]:
        out[i] += 1
    return out


def national_facilities(seed: int, scale: float = 1.0) -> list[DemoFacility]:
    """~532 UPTs in the 33 Kanwil: the named UPTs of the reference data (with their reported
    capacity and occupants where a source gives them) and synthetic ones; capacity and occupants
    per type sum to the §3.4 totals (times `scale` for the occupants)."""
    rng = random.Random(seed)
    ref = reference()
    kanwil = list(ref.kanwil.values())
    units: list[dict[str, Any]] = []
    named_of = {t: [u for u in ref.upts if UptType(u["upt_type"]) is t] for t in TYPE_COUNTS}
    for t, count in TYPE_COUNTS.items():
        named = named_of[t][:count]
        for u in named:
            units.append({"code": u["upt_code"], "name": u["name"], "type": t, "kanwil": ref.kanwil[u["kanwil_code"]],
                          "reported": u.get("reported")})  # fmt: skip
        for n in range(count - len(named)):
            k = kanwil[(n * 7 + len(units)) % len(kanwil)]
            code = f"SYN-{PREFIX[t]}-{n + 1:03d}"
            units.append({"code": code, "name": f"{t.value} {code} (sintetis)", "type": t, "kanwil": k, "reported": None})
    out = []
    for group, (occupants, capacity) in TYPE_TOTALS.items():
        members = [u for u in units if GROUP[u["type"]] == group]
        fixed = [u for u in members if u["reported"]]
        free = [u for u in members if not u["reported"]]
        sizes = [rng.random() ** 2 + 0.1 for _ in free]  # uneven sizes
        free_capacity = capacity - sum(u["reported"]["capacity"] for u in fixed)
        caps = _split(free_capacity, sizes)
        # Overcrowding varies: occupants follow capacity times a unit's own crowding factor.
        crowd = [c * (0.5 + rng.random() * 1.5) for c in caps]
        free_occupants = round(occupants * scale) - sum(round(u["reported"]["occupants"] * scale) for u in fixed)
        occ = _split(max(0, free_occupants), crowd)
        for u in fixed:
            r = u["reported"]
            out.append(_facility(u, r["capacity"], round(r["occupants"] * scale)))
        for u, c, o in zip(free, caps, occ, strict=True):
            out.append(_facility(u, c, o))
    return sorted(out, key=lambda f: f.upt_code)


def _facility(u: dict[str, Any], capacity: int, occupants: int) -> DemoFacility:
    return DemoFacility(u["code"], u["name"], u["type"], u["kanwil"].code, u["kanwil"].time_zone, capacity, occupants)


def synthetic_people(
    n: int, on: date, seed: int, *, prior_umum: date | None = None, prior_khusus: date | None = None
) -> list[dict[str, Any]]:
    """n inmates held on `on`: plain dicts with the register's fields and some extra facts for
    the benchmark (Register F dates; whether an earlier Remisi Umum / Khusus on the dates given
    would plausibly have been granted). About 80% convicted."""
    rng = random.Random(seed)
    religions = weighted(rng, RELIGIONS, n)
    crimes = weighted(rng, CRIMES, n)
    ten_years = 3652
    people = []
    for k in range(n):
        convicted = rng.random() < 0.80
        if convicted:
            r = rng.random()
            kind = "death" if r < 0.001 else "life" if r < 0.006 else "term"
            total_months = rng.randint(6, 240)  # 6 months .. 20 years
            if rng.random() < 0.5:  # short sentences are the most common
                total_months = rng.randint(6, 48)
            days = rng.choice((0, 0, 0, 0, 15))
            # still held on `on`: admitted within the sentence (and within the last 10 years)
            span_days = min(ten_years, int(total_months * 30.4) + days - 1)
            admitted = on - timedelta(days=rng.randint(32, max(32, span_days)))
            # final before `on` (30 days to 8 months after detention began)
            final_on = admitted + timedelta(days=rng.randint(30, min(240, (on - admitted).days - 1)))
            fine = (rng.randint(1, 6), 0) if crimes[k] in ("narkotika", "korupsi") and rng.random() < 0.5 else (0, 0)
        else:
            kind, total_months, days, final_on, fine = None, None, None, None, None
            admitted = on - timedelta(days=rng.randint(1, 300))
        age = rng.randint(15, 70) if rng.random() < 0.02 else rng.randint(18, 70)  # ~2% children at admission
        birth = admitted - timedelta(days=age * 365 + rng.randint(0, 364))
        people.append(
            {
                "admitted": admitted,
                "birth": birth,
                "religion": religions[k],
                "crime": crimes[k] if convicted else None,
                "kind": kind,
                "years": None if total_months is None else total_months // 12,
                "months": None if total_months is None else total_months % 12,
                "days": days,
                "final_on": final_on,
                "fine": fine,
                "register_f": [on - timedelta(days=rng.randint(1, 700))] if rng.random() < 0.015 else [],
                "prior_umum": convicted
                and prior_umum is not None
                and admitted < prior_umum - timedelta(days=200)
                and rng.random() < 0.7,
                "prior_khusus": convicted
                and prior_khusus is not None
                and admitted < prior_khusus - timedelta(days=200)
                and rng.random() < 0.6,
            }
        )
    return people


async def write_register(db: Database, *, seed: int, scale: float, on: date, chunk: int = 20_000) -> dict[str, int]:
    """Writes the synthetic national register into a migrated remission database, with the
    events the platform learns it from (facility registered, inmate admitted and sentenced) in
    the outbox. Refuses a database that already holds facilities."""
    places = national_facilities(seed, scale)
    async with db.sessions() as session:
        if (await session.execute(facilities.select().limit(1))).first() is not None:
            raise SystemExit("this database already holds facilities: the demo register goes into an empty one")
    now = datetime.now(UTC)
    async with UnitOfWork(db, actor="demo-national") as uow:
        rows: list[dict[str, Any]] = [
            {"upt_code": f.upt_code, "name": f.name, "upt_type": f.upt_type.value, "kanwil_code": f.kanwil_code,
             "capacity": f.capacity, "time_zone": f.time_zone.value}
            for f in places
        ]  # fmt: skip
        await bulk_insert(uow.session, facilities, rows)
        await bulk_insert(
            uow.session,
            facility_capacity,
            [
                {"upt_code": f.upt_code, "effective_on": on, "capacity": f.capacity, "reason": REGISTRATION_REASON,
                 "recorded_by": "demo-national", "recorded_at": now}
                for f in places
            ],
        )  # fmt: skip
        for f in places:
            uow.emit(
                FacilityRegistered(upt_code=f.upt_code, name=f.name, upt_type=f.upt_type.value, kanwil_code=f.kanwil_code,
                                   capacity=f.capacity, time_zone=f.time_zone.value),
                subject=f.upt_code, uptcode=f.upt_code, kanwilcode=f.kanwil_code,
            )  # fmt: skip
    people = synthetic_people(sum(f.occupants for f in places), on, seed + 1)
    rng = random.Random(seed + 2)
    held = [f for f in places for _ in range(f.occupants)]
    written = 0
    for start in range(0, len(people), chunk):
        async with UnitOfWork(db, actor="demo-national") as uow:
            people_rows: list[dict[str, Any]] = []
            for k in range(start, min(start + chunk, len(people))):
                p, f = people[k], held[k]
                convicted = p["kind"] is not None
                inmate_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                row: dict[str, Any] = {
                    "inmate_id": inmate_id, "register_number": f"SYN-{k:07d}", "upt_code": f.upt_code,
                    "kanwil_code": f.kanwil_code, "custody_status": "narapidana" if convicted else "tahanan",
                    "birth_date": p["birth"], "admitted_on": p["admitted"], "released_on": None, "release_reason": None,
                    "is_child": is_child_on(p["birth"], p["admitted"]), "religion": p["religion"],
                    "verdict_final_on": p["final_on"], "sentence_kind": p["kind"], "sentence_years": p["years"],
                    "sentence_months": p["months"], "sentence_days": p["days"],
                    "fine_substitute_months": p["fine"][0] if convicted else None,
                    "fine_substitute_days": p["fine"][1] if convicted else None, "crime": p["crime"],
                }  # fmt: skip
                people_rows.append(row)
                status = CustodyStatus(row["custody_status"])
                uow.emit(
                    InmateAdmitted(inmate_id=inmate_id, upt_code=f.upt_code, kanwil_code=f.kanwil_code, custody_status=status,
                                   is_child=row["is_child"], admitted_on=p["admitted"]),
                    subject=inmate_id, uptcode=f.upt_code, kanwilcode=f.kanwil_code,
                )  # fmt: skip
                if convicted:
                    uow.emit(
                        InmateSentenced(inmate_id=inmate_id, upt_code=f.upt_code, sentence_kind=p["kind"],
                                        verdict_final_on=p["final_on"], expiration=None),
                        subject=inmate_id, uptcode=f.upt_code, kanwilcode=f.kanwil_code,
                    )  # fmt: skip
            await bulk_insert(uow.session, inmates, people_rows)
            written += len(people_rows)
    return {
        "facilities": len(places),
        "kanwil": len({f.kanwil_code for f in places}),
        "capacity": sum(f.capacity for f in places),
        "inmates": written,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="pas-remission-demo-national",
        description="Fill an empty, migrated remission database with the SYNTHETIC national register "
        "(about 532 UPTs in the 33 Kanwil, 144,000 places, 277,000 people at scale 1).",
    )
    parser.add_argument("--database-url", required=True, help="e.g. sqlite+aiosqlite:///.run/local/remission.db")
    parser.add_argument("--scale", type=float, default=1.0, help="share of the national population (0.01 = 1%%)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--on", type=date.fromisoformat, default=date.today(), help="the day the register stands")
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 1.5:
        parser.error("--scale: between 0 and 1.5")

    async def run() -> dict[str, int]:
        db = Database(args.database_url, platform)
        try:
            return await write_register(db, seed=args.seed, scale=args.scale, on=args.on)
        finally:
            await db.dispose()

    summary = asyncio.run(run())
    print(" ".join(f"{k}={v:,}" for k, v in summary.items()), "(SYNTHETIC)", file=sys.stdout)
    return 0
