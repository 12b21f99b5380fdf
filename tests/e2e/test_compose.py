"""deploy/compose.yaml: the production topology, validated by Debian's ``docker-compose config``.

``config`` needs no container engine: it resolves anchors, variables and the schema. The test skips with a
reason when the binary is absent (``apt-get install -y docker-compose``; scripts/system-deps.sh does it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
import yaml

from govwatch.airflow_env import POOLS
from govwatch.settings import REPO_ROOT

pytestmark = pytest.mark.e2e

COMPOSE = REPO_ROOT / "deploy" / "compose.yaml"
AIRFLOW_SERVICES = {
    "airflow-init",
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
}


def _config(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("docker-compose")
    if exe is None:
        pytest.skip("docker-compose is not installed (apt-get install -y docker-compose)")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVWATCH_", "AIRFLOW"))}
    env.update(extra_env)
    return subprocess.run(
        [exe, "-f", str(COMPOSE), "-p", "govwatch", "config"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_compose_config_resolves_the_topology():
    proc = _config({"GOVWATCH_JWT_SECRET": "jwt-test", "GOVWATCH_API_SECRET_KEY": "api-test"})
    assert proc.returncode == 0, proc.stderr
    cfg = yaml.safe_load(proc.stdout)
    services = cfg["services"]
    assert set(services) == AIRFLOW_SERVICES | {"postgres"}
    images = {services[s]["image"] for s in AIRFLOW_SERVICES}
    assert images == {"govwatch:latest"}, "one image for every Airflow component"
    for name in AIRFLOW_SERVICES:
        env = services[name]["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
        assert env["AIRFLOW__CORE__DEFAULT_TIMEZONE"] == "Asia/Shanghai"
        assert env["AIRFLOW__API_AUTH__JWT_SECRET"] == "jwt-test", "every component must share the JWT secret"
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
        assert env["AIRFLOW__CORE__DAGS_FOLDER"] == "/opt/govwatch/dags"
        assert env["AIRFLOW_CONN_GOVWATCH_DB"].startswith("postgresql://govwatch:")
    commands = {s: " ".join(services[s]["command"]) for s in AIRFLOW_SERVICES}
    assert commands["airflow-apiserver"].startswith("airflow api-server")
    assert commands["airflow-scheduler"] == "airflow scheduler"
    assert commands["airflow-dag-processor"] == "airflow dag-processor"
    assert commands["airflow-triggerer"] == "airflow triggerer"
    for name in AIRFLOW_SERVICES - {"airflow-init"}:
        deps = services[name]["depends_on"]
        assert deps["airflow-init"]["condition"] == "service_completed_successfully"
        assert deps["postgres"]["condition"] == "service_healthy"
    init = commands["airflow-init"]
    assert "airflow db migrate" in init and "govwatch db init" in init
    created = dict(re.findall(r"airflow pools set (\w+) (\d+)", init))
    assert {k: int(v) for k, v in created.items()} == {k: slots for k, (slots, _d) in POOLS.items()}
    assert services["airflow-apiserver"]["ports"][0]["target"] == 8080


def test_compose_refuses_to_start_without_secrets():
    proc = _config({})
    assert proc.returncode != 0
    assert "GOVWATCH_API_SECRET_KEY" in proc.stderr or "GOVWATCH_JWT_SECRET" in proc.stderr


def test_dockerfile_builds_from_the_lock_and_bakes_in_dags_and_plugins():
    text = (REPO_ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    assert "FROM python:3.11" in text
    assert "pip install --no-deps -r requirements.txt" in text
    for part in ("govwatch", "include", "dags", "plugins"):
        assert re.search(rf"^COPY {part} \./{part}$", text, re.M), part
    init_sql = (REPO_ROOT / "deploy" / "postgres-init.sql").read_text(encoding="utf-8")
    assert "CREATE DATABASE govwatch" in init_sql
