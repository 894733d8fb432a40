"""The local roster's headcount (GET /api/v1/roster/{upt}, in security, rehabilitation and
food-audit alike) follows the caller's scope: another UPT, or a UPT of another Kanwil, is not found."""

from tests.integration.harness import Platform, create_app, running, until_equal
from tests.integration.test_event_flow import FACILITY, admission


async def test_a_roster_headcount_is_visible_only_within_the_caller_s_scope(platform: Platform) -> None:
    await platform.create_databases("remission", "security")
    async with running(create_app(platform, "remission")) as remission, running(create_app(platform, "security")) as security:
        assert (await remission.post("/api/v1/facilities", json=FACILITY)).status_code == 201
        assert (await remission.post("/api/v1/inmates", json=admission(1))).status_code == 201

        async def population(scope: str = "national") -> object:
            response = await security.get("/api/v1/roster/LP-CIPINANG", headers={"X-Test-Scope": scope})
            return response.json().get("population") if response.status_code == 200 else response.status_code

        await until_equal(population, 1, what="the admission on security's roster")
        assert await population("upt:LP-CIPINANG") == 1
        assert await population("kanwil:KW-DKI") == 1
        assert await population("upt:LP-OTHER") == 404
        assert await population("kanwil:KW-JATIM") == 404
        # a UPT the roster has not heard of: 0 for the nation, not found for a Kanwil (its Kanwil is unknown)
        assert (await security.get("/api/v1/roster/LP-NEVER")).json()["population"] == 0
        assert (await security.get("/api/v1/roster/LP-NEVER", headers={"X-Test-Scope": "kanwil:KW-DKI"})).status_code == 404
