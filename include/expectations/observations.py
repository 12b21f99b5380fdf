"""Suite `observations`: can this run's fetches be trusted before anyone is told about its findings?

A monitor that mails thirty units a false notice because a site changed its template, or because the
monitor's own network was down, has done harm. Two batches:

* ``fetches`` — every fetch recorded for the as-of date (all run kinds): status codes in range, a
  failed fetch says why, no newest date after the as-of date, no more dated items than items;
* ``sites`` — per run kind and site: the share of its home page and registered column fetches that
  succeeded (a warning per site; a failure when it is low for many sites at once), and the share of its loaded, non-empty column pages whose publish dates could be read. A
  site whose lists lost their dates (a template change) fails ``column_pages_dated_share`` by name;
  it is the same rule as the column check's ``extraction_failed`` (rules ``columns.extraction_*``).
  Links and crawled pages are left out of the fetch ratio: a broken link is a finding, not a failed run;
* ``feeds`` — per run kind and account: could its feed be read (a warning per account; a failure when
  many feeds fail at once).
"""

from __future__ import annotations

from typing import Any

from govwatch.quality._gx import gxe
from govwatch.quality.spec import Batch, SuiteContext, named

SUITE = "observations"
TITLE = "抓取记录 / observations"

FETCHES_SQL = """
SELECT o.run_kind || ' ' || o.url AS key, o.run_kind, o.target_type, o.target_id, o.site_id,
       o.status, o.ok, NULLIF(o.error, '') AS error, o.newest_date, o.item_count, o.dated_count,
       COALESCE(o.status::text, NULLIF(o.error, '')) AS status_or_error
FROM observations o
WHERE o.as_of = %(as_of)s
ORDER BY o.run_kind, o.url, o.target_type, o.target_id
"""


def _fetches(ctx: SuiteContext) -> list[object]:
    return [
        named(gxe.ExpectTableRowCountToBeBetween, "observations_recorded",
              "该基准日没有任何抓取记录：检查没有运行或没有写入 / no fetch was recorded for this as-of date: "
              "the check did not run or did not record",
              min_value=1),
        named(gxe.ExpectColumnValuesToBeBetween, "http_status_in_range",
              "HTTP 状态码应在 100–599 之间 / HTTP status codes lie in 100–599",
              column="status", min_value=100, max_value=599),
        named(gxe.ExpectColumnValuesToNotBeNull, "failed_fetch_has_error",
              "没有状态码的抓取必须记录错误原因 / a fetch without a status code must record its error",
              column="status_or_error"),
        named(gxe.ExpectColumnValuesToBeBetween, "newest_date_not_after_as_of",
              f"最新信息日期晚于基准日 {ctx.as_of.isoformat()}（日期识别错误？）/ a newest date after the "
              f"as-of date {ctx.as_of.isoformat()} (misread date?)",
              column="newest_date", max_value=ctx.as_of),
        named(gxe.ExpectColumnPairValuesAToBeGreaterThanB, "dated_items_within_items",
              "有日期的条目数多于条目数 / more dated items than items",
              column_A="item_count", column_B="dated_count", or_equal=True,
              ignore_row_if="either_value_is_missing"),
        named(gxe.ExpectColumnValuesToBeBetween, "item_count_not_negative",
              "条目数为负 / negative item count", column="item_count", min_value=0),
    ]  # fmt: skip


SITES_SQL = """
WITH per_site AS (
    SELECT o.run_kind, o.site_id,
           count(*) FILTER (WHERE o.target_type IN ('site', 'column')) AS fetches,
           count(*) FILTER (WHERE o.target_type IN ('site', 'column') AND o.ok) AS fetched_ok,
           count(*) FILTER (WHERE o.target_type = 'column' AND o.ok AND o.item_count > 0
                              AND o.dated_count IS NOT NULL) AS listing_pages,
           count(*) FILTER (WHERE o.target_type = 'column' AND o.ok AND o.item_count > 0
                              AND o.dated_count > 0) AS dated_pages
    FROM observations o
    WHERE o.as_of = %(as_of)s AND o.site_id IS NOT NULL
    GROUP BY o.run_kind, o.site_id
)
SELECT run_kind || ' ' || site_id AS key, run_kind, site_id, fetches, fetched_ok, listing_pages, dated_pages,
       CASE WHEN fetches > 0 THEN fetched_ok::float8 / fetches END AS fetch_ok_ratio,
       -- Not rounded: the comparison must agree exactly with the column check's extraction_failed.
       CASE WHEN listing_pages >= %(min_pages)s AND listing_pages > 0
            THEN dated_pages::float8 / listing_pages END AS dated_share
FROM per_site
ORDER BY run_kind, site_id
"""


def min_dated_share(ctx: SuiteContext) -> float:
    """Dated share at or below which a site's lists count as having lost their dates."""
    derived = 1.0 - float(ctx.rules.get("columns.extraction_failed_share", 0.6))
    return float(ctx.quality("min_dated_share", round(derived, 6)))


def _site_params(ctx: SuiteContext) -> dict[str, Any]:
    return {"as_of": ctx.as_of, "min_pages": int(ctx.rules.get("columns.extraction_min_pages", 3))}


def _sites(ctx: SuiteContext) -> list[object]:
    ratio = float(ctx.quality("min_fetch_ok_ratio", 0.5))
    most = float(ctx.quality("min_sites_fetched_share", 0.5))
    share = min_dated_share(ctx)
    return [
        # One site that is down is a finding (site_unreachable, column_unreachable), not a reason to hold
        # every unit's notice: per site this is a warning. Many sites failing at once points at the
        # monitor's own network, and then every unreachable finding of the run is suspect.
        named(gxe.ExpectColumnValuesToBeBetween, "site_fetch_success_ratio",
              f"该站首页和栏目抓取成功率低于 {ratio:.0%}（网站故障或对方拦截？）/ less than {ratio:.0%} of the "
              "site's home page and column fetches succeeded (site down or blocking us?)",
              column="fetch_ok_ratio", min_value=ratio, severity="warning"),
        named(gxe.ExpectColumnValuesToBeBetween, "fetch_success_most_sites",
              f"抓取成功率达到 {ratio:.0%} 的网站不足 {most:.0%}（本机网络故障？）：本次无法访问类结论不可信 / "
              f"fewer than {most:.0%} of the sites had {ratio:.0%} of their fetches succeed (the monitor's own "
              "network?): this run's unreachable findings cannot be trusted",
              column="fetch_ok_ratio", min_value=ratio, mostly=most),
        named(gxe.ExpectColumnValuesToBeBetween, "column_pages_dated_share",
              f"栏目页能打开且有条目，但能读出发布日期的不超过 {share:.0%}（网站改版？）：该站栏目结论暂缓，"
              f"记为 extraction_failed / column pages load and list items, yet at most {share:.0%} of them "
              "show readable publish dates (template change?): the site's column findings are withheld "
              "(extraction_failed)",
              column="dated_share", min_value=share, strict_min=True),
    ]  # fmt: skip


FEEDS_SQL = """
SELECT o.run_kind || ' ' || o.target_id AS key, o.run_kind, o.target_id AS account_id,
       -- Fetched, and no parse error recorded (the column check notes one in meta.error).
       bool_or(o.ok AND COALESCE(o.meta ->> 'error', '') = '') AS feed_read
FROM observations o
WHERE o.as_of = %(as_of)s AND o.target_type = 'feed'
GROUP BY o.run_kind, o.target_id
ORDER BY o.run_kind, o.target_id
"""


def _feeds(ctx: SuiteContext) -> list[object]:
    most = float(ctx.quality("min_sites_fetched_share", 0.5))
    return [
        # An unreadable feed leaves its account unjudged (no findings), so one is a warning; many at once
        # (a platform or proxy change) make the run's account results incomplete.
        named(gxe.ExpectColumnValuesToBeInSet, "account_feed_read",
              "政务新媒体的订阅源无法读取，本次未判定该账号 / the account's feed could not be read: the account "
              "was not judged in this run",
              column="feed_read", value_set=[True], severity="warning"),
        named(gxe.ExpectColumnValuesToBeInSet, "feeds_read_most_accounts",
              f"能读取订阅源的政务新媒体不足 {most:.0%}（平台或代理变化？）/ fewer than {most:.0%} of the accounts' "
              "feeds could be read (platform or proxy change?)",
              column="feed_read", value_set=[True], mostly=most),
    ]  # fmt: skip


BATCHES = (
    Batch("fetches", "抓取 / fetches", FETCHES_SQL, _fetches),
    Batch("sites", "各网站 / per site", SITES_SQL, _sites, params=_site_params),
    Batch("feeds", "各政务新媒体 / per account", FEEDS_SQL, _feeds),
)
