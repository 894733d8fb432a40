"""Use cases of the audit trail: record one request, verify the whole chain."""

from dataclasses import dataclass

from pas_gateway.adapters import audit_chain
from pas_gateway.domain.audit import AuditEntry, AuditRecord, ChainBreak, ChainVerifier
from pas_shared.db import Database, UnitOfWork

VERIFY_PAGE = 1000


async def record(db: Database, entry: AuditRecord) -> AuditEntry:
    """Append one entry, chained onto the last committed one, in its own transaction."""
    async with UnitOfWork(db, actor=entry.actor) as uow:
        return await audit_chain.append(uow.session, entry)


@dataclass(frozen=True)
class Verification:
    checked: int  # entries found sound, in order, before the first break (all of them if none)
    broken: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.broken is None


async def verify(db: Database, *, page: int = VERIFY_PAGE) -> Verification:
    """Read the chain in order, a page at a time, up to the head as it was when verification
    started (entries appended meanwhile are left for the next run), and report the first
    broken entry."""
    verifier = ChainVerifier()
    async with db.sessions() as session:
        head = await audit_chain.head(session)
        if head is None:
            return Verification(0, verifier.finish(None, None))
        head_seq, head_hash = head
        last = 0
        while True:
            entries = await audit_chain.entries_between(session, last, head_seq, limit=page)
            for entry in entries:
                broken = verifier.feed(entry)
                if broken:
                    return Verification(verifier.checked, broken)
            if len(entries) < page:
                break
            last = entries[-1].seq
    return Verification(verifier.checked, verifier.finish(head_seq, head_hash))
