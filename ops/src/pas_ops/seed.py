"""`pas seed reference|demo`: data into the remission service's database, written the way the
service writes it (its tables and use cases; events into its outbox, which its relay publishes
when it runs, so the other services learn them as from any officer's input).

- reference: the named UPTs of the remission reference data (rule_data/reference.json) that a
  cited source gives a capacity for, registered through the service's own use case (checked
  against the 33 Kanwil, FacilityRegistered in the outbox, audited). UPTs already registered are
  left alone, so running it twice changes nothing.
- demo: the SYNTHETIC national register of pas_remission.demo (about 532 UPTs, people at
  `scale` of the national population) into an empty, migrated database.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from pas_ops.database import opened
from pas_ops.progress import progress
from pas_ops.services import OpsError, target
from pas_remission.adapters.repository import EVERYWHERE, FacilityRepository
from pas_remission.app.commands import RegisterFacility
from pas_remission.app.handlers import register_facility
from pas_remission.demo import write_register
from pas_remission.domain.facility import TimeZone, UptClass, UptType
from pas_remission.domain.reference import reference
from pas_shared.api import Scope

ACTOR = "ops:pas-seed"


@dataclass(frozen=True)
class ReferenceSeeded:
    registered: list[str]
    already: list[str]
    without_capacity: list[str]


async def seed_reference() -> ReferenceSeeded:
    t = target("remission")
    upts = reference().upts
    registered: list[str] = []
    already: list[str] = []
    without: list[str] = [u["upt_code"] for u in upts if "reported" not in u]
    with_capacity = [u for u in upts if "reported" in u]
    async with opened(t) as db:
        with progress(len(with_capacity), "reference UPTs") as bar:
            for u in with_capacity:
                async with db.sessions() as session:
                    exists = await FacilityRepository(session).get(u["upt_code"], scope=EVERYWHERE) is not None
                if exists:
                    already.append(u["upt_code"])
                else:
                    cmd = RegisterFacility(
                        upt_code=u["upt_code"],
                        name=u["name"],
                        upt_type=UptType(u["upt_type"]),
                        kanwil_code=u["kanwil_code"],
                        capacity=int(u["reported"]["capacity"]),
                        time_zone=TimeZone(u["time_zone"]),
                        upt_class=UptClass(u["class"]) if u.get("class") else None,
                    )
                    await register_facility(db, cmd, scope=Scope(), actor=ACTOR, clock=lambda: datetime.now(UTC))
                    registered.append(u["upt_code"])
                bar.update(1)
    return ReferenceSeeded(registered, already, without)


async def seed_demo(*, scale: float, seed: int, on: date) -> dict[str, int]:
    if not 0 < scale <= 1.5:
        raise OpsError("--scale harus di antara 0 dan 1,5.", "--scale must be between 0 and 1.5.", code=2)
    t = target("remission")
    async with opened(t) as db:
        try:
            return await write_register(db, seed=seed, scale=scale, on=on)
        except SystemExit:  # the generator refuses a database that already holds facilities
            raise OpsError(
                "Basis data remission sudah berisi fasilitas: register demo hanya masuk ke basis data kosong.",
                "The remission database already holds facilities: the demo register goes into an empty one only.",
            ) from None
