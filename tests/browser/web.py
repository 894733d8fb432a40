"""What the browser tests share: Debian's Chromium driven by Playwright, the gateway served over
real HTTP on 127.0.0.1, real events fed through the remission service, and a check that a route
of the issue-7 parts built in parallel is there yet."""

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from playwright.async_api import BrowserContext, Page, async_playwright
from starlette.routing import Match

from tests.integration.harness import eventually, free_port

CHROMIUM = "/usr/bin/chromium"  # Debian's package, installed by scripts/setup.sh --browser
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 375, "height": 740}

# The parts of issue 7 built alongside the dashboard: (method, a path it serves, who builds it).
LOGIN = ("POST", "/api/v1/auth/token", "part A (access)")
KPI_AREA = ("GET", "/api/v1/kpi/security", "part C (national KPIs): GET /api/v1/kpi/{area}")
KPI_SERIES = ("GET", "/api/v1/kpi/security/series", "part C (national KPIs): GET /api/v1/kpi/{area}/series")
PUBLIC_STATISTICS = ("GET", "/api/v1/public/statistics", "part C (national KPIs)")


def serves(app: FastAPI, method: str, path: str) -> bool:
    """Whether one of the gateway's own routes answers this request. The forwarding route
    `/api/v1/{service}/{path}` matches any path, so it does not count."""
    scope = {"type": "http", "method": method, "path": path, "root_path": ""}
    for route in app.router.routes:
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return not str(getattr(route, "path", "")).startswith("/api/v1/{service}")
    return False


def require(app: FastAPI, *routes: tuple[str, str, str]) -> None:
    """Skip the rest of a test until the routes it needs are served (checked on the app itself,
    so the test runs by itself once they land)."""
    missing = [f"{method} {path} ({part})" for method, path, part in routes if not serves(app, method, path)]
    if missing:
        pytest.skip("not served yet: " + "; ".join(missing))


@asynccontextmanager
async def chromium(user_data_dir: Path) -> AsyncIterator[BrowserContext]:
    """The system's Chromium with a fresh profile folder (Playwright passes it as
    --user-data-dir); never a browser of Playwright's own (`playwright install`)."""
    if not os.path.exists(CHROMIUM):  # noqa: ASYNC240 - one stat before starting a browser
        raise RuntimeError(f"{CHROMIUM} is missing: run scripts/setup.sh --browser (make test does)")
    async with async_playwright() as pw:
        context = await pw.chromium.launch_persistent_context(
            str(user_data_dir), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, locale="id-ID"
        )
        try:
            yield context
        finally:
            await context.close()


@asynccontextmanager
async def served(app: FastAPI) -> AsyncIterator[str]:
    """Serve an app whose lifespan is already running (harness `running`) over real HTTP on
    127.0.0.1, for the browser; yields its base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:

        async def started() -> bool:
            if task.done():
                task.result()  # raises what stopped it
            return bool(server.started)

        await eventually(started, timeout=15, what="gateway to listen")
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        await task


class Requests:
    """Every request a page makes, and the JSON bodies it received."""

    def __init__(self, page: Page) -> None:
        self.urls: list[str] = []
        self.json: list[Any] = []
        self._pending: list[asyncio.Task[None]] = []
        page.on("request", lambda request: self.urls.append(request.url))
        page.on("response", lambda response: self._pending.append(asyncio.ensure_future(self._keep(response))))

    async def _keep(self, response: Any) -> None:
        if "json" in (response.headers.get("content-type") or ""):
            self.json.append(await response.json())

    async def settled(self) -> None:
        await asyncio.gather(*self._pending)


# Three UPTs in two Kanwil, filled through the remission service: its events reach the gateway.
FACILITIES = [
    ("LP-CIPINANG", "Lapas Kelas I Cipinang", "Lapas", "KW-DKI", 2),
    ("RT-SALEMBA", "Rutan Kelas I Jakarta Pusat (Salemba)", "Rutan", "KW-DKI", 3),
    ("LP-SUKAMISKIN", "Lapas Kelas I Sukamiskin", "Lapas", "KW-JABAR", 2),
]
ADMISSIONS = {"LP-CIPINANG": 3, "RT-SALEMBA": 2, "LP-SUKAMISKIN": 1}
NATIONAL_OCCUPANTS, NATIONAL_CAPACITY = 6, 7


async def feed_events(remission: httpx.AsyncClient) -> list[dict[str, Any]]:
    """Register the facilities and admit the inmates; returns the inmates as remission holds them
    (what must never show on a public page)."""
    for upt_code, name, upt_type, kanwil_code, capacity in FACILITIES:
        body = {
            "upt_code": upt_code,
            "name": name,
            "upt_type": upt_type,
            "kanwil_code": kanwil_code,
            "capacity": capacity,
            "time_zone": "Asia/Jakarta",
        }
        response = await remission.post("/api/v1/facilities", json=body)
        assert response.status_code == 201, response.text
    inmates = []
    n = 0
    for upt_code, count in ADMISSIONS.items():
        for _ in range(count):
            n += 1
            body = {
                "register_number": f"BI-{n:04d}/2026",
                "upt_code": upt_code,
                "custody_status": "narapidana",
                "birth_date": f"1988-03-{n:02d}",
                "admitted_on": "2026-02-02",
                "religion": "islam",
            }
            response = await remission.post("/api/v1/inmates", json=body)
            assert response.status_code == 201, response.text
            inmates.append(response.json())
    return inmates


def numbers(value: Any) -> set[float]:
    """Every number in a JSON value."""
    if isinstance(value, bool):
        return set()
    if isinstance(value, int | float):
        return {value}
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return set().union(*(numbers(v) for v in value)) if value else set()
    return set()


async def wait_for_occupancy(gateway: httpx.AsyncClient, headers: dict[str, str] | None = None) -> None:
    """Until the gateway's occupancy KPI counts every admission and every place: its read model
    has consumed the events."""

    async def counted() -> bool:
        response = await gateway.get("/api/v1/kpi/occupancy", headers=headers)
        found = numbers(response.json()) if response.status_code == 200 else set()
        return {NATIONAL_OCCUPANTS, NATIONAL_CAPACITY} <= found

    await eventually(counted, timeout=60, what="the gateway's occupancy KPI to count the events")


def personal_data(inmates: list[dict[str, Any]]) -> list[str]:
    """What identifies a person among the inmates fed: ids, register numbers, birth dates."""
    values = []
    for inmate in inmates:
        values += [inmate["inmate_id"], inmate["register_number"]]
    values += [f"1988-03-{n:02d}" for n in range(1, len(inmates) + 1)]
    return values


NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"

# The visible text elements whose contrast with their background is below WCAG AA (4.5:1).
LOW_CONTRAST = """() => {
      const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
      const lum = ([r, g, b]) => [r, g, b]
        .map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
        .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
      const background = (el) => {
        for (let e = el; e; e = e.parentElement) {
          const c = rgb(getComputedStyle(e).backgroundColor);
          if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
        }
        return [255, 255, 255];
      };
      const bad = [];
      document.querySelectorAll("body *").forEach((el) => {
        const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
        if (!own || !el.getClientRects().length) return;
        const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
        const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        if (ratio < 4.5) bad.push(`${el.tagName.toLowerCase()}.${el.className}: ${ratio.toFixed(2)}`);
      });
      return bad;
    }"""
