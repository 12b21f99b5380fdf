"""What every govwatch DAG shares: default arguments, the as-of date of a run, the failure alert.

Cheap to import (DAG files import it at parse time): no govwatch runner, no database, no I/O.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pendulum
from airflow.sdk import BaseNotifier, Param

log = logging.getLogger(__name__)

TZ = ZoneInfo("Asia/Shanghai")
#: Airflow serialises a DAG's timezone only as a pendulum timezone (a ZoneInfo start date fails to serialise).
TZ_NAME = "Asia/Shanghai"
#: A fixed past start date: with catchup off only the latest interval runs.
START_DATE = pendulum.datetime(2026, 1, 1, tz=TZ_NAME)
OWNER = "govwatch"
CRAWL_POOL = "govwatch_crawl"
SMS_POOL = "govwatch_sms"
#: Upper bound of mapped shard tasks per run; far below ``[core] max_map_length`` (1024 by default).
DEFAULT_MAX_SHARDS = 16


class GovwatchAlertNotifier(BaseNotifier):
    """面向运维人员的失败告警：写一条清楚的错误日志，并发到运维群机器人（配置了 govwatch_webhook 时）。

    A task-level ``on_failure_callback`` (runs in the task's own process). Operator alerts go to the chat
    robot directly, not through the outbox, whose messages are addressed to supervised units. It never
    raises: a broken alert channel must not hide the task's own error.
    """

    template_fields = ("message",)

    def __init__(self, message: str = "", title: str = "任务失败") -> None:
        super().__init__()
        self.message = message
        self.title = title

    def notify(self, context: Any) -> None:
        ti = context.get("ti") or context.get("task_instance")
        dag_id = getattr(ti, "dag_id", "?")
        task_id = getattr(ti, "task_id", "?")
        run_id = getattr(ti, "run_id", "?")
        try_number = getattr(ti, "try_number", "?")
        map_index = getattr(ti, "map_index", -1)
        exc = context.get("exception")
        subject = f"【govwatch {self.title}】{dag_id}.{task_id}"
        text = (
            f"{subject}\n运行：{run_id}　第 {try_number} 次尝试"
            + (f"　分片 {map_index}" if map_index not in (-1, None) else "")
            + f"\n错误：{exc!r}\n{self.message}".rstrip()
            + "\n处理：在 Airflow 界面查看该任务日志，修复后清除（Clear）该任务重跑；同一基准日重跑不会重复记录问题。"
        )
        log.error("%s", text)
        try:
            from hooks.govwatch_hook import GovwatchHook

            settings = GovwatchHook().get_settings()
            if not settings.webhook_url:
                log.warning("未配置群机器人（govwatch_webhook / GOVWATCH_WEBHOOK_URL）：告警只写入任务日志")
                return
            from govwatch.notify.robot import send

            ok, answer = send(settings.webhook_url, subject, text)
            log.log(logging.INFO if ok else logging.ERROR, "告警已发往群机器人：%s", answer)
        except Exception as err:  # noqa: BLE001 - the alert must never mask the task's failure
            log.error("告警发送失败：%r", err)


def default_args(retries: int = 2, retry_delay_minutes: int = 5) -> dict[str, Any]:
    return {
        "owner": OWNER,
        "retries": retries,
        "retry_delay": timedelta(minutes=retry_delay_minutes),
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(minutes=30),
        "on_failure_callback": [GovwatchAlertNotifier()],
    }


def as_of_param(description: str = "检查基准日 YYYY-MM-DD；留空＝本次运行的逻辑日期（北京时间）") -> Param:
    return Param(None, type=["null", "string"], format="date", title="as_of 基准日", description=description)


def sites_param() -> Param:
    return Param(
        [],
        type="array",
        items={"type": "string"},
        title="sites 网站标识码",
        description="只检查这些网站（网站标识码列表）；留空＝登记册中全部在用网站",
    )


def max_shards_param(default: int = DEFAULT_MAX_SHARDS) -> Param:
    return Param(
        default, type="integer", minimum=1, maximum=256, title="max_shards 分片数上限",
        description="把网站分成至多这么多个映射任务并行（受 govwatch_crawl 池限制）",
    )  # fmt: skip


def run_instant(context: Any) -> datetime:
    """The run's instant: its logical date, or ``run_after`` for a run without one (Airflow 3 manual runs)."""
    ts = context.get("logical_date") or context["dag_run"].run_after
    return ts.astimezone(TZ)


def resolve_as_of(context: Any) -> date:
    """The as-of date of a run: the ``as_of`` param, else the run's logical date in Asia/Shanghai."""
    value = (context.get("params") or {}).get("as_of")
    if value:
        return date.fromisoformat(str(value))
    return run_instant(context).date()


def resolve_sites(context: Any) -> list[str] | None:
    sites = (context.get("params") or {}).get("sites") or []
    return [str(s) for s in sites] or None


def setup_govwatch() -> Any:
    """Resolve Connections into this task process's settings (see ``hooks.govwatch``)."""
    from hooks.govwatch_hook import GovwatchHook

    return GovwatchHook().apply()


def open_store() -> Any:
    """The findings store for a task, with settings from Connections and the schema up to date."""
    setup_govwatch()
    from govwatch.store.db import open_store as _open

    return _open()


PLAN_SHARDS_DOC = "把要检查的网站分成至多 `max_shards` 组（只传网站标识码）。失败：多为数据库不可达，修复后重跑。"


def plan_site_shards(**context: Any) -> list[list[str]]:
    """The sites of a run split into at most ``max_shards`` lists (the task the sharded DAGs map over)."""
    from govwatch.checks.column_run import site_shards

    store = open_store()
    try:
        return site_shards(int(context["params"]["max_shards"]), resolve_sites(context), store=store)
    finally:
        store.close()


def small(stats: Any, limit: int = 50) -> Any:
    """Keep XCom small: long lists become their length (XCom carries counts, not data)."""
    if isinstance(stats, dict):
        return {k: small(v, limit) for k, v in stats.items()}
    if isinstance(stats, list | tuple | set):
        return len(stats) if len(stats) > limit else [small(v, limit) for v in stats]
    if isinstance(stats, date | datetime):
        return stats.isoformat()
    return stats


def _asset() -> Any:
    from airflow.sdk import Asset

    return Asset(name="monthly_inspection", uri="govwatch://monthly_inspection")


#: Updated when a monthly inspection has passed its validation gate; ``monthly_report`` runs on it.
#: Its events carry ``extra = {"as_of": "YYYY-MM-DD", "period": "YYYY-MM"}``.
MONTHLY_INSPECTION_ASSET = _asset()


def report_period(as_of: date) -> str:
    """The month an inspection reports on: the month of the day before ``as_of``.

    The scheduled inspection runs on the 1st, so it reports on the month just ended; a run on any other
    day reports on the current month.
    """
    return (as_of - timedelta(days=1)).strftime("%Y-%m")


def accounts_without_sites(store: Any, site_ids: list[str] | None = None) -> list[str]:
    """Active accounts that no site shard of the inspection covers.

    ``run_inspection`` over a shard of sites inspects the accounts of those sites' units; an account whose
    unit has no active site in the run (a county bureau with a WeChat account but no site of its own)
    would be missed by every shard.
    """
    rows = store.query(
        "SELECT a.id FROM accounts a WHERE a.active AND NOT EXISTS ("
        " SELECT 1 FROM sites s WHERE s.active AND s.unit_id = a.unit_id"
        " AND (%(sites)s::text[] IS NULL OR s.id = ANY(%(sites)s::text[]))) ORDER BY a.id",
        {"sites": site_ids},
    )
    return [r["id"] for r in rows]
