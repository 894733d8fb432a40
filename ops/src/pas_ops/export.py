"""`pas batch export <batch_id> --csv FILE`: a remission batch's proposals as CSV, read from the
remission service's database through its repository (not HTTP), one row per inmate in the
batch. The file is written beside its final name and moved into place at the end, so a failure
never leaves half a file."""

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from pas_ops.database import opened
from pas_ops.progress import progress
from pas_ops.services import OpsError, target
from pas_remission.adapters.repository import BatchRepository
from pas_remission.adapters.tables import inmates

COLUMNS = [
    "batch_id",
    "occasion",
    "occasion_on",
    "inmate_id",
    "register_number",
    "upt_code",
    "eligible",
    "reasons",
    "amount_months",
    "amount_days",
    "remission_type",
    "release_on",
    "later_grant",
]
PAGE = 2000


@dataclass(frozen=True)
class Exported:
    batch_id: str
    status: str
    rows: int
    eligible: int


async def export_batch(batch_id: str, path: Path) -> Exported:
    t = target("remission")
    partial = path.with_name(f".{path.name}.partial")
    async with opened(t) as db:
        async with db.sessions() as session:
            repo = BatchRepository(session)
            batch = await repo.get(batch_id)
            if batch is None:
                raise OpsError(
                    f"Batch remisi {batch_id} tidak ditemukan di basis data remission.",
                    f"Remission batch {batch_id} is not in the remission database.",
                )
            counts = await repo.counts(batch_id)
            total = counts["eligible"] + counts["not_eligible"]
            rows = eligible = 0
            try:
                with partial.open("w", newline="", encoding="utf-8") as f, progress(total, f"exporting {batch_id}") as bar:
                    writer = csv.writer(f)
                    writer.writerow(COLUMNS)
                    for offset in range(0, total, PAGE):
                        page = await repo.proposals(batch_id, limit=PAGE, offset=offset)
                        ids = [p.inmate_id for p in page]
                        found = await session.execute(
                            select(inmates.c.inmate_id, inmates.c.register_number).where(inmates.c.inmate_id.in_(ids))
                        )
                        numbers = {i: n for i, n in found.all()}
                        for p in page:
                            writer.writerow(
                                [
                                    batch_id,
                                    batch.occasion,
                                    batch.on.isoformat(),
                                    p.inmate_id,
                                    numbers.get(p.inmate_id, ""),
                                    p.upt_code,
                                    "yes" if p.eligible else "no",
                                    ";".join(p.reasons),
                                    "" if p.amount is None else p.amount.total_months,
                                    "" if p.amount is None else p.amount.days,
                                    p.type or "",
                                    p.release_on.isoformat() if p.release_on else "",
                                    "yes" if p.later_grant else "no",
                                ]
                            )
                            rows += 1
                            eligible += p.eligible
                        bar.update(len(page))
                os.replace(partial, path)
            finally:
                partial.unlink(missing_ok=True)
    return Exported(batch_id, batch.status.value, rows, eligible)
