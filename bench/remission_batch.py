# ruff: noqa: E501  (the report table rows are kept one per line)
"""Remission-batch benchmark: the engine alone, the I/O floor and the real national batch.

Run by `scripts/bench.sh` (`BENCH_ONLY=remission_batch`, or after the event-pipeline benchmark),
which starts a private PostgreSQL on a free port and passes it in with --pg. One run:

(1) engine   --engine-cases synthetic `Case`s (default 50,000; sentences 6 months–20 years, some
             children, ~87% islam, some earlier grants, some Register F dates), then
             `Engine().remission(case, Occasion.KHUSUS, on, holiday="idul-fitri")` for each, in
             this one thread (pinned to one CPU where the OS allows). inmates/s. Target >= 50,000/s.
(2) register a fresh database, migrated with remission's migrations, bulk-loaded with asyncpg
             `copy_records_to_table`: the national demo register's ~532 UPTs in the 33 Kanwil (pas_remission.demo), --inmates
             held inmates (default 276,000; clearly synthetic: register numbers SYN-…), ~80% with
             a final verdict, plus --released released inmates, --register-f Register F rows and
             --prior-grants earlier grants (Remisi Umum 17 Aug 2025).
(3) floor    the I/O alone, in one transaction: SELECT every column of the non-released inmates,
             then COPY as many proposal-shaped rows into a scratch table shaped like
             remission_proposals (`LIKE … INCLUDING ALL`). Seconds.
(4) batch    the real use cases, `compute_batch(db, occasion=KHUSUS, holiday="idul-fitri",
             on=2026-03-20, scope="national", actor="bench", assume_conditions_met=True)` then
             `approve_batch(db, batch_id, decree_number=…)`, with a `pas_shared.db.Database` on
             that database. Seconds each and (compute + approve) / floor. Target <= 6×.
             Verified: proposals == inmates held, grants == eligible proposals, outbox rows ==
             grants + type-II releases, inmates released today == type-II releases.

Prints a table and writes bench/results/remission_batch-<UTC timestamp>.json. --profile runs
compute and approve under cProfile (their timings then include the profiler's overhead).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import logging
import os
import platform as host_platform
import pstats
import random
import sys
import time
import traceback
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from event_pipeline import asyncpg_dsn, create_databases, drop_databases  # the sibling script's helpers

SELF = Path(__file__).resolve()
ROOT = SELF.parents[1]
RESULTS = ROOT / "bench" / "results"
SERVICE_ROOT = ROOT / "services" / "remission"
log = logging.getLogger("bench")

TARGET_ENGINE_PER_S = 50_000
TARGET_BATCH_OVER_FLOOR = 6.0

IDUL_FITRI_2026 = date(2026, 3, 20)
PRIOR_UMUM = date(2025, 8, 17)
PRIOR_KHUSUS = date(2025, 3, 31)  # Idul Fitri 2025


def people(n: int, seed: int) -> list[dict[str, Any]]:
    """The synthetic population of the national demo register (pas_remission.demo), held on
    Idul Fitri 2026, with Register F dates and plausible earlier grants."""
    from pas_remission.demo import synthetic_people

    return synthetic_people(n, IDUL_FITRI_2026, seed, prior_umum=PRIOR_UMUM, prior_khusus=PRIOR_KHUSUS)


# --------------------------------------------------------------------------------------------
# (1) the engine alone


def bench_engine(opts: argparse.Namespace) -> dict[str, Any]:
    from pas_remission.domain.calendar import NO_TIME, Span
    from pas_remission.domain.engine import Case, Engine, Grant, Occasion, SentenceKind
    from pas_remission.domain.inmate import is_child_on

    t0 = time.perf_counter()
    convicts = [p for p in people(opts.engine_cases * 2, opts.seed + 1) if p["kind"]][: opts.engine_cases]
    cases = []
    for p in convicts:
        grants = []
        if p["prior_khusus"]:
            grants.append(Grant(Occasion.KHUSUS, PRIOR_KHUSUS, Span(months=1)))
        if p["prior_umum"]:
            grants.append(Grant(Occasion.UMUM, PRIOR_UMUM, Span(months=2)))
        cases.append(
            Case(
                detention_start=p["admitted"],
                sentence_kind=SentenceKind(p["kind"]),
                sentence=Span(p["years"], p["months"], p["days"]),
                is_child=is_child_on(p["birth"], p["admitted"]),
                religion=p["religion"],
                verdict_final_on=p["final_on"],
                crime=p["crime"],
                fine_substitute=Span(months=p["fine"][0]) if p["fine"][0] else NO_TIME,
                register_f=tuple(p["register_f"]),
                grants=tuple(grants),
            )
        )
    build_s = time.perf_counter() - t0
    engine = Engine(explain=False)  # as a batch runs it: outcome and reasons, no formatted findings
    for case in cases[:200]:  # warm up (rule lookups, caches)
        engine.remission(case, Occasion.KHUSUS, IDUL_FITRI_2026, holiday="idul-fitri")
    pinned = None
    old_affinity = None
    if hasattr(os, "sched_setaffinity"):
        old_affinity = os.sched_getaffinity(0)
        pinned = min(old_affinity)
        os.sched_setaffinity(0, {pinned})
    try:
        cpu0, t0 = time.process_time(), time.perf_counter()
        eligible = type_ii = 0
        for case in cases:
            r = engine.remission(case, Occasion.KHUSUS, IDUL_FITRI_2026, holiday="idul-fitri")
            eligible += r.eligible
            type_ii += r.type == "II"
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    finally:
        if old_affinity is not None:
            os.sched_setaffinity(0, old_affinity)
    return {
        "cases": len(cases),
        "build_seconds": round(build_s, 3),
        "seconds": round(wall, 3),
        "cpu_seconds": round(cpu, 3),
        "per_s": len(cases) / wall,
        "us_per_case": wall / len(cases) * 1e6,
        "eligible": eligible,
        "type_ii": type_ii,
        "children": sum(c.is_child for c in cases),
        "with_earlier_grants": sum(bool(c.grants) for c in cases),
        "with_register_f": sum(bool(c.register_f) for c in cases),
        "pinned_cpu": pinned,
    }


# --------------------------------------------------------------------------------------------
# (2) the national synthetic register


async def load_register(opts: argparse.Namespace, dsn: str) -> dict[str, Any]:
    from pas_remission.demo import national_facilities
    from pas_remission.domain.inmate import is_child_on

    rng = random.Random(opts.seed)
    t0 = time.perf_counter()
    # The national demo register's ~532 UPTs in the 33 Kanwil; people placed by each UPT's occupants.
    places = national_facilities(opts.seed)
    facilities = [(f.upt_code, f.name, f.upt_type.value, f.kanwil_code, f.capacity, f.time_zone.value) for f in places]
    kanwils = sorted({f.kanwil_code for f in places})
    upt_weights = [max(1, f.occupants) for f in places]
    held = people(opts.inmates, opts.seed)
    upt_of = rng.choices(range(len(facilities)), weights=upt_weights, k=len(held) + opts.released)
    inmates: list[tuple[Any, ...]] = []
    register_f: list[tuple[Any, ...]] = []
    grants: list[tuple[Any, ...]] = []
    for k, p in enumerate(held):
        inmate_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        f = facilities[upt_of[k]]
        convicted = p["kind"] is not None
        inmates.append(
            (
                inmate_id,
                f"SYN-{k:07d}",
                f[0],
                f[3],
                "narapidana" if convicted else "tahanan",
                p["birth"],
                p["admitted"],
                None,
                None,
                is_child_on(p["birth"], p["admitted"]),
                p["religion"],
                p["final_on"],
                p["kind"],
                p["years"],
                p["months"],
                p["days"],
                p["fine"][0] if convicted else None,
                p["fine"][1] if convicted else None,
                p["crime"],
            )
        )
        for d in p["register_f"]:
            register_f.append((f"SYN-RF-{len(register_f):06d}", inmate_id, d, None))
        if p["prior_umum"] and len(grants) < opts.prior_grants:
            grants.append(
                (str(uuid.uuid4()), inmate_id, "remisi-umum", PRIOR_UMUM, rng.choice((1, 2, 3)), 0, None, "I", "SYN-SK-RU-2025")
            )
    # Register F rows up to --register-f: extra ones (some annulled, some older than the lookback)
    while len(register_f) < opts.register_f:
        i = rng.randrange(len(inmates))
        annulled = IDUL_FITRI_2026 - timedelta(days=rng.randint(1, 60)) if rng.random() < 0.1 else None
        sanctioned = IDUL_FITRI_2026 - timedelta(days=rng.randint(1, 900))
        register_f.append((f"SYN-RF-{len(register_f):06d}", inmates[i][0], sanctioned, annulled))
    released = []
    for k in range(opts.released):  # released earlier: not held, not in the batch
        f = facilities[upt_of[len(held) + k]]
        admitted = IDUL_FITRI_2026 - timedelta(days=rng.randint(400, 3600))
        out = admitted + timedelta(days=rng.randint(180, 390))
        birth = admitted - timedelta(days=rng.randint(18, 60) * 365)
        released.append(
            (str(uuid.uuid4()), f"SYN-R{k:07d}", f[0], f[3], "narapidana", birth, admitted, out, "expiration", False,
             "islam", admitted + timedelta(days=60), "term", 1, 0, 0, 0, 0, "umum")
        )  # fmt: skip
    gen_s = time.perf_counter() - t0

    conn = await asyncpg.connect(dsn)
    try:
        t0 = time.perf_counter()
        await conn.copy_records_to_table(
            "facilities", records=facilities, columns=["upt_code", "name", "upt_type", "kanwil_code", "capacity", "time_zone"]
        )
        columns = [
            "inmate_id", "register_number", "upt_code", "kanwil_code", "custody_status", "birth_date", "admitted_on",
            "released_on", "release_reason", "is_child", "religion", "verdict_final_on", "sentence_kind", "sentence_years",
            "sentence_months", "sentence_days", "fine_substitute_months", "fine_substitute_days", "crime",
        ]  # fmt: skip
        await conn.copy_records_to_table("inmates", records=inmates + released, columns=columns)
        await conn.copy_records_to_table(
            "register_f", records=register_f, columns=["case_id", "inmate_id", "sanctioned_on", "annulled_on"]
        )
        await conn.copy_records_to_table(
            "remission_grants",
            records=grants,
            columns=["grant_id", "inmate_id", "occasion", "granted_on", "months", "days", "batch_id", "remission_type",
                     "decree_number"],
        )  # fmt: skip
        copy_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        await conn.execute("VACUUM ANALYZE")
        analyze_s = time.perf_counter() - t0
        size = await conn.fetchval("SELECT pg_size_pretty(pg_database_size(current_database()))")
    finally:
        await conn.close()
    return {
        "facilities": len(facilities),
        "kanwil": len(kanwils),
        "inmates_held": len(inmates),
        "inmates_released": len(released),
        "with_verdict": sum(1 for r in inmates if r[11] is not None),
        "children": sum(1 for r in inmates if r[9]),
        "islam": sum(1 for r in inmates if r[10] == "islam"),
        "register_f": len(register_f),
        "prior_grants": len(grants),
        "generate_seconds": round(gen_s, 3),
        "copy_seconds": round(copy_s, 3),
        "vacuum_analyze_seconds": round(analyze_s, 3),
        "rows_per_s_copy": round((len(inmates) + len(released)) / copy_s),
        "database_size": size,
    }


# --------------------------------------------------------------------------------------------
# (3) the I/O floor


async def bench_floor(dsn: str) -> dict[str, Any]:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("DROP TABLE IF EXISTS bench_floor_proposals")
        await conn.execute("CREATE TABLE bench_floor_proposals (LIKE remission_proposals INCLUDING ALL)")
        batch_id = str(uuid.uuid4())
        t0 = time.perf_counter()
        async with conn.transaction():
            rows = await conn.fetch("SELECT * FROM inmates WHERE released_on IS NULL ORDER BY inmate_id")
            read_s = time.perf_counter() - t0
            t1 = time.perf_counter()
            records = [(batch_id, r["inmate_id"], r["upt_code"], True, "", 1, 0, "I", r["admitted_on"], False) for r in rows]
            await conn.copy_records_to_table(
                "bench_floor_proposals",
                records=records,
                columns=["batch_id", "inmate_id", "upt_code", "eligible", "reasons", "months", "days", "remission_type",
                         "release_on", "later_grant"],
            )  # fmt: skip
            write_s = time.perf_counter() - t1
        total = time.perf_counter() - t0
        written = await conn.fetchval("SELECT count(*) FROM bench_floor_proposals")
        await conn.execute("DROP TABLE bench_floor_proposals")
    finally:
        await conn.close()
    return {"rows_read": len(rows), "rows_written": written, "read_seconds": read_s, "write_seconds": write_s, "seconds": total}


# --------------------------------------------------------------------------------------------
# (4) the real batch


async def bench_batch(opts: argparse.Namespace, url: str, dsn: str, stamp: str) -> dict[str, Any]:
    from pas_remission.adapters.tables import platform
    from pas_remission.app.batches import ProposalTerms, approve_batch, compute_batch, propose
    from pas_remission.app.queries import FactsIn
    from pas_remission.app.workers import Workers
    from pas_remission.domain.engine import Occasion
    from pas_shared.api import Scope
    from pas_shared.db import Database

    db = Database(url, platform)
    out: dict[str, Any] = {}
    try:
        async with db.sessions() as s:  # open the pool outside the timed part
            from sqlalchemy import text

            await s.execute(text("SELECT 1"))
        # The service's worker pool lives as long as the service: started (its modules imported, its
        # engine built) here, outside the timed part.
        pool = Workers(opts.batch_workers)
        t0 = time.perf_counter()
        terms = ProposalTerms("warm-up", Occasion.KHUSUS, IDUL_FITRI_2026, "idul-fitri", True, {})
        await pool.submit(propose, [], FactsIn({}, {}, {}, {}, {}), terms)
        worker_cpu0 = await pool.submit(time.process_time)
        out["batch_workers"] = opts.batch_workers
        out["workers_start_seconds"] = time.perf_counter() - t0

        async def run(name: str, coro: Any) -> Any:
            profiler = cProfile.Profile() if opts.profile else None
            if profiler:
                profiler.enable()
            cpu0, t0 = time.process_time(), time.perf_counter()
            try:
                return await coro
            finally:
                out[f"{name}_seconds"] = time.perf_counter() - t0
                out[f"{name}_cpu_seconds"] = time.process_time() - cpu0
                if profiler:
                    profiler.disable()
                    path = RESULTS / f"remission_batch-{stamp}-{name}.pstats"
                    profiler.dump_stats(str(path))
                    out.setdefault("profiles", []).append(str(path.relative_to(ROOT)))

        log.info("(4) compute_batch (national)")
        batch = await run(
            "compute",
            compute_batch(
                db,
                occasion=Occasion.KHUSUS,
                holiday="idul-fitri",
                on=IDUL_FITRI_2026,
                upt_code=None,
                kanwil_code=None,
                scope=Scope(),  # national
                actor="bench",
                assume_conditions_met=True,
                batch_workers=pool,
            ),
        )
        if opts.batch_workers == 1:  # the one worker's CPU time, besides this process's
            worker_cpu1 = await pool.submit(time.process_time)
            out["compute_worker_cpu_seconds"] = worker_cpu1 - worker_cpu0
        log.info("(4) computed in %.1f s; approve_batch", out["compute_seconds"])
        approval = approve_batch(
            db, batch.batch_id, decree_number="SYN-SK-RK-2026/IDUL-FITRI", scope=Scope(), actor="bench", batch_workers=pool
        )
        _, granted = await run("approve", approval)
        if opts.batch_workers == 1:
            out["approve_worker_cpu_seconds"] = await pool.submit(time.process_time) - worker_cpu1
        pool.close()
        log.info("(4) approved in %.1f s: %d grants", out["approve_seconds"], granted)
        out["batch_id"] = batch.batch_id
        out["grants_returned"] = granted
    finally:
        await db.dispose()

    conn = await asyncpg.connect(dsn)
    try:
        b = batch.batch_id
        v = {
            "inmates_held_before": await conn.fetchval(
                "SELECT count(*) FROM inmates WHERE released_on IS NULL OR released_on = $1", IDUL_FITRI_2026
            ),
            "proposals": await conn.fetchval("SELECT count(*) FROM remission_proposals WHERE batch_id = $1", b),
            "eligible": await conn.fetchval("SELECT count(*) FROM remission_proposals WHERE batch_id = $1 AND eligible", b),
            "later_grant": await conn.fetchval("SELECT count(*) FROM remission_proposals WHERE batch_id = $1 AND later_grant", b),
            "type_ii_released_today": await conn.fetchval(
                "SELECT count(*) FROM remission_proposals WHERE batch_id = $1 AND eligible AND remission_type = 'II' "
                "AND release_on = $2",
                b,
                IDUL_FITRI_2026,
            ),
            "type_i": await conn.fetchval(
                "SELECT count(*) FROM remission_proposals WHERE batch_id = $1 AND eligible AND remission_type = 'I'", b
            ),
            "grants": await conn.fetchval("SELECT count(*) FROM remission_grants WHERE batch_id = $1", b),
            "outbox_rows": await conn.fetchval("SELECT count(*) FROM outbox"),
            "outbox_granted": await conn.fetchval("SELECT count(*) FROM outbox WHERE event_type LIKE '%granted%'"),
            "outbox_released": await conn.fetchval("SELECT count(*) FROM outbox WHERE event_type LIKE '%released%'"),
            "inmates_released_today": await conn.fetchval(
                "SELECT count(*) FROM inmates WHERE released_on = $1 AND release_reason = 'remission-ii'", IDUL_FITRI_2026
            ),
            "batch_status": await conn.fetchval("SELECT status FROM remission_batches WHERE batch_id = $1", b),
        }
        reasons = await conn.fetch(
            "SELECT r, count(*) AS n FROM remission_proposals, unnest(string_to_array(reasons, ',')) AS r "
            "WHERE batch_id = $1 GROUP BY r ORDER BY n DESC",
            b,
        )
        v["not_eligible_reasons"] = {r["r"]: r["n"] for r in reasons}
    finally:
        await conn.close()
    checks = {
        "proposals == inmates held": v["proposals"] == v["inmates_held_before"],
        "grants == eligible proposals": v["grants"] == v["eligible"] == out["grants_returned"],
        "outbox rows == grants + type-II releases": v["outbox_rows"] == v["grants"] + v["type_ii_released_today"]
        and v["outbox_released"] == v["type_ii_released_today"],
        "inmates released today == type-II releases": v["inmates_released_today"] == v["type_ii_released_today"],
        "batch approved": v["batch_status"] == "approved",
    }
    out["verification"] = v
    out["checks"] = checks
    out["verified"] = all(checks.values())
    return out


# --------------------------------------------------------------------------------------------
# report


def fmt_s(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f} s"


def targets(results: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    eng = results.get("engine")
    out[f"(1) engine >= {TARGET_ENGINE_PER_S:,} inmates/s on one core"] = (
        {"met": eng["per_s"] >= TARGET_ENGINE_PER_S, "value": f"{eng['per_s']:,.0f}/s"}
        if eng
        else {"met": None, "value": "not measured"}
    )
    ratio = results.get("ratio")
    out[f"(4) compute + approve <= {TARGET_BATCH_OVER_FLOOR:g}× the I/O floor"] = (
        {"met": ratio <= TARGET_BATCH_OVER_FLOOR, "value": f"{ratio:.1f}×"}
        if ratio is not None
        else {"met": None, "value": "not measured"}
    )
    batch = results.get("batch")
    out["(4) verification"] = (
        {"met": batch["verified"], "value": ", ".join(k for k, ok in batch["checks"].items() if not ok) or "all checks passed"}
        if batch and "checks" in batch
        else {"met": None, "value": "not run"}
    )
    return out


def report(results: dict[str, Any]) -> list[str]:
    eng, reg, floor, batch = (results.get(k) for k in ("engine", "register", "floor", "batch"))
    rows: list[tuple[str, str]] = []
    if eng:
        rows += [
            ("(1) engine: cases (eligible / type II)", f"{eng['cases']:,} ({eng['eligible']:,} / {eng['type_ii']:,})"),
            ("    remission() time / per case", f"{eng['seconds']:.2f} s / {eng['us_per_case']:.1f} µs"),
            ("    throughput (one core)", f"{eng['per_s']:,.0f} inmates/s"),
        ]
    if reg:
        rows += [
            ("(2) register: facilities / Kanwil", f"{reg['facilities']:,} / {reg['kanwil']}"),
            ("    inmates held / released / with verdict", f"{reg['inmates_held']:,} / {reg['inmates_released']:,} / {reg['with_verdict']:,}"),
            ("    register_f / earlier grants", f"{reg['register_f']:,} / {reg['prior_grants']:,}"),
            ("    generate / COPY / VACUUM ANALYZE", f"{reg['generate_seconds']:.1f} s / {reg['copy_seconds']:.1f} s / {reg['vacuum_analyze_seconds']:.1f} s"),
            ("    database size", str(reg["database_size"])),
        ]  # fmt: skip
    if floor:
        rows += [
            ("(3) I/O floor: rows read / written", f"{floor['rows_read']:,} / {floor['rows_written']:,}"),
            ("    SELECT / COPY / total", f"{fmt_s(floor['read_seconds'])} / {fmt_s(floor['write_seconds'])} / {fmt_s(floor['seconds'])}"),
        ]  # fmt: skip
    if batch and "compute_seconds" in batch:
        rows += [
            (
                "(4) compute_batch (national)",
                f"{fmt_s(batch['compute_seconds'])} (CPU {fmt_s(batch['compute_cpu_seconds'])} here"
                + (
                    f", {fmt_s(batch['compute_worker_cpu_seconds'])} in the worker"
                    if "compute_worker_cpu_seconds" in batch
                    else ""
                )
                + f"; {batch['batch_workers']} worker processes)",
            ),
            (
                "    approve_batch",
                f"{fmt_s(batch.get('approve_seconds'))} (CPU {fmt_s(batch.get('approve_cpu_seconds'))} here"
                + (
                    f", {fmt_s(batch['approve_worker_cpu_seconds'])} in the worker"
                    if "approve_worker_cpu_seconds" in batch
                    else ""
                )
                + ")",
            ),
        ]
        if "verification" in batch:
            v = batch["verification"]
            rows += [
                ("    proposals / held", f"{v['proposals']:,} / {v['inmates_held_before']:,}"),
                ("    eligible / grants / type I / type II today", f"{v['eligible']:,} / {v['grants']:,} / {v['type_i']:,} / {v['type_ii_released_today']:,}"),
                ("    later grant (susulan)", f"{v['later_grant']:,}"),
                ("    outbox rows (granted + released)", f"{v['outbox_rows']:,} ({v['outbox_granted']:,} + {v['outbox_released']:,})"),
                ("    whole batch per inmate", f"{(batch['compute_seconds'] + batch['approve_seconds']) / max(1, v['proposals']) * 1e3:.3f} ms"),
            ]  # fmt: skip
    if results.get("ratio") is not None:
        rows.append(("(compute + approve) / floor", f"{results['ratio']:.1f}×"))
    if batch and batch.get("profiles"):
        rows.append(("NOTE", "profiled run: (4) timings include cProfile overhead"))
    lines = ["=" * 84, "Remission batch benchmark", "-" * 84]
    width = max((len(k) for k, _ in rows), default=0)
    lines += [f"{k:<{width}}  {v}" for k, v in rows]
    lines += ["-" * 84, "Targets"]
    for name, t in results["targets"].items():
        lines.append(f"  {name:<56} {'MET' if t['met'] else 'NOT MET' if t['met'] is False else 'n/a'}  ({t['value']})")
    lines.append("=" * 84)
    return lines


def print_profiles(paths: list[str], top: int) -> None:
    for rel in paths:
        for key in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(str(ROOT / rel), stream=out).strip_dirs().sort_stats(key).print_stats(top)
            print(f"\n---- profile {Path(rel).name} by {key} ----")
            print("\n".join(line for line in out.getvalue().splitlines() if line.strip()))


# --------------------------------------------------------------------------------------------


async def orchestrate(opts: argparse.Namespace) -> int:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(parents=True, exist_ok=True)
    dbname = f"bench_remission_batch_{uuid.uuid4().hex[:8]}"
    url = f"{opts.pg}/{dbname}"
    dsn = asyncpg_dsn(opts.pg, dbname)
    results: dict[str, Any] = {
        "benchmark": "remission_batch",
        "started_at": datetime.now(UTC).isoformat(),
        "host": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "platform": host_platform.platform()},
        "options": {k: v for k, v in vars(opts).items() if k != "pg"},
        "occasion": {"occasion": "remisi-khusus", "holiday": "idul-fitri", "on": IDUL_FITRI_2026.isoformat()},
    }
    status = 0
    created = False
    try:
        async with asyncio.timeout(opts.total_timeout):
            log.info("(1) engine throughput: %d cases", opts.engine_cases)
            results["engine"] = bench_engine(opts)  # in this thread, alone
            log.info("(1) %.0f inmates/s", results["engine"]["per_s"])
            conn = await asyncpg.connect(asyncpg_dsn(opts.pg, "postgres"))
            results["host"]["postgres"] = await conn.fetchval("SHOW server_version")
            await conn.close()
            await create_databases(opts.pg, [dbname])
            created = True
            from pas_shared.migrations import upgrade_to_head

            t0 = time.perf_counter()
            await asyncio.to_thread(upgrade_to_head, SERVICE_ROOT, url)
            log.info("(2) migrated %s in %.1f s; loading the register", dbname, time.perf_counter() - t0)
            results["register"] = await load_register(opts, dsn)
            log.info(
                "(2) loaded %d inmates (COPY %.1f s)", results["register"]["inmates_held"], results["register"]["copy_seconds"]
            )
            results["floor"] = await bench_floor(dsn)
            log.info("(3) I/O floor %.2f s", results["floor"]["seconds"])
            results["batch"] = await bench_batch(opts, url, dsn, stamp)
            b = results["batch"]
            results["ratio"] = (b["compute_seconds"] + b["approve_seconds"]) / results["floor"]["seconds"]
            if not b["verified"]:
                status = 1
                results["failure"] = "verification failed: " + ", ".join(k for k, ok in b["checks"].items() if not ok)
    except (Exception, asyncio.CancelledError) as exc:  # noqa: BLE001 - reported, recorded, and the run fails
        log.error("benchmark failed: %s", exc)
        traceback.print_exc()
        results["failure"] = f"{type(exc).__name__}: {exc}"
        status = 1
    finally:
        if created and not opts.keep_database:
            await drop_databases(opts.pg, [dbname])
    results["finished_at"] = datetime.now(UTC).isoformat()
    results["targets"] = targets(results)
    out_path = RESULTS / f"remission_batch-{stamp}.json"
    out_path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print("\n".join(report(results)))
    if opts.profile and results.get("batch", {}).get("profiles"):
        print_profiles(results["batch"]["profiles"], opts.profile_top)
    print(f"results: {out_path.relative_to(ROOT)}")
    if status == 0 and opts.strict and not all(t["met"] for t in results["targets"].values() if t["met"] is not None):
        status = 2
    if status == 1:
        print(f"FAILED: {results.get('failure')}", file=sys.stderr)
    return status


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Remission batch benchmark: engine throughput, I/O floor and the real national batch.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--pg", default=os.environ.get("PAS_BENCH_PG"), help="postgresql+asyncpg://user@host:port (no database)")
    p.add_argument("--workdir", default=None, help="scratch folder (unused; accepted for symmetry with event_pipeline)")
    p.add_argument("--engine-cases", type=int, default=50_000, help="(1) synthetic cases for the engine alone")
    p.add_argument("--inmates", type=int, default=276_000, help="(2) held inmates in the national register")
    p.add_argument("--released", type=int, default=10_000, help="(2) released inmates besides (not in the batch)")
    p.add_argument("--register-f", type=int, default=5_000, help="(2) Register F rows (at least those of the mix)")
    p.add_argument("--prior-grants", type=int, default=50_000, help="(2) at most this many earlier Remisi Umum 2025 grants")
    p.add_argument("--seed", type=int, default=20260320)
    p.add_argument(
        "--batch-workers",
        type=int,
        default=1,
        help="worker processes computing the batch (the service's PAS_REMISSION_BATCH_WORKERS)",
    )
    p.add_argument("--profile", action="store_true", help="run (4) compute and approve under cProfile")
    p.add_argument("--profile-top", type=int, default=25, help="functions to print per profile")
    p.add_argument("--keep-database", action="store_true", help="do not drop the benchmark's database")
    p.add_argument("--total-timeout", type=float, default=900.0, help="bound on the whole run, seconds")
    p.add_argument("--strict", action="store_true", help="exit 2 when a target is not met")
    opts = p.parse_args(argv)
    if not opts.pg:
        p.error("--pg is required (scripts/bench.sh starts a private PostgreSQL and passes it)")
    return opts


def main(argv: Sequence[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s bench %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    return asyncio.run(orchestrate(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
