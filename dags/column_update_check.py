"""column_update_check: the twice-weekly column update check (Mon and Thu 09:00 Asia/Shanghai)."""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import CronTriggerTimetable, dag, task
from operators.govwatch_common import (
    CRAWL_POOL,
    PLAN_SHARDS_DOC,
    START_DATE,
    TZ_NAME,
    as_of_param,
    default_args,
    max_shards_param,
    open_store,
    plan_site_shards,
    resolve_as_of,
    sites_param,
    small,
)
from operators.govwatch_operators import ValidationGateOperator

DOC = """
### 常态化监督检查：栏目更新（column_update_check）

每周一、周四 09:00（北京时间）检查全部在用网站的首页和栏目是否按时更新、是否空白、能否打开，以及政务新媒体
账号的更新频次和互动功能（`homepage_stale`、`column_overdue`、`column_due_soon`、`column_blank`、
`column_unreachable`、`columns_not_updated`、`columns_blank`、`extraction_failed`、`media_stale`、
`media_infrequent`、`media_no_interaction`）。本次运行的逻辑日期（北京时间）即检查基准日。

网站和新媒体账号各按 `max_shards` 分成有限个分片任务并行（不会一个栏目一个任务；1.5 万个网站也只有至多
`max_shards` 个任务），抓取任务都在 `govwatch_crawl` 池中限流。各任务之间只通过 XCom 传递计数。检查完成后由数据质量闸门
校验本次抓取和问题数据，不通过则告警运维人员。

**参数**
- `as_of`：检查基准日（YYYY-MM-DD），留空为本次运行日期；
- `sites`：只检查这些网站（网站标识码），留空为全部；
- `max_shards`：分片任务数上限（默认 16）。

**失败怎么办**：单个分片失败会自动重试两次；仍失败时运维人员收到告警。查看该分片日志（网络、数据库或
页面结构问题），修复后清除（Clear）该分片即可——同一基准日重跑不会重复记录问题。数据校验失败表示本次
数据不可信（例如某网站改版后日期读不出），请核对 Data Docs 后再决定是否重跑。
"""


@dag(
    dag_id="column_update_check",
    schedule=CronTriggerTimetable("0 9 * * 1,4", timezone=TZ_NAME),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=6),
    default_args=default_args(),
    params={"as_of": as_of_param(), "sites": sites_param(), "max_shards": max_shards_param()},
    tags=["govwatch", "栏目更新", "每周两次"],
    doc_md=DOC,
)
def column_update_check() -> None:
    plan_shards = task(task_id="plan_shards", doc_md=PLAN_SHARDS_DOC)(plan_site_shards)

    @task(
        pool=CRAWL_POOL,
        execution_timeout=timedelta(hours=2),
        doc_md="检查一组网站的首页和栏目更新情况并记录问题，返回计数。失败：查看日志，清除该分片重跑（幂等）。",
    )
    def check_sites(site_ids: list[str], **context) -> dict:
        from govwatch.checks.column_run import run_column_check

        store = open_store()
        try:
            return small(run_column_check(resolve_as_of(context), site_ids, accounts=False, store=store), 0)
        finally:
            store.close()

    @task(
        doc_md="把在用的政务新媒体账号分成至多 `max_shards` 组（只传账号标识）。失败：多为数据库不可达，修复后重跑。"
    )
    def plan_account_shards(**context) -> list[list[str]]:
        from govwatch.checks.column_run import account_shards

        store = open_store()
        try:
            return account_shards(int(context["params"]["max_shards"]), store=store)
        finally:
            store.close()

    @task(
        pool=CRAWL_POOL,
        execution_timeout=timedelta(hours=2),
        doc_md="检查一组政务新媒体账号（更新、频次、互动）。失败：查看日志（订阅源地址、网络），清除该分片重跑（幂等）。",
    )
    def check_accounts(account_ids: list[str], **context) -> dict:
        from govwatch.checks.column_run import run_account_check

        store = open_store()
        try:
            return small(run_account_check(resolve_as_of(context), account_ids, store=store), 0)
        finally:
            store.close()

    @task(trigger_rule="none_failed", doc_md="汇总各分片的计数（只用 XCom 中的计数）。")
    def summarize(site_counts: list[dict], account_counts: list[dict]) -> dict:
        def add(into: dict, part: dict) -> None:
            for key, value in part.items():
                if isinstance(value, dict):
                    add(into.setdefault(key, {}), value)
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    into[key] = into.get(key, 0) + value

        total: dict = {}
        for part in [*(site_counts or []), *(account_counts or [])]:
            add(total, part or {})
        return total

    checked = check_sites.expand(site_ids=plan_shards())
    accounts = check_accounts.expand(account_ids=plan_account_shards())
    gate = ValidationGateOperator(
        task_id="validate",
        suites=["observations", "findings"],
        retries=0,
        doc_md="数据质量闸门：校验本次抓取记录和问题数据。未通过：任务失败并告警，核对 Data Docs。（仅有已按 extraction_failed 暂缓的站点日期无法识别时，告警后继续；规则 quality.hold_on_withheld_sites 可改为暂停）",
    )
    summarize(checked, accounts) >> gate


column_update_check()
