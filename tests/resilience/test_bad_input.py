"""Hand-written bad input against the five apps (issue 10, "Bad input"), on the real PostgreSQL:
oversized bodies (limit 1 MiB, remission 16 MiB: `..._MAX_REQUEST_BODY_BYTES`), deep JSON, wrong content types,
bytes that are not UTF-8, text the database cannot store (NUL, lone surrogates), unicode that
must come back exactly as sent (right-to-left override, emoji, combining marks), SQL-looking
strings, path traversal in ids and file names. Each refusal is a clear 4xx as problem+json and
writes nothing: no row, no outbox event, no audit entry; text that is just text is stored
verbatim and harms nothing. Also the 5xx the fuzzing found, each fixed and pinned here."""

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.integration.harness import Platform
from tests.resilience.apps import SERVICES, WRITES, assert_problem, five_apps, register_upts

pytestmark = pytest.mark.integration

MIB = 1024 * 1024
JSON = {"content-type": "application/json"}

UNICODE = [
    "Blok C \u202elantai 2\u202c (RTL override)",  # right-to-left override and pop
    "Dapur 🍚 petugas 👮🏽‍♀️ selesai ✅",  # emoji, skin tone and ZWJ sequence
    "Pe\u0301ngawasan a\u0308\u0301 combining",  # combining marks (NFD kept as sent)
    "\u200bzero\u200dwidth\ufeffBOM",  # zero-width space, joiner, BOM
    "ꦥꦱ Jawa · العربية · 中文",  # other scripts
]
SQL = [
    "Robert'); DROP TABLE incidents;--",
    "' OR '1'='1",
    "1; SELECT pg_sleep(5)--",
    "100% _wildcard_ \\ backslash",
]


async def chunks(total: int, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    """A body sent without Content-Length (chunked)."""
    sent = 0
    yield b'{"name": "'
    while sent < total:
        yield b"x" * size
        sent += size
    yield b'"}'


async def test_malformed_bodies_are_refused_and_write_nothing(platform: Platform) -> None:
    async with five_apps(platform) as apps:
        await register_upts(apps)
        before = await apps.written()
        for service in SERVICES:
            client = apps.clients[service]
            path, valid = WRITES[service]
            over = apps.apps[service].state.settings.max_request_body_bytes + 1024  # 1 MiB; remission 16 MiB
            big = json.dumps(valid | {"name": "x" * over})
            refusals = {
                "oversized": (await client.post(path, content=big, headers=JSON), (413,)),
                "oversized, chunked": (await client.post(path, content=chunks(over), headers=JSON), (413,)),
                "deep arrays": (await client.post(path, content=b"[" * 10_000 + b"]" * 10_000, headers=JSON), (400, 422)),
                "deep objects": (
                    await client.post(path, content=b'{"a":' * 10_000 + b"1" + b"}" * 10_000, headers=JSON),
                    (400, 422),
                ),
                "truncated JSON": (await client.post(path, content=json.dumps(valid)[:-5], headers=JSON), (422,)),
                "not UTF-8": (await client.post(path, content=b'{"name": "\xff\xfe\xfd"}', headers=JSON), (400, 422)),
                "text/plain": (
                    await client.post(path, content=json.dumps(valid), headers={"content-type": "text/plain"}),
                    (415, 422),
                ),
                "form": (await client.post(path, data={k: str(v) for k, v in valid.items()}), (415, 422)),
                "no content type": (await client.post(path, content=json.dumps(valid), headers={"content-type": ""}), (415, 422)),
                "XML": (
                    await client.post(path, content=b"<facility/>", headers={"content-type": "application/xml"}),
                    (415, 422),
                ),
                "a JSON array": (await client.post(path, json=[valid]), (422,)),
                "NUL in text": (await client.post(path, json=_with_text(service, valid, "a\x00b")), (422,)),
                "lone surrogate": (
                    await client.post(
                        path,
                        content=json.dumps(_with_text(service, valid, "SURROGATE")).replace("SURROGATE", "a\\ud800b"),
                        headers=JSON,
                    ),
                    (422,),
                ),
            }
            for what, (response, statuses) in refusals.items():
                body = assert_problem(response, *statuses)
                assert what != "oversized" or body["type"].endswith("/content-too-large"), (service, body)
        assert await apps.written() == before, "a refused request wrote something"
        # The routes themselves work: the same valid bodies are accepted.
        for service in SERVICES:
            path, valid = WRITES[service]
            response = await apps.clients[service].post(path, json=valid)
            assert response.status_code == 201, (service, response.text)
        after = await apps.written()
        assert all(after[s] != before[s] for s in SERVICES), "each valid write is recorded"


def _with_text(service: str, body: dict[str, Any], text: str) -> dict[str, Any]:
    field = {"security": "title", "gateway": "display_name"}.get(service, "name")
    return body | {field: text}


# The text field of each app's write, and where to read the record back.
TEXT_ROUTES: dict[str, tuple[str, str, str]] = {
    # service: (field, id field of the answer, read-back path template)
    "remission": ("name", "upt_code", "/api/v1/facilities/{}"),
    "security": ("narrative", "incident_id", "/api/v1/incidents/{}"),
    "rehabilitation": ("name", "programme_id", "/api/v1/programmes/{}"),
    "food-audit": ("name", "vendor_id", "/api/v1/vendors/{}"),
    "gateway": ("display_name", "user_id", "/api/v1/admin/users/{}"),
}


def _unique(service: str, body: dict[str, Any], n: int) -> dict[str, Any]:
    """The valid write made distinct (codes, names and usernames are unique)."""
    return body | {
        "remission": {"upt_code": f"LP-UJI{n}"},
        "food-audit": {"address": f"Jl. Uji {n}"},
        "gateway": {"username": f"petugas.{n}"},
    }.get(service, {})


async def test_unicode_and_sql_looking_text_is_stored_verbatim(platform: Platform) -> None:
    async with five_apps(platform) as apps:
        await register_upts(apps)
        for service in SERVICES:
            client = apps.clients[service]
            path, valid = WRITES[service]
            field, id_field, read = TEXT_ROUTES[service]
            for n, text in enumerate(UNICODE + SQL):
                body = _unique(service, valid, n) | {field: text}
                if service == "food-audit":
                    body |= {"name": f"{text} {n}"[:200]}
                    text = body["name"]
                response = await client.post(path, json=body)
                assert response.status_code == 201, (service, text, response.text)
                stored = (await client.get(read.format(response.json()[id_field]))).json()
                assert stored[field] == text, (service, text, stored[field])
        # The SQL was only text: every table still there, the rows all counted.
        assert await platform.scalar("security", "SELECT count(*) FROM incidents") == len(UNICODE + SQL)
        assert await platform.scalar("remission", "SELECT count(*) FROM facilities") == 2 + len(UNICODE + SQL)
        listed = await apps.clients["security"].get("/api/v1/incidents", params={"limit": 500})
        assert listed.json()["total"] == len(UNICODE + SQL)


TRAVERSALS = [
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "%252e%252e%252fetc%252fpasswd",
    "....%2F%2F....%2F%2Fetc%2Fpasswd",
    "..%5C..%5Cwindows%5Cwin.ini",
    "%00",
    "'%20OR%20'1'%3D'1",
]
BY_ID = {
    "remission": ["/api/v1/facilities/{}", "/api/v1/inmates/{}"],
    "security": ["/api/v1/incidents/{}", "/api/v1/officers/{}"],
    "rehabilitation": ["/api/v1/programmes/{}", "/api/v1/products/{}"],
    "food-audit": ["/api/v1/vendors/{}", "/api/v1/inspections/{}"],
    "gateway": ["/api/v1/admin/users/{}", "/static/{}"],
}


async def test_path_traversal_and_sql_in_ids_and_filters_are_refused(platform: Platform) -> None:
    async with five_apps(platform) as apps:
        await register_upts(apps)
        before = await apps.written()
        for service, templates in BY_ID.items():
            client = apps.clients[service]
            for template in templates:
                for attack in TRAVERSALS:
                    response = await client.get(template.format(attack))
                    assert_problem(response, 403, 404, 422)  # 403: the gateway's forwarding route took it
                    assert "root:" not in response.text and "[fonts]" not in response.text
        for service, path in [
            ("security", "/api/v1/incidents"),
            ("rehabilitation", "/api/v1/programmes"),
            ("food-audit", "/api/v1/vendors"),
            ("gateway", "/api/v1/kpi/occupancy"),
        ]:
            for value in ["' OR 1=1--", "LP-CIPINANG'; DROP TABLE facilities;--", "../../etc/passwd", "\x00"]:
                assert_problem(await apps.clients[service].get(path, params={"upt_code": value}), 404, 422)
        assert await apps.written() == before


async def test_the_gateway_forwards_no_dot_segments(platform: Platform) -> None:
    async with five_apps(platform) as apps:
        gateway = apps.clients["gateway"]
        for attack in ["incidents/..%2F..%2F..%2Fmetrics", "incidents/%2e%2e/%2e%2e/%2e%2e/readyz"]:
            response = await gateway.get(f"/api/v1/security/{attack}")
            assert response.status_code in (400, 403, 404, 422), response.text


async def test_the_5xx_the_fuzzing_found_are_4xx(platform: Platform) -> None:
    async with five_apps(platform) as apps:
        await register_upts(apps)
        before = await apps.written()
        # Reference data asked for a date before its first rule version: was LookupError -> 500.
        for service, path in [
            ("rehabilitation", "/api/v1/product-categories"),
            ("rehabilitation", "/api/v1/programme-categories"),
            ("rehabilitation", "/api/v1/permit-types"),
            ("rehabilitation", "/api/v1/branding/reference"),
            ("remission", "/api/v1/social-assistance/programmes"),
            ("food-audit", "/api/v1/vendor-sanctions/reference"),
            ("food-audit", "/api/v1/inspection-templates/current"),
        ]:
            body = assert_problem(await apps.clients[service].get(path, params={"on": "1970-01-01"}), 422)
            assert body["type"].endswith("/rule-not-in-force") and "1970-01-01" in body["detail"], body
            assert (await apps.clients[service].get(path)).status_code == 200  # today's rules: there
        # An offset past int64: was a 500 from the database driver.
        for service, path in [("food-audit", "/api/v1/served-menus"), ("security", "/api/v1/incidents")]:
            response = await apps.clients[service].get(path, params={"offset": 57957688793830501908480})
            assert assert_problem(response, 422)["errors"][0]["field"] == "offset"
        # NUL in a path or query parameter: was a 500 (PostgreSQL refuses it in text).
        assert_problem(await apps.clients["remission"].get("/api/v1/facilities/LP%00X"), 422)
        # 405 names every method of the path (GET and POST of /incidents are two routes).
        response = await apps.clients["security"].request("DELETE", "/api/v1/incidents")
        assert_problem(response, 405)
        assert response.headers["allow"] == "GET, POST"
        assert await apps.written() == before


def gateway_limit() -> int:
    from pas_gateway.settings import Settings

    return int(Settings.model_fields["max_request_body_bytes"].default)


async def test_oversized_bodies_through_the_gateway_reach_no_service(platform: Platform) -> None:
    """An oversized body through the gateway's forwarding is refused at the door (413), before
    any service is asked (the upstreams here do not even listen)."""
    async with five_apps(platform) as apps:
        gateway = apps.clients["gateway"]
        valid = WRITES["security"][1]
        over = gateway_limit() + MIB  # the gateway takes what remission takes (16 MiB), more than security's 1 MiB
        big = json.dumps(valid | {"narrative": "x" * over})
        assert_problem(await gateway.post("/api/v1/security/incidents", content=big, headers=JSON), 413)
        assert_problem(await gateway.post("/api/v1/security/incidents", content=chunks(over), headers=JSON), 413)
