"""The production topology as plain processes: api-server, scheduler (LocalExecutor), dag-processor.

The same environment as deploy/compose.yaml apart from the metadata DB (SQLite here): a DAG run triggered
through the REST API is scheduled, its tasks run in supervised task processes that reach the API server's
execution API with the shared JWT secret, import the DAG helpers from the plugins folder and write to the
findings store.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import httpx
import pytest

from govwatch.airflow_env import admin_password, airflow_env, setup_airflow
from govwatch.settings import TZ, from_env

pytestmark = [pytest.mark.airflow, pytest.mark.e2e, pytest.mark.integration]

AS_OF = date(2026, 11, 20)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, procs: list[subprocess.Popen], logs: Path, seconds: int = 150) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for p in procs:
            if p.poll() is not None:
                pytest.fail(
                    f"{p.args[1:3]} exited:\n" + "".join(f.read_text()[-2000:] for f in logs.glob("*.log"))
                )
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    pytest.fail(f"{url} did not answer in {seconds} s")


def test_scheduler_runs_a_triggered_dag_through_the_execution_api(store, gw_env, tmp_path):
    from govwatch.registry.load import load_registry
    from govwatch.registry.store import import_registry
    from govwatch.sample import generate, serve

    settings = from_env({"GOVWATCH_HOME": str(gw_env)})
    port = _free_port()
    env = airflow_env(
        settings, GOVWATCH_ALLOW_PRIVATE="1", GOVWATCH_DATABASE_URL=os.environ["GOVWATCH_DATABASE_URL"]
    )
    env.update(
        {
            "AIRFLOW__API__PORT": str(port),
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
            "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            # Only the DAG under test runs: the others would start their latest scheduled runs at once.
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        }
    )
    setup_airflow(settings, env)
    exe = str(Path(sys.executable).parent / "airflow")
    logs = tmp_path / "logs"
    logs.mkdir()
    procs: list[subprocess.Popen] = []
    with serve(generate(AS_OF)) as served:
        reg = served.write(tmp_path / "sample")["registry"]
        import_registry(store, load_registry(reg))
        try:
            for name, args in (
                ("api-server", ["api-server", "--port", str(port), "--host", "127.0.0.1", "--workers", "1"]),
                ("scheduler", ["scheduler"]),
                ("dag-processor", ["dag-processor"]),
            ):
                out = open(logs / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
                procs.append(
                    subprocess.Popen(
                        [exe, *args], env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
                    )
                )
            base = f"http://127.0.0.1:{port}"
            _wait(base + "/api/v2/version", procs, logs)
            token = httpx.post(
                base + "/auth/token",
                json={"username": "admin", "password": admin_password(settings)},
                timeout=30,
            ).json()["access_token"]
            auth = {"Authorization": f"Bearer {token}"}
            r = httpx.patch(
                base + "/api/v2/dags/availability_probe", headers=auth, json={"is_paused": False}, timeout=30
            )
            assert r.status_code == 200, r.text
            logical = datetime(2026, 11, 20, 10, 30, tzinfo=TZ)
            r = httpx.post(
                base + "/api/v2/dags/availability_probe/dagRuns",
                headers=auth,
                json={"logical_date": logical.isoformat(), "conf": {}},
                timeout=30,
            )
            assert r.status_code in (200, 201), r.text
            run_id = r.json()["dag_run_id"]
            deadline = time.monotonic() + 240
            state = None
            while time.monotonic() < deadline:
                state = httpx.get(
                    f"{base}/api/v2/dags/availability_probe/dagRuns/{run_id}", headers=auth, timeout=30
                ).json()["state"]
                if state in ("success", "failed"):
                    break
                time.sleep(2)
            tis = httpx.get(
                f"{base}/api/v2/dags/availability_probe/dagRuns/{run_id}/taskInstances",
                headers=auth,
                timeout=30,
            ).json()
            assert state == "success", (state, [(t["task_id"], t["state"]) for t in tis["task_instances"]])
            assert {t["task_id"]: t["pool"] for t in tis["task_instances"]}["probe"] == "govwatch_crawl"
        finally:
            for p in procs:
                try:
                    os.killpg(p.pid, 15)
                except ProcessLookupError:
                    pass
            for p in procs:
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, 9)
    # The triggered run probed every site at its logical time (unpausing adds the latest scheduled slot).
    probes = store.query("SELECT probed_at, count(*) AS n FROM probes GROUP BY probed_at")
    assert (logical, len(served.province.sites)) in [(p["probed_at"].astimezone(TZ), p["n"]) for p in probes]
