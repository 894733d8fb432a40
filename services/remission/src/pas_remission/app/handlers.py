"""Use cases. Each runs in one unit of work: state, events (outbox) and audit commit together."""

from dataclasses import asdict, replace
from datetime import date

from pas_remission.adapters.applications import ApplicationRepository
from pas_remission.adapters.repository import (
    EVERYWHERE,
    FacilityRepository,
    InmateRepository,
    OccupancyRepository,
    TransferRepository,
    facility_row,
    inmate_row,
)
from pas_remission.app.commands import (
    AdmitInmate,
    RecordSpecialCondition,
    RecordVerdict,
    RegisterFacility,
    ReleaseInmate,
    TransferInmate,
)
from pas_remission.domain.facility import Facility, facility_not_registered
from pas_remission.domain.inmate import Inmate, SpecialCondition, Transfer, inmate_not_found, special_crime_conditions
from pas_remission.domain.occupancy import REGISTRATION_REASON, CapacityEntry
from pas_remission.domain.reference import reference
from pas_shared.api import Scope
from pas_shared.clock import Clock, local_date
from pas_shared.db import Database, UnitOfWork, utcnow
from pas_shared.errors import Conflict, RuleViolation
from pas_shared.events.remission import FacilityRegistered
from pas_shared.ids import new_id


async def register_facility(db: Database, cmd: RegisterFacility, *, scope: Scope, actor: str, clock: Clock) -> Facility:
    """Registers the UPT and starts its capacity history: the capacity given, in force from its
    local today. A Kanwil user registers UPTs of their Kanwil only; a UPT user only their own."""
    if not scope.allows(upt_code=cmd.upt_code, kanwil_code=cmd.kanwil_code):
        field, code = ("upt_code", cmd.upt_code) if scope.level == "upt" else ("kanwil_code", cmd.kanwil_code)
        raise RuleViolation(
            field,
            "within-your-scope",
            id=f"{code} di luar wilayah Anda ({scope.level} {scope.code}); Anda hanya dapat mendaftarkan UPT di wilayah Anda.",
            en=f"{code} is outside your scope ({scope.level} {scope.code}); you can register UPTs of your scope only.",
        )
    facility = reference().settle(Facility(**asdict(cmd)))
    async with UnitOfWork(db, actor=actor) as uow:
        repo = FacilityRepository(uow.session)
        if await repo.get(cmd.upt_code, scope=EVERYWHERE) is not None:
            raise Conflict(id=f"UPT {cmd.upt_code} sudah terdaftar.", en=f"UPT {cmd.upt_code} is already registered.")
        await repo.add(facility)
        first = CapacityEntry(local_today(clock, facility), facility.capacity, REGISTRATION_REASON)
        await OccupancyRepository(uow.session).record_capacity(facility.upt_code, first, by=actor, replaces=False)
        uow.emit(
            FacilityRegistered(**facility_row(facility)),
            subject=facility.upt_code,
            uptcode=facility.upt_code,
            kanwilcode=facility.kanwil_code,
        )
        uow.audit("facility.registered", "facility", facility.upt_code, after=facility_row(facility))
    return facility


def local_today(clock: Clock, facility: Facility) -> date:
    """Legal dates are calendar dates in the UPT's own zone (WIB, WITA or WIT)."""
    return local_date(clock(), facility.time_zone.value)


async def admit_inmate(db: Database, cmd: AdmitInmate, *, scope: Scope, actor: str, clock: Clock) -> Inmate:
    async with UnitOfWork(db, actor=actor) as uow:
        facility = await FacilityRepository(uow.session).get(cmd.upt_code, scope=scope)
        if facility is None:  # unknown, or outside the caller's scope: the same refusal
            raise facility_not_registered(cmd.upt_code, scoped=scope.level != "national")
        inmates = InmateRepository(uow.session)
        if await inmates.register_number_taken(cmd.upt_code, cmd.register_number):
            raise Conflict(
                id=f"Nomor register {cmd.register_number} sudah dipakai di {cmd.upt_code}.",
                en=f"Register number {cmd.register_number} is already used in {cmd.upt_code}.",
            )
        inmate = Inmate.admit(
            inmate_id=new_id(),
            register_number=cmd.register_number,
            upt_code=cmd.upt_code,
            kanwil_code=facility.kanwil_code,
            custody_status=cmd.custody_status,
            birth_date=cmd.birth_date,
            admitted_on=cmd.admitted_on,
            religion=cmd.religion,
            today=local_today(clock, facility),
            detaining_authority=cmd.detaining_authority,
        )
        await inmates.add(inmate)
        _publish(uow, inmate)
        uow.audit("inmate.admitted", "inmate", inmate.inmate_id, after=inmate_row(inmate))
    return inmate


async def release_inmate(db: Database, cmd: ReleaseInmate, *, scope: Scope, actor: str, clock: Clock) -> Inmate:
    async with UnitOfWork(db, actor=actor) as uow:
        inmates = InmateRepository(uow.session)
        inmate = await inmates.get(cmd.inmate_id, scope=scope)
        if inmate is None:
            raise inmate_not_found(cmd.inmate_id)
        facility = await FacilityRepository(uow.session).get(inmate.upt_code, scope=EVERYWHERE)
        if facility is None:  # the register only admits into registered facilities
            raise RuntimeError(f"inmate {inmate.inmate_id} is in unknown UPT {inmate.upt_code}")
        before = inmate_row(inmate)
        inmate.release(on=cmd.released_on, reason=cmd.reason, today=local_today(clock, facility))
        await inmates.save(inmate)
        _publish(uow, inmate)
        uow.audit("inmate.released", "inmate", inmate.inmate_id, before=before, after=inmate_row(inmate))
    return inmate


def _publish(uow: UnitOfWork, inmate: Inmate) -> None:
    uow.emit_recorded(inmate.events, subject=inmate.inmate_id, uptcode=inmate.upt_code, kanwilcode=inmate.kanwil_code)


async def record_verdict(db: Database, cmd: RecordVerdict, *, scope: Scope, actor: str, clock: Clock) -> Inmate:
    async with UnitOfWork(db, actor=actor) as uow:
        inmates = InmateRepository(uow.session)
        inmate = await inmates.get(cmd.inmate_id, scope=scope)
        if inmate is None:
            raise inmate_not_found(cmd.inmate_id)
        facility = await FacilityRepository(uow.session).get(inmate.upt_code, scope=EVERYWHERE)
        assert facility is not None  # the register only admits into registered facilities
        before = inmate_row(inmate)
        inmate.record_verdict(cmd.verdict, today=local_today(clock, facility))
        await inmates.save(inmate)
        _publish(uow, inmate)
        uow.audit("inmate.sentenced", "inmate", inmate.inmate_id, before=before, after=inmate_row(inmate))
    return inmate


async def transfer_inmate(
    db: Database, cmd: TransferInmate, *, scope: Scope, actor: str, clock: Clock
) -> tuple[Inmate, Transfer]:
    """Move an inmate to another UPT: the register row, the history and the event commit together.
    The event carries the destination as `uptcode`. The caller must see the inmate where they are
    held now; the destination may be any registered UPT (a Kanwil may send someone to another
    Kanwil), after which the origin's users no longer see them."""
    async with UnitOfWork(db, actor=actor) as uow:
        inmates = InmateRepository(uow.session)
        inmate = await inmates.get(cmd.inmate_id, scope=scope, for_update=True)
        if inmate is None:
            raise inmate_not_found(cmd.inmate_id)
        destination = await FacilityRepository(uow.session).get(cmd.to_upt_code, scope=EVERYWHERE)
        if destination is None:
            raise RuleViolation(
                "to_upt_code",
                "facility-registered",
                id=f"UPT {cmd.to_upt_code} belum terdaftar.",
                en=f"UPT {cmd.to_upt_code} is not registered.",
            )
        transfers = TransferRepository(uow.session)
        before = inmate_row(inmate)
        transfer = inmate.transfer(
            transfer_id=new_id(),
            to=destination,
            on=cmd.transferred_on,
            reason=cmd.reason,
            register_number=cmd.register_number,
            previous_transfer_on=await transfers.last_on(inmate.inmate_id),
            at_large=any(recaptured is None for _, recaptured in await inmates.escapes(inmate.inmate_id)),
            by=actor,
            today=local_today(clock, destination),
        )
        transfer = replace(transfer, at=utcnow())
        if await inmates.register_number_taken(destination.upt_code, inmate.register_number):
            raise Conflict(
                id=f"Nomor register {inmate.register_number} sudah dipakai di {destination.upt_code}; isi nomor baru.",
                en=f"Register number {inmate.register_number} is already used in {destination.upt_code}; give a new one.",
            )
        await inmates.save(inmate)
        await transfers.add(transfer)
        moved = await ApplicationRepository(uow.session).follow_transfer(
            inmate.inmate_id, upt_code=inmate.upt_code, kanwil_code=inmate.kanwil_code
        )
        _publish(uow, inmate)
        after = inmate_row(inmate) | {"applications_moved": moved}
        uow.audit("inmate.transferred", "inmate", inmate.inmate_id, before=before, after=after)
    return inmate, transfer


async def record_special_condition(
    db: Database, cmd: RecordSpecialCondition, *, scope: Scope, actor: str, clock: Clock
) -> SpecialCondition:
    async with UnitOfWork(db, actor=actor) as uow:
        inmates = InmateRepository(uow.session)
        inmate = await inmates.get(cmd.inmate_id, scope=scope, for_update=True)
        if inmate is None:
            raise inmate_not_found(cmd.inmate_id)
        if cmd.condition in await inmates.special_conditions(cmd.inmate_id):
            raise Conflict(
                id=f"Syarat {cmd.condition} sudah dicatat untuk WBP {cmd.inmate_id}.",
                en=f"Condition {cmd.condition} is already recorded for inmate {cmd.inmate_id}.",
            )
        facility = await FacilityRepository(uow.session).get(inmate.upt_code, scope=EVERYWHERE)
        assert facility is not None  # the register only admits into registered facilities
        crime = inmate.verdict.crime if inmate.verdict else ""
        condition = inmate.meet_condition(
            cmd.condition,
            met_on=cmd.met_on,
            evidence=cmd.evidence,
            applicable=special_crime_conditions(crime, cmd.met_on),
            today=local_today(clock, facility),
        )
        await inmates.add_special_condition(condition, by=actor)
        _publish(uow, inmate)
        uow.audit("special-condition.recorded", "inmate", inmate.inmate_id, after=asdict(condition))
    return condition
