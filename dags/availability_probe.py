"""availability_probe: every 30 minutes, one availability probe of every site's home page."""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import CronTriggerTimetable, dag, task
from operators.govwatch_common import (
    CRAWL_POOL,
    START_DATE,
    TZ_NAME,
    as_of_param,
    default_args,
    open_store,
    resolve_as_of,
    resolve_sites,
    run_instant,
    sites_param,
    small,
)

DOC = """
### 网站可用性监测（availability_probe）

每 30 分钟对登记册中全部在用网站的首页探测一次（每天 48 次，满足指标“每天不少于 20 次”的要求），
记录是否成功、HTTP 状态和耗时；探测时刻取本次运行的逻辑时间（北京时间），同一时刻重跑只覆盖该轮记录。

每次运行随后重新评估一次可用性（而不是每天只评估一次）：按基准日前完整 7 天加基准日当天已有的全部探测，
失败率 ≥ 5% 记 `site_unreachable`（单项否决），≥ 3% 记预警。评估是幂等的（同一基准日重复评估只更新当天的
结论），因此某一轮漏跑或失败不会让当天缺少评估，当天最后一轮的结论即当天的结论。

**参数**
- `as_of`：评估基准日（YYYY-MM-DD），留空为本次运行的日期；
- `sites`：只探测、评估这些网站（网站标识码），留空为全部。

**失败怎么办**：探测任务失败会自动重试一次；仍失败时运维会收到告警，查看任务日志（多为数据库不可达），
修复后在界面上清除（Clear）该任务即可重跑，不会重复记录。
"""


@dag(
    dag_id="availability_probe",
    schedule=CronTriggerTimetable("*/30 * * * *", timezone=TZ_NAME),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(minutes=25),
    default_args=default_args(retries=1, retry_delay_minutes=1),
    params={"as_of": as_of_param("可用性评估基准日；留空＝本次运行日期（北京时间）"), "sites": sites_param()},
    tags=["govwatch", "可用性", "每30分钟"],
    doc_md=DOC,
)
def availability_probe() -> None:
    @task(
        pool=CRAWL_POOL,
        execution_timeout=timedelta(minutes=20),
        doc_md="探测各网站首页一次并记录结果（参数 `sites` 可限定范围）。失败：查看日志后清除重跑，同一时刻只记一轮。",
    )
    def probe(**context) -> dict:
        from govwatch.checks.probe_run import run_probe

        store = open_store()
        try:
            return small(run_probe(at=run_instant(context), site_ids=resolve_sites(context), store=store), 0)
        finally:
            store.close()

    @task(
        execution_timeout=timedelta(minutes=10),
        doc_md="按基准日前 7 天及当天的探测判定 `site_unreachable`（否决/预警）。失败：查看日志，清除重跑（幂等）。",
    )
    def evaluate(**context) -> dict:
        from govwatch.checks.probe_run import evaluate_availability

        store = open_store()
        try:
            stats = evaluate_availability(resolve_as_of(context), resolve_sites(context), store=store)
            return small(stats, 0)
        finally:
            store.close()

    probe() >> evaluate()


availability_probe()
