"""The Airflow environment of govwatch/airflow_env.py: migrate, pools, `dags list` and no import errors.

Runs the real ``airflow`` CLI of this virtualenv in a fresh GOVWATCH_HOME (SQLite metadata).
"""

from __future__ import annotations

import json
import stat

import pytest

from govwatch.airflow_env import (
    POOLS,
    admin_password,
    airflow,
    airflow_env,
    passwords_file,
    setup_airflow,
)
from govwatch.settings import from_env

pytestmark = [pytest.mark.airflow, pytest.mark.e2e]

DAG_IDS = {
    "availability_probe",
    "column_update_check",
    "monthly_inspection",
    "monthly_report",
    "rectification_reminders",
}


def _json(out: str):
    # The CLI may print log lines and warnings before the JSON document (one line).
    lines = [ln for ln in out.splitlines() if ln.startswith(("[", "{"))]
    return json.loads(lines[-1])


def test_environment_shape(tmp_path):
    settings = from_env({"GOVWATCH_HOME": str(tmp_path / "gw")})
    env = airflow_env(settings, base={"PATH": "/usr/bin", "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor"})
    assert env["AIRFLOW_HOME"] == str(tmp_path / "gw" / "airflow")
    assert env["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
    assert (
        env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
        == f"sqlite:///{tmp_path / 'gw' / 'airflow' / 'airflow.db'}"
    )
    assert env["AIRFLOW__CORE__DEFAULT_TIMEZONE"] == "Asia/Shanghai"
    assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "False"
    assert env["AIRFLOW__CORE__DAGS_FOLDER"].endswith("/dags")
    assert env["AIRFLOW__CORE__PLUGINS_FOLDER"].endswith("/plugins")
    assert env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"] == "admin:admin"
    # Secrets are generated once per home and kept: the scheduler and the API server must agree.
    again = airflow_env(settings, base={})
    assert again["AIRFLOW__API_AUTH__JWT_SECRET"] == env["AIRFLOW__API_AUTH__JWT_SECRET"]
    password = admin_password(settings)
    assert password and admin_password(settings) == password
    mode = stat.S_IMODE(passwords_file(settings).stat().st_mode)
    assert mode == 0o600


def test_setup_lists_the_five_dags_without_import_errors(tmp_path):
    settings = from_env({"GOVWATCH_HOME": str(tmp_path / "gw")})
    env = setup_airflow(settings)
    listed = _json(airflow("dags", "list", "-o", "json", env=env).stdout)
    assert {d["dag_id"] for d in listed} == DAG_IDS
    assert all(d["owners"] == ["govwatch"] and d["is_paused"] == "False" for d in listed)
    errors = _json(airflow("dags", "list-import-errors", "-o", "json", env=env).stdout)
    assert errors == []
    pools = {
        p["pool"]: int(p["slots"]) for p in _json(airflow("pools", "list", "-o", "json", env=env).stdout)
    }
    for name, (slots, _desc) in POOLS.items():
        assert pools[name] == slots
    # Idempotent: a second setup changes nothing and does not fail.
    setup_airflow(settings)
