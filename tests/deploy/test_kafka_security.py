"""Kafka security as the overlays deploy it (tests/integration/test_kafka_security.py runs the same
ACLs on a real broker): the services connect by mutual TLS with the certificate of their own
KafkaUser, from the Secrets Strimzi writes, mounted (never a value in the repository); the
partners connect by SCRAM-SHA-512 over TLS on their own listener; every KafkaUser of an overlay is
a service that writes only its own topics or a partner that only reads its own feed; and every
Strimzi resource of the rendered overlays is valid against the pinned Strimzi CRDs."""

import json
from typing import Any

import jsonschema
import pytest

from pas_shared.events.catalog import CATALOG
from pas_shared.events.public import PARTNER_TOPIC_PREFIX, partner_topic
from pas_shared.kafka import dlq_topic
from tests.deploy import strimzi_crds
from tests.deploy.repo import ROOT, SERVICES, prefix, service_spec
from tests.deploy.test_k8s import OVERLAYS, by_kind, rendered
from tests.deploy.test_strimzi import schemas

PARTNERS_JSON = ROOT / "services" / "gateway" / "src" / "pas_gateway" / "domain" / "rule_data" / "partners.json"
STRIMZI_KINDS = {"Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser"}
CLUSTER_CA_SECRET = "pas-kafka-cluster-ca-cert"


def partner_ids() -> list[str]:
    return [p["partner_id"] for p in json.loads(PARTNERS_JSON.read_text(encoding="utf-8"))["partners"]]


def listeners(overlay: str) -> dict[str, dict[str, Any]]:
    (kafka,) = [r for r in rendered(overlay) if r["kind"] == "Kafka"]
    return {x["name"]: x for x in kafka["spec"]["kafka"]["listeners"]}


def grants(user: dict[str, Any]) -> dict[tuple[str, str, str], set[str]]:
    """(resource type, name, pattern) -> operations allowed."""
    found: dict[tuple[str, str, str], set[str]] = {}
    for acl in user["spec"]["authorization"]["acls"]:
        assert acl["type"] == "allow", "deny rules are not used: nothing is allowed unless granted"
        r = acl["resource"]
        found.setdefault((r["type"], r["name"], r.get("patternType", "literal")), set()).update(acl["operations"])
    return found


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_strimzi_resources_of_each_overlay_are_valid_against_the_crds(overlay: str) -> None:
    crds = schemas()
    resources = [r for r in rendered(overlay) if r["kind"] in STRIMZI_KINDS]
    assert {r["kind"] for r in resources} == STRIMZI_KINDS
    for r in resources:
        errors = sorted(
            jsonschema.Draft7Validator(strimzi_crds.schema_for(crds[r["kind"]], r["apiVersion"])).iter_errors(r), key=str
        )
        assert not errors, f"{overlay} {r['kind']}/{r['metadata']['name']}: " + "; ".join(
            f"{list(e.path)}: {e.message}" for e in errors[:5]
        )


def test_the_crd_check_refuses_a_broken_listener() -> None:
    crds = schemas()
    (kafka,) = [r for r in rendered("production") if r["kind"] == "Kafka"]
    kafka["spec"]["kafka"]["listeners"][-1]["authentication"] = {"type": "scram-sha-1"}
    assert list(jsonschema.Draft7Validator(strimzi_crds.schema_for(crds["Kafka"], kafka["apiVersion"])).iter_errors(kafka))


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_partners_have_their_own_scram_over_tls_listener(overlay: str) -> None:
    found = listeners(overlay)
    assert set(found) == {"tls", "partners"}
    services, partners = found["tls"], found["partners"]
    assert services["type"] == "internal" and services["authentication"] == {"type": "tls"} and services["tls"] is True
    assert partners["tls"] is True and partners["authentication"] == {"type": "scram-sha-512"}
    assert partners["type"] in {"loadbalancer", "route", "ingress"} and partners["port"] != services["port"]
    configuration = partners["configuration"]
    assert configuration["loadBalancerSourceRanges"], "the partners' address ranges, never the whole internet by default"
    assert configuration["brokerCertChainAndKey"]["secretName"] == "pas-kafka-partners-tls"
    assert configuration["bootstrap"]["host"].endswith(".example.invalid")


def test_each_overlay_has_its_own_partner_bootstrap_host() -> None:
    hosts = {o: listeners(o)["partners"]["configuration"]["bootstrap"]["host"] for o in OVERLAYS}
    assert len(set(hosts.values())) == len(OVERLAYS), hosts


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_partner_only_reads_its_own_feed(overlay: str) -> None:
    resources = rendered(overlay)
    users = by_kind(resources, "KafkaUser")
    topics = {t["spec"]["topicName"]: t for t in by_kind(resources, "KafkaTopic").values()}
    partner_users = {n: u for n, u in users.items() if n.startswith("partner-")}
    assert sorted(partner_users) == sorted(f"partner-{p}" for p in partner_ids()), "a KafkaUser for every registered partner"
    for partner_id in partner_ids():
        user = partner_users[f"partner-{partner_id}"]
        assert user["spec"]["authentication"] == {"type": "scram-sha-512"}
        feed = partner_topic(partner_id)
        assert grants(user) == {
            ("topic", feed, "literal"): {"Describe", "Read"},
            ("group", f"partner.{partner_id}.", "prefix"): {"Describe", "Read"},
        }, f"{partner_id}: only Read (and Describe) on its feed and its own consumer groups"
        assert feed in topics, f"{feed} is not declared as a KafkaTopic"
        assert topics[feed]["spec"]["replicas"] == 3 and topics[feed]["spec"]["config"]["min.insync.replicas"] == 2


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_service_writes_only_its_own_topics_and_reads_no_partner_feed(overlay: str) -> None:
    users = by_kind(rendered(overlay), "KafkaUser")
    assert set(users) == {f"pas-{s}" for s in SERVICES} | {"pas-ops"} | {f"partner-{p}" for p in partner_ids()}, "no other users"
    for service in SERVICES:
        user = users[f"pas-{service}"]
        assert user["spec"]["authentication"] == {"type": "tls"}
        consumed = {t for s in service_spec(service).subscriptions for t in s.topics()}
        own = set(CATALOG.topics(service)) | {dlq_topic(t) for t in consumed}
        for (kind, name, pattern), operations in grants(user).items():
            assert not operations & {"Create", "Delete", "Alter", "All"}, (service, name, operations)
            if kind == "topic" and "Write" in operations:
                if pattern == "prefix":  # the gateway's relay writes every partner's feed; nobody else writes them
                    assert (service, name) == ("gateway", PARTNER_TOPIC_PREFIX), (service, name)
                else:
                    assert name in own, f"{service} may write {name}, not its own topic"
            if kind == "topic" and "Read" in operations:
                assert not name.startswith(PARTNER_TOPIC_PREFIX) and name in consumed, (service, name)


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("service", SERVICES)
def test_services_connect_by_mutual_tls_with_their_kafkausers_certificate(overlay: str, service: str) -> None:
    resources = rendered(overlay)
    p = prefix(service)
    config = by_kind(resources, "ConfigMap")[f"pas-{service}-settings"]["data"]
    assert config[f"{p}KAFKA_SECURITY_PROTOCOL"] == "SSL"
    assert config[f"{p}KAFKA_BOOTSTRAP"].endswith(f":{listeners(overlay)['tls']['port']}"), "the services' listener"
    assert not any(k.startswith(f"{p}KAFKA_") and ("USERNAME" in k or "PASSWORD" in k) for k in config)
    files = {k: config[f"{p}KAFKA_SSL_{k}_FILE"] for k in ("CA", "CERT", "KEY")}
    user = by_kind(resources, "KafkaUser")[f"pas-{service}"]
    assert user["spec"]["authentication"] == {"type": "tls"}
    deployment = by_kind(resources, "Deployment")[f"pas-{service}"]
    job = by_kind(resources, "Job")[f"pas-{service}-migrate"]
    for workload in (deployment, job):  # the Job reads the same settings, which check the files at startup
        pod = workload["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        secrets = {v["name"]: v["secret"]["secretName"] for v in pod["volumes"] if "secret" in v}
        mounted = {m["mountPath"]: secrets.get(m["name"]) for m in container["volumeMounts"]}

        def secret_of(path: str, mounted: dict[str, str | None] = mounted) -> str | None:
            folder, _, key = path.rpartition("/")
            return mounted.get(folder) if key else None

        # The Secrets the user operator writes: the KafkaUser's (user.crt, user.key) and the cluster CA's (ca.crt).
        assert secret_of(files["CERT"]) == f"pas-{service}" and files["CERT"].endswith("/user.crt")
        assert secret_of(files["KEY"]) == f"pas-{service}" and files["KEY"].endswith("/user.key")
        assert secret_of(files["CA"]) == CLUSTER_CA_SECRET and files["CA"].endswith("/ca.crt")
        assert all(m.get("readOnly") for m in container["volumeMounts"] if m["mountPath"].startswith("/etc/pas/kafka"))
