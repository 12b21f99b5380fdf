"""monthly_report: after a validated monthly inspection, render the month's documents and mail the units."""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import Param, dag, task
from operators.govwatch_common import (
    MONTHLY_INSPECTION_ASSET,
    SMS_POOL,
    START_DATE,
    TZ,
    default_args,
    open_store,
    report_period,
    run_instant,
    small,
)
from operators.govwatch_operators import ValidationGateOperator

DOC = """
### 月报、通报与整改通知（monthly_report）

在 `monthly_inspection` 通过数据校验并更新资产 `govwatch://monthly_inspection` 后自动运行：

1. **确定月份**：取触发本次运行的检查所对应的月份（资产事件中的 `period`），或参数 `period`；
2. **数据质量闸门**：再次校验问题与得分数据，不通过则不生成、不发送；
3. **生成文件**：月报、通报、各单位整改通知和信息更新条数明细（HTML、Markdown、Word），保存在
   `$GOVWATCH_HOME/notices/` 并登记；
4. **发送**：把各单位的整改通知写入发件箱，再发送发件箱（邮件，`govwatch_sms` 池）。

**参数**
- `period`：月份 YYYY-MM；留空时取触发本次运行的检查月份。

**失败怎么办**：生成失败多为模板或数据问题，查看日志修正后清除重跑（同一月份重跑覆盖同名文件，
发件箱按去重键不会重复发送）。
"""


@dag(
    dag_id="monthly_report",
    schedule=[MONTHLY_INSPECTION_ASSET],
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=3),
    default_args=default_args(),
    params={
        "period": Param(
            None,
            type=["null", "string"],
            pattern=r"^\d{4}-\d{2}$",
            title="period 月份",
            description="报告月份 YYYY-MM；留空＝触发本次运行的月度检查对应的月份",
        ),  # fmt: skip
    },
    tags=["govwatch", "月报", "通报"],
    doc_md=DOC,
)
def monthly_report() -> None:
    @task(doc_md="确定报告月份（参数 `period`、资产事件或运行日期）。")
    def resolve_period(**context) -> dict:
        period = (context.get("params") or {}).get("period")
        as_of = None
        if not period:
            events = context.get("triggering_asset_events") or {}
            for evs in events.values():
                for ev in evs:
                    extra = getattr(ev, "extra", None) or {}
                    period = extra.get("period") or period
                    as_of = extra.get("as_of") or as_of
        if not period:
            period = report_period(run_instant(context).date())
        return {"period": str(period), "as_of": as_of or run_instant(context).date().isoformat()}

    @task(
        doc_md="生成本月全部文件（月报、通报、整改通知、更新条数明细）并把各单位通知写入发件箱。失败：查看日志修正后重跑。"
    )
    def render(info: dict) -> dict:
        from govwatch.notices.render import render_month

        store = open_store()
        try:
            return small(render_month(info["period"], store=store), 0)
        finally:
            store.close()

    @task(pool=SMS_POOL, doc_md="发送发件箱中的通知（带重试与退避）。失败：消息留在发件箱，下次补发。")
    def flush_outbox() -> dict:
        from datetime import datetime

        from govwatch.notify.outbox import flush

        store = open_store()
        try:
            return small(flush(now=datetime.now(TZ), store=store), 0)
        finally:
            store.close()

    info = resolve_period()
    gate = ValidationGateOperator(
        task_id="validate",
        suites=["findings", "scores"],
        as_of="{{ ti.xcom_pull(task_ids='resolve_period')['as_of'] }}",
        retries=0,
        doc_md="数据质量闸门：校验问题与得分数据。未通过：不生成、不发送，任务失败并告警。",
    )
    rendered = render(info)
    info >> gate >> rendered >> flush_outbox()


monthly_report()
