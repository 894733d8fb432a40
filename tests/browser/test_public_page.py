"""The public transparency page in Debian's Chromium, with no login: aggregates from real events,
occupancy by Kanwil, and never personal data (neither on the page nor in what it fetches)."""

import json
import re
from pathlib import Path

import httpx
from playwright.async_api import expect

from tests.browser.web import (
    PUBLIC_STATISTICS,
    Requests,
    chromium,
    feed_events,
    personal_data,
    require,
    served,
    wait_for_occupancy,
)
from tests.integration.harness import Platform, create_app, running


async def test_the_public_page_shows_occupancy_by_kanwil_without_login_and_no_personal_data(
    platform: Platform, tmp_path: Path
) -> None:
    await platform.create_databases("remission", "gateway")
    app = create_app(platform, "gateway")
    async with running(create_app(platform, "remission")) as remission, running(app) as gateway, served(app) as base:
        inmates = await feed_events(remission)
        await wait_for_occupancy(gateway)
        require(app, PUBLIC_STATISTICS)

        async with httpx.AsyncClient(base_url=base) as anonymous:  # no token: the public API answers anyone
            response = await anonymous.get("/api/v1/public/statistics")
        assert response.status_code == 200, response.text

        async with chromium(tmp_path / "profile") as browser:
            page = browser.pages[0] if browser.pages else await browser.new_page()
            requests = Requests(page)
            await page.goto(base + "/publik")
            await expect(page.locator("#status")).to_have_text("Data dimuat.")

            # Occupancy by Kanwil: a row per Kanwil with its occupants and capacity.
            dki = page.locator("#statistics tr").filter(has_text=re.compile(r"KW-DKI|DKI Jakarta"))
            jabar = page.locator("#statistics tr").filter(has_text=re.compile(r"KW-JABAR|Jawa Barat"))
            await expect(dki.first).to_be_visible()
            await expect(jabar.first).to_be_visible()
            assert "5" in await dki.first.locator("td").all_inner_texts()  # 5 occupants, 5 places
            jabar_cells = await jabar.first.locator("td").all_inner_texts()
            assert "1" in jabar_cells and "2" in jabar_cells  # 1 occupant, 2 places
            text = await page.inner_text("body")
            await requests.settled()

    fetched = json.dumps(requests.json)
    assert requests.json, "the page fetched no statistics"
    api_calls = [url for url in requests.urls if "/api/" in url]
    assert api_calls and all(url.startswith(base + "/api/v1/public/") for url in api_calls), api_calls
    for value in personal_data(inmates):
        assert value not in text, f"personal data on the public page: {value}"
        assert value not in fetched, f"personal data in what the public page fetched: {value}"
        assert value not in response.text
