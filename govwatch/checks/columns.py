"""Column update checks (contract §4): homepage_stale, column_overdue, column_due_soon, column_blank,
column_unreachable, columns_not_updated, columns_blank, extraction_failed.

Pure: one site's fetched home page and column pages (already extracted), the as-of date and the rules
profile in; findings and the (site, check) pairs the run could not judge out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from govwatch.extract.listing import NOTHING_LISTED, ListingResult
from govwatch.findings import Finding, make
from govwatch.registry.model import Column, Site
from govwatch.rules import Rules

#: Checks withheld for a site whose dates cannot be read (extraction_failed).
WITHHELD_ON_FAILURE = (
    "homepage_stale", "column_overdue", "column_due_soon", "column_blank", "columns_not_updated", "columns_blank",
)  # fmt: skip
SITE_CHECKS = (
    "homepage_stale", "column_overdue", "column_due_soon", "column_blank", "column_unreachable",
    "columns_not_updated", "columns_blank", "extraction_failed",
)  # fmt: skip

_ERRORS = {
    "timeout": "连接超时",
    "dns": "域名无法解析",
    "refused": "连接被拒绝",
    "reset": "连接被重置",
    "connect": "无法连接",
    "tls": "证书或加密连接错误",
    "too-large": "页面过大",
    "too-many-redirects": "重定向次数过多",
    "blocked-private": "内网地址，未访问",
    "protocol": "服务器应答异常",
    "bad-url": "地址无效",
    "soft-404": "页面不存在",
}


@dataclass
class PageObs:
    """One fetched page and what was read from it."""

    url: str
    ok: bool
    status: int | None = None
    error: str | None = None
    listing: ListingResult | None = None

    def failure(self) -> str:
        if self.error:
            return _ERRORS.get(self.error, self.error)
        return f"HTTP {self.status}" if self.status else "无应答"


@dataclass
class SiteObs:
    site: Site
    home: PageObs
    columns: list[tuple[Column, PageObs]] = field(default_factory=list)


@dataclass
class SiteVerdict:
    findings: list[Finding]
    withheld: set[str]  # check codes not judged for this site
    extraction_failed: bool = False


def _age(as_of: date, newest: date) -> int:
    return (as_of - newest).days


def check_site(obs: SiteObs, as_of: date, rules: Rules) -> SiteVerdict:
    """All column-update findings of one site."""
    site = obs.site
    base = {"site_id": site.id, "unit_id": site.unit}
    findings: list[Finding] = []
    withheld: set[str] = set()
    if obs.home.error == "blocked-private":
        # The site was never asked (a private address while GOVWATCH_ALLOW_PRIVATE is off): not judged.
        return SiteVerdict(findings=[], withheld=set(SITE_CHECKS))

    loaded = [(c, p) for c, p in obs.columns if p.ok and p.listing is not None]
    listed = [(c, p) for c, p in loaded if p.listing is not None and not p.listing.blank]
    undated = [(c, p) for c, p in listed if p.listing is not None and p.listing.dated_count == 0]
    readable = [(c, p) for c, p in listed if p.listing is not None and p.listing.dated_count > 0]

    # extraction_failed: most listing pages load, list items, and show no date we can read.
    share = float(rules.get("columns.extraction_failed_share", 0.6))
    min_pages = int(rules.get("columns.extraction_min_pages", 3))
    failed = len(listed) >= min_pages and len(undated) / len(listed) >= share
    if failed:
        findings.append(
            make(
                rules, "extraction_failed", "site", site.id,
                f"{len(listed)} 个栏目页面中有 {len(undated)} 个列出了信息但无法识别发布日期，本次暂不判定该网站栏目更新情况",
                evidence_url=site.url, **base,
            )
        )  # fmt: skip
        withheld.update(WITHHELD_ON_FAILURE)
        home_listing = obs.home.listing if obs.home.ok else None
        if home_listing is not None and home_listing.newest_date is not None:
            withheld.discard("homepage_stale")  # the home page's own dates are readable: judge it

    # Home page.
    if "homepage_stale" not in withheld:
        judged, home_finding = _home(obs, as_of, rules, has_readable=bool(readable), base=base)
        if not judged:
            withheld.add("homepage_stale")
        elif home_finding is not None:
            findings.append(home_finding)

    overdue_key: list[str] = []
    overdue_all: list[str] = []
    blank: list[str] = []
    due_limit = int(rules.get("columns.due_soon_days", 3))
    for col, page in obs.columns:
        tid = f"{site.id}/{col.id}"
        kw = {"evidence_url": col.url, **base}
        if (page.ok and page.listing is None) or page.error == "blocked-private":
            continue  # loaded but unreadable, or never asked: not judged
        if not page.ok:
            findings.append(
                make(
                    rules, "column_unreachable", "column", tid, f"栏目页面无法访问（{page.failure()}）", **kw
                )
            )
            continue
        listing = page.listing
        if failed or listing is None:
            continue
        limit = rules.column_limit(col.category, col.max_age_days)
        is_key = col.category == "news" or (col.category in ("notice", "policy") and col.level == 1)
        if listing.blank:
            said = (
                listing.blank_reason
                if listing.blank_reason and listing.blank_reason != NOTHING_LISTED
                else None
            )
            text = f"栏目页面显示“{said}”，未列出任何信息" if said else "栏目页面未列出任何信息"
            findings.append(make(rules, "column_blank", "column", tid, text, **kw))
            blank.append(col.name)
            continue
        if listing.newest_date is None:
            # Items without a visible date count as not updated — when the site's dates are readable at all.
            if readable:
                findings.append(
                    make(rules, "column_overdue", "column", tid, "栏目信息无可见发布日期，视为未更新", **kw)
                )
                overdue_all.append(col.name)
                if is_key:
                    overdue_key.append(col.name)
            continue
        age = _age(as_of, listing.newest_date)
        newest = listing.newest_date.isoformat()
        if age > limit:
            findings.append(
                make(
                    rules,
                    "column_overdue",
                    "column",
                    tid,
                    f"最新信息 {newest}，超过 {limit} 天未更新（已 {age} 天）",
                    **kw,
                )
            )
            overdue_all.append(col.name)
            if is_key:
                overdue_key.append(col.name)
        elif limit - age <= due_limit:
            findings.append(
                make(
                    rules, "column_due_soon", "column", tid,
                    f"最新信息 {newest}，距 {limit} 天更新期限还剩 {limit - age} 天", **kw,
                )
            )  # fmt: skip

    if not failed:
        key_limit = int(rules.get("columns.key_overdue", 5))
        any_limit = int(rules.get("columns.any_overdue", 10))
        if len(overdue_key) >= key_limit or len(overdue_all) >= any_limit:
            names = overdue_key if len(overdue_key) >= key_limit else overdue_all
            what = "动态要闻、通知公告、政策文件类栏目" if names is overdue_key else "栏目"
            findings.append(
                make(
                    rules, "columns_not_updated", "site", site.id,
                    f"{what}未按要求更新 {len(names)} 个：{'、'.join(names[:12])}{'等' if len(names) > 12 else ''}",
                    evidence_url=site.url, **base,
                )
            )  # fmt: skip
        if len(blank) >= int(rules.get("columns.blank_veto", 5)):
            findings.append(
                make(
                    rules, "columns_blank", "site", site.id,
                    f"空白栏目 {len(blank)} 个：{'、'.join(blank[:12])}{'等' if len(blank) > 12 else ''}",
                    evidence_url=site.url, **base,
                )
            )  # fmt: skip
    return SiteVerdict(findings=findings, withheld=withheld, extraction_failed=failed)


def _home(
    obs: SiteObs, as_of: date, rules: Rules, *, has_readable: bool, base: dict[str, str]
) -> tuple[bool, Finding | None]:
    """(judged, finding) for homepage_stale. A home page that did not load is judged by the availability
    checks, not here; one without any readable date is judged only when the site's columns show dates."""
    home = obs.home
    if not home.ok or home.listing is None:
        return False, None
    limit = int(rules.get("homepage.max_age_days", 14))
    listing = home.listing
    if listing.newest_date is None:
        if not has_readable:
            return False, None
        what = "首页未列出任何信息" if listing.item_count == 0 else "首页信息无可见发布日期"
        return True, make(
            rules, "homepage_stale", "site", obs.site.id, f"{what}，视为未更新", evidence_url=home.url, **base
        )
    age = _age(as_of, listing.newest_date)
    if age > limit:
        return True, make(
            rules, "homepage_stale", "site", obs.site.id,
            f"首页最新信息 {listing.newest_date.isoformat()}，超过 {limit} 天未更新（已 {age} 天）",
            evidence_url=home.url, **base,
        )  # fmt: skip
    return True, None
