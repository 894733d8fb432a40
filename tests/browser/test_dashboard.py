"""The dashboard in Debian's Chromium, fed by real events: sign in, the national figures the API
gives, drill down nation → Kanwil → UPT, switch language, a phone screen, a Kanwil user who sees
only their Kanwil. The pages themselves (files, same origin, keyboard, contrast) are checked first."""

import json
import re
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Page, expect

from tests.browser.web import (
    KPI_AREA,
    KPI_SERIES,
    LOGIN,
    LOW_CONTRAST,
    NO_HORIZONTAL_SCROLL,
    PHONE,
    Requests,
    chromium,
    feed_events,
    require,
    served,
    wait_for_occupancy,
)
from tests.integration.harness import Platform, create_app, running

AREAS = ["occupancy", "security", "rehabilitation", "remission", "food", "composite"]
PASSWORD = "Sandi-uji-dasbor-2026"


async def test_the_pages_are_same_origin_files_usable_by_keyboard_and_on_a_phone(platform: Platform, tmp_path: Path) -> None:
    await platform.create_databases("gateway")
    app = create_app(platform, "gateway")
    async with running(app) as gateway, served(app) as base:
        for path, media_type in [
            ("/", "text/html"),
            ("/publik", "text/html"),
            ("/static/app.js", "text/javascript"),
            ("/static/publik.js", "text/javascript"),
            ("/static/i18n.js", "text/javascript"),
            ("/static/charts.js", "text/javascript"),
            ("/static/style.css", "text/css"),
        ]:
            response = await gateway.get(path)
            assert response.status_code == 200, path
            assert response.headers["content-type"].startswith(media_type), path
            assert "default-src 'none'" in response.headers["content-security-policy"], path
            assert response.headers["x-content-type-options"] == "nosniff"
        for path in ["/static/nothing.js", "/static/..%2Fapi%2Fweb.py", "/static/index.html", "/static/__init__.py"]:
            response = await gateway.get(path)
            assert response.status_code == 404, path
            assert response.headers["content-type"] == "application/problem+json"
        for path in ["/", "/publik"]:
            page_source = (await gateway.get(path)).text
            assert re.findall(r'(?:src|href)="(?!/|data:|#)[^"]*"', page_source) == []  # no asset from another origin
            assert "<script>" not in page_source and "style=" not in page_source  # nothing inline (the CSP forbids it)

        async with chromium(tmp_path / "profile") as browser:
            page = browser.pages[0] if browser.pages else await browser.new_page()
            requests = Requests(page)
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            await page.set_viewport_size(PHONE)
            await page.goto(base + "/")

            # Indonesian first: the sign-in form, every field labelled.
            await expect(page.locator("html")).to_have_attribute("lang", "id")
            await expect(page.get_by_label("Nama pengguna")).to_be_visible()
            await expect(page.get_by_label("Kata sandi")).to_be_visible()
            await expect(page.get_by_role("button", name="Masuk", exact=True)).to_be_visible()
            assert await page.evaluate(NO_HORIZONTAL_SCROLL)
            assert await page.evaluate(LOW_CONTRAST) == []

            # By keyboard: the username field has the focus, Tab goes on to the password and the
            # button; backwards, the language switch and the skip link come first.
            focused = "document.activeElement.id || document.activeElement.getAttribute('href')"
            await expect(page.locator("#username")).to_be_focused()
            order = []
            for key in ["Tab", "Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab"]:
                await page.keyboard.press(key)
                order.append(await page.evaluate(focused))
            assert order == ["password", "login-submit", "password", "username", "lang", "#main"]

            # English on request, kept across a reload, and back.
            await page.get_by_role("button", name="Ganti bahasa ke English").click()
            await expect(page.locator("html")).to_have_attribute("lang", "en")
            await expect(page.get_by_label("Username")).to_be_visible()
            await expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
            await page.reload()
            await expect(page.get_by_label("Password")).to_be_visible()
            await page.get_by_role("button", name="Switch language to Bahasa Indonesia").click()
            await expect(page.get_by_label("Nama pengguna")).to_be_visible()

            # The public page on the same phone screen (whatever the statistics API answers yet).
            await page.goto(base + "/publik")
            await expect(page.locator("h1")).to_have_text("Statistik Publik Pemasyarakatan")
            await expect(page.locator("#statistics > *").first).to_be_attached()
            assert await page.evaluate(NO_HORIZONTAL_SCROLL)
            assert await page.evaluate(LOW_CONTRAST) == []
            await requests.settled()

    assert requests.urls and all(url.startswith(base + "/") or url.startswith("data:") for url in requests.urls), requests.urls
    assert errors == []


async def token(gateway: httpx.AsyncClient, username: str) -> dict[str, str]:
    """Sign in through the API as the browser does; the bearer header for the API's answers."""
    form = {"grant_type": "password", "username": username, "password": PASSWORD}
    response = await gateway.post("/api/v1/auth/token", data=form)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def log_in(page: Page, base: str, username: str) -> None:
    await page.goto(base + "/")
    await page.get_by_label("Nama pengguna").fill(username)
    await page.get_by_label("Kata sandi").fill(PASSWORD)
    await page.get_by_role("button", name="Masuk", exact=True).click()


def as_js(value: Any) -> str:
    """A JSON value as the browser's JSON.stringify writes it (6.0 is 6, no spaces)."""

    def plain(v: Any) -> Any:
        if isinstance(v, float) and v.is_integer():
            return int(v)
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, list):
            return [plain(x) for x in v]
        return v

    return json.dumps(plain(value), separators=(",", ":"), ensure_ascii=False)


def indonesian(value: float, unit: str) -> str:
    """A figure as the dashboard writes it in Bahasa Indonesia (1.234,5 %, Rp 1.500, 3 hari)."""
    digits = {"percent": 1, "rupiah": 0}.get(unit, 2)
    text = f"{value:,.{digits}f}"
    text = (text.rstrip("0").rstrip(".") if "." in text else text).replace(",", "_").replace(".", ",").replace("_", ".")
    return {"percent": f"{text} %", "rupiah": f"Rp {text}", "days": f"{text} hari", "hours": f"{text} jam"}.get(unit, text)


async def expect_figures(page: Page, answer: dict[str, Any]) -> None:
    """Every KPI of an area's answer is on its card: the value, the Indonesian label, the as-of;
    the 'data behind' marker shows exactly when a source is behind; the breakdown holds the
    API's regions and values."""
    area = answer["area"]
    section = page.locator(f"#area-{area}")
    for kpi in answer["kpis"]:
        card = section.locator(f'.kpi[data-kpi="{kpi["id"]}"]')
        await expect(card).to_have_attribute("data-value", as_js(kpi["value"]))
        await expect(card.locator("h3")).to_have_text(kpi["label_id"])
        if isinstance(kpi["value"], int | float) and not isinstance(kpi["value"], bool):
            await expect(card.locator(".value")).to_have_text(indonesian(kpi["value"], kpi["unit"]))
        if kpi["as_of"]:
            await expect(card.locator(".asof")).to_contain_text("Data per ")
    behind = any(source["behind"] for source in answer["sources"])
    await expect(section.locator(".area-head .behind")).to_have_count(1 if behind else 0)
    rows = section.locator(".breakdown tbody tr")
    await expect(rows).to_have_count(len(answer["breakdown"]))
    for region in answer["breakdown"]:
        for kpi_id, value in region["kpis"].items():
            cell = section.locator(f'.breakdown tr[data-code="{region["code"]}"] td[data-kpi="{kpi_id}"]')
            await expect(cell).to_have_attribute("data-value", as_js(value))


async def test_a_user_signs_in_sees_the_api_figures_drills_down_and_switches_language(platform: Platform, tmp_path: Path) -> None:
    await platform.create_databases("remission", "gateway")
    # The gateway verifies the tokens of its own issuer (no JWKS URL), as in `make run`, with the
    # demo users `nasional` and `kanwil-kw-jabar`.
    app = create_app(platform, "gateway", auth_jwks_url="", demo_password=PASSWORD, demo_scopes="kanwil:KW-JABAR")
    async with running(create_app(platform, "remission")) as remission, running(app) as gateway, served(app) as base:
        await feed_events(remission)
        require(app, LOGIN)
        national_user = await token(gateway, "nasional")
        await wait_for_occupancy(gateway, national_user)
        require(app, KPI_AREA, KPI_SERIES)

        async def kpis(area: str, **params: str) -> dict[str, Any]:
            response = await gateway.get(f"/api/v1/kpi/{area}", params=params, headers=national_user)
            assert response.status_code == 200, response.text
            answer: dict[str, Any] = response.json()
            return answer

        async with chromium(tmp_path / "profile") as browser:
            page = browser.pages[0] if browser.pages else await browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            await log_in(page, base, "nasional")

            # The national picture: every area's figures as the API gives them.
            await expect(page.locator("#scope-title")).to_have_text("Gambaran nasional")
            national = {area: await kpis(area) for area in AREAS}
            assert {r["code"] for r in national["occupancy"]["breakdown"]} == {"KW-DKI", "KW-JABAR"}
            for area in AREAS:
                await expect_figures(page, national[area])
            chart = page.locator('#area-occupancy [data-chart="occupancy"] .bar-row')
            await expect(chart).to_have_count(2)  # occupancy by Kanwil
            await expect(page.locator('#area-security [data-chart="security"]')).to_be_visible()  # over time

            # Drill down: the Kanwil's bar, then a UPT's row.
            await page.locator('#area-occupancy .bar-row[data-key="KW-DKI"]').click()
            await expect(page.locator("#scope-title")).to_contain_text("Kanwil: ")
            kanwil = await kpis("occupancy", kanwil_code="KW-DKI")
            assert {r["code"] for r in kanwil["breakdown"]} == {"LP-CIPINANG", "RT-SALEMBA"}
            await expect_figures(page, kanwil)
            await page.locator('#area-occupancy .breakdown tr[data-code="LP-CIPINANG"] button').click()
            await expect(page.locator("#scope-title")).to_contain_text("UPT: ")
            upt = await kpis("occupancy", upt_code="LP-CIPINANG")
            await expect_figures(page, upt)

            # English: the same figures, the API's English labels.
            await page.get_by_role("button", name="Ganti bahasa ke English").click()
            await expect(page.locator("#area-occupancy h2")).to_have_text("Occupancy")
            for kpi in upt["kpis"]:
                await expect(page.locator(f'#area-occupancy .kpi[data-kpi="{kpi["id"]}"] h3')).to_have_text(kpi["label_en"])
            await expect(page.locator("#scope-title")).to_contain_text("UPT: ")

            # Back to the nation by the breadcrumb, on a phone screen.
            await page.set_viewport_size(PHONE)
            await page.locator("#crumbs button").first.click()
            await expect(page.locator("#scope-title")).to_have_text("The national picture")
            await expect(page.locator("#area-occupancy .breakdown tbody tr")).to_have_count(2)
            assert await page.evaluate(NO_HORIZONTAL_SCROLL)
            assert await page.evaluate(LOW_CONTRAST) == []
            await page.get_by_role("button", name="Switch language to Bahasa Indonesia").click()

            # A Kanwil user sees their Kanwil only, however they ask.
            await page.get_by_role("button", name="Keluar").click()
            await log_in(page, base, "kanwil-kw-jabar")
            await expect(page.locator("#scope-title")).to_contain_text("Kanwil: ")
            await expect(page.locator("#area-occupancy .breakdown tbody tr")).to_have_count(1)
            await expect(page.locator('#area-occupancy .breakdown tr[data-code="LP-SUKAMISKIN"]')).to_have_count(1)
            await expect(page.locator("#crumbs li")).to_have_count(1)
            text = await page.inner_text("main")
            assert "KW-DKI" not in text and "Cipinang" not in text
            assert "Nasional" not in await page.inner_text("#crumbs")
    assert errors == []
