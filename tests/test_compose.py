"""The production topology in docker-compose.yml parses with Debian's docker-compose, runs in
production mode, needs its secrets, keeps Temporal on localhost and the app off the owner role."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

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
SECRETS = {
    "CASEWORK_SECRET_KEY": "s" * 48,
    "POSTGRES_PASSWORD": "owner-password-for-the-test",
    "CASEWORK_DB_APP_PASSWORD": "app-password-for-the-test",
    "CASEWORK_PAYLOAD_KEYS": "k1:" + "A" * 43 + "=",
    "GRAFANA_ADMIN_PASSWORD": "grafana-password-for-the-test",
}


def _compose(*args: str, secrets: dict[str, str] = SECRETS) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("docker-compose")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("docker-compose missing: .ci/run must install it")
        pytest.skip("docker-compose not installed")
    env = {k: v for k, v in os.environ.items() if k not in SECRETS and k != "POSTGRES_USER"}
    return subprocess.run(
        [exe, "-f", str(COMPOSE_FILE), *args],
        cwd=REPO_ROOT,
        env=env | secrets,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _config() -> dict[str, Any]:
    result = _compose("config")
    assert result.returncode == 0, result.stderr
    parsed: dict[str, Any] = yaml.safe_load(result.stdout)
    return parsed


def test_compose_file_is_valid() -> None:
    result = _compose("config", "-q")
    assert result.returncode == 0, result.stderr


def test_compose_declares_topology() -> None:
    result = _compose("config", "--services")
    assert result.returncode == 0, result.stderr
    services = set(result.stdout.split())
    assert services >= REQUIRED_SERVICES, f"missing: {sorted(REQUIRED_SERVICES - services)}"


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_without_a_secret_compose_stops_and_names_it(missing: str) -> None:
    result = _compose("config", "-q", secrets={k: v for k, v in SECRETS.items() if k != missing})
    assert result.returncode != 0
    assert f"set {missing}" in result.stderr, result.stderr


def test_casework_runs_in_production_as_the_application_role() -> None:
    services = _config()["services"]
    for name in ("api", "worker", "migrate"):
        env = services[name]["environment"]
        assert env["CASEWORK_ENV"] == "production", name
        assert env["CASEWORK_SECRET_KEY"] == SECRETS["CASEWORK_SECRET_KEY"], name
    for name in ("api", "worker"):
        url = services[name]["environment"]["DATABASE_URL"]
        assert url.startswith("postgresql+asyncpg://casework_app:"), name
        assert "CASEWORK_MIGRATION_DATABASE_URL" not in services[name]["environment"], name
    migrate = services["migrate"]["environment"]
    assert migrate["CASEWORK_DB_APP_PASSWORD"] == SECRETS["CASEWORK_DB_APP_PASSWORD"]
    assert "casework_app" not in migrate["CASEWORK_MIGRATION_DATABASE_URL"]


def test_only_the_api_is_published_beyond_localhost() -> None:
    services = _config()["services"]
    published: dict[str, list[tuple[str, int]]] = {}
    for name, service in services.items():
        for port in service.get("ports", []):
            if isinstance(port, dict):
                published.setdefault(name, []).append(
                    (port.get("host_ip", "0.0.0.0"), int(port["published"]))
                )
            else:  # "ip:host:container" or "host:container"
                parts = str(port).split(":")
                ip = parts[0] if len(parts) == 3 else "0.0.0.0"
                published.setdefault(name, []).append((ip, int(parts[-2])))
    for name in ("temporal", "temporal-ui", "otel-collector", "jaeger", "prometheus", "grafana"):
        assert published[name] and all(ip == "127.0.0.1" for ip, _ in published[name]), name
    assert "postgresql" not in published
    exposed = {
        name for name, ports in published.items() if any(ip != "127.0.0.1" for ip, _ in ports)
    }
    assert exposed == {"api"}


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
