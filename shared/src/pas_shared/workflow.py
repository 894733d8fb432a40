"""Status workflows: each state lists the states it may move to; anything else is a Conflict
that names the `status` field and the `status-transition` rule, in Indonesian and English."""

from collections.abc import Mapping, Set
from enum import StrEnum
from typing import TypeVar

from pas_shared.errors import Conflict, FieldError

S = TypeVar("S", bound=StrEnum)


def require_transition(
    next_states: Mapping[S, Set[S]],
    current: S,
    to: S,
    *,
    what_id: str,
    what_en: str,
    detail_id: str = "",
    detail_en: str = "",
) -> None:
    """Raise unless `current` may become `to`. `what_*` names the record, e.g. "Pelarian 0192…"."""
    if to in next_states[current]:
        return
    raise Conflict(
        id=f"{what_id} berstatus {current.value}{detail_id}; tidak dapat menjadi {to.value}.",
        en=f"{what_en} is {current.value}{detail_en}; it cannot become {to.value}.",
        errors=[
            FieldError(
                "status",
                "status-transition",
                f"Status {current.value} tidak dapat menjadi {to.value}.",
                f"Status {current.value} cannot become {to.value}.",
            )
        ],
    )


def changed_concurrently(*, what_id: str, what_en: str, noun_id: str, noun_en: str) -> Conflict:
    """The record changed between reading and saving it (another request came first)."""
    return Conflict(
        id=f"{what_id} baru saja diubah oleh permintaan lain; muat ulang dan periksa kembali.",
        en=f"{what_en} was just changed by another request; reload and check again.",
        errors=[
            FieldError(
                "status",
                "status-transition",
                f"Status {noun_id} berubah sebelum perubahan ini disimpan.",
                f"The {noun_en}'s status changed before this change was saved.",
            )
        ],
    )
