"""Kubernetes manifests (deploy/k8s): the base and both overlays render (tests/deploy/kustomize.py,
checked against `kubectl kustomize` where kubectl exists), every core resource is valid for the
pinned Kubernetes version (kubernetes-validate, strict: unknown fields are errors), and each
service has what an operator needs, consistent with its code: probes, resources, non-root
read-only pods, Service on its port, ConfigMap of its own settings only, a Secret reference and
no secret value, HPA, PDB and a migration Job. NetworkPolicies leave only the gateway reachable
from outside."""

import copy
import functools
import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from tests.deploy.kustomize import render
from tests.deploy.repo import DEPLOY, SERVICES, default_port, env_vars, walk

# The Kubernetes version the manifests are validated against (kubernetes-validate's schemas).
KUBERNETES_VERSION = "1.34.0"
K8S = DEPLOY / "k8s"
OVERLAYS = ("staging", "production")
CUSTOM_GROUPS = ("kafka.strimzi.io/", "monitoring.coreos.com/")  # validated in test_strimzi.py / test_monitoring.py


@functools.cache
def _rendered(overlay: str) -> list[dict[str, Any]]:
    return render(K8S / "overlays" / overlay)


def rendered(overlay: str) -> list[dict[str, Any]]:
    return copy.deepcopy(_rendered(overlay))


def by_kind(resources: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {r["metadata"]["name"]: r for r in resources if r["kind"] == kind}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_core_resources_are_valid_for_the_pinned_kubernetes(overlay: str) -> None:
    resources = rendered(overlay)
    core = [r for r in resources if not r["apiVersion"].startswith(CUSTOM_GROUPS)]
    assert len(core) > 40
    for r in core:
        try:
            kubernetes_validate.validate(r, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{r['kind']}/{r['metadata']['name']}: {exc.message} at {list(exc.path)}")
    assert {r["metadata"].get("namespace") for r in resources} == {f"pas-{overlay}"}


def test_validation_can_fail() -> None:
    deployment = by_kind(rendered("staging"), "Deployment")["pas-security"]
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["pathh"] = "/readyz"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed: the renderer is not cross-checked")
@pytest.mark.parametrize("directory", ["base", "overlays/staging", "overlays/production"])
def test_renderer_matches_kubectl_kustomize(directory: str) -> None:
    out = subprocess.run(["kubectl", "kustomize", str(K8S / directory)], capture_output=True, text=True, timeout=120, check=True)
    theirs = [d for d in yaml.safe_load_all(out.stdout) if d]

    def key(r: dict[str, Any]) -> tuple[str, str, str]:
        return (r["kind"], r["metadata"].get("namespace", ""), r["metadata"]["name"])

    assert {key(r): r for r in render(K8S / directory)} == {key(r): r for r in theirs}


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("service", SERVICES)
def test_each_service_is_complete_and_matches_its_code(overlay: str, service: str) -> None:
    resources = rendered(overlay)
    name = f"pas-{service}"
    port = default_port(service)
    deployment = by_kind(resources, "Deployment")[name]
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["ports"] == [{"name": "http", "containerPort": port, "protocol": "TCP"}]
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert set(container["resources"]) == {"requests", "limits"}
    assert {"cpu", "memory"} <= set(container["resources"]["requests"]) and {"cpu", "memory"} <= set(
        container["resources"]["limits"]
    )
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] >= 1000
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
    assert container["image"].startswith(f"registry.example.invalid/pas/{name}:")

    config = by_kind(resources, "ConfigMap")[f"{name}-settings"]
    assert set(config["data"]) <= env_vars(service), f"not settings of {service}: {set(config['data']) - env_vars(service)}"
    assert config["data"][f"PAS_{service.replace('-', '_').upper()}_PORT"] == str(port)
    assert config["data"][f"PAS_{service.replace('-', '_').upper()}_MIGRATE_ON_START"] == "false"
    refs = [e for e in container["envFrom"] if "secretRef" in e]
    assert refs == [{"secretRef": {"name": f"{name}-secrets"}}], "the database URL comes from a Secret ops create"
    assert {"configMapRef": {"name": f"{name}-settings"}} in container["envFrom"]

    svc = by_kind(resources, "Service")[name]
    assert svc["spec"]["ports"] == [{"name": "http", "port": port, "targetPort": "http", "protocol": "TCP"}]
    assert svc["spec"]["type"] == "ClusterIP"
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert all(labels.get(k) == v for k, v in svc["spec"]["selector"].items())

    hpa = by_kind(resources, "HorizontalPodAutoscaler")[name]
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
    assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
    pdb = by_kind(resources, "PodDisruptionBudget")[name]
    assert all(labels.get(k) == v for k, v in pdb["spec"]["selector"]["matchLabels"].items())
    if "minAvailable" in pdb["spec"]:
        assert pdb["spec"]["minAvailable"] < hpa["spec"]["minReplicas"], "a PDB that blocks every node drain"

    job = by_kind(resources, "Job")[f"{name}-migrate"]
    (migrate,) = job["spec"]["template"]["spec"]["containers"]
    assert migrate["command"] == ["python", "/app/migrate.py", service]
    assert migrate["image"] == container["image"], "the Job migrates with the version it deploys"
    assert migrate["envFrom"] == container["envFrom"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    assert migrate["securityContext"]["readOnlyRootFilesystem"] is True


def test_overlays_differ_where_they_should() -> None:
    staging, production = (by_kind(rendered(o), "Deployment") for o in OVERLAYS)
    assert {d["spec"]["replicas"] for d in staging.values()} == {1}
    assert {d["spec"]["replicas"] for d in production.values()} == {3}
    hosts = {o: by_kind(rendered(o), "Ingress")["pas-gateway"]["spec"]["rules"][0]["host"] for o in OVERLAYS}
    assert hosts["staging"] != hosts["production"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_no_secret_value_in_the_repository(overlay: str) -> None:
    resources = rendered(overlay)
    assert not [r for r in resources if r["kind"] == "Secret"], "Secrets are created by ops, never committed"
    for config in by_kind(resources, "ConfigMap").values():
        for key, value in config.get("data", {}).items():
            assert not any(word in key for word in ("PASSWORD", "DATABASE_URL", "SECRET", "TOKEN")), key
            assert "://" not in value or "@" not in value.split("://", 1)[1].split("/", 1)[0], f"credentials in {key}"
    for node in walk(resources):
        if isinstance(node, dict) and "value" in node and "name" in node and isinstance(node["name"], str):
            assert "PASSWORD" not in node["name"].upper(), f"a literal env value for {node['name']}"


# --- NetworkPolicies ---------------------------------------------------------------------------


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    assert set(selector) <= {"matchLabels"}, f"selector form not evaluated here: {selector}"
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())


def allowed(
    policies: list[dict[str, Any]], target: dict[str, str], source_ns: dict[str, str], source: dict[str, str], same_ns: bool
) -> bool:
    """Would a pod with `source` labels, in a namespace with `source_ns` labels, reach `target`?"""
    applying = [p for p in policies if "Ingress" in p["spec"]["policyTypes"] and selects(p["spec"]["podSelector"], target)]
    if not applying:
        return True
    for policy in applying:
        for rule in policy["spec"].get("ingress", []):
            for peer in rule.get("from", []):
                ns_ok = selects(peer["namespaceSelector"], source_ns) if "namespaceSelector" in peer else same_ns
                pod_ok = selects(peer["podSelector"], source) if "podSelector" in peer else True
                if ns_ok and pod_ok:
                    return True
    return False


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_gateway_is_reachable_from_outside(overlay: str) -> None:
    resources = rendered(overlay)
    policies = [r for r in resources if r["kind"] == "NetworkPolicy"]
    assert any(p["spec"]["podSelector"] == {} and p["spec"].get("ingress") is None for p in policies), "default deny"
    pods = {name: d["spec"]["template"]["metadata"]["labels"] for name, d in by_kind(resources, "Deployment").items()}
    ingress_ns = {"kubernetes.io/metadata.name": "ingress-nginx"}
    monitoring_ns = {"kubernetes.io/metadata.name": "monitoring"}
    other_ns = {"kubernetes.io/metadata.name": "somebody-else"}
    stranger = {"app": "curl"}
    for name, labels in pods.items():
        gateway = name == "pas-gateway"
        assert allowed(policies, labels, ingress_ns, {"app.kubernetes.io/name": "ingress-nginx"}, False) is gateway, name
        assert not allowed(policies, labels, other_ns, stranger, False), name
        assert not allowed(policies, labels, {}, stranger, True), f"{name} reachable from any pod of its namespace"
        assert allowed(policies, labels, {}, pods["pas-gateway"], True), f"the gateway cannot reach {name}"
        assert allowed(policies, labels, monitoring_ns, {"app.kubernetes.io/name": "prometheus"}, False), f"no scrape of {name}"
    for name, labels in pods.items():
        if name != "pas-gateway":
            assert allowed(policies, pods["pas-gateway"], {}, labels, True), f"{name} cannot fetch the gateway's JWKS"
            for other, other_labels in pods.items():
                if other not in {name, "pas-gateway"}:
                    assert not allowed(policies, other_labels, {}, labels, True), f"{name} reaches {other} directly"


def test_services_are_kafka_clients_and_the_listener_admits_only_them() -> None:
    resources = rendered("production")
    kafka = next(r for r in resources if r["kind"] == "Kafka")
    # The services' listener; the partners' own (SCRAM, from outside) is checked in test_kafka_security.py.
    (listener,) = [x for x in kafka["spec"]["kafka"]["listeners"] if x["name"] == "tls"]
    assert listener["tls"] is True and listener["authentication"] == {"type": "tls"}
    peers = listener["networkPolicyPeers"]
    for name, d in by_kind(resources, "Deployment").items():
        labels = d["spec"]["template"]["metadata"]["labels"]
        assert any(selects(p["podSelector"], labels) for p in peers), name
    assert kafka["spec"]["kafka"]["authorization"] == {"type": "simple"}


def test_base_files_exist_for_every_service() -> None:
    assert sorted(p.stem for p in (K8S / "base" / "services").glob("*.yaml")) == sorted(SERVICES)
    assert all(Path(K8S / "overlays" / o / "kustomization.yaml").exists() for o in OVERLAYS)
