"""Every list and every read takes the caller's scope: the nation, one Kanwil or one UPT."""

from typing import Any

from sqlalchemy import ColumnElement, select

from pas_rehabilitation.adapters.tables import facilities
from pas_shared.api import Scope


def within(
    scope: Scope, upt_code: ColumnElement[Any], kanwil_code: ColumnElement[Any] | None = None
) -> list[ColumnElement[bool]]:
    """Conditions keeping rows in the scope. A table without a Kanwil column is scoped to a
    Kanwil through the UPTs this service knows in it."""
    if scope.level == "upt":
        return [upt_code == scope.code]
    if scope.level == "kanwil":
        if kanwil_code is not None:
            return [kanwil_code == scope.code]
        return [upt_code.in_(select(facilities.c.upt_code).where(facilities.c.kanwil_code == scope.code))]
    return []
