"""Time as use cases see it: a clock passed in (tests and batches fix it), a UPT's local date,
and the latest local date anywhere in Indonesia (for questions not tied to one UPT)."""

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]

# For a question not tied to one UPT (a national list, the rule version in force "today"), the
# date in Asia/Jayapura (WIT, UTC+9), Indonesia's latest zone: no date that is already today in
# some UPT is left out. A UPT's own records use its zone (local_date, pas_shared.directory).
LATEST_ZONE = ZoneInfo("Asia/Jayapura")


def latest_local_today(clock: Clock) -> date:
    return clock().astimezone(LATEST_ZONE).date()


def local_date(moment: datetime, zone: str) -> date:
    """The calendar date at an instant in an IANA zone: legal dates (admission, release,
    deadlines) are the UPT's own, in WIB, WITA or WIT."""
    return moment.astimezone(ZoneInfo(zone)).date()
