"""One ``dag.test()`` run per DAG against the sample province served on loopback.

The five DAGs run in the order of a real month on one findings store (a database of its own, copied from
the migrated template), in-process, with a throw-away SQLite Airflow metadata DB. The column check and the
inspection are limited to three sites with the ``sites`` param to stay within CI's minutes.
"""

from __future__ import annotations

import os
import uuid
from datetime import date, datetime, timedelta

import psycopg2
import pytest

from govwatch.settings import TZ, reset_settings_cache
from govwatch.store.db import Store

pytestmark = [pytest.mark.airflow, pytest.mark.integration]

AS_OF = date(2026, 11, 20)  # a Friday
SITES_SUBSET = 3


def _with_db(url: str, dbname: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    if url.startswith(("postgresql://", "postgres://")):
        p = urlsplit(url)
        return urlunsplit((p.scheme, p.netloc, "/" + dbname, p.query, p.fragment))
    return f"{url} dbname={dbname}"


@pytest.fixture(scope="module")
def province_env(pg_url, pg_template, tmp_path_factory):
    """A findings store with the sample province's registry, the province served, GOVWATCH_* set."""
    from govwatch.registry.load import load_registry
    from govwatch.registry.store import import_registry
    from govwatch.sample import generate, serve

    name = f"gwdag_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(pg_url)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    url = _with_db(pg_url, name)
    home = tmp_path_factory.mktemp("gwhome")
    saved = {
        k: os.environ.get(k) for k in ("GOVWATCH_HOME", "GOVWATCH_DATABASE_URL", "GOVWATCH_ALLOW_PRIVATE")
    }
    os.environ.update(
        {"GOVWATCH_HOME": str(home), "GOVWATCH_DATABASE_URL": url, "GOVWATCH_ALLOW_PRIVATE": "1"}
    )
    for var in ("GOVWATCH_RULES", "GOVWATCH_SMTP_URL", "GOVWATCH_SMS_URL", "GOVWATCH_WEBHOOK_URL"):
        os.environ.pop(var, None)
    reset_settings_cache()
    store = Store(url)
    served = serve(generate(AS_OF))
    try:
        paths = served.write(home / "sample")
        import_registry(store, load_registry(paths["registry"]))
        sites = [s.id for s in served.province.sites][:SITES_SUBSET]
        yield {"store": store, "served": served, "sites": sites, "home": home}
    finally:
        served.stop()
        store.close()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        reset_settings_cache()
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _run(dagbag, dag_id: str, logical: datetime, conf: dict | None = None):
    dag = dagbag.dags[dag_id]
    dr = dag.test(logical_date=logical, run_conf=conf or {})
    reset_settings_cache()  # the hook made the task's settings process-wide; the next test starts clean
    states = {
        ti.task_id + (f"[{ti.map_index}]" if ti.map_index >= 0 else ""): ti.state
        for ti in dr.get_task_instances()
    }
    assert dr.state == "success", states
    return dr


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=TZ).replace(hour=hour, minute=minute)


def test_availability_probe(dagbag, airflow_db, province_env):
    store = province_env["store"]
    _run(dagbag, "availability_probe", _at(AS_OF, 9, 30))
    probes = store.query("SELECT site_id, ok, probed_at FROM probes")
    assert len(probes) == len(province_env["served"].province.sites)
    assert {p["probed_at"].astimezone(TZ) for p in probes} == {_at(AS_OF, 9, 30)}
    down = province_env["served"].province.down_site
    assert [p["site_id"] for p in probes if not p["ok"]] == [down]
    # The evaluation of the same run judged the window: the site that is down is vetoed.
    rows = store.query("SELECT target_id, severity FROM findings WHERE check_code = 'site_unreachable'")
    assert rows == [{"target_id": down, "severity": "veto"}]


def test_column_update_check(dagbag, airflow_db, province_env):
    store = province_env["store"]
    sites = province_env["sites"]
    _run(dagbag, "column_update_check", _at(AS_OF, 9), {"sites": sites, "max_shards": 2})
    runs = store.query("SELECT kind, as_of, status FROM runs WHERE kind = 'columns'")
    assert runs and all(r["as_of"] == AS_OF and r["status"] == "done" for r in runs)
    seen_sites = {
        r["site_id"]
        for r in store.query("SELECT DISTINCT site_id FROM observations WHERE site_id IS NOT NULL")
    }
    assert seen_sites == set(sites), "only the sites of the param, sharded"
    accounts = store.query(
        "SELECT count(DISTINCT target_id) AS n FROM observations WHERE target_type = 'feed'"
    )
    assert accounts[0]["n"] == len(province_env["served"].province.accounts)
    assert store.query("SELECT count(*) AS n FROM findings WHERE check_code LIKE 'media_%%'")[0]["n"] > 0


def test_monthly_inspection(dagbag, airflow_db, province_env):
    store = province_env["store"]
    sites = province_env["sites"]
    dr = _run(dagbag, "monthly_inspection", _at(AS_OF, 2), {"sites": sites, "max_shards": 2})
    assert store.query("SELECT count(*) AS n FROM scores WHERE as_of = %s", (AS_OF,))[0]["n"] > 0
    publish = dr.get_task_instance("publish")
    assert publish.state == "success"
    # The asset event that schedules monthly_report carries the period.
    from airflow.models.asset import AssetEvent
    from airflow.utils.session import create_session

    with create_session() as session:
        events = session.query(AssetEvent).filter(AssetEvent.source_run_id == dr.run_id).all()
        assert [e.extra for e in events] == [{"as_of": AS_OF.isoformat(), "period": "2026-11"}]


def test_monthly_report(dagbag, airflow_db, province_env):
    store = province_env["store"]
    home = province_env["home"]
    _run(dagbag, "monthly_report", _at(AS_OF, 3), {"period": "2026-11"})
    files = [p for p in (home / "notices").rglob("*") if p.is_file()]
    assert any(p.suffix == ".docx" for p in files) and any(p.suffix == ".html" for p in files)
    assert store.query("SELECT count(*) AS n FROM notices")[0]["n"] > 0


def test_rectification_reminders(dagbag, airflow_db, province_env):
    from govwatch.workdays import add_workdays

    store = province_env["store"]
    day = add_workdays(AS_OF, 6)
    _run(dagbag, "rectification_reminders", _at(day, 8, 30))
    ledger = store.query("SELECT state, count(*) AS n FROM rectifications GROUP BY state")
    assert sum(r["n"] for r in ledger) > 0
    queued = store.query(
        "SELECT channel, status, count(*) AS n FROM outbox WHERE kind <> 'notice' GROUP BY 1, 2"
    )
    # No SMTP / SMS configured: every reminder waits in the outbox, none is lost or sent.
    assert queued and {r["status"] for r in queued} == {"held"}
    before = store.query("SELECT count(*) AS n FROM outbox")[0]["n"]
    _run(dagbag, "rectification_reminders", _at(day, 8, 30) + timedelta(seconds=1))
    assert store.query("SELECT count(*) AS n FROM outbox")[0]["n"] == before, (
        "a second run the same day adds nothing"
    )
