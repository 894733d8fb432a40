"""Remission batches: the proposals for one occasion in one scope (a UPT, a Kanwil or the
nation), reviewed and approved with a decree number. Only approval grants anything."""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from pas_remission.domain.calendar import Span
from pas_shared.errors import Conflict
from pas_shared.workflow import require_transition


class BatchStatus(StrEnum):
    COMPUTED = "computed"
    APPROVED = "approved"
    CANCELLED = "cancelled"


# Each state lists the states it may move to; anything else is refused.
NEXT = {
    BatchStatus.COMPUTED: {BatchStatus.COMPUTED, BatchStatus.APPROVED, BatchStatus.CANCELLED},
    BatchStatus.APPROVED: set(),
    BatchStatus.CANCELLED: set(),
}


@dataclass(frozen=True)
class Proposal:
    inmate_id: str
    upt_code: str
    eligible: bool
    reasons: tuple[str, ...]
    amount: Span | None
    type: str | None
    release_on: date | None
    later_grant: bool


@dataclass(frozen=True)
class Designation:
    """An inmate designated for a basis the register does not hold (a Remisi Tambahan basis,
    a certified long-term illness), with the document that proves it."""

    inmate_id: str
    basis: str
    evidence: str


@dataclass(frozen=True)
class Transition:
    from_status: BatchStatus | None
    to_status: BatchStatus
    by: str
    why: str


@dataclass
class Batch:
    batch_id: str
    occasion: str  # remisi-umum, remisi-khusus or remisi-dasawarsa
    holiday: str | None
    on: date
    scope: str  # "national", "kanwil:<code>" or "upt:<code>"
    status: BatchStatus = BatchStatus.COMPUTED
    decree_number: str | None = None
    transitions: list[Transition] = field(default_factory=list)
    designations: dict[str, Designation] = field(default_factory=dict)

    def move(self, to: BatchStatus, *, by: str, why: str) -> None:
        require_transition(NEXT, self.status, to, what_id=f"Batch {self.batch_id}", what_en=f"Batch {self.batch_id}")
        self.transitions.append(Transition(self.status, to, by, why))
        self.status = to

    def approve(self, decree_number: str, *, by: str) -> bool:
        """Approve with the decree (SK) number. Approving again with the same decree changes
        nothing and returns False, so a retried approval grants once."""
        if self.status is BatchStatus.APPROVED and self.decree_number == decree_number:
            return False
        if self.status is BatchStatus.APPROVED:
            raise Conflict(
                id=f"Batch {self.batch_id} sudah disetujui dengan SK {self.decree_number}.",
                en=f"Batch {self.batch_id} was already approved with decree {self.decree_number}.",
            )
        self.move(BatchStatus.APPROVED, by=by, why=f"decree {decree_number}")
        self.decree_number = decree_number
        return True
