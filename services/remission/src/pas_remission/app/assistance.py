"""Social assistance: record a distribution (state, event for the partner ministry and audit in
one unit of work) and read them back with totals."""

from dataclasses import dataclass

from pas_remission.adapters.repository import (
    EVERYWHERE,
    AssistanceFilter,
    AssistanceRepository,
    FacilityRepository,
    InmateRepository,
    TransferRepository,
    distribution_row,
)
from pas_remission.app.commands import RecordDistribution
from pas_remission.app.handlers import local_today
from pas_remission.domain.assistance import Distribution, mask_nik
from pas_remission.domain.inmate import upt_on
from pas_shared.api import Scope
from pas_shared.clock import Clock
from pas_shared.db import Database, UnitOfWork
from pas_shared.errors import NotFound, RuleViolation
from pas_shared.ids import new_id


async def record_distribution(db: Database, cmd: RecordDistribution, *, scope: Scope, actor: str, clock: Clock) -> Distribution:
    """The caller must see the inmate where they are held now (an inmate outside the scope is
    refused like one not in the register)."""
    async with UnitOfWork(db, actor=actor) as uow:
        inmate = await InmateRepository(uow.session).get(cmd.inmate_id, scope=scope)
        if inmate is None:
            raise RuleViolation(
                "recipient.inmate_id",
                "inmate-registered",
                id=f"WBP {cmd.inmate_id} tidak ada dalam register.",
                en=f"Inmate {cmd.inmate_id} is not in the register.",
            )
        # The distribution counts for the UPT that held the inmate on that day.
        transfers = await TransferRepository(uow.session).of_inmate(inmate.inmate_id)
        upt_code, kanwil_code = upt_on(inmate, transfers, cmd.distributed_on)
        facility = await FacilityRepository(uow.session).get(upt_code, scope=EVERYWHERE)
        if facility is None:  # the register only holds inmates in registered facilities
            raise RuntimeError(f"inmate {inmate.inmate_id} is in unknown UPT {upt_code}")
        distribution = Distribution.record(
            distribution_id=new_id(),
            programme=cmd.programme,
            kind=cmd.kind,
            amount_rupiah=cmd.amount_rupiah,
            description=cmd.description,
            distributed_on=cmd.distributed_on,
            partner_agency=cmd.partner_agency,
            recipient_type=cmd.recipient_type,
            inmate_id=inmate.inmate_id,
            family_name=cmd.family_name,
            relationship=cmd.relationship,
            nik=cmd.nik,
            admitted_on=inmate.admitted_on,
            upt_code=upt_code,
            kanwil_code=kanwil_code,
            today=local_today(clock, facility),
        )
        await AssistanceRepository(uow.session).add(distribution, by=actor)
        uow.emit_recorded(distribution.events, subject=distribution.distribution_id, uptcode=upt_code, kanwilcode=kanwil_code)
        audited = distribution_row(distribution)
        if distribution.family:  # the audit trail keeps who and what, not the full NIK
            audited["nik"] = mask_nik(distribution.family.nik)
        uow.audit("assistance.distributed", "social-assistance", distribution.distribution_id, after=audited)
    return distribution


async def get_distribution(db: Database, distribution_id: str, *, scope: Scope) -> Distribution:
    async with db.sessions() as session:
        found = await AssistanceRepository(session).get(distribution_id, scope=scope)
    if found is None:
        raise NotFound(
            id=f"Penyaluran bantuan sosial {distribution_id} tidak ditemukan.",
            en=f"Social-assistance distribution {distribution_id} not found.",
        )
    return found


@dataclass(frozen=True)
class Totals:
    """Over everything the filter matches (not only the page): per programme and kind, the
    number of distributions and the rupiah (cash, or the declared value of goods and services)."""

    distributions: int
    amount_rupiah: int
    by_programme_and_kind: list[tuple[str, str, int, int]]


async def list_distributions(
    db: Database, f: AssistanceFilter, *, scope: Scope, limit: int, offset: int
) -> tuple[list[Distribution], Totals]:
    """The distributions in the caller's scope the filter matches (a filter naming a UPT or
    Kanwil outside the scope matches nothing)."""
    if f.from_date and f.to_date and f.to_date < f.from_date:
        raise RuleViolation(
            "to", "not-before-from", id="Tanggal akhir tidak boleh sebelum tanggal awal.", en="'to' cannot be before 'from'."
        )
    async with db.sessions() as session:
        repo = AssistanceRepository(session)
        found = await repo.search(f, scope=scope, limit=limit, offset=offset)
        groups = await repo.totals(f, scope=scope)
    totals = Totals(sum(g[2] for g in groups), sum(g[3] for g in groups), groups)
    return found, totals
