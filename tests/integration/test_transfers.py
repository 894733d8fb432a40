"""Transfers between UPTs and social assistance, over HTTP on the real broker and database: the
register moves the inmate, the event travels, the other services' rosters and the gateway's
occupancy follow; refusals write nothing."""

import json
from typing import Any

from aiokafka import ConsumerRecord

from pas_shared.ids import new_id
from tests.integration.harness import Platform, create_app, running, until_equal
from tests.integration.test_event_flow import FACILITY, admission

INMATES = "pas.remission.inmate.v1"
ASSISTANCE = "pas.remission.assistance.v1"
SUKAMISKIN = FACILITY | {
    "upt_code": "LP-SUKAMISKIN",
    "name": "Lapas Kelas I Sukamiskin",
    "kanwil_code": "KW-JABAR",
    "capacity": 5,
}
BAPAS = FACILITY | {"upt_code": "BP-JAKSEL", "name": "Bapas Kelas I Jakarta Selatan", "upt_type": "Bapas", "capacity": 0}


async def written(platform: Platform) -> tuple[int, int, int]:
    """Outbox rows, transfer rows and audit entries of the remission service."""
    return (
        await platform.scalar("remission", "SELECT count(*) FROM outbox"),
        await platform.scalar("remission", "SELECT count(*) FROM inmate_transfers"),
        await platform.scalar("remission", "SELECT count(*) FROM audit_log"),
    )


def of_type(records: list[ConsumerRecord[bytes, bytes]], event_type: str) -> list[ConsumerRecord[bytes, bytes]]:
    return [r for r in records if dict(r.headers)["ce_type"].decode() == event_type]


async def test_a_transfer_moves_the_inmate_in_the_register_the_rosters_and_the_occupancy_kpi(platform: Platform) -> None:
    services = ["remission", "security", "rehabilitation", "gateway"]
    await platform.create_databases(*services)
    apps = {s: create_app(platform, s) for s in services}
    async with (
        running(apps["remission"]) as remission,
        running(apps["security"]) as security,
        running(apps["rehabilitation"]) as rehabilitation,
        running(apps["gateway"]) as gateway,
    ):
        for facility in (FACILITY, SUKAMISKIN, BAPAS):
            assert (await remission.post("/api/v1/facilities", json=facility)).status_code == 201
        ids = [(await remission.post("/api/v1/inmates", json=admission(n))).json()["inmate_id"] for n in range(2)]
        moving = ids[0]

        async def roster(client: Any, upt_code: str) -> int:
            return int((await client.get(f"/api/v1/roster/{upt_code}")).json()["population"])

        await until_equal(lambda: roster(security, "LP-CIPINANG"), 2, what="security's roster of two")

        # Refused: each names the field and rule, and writes nothing (no row, no outbox, no audit).
        before = await written(platform)
        path = f"/api/v1/inmates/{moving}/transfers"
        body = {"to_upt_code": "LP-SUKAMISKIN", "transferred_on": "2026-06-01", "reason": "decongestion"}
        refusals = [
            (body | {"to_upt_code": "BP-JAKSEL"}, "to_upt_code", "not-a-bapas"),
            (body | {"to_upt_code": "LP-CIPINANG"}, "to_upt_code", "different-upt"),
            (body | {"transferred_on": "2026-01-09"}, "transferred_on", "not-before-admission"),
            (body | {"transferred_on": "2999-01-01"}, "transferred_on", "not-in-future"),
            (body | {"to_upt_code": "LP-NOWHERE"}, "to_upt_code", "facility-registered"),
            (body | {"reason": "holiday"}, "reason", "enum"),
        ]
        for refused_body, field, rule in refusals:
            refused = await remission.post(path, json=refused_body)
            assert refused.status_code == 422, refused.text
            assert refused.headers["content-type"] == "application/problem+json"
            assert [(e["field"], e["rule"]) for e in refused.json()["errors"]] == [(field, rule)]
        assert (await remission.post("/api/v1/inmates/nobody/transfers", json=body)).status_code == 404
        assert await written(platform) == before
        assert (await remission.get(f"/api/v1/inmates/{moving}")).json()["upt_code"] == "LP-CIPINANG"

        created = await remission.post(path, json=body)
        assert created.status_code == 201, created.text
        transfer = created.json()
        assert (transfer["from_upt_code"], transfer["to_upt_code"]) == ("LP-CIPINANG", "LP-SUKAMISKIN")
        assert (transfer["from_kanwil_code"], transfer["to_kanwil_code"], transfer["reason"]) == (
            "KW-DKI",
            "KW-JABAR",
            "decongestion",
        )
        inmate = (await remission.get(f"/api/v1/inmates/{moving}")).json()
        assert (inmate["upt_code"], inmate["kanwil_code"]) == ("LP-SUKAMISKIN", "KW-JABAR")
        history = (await remission.get(path)).json()
        assert transfer["at"] is not None
        assert [(t["transfer_id"], t["transferred_on"], t["by"], t["at"]) for t in history] == [
            (transfer["transfer_id"], "2026-06-01", "anonymous", transfer["at"])
        ]
        populations = [
            (await remission.get(f"/api/v1/facilities/{u}")).json()["population"] for u in ("LP-CIPINANG", "LP-SUKAMISKIN")
        ]
        assert populations == [1, 1]

        # Not before the previous transfer (moving back, dated earlier than the move).
        back = body | {"to_upt_code": "LP-CIPINANG", "transferred_on": "2026-05-31"}
        earlier = await remission.post(path, json=back)
        assert earlier.status_code == 422 and earlier.json()["errors"][0]["rule"] == "not-before-previous-transfer"

        records = await platform.records(INMATES, at_least=3)
        transferred = of_type(records, "pas.remission.inmate.transferred")
        assert len(transferred) == 1
        headers = dict(transferred[0].headers)
        assert (headers["ce_subject"], headers["ce_uptcode"], headers["ce_kanwilcode"]) == (
            moving.encode(),
            b"LP-SUKAMISKIN",
            b"KW-JABAR",
        )
        assert transferred[0].key == moving.encode()  # same key as the admission: same partition, in order
        assert json.loads(transferred[0].value) == {
            "transfer_id": transfer["transfer_id"],
            "inmate_id": moving,
            "from_upt_code": "LP-CIPINANG",
            "to_upt_code": "LP-SUKAMISKIN",
            "from_kanwil_code": "KW-DKI",
            "to_kanwil_code": "KW-JABAR",
            "transferred_on": "2026-06-01",
            "reason": "decongestion",
        }

        # The rosters of security and rehabilitation follow, and the gateway's occupancy per Kanwil.
        for client, name in ((security, "security"), (rehabilitation, "rehabilitation")):
            await until_equal(lambda c=client: roster(c, "LP-SUKAMISKIN"), 1, what=f"{name}'s roster of Sukamiskin")
            assert await roster(client, "LP-CIPINANG") == 1

        async def occupancy(kanwil_code: str) -> dict[str, Any]:
            body = (await gateway.get("/api/v1/kpi/occupancy", params={"kanwil_code": kanwil_code})).json()
            return {k["id"]: k["value"] for k in body["kpis"]}

        async def occupants(kanwil_code: str) -> int:
            return int((await occupancy(kanwil_code))["occupants"])

        await until_equal(lambda: occupants("KW-JABAR"), 1, what="gateway occupancy of KW-JABAR")
        assert await occupants("KW-DKI") == 1
        kpi = await occupancy("KW-JABAR")
        assert (kpi["capacity"], kpi["occupancy_ratio_pct"]) == (5, 20.0)

        # Released at the destination: the release event names the new UPT and the rosters follow.
        released = await remission.post(f"/api/v1/inmates/{moving}/release", json={"released_on": "2026-07-01", "reason": "pb"})
        assert released.status_code == 200, released.text
        for client, name in ((security, "security"), (rehabilitation, "rehabilitation")):
            await until_equal(lambda c=client: roster(c, "LP-SUKAMISKIN"), 0, what=f"{name}'s roster after the release")
        after_release = await remission.post(path, json=body | {"to_upt_code": "LP-CIPINANG", "transferred_on": "2026-07-02"})
        assert after_release.status_code == 409

    for service in ("security", "rehabilitation"):
        row = (await platform.fetch(service, "SELECT upt_code, kanwil_code FROM roster WHERE inmate_id = $1", moving))[0]
        assert (row["upt_code"], row["kanwil_code"]) == ("LP-SUKAMISKIN", "KW-JABAR")
        counts = await platform.fetch(service, "SELECT upt_code, kanwil_code, population FROM upt_headcount ORDER BY upt_code")
        assert [tuple(r) for r in counts] == [("LP-CIPINANG", "KW-DKI", 1), ("LP-SUKAMISKIN", "KW-JABAR", 0)]
    audit = await platform.fetch("remission", "SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY seq", moving)
    assert [a["action"] for a in audit] == ["inmate.admitted", "inmate.transferred", "inmate.released"]


async def test_the_roster_applies_a_transfer_once_and_skips_one_for_an_unknown_inmate(platform: Platform) -> None:
    await platform.create_databases("remission", "security")
    async with running(create_app(platform, "remission")) as remission, running(create_app(platform, "security")) as security:
        for facility in (FACILITY, SUKAMISKIN):
            await remission.post("/api/v1/facilities", json=facility)
        inmate_id = (await remission.post("/api/v1/inmates", json=admission(1))).json()["inmate_id"]
        body = {"to_upt_code": "LP-SUKAMISKIN", "transferred_on": "2026-06-01", "reason": "security"}
        assert (await remission.post(f"/api/v1/inmates/{inmate_id}/transfers", json=body)).status_code == 201

        async def headcounts() -> list[tuple[str, int]]:
            rows = await platform.fetch("security", "SELECT upt_code, population FROM upt_headcount ORDER BY upt_code")
            return [(r["upt_code"], r["population"]) for r in rows]

        await until_equal(headcounts, [("LP-CIPINANG", 0), ("LP-SUKAMISKIN", 1)], what="the transfer applied")

        # The same transfer again under new event ids (past the inbox): the roster does not move it twice.
        record = of_type(await platform.records(INMATES, at_least=2), "pas.remission.inmate.transferred")[0]
        headers = dict(record.headers)
        for _ in range(2):
            await platform.produce(INMATES, record.value, key=record.key, headers=_with(headers, id=new_id()))
        # A transfer of an inmate this roster never saw (its admission never reached it): skipped.
        ghost = json.loads(record.value) | {"inmate_id": "ghost-1"}
        await platform.produce(
            INMATES, json.dumps(ghost).encode(), key=b"ghost-1", headers=_with(headers, id=new_id(), subject="ghost-1")
        )
        # And the consumer keeps going.
        assert (await remission.post("/api/v1/inmates", json=admission(2))).status_code == 201

        await until_equal(
            lambda: platform.scalar("security", "SELECT count(*) FROM inbox WHERE consumer = 'security.roster'"),
            6,
            what="every event applied",
        )
        assert await headcounts() == [("LP-CIPINANG", 1), ("LP-SUKAMISKIN", 1)]
        assert await platform.scalar("security", "SELECT count(*) FROM roster WHERE inmate_id = 'ghost-1'") == 0
        metrics = (await security.get("/metrics")).text
        assert "pas_events_dead_lettered_total{" not in metrics  # nothing was dead-lettered


def _with(headers: dict[str, bytes], **changes: str) -> list[tuple[str, bytes]]:
    out = dict(headers)
    for k, v in changes.items():
        out[f"ce_{k}"] = v.encode()
    return list(out.items())


async def test_social_assistance_is_recorded_with_its_event_and_a_bad_nik_writes_nothing(platform: Platform) -> None:
    await platform.create_databases("remission")
    async with running(create_app(platform, "remission")) as remission:
        for facility in (FACILITY, SUKAMISKIN):
            await remission.post("/api/v1/facilities", json=facility)
        inmate_id = (await remission.post("/api/v1/inmates", json=admission(1))).json()["inmate_id"]
        move = {"to_upt_code": "LP-SUKAMISKIN", "transferred_on": "2026-06-01", "reason": "family"}
        assert (await remission.post(f"/api/v1/inmates/{inmate_id}/transfers", json=move)).status_code == 201

        programmes = (await remission.get("/api/v1/social-assistance/programmes")).json()
        assert programmes["status"].startswith("unconfirmed")
        assert {"pkh", "blt", "pbi-jk"} <= {p["code"] for p in programmes["programmes"]}

        family = {"type": "family", "inmate_id": inmate_id, "name": "Siti Aminah", "relationship": "spouse"}
        cash = {
            "programme": "pkh",
            "recipient": family | {"nik": "3171234501900001"},
            "kind": "cash",
            "amount_rupiah": 750000,
            "distributed_on": "2026-05-15",  # before the transfer: it counts for Cipinang
            "partner_agency": "Kementerian Sosial",
        }
        created = await remission.post("/api/v1/social-assistance", json=cash)
        assert created.status_code == 201, created.text
        first = created.json()
        assert (first["upt_code"], first["kanwil_code"]) == ("LP-CIPINANG", "KW-DKI")
        assert first["recipient"]["nik_masked"] == "************0001" and "nik" not in first["recipient"]
        goods = {
            "programme": "bpnt-sembako",
            "recipient": {"type": "inmate", "inmate_id": inmate_id},
            "kind": "goods",
            "description": "beras 10 kg",
            "amount_rupiah": 150000,
            "distributed_on": "2026-07-01",
            "partner_agency": "Pemda Kota Bandung",
        }
        second = await remission.post("/api/v1/social-assistance", json=goods)
        assert second.status_code == 201, second.text
        assert second.json()["upt_code"] == "LP-SUKAMISKIN"

        # Refused: a NIK of 15 digits; then other rules. Nothing is written for any of them.
        before = (
            await platform.scalar("remission", "SELECT count(*) FROM social_assistance"),
            await platform.scalar("remission", "SELECT count(*) FROM outbox"),
            await platform.scalar("remission", "SELECT count(*) FROM audit_log"),
        )
        refusals = [
            (cash | {"recipient": family | {"nik": "317123450190000"}}, "recipient.nik", "nik-16-digits"),
            (cash | {"programme": "pbi-jk"}, "kind", "kind-of-programme"),
            (cash | {"amount_rupiah": 0}, "amount_rupiah", "positive"),
            (cash | {"amount_rupiah": 1.5}, "amount_rupiah", "int_type"),
            (cash | {"recipient": {"type": "inmate", "inmate_id": "nobody"}}, "recipient.inmate_id", "inmate-registered"),
        ]
        for refused_body, field, rule in refusals:
            refused = await remission.post("/api/v1/social-assistance", json=refused_body)
            assert refused.status_code == 422, refused.text
            assert [(e["field"], e["rule"]) for e in refused.json()["errors"]] == [(field, rule)]
        assert (
            await platform.scalar("remission", "SELECT count(*) FROM social_assistance"),
            await platform.scalar("remission", "SELECT count(*) FROM outbox"),
            await platform.scalar("remission", "SELECT count(*) FROM audit_log"),
        ) == before

        listed = (await remission.get("/api/v1/social-assistance", params={"kanwil_code": "KW-DKI"})).json()
        assert [d["distribution_id"] for d in listed["items"]] == [first["distribution_id"]]
        everything = (await remission.get("/api/v1/social-assistance", params={"from": "2026-05-01", "to": "2026-12-31"})).json()
        totals = everything["totals"]
        assert (totals["distributions"], totals["amount_rupiah"]) == (2, 900000)
        assert totals["by_kind"] == [
            {"kind": "cash", "distributions": 1, "amount_rupiah": 750000},
            {"kind": "goods", "distributions": 1, "amount_rupiah": 150000},
        ]
        june = (
            await remission.get("/api/v1/social-assistance", params={"from": "2026-06-01", "programme": "bpnt-sembako"})
        ).json()
        assert june["totals"]["distributions"] == 1 and june["items"][0]["description"] == "beras 10 kg"
        backwards = await remission.get("/api/v1/social-assistance", params={"from": "2026-06-01", "to": "2026-05-01"})
        assert backwards.status_code == 422 and backwards.json()["errors"][0]["rule"] == "not-before-from"

        records = await platform.records(ASSISTANCE, at_least=2)
    assert len(records) == 2
    by_id = {json.loads(r.value)["distribution_id"]: r for r in records}
    event = json.loads(by_id[first["distribution_id"]].value)
    assert event == {
        "distribution_id": first["distribution_id"],
        "programme": "pkh",
        "kind": "cash",
        "amount_rupiah": 750000,
        "distributed_on": "2026-05-15",
        "partner_agency": "Kementerian Sosial",
        "recipient_type": "family",
        "inmate_id": inmate_id,
        "relationship": "spouse",
        "upt_code": "LP-CIPINANG",
        "kanwil_code": "KW-DKI",
    }
    assert dict(by_id[first["distribution_id"]].headers)["ce_type"] == b"pas.remission.assistance.distributed"
    assert b"3171234501900001" not in by_id[first["distribution_id"]].value  # no NIK leaves the service
    assert (
        await platform.scalar("remission", "SELECT nik FROM social_assistance WHERE relationship = 'spouse'")
        == "3171234501900001"
    )
    audited = await platform.scalar(
        "remission", "SELECT after FROM audit_log WHERE action = 'assistance.distributed' ORDER BY seq LIMIT 1"
    )
    assert "3171234501900001" not in str(audited)
