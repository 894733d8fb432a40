"""Time as use cases see it: a clock passed in (tests and batches fix it), and the provisional
local date for services that do not know their UPTs' time zones yet."""

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]

# Services that know UPTs only through the roster do not know their time zones yet (remission
# does). Until they do, "today" is the date in Asia/Jayapura (WIT, UTC+9), Indonesia's latest
# zone: no date that is already today in some UPT is refused; the cost is that for up to two
# hours a day a WIB or WITA UPT can record tomorrow's date.
LATEST_ZONE = ZoneInfo("Asia/Jayapura")


def latest_local_today(clock: Clock) -> date:
    return clock().astimezone(LATEST_ZONE).date()
