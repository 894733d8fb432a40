"""The gateway's embedded token issuer: users, their roles and scope, signing-key retention and
the login throttle. Pure rules; hashing, signing and storage live in app/ and adapters/.

In production an external identity provider (e.g. Keycloak) issues the tokens and the services
verify them against its JWKS (setting `auth_jwks_url`); this issuer is the embedded default."""

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from pas_shared.errors import RuleViolation

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
ROLE = re.compile(r"^([A-Z][A-Z0-9_]*)__([A-Z][A-Z0-9_]*)__(RO|RW)$")
SCOPE = re.compile(r"^(national|(kanwil|upt):[A-Z0-9-]{2,32})$")
PASSWORD_MIN_LENGTH = 10

# The resources each service's routes check (the first path segment under /api/v1/, admin/
# skipped; pas_shared.auth). A test compares this catalogue with the five apps' routes.
RESOURCES: dict[str, tuple[str, ...]] = {
    "GATEWAY": ("ASYNCAPI", "KPI", "PARTNERS", "SIGNING_KEYS", "USERS"),
    "SECURITY": (
        "CORRECTIVE_ACTIONS",
        "DISCIPLINE",
        "ESCAPES",
        "INCIDENTS",
        "OFFICERS",
        "ROSTER",
        "SEARCHES",
        "SEIZURES",
        "SOP_AUDITS",
    ),
    "REHABILITATION": (
        "BRANDING",
        "BRANDINGS",
        "ENROLMENTS",
        "FACILITIES",
        "MONEY",
        "PARTNERSHIPS",
        "PERMIT_TYPES",
        "PERMITS",
        "PNBP_DEPOSITS",
        "PREMI_PAYMENTS",
        "PREMI_SPLITS",
        "PRODUCT_CATEGORIES",
        "PRODUCTS",
        "PROGRAMME_CATEGORIES",
        "PROGRAMMES",
        "RISK_ASSESSMENTS",
        "ROSTER",
        "SALES",
    ),
    "REMISSION": (
        "DECONGESTION",
        "FACILITIES",
        "INMATES",
        "INTEGRATION_APPLICATIONS",
        "OCCUPANCY",
        "REFERENCE",
        "RELEASE_FORECAST",
        "REMISSION_BATCHES",
        "SOCIAL_ASSISTANCE",
    ),
    "FOOD_AUDIT": (
        "CONTRACTS",
        "DELIVERIES",
        "FINDINGS",
        "INSPECTION_TEMPLATES",
        "INSPECTIONS",
        "KITCHEN_CERTIFICATES",
        "KITCHENS",
        "MENU_CYCLES",
        "ROSTER",
        "SERVED_MENUS",
        "VENDOR_PERFORMANCE",
        "VENDOR_SANCTIONS",
        "VENDORS",
    ),
}
ADMIN_RESOURCES = {("GATEWAY", "USERS"), ("GATEWAY", "SIGNING_KEYS"), ("GATEWAY", "PARTNERS")}


def all_roles() -> list[str]:
    return sorted(f"{s}__{r}__{a}" for s, resources in RESOURCES.items() for r in resources for a in ("RO", "RW"))


def staff_roles() -> list[str]:
    """Every role but user and key administration: what a regional demo user gets."""
    return [r for r in all_roles() if tuple(r.split("__")[:2]) not in ADMIN_RESOURCES]


def normalise_username(value: str) -> str:
    return value.strip().lower()


def check_username(value: str) -> str:
    name = normalise_username(value)
    if not USERNAME.match(name):
        raise RuleViolation(
            "username",
            "username-format",
            id="Nama pengguna 3-64 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung.",
            en="A username has 3-64 characters: lower-case letters, digits, dot, underscore or hyphen.",
        )
    return name


def check_password(value: str) -> None:
    if len(value) < PASSWORD_MIN_LENGTH:
        raise RuleViolation(
            "password",
            "password-length",
            id=f"Kata sandi minimal {PASSWORD_MIN_LENGTH} karakter.",
            en=f"A password has at least {PASSWORD_MIN_LENGTH} characters.",
        )


def check_roles(roles: list[str]) -> list[str]:
    known = set(all_roles())
    for n, role in enumerate(roles):
        if role not in known:
            raise RuleViolation(
                f"roles[{n}]",
                "role-known",
                id=f"Peran '{role}' tidak dikenal (bentuk <LAYANAN>__<SUMBER_DAYA>__RO|RW; '*' tidak diizinkan).",
                en=f"Unknown role '{role}' (form <SERVICE>__<RESOURCE>__RO|RW; '*' is not allowed).",
            )
    return sorted(set(roles))


def check_scope(value: str) -> str:
    if not SCOPE.match(value):
        raise RuleViolation(
            "scope",
            "scope-format",
            id="Cakupan: national, kanwil:<kode> atau upt:<kode>.",
            en="Scope: national, kanwil:<code> or upt:<code>.",
        )
    return value


@dataclass(frozen=True)
class User:
    user_id: str
    username: str
    display_name: str
    roles: tuple[str, ...]
    scope: str
    disabled: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class SigningKey:
    kid: str
    created_at: datetime
    retired_at: datetime | None


def key_published(key: SigningKey, now: datetime, *, token_lifetime: timedelta, leeway: timedelta) -> bool:
    """A retired key stays in the JWKS until the last token it signed has expired."""
    return key.retired_at is None or key.retired_at + token_lifetime + leeway > now


@dataclass(frozen=True)
class Throttle:
    """At most `max_failures` failed logins per username and per client address within
    `window`; beyond that, logins are refused until the oldest failure leaves the window."""

    max_failures: int
    window: timedelta

    def retry_after(self, failures: list[datetime], now: datetime) -> int:
        """Seconds to wait (0: a login may be tried). `failures`: instants within the window."""
        recent = sorted(f for f in failures if f > now - self.window)
        if len(recent) < self.max_failures:
            return 0
        frees_at = recent[len(recent) - self.max_failures] + self.window
        return max(1, math.ceil((frees_at - now).total_seconds()))


def demo_username(scope: str) -> str:
    """`nasional`, `kanwil-<code>` or `upt-<code>` (lower case) for a demo user of a scope."""
    if scope == "national":
        return "nasional"
    level, code = scope.split(":", 1)
    return f"{level}-{code.lower()}"
