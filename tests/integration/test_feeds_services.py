"""Feeds for other ministries, driven through the four real services over HTTP.

The "Done when" scenario of issue 8 end to end: remission registers Lapas Cipinang (Kanwil DKI)
and admits two inmates; security reports one of them escaped and recaptured; remission takes the
other's PB application through its stages to the decree and records a social-assistance
distribution to his wife; rehabilitation takes a product's halal permit from application to grant
(and applies for a P-IRT permit, which the halal agency must not see); food-audit completes a kitchen
inspection that fails. Every domain event leaves its service through the transactional outbox and
reaches the gateway's feed consumer like any other. Each seeded partner's topic then holds exactly
the expected messages (type, subject and data; none missing, none extra, none twice), read by
consumers outside our code (the CloudEvents SDK and kcat), each linked by its id to the service's
event, valid against its committed public JSON Schema and within the partner's allow-list; the
police of another province (Polda Sulawesi Selatan) get nothing from this UPT.

test_feeds.py covers the gateway's side in detail with events produced as the services publish
them (redelivery, replay, suspension, administration); this test proves the services publish
what the feeds expect.
"""

import functools
import shutil
from datetime import UTC, datetime
from typing import Any

import jsonschema
from cloudevents.v1.kafka import KafkaMessage, from_binary

from pas_gateway.adapters.feed_topics import ensure_partner_topics
from pas_gateway.domain.feed_mapping import MAPPINGS
from pas_gateway.domain.feeds import feed_event_id
from tests.integration.harness import Platform, create_app, running, until_equal
from tests.integration.test_event_flow import FACILITY
from tests.integration.test_feeds import feed_log, public_schema, read_feed, read_with_kcat
from tests.integration.test_integration_rights import PB_DOCUMENTS, Clock, admit
from tests.integration.test_rehabilitation_products import _permit, _product
from tests.integration.test_security_incidents import facilities_known

# Monday 30 November 2026, 09:00 in Jakarta (WIB): every service's clock.
NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
DOMAIN_SERVICES = ("remission", "security", "rehabilitation", "food-audit")
FEEDS_CONSUMER = "gateway.feeds"
FEEDING = {m.source.name for m in MAPPINGS.values()}  # the domain event types partners are fed from


async def unsent(platform: Platform, service: str) -> int:
    return int(await platform.scalar(service, "SELECT count(*) FROM outbox WHERE sent_at IS NULL"))


async def source_events(platform: Platform) -> list[Any]:
    """The services' published events that feed partners, as an outside consumer reads them."""
    found = []
    for topic in sorted({m.source.topic for m in MAPPINGS.values()}):
        for r in await platform.records(topic):
            event = from_binary(KafkaMessage(headers=dict(r.headers), key=r.key, value=r.value))
            if event["type"] in FEEDING:
                found.append(event)
    return found


async def test_the_scenario_through_the_services_gives_each_partner_exactly_its_messages(platform: Platform) -> None:
    await platform.create_databases(*DOMAIN_SERVICES, "gateway")
    apps = {s: create_app(platform, s) for s in DOMAIN_SERVICES if s != "remission"}
    apps["remission"] = create_app(platform, "remission", assume_programme_and_risk_met=True)
    for app in apps.values():
        app.state.clock = Clock(NOW)
    gateway_app = create_app(platform, "gateway", feeds_seed_examples=True)
    async with (
        running(apps["remission"]) as remission,
        running(apps["security"]) as security,
        running(apps["rehabilitation"]) as rehab,
        running(apps["food-audit"]) as food,
        running(gateway_app) as gateway,
    ):
        partners = {p["partner_id"]: p for p in (await gateway.get("/api/v1/admin/partners")).json()["items"]}
        # The topics exist before anything is sent, as the deployment (or the gateway's job) makes them:
        # a partner that receives nothing finds its topic empty rather than missing.
        await ensure_partner_topics(
            platform.kafka_connection,
            {platform.topic(p["topic"]): p["retention_days"] for p in partners.values()},
            partitions=gateway_app.state.settings.topic_partitions,
            replication=gateway_app.state.settings.topic_replication,
        )

        # Remission: the UPT and two inmates (3 years from 1 Jul 2024: 2/3 on 1 Jul 2026).
        assert (await remission.post("/api/v1/facilities", json=FACILITY)).status_code == 201
        sentence = {"verdict_final_on": "2024-10-01", "sentence": {"years": 3}}
        parolee = await admit(remission, 1, "2024-07-01", sentence)
        escapee = await admit(remission, 2, "2024-07-01", sentence)

        # Security: the escapee must be on its roster (from remission's inmate events).
        await facilities_known(platform, 1)

        async def security_roster() -> int:
            return int((await security.get("/api/v1/roster/LP-CIPINANG")).json()["population"])

        await until_equal(security_roster, 2, what="security's roster has both inmates")
        reported = await security.post(
            "/api/v1/escapes",
            json={
                "inmate_id": escapee,
                "upt_code": "LP-CIPINANG",
                "escaped_at": "2026-11-29T20:15:00+07:00",
                "method": "memanjat tembok",
            },
        )
        assert reported.status_code == 201, reported.text
        escape_id = reported.json()["escape_id"]
        recaptured = await security.post(
            f"/api/v1/escapes/{escape_id}/recapture", json={"recaptured_at": "2026-11-30T08:00:00+07:00", "place": "Bekasi"}
        )
        assert recaptured.status_code == 200, recaptured.text

        # Remission: the PB application through its stages to the decree.
        created = await remission.post("/api/v1/integration-applications", json={"inmate_id": parolee, "right": "pb"})
        assert created.status_code == 201, created.text
        application_id = created.json()["application_id"]
        path = f"/api/v1/integration-applications/{application_id}"
        response = await remission.post(f"{path}/documents", json={"documents": PB_DOCUMENTS})
        assert response.status_code == 200 and response.json()["documents_missing"] == [], response.text
        for step, why in (
            ("documents-complete", "berkas lengkap"),
            ("tpp-upt-recommended", "sidang TPP UPT"),
            ("kanwil-verified", "TPP Kanwil"),
            ("ditjenpas-approved", "TPP Ditjenpas"),
        ):
            response = await remission.post(f"{path}/transitions", json={"to": step, "why": why})
            assert response.status_code == 200, response.text
        decree_number = "PAS-77.PK.05.06/2026"
        decreed = await remission.post(f"{path}/decree", json={"decree_number": decree_number, "starts_on": "2026-11-30"})
        assert decreed.status_code == 200, decreed.text
        assert (decreed.json()["status"], decreed.json()["ends_on"]) == ("decreed", "2027-07-01")

        # Remission: cash from PKH to the parolee's wife (her name and NIK reach no partner).
        distributed = await remission.post(
            "/api/v1/social-assistance",
            json={
                "programme": "pkh",
                "recipient": {
                    "type": "family",
                    "inmate_id": parolee,
                    "name": "Siti Aminah",
                    "relationship": "spouse",
                    "nik": "3171234501900001",
                },
                "kind": "cash",
                "amount_rupiah": 750000,
                "distributed_on": "2026-11-27",
                "partner_agency": "Kementerian Sosial",
            },
        )
        assert distributed.status_code == 201, distributed.text
        distribution_id = distributed.json()["distribution_id"]

        # Rehabilitation: a halal permit granted; a P-IRT application beside it.
        async def rehabilitation_knows_the_upt() -> int:
            return (await rehab.get("/api/v1/facilities/LP-CIPINANG")).status_code

        await until_equal(rehabilitation_knows_the_upt, 200, what="rehabilitation knows the UPT")
        roti = await _product(rehab, "LP-CIPINANG", "Roti Cipinang", "food")
        keripik = await _product(rehab, "LP-CIPINANG", "Keripik Cipinang", "food")
        grant = {
            "to": "granted",
            "on": "2026-11-27",
            "number": "ID31110000123450326",
            "valid_from": "2026-11-27",
            "valid_until": "2030-11-27",
        }
        halal = await _permit(
            rehab, roti, "halal", [{"to": "applied", "on": "2026-10-01"}, {"to": "under-review", "on": "2026-10-15"}, grant]
        )
        assert halal["status"] == "granted"
        pirt = await _permit(rehab, keripik, "p-irt", [{"to": "applied", "on": "2026-11-02"}])

        # Food-audit: an unannounced inspection fails on a critical item (rats seen).
        async def kitchen_registered() -> int:
            response = await food.post("/api/v1/kitchens", json={"upt_code": "LP-CIPINANG", "name": "Dapur utama"})
            return response.status_code

        await until_equal(kitchen_registered, 201, what="the facility reaching food-audit")
        kitchen_id = (await food.get("/api/v1/kitchens")).json()["items"][0]["kitchen_id"]
        template = (await food.get("/api/v1/inspection-templates/current")).json()
        marks = {i["code"]: i["max"] for s in template["sections"] for i in s["items"]}
        scheduled = await food.post(
            "/api/v1/inspections", json={"kitchen_id": kitchen_id, "kind": "unannounced", "planned_on": "2026-11-30"}
        )
        assert scheduled.status_code == 201, scheduled.text
        inspection_id = scheduled.json()["inspection_id"]
        done = await food.post(
            f"/api/v1/inspections/{inspection_id}/complete",
            json={
                "inspected_on": "2026-11-30",
                "inspector": "Tim Kanwil DKI",
                "owner": "Kasi Perawatan",
                "scores": [{"item": k, "score": v} for k, v in (marks | {"pest-control.no-pests": 3}).items()],
            },
        )
        assert done.status_code == 200, done.text
        result = done.json()["result"]
        assert (result["passed"], result["failed_rules"]) == (False, ["critical-item:pest-control.no-pests"])

        # Everything the services wrote is on the broker, and the gateway has taken every event that
        # feeds a partner: from here on nothing more can reach a partner topic.
        for service in DOMAIN_SERVICES:
            await until_equal(functools.partial(unsent, platform, service), 0, what=f"{service}'s outbox published")
        sources = await source_events(platform)
        assert sorted((e["type"], e["subject"]) for e in sources) == sorted(
            [
                ("pas.security.escape.reported", escapee),  # security keys escapes by inmate (per-inmate order)
                ("pas.security.escape.recaptured", escapee),
                ("pas.remission.integration-right.decided", application_id),
                ("pas.remission.assistance.distributed", distribution_id),
            ]
            + [("pas.rehabilitation.permit.status-changed", halal["permit_id"])] * 3
            + [("pas.rehabilitation.permit.status-changed", pirt["permit_id"])]
            + [("pas.food-audit.inspection.completed", inspection_id)]
        )

        async def fed() -> int:
            return int(await platform.scalar("gateway", "SELECT count(*) FROM inbox WHERE consumer = $1", FEEDS_CONSUMER))

        await until_equal(fed, len(sources), what="the gateway's feed consumer took every source event")
        await until_equal(functools.partial(unsent, platform, "gateway"), 0, what="the gateway's outbox published")

        cipinang = {"upt_code": "LP-CIPINANG", "kanwil_code": "KW-DKI"}
        halal_id = halal["permit_id"]
        want: dict[str, list[tuple[str, str, dict[str, Any]]]] = {
            "polri-polda-metro-jaya": [
                (
                    "pas.partner.escape.reported",
                    escape_id,  # the public event's own id, not the inmate the source event is keyed by
                    {"escape_id": escape_id}
                    | cipinang
                    | {
                        "escaped_on": "2026-11-29",
                        "escaped_at": "2026-11-29T13:15:00Z",
                        "inmate_ref": escapee,
                        "method": "memanjat tembok",
                    },
                ),
                (
                    "pas.partner.escape.recaptured",
                    escape_id,
                    {"escape_id": escape_id}
                    | cipinang
                    | {
                        "recaptured_on": "2026-11-30",
                        "recaptured_at": "2026-11-30T01:00:00Z",
                        "inmate_ref": escapee,
                        "place": "Bekasi",
                    },
                ),
            ],
            "polri-polda-sulsel": [],  # another province: nothing from Cipinang
            "kejaksaan-ri": [
                (
                    "pas.partner.integration-right.decided",
                    application_id,
                    {"application_id": application_id}
                    | cipinang
                    | {
                        "right": "pb",
                        "decided_on": "2026-11-30",
                        "inmate_ref": parolee,
                        "decree_number": decree_number,
                        "starts_on": "2026-11-30",
                        "ends_on": "2027-07-01",
                    },
                )
            ],
            "bpjph": [  # the halal permit's every change; the P-IRT application is not theirs
                (
                    "pas.partner.permit.status-changed",
                    halal_id,
                    {"permit_id": halal_id}
                    | cipinang
                    | {"permit_type": "halal", "status": status, "changed_on": on, "product_name": "Roti Cipinang"}
                    | granted,
                )
                for status, on, granted in (
                    ("applied", "2026-10-01", {"number": None, "valid_from": None, "valid_until": None}),
                    ("under-review", "2026-10-15", {"number": None, "valid_from": None, "valid_until": None}),
                    ("granted", "2026-11-27", {k: grant[k] for k in ("number", "valid_from", "valid_until")}),
                )
            ],
            "dinkes-dki": [
                (
                    "pas.partner.kitchen-inspection.completed",
                    inspection_id,
                    {"inspection_id": inspection_id, "kitchen_id": kitchen_id}
                    | cipinang
                    | {"inspected_on": "2026-11-30", "passed": False, "kind": "unannounced"}
                    | {k: result[k] for k in ("rating", "hygiene_pct", "overall_pct", "failed_rules")},
                )
            ],
            "kemensos": [  # no inmate reference, no name, no NIK
                (
                    "pas.partner.social-assistance.distributed",
                    distribution_id,
                    {"distribution_id": distribution_id}
                    | cipinang
                    | {
                        "distributed_on": "2026-11-27",
                        "programme": "pkh",
                        "kind": "cash",
                        "amount_rupiah": 750000,
                        "partner_agency": "Kementerian Sosial",
                        "recipient_type": "family",
                        "relationship": "spouse",
                    },
                )
            ],
        }
        assert set(partners) == set(want)
        assert await feed_log(platform) == sum(len(m) for m in want.values())

        read: dict[str, list[Any]] = {}
        for partner_id, messages in want.items():
            got = read[partner_id] = await read_feed(platform, partner_id, len(messages))
            assert [(e["type"], e["subject"], e.get_data()) for e in got] == messages, partner_id
            assert len({e["id"] for e in got}) == len(got), partner_id  # none twice
            allowed = {a["type"]: set(a["fields"]) for a in partners[partner_id]["events"]}
            origins = {feed_event_id(partner_id, o["source"], o["id"]): o for o in sources}
            for event in got:
                origin = origins[event["id"]]  # the message stems from one event a service published
                attributes = ("time", "uptcode", "kanwilcode")
                assert [event[a] for a in attributes] == [origin[a] for a in attributes], partner_id
                assert event["source"] == "/pas/gateway" and event["specversion"] == "1.0"
                assert event["dataschema"] == f"/schemas/public/{event['type']}.v1.json"
                assert "traceparent" not in event.get_attributes() and "correlationid" not in event.get_attributes()
                assert set(event.get_data()) <= allowed[event["type"]], (partner_id, event["type"])
                if "inmate_ref" not in allowed[event["type"]]:  # nor the inmate another way (subject, Kafka key)
                    values = {v.decode() if isinstance(v, bytes) else v for v in event.get_attributes().values()}
                    assert not {parolee, escapee} & values, (partner_id, event["type"])
                jsonschema.validate(event.get_data(), public_schema(event["type"]))

        if shutil.which("kcat"):
            for partner_id, got in read.items():
                by_kcat = await read_with_kcat(platform, partner_id)
                assert [m["payload"] for m in by_kcat] == [e.get_data() for e in got], partner_id
                assert [m["headers"]["ce_id"] for m in by_kcat] == [e["id"] for e in got], partner_id
