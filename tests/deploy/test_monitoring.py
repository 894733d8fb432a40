"""Alert rules and dashboards (deploy/monitoring): every metric and label they name is one the
code exposes (pas_shared.metrics.Metrics with the database gauges of the service's ServiceSpec,
plus the `pas_service` label the scrape adds and Prometheus's own `up`), the alerts the issue
asks for exist, each alert has a runbook section in deploy/README.md, and there is one dashboard
per service selecting that service."""

import json
import re
from typing import Any

import pytest

from pas_shared.metrics import Metrics
from tests.deploy.repo import DEPLOY, SERVICES, load_yaml, service_spec

MONITORING = DEPLOY / "monitoring"
SCRAPE_LABELS = {"pas_service", "instance", "job"}
PROMETHEUS_SERIES = {"up"}
PROMQL_WORDS = {
    "sum", "max", "min", "avg", "count", "by", "without", "rate", "increase", "irate", "histogram_quantile", "topk",
    "bottomk", "and", "or", "unless", "clamp_min", "clamp_max", "on", "ignoring", "group_left", "group_right", "le",
    "offset", "abs", "deriv", "delta", "time", "vector", "bool",
}  # fmt: skip
ALERT_CONCERNS = {
    "outbox backlog age": "pas_outbox_oldest_unsent_age_seconds",
    "consumer lag": "pas_consumer_lag",
    "DLQ growth": "pas_events_dead_lettered_total",
    "error rate": 'status=~"5.."',
    "escapes not escalated in time": "pas_security_escalations_overdue",
}


def code_metrics(service: str | None = None) -> tuple[set[str], set[str]]:
    """(series names, label names) of every metric `service` exposes (None: any service)."""
    services = SERVICES if service is None else (service,)
    metrics = Metrics("any", [g for s in services for g in service_spec(s).gauges])
    series: set[str] = set()
    labels: set[str] = set()
    for family in metrics.registry.collect():
        suffixes = {"counter": ["_total", "_created"], "histogram": ["_bucket", "_count", "_sum", "_created"]}
        series |= {family.name + s for s in suffixes.get(family.type, [""])}
        if family.type == "histogram":
            labels.add("le")  # the bucket label of every histogram
    for value in [*vars(metrics).values(), *(gauge for _, gauge in metrics.database_gauges)]:
        labels |= set(getattr(value, "_labelnames", ()))
    assert "pas_consumer_lag" in series and "pas_events_dead_lettered_total" in series, "the metric reader itself works"
    return series, labels


def names_in(expr: str) -> tuple[set[str], set[str]]:
    """(metric names, label names) an expression uses."""
    no_strings = re.sub(r'"[^"]*"', '""', expr)
    labels = set(re.findall(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)", no_strings))
    for grouping in re.findall(r"\b(?:by|without|on|ignoring)\s*\(([^)]*)\)", no_strings):
        labels |= {g.strip() for g in grouping.split(",") if g.strip()}
    no_selectors = re.sub(r"\{[^}]*\}", "", no_strings)
    no_groupings = re.sub(r"\b(?:by|without|on|ignoring)\s*\([^)]*\)", "", no_selectors)
    no_ranges = re.sub(r"\[[^\]]*\]", "", no_groupings)
    words = set(re.findall(r"\b[a-zA-Z_:][a-zA-Z0-9_:]*\b", no_ranges))
    return {w for w in words if w not in PROMQL_WORDS and not re.fullmatch(r"e\d*", w)}, labels


def check_expr(expr: str, where: str, service: str | None = None) -> set[str]:
    series, labels = code_metrics(service)
    metrics, used_labels = names_in(expr)
    assert metrics, f"{where}: names no metric"
    unknown = metrics - series - PROMETHEUS_SERIES
    assert not unknown, f"{where}: metrics not in the code: {sorted(unknown)}"
    bad_labels = used_labels - labels - SCRAPE_LABELS
    assert not bad_labels, f"{where}: labels not in the code: {sorted(bad_labels)}"
    assert expr.count("(") == expr.count(")") and expr.count("{") == expr.count("}"), f"{where}: unbalanced"
    return metrics


def rules() -> list[dict[str, Any]]:
    rule = load_yaml(MONITORING / "prometheus-rule.yaml")
    assert rule["apiVersion"] == "monitoring.coreos.com/v1" and rule["kind"] == "PrometheusRule"
    return [r for group in rule["spec"]["groups"] for r in group["rules"]]


def test_the_checks_can_fail() -> None:
    with pytest.raises(AssertionError, match="not in the code"):
        check_expr("sum(rate(pas_events_publishd_total[5m]))", "typo")
    with pytest.raises(AssertionError, match="labels not in the code"):
        check_expr("sum by (consumer_group) (pas_consumer_lag)", "label typo")


def test_every_alert_names_real_metrics_and_labels() -> None:
    found = rules()
    assert found
    for rule in found:
        check_expr(rule["expr"], rule["alert"])
        for text in rule["annotations"].values():
            for label in re.findall(r"\$labels\.([a-zA-Z_]+)", text):
                assert label in code_metrics()[1] | SCRAPE_LABELS, f"{rule['alert']}: annotation label {label}"
        assert rule["labels"]["severity"] in {"info", "warning", "critical"}


def test_the_alerts_the_issue_asks_for_exist() -> None:
    exprs = " ".join(r["expr"] for r in rules())
    for concern, needle in ALERT_CONCERNS.items():
        assert needle in exprs, f"no alert on {concern}"


def test_an_alert_for_escapes_not_escalated_in_time() -> None:
    escalations = [r for r in rules() if "escalat" in r["expr"]]
    assert escalations, "no alert on overdue escalations"
    for rule in escalations:
        assert check_expr(rule["expr"], rule["alert"], "security") == {"pas_security_escalations_overdue"}
        assert rule["labels"]["severity"] == "critical"
    with pytest.raises(AssertionError, match="not in the code"):  # a security gauge only
        check_expr("max(pas_security_escalations_overdue)", "another service", "remission")


def test_every_alert_has_a_runbook_section() -> None:
    readme = (DEPLOY / "README.md").read_text()
    headings = set(re.findall(r"^### (\w+)$", readme, flags=re.MULTILINE))
    for rule in rules():
        assert rule["alert"] in headings, f"no runbook section '### {rule['alert']}' in deploy/README.md"
        assert rule["annotations"]["runbook_url"] == f"deploy/README.md#{rule['alert'].lower()}"


def test_compose_rules_are_the_prometheus_rule_groups() -> None:
    plain = load_yaml(MONITORING / "prometheus" / "pas-alerts.rules.yaml")
    assert plain == {"groups": load_yaml(MONITORING / "prometheus-rule.yaml")["spec"]["groups"]}


@pytest.mark.parametrize("service", SERVICES)
def test_one_dashboard_per_service_on_real_metrics(service: str) -> None:
    dashboard = json.loads((MONITORING / "dashboards" / f"{service}.json").read_text())
    assert dashboard["uid"] == f"pas-{service}"
    targets = [t for p in dashboard["panels"] for t in p["targets"]]
    assert len(dashboard["panels"]) >= 8
    used: set[str] = set()
    for t in targets:
        used |= check_expr(t["expr"], f"{service} dashboard {t['refId']}", service)
        assert f'pas_service="{service}"' in t["expr"], f"{service} dashboard shows another service: {t['expr']}"
        for label in re.findall(r"\{\{(\w+)\}\}", t.get("legendFormat", "")):
            assert label in code_metrics(service)[1] | SCRAPE_LABELS
    series, _ = code_metrics(service)
    shown = {s.removesuffix("_bucket").removesuffix("_count").removesuffix("_sum") for s in used}
    exposed = {
        s.removesuffix("_bucket").removesuffix("_count").removesuffix("_sum") for s in series if not s.endswith("_created")
    }
    assert exposed <= shown, f"metrics no panel shows: {sorted(exposed - shown)}"


def base(series: str) -> str:
    return series.removesuffix("_bucket").removesuffix("_count").removesuffix("_sum")


def test_dashboards_are_provisioned_in_both_stacks() -> None:
    files = sorted(p.name for p in (MONITORING / "dashboards").glob("*.json"))
    assert files == sorted(f"{s}.json" for s in SERVICES)
    kustomization = load_yaml(MONITORING / "kustomization.yaml")
    generated = {f for g in kustomization["configMapGenerator"] for f in g["files"]}
    assert generated == {f"dashboards/{f}" for f in files}
