"""Kafka on Kubernetes through Strimzi: a KafkaTopic for every topic of the event catalogue and
for every dead-letter topic (replicas 3, min.insync.replicas 2), a KafkaUser per service whose
ACLs follow the code (it writes only its own topics and the DLQs of what it consumes, reads what
it consumes, and uses only its own consumer groups), and every Strimzi resource valid against
the CRD schemas of the pinned Strimzi version (tests/deploy/strimzi_crds.py)."""

import functools
from typing import Any

import jsonschema
import pytest

from pas_shared.events.catalog import CATALOG
from pas_shared.events.public import PARTNER_TOPIC_PREFIX
from pas_shared.kafka import dlq_topic
from tests.deploy import strimzi_crds
from tests.deploy.repo import DEPLOY, SERVICES, load_yaml_documents, service_spec

KAFKA = DEPLOY / "k8s" / "base" / "kafka"


def subscriptions(service: str) -> dict[str, list[str]]:
    return {s.name: s.topics() for s in service_spec(service).subscriptions}


def consumed(service: str) -> set[str]:
    return {t for topics in subscriptions(service).values() for t in topics}


def topics() -> dict[str, dict[str, Any]]:
    return {t["spec"]["topicName"]: t for t in load_yaml_documents(KAFKA / "topics.yaml")}


def users() -> dict[str, dict[str, Any]]:
    return {u["metadata"]["name"]: u for u in load_yaml_documents(KAFKA / "users.yaml")}


def test_a_topic_for_every_catalogue_topic_and_every_dlq() -> None:
    expected = set(CATALOG.topics()) | {dlq_topic(t) for s in SERVICES for t in consumed(s)}
    found = topics()
    assert set(found) == expected
    for name, topic in found.items():
        assert topic["spec"]["replicas"] == 3, name
        assert topic["spec"]["config"]["min.insync.replicas"] == 2, name
        assert topic["spec"]["partitions"] >= 1, name
        assert topic["metadata"]["labels"]["strimzi.io/cluster"] == "pas-kafka"
    assert all(found[t]["spec"]["partitions"] >= 3 for t in CATALOG.topics()), "room for consumers to scale out"


def acls(service: str, resource_type: str, operation: str) -> set[str]:
    return {
        a["resource"]["name"]
        for a in users()[f"pas-{service}"]["spec"]["authorization"]["acls"]
        if a["resource"]["type"] == resource_type and operation in a["operations"] and a["type"] == "allow"
    }


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_writes_only_its_own_topics_and_reads_what_it_consumes(service: str) -> None:
    user = users()[f"pas-{service}"]
    assert user["spec"]["authentication"] == {"type": "tls"}
    prefixed = [a for a in user["spec"]["authorization"]["acls"] if a["resource"]["patternType"] != "literal"]
    # The one prefix: the gateway publishes every partner's feed (issue 8), pas.partner.<id>.v1.
    expected_prefixed = [("topic", PARTNER_TOPIC_PREFIX)] if service == "gateway" else []
    assert [(a["resource"]["type"], a["resource"]["name"]) for a in prefixed] == expected_prefixed, "no other wildcards"
    assert all("Read" not in a["operations"] for a in prefixed)
    writes = acls(service, "topic", "Write") - {PARTNER_TOPIC_PREFIX}
    assert writes == set(CATALOG.topics(service)) | {dlq_topic(t) for t in consumed(service)}
    for topic in writes:
        assert topic.startswith(f"pas.{service}.") or topic.removesuffix(".dlq") in consumed(service), topic
    assert acls(service, "topic", "Read") == consumed(service)
    assert acls(service, "group", "Read") == {f"pas.{name}" for name in subscriptions(service)}
    assert not acls(service, "cluster", "Alter") and not acls(service, "topic", "Create") and not acls(service, "topic", "Delete")


def test_a_user_per_service_and_one_for_the_operator() -> None:
    assert set(users()) == {f"pas-{s}" for s in SERVICES} | {"pas-ops"}


def test_the_operator_reads_dlqs_and_writes_back_only_to_consumed_topics() -> None:
    everything_consumed = {t for s in SERVICES for t in consumed(s)}
    user = users()["pas-ops"]
    assert user["spec"]["authentication"] == {"type": "tls"}
    assert acls("ops", "topic", "Read") == everything_consumed | {dlq_topic(t) for t in everything_consumed}
    assert acls("ops", "topic", "Write") == everything_consumed  # `pas dlq redrive`: back where they came from
    assert not any(t.startswith(PARTNER_TOPIC_PREFIX) for t in acls("ops", "topic", "Read") | acls("ops", "topic", "Write"))
    assert acls("ops", "group", "Read") == {f"pas.{n}" for s in SERVICES for n in subscriptions(s)} | {"pas.ops."}
    for a in user["spec"]["authorization"]["acls"]:
        assert a["resource"]["type"] in ("topic", "group") and not set(a["operations"]) & {"Create", "Delete", "Alter", "All"}


@functools.cache
def schemas() -> dict[str, Any]:
    try:
        return strimzi_crds.crds()
    except strimzi_crds.Unavailable as exc:
        pytest.skip(f"Strimzi CRDs cannot be generated here: {exc}")


def strimzi_resources() -> list[dict[str, Any]]:
    found = []
    for path in sorted(KAFKA.glob("*.yaml")):
        found += load_yaml_documents(path)
    return found


def test_strimzi_resources_are_valid_against_the_crds() -> None:
    crds = schemas()
    resources = strimzi_resources()
    assert {r["kind"] for r in resources} == {"Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser"}
    for r in resources:
        schema = strimzi_crds.schema_for(crds[r["kind"]], r["apiVersion"])
        errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(r), key=str)
        assert not errors, f"{r['kind']}/{r['metadata']['name']}: " + "; ".join(
            f"{list(e.path)}: {e.message}" for e in errors[:5]
        )


def test_crd_validation_can_fail() -> None:
    crds = schemas()
    topic = next(iter(topics().values()))
    broken = topic | {"spec": topic["spec"] | {"replicationFactor": 3}}  # not a KafkaTopic field
    schema = strimzi_crds.schema_for(crds["KafkaTopic"], topic["apiVersion"])
    assert list(jsonschema.Draft7Validator(schema).iter_errors(broken))
    user = next(iter(users().values()))
    acl = user["spec"]["authorization"]["acls"][0] | {"operations": ["Scribble"]}
    bad_user = user | {"spec": user["spec"] | {"authorization": {"type": "simple", "acls": [acl]}}}
    assert list(jsonschema.Draft7Validator(strimzi_crds.schema_for(crds["KafkaUser"], user["apiVersion"])).iter_errors(bad_user))


def test_kafka_is_kraft_with_node_pools_and_replicated() -> None:
    resources = strimzi_resources()
    pools = [r for r in resources if r["kind"] == "KafkaNodePool"]
    assert {role for p in pools for role in p["spec"]["roles"]} == {"controller", "broker"}
    brokers = sum(p["spec"]["replicas"] for p in pools if "broker" in p["spec"]["roles"])
    assert brokers >= 3, "replicas 3 need three brokers"
    (kafka,) = [r for r in resources if r["kind"] == "Kafka"]
    assert "zookeeper" not in kafka["spec"]
    assert kafka["spec"]["kafka"]["config"]["min.insync.replicas"] == 2
    assert {p["metadata"]["labels"]["strimzi.io/cluster"] for p in pools} == {kafka["metadata"]["name"]}
