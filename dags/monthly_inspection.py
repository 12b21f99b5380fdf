"""monthly_inspection: the monthly full inspection, then scores; updates the monthly_inspection Asset."""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import CronTriggerTimetable, dag, task
from operators.govwatch_common import (
    CRAWL_POOL,
    MONTHLY_INSPECTION_ASSET,
    PLAN_SHARDS_DOC,
    START_DATE,
    TZ_NAME,
    accounts_without_sites,
    as_of_param,
    default_args,
    max_shards_param,
    open_store,
    plan_site_shards,
    report_period,
    resolve_as_of,
    resolve_sites,
    sites_param,
    small,
)
from operators.govwatch_operators import ValidationGateOperator

DOC = """
### 月度全面检查（monthly_inspection）

每月 1 日 02:00（北京时间）对全部在用网站做一次全面检查：可用性（前 7 天的探测）、首页和栏目更新、
互动与办事入口、留言答复时限、错链（`broken_link`）、暗链（`dark_link`）、错别字和严重表述错误、
个人信息泄露、政策解读关联，以及政务新媒体；随后按指标计分（`scores`，单项否决、扣分、合格率）。
本次运行的逻辑日期（北京时间）即检查基准日；1 日的检查对应上一个自然月的月报。

网站按 `max_shards` 分成有限个分片任务并行，抓取在 `govwatch_crawl` 池中限流，XCom 中只有计数。
计分后由数据质量闸门校验；通过后更新资产 `govwatch://monthly_inspection`，触发 `monthly_report` 生成月报、
通报和各单位整改通知。校验不通过则不会发出任何通知；只有已暂缓栏目结论（extraction_failed）的站点日期
无法识别时，闸门告警运维人员后放行，因为这些站点不会产生栏目问题。

**参数**
- `as_of`：检查基准日（YYYY-MM-DD），留空为本次运行日期；
- `sites`：只检查这些网站（网站标识码），留空为全部；
- `max_shards`：分片任务数上限（默认 16）。

**失败怎么办**：分片失败自动重试两次，仍失败时运维人员收到告警；查看日志修复后清除（Clear）该分片，
再让后续任务继续（同一基准日重跑不重复记录）。数据校验失败时先核对 Data Docs，确认是网站改版还是真实问题，
再决定重跑或手动触发 `monthly_report`。
"""


@dag(
    dag_id="monthly_inspection",
    schedule=CronTriggerTimetable("0 2 1 * *", timezone=TZ_NAME),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=20),
    default_args=default_args(),
    params={"as_of": as_of_param(), "sites": sites_param(), "max_shards": max_shards_param()},
    tags=["govwatch", "全面检查", "每月"],
    doc_md=DOC,
)
def monthly_inspection() -> None:
    plan_shards = task(task_id="plan_shards", doc_md=PLAN_SHARDS_DOC)(plan_site_shards)

    @task(
        pool=CRAWL_POOL,
        execution_timeout=timedelta(hours=8),
        doc_md="全面检查一组网站（抓取、链接、内容、互动、解读），记录问题并返回计数。失败：查看日志，清除该分片重跑。",
    )
    def inspect_sites(site_ids: list[str], **context) -> dict:
        from govwatch.checks.inspect_run import run_inspection

        store = open_store()
        try:
            return small(run_inspection(resolve_as_of(context), site_ids, store=store), 0)
        finally:
            store.close()

    @task(
        pool=CRAWL_POOL,
        execution_timeout=timedelta(hours=2),
        doc_md="检查没有网站的单位的政务新媒体账号（更新、频次、互动、错敏字），它们不属于任何网站分片。失败：清除重跑（幂等）。",
    )
    def inspect_other_accounts(**context) -> dict:
        from govwatch.checks.inspect_run import run_account_inspection

        store = open_store()
        try:
            ids = accounts_without_sites(store, resolve_sites(context))
            if not ids:
                return {"accounts": 0}
            return small(run_account_inspection(resolve_as_of(context), ids, store=store), 0)
        finally:
            store.close()

    @task(
        execution_timeout=timedelta(hours=1),
        doc_md="按指标计分：单项否决、扣分、是否合格、合格率。失败：查看日志（多为规则配置错误），修正后重跑。",
    )
    def scores(inspected: list[dict], other_accounts: dict, **context) -> dict:
        from govwatch.scoring import run_scores

        store = open_store()
        try:
            return small(run_scores(resolve_as_of(context), store=store), 0)
        finally:
            store.close()

    @task(
        outlets=[MONTHLY_INSPECTION_ASSET],
        doc_md="标记本月检查已完成并通过校验（更新资产，触发 monthly_report）。",
    )
    def publish(score_totals: dict, **context) -> dict:
        as_of = resolve_as_of(context)
        extra = {"as_of": as_of.isoformat(), "period": report_period(as_of)}
        context["outlet_events"][MONTHLY_INSPECTION_ASSET].extra = extra
        return extra

    totals = scores(inspect_sites.expand(site_ids=plan_shards()), inspect_other_accounts())
    gate = ValidationGateOperator(
        task_id="validate",
        suites=None,
        retries=0,
        doc_md="数据质量闸门：校验登记册、抓取记录、问题和得分。未通过：任务失败并告警，不会生成通知。（仅有已按 extraction_failed 暂缓的站点日期无法识别时，告警后继续；规则 quality.hold_on_withheld_sites 可改为暂停）",
    )
    published = publish(totals)
    totals >> gate >> published


monthly_inspection()
