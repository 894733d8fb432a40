"""A small Kustomize for the suite (no kustomize binary is assumed on the machines): renders
deploy/k8s's kustomizations with the features they use — resources (files and directories),
components (kind Component: resources and patches applied to the including kustomization's
resources, as deploy/k8s/feeds is), namespace, images, configMapGenerator (files,
generatorOptions with no hash suffix and labels), and patches in JSON 6902 form, inline or from
a file beside the kustomization, with a target by group, version, kind, name and label selector. Anything else in a
kustomization is refused, so a new feature cannot be silently ignored. Where kubectl is installed,
tests/deploy/test_k8s.py checks this renders exactly what `kubectl kustomize` does."""

import copy
from pathlib import Path
from typing import Any

import yaml

from tests.deploy.repo import load_yaml, load_yaml_documents

Resource = dict[str, Any]

SUPPORTED = {
    "apiVersion",
    "kind",
    "resources",
    "components",
    "namespace",
    "images",
    "patches",
    "configMapGenerator",
    "generatorOptions",
}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PriorityClass", "StorageClass"}


def render(directory: Path) -> list[Resource]:
    k = load_yaml(directory / "kustomization.yaml")
    unknown = set(k) - SUPPORTED
    assert not unknown, f"{directory}: kustomization fields this renderer does not know: {sorted(unknown)}"
    assert k.get("kind", "Kustomization") == "Kustomization", f"{directory}: a {k.get('kind')} is included with components:"
    resources = gather(directory, k)
    for entry in k.get("components", []):
        component = (directory / entry).resolve()
        c = load_yaml(component / "kustomization.yaml")
        assert c.get("kind") == "Component" and set(c) <= {"apiVersion", "kind", "resources", "patches"}, (
            f"{component}: {sorted(c)}"
        )
        resources += gather(component, c)
        apply_patches(component, c, resources)
    options = k.get("generatorOptions", {})
    assert set(options) <= {"disableNameSuffixHash", "labels"}, f"{directory}: generatorOptions {options}"
    for generator in k.get("configMapGenerator", []):
        assert set(generator) <= {"name", "files"} and options.get("disableNameSuffixHash"), f"{directory}: {generator}"
        data = {}
        for f in generator["files"]:
            key, _, file = f.rpartition("=") if "=" in f else ("", "", f)
            data[key or Path(file).name] = (directory / file).read_text(encoding="utf-8")
        metadata: dict[str, Any] = {"name": generator["name"]}
        if options.get("labels"):
            metadata["labels"] = dict(options["labels"])
        resources.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": data})
    apply_patches(directory, k, resources)
    for image in k.get("images", []):
        for r in resources:
            for container in containers(r):
                if image_name(container["image"]) == image["name"]:
                    container["image"] = f"{image.get('newName', image['name'])}:{image['newTag']}"
    if "namespace" in k:
        for r in resources:
            if r["kind"] not in CLUSTER_SCOPED:
                r.setdefault("metadata", {})["namespace"] = k["namespace"]
    return resources


def gather(directory: Path, k: dict[str, Any]) -> list[Resource]:
    resources: list[Resource] = []
    for entry in k.get("resources", []):
        path = (directory / entry).resolve()
        resources += render(path) if path.is_dir() else load_yaml_documents(path)
    return resources


def apply_patches(directory: Path, k: dict[str, Any], resources: list[Resource]) -> None:
    for patch in k.get("patches", []):
        assert set(patch) in ({"target", "patch"}, {"target", "path"}), (
            f"{directory}: only JSON 6902 patches with a target: {patch}"
        )
        if "path" in patch:
            file = (directory / patch["path"]).resolve()
            assert file.is_relative_to(directory.resolve()), f"{directory}: kustomize refuses a patch outside the folder: {file}"
            operations = load_yaml(file)
        else:
            operations = yaml.safe_load(patch["patch"])
        matched = [r for r in resources if matches(r, patch["target"])]
        assert matched, f"{directory}: patch target {patch['target']} matches nothing"
        for r in matched:
            for op in operations:
                apply_operation(r, op)


def image_name(image: str) -> str:
    return image.rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image


def containers(resource: Resource) -> list[dict[str, Any]]:
    spec = resource.get("spec", {})
    template = spec.get("template", spec.get("jobTemplate", {}).get("spec", {}).get("template", {}))
    pod = template.get("spec", {}) if isinstance(template, dict) else {}
    return list(pod.get("containers", [])) + list(pod.get("initContainers", []))


def matches(resource: Resource, target: dict[str, str]) -> bool:
    assert set(target) <= {"group", "version", "kind", "name", "labelSelector"}, f"target {target}"
    group, _, version = resource["apiVersion"].rpartition("/")
    if "group" in target and group != target["group"]:
        return False
    if "version" in target and version != target["version"]:
        return False
    if "kind" in target and resource["kind"] != target["kind"]:
        return False
    if "name" in target and resource["metadata"]["name"] != target["name"]:
        return False
    if "labelSelector" in target:
        labels = resource["metadata"].get("labels", {})
        for term in target["labelSelector"].split(","):
            key, _, value = term.partition("=")
            if labels.get(key.strip()) != value.strip():
                return False
    return True


def _pointer(path: str) -> list[str]:
    assert path.startswith("/"), path
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def apply_operation(document: Resource, op: dict[str, Any]) -> None:
    *parents, last = _pointer(op["path"])
    node: Any = document
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    kind = op["op"]
    if isinstance(node, list):
        index = len(node) if last == "-" else int(last)
        if kind == "add":
            node.insert(index, copy.deepcopy(op["value"]))
        elif kind == "replace":
            node[index] = copy.deepcopy(op["value"])
        elif kind == "remove":
            del node[index]
        else:
            raise AssertionError(f"unsupported op {kind}")
        return
    if kind == "add":
        node[last] = copy.deepcopy(op["value"])
    elif kind == "replace":
        assert last in node, f"replace of a missing {op['path']}"
        node[last] = copy.deepcopy(op["value"])
    elif kind == "remove":
        del node[last]
    else:
        raise AssertionError(f"unsupported op {kind}")
