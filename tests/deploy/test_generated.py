"""The files generated from the code are committed as generated: the Kubernetes service
manifests, Strimzi topics and users, dashboards and compose alert rules
(scripts/deploy_manifests.py) and the README's configuration table (scripts/config_table.py).
A change to a setting, a port, a topic or a subscription fails here until they are regenerated."""

import importlib.util
from types import ModuleType

import pytest

from tests.deploy.repo import ROOT


def script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"pas_script_{name}", ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_deploy_manifests_are_as_generated(capsys: pytest.CaptureFixture[str]) -> None:
    assert script("deploy_manifests").main(["--check"]) == 0, capsys.readouterr().err


def test_readme_configuration_table_is_as_generated(capsys: pytest.CaptureFixture[str]) -> None:
    assert script("config_table").main(["--check"]) == 0, capsys.readouterr().err


def test_the_table_lists_every_setting_of_every_service() -> None:
    from tests.deploy.repo import SERVICES, env_vars

    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("<!-- config-table:begin") : readme.index("<!-- config-table:end -->")]
    for service in SERVICES:
        for variable in env_vars(service):
            assert f"| `{variable}` |" in table, f"{variable} is not in the README's table"


def test_a_stale_table_is_detected(monkeypatch: pytest.MonkeyPatch) -> None:
    module = script("config_table")
    readme = (ROOT / "README.md").read_text()
    stale = readme.replace("| `PAS_SECURITY_KAFKA_BOOTSTRAP` |", "| `PAS_SECURITY_KAFKA_BOOTSTRAPP` |")
    assert stale != readme
    assert module.render(stale) == readme
