"""Access: OAuth2 bearer JWTs verified against a JWKS, roles per service and resource, and the
caller's scope (national, one Kanwil, one UPT).

Every service verifies the tokens itself (no trust in the network). A token carries `sub` (the
user id), `name`, `roles` (`<SERVICE>__<RESOURCE>__RO|RW`) and `pas_scope` (`national`,
`kanwil:<code>`, `upt:<code>`). The resource of a route is the first segment of its path under
`/api/v1/` (`/api/v1/incidents/{id}` -> `INCIDENTS`; `admin/` is skipped, so
`/api/v1/admin/users` -> `USERS`). GET and HEAD need the RO or the RW role, every other method
the RW role. A verified request sets `request.state.actor`, `.scope` and `.roles`, which
pas_shared.api's ActorDep and ScopeDep read.
"""

import asyncio
import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import unquote, urlparse

import httpx
import jwt
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from pas_shared.api import Scope
from pas_shared.errors import DomainError
from pas_shared.problems import problem
from pas_shared.settings import ASYMMETRIC_ALGORITHMS, ServiceSettings

log = logging.getLogger(__name__)

ROLE = re.compile(r"^[A-Z][A-Z0-9_]*__[A-Z][A-Z0-9_]*__(RO|RW)$")
SCOPE = re.compile(r"^(national|(kanwil|upt):[A-Z0-9-]{2,32})$")
# Only asymmetric algorithms (ASYMMETRIC_ALGORITHMS): a service holds public keys and must never
# accept a token signed with a shared secret (HS256 "signed" with the public key) or not at all.
READ_METHODS = frozenset({"GET", "HEAD"})
API_PREFIX = "/api/v1/"
NAMESPACE_SEGMENTS = frozenset({"admin"})  # path segments that group routes without naming a resource
PROXY_SEGMENT = "{service}"  # the gateway's /api/v1/{service}/{path}: the role is the target service's

# Routes every app answers without a token (the contract's public list). The gateway adds its
# own public routes (login, JWKS, dashboard, public statistics) through ServiceSpec.public_routers.
PUBLIC_PATHS = frozenset({"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})


class AccessProblem(DomainError):
    """An authentication or authorisation refusal; rendered as problem+json with its headers."""

    def __init__(self, *, id: str, en: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(id=id, en=en)
        self.headers = headers or {}


class Unauthenticated(AccessProblem):
    status = 401
    code = "unauthenticated"
    title_id = "Perlu masuk (token tidak ada atau tidak sah)"
    title_en = "Authentication required"

    def __init__(self, *, id: str, en: str, token_given: bool = True) -> None:
        super().__init__(id=id, en=en, headers={"WWW-Authenticate": 'Bearer error="invalid_token"' if token_given else "Bearer"})


class Forbidden(AccessProblem):
    status = 403
    code = "forbidden"
    title_id = "Tidak berwenang"
    title_en = "Forbidden"


class TooManyRequests(AccessProblem):
    status = 429
    code = "too-many-requests"
    title_id = "Terlalu banyak percobaan"
    title_en = "Too many requests"

    def __init__(self, *, id: str, en: str, retry_after: int) -> None:
        super().__init__(id=id, en=en, headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after


class AccessUnavailable(AccessProblem):
    """The keys to verify tokens cannot be had (JWKS unreachable or not configured)."""

    status = 503
    code = "auth-unavailable"
    title_id = "Verifikasi akses tidak tersedia"
    title_en = "Access verification unavailable"

    def __init__(self, *, id: str, en: str) -> None:
        super().__init__(id=id, en=en, headers={"Retry-After": "5"})


def install_access_errors(app: FastAPI) -> None:
    @app.exception_handler(AccessProblem)
    async def _access(request: Request, exc: AccessProblem) -> JSONResponse:
        return problem(
            request,
            status=exc.status,
            code=exc.code,
            title_id=exc.title_id,
            title_en=exc.title_en,
            detail_id=exc.detail_id,
            detail_en=exc.detail_en,
            headers=exc.headers,
        )


@dataclass(frozen=True)
class Principal:
    """Who is calling, verified: user id, display name, roles and scope."""

    subject: str
    name: str
    roles: frozenset[str]
    scope: Scope


def parse_scope(value: str) -> Scope:
    """`national`, `kanwil:<code>` or `upt:<code>` -> Scope (ValueError otherwise)."""
    if not SCOPE.match(value):
        raise ValueError(f"not a scope: {value!r}")
    if value == "national":
        return Scope()
    level, code = value.split(":", 1)
    return Scope(level, code)  # type: ignore[arg-type]


def format_scope(scope: Scope) -> str:
    return "national" if scope.level == "national" else f"{scope.level}:{scope.code}"


def role_name(name: str) -> str:
    """`food-audit` -> `FOOD_AUDIT` (a service or resource name as it appears in a role)."""
    return name.upper().replace("-", "_")


def resource_of(path: str) -> str | None:
    """The resource a route path belongs to: its first segment under /api/v1/ (namespace
    segments such as `admin` skipped), `{service}` for the gateway's forwarding route, or None
    for a path outside /api/v1/."""
    if not path.startswith(API_PREFIX):
        return None
    segments = [s for s in path[len(API_PREFIX) :].split("/") if s]
    while segments and segments[0] in NAMESPACE_SEGMENTS:
        segments = segments[1:]
    if not segments:
        return None
    if segments[0] == PROXY_SEGMENT:
        return PROXY_SEGMENT
    if segments[0].startswith("{"):
        return None
    return role_name(segments[0])


def roles_for(service: str, resource: str) -> tuple[str, str]:
    """The read-only and the read-write role of a service's resource."""
    base = f"{role_name(service)}__{resource}"
    return f"{base}__RO", f"{base}__RW"


def allows(roles: Iterable[str], *, service: str, resource: str, method: str) -> bool:
    ro, rw = roles_for(service, resource)
    held = set(roles)
    return rw in held or (method.upper() in READ_METHODS and ro in held)


def roles_of(app: FastAPI) -> list[str]:
    """Every role the protected routes of an app check (RO and RW of each resource)."""
    service = app.state.settings.service_name
    out: set[str] = set()
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and is_protected(context):
            resource = resource_of(route.path)
            if resource and resource != PROXY_SEGMENT:
                out.update(roles_for(service, resource))
    return sorted(out)


def is_protected(context: Any) -> bool:
    """Whether a route (a fastapi RouteContext) carries the security dependency."""
    effective = context._effective_route  # the route as included (its dependencies included)
    dependant = getattr(effective, "dependant", None)
    if dependant is None:
        return False
    return any(d.call is authorize for d in dependant.dependencies)


# --- keys ---------------------------------------------------------------------------------

JwksLoader = Callable[[], Awaitable[dict[str, Any]]]


def file_jwks(url: str) -> JwksLoader:
    path = Path(unquote(urlparse(url).path))

    async def load() -> dict[str, Any]:
        text = await asyncio.to_thread(path.read_text)
        document: dict[str, Any] = json.loads(text)
        return document

    return load


def http_jwks(url: str, client: httpx.AsyncClient) -> JwksLoader:
    async def load() -> dict[str, Any]:
        response = await client.get(url)
        response.raise_for_status()
        document: dict[str, Any] = response.json()
        return document

    return load


class TokenVerifier:
    """Verifies bearer tokens against a JWKS kept in memory: loaded on first use, reloaded when
    older than `max_age` seconds or when a token names a key id it does not hold (a rotation),
    at most once every `min_refresh` seconds (so tokens with made-up key ids cannot make it
    hammer the key server).

    A token verified is remembered for `cache_seconds` (never past its `exp`), at most
    `cache_size` of them: the RSA signature check and the claims' decoding cost about 0.2 ms, as
    much as the rest of a cached KPI answer. So a key withdrawn from the JWKS stops being
    accepted for tokens already seen within `cache_seconds`; refusals are never remembered."""

    def __init__(
        self,
        load: JwksLoader | None,
        *,
        issuer: str,
        audience: str,
        algorithms: Iterable[str],
        leeway: float = 30,
        max_age: float = 300,
        min_refresh: float = 10,
        monotonic: Callable[[], float] = time.monotonic,
        cache_seconds: float = 10,
        cache_size: int = 10_000,
    ) -> None:
        self.algorithms = [a for a in algorithms]
        if not self.algorithms or not set(self.algorithms) <= ASYMMETRIC_ALGORITHMS:
            raise ValueError(f"only asymmetric algorithms are allowed, got {self.algorithms}")
        self._load = load
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
        self.max_age = max_age
        self.min_refresh = min_refresh
        self._monotonic = monotonic
        self._keys: dict[str, dict[str, Any]] = {}
        self._loaded_at: float | None = None
        self._lock = asyncio.Lock()
        self.cache_seconds = cache_seconds
        self.cache_size = cache_size
        self._verified: OrderedDict[str, tuple[float, Principal]] = OrderedDict()  # token -> (until, principal)

    async def _refresh(self, *, unless_newer_than: float) -> None:
        async with self._lock:
            if self._loaded_at is not None and self._monotonic() - self._loaded_at < unless_newer_than:
                return  # another request reloaded it meanwhile
            if self._load is None:
                raise AccessUnavailable(
                    id="Layanan ini belum dikonfigurasi dengan JWKS (auth_jwks_url).",
                    en="This service has no JWKS configured (auth_jwks_url).",
                )
            try:
                document = await self._load()
                keys = {k["kid"]: k for k in document.get("keys", []) if isinstance(k, dict) and "kid" in k}
            except Exception as exc:
                if self._keys:  # keep the last good keys; try again after min_refresh
                    log.warning("JWKS reload failed, keeping the previous keys: %s", exc)
                    self._loaded_at = self._monotonic() - self.max_age + self.min_refresh
                    return
                log.warning("JWKS could not be loaded: %s", exc)
                raise AccessUnavailable(
                    id="Kunci verifikasi token (JWKS) tidak dapat dimuat.",
                    en="The token verification keys (JWKS) cannot be loaded.",
                ) from exc
            self._keys = keys
            self._loaded_at = self._monotonic()

    async def _key(self, kid: str) -> dict[str, Any] | None:
        age = None if self._loaded_at is None else self._monotonic() - self._loaded_at
        if age is None or age >= self.max_age:
            await self._refresh(unless_newer_than=self.max_age)
        elif kid not in self._keys and age >= self.min_refresh:
            await self._refresh(unless_newer_than=self.min_refresh)
        return self._keys.get(kid)

    async def verify(self, token: str) -> Principal:
        found = self._verified.get(token)
        if found is not None:
            if self._monotonic() < found[0]:
                return found[1]
            del self._verified[token]
        principal, expires = await self._verify(token)
        keep = min(self.cache_seconds, expires - time.time())  # exp is wall-clock time
        if keep > 0:
            self._verified[token] = (self._monotonic() + keep, principal)
            while len(self._verified) > self.cache_size:
                self._verified.popitem(last=False)  # the oldest first
        return principal

    async def _verify(self, token: str) -> tuple[Principal, float]:
        """The token's principal and its `exp` (seconds since the epoch)."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise _invalid("Token tidak dapat dibaca.", "The token cannot be parsed.") from None
        alg = header.get("alg")
        if alg not in self.algorithms:
            raise _invalid(f"Algoritma token '{alg}' tidak diizinkan.", f"Token algorithm '{alg}' is not allowed.")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise _invalid("Token tidak menyebut kunci (kid).", "The token names no key id (kid).")
        jwk = await self._key(kid)
        if jwk is None:
            raise _invalid(f"Kunci '{kid}' tidak dikenal.", f"Unknown signing key '{kid}'.")
        if jwk.get("alg", alg) != alg or jwk.get("use", "sig") != "sig":
            raise _invalid("Kunci tidak untuk algoritma ini.", "The key is not for this algorithm.")
        try:
            key = jwt.PyJWK(jwk, algorithm=alg)
            claims = jwt.decode(
                token,
                key=key.key,
                algorithms=[alg],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise _invalid("Token sudah kedaluwarsa.", "The token has expired.") from None
        except jwt.PyJWTError as exc:
            raise _invalid("Token tidak sah.", f"Invalid token: {exc}.") from None
        return _principal(claims), float(claims["exp"])


def verifier_for(settings: ServiceSettings, own: JwksLoader | None, client: httpx.AsyncClient) -> TokenVerifier:
    """The verifier a service's settings describe: their JWKS URL, else the service's own keys
    (the gateway's embedded issuer), else none (protected routes answer 503)."""
    url = settings.auth_jwks_url
    load = own
    min_refresh = 0.0  # the service's own keys or a local file: cheap to read again
    if url.startswith("file://"):
        load = file_jwks(url)
    elif url:
        load = http_jwks(url, client)
        min_refresh = settings.auth_jwks_min_refresh_seconds
    if load is None:
        log.warning("no JWKS configured (auth_jwks_url): every protected route answers 503")
    return TokenVerifier(
        load,
        issuer=settings.auth_issuer,
        audience=settings.auth_audience,
        algorithms=settings.auth_algorithms,
        leeway=settings.auth_leeway_seconds,
        max_age=settings.auth_jwks_max_age_seconds,
        min_refresh=min_refresh,
    )


def _invalid(id: str, en: str) -> Unauthenticated:
    return Unauthenticated(id=id, en=en)


def _principal(claims: dict[str, Any]) -> Principal:
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise _invalid("Token tanpa subjek.", "The token has no subject.")
    raw_scope = claims.get("pas_scope")
    try:
        scope = parse_scope(raw_scope) if isinstance(raw_scope, str) else None
    except ValueError:
        scope = None
    if scope is None:
        raise _invalid("Token tanpa cakupan (pas_scope) yang sah.", "The token has no valid scope (pas_scope).")
    raw_roles = claims.get("roles", [])
    if not isinstance(raw_roles, list):
        raise _invalid("Klaim roles harus berupa daftar.", "The roles claim must be a list.")
    # Roles of other systems that share the identity provider are not ours: ignored, not refused.
    roles = frozenset(r for r in raw_roles if isinstance(r, str) and ROLE.match(r))
    name = claims.get("name")
    return Principal(subject=sub, name=name if isinstance(name, str) else sub, roles=roles, scope=scope)


# --- the dependency -----------------------------------------------------------------------

_bearer = HTTPBearer(
    auto_error=False,
    bearerFormat="JWT",
    description="OAuth2 bearer token (JWT) from the gateway's POST /api/v1/auth/token or the identity provider.",
)


def _token(request: Request, credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None or not credentials.credentials:
        given = bool(request.headers.get("authorization"))
        raise Unauthenticated(
            id="Permintaan ini memerlukan token Bearer.", en="This request needs a Bearer token.", token_given=given
        )
    return credentials.credentials


def _target(request: Request, service: str, path: str) -> tuple[str, str]:
    """(service, resource) the request is for. The gateway's forwarding route names them in
    its path parameters: /api/v1/{service}/{path} -> that service, the path's first segment."""
    resource = resource_of(path)
    if resource == PROXY_SEGMENT:
        target = str(request.path_params.get("service", ""))
        rest = resource_of(API_PREFIX + str(request.path_params.get("path", "")))
        if not target or rest is None or rest == PROXY_SEGMENT:
            raise Forbidden(id="Sumber daya tidak dikenal.", en="Unknown resource.")
        return target, rest
    if resource is None:  # create_app refuses such routes; a guard against a later change
        raise Forbidden(id="Rute ini tidak memiliki sumber daya.", en="This route names no resource.")
    return service, resource


async def authorize(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
    """The security dependency create_app attaches to every non-public route."""
    token = _token(request, credentials)
    verifier: TokenVerifier | None = getattr(request.app.state, "token_verifier", None)
    if verifier is None:  # the app runs without its lifespan
        raise AccessUnavailable(id="Verifikasi akses belum dimulai.", en="Access verification has not started.")
    principal = await verifier.verify(token)
    route = request.scope.get("route")
    path = getattr(route, "path", "")
    service, resource = _target(request, request.app.state.settings.service_name, path)
    if not allows(principal.roles, service=service, resource=resource, method=request.method):
        ro, rw = roles_for(service, resource)
        needed = rw if request.method.upper() not in READ_METHODS else f"{ro} / {rw}"
        raise Forbidden(id=f"Perlu peran {needed}.", en=f"Needs the role {needed}.")
    request.state.actor = principal.subject
    request.state.scope = principal.scope
    request.state.roles = principal.roles
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(authorize)]
