"""rectification_reminders: 08:30 on Chinese working days: ledger sync, reminders, outbox flush."""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import dag, task
from operators.govwatch_common import (
    SMS_POOL,
    START_DATE,
    TZ,
    as_of_param,
    default_args,
    open_store,
    resolve_as_of,
    run_instant,
    small,
)
from operators.govwatch_operators import ValidationGateOperator
from timetables.workday import WorkdayTimetable

DOC = """
### 整改台账与到期提醒（rectification_reminders）

每个法定工作日 08:30（北京时间，按国务院办公厅节假日安排，含调休上班的周末；节假日不运行）：

1. **数据质量闸门**：校验最近一次检查的问题数据，不通过则本次不发任何提醒，并告警运维人员；
2. **同步整改台账**：新发现的否决、扣分问题成为整改事项（发现日期、整改期限 = 若干个工作日后），
   复查已不存在的问题记为已整改；
3. **生成提醒**：期限前一个工作日、到期当日和逾期后每天提醒一次，逾期 3 个工作日后抄报上级单位；
   每个单位每个渠道每天只有一条消息（列出全部事项），写入发件箱；
4. **发送发件箱**：邮件、短信（`govwatch_sms` 池，逐条串行；21:00–08:00 不发短信）、群机器人。
   未配置的渠道留在发件箱，配置后下次发送。

**参数**
- `as_of`：台账与提醒的基准日（YYYY-MM-DD），留空为本次运行日期。

**失败怎么办**：任务自动重试；同一天重跑不会重复发送（每条消息有去重键）。发送失败的消息按退避策略
留待下次发送，可在 `govwatch notify flush` 或下一次运行中补发。
"""


@dag(
    dag_id="rectification_reminders",
    schedule=WorkdayTimetable(),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=2),
    default_args=default_args(),
    params={"as_of": as_of_param("台账与提醒的基准日；留空＝本次运行日期（北京时间）")},
    tags=["govwatch", "整改台账", "工作日"],
    doc_md=DOC,
)
def rectification_reminders() -> None:
    gate = ValidationGateOperator(
        task_id="validate",
        suites=["findings"],
        retries=0,
        doc_md="数据质量闸门：校验问题数据。未通过：不发提醒，任务失败并告警，核对 Data Docs。",
    )

    @task(doc_md="同步整改台账（新增事项、复查已整改、逾期）。失败：查看日志后清除重跑（幂等）。")
    def sync_ledger(**context) -> dict:
        from govwatch.rectify.ledger import sync

        store = open_store()
        try:
            return small(sync(resolve_as_of(context), store=store), 0)
        finally:
            store.close()

    @task(doc_md="生成到期提醒和逾期抄报，写入发件箱（每单位每渠道每天一条）。失败：清除重跑，不会重复写入。")
    def remind(**context) -> dict:
        from govwatch.rectify.remind import run_reminders

        store = open_store()
        try:
            result = run_reminders(resolve_as_of(context), now=run_instant(context), store=store)
            return small({k: v for k, v in result.items() if k != "messages"}, 0)
        finally:
            store.close()

    @task(
        pool=SMS_POOL,
        doc_md="发送发件箱中到时的邮件、短信和群机器人消息（带重试与退避）。失败：消息留在发件箱，下次补发。",
    )
    def flush_outbox(**context) -> dict:
        from datetime import datetime

        from govwatch.notify.outbox import flush

        # Never deliver earlier than the run's own time (a run for a future date in a test or demo).
        now = max(datetime.now(TZ), run_instant(context))
        store = open_store()
        try:
            return small(flush(now=now, store=store), 0)
        finally:
            store.close()

    gate >> sync_ledger() >> remind() >> flush_outbox()


rectification_reminders()
