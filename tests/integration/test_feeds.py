"""Feeds for other ministries on the real broker and database.

The scripted scenario of issue 8: the domain events an escape, a recapture, a PB decree, a halal
permit granted, a failed kitchen inspection and a social-assistance distribution produce (plus a
redelivered escape, a P-IRT permit and an escape in another province, which must change nothing
for the wrong partners) reach the gateway's feed consumer; each seeded partner's topic then holds
exactly the expected messages, read by consumers outside our code (the CloudEvents SDK and
kcat), each valid against its committed public JSON Schema with no field beyond the partner's
allow-list. A replay re-publishes with the same ids. Partner administration is national-only,
validated and audited. The domain events are produced as the services publish them (same
envelope, topic and key); the services' own tests cover how their requests produce them.
"""

import asyncio
import json
import shutil
from datetime import UTC, date, datetime, timedelta
from typing import Any

import jsonschema
from cloudevents.v1.kafka import KafkaMessage, from_binary
from pydantic import BaseModel

from pas_gateway.domain.feed_mapping import MAPPINGS
from pas_gateway.domain.feeds import feed_event_id
from pas_shared.events import food_audit, rehabilitation, remission, security
from pas_shared.events.asyncapi import ASYNCAPI_DIR, PUBLIC_SCHEMA_DIR
from pas_shared.events.catalog import EventType
from pas_shared.events.envelope import Envelope, encode_kafka
from pas_shared.ids import new_id
from tests.integration.harness import Platform, bearer, create_app, make_token, running, until_equal

AT = datetime(2026, 3, 1, 2, 30, tzinfo=UTC)


class Published:
    """A domain event as its service publishes it."""

    def __init__(self, et: EventType[Any], payload: BaseModel, *, subject: str, upt: str, kanwil: str, at: datetime) -> None:
        self.et = et
        self.envelope = Envelope(
            id=new_id(),
            source=et.source,
            type=et.name,
            time=at,
            subject=subject,
            dataschema=et.dataschema,
            uptcode=upt,
            kanwilcode=kanwil,
            data=payload.model_dump(mode="json"),
        )

    async def send(self, platform: Platform) -> None:
        key, value, headers = encode_kafka(self.envelope)
        await platform.produce(self.et.topic, value, key=key, headers=headers)


def scenario() -> dict[str, Published]:
    return {
        "escape": Published(
            security.ESCAPE_REPORTED,
            security.EscapeReported(
                escape_id="esc-1",
                inmate_id="inm-1",
                upt_code="LP-CIPINANG",
                escaped_at=AT,
                escaped_on=date(2026, 3, 1),
                method="memanjat tembok",
            ),
            subject="inm-1",  # as security publishes escapes: by the inmate
            upt="LP-CIPINANG",
            kanwil="KW-DKI",
            at=AT,
        ),
        "recapture": Published(
            security.ESCAPEE_RECAPTURED,
            security.EscapeeRecaptured(
                escape_id="esc-1",
                inmate_id="inm-1",
                upt_code="LP-CIPINANG",
                recaptured_at=AT + timedelta(days=1),
                recaptured_on=date(2026, 3, 2),
                place="Bekasi",
            ),
            subject="inm-1",
            upt="LP-CIPINANG",
            kanwil="KW-DKI",
            at=AT + timedelta(days=1),
        ),
        "other-province-escape": Published(
            security.ESCAPE_REPORTED,
            security.EscapeReported(
                escape_id="esc-2",
                inmate_id="inm-9",
                upt_code="LP-PATI",
                escaped_at=AT,
                escaped_on=date(2026, 3, 1),
                method="saat kunjungan",
            ),
            subject="inm-9",
            upt="LP-PATI",
            kanwil="KW-JATENG",
            at=AT,
        ),
        "pb-decree": Published(
            remission.INTEGRATION_RIGHT_DECIDED,
            remission.IntegrationRightDecided(
                application_id="app-1",
                inmate_id="inm-2",
                upt_code="LP-MAKASSAR",
                kanwil_code="KW-SULSEL",
                right="pb",
                decree_number="PAS-1234.PK.05.09 TAHUN 2026",
                decided_on=date(2026, 3, 3),
                starts_on=date(2026, 3, 4),
                ends_on=date(2027, 1, 10),
                releases=True,
            ),
            subject="app-1",
            upt="LP-MAKASSAR",
            kanwil="KW-SULSEL",
            at=AT + timedelta(days=2),
        ),
        "halal-granted": Published(
            rehabilitation.PERMIT_STATUS_CHANGED,
            rehabilitation.PermitStatusChanged(
                permit_id="per-1",
                product_id="pro-1",
                product_name="Roti Cipinang",
                upt_code="LP-CIPINANG",
                kanwil_code="KW-DKI",
                permit_type="halal",
                from_status="under-review",
                status="granted",
                changed_on=date(2026, 3, 5),
                agency="BPJPH",
                number="ID31110000123450326",
                valid_from=date(2026, 3, 5),
                valid_until=date(2030, 3, 5),
            ),
            subject="pro-1",
            upt="LP-CIPINANG",
            kanwil="KW-DKI",
            at=AT + timedelta(days=4),
        ),
        "pirt-granted": Published(
            rehabilitation.PERMIT_STATUS_CHANGED,
            rehabilitation.PermitStatusChanged(
                permit_id="per-2",
                product_id="pro-2",
                product_name="Keripik Cipinang",
                upt_code="LP-CIPINANG",
                kanwil_code="KW-DKI",
                permit_type="p-irt",
                from_status="under-review",
                status="granted",
                changed_on=date(2026, 3, 5),
                agency="Dinas Kesehatan Kota Jakarta Timur",
                number="P-IRT 2063175010123-30",
                valid_from=date(2026, 3, 5),
                valid_until=date(2031, 3, 5),
            ),
            subject="pro-2",
            upt="LP-CIPINANG",
            kanwil="KW-DKI",
            at=AT + timedelta(days=4),
        ),
        "failed-inspection": Published(
            food_audit.INSPECTION_COMPLETED,
            food_audit.InspectionCompleted(
                inspection_id="ins-1",
                kitchen_id="kit-1",
                upt_code="LP-CIPINANG",
                kind="unannounced",
                template="ikl-dapur",
                template_version="2023",
                inspected_on=date(2026, 3, 6),
                hygiene_pct=40.0,
                structure_pct=70.0,
                management_pct=50.0,
                overall_pct=52.5,
                rating=1,
                passed=False,
                failed_rules=["penjamah-sehat", "air-bersih"],
                findings_opened=2,
                findings_closed=0,
            ),
            subject="ins-1",
            upt="LP-CIPINANG",
            kanwil="KW-DKI",
            at=AT + timedelta(days=5),
        ),
        "assistance": Published(
            remission.ASSISTANCE_DISTRIBUTED,
            remission.AssistanceDistributed(
                distribution_id="dis-1",
                programme="pkh",
                kind="cash",
                amount_rupiah=600_000,
                distributed_on=date(2026, 3, 7),
                partner_agency="Dinas Sosial Kota Makassar",
                recipient_type="family",
                inmate_id="inm-3",
                relationship="istri",
                upt_code="LP-MAKASSAR",
                kanwil_code="KW-SULSEL",
            ),
            subject="dis-1",
            upt="LP-MAKASSAR",
            kanwil="KW-SULSEL",
            at=AT + timedelta(days=6),
        ),
    }


def expected(events: dict[str, Published]) -> dict[str, list[tuple[str, str, dict[str, Any]]]]:
    """partner -> [(source event, public type, data)] in the order published."""
    return {
        "polri-polda-metro-jaya": [
            (
                "escape",
                "pas.partner.escape.reported",
                {
                    "escape_id": "esc-1",
                    "upt_code": "LP-CIPINANG",
                    "kanwil_code": "KW-DKI",
                    "escaped_on": "2026-03-01",
                    "escaped_at": "2026-03-01T02:30:00Z",
                    "inmate_ref": "inm-1",
                    "method": "memanjat tembok",
                },
            ),
            (
                "recapture",
                "pas.partner.escape.recaptured",
                {
                    "escape_id": "esc-1",
                    "upt_code": "LP-CIPINANG",
                    "kanwil_code": "KW-DKI",
                    "recaptured_on": "2026-03-02",
                    "recaptured_at": "2026-03-02T02:30:00Z",
                    "inmate_ref": "inm-1",
                    "place": "Bekasi",
                },
            ),
        ],
        "polri-polda-sulsel": [],
        "kejaksaan-ri": [
            (
                "pb-decree",
                "pas.partner.integration-right.decided",
                {
                    "application_id": "app-1",
                    "upt_code": "LP-MAKASSAR",
                    "kanwil_code": "KW-SULSEL",
                    "right": "pb",
                    "decided_on": "2026-03-03",
                    "inmate_ref": "inm-2",
                    "decree_number": "PAS-1234.PK.05.09 TAHUN 2026",
                    "starts_on": "2026-03-04",
                    "ends_on": "2027-01-10",
                },
            )
        ],
        "bpjph": [
            (
                "halal-granted",
                "pas.partner.permit.status-changed",
                {
                    "permit_id": "per-1",
                    "upt_code": "LP-CIPINANG",
                    "kanwil_code": "KW-DKI",
                    "permit_type": "halal",
                    "status": "granted",
                    "changed_on": "2026-03-05",
                    "product_name": "Roti Cipinang",
                    "number": "ID31110000123450326",
                    "valid_from": "2026-03-05",
                    "valid_until": "2030-03-05",
                },
            )
        ],
        "dinkes-dki": [
            (
                "failed-inspection",
                "pas.partner.kitchen-inspection.completed",
                {
                    "inspection_id": "ins-1",
                    "kitchen_id": "kit-1",
                    "upt_code": "LP-CIPINANG",
                    "kanwil_code": "KW-DKI",
                    "inspected_on": "2026-03-06",
                    "passed": False,
                    "kind": "unannounced",
                    "rating": 1,
                    "hygiene_pct": 40.0,
                    "overall_pct": 52.5,
                    "failed_rules": ["penjamah-sehat", "air-bersih"],
                },
            )
        ],
        "kemensos": [
            (
                "assistance",
                "pas.partner.social-assistance.distributed",
                {
                    "distribution_id": "dis-1",
                    "upt_code": "LP-MAKASSAR",
                    "kanwil_code": "KW-SULSEL",
                    "distributed_on": "2026-03-07",
                    "programme": "pkh",
                    "kind": "cash",
                    "amount_rupiah": 600000,
                    "partner_agency": "Dinas Sosial Kota Makassar",
                    "recipient_type": "family",
                    "relationship": "istri",
                },
            )
        ],
    }


async def read_feed(platform: Platform, partner_id: str, at_least: int) -> list[Any]:
    """The partner's topic as a consumer outside our code reads it: the CloudEvents SDK's Kafka binding."""
    records = await platform.records(f"pas.partner.{partner_id}.v1", at_least=at_least)
    return [from_binary(KafkaMessage(headers=dict(r.headers), key=r.key, value=r.value)) for r in records]


async def read_with_kcat(platform: Platform, partner_id: str) -> list[dict[str, Any]]:
    """The same topic read by kcat (JSON envelope: headers as a flat name/value list)."""
    proc = await asyncio.create_subprocess_exec(
        "kcat", "-b", platform.kafka, "-C", "-t", platform.topic(f"pas.partner.{partner_id}.v1"), "-e", "-q", "-J",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()
    messages = []
    for line in out.decode().splitlines():
        record = json.loads(line)
        headers = record["headers"]
        messages.append(
            {"headers": dict(zip(headers[::2], headers[1::2], strict=True)), "payload": json.loads(record["payload"])}
        )
    return messages


def public_schema(event_type: str) -> dict[str, Any]:
    return dict(json.loads((PUBLIC_SCHEMA_DIR / f"{event_type}.v1.json").read_text()))


async def feed_log(platform: Platform) -> int:
    return int(await platform.scalar("gateway", "SELECT count(*) FROM partner_feed_log"))


async def unsent(platform: Platform) -> int:
    return int(await platform.scalar("gateway", "SELECT count(*) FROM outbox WHERE sent_at IS NULL"))


async def test_the_scenario_gives_each_partner_exactly_its_messages_and_a_replay_repeats_them(platform: Platform) -> None:
    await platform.create_databases("gateway")
    async with running(create_app(platform, "gateway", feeds_seed_examples=True)) as gateway:
        partners = {p["partner_id"]: p for p in (await gateway.get("/api/v1/admin/partners")).json()["items"]}
        want = expected(events := scenario())
        assert set(partners) == set(want)
        for name in ("escape", "recapture", "other-province-escape", "pb-decree", "halal-granted", "pirt-granted"):
            await events[name].send(platform)
        await events["escape"].send(platform)  # redelivered: the same event id again
        for name in ("failed-inspection", "assistance"):
            await events[name].send(platform)
        total = sum(len(m) for m in want.values())
        await until_equal(lambda: feed_log(platform), total, what="partner messages logged")
        await until_equal(lambda: unsent(platform), 0, what="the outbox published")

        sent: dict[str, list[Any]] = {}
        for partner_id, messages in want.items():
            if not messages:
                assert (
                    await platform.scalar("gateway", "SELECT count(*) FROM partner_feed_log WHERE partner_id = $1", partner_id)
                    == 0
                )
                continue
            got = sent[partner_id] = await read_feed(platform, partner_id, len(messages))
            assert [(e["type"], e.get_data()) for e in got] == [(t, d) for _, t, d in messages], partner_id
            allowed = {a["type"]: set(a["fields"]) for a in partners[partner_id]["events"]}
            for event, (source, _, _) in zip(got, messages, strict=True):
                origin = events[source].envelope
                assert event["id"] == feed_event_id(partner_id, origin.source, origin.id)
                assert event["source"] == "/pas/gateway" and event["specversion"] == "1.0"
                # the public event's own id, never the internal subject (an escape's is the inmate)
                public_id = origin.data[MAPPINGS[(origin.type, origin.version)].subject_field]
                assert event["subject"] == public_id and event["time"] == origin.time.isoformat()
                assert event["uptcode"] == origin.uptcode and event["kanwilcode"] == origin.kanwilcode
                assert event["dataschema"] == f"/schemas/public/{event['type']}.v1.json"
                assert "traceparent" not in event.get_attributes() and "correlationid" not in event.get_attributes()
                assert set(event.get_data()) <= allowed[event["type"]]
                jsonschema.validate(event.get_data(), public_schema(event["type"]))

        if shutil.which("kcat"):
            for partner_id, got in sent.items():
                read = await read_with_kcat(platform, partner_id)
                assert [m["payload"] for m in read] == [e.get_data() for e in got]
                assert [m["headers"]["ce_id"] for m in read] == [e["id"] for e in got]
                assert all(m["headers"]["content-type"] == "application/json" for m in read)

        # A partner that was offline asks for everything since before the escape: the same ids again.
        police = "polri-polda-metro-jaya"
        outbox_before = await platform.scalar("gateway", "SELECT count(*) FROM outbox")
        future = await gateway.post(
            f"/api/v1/admin/partners/{police}/replay", json={"since": (datetime.now(UTC) + timedelta(days=1)).isoformat()}
        )
        assert future.status_code == 422 and future.json()["errors"][0]["rule"] == "since-past"
        assert await platform.scalar("gateway", "SELECT count(*) FROM outbox") == outbox_before
        replay = await gateway.post(f"/api/v1/admin/partners/{police}/replay", json={"since": AT.isoformat()})
        assert replay.status_code == 202, replay.text
        assert replay.json()["queued"] == 2
        await until_equal(lambda: unsent(platform), 0, what="the replay published")
        later = await gateway.post(
            f"/api/v1/admin/partners/{police}/replay", json={"since": (AT + timedelta(hours=1)).isoformat()}
        )
        assert later.json()["queued"] == 1  # the recapture only
        await until_equal(lambda: unsent(platform), 0, what="the replay published")
        again = await read_feed(platform, police, 5)
        first_ids = [e["id"] for e in sent[police]]
        assert [e["id"] for e in again] == first_ids + first_ids + first_ids[1:]
        assert [e.get_data() for e in again[2:4]] == [e.get_data() for e in sent[police]]
        assert await feed_log(platform) == total  # a replay logs nothing new
        audit = await platform.fetch(
            "gateway", "SELECT action, actor, after FROM audit_log WHERE entity_id = $1 ORDER BY seq", police
        )
        assert [a["action"] for a in audit] == ["partner.registered", "partner.replayed", "partner.replayed"]


async def test_a_suspended_partner_and_a_narrowed_allow_list(platform: Platform) -> None:
    """A suspended partner gets nothing; a replay after its allow-list narrowed sends no field it lost."""
    await platform.create_databases("gateway")
    async with running(create_app(platform, "gateway", feeds_seed_examples=True)) as gateway:
        police = "polri-polda-metro-jaya"
        events = scenario()
        await events["escape"].send(platform)
        await until_equal(lambda: feed_log(platform), 1, what="the escape logged")
        await until_equal(lambda: unsent(platform), 0, what="the escape published")
        narrowed = await gateway.patch(
            f"/api/v1/admin/partners/{police}",
            json={
                "events": [
                    {
                        "type": "pas.partner.escape.reported",
                        "version": 1,
                        "fields": ["escape_id", "upt_code", "kanwil_code", "escaped_on"],
                    }
                ]
            },
        )
        assert narrowed.status_code == 200, narrowed.text
        assert (await gateway.post(f"/api/v1/admin/partners/{police}/replay", json={"since": AT.isoformat()})).json()[
            "queued"
        ] == 1
        await until_equal(lambda: unsent(platform), 0, what="the replay published")
        first, replayed = await read_feed(platform, police, 2)
        assert first["id"] == replayed["id"]
        assert "inmate_ref" in first.get_data()
        assert replayed.get_data() == {
            "escape_id": "esc-1",
            "upt_code": "LP-CIPINANG",
            "kanwil_code": "KW-DKI",
            "escaped_on": "2026-03-01",
        }
        # nor the inmate another way: security keys escapes by inmate, the feed by the escape
        assert replayed["subject"] == first["subject"] == "esc-1"
        assert "inm-1" not in {str(v) for v in replayed.get_attributes().values()}

        assert (await gateway.patch(f"/api/v1/admin/partners/{police}", json={"active": False})).json()["active"] is False
        await events["recapture"].send(platform)
        await events["pb-decree"].send(platform)
        await until_equal(lambda: feed_log(platform), 2, what="the decree logged for the prosecutors")
        assert await platform.scalar("gateway", "SELECT count(*) FROM partner_feed_log WHERE partner_id = $1", police) == 1
        refused = await gateway.post(f"/api/v1/admin/partners/{police}/replay", json={"since": AT.isoformat()})
        assert refused.status_code == 422 and refused.json()["errors"][0]["rule"] == "partner-active"


PARTNER = {
    "partner_id": "polri-polda-jateng",
    "name": "POLRI - Polda Jawa Tengah",
    "legal_basis": "UU 2/2002 tentang Kepolisian Negara Republik Indonesia",
    "purpose": "Escape alerts in Jawa Tengah",
    "events": [
        {"type": "pas.partner.escape.reported", "version": 1, "fields": ["escape_id", "upt_code", "kanwil_code", "escaped_on"]}
    ],
    "kanwil_codes": ["KW-JATENG"],
    "retention_days": 90,
}


async def test_partner_administration_is_national_validated_and_audited(platform: Platform) -> None:
    await platform.create_databases("gateway")
    async with (
        running(create_app(platform, "gateway")) as gateway,
        running(create_app(platform, "gateway"), token=None) as anonymous,
    ):

        async def counts() -> tuple[int, int, int]:
            return (
                await platform.scalar("gateway", "SELECT count(*) FROM partners"),
                await platform.scalar("gateway", "SELECT count(*) FROM audit_log WHERE entity_type = 'partner'"),
                await platform.scalar("gateway", "SELECT count(*) FROM outbox"),
            )

        before = await counts()
        for body, field, rule in (
            (
                PARTNER
                | {
                    "events": [
                        PARTNER["events"][0] | {"fields": ["escape_id", "upt_code", "kanwil_code", "escaped_on", "inmate_name"]}
                    ]
                },
                "events[0].fields",
                "field-known",
            ),
            (
                PARTNER | {"events": [PARTNER["events"][0] | {"fields": ["escape_id"]}]},
                "events[0].fields",
                "required-fields-listed",
            ),
            (PARTNER | {"retention_days": 99_999}, "retention_days", "retention-range"),
            (PARTNER | {"kanwil_codes": ["jateng"]}, "kanwil_codes[0]", "code-format"),
        ):
            refused = await gateway.post("/api/v1/admin/partners", json=body)
            assert refused.status_code == 422, refused.text
            assert refused.json()["errors"][0]["field"] == field and refused.json()["errors"][0]["rule"] == rule
        assert await counts() == before  # nothing written, nothing emitted

        kanwil = bearer(make_token(["GATEWAY__PARTNERS__RW"], "kanwil:KW-JATENG"))
        assert (await anonymous.post("/api/v1/admin/partners", json=PARTNER, headers=kanwil)).status_code == 403
        read_only = bearer(make_token(["GATEWAY__PARTNERS__RO"]))
        assert (await anonymous.post("/api/v1/admin/partners", json=PARTNER, headers=read_only)).status_code == 403
        assert (await anonymous.post("/api/v1/admin/partners", json=PARTNER)).status_code == 401
        assert await counts() == before

        created = await gateway.post("/api/v1/admin/partners", json=PARTNER)
        assert created.status_code == 201, created.text
        assert created.json()["topic"] == "pas.partner.polri-polda-jateng.v1"
        assert (await gateway.post("/api/v1/admin/partners", json=PARTNER)).status_code == 409
        got = await anonymous.get("/api/v1/admin/partners/polri-polda-jateng", headers=read_only)
        assert got.status_code == 200 and got.json()["kanwil_codes"] == ["KW-JATENG"]
        assert (await gateway.get("/api/v1/admin/partners/nobody")).status_code == 404
        changed = await gateway.patch("/api/v1/admin/partners/polri-polda-jateng", json={"retention_days": 30})
        assert changed.json()["retention_days"] == 30

        audit = await platform.fetch(
            "gateway", "SELECT action, before, after FROM audit_log WHERE entity_type = 'partner' ORDER BY seq"
        )
        assert [a["action"] for a in audit] == ["partner.registered", "partner.updated"]
        assert json.loads(audit[1]["before"])["retention_days"] == 90 and json.loads(audit[1]["after"])["retention_days"] == 30
        chain = await platform.fetch(
            "gateway", "SELECT method, path, status FROM audit_chain WHERE path LIKE '/api/v1/admin/partners%' ORDER BY seq"
        )
        assert ("POST", "/api/v1/admin/partners", 201) in [tuple(c) for c in chain]
        assert ("PATCH", "/api/v1/admin/partners/polri-polda-jateng", 200) in [tuple(c) for c in chain]
        assert ("POST", "/api/v1/admin/partners", 403) in [tuple(c) for c in chain]  # refusals are audited too


async def test_the_catalogue_is_served(platform: Platform) -> None:
    await platform.create_databases("gateway")
    async with running(create_app(platform, "gateway"), token=None) as anonymous:
        public = await anonymous.get("/api/v1/public/asyncapi")
        assert public.status_code == 200
        assert public.json() == json.loads((ASYNCAPI_DIR / "public.json").read_text())
        assert (await anonymous.get("/api/v1/asyncapi/internal")).status_code == 401
        internal = await anonymous.get("/api/v1/asyncapi/internal", headers=bearer(make_token(["GATEWAY__ASYNCAPI__RO"])))
        assert internal.status_code == 200
        assert internal.json() == json.loads((ASYNCAPI_DIR / "internal.json").read_text())
