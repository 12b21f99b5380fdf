"""Airflow for the DAG tests: a throw-away AIRFLOW_HOME with a SQLite metadata DB, this repo's DAGs and plugins.

Airflow reads its configuration when it is first imported, so the environment is set here, at collection
time, before any test module imports Airflow. A variable already set by the caller wins (CI may point the
tests at another Airflow configuration).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PLUGINS = REPO / "plugins"
DAGS = REPO / "dags"

_HOME = Path(tempfile.mkdtemp(prefix="gw-airflow-tests-"))
_DEFAULTS = {
    "AIRFLOW_HOME": str(_HOME),
    "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
    "AIRFLOW__CORE__PLUGINS_FOLDER": str(PLUGINS),
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    "AIRFLOW__CORE__DEFAULT_TIMEZONE": "Asia/Shanghai",
    "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{_HOME / 'airflow.db'}",
    "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(_HOME / "logs"),
}
for _key, _value in _DEFAULTS.items():
    os.environ.setdefault(_key, _value)
# DAG files import helpers the way Airflow lets them: the plugins folder is on sys.path.
if str(PLUGINS) not in sys.path:
    sys.path.append(str(PLUGINS))

DAG_IDS = (
    "availability_probe",
    "column_update_check",
    "monthly_inspection",
    "monthly_report",
    "rectification_reminders",
)


@pytest.fixture(scope="session")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """The metadata DB migrated once per session (``dag.test()`` records its runs there)."""
    from airflow.utils import db

    db.initdb()
    return _HOME
