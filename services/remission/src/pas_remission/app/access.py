"""The caller's scope (national, one Kanwil or one UPT) against what the service answers for.

Records (a facility, an inmate, an application, a distribution) are found only within the
caller's scope: outside it they are not found (404), as if they did not exist. Figures over a
region (occupancy, the release forecast, the decongestion list, a remission batch) are computed
over a region written as batches store it: "national", "kanwil:<code>" or "upt:<code>". A region
must lie within the caller's scope; a non-national caller asking for nothing in particular gets
their own scope, and the answer says so."""

from sqlalchemy.ext.asyncio import AsyncSession

from pas_remission.adapters.repository import EVERYWHERE, FacilityRepository
from pas_remission.domain.facility import Facility, facility_not_registered
from pas_shared.api import Scope
from pas_shared.errors import NotFound, RuleViolation

NATIONAL = "national"


def region_of(scope: Scope) -> str:
    """The caller's whole scope as a region."""
    return NATIONAL if scope.level == "national" else f"{scope.level}:{scope.code}"


def region_parts(region: str) -> tuple[str, str]:
    """("national", "national"), ("kanwil", code) or ("upt", code)."""
    kind, _, code = region.partition(":")
    return (kind, code or NATIONAL)


async def region_within(session: AsyncSession, region: str, scope: Scope) -> bool:
    """Whether everything in the region lies within the caller's scope."""
    if scope.level == "national":
        return True
    kind, code = region_parts(region)
    if kind == "kanwil":
        return scope.level == "kanwil" and code == scope.code
    if kind == "upt":
        return await FacilityRepository(session).get(code, scope=scope) is not None
    return False


def one_region(upt_code: str | None, kanwil_code: str | None) -> None:
    if upt_code and kanwil_code:
        raise RuleViolation(
            "kanwil_code", "one-scope", id="Pilih UPT atau Kanwil, bukan keduanya.", en="Give a UPT or a Kanwil, not both."
        )


def outside(upt_code: str | None, kanwil_code: str | None) -> NotFound:
    what = f"UPT {upt_code}" if upt_code else f"Kanwil {kanwil_code}"
    return NotFound(
        id=f"{what} tidak ditemukan atau di luar wilayah Anda.",
        en=f"{what} is not found or is outside your scope.",
    )


async def read_region(session: AsyncSession, scope: Scope, *, upt_code: str | None, kanwil_code: str | None) -> str:
    """The region figures are read over: the UPT or Kanwil asked for, which must lie within the
    caller's scope (404 otherwise; a national caller naming an unregistered UPT is told so,
    422), or with neither the caller's whole scope."""
    one_region(upt_code, kanwil_code)
    if upt_code:
        if await FacilityRepository(session).get(upt_code, scope=scope) is None:
            if scope.level == "national":
                raise facility_not_registered(upt_code)
            raise outside(upt_code, None)
        return f"upt:{upt_code}"
    if kanwil_code:
        region = f"kanwil:{kanwil_code}"
        if not await region_within(session, region, scope):
            raise outside(None, kanwil_code)
        return region
    return region_of(scope)


async def batch_region(session: AsyncSession, scope: Scope, *, upt_code: str | None, kanwil_code: str | None) -> str:
    """The region a new remission batch covers. It must lie within the caller's scope: a UPT or
    Kanwil elsewhere is refused on its field like an unknown one; a region wider than the
    caller's scope (the nation for a Kanwil, the UPT's own Kanwil for a UPT) on `scope`."""
    one_region(upt_code, kanwil_code)
    if upt_code:
        if await FacilityRepository(session).get(upt_code, scope=scope) is None:
            raise facility_not_registered(upt_code, scoped=scope.level != "national")
        return f"upt:{upt_code}"
    region = f"kanwil:{kanwil_code}" if kanwil_code else NATIONAL
    if await region_within(session, region, scope):
        return region
    if kanwil_code and not await _contains_own(session, kanwil_code, scope):
        raise RuleViolation(
            "kanwil_code",
            "kanwil-in-scope",
            id=f"Kanwil {kanwil_code} di luar wilayah Anda.",
            en=f"Kanwil {kanwil_code} is outside your scope.",
        )
    yours = region_of(scope)
    raise RuleViolation(
        "scope",
        "within-your-scope",
        id=f"Batch {region} lebih luas dari wilayah Anda ({yours}); hitung batch untuk {yours} atau bagiannya.",
        en=f"A {region} batch is wider than your scope ({yours}); compute one for {yours} or a part of it.",
    )


async def _contains_own(session: AsyncSession, kanwil_code: str, scope: Scope) -> bool:
    """Whether the Kanwil holds the caller's own UPT (a UPT user asking for their Kanwil)."""
    if scope.level != "upt":
        return False
    own: Facility | None = await FacilityRepository(session).get(scope.code, scope=EVERYWHERE)
    return own is not None and own.kanwil_code == kanwil_code
