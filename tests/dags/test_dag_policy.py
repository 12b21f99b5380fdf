"""DagBag import and policy: what every govwatch DAG must satisfy before it reaches a scheduler."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from govwatch.airflow_env import DAGS_FOLDER as DAGS
from govwatch.airflow_env import POOLS

pytestmark = pytest.mark.airflow

TZ = ZoneInfo("Asia/Shanghai")
HAN = re.compile(r"[\u4e00-\u9fff]")
DAG_IDS = (
    "availability_probe",
    "column_update_check",
    "monthly_inspection",
    "monthly_report",
    "rectification_reminders",
)


def test_no_import_errors_and_exactly_the_five_dags(dagbag):
    assert dagbag.import_errors == {}
    assert sorted(dagbag.dags) == sorted(DAG_IDS)


@pytest.mark.parametrize("dag_id", DAG_IDS)
def test_dag_id_is_file_stem_and_function_name(dagbag, dag_id):
    dag = dagbag.dags[dag_id]
    assert dag.fileloc == str(DAGS / f"{dag_id}.py")
    source = (DAGS / f"{dag_id}.py").read_text(encoding="utf-8")
    assert f"def {dag_id}() -> None:" in source and f'dag_id="{dag_id}"' in source


@pytest.mark.parametrize("dag_id", DAG_IDS)
def test_dag_serialises(dagbag, dag_id):
    """The scheduler stores DAGs serialised; a DAG that does not serialise never runs (e.g. a ZoneInfo tz)."""
    from airflow.serialization.serialized_objects import DagSerialization

    data = DagSerialization.to_dict(dagbag.dags[dag_id])
    back = DagSerialization.from_dict(data)
    assert back.dag_id == dag_id
    assert sorted(back.task_dict) == sorted(dagbag.dags[dag_id].task_dict)


@pytest.mark.parametrize("dag_id", DAG_IDS)
def test_dag_policy(dagbag, dag_id):
    dag = dagbag.dags[dag_id]
    assert "govwatch" in dag.tags and len(dag.tags) >= 2
    assert dag.owner == "govwatch"
    assert str(dag.timezone.name) == "Asia/Shanghai"
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert dag.doc_md and HAN.search(dag.doc_md), "DAG doc_md must be in Chinese"
    assert "失败" in dag.doc_md, "the DAG doc must say what to do on failure"
    assert "参数" in dag.doc_md, "the DAG doc must describe its params"
    assert dag.dagrun_timeout is not None


@pytest.mark.parametrize("dag_id", DAG_IDS)
def test_task_policy(dagbag, dag_id):
    dag = dagbag.dags[dag_id]
    for t in dag.tasks:
        assert t.owner == "govwatch", t.task_id
        assert t.doc_md and HAN.search(t.doc_md), f"{dag_id}.{t.task_id}: doc_md in Chinese"
        if t.task_id == "validate":
            # Retrying cannot make bad data good: the gate fails at once.
            assert t.retries == 0
        else:
            assert t.retries >= 1, f"{dag_id}.{t.task_id}: retries"
            assert t.retry_delay >= timedelta(minutes=1), f"{dag_id}.{t.task_id}: retry_delay"
        assert t.on_failure_callback, f"{dag_id}.{t.task_id}: operator-facing failure notification"


@pytest.mark.parametrize("dag_id", DAG_IDS)
def test_every_pool_exists(dagbag, dag_id):
    """A task in a pool that does not exist is silently never scheduled."""
    known = set(POOLS) | {"default_pool"}
    for t in dagbag.dags[dag_id].tasks:
        assert t.pool in known, f"{dag_id}.{t.task_id} names pool {t.pool!r}"


def test_crawling_and_sms_tasks_use_their_pools(dagbag):
    pools = {(d, t.task_id): t.pool for d in DAG_IDS for t in dagbag.dags[d].tasks}
    assert pools[("column_update_check", "check_sites")] == "govwatch_crawl"
    assert pools[("column_update_check", "check_accounts")] == "govwatch_crawl"
    assert pools[("monthly_inspection", "inspect_sites")] == "govwatch_crawl"
    assert pools[("availability_probe", "probe")] == "govwatch_crawl"
    assert pools[("rectification_reminders", "flush_outbox")] == "govwatch_sms"
    assert pools[("monthly_report", "flush_outbox")] == "govwatch_sms"


# availability_probe sends nothing outward; its site_unreachable findings pass the inspection's gate.
@pytest.mark.parametrize("dag_id", [d for d in DAG_IDS if d != "availability_probe"])
def test_every_validation_gate_precedes_outward_effects(dagbag, dag_id):
    dag = dagbag.dags[dag_id]
    gate = dag.task_dict["validate"]
    downstream = gate.get_flat_relative_ids(upstream=False)
    for outward in ("flush_outbox", "remind", "render", "publish"):
        if outward in dag.task_dict:
            assert outward in downstream, f"{dag_id}: {outward} must wait for the validation gate"


def _runs(dag, start: datetime, n: int) -> list[datetime]:
    """The next ``n`` scheduled run instants from ``start`` as the scheduler computes them.

    ``catchup=True`` with ``earliest=start`` makes the computation independent of the wall clock.
    """
    import pendulum
    from airflow.serialization.encoders import coerce_to_core_timetable
    from airflow.timetables.base import TimeRestriction

    start = pendulum.instance(start)
    timetable = coerce_to_core_timetable(dag.timetable)
    restriction = TimeRestriction(earliest=start, latest=None, catchup=True)
    out: list[datetime] = []
    last = None
    for _ in range(n):
        info = timetable.next_dagrun_info(last_automated_data_interval=last, restriction=restriction)
        assert info is not None
        out.append(info.run_after.astimezone(TZ))
        last = info.data_interval
    return out


def test_column_update_check_runs_monday_and_thursday_at_nine(dagbag):
    runs = _runs(dagbag.dags["column_update_check"], datetime(2026, 11, 22, 12, 0, tzinfo=TZ), 8)
    assert [r.strftime("%a %H:%M") for r in runs] == ["Mon 09:00", "Thu 09:00"] * 4
    assert runs[0].date().isoformat() == "2026-11-23"
    # No drift: the runs stay on the wall clock of Asia/Shanghai week after week.
    assert all(r.utcoffset() == timedelta(hours=8) for r in runs)


def test_availability_probe_runs_at_least_twenty_times_a_day(dagbag):
    runs = _runs(dagbag.dags["availability_probe"], datetime(2026, 11, 22, 0, 0, tzinfo=TZ), 60)
    per_day: dict[str, int] = {}
    for r in runs:
        per_day[r.date().isoformat()] = per_day.get(r.date().isoformat(), 0) + 1
    assert per_day["2026-11-22"] >= 20
    assert all((b - a) == timedelta(minutes=30) for a, b in zip(runs, runs[1:], strict=False))


def test_monthly_inspection_runs_on_the_first_at_two(dagbag):
    runs = _runs(dagbag.dags["monthly_inspection"], datetime(2026, 11, 22, 0, 0, tzinfo=TZ), 3)
    assert [r.strftime("%Y-%m-%d %H:%M") for r in runs] == [
        "2026-12-01 02:00",
        "2027-01-01 02:00",
        "2027-02-01 02:00",
    ]


def test_rectification_reminders_skip_the_national_day_holiday(dagbag):
    runs = _runs(dagbag.dags["rectification_reminders"], datetime(2026, 9, 30, 9, 0, tzinfo=TZ), 2)
    # 2026-10-01 … 10-07 is the National Day holiday; 10-08 is the next working day.
    assert [r.strftime("%Y-%m-%d %H:%M") for r in runs][0] == "2026-10-08 08:30"


def test_monthly_report_is_scheduled_on_the_inspection_asset(dagbag):
    report = dagbag.dags["monthly_report"]
    publish = dagbag.dags["monthly_inspection"].task_dict["publish"]
    outlet_uris = {o.uri for o in publish.outlets}
    assert outlet_uris == {"govwatch://monthly_inspection/"}
    scheduled_on = {a.uri for a in report.timetable.asset_condition.objects}
    assert scheduled_on == outlet_uris


@pytest.mark.parametrize("dag_id", ["column_update_check", "monthly_inspection"])
def test_sharding_is_bounded_below_max_map_length(dagbag, dag_id):
    from airflow.configuration import conf

    dag = dagbag.dags[dag_id]
    max_shards = dag.params["max_shards"]
    assert 1 <= max_shards <= 64
    schema_max = dag.params.get_param("max_shards").schema["maximum"]
    assert schema_max < conf.getint("core", "max_map_length")
    from airflow.sdk.definitions.mappedoperator import MappedOperator

    mapped = {t.task_id for t in dag.tasks if isinstance(t, MappedOperator)}
    # Shards of sites (and of accounts), never one task per column.
    expected = {
        "column_update_check": {"check_sites", "check_accounts"},
        "monthly_inspection": {"inspect_sites"},
    }
    assert mapped == expected[dag_id]


@pytest.mark.parametrize("dag_id", DAG_IDS)
def test_params_have_defaults(dagbag, dag_id):
    params = dagbag.dags[dag_id].params
    for key in params:
        params.get_param(key).resolve(suppress_exception=False) if params[key] is not None else None
    if dag_id != "monthly_report":
        assert "as_of" in params and params["as_of"] is None
    if dag_id in ("availability_probe", "column_update_check", "monthly_inspection"):
        assert params["sites"] == []
