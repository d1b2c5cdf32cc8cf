"""The production topology in docker-compose.yml parses with Debian's docker-compose."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
REQUIRED_SERVICES = frozenset(
    {
        "postgresql",
        "temporal",
        "temporal-ui",
        "migrate",
        "worker",
        "api",
        "otel-collector",
        "jaeger",
        "prometheus",
        "grafana",
    }
)


def _compose(*args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("docker-compose")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("docker-compose missing: .ci/run must install it")
        pytest.skip("docker-compose not installed")
    return subprocess.run(
        [exe, "-f", str(COMPOSE_FILE), *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_compose_file_is_valid() -> None:
    result = _compose("config", "-q")
    assert result.returncode == 0, result.stderr


def test_compose_declares_topology() -> None:
    result = _compose("config", "--services")
    assert result.returncode == 0, result.stderr
    services = set(result.stdout.split())
    assert services >= REQUIRED_SERVICES, f"missing: {sorted(REQUIRED_SERVICES - services)}"


def test_prometheus_and_grafana_are_provisioned_for_casework() -> None:
    """Prometheus scrapes the API and each worker where they serve; Grafana loads the
    dashboard from the mounted folder with the provisioned data source."""
    import json

    import yaml

    deploy = REPO_ROOT / "deploy"
    compose = yaml.safe_load(COMPOSE_FILE.read_text())
    prometheus = yaml.safe_load((deploy / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in prometheus["scrape_configs"]}
    assert jobs["casework-api"]["static_configs"][0]["targets"] == ["api:8000"]
    worker_port = compose["services"]["worker"]["environment"]["CASEWORK_WORKER_METRICS_PORT"]
    assert jobs["casework-worker"]["dns_sd_configs"][0]["port"] == int(worker_port)

    grafana = deploy / "grafana"
    source = yaml.safe_load((grafana / "provisioning/datasources/prometheus.yml").read_text())
    provider = yaml.safe_load((grafana / "provisioning/dashboards/casework.yml").read_text())
    mounts = compose["services"]["grafana"]["volumes"]
    assert f"./deploy/grafana/dashboards:{provider['providers'][0]['options']['path']}:ro" in mounts
    dashboard = json.loads((grafana / "dashboards/casework.json").read_text())
    uid = source["datasources"][0]["uid"]
    assert all(p["datasource"]["uid"] == uid for p in dashboard["panels"])
    assert all(t["expr"] for p in dashboard["panels"] for t in p["targets"])

    # The alert rules are mounted where the config reads them, and use the dashboard's series
    # (which tests/api/test_notifications.py checks against a live /metrics).
    mounted = compose["services"]["prometheus"]["volumes"]
    (rule_file,) = prometheus["rule_files"]
    assert f"./deploy/prometheus-alerts.yml:{rule_file}:ro" in mounted
    alerts = yaml.safe_load((deploy / "prometheus-alerts.yml").read_text())
    rules = [r for group in alerts["groups"] for r in group["rules"]]
    exported = set(re.findall(r"casework_[a-z_]+", json.dumps(dashboard)))
    for rule in rules:
        assert set(re.findall(r"casework_[a-z_]+", rule["expr"])) <= exported, rule["alert"]
