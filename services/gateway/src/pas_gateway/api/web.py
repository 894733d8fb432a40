"""The dashboard (`/`), the public transparency page (`/publik`) and their static files.

Plain files shipped in the package (pas_gateway/web/): no build step, no CDN, nothing fetched
from another origin — the Content-Security-Policy below makes the browser refuse anything else.
The pages call the gateway's own API: the dashboard with the token from `POST /api/v1/auth/token`,
the public page `GET /api/v1/public/statistics` with no login.
"""

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from pas_shared.errors import NotFound

WEB = Path(str(files("pas_gateway").joinpath("web")))

MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}

# Same origin only; no inline script or style, no frames, no plugins.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

# The assets are the files in the folder, listed once: a name not listed is 404, so no path
# given by a caller ever reaches the file system.
ASSETS = {p.name: p for p in WEB.iterdir() if p.suffix in MEDIA_TYPES and p.suffix != ".html"}

router = APIRouter(tags=["web"], include_in_schema=False)


def _file(path: Path) -> FileResponse:
    return FileResponse(path, media_type=MEDIA_TYPES[path.suffix], headers=SECURITY_HEADERS)


@router.get("/", operation_id="dashboardPage")
async def dashboard_page() -> FileResponse:
    return _file(WEB / "index.html")


@router.get("/publik", operation_id="publicStatisticsPage")
async def public_page() -> FileResponse:
    return _file(WEB / "publik.html")


@router.get("/static/{name}", operation_id="staticAsset")
async def static_asset(name: str) -> FileResponse:
    path = ASSETS.get(name)
    if path is None:
        raise NotFound(id=f"Berkas {name} tidak ada.", en=f"There is no file {name}.")
    return _file(path)
