"""Request bodies' base and the list filters every list route takes (separate from tables and
from events)."""

from datetime import date
from typing import Annotated

from fastapi import Depends, Query

from pas_food_audit.adapters.repository import Filter
from pas_shared.api import Body as Body  # the shared base: unknown fields and unstorable text refused
from pas_shared.errors import RuleViolation
from pas_shared.events.remission import UPT_CODE


async def _filter(
    upt_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
    kanwil_code: Annotated[str | None, Query(pattern=UPT_CODE)] = None,
    from_date: Annotated[date | None, Query(alias="from", description="On or after this date (the list's own date).")] = None,
    to_date: Annotated[date | None, Query(alias="to", description="On or before this date.")] = None,
) -> Filter:
    if from_date and to_date and to_date < from_date:
        raise RuleViolation(
            "to", "not-before-from", id="Tanggal akhir tidak boleh sebelum tanggal awal.", en="'to' cannot be before 'from'."
        )
    return Filter(upt_code=upt_code, kanwil_code=kanwil_code, from_date=from_date, to_date=to_date)


FilterDep = Annotated[Filter, Depends(_filter)]
