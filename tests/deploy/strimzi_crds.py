"""Strimzi's CustomResourceDefinitions for the suite, made the way Strimzi's own build makes them.

Strimzi's `io.strimzi:api` jar holds the API model classes, not the CRD YAML: its build runs
`io.strimzi.crdgenerator.CrdGenerator` (the `io.strimzi:crd-generator` artifact) on those classes.
We do the same, once per version, into a cache outside git: Maven copies both artifacts and their
dependencies from Maven Central (tests/deploy/strimzi/pom.xml, as deploy/local/kafka/pom.xml does
for the broker), then CrdGenerator runs with the arguments of io.strimzi:api's pom. The generator
is built for Java 21, so a JDK 21 or newer is needed (JAVA_HOME, or one under /usr/lib/jvm)."""

import os
import re
import subprocess
from pathlib import Path
from typing import Any

from tests.deploy.repo import ROOT, load_yaml

POM = ROOT / "tests" / "deploy" / "strimzi" / "pom.xml"
KINDS = {
    "Kafka": "io.strimzi.api.kafka.model.kafka.Kafka",
    "KafkaNodePool": "io.strimzi.api.kafka.model.nodepool.KafkaNodePool",
    "KafkaTopic": "io.strimzi.api.kafka.model.topic.KafkaTopic",
    "KafkaUser": "io.strimzi.api.kafka.model.user.KafkaUser",
}


class Unavailable(Exception):
    """No JDK 21+ or no Maven on this machine: the CRDs cannot be generated here."""


def version() -> str:
    found = re.search(r"<strimzi.version>([^<]+)</strimzi.version>", POM.read_text())
    assert found
    return found.group(1)


def cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "pas-platform"
    return base / f"strimzi-crds-{version()}"


def java21() -> str:
    candidates = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(Path(os.environ["JAVA_HOME"]))
    candidates += sorted(Path("/usr/lib/jvm").glob("*"), reverse=True) if Path("/usr/lib/jvm").is_dir() else []
    for home in candidates:
        release = home / "release"
        java = home / "bin" / "java"
        if release.is_file() and java.is_file():
            found = re.search(r'JAVA_VERSION="(\d+)', release.read_text())
            if found and int(found.group(1)) >= 21:
                return str(java)
    raise Unavailable("no JDK 21 or newer (JAVA_HOME or /usr/lib/jvm/*): Strimzi's CRD generator needs one")


def crds() -> dict[str, dict[str, Any]]:
    """kind -> the CRD (generated on first use, then read from the cache)."""
    out = cache_dir()
    files = {kind: out / f"{kind.lower()}.yaml" for kind in KINDS}
    if not all(f.is_file() for f in files.values()):
        java = java21()
        libs = out / "libs"
        if not libs.is_dir():
            try:
                subprocess.run(
                    ["mvn", "-q", "-B", "-f", str(POM), "dependency:copy-dependencies", f"-DoutputDirectory={libs}"],
                    check=True,
                    capture_output=True,
                    text=True,
                    timeout=600,
                )
            except FileNotFoundError as exc:
                raise Unavailable("mvn is not installed") from exc
        tmp = out / "tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        args = [java, "-cp", f"{libs}/*", "io.strimzi.crdgenerator.CrdGenerator"]
        args += ["--label", "app:strimzi", "--label", "strimzi.io/crd-install:true", "--target-kube", "1.16+"]
        args += ["--crd-api-version", "v1", "--api-versions", "v1", "--storage-version", "v1", "--yaml"]
        args += [f"{cls}={tmp / files[kind].name}" for kind, cls in KINDS.items()]
        subprocess.run(args, check=True, capture_output=True, text=True, timeout=600)
        for kind in KINDS:
            (tmp / files[kind].name).replace(files[kind])
    return {kind: load_yaml(path) for kind, path in files.items()}


def strict_schema(schema: Any) -> Any:
    """The CRD's structural schema as a JSON Schema that refuses unknown fields, as the API
    server's strict field validation does (objects with `properties` and no
    x-kubernetes-preserve-unknown-fields get additionalProperties: false)."""
    if isinstance(schema, list):
        return [strict_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    result = {k: strict_schema(v) if k not in {"enum", "required"} else v for k, v in schema.items()}
    if "properties" in schema and "additionalProperties" not in schema and not schema.get("x-kubernetes-preserve-unknown-fields"):
        result["additionalProperties"] = False
    if schema.get("nullable"):
        result = {"anyOf": [result, {"type": "null"}]}
    return result


def schema_for(crd: dict[str, Any], api_version: str) -> Any:
    group, _, version_name = api_version.partition("/")
    assert crd["spec"]["group"] == group, (crd["spec"]["group"], group)
    (served,) = [v for v in crd["spec"]["versions"] if v["name"] == version_name and v["served"]]
    return strict_schema(served["schema"]["openAPIV3Schema"])
