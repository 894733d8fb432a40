"""Occupancy KPI, as Ditjenpas reports it (domain.md §3.4).

"Over kapasitas %" = (penghuni − kapasitas) / kapasitas × 100; some outlets quote the
occupancy ratio penghuni / kapasitas instead, so both are given and labelled.
"""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Occupancy:
    occupants: int
    capacity: int
    as_of: datetime | None

    @property
    def overcrowding_pct(self) -> float | None:
        if self.capacity == 0:
            return None
        return round((self.occupants - self.capacity) / self.capacity * 100, 1)

    @property
    def occupancy_ratio_pct(self) -> float | None:
        if self.capacity == 0:
            return None
        return round(self.occupants / self.capacity * 100, 1)


DEFINITION = {
    "id": "occupancy",
    "definition": "(occupants − capacity) / capacity × 100, as Ditjenpas reports 'over kapasitas'; "
    "occupancy_ratio_pct is occupants / capacity × 100.",
    "definisi": "(penghuni − kapasitas) / kapasitas × 100, sesuai pelaporan 'over kapasitas' Ditjenpas.",
    "unit": "percent",
}
