"""New-media checks (contract §4): media_stale, media_infrequent, media_no_interaction.

Pure functions of what was fetched, the as-of date and the rules profile.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from govwatch.extract.dates import week_before
from govwatch.extract.feeds import Feed
from govwatch.extract.menu import MenuEntry
from govwatch.findings import Finding, make
from govwatch.registry.model import Account
from govwatch.rules import Rules


def feed_findings(account: Account, feed: Feed, as_of: date, rules: Rules) -> list[Finding]:
    """media_stale (no post in the N days before as-of) and media_infrequent (fewer than M posts in the
    last complete Monday–Sunday week). Posts dated after the as-of date are ignored."""
    out: list[Finding] = []
    max_age = int(rules.get("media.max_age_days", 14))
    min_week = int(rules.get("media.min_posts_per_week", 2))
    dates = sorted(p.date for p in feed.posts if p.date is not None and p.date <= as_of)
    kw = {"unit_id": account.unit, "evidence_url": account.feed_url}
    newest = dates[-1] if dates else None
    if newest is None:
        out.append(
            make(rules, "media_stale", "account", account.id, "未发现任何带发布日期的信息，视为未更新", **kw)
        )
    elif newest < as_of - timedelta(days=max_age):
        age = (as_of - newest).days
        out.append(
            make(
                rules, "media_stale", "account", account.id,
                f"最近一次发布 {newest.isoformat()}，超过 {max_age} 天未更新（已 {age} 天）", **kw,
            )
        )  # fmt: skip
    start, end = week_before(as_of)
    in_week = sum(1 for d in dates if start <= d <= end)
    if in_week < min_week:
        out.append(
            make(
                rules, "media_infrequent", "account", account.id,
                f"上周（{start.isoformat()} 至 {end.isoformat()}）发布 {in_week} 条，少于每周 {min_week} 条", **kw,
            )
        )  # fmt: skip
    return out


@dataclass
class InteractionCheck:
    """What was found for an account's interaction channel."""

    entries: list[MenuEntry] = field(default_factory=list)
    working: list[str] = field(default_factory=list)  # names (or the URL) of working channels
    broken: list[str] = field(default_factory=list)  # "名称（HTTP 404）"
    menu_error: str | None = None
    interaction_url_ok: bool | None = None
    interaction_url_error: str | None = None


def interaction_finding(account: Account, result: InteractionCheck, rules: Rules) -> Finding | None:
    """media_no_interaction when neither a working interaction menu entry nor a working interaction_url."""
    if result.working or result.interaction_url_ok:
        return None
    reasons = []
    if account.menu_url:
        if result.menu_error:
            reasons.append(f"菜单无法读取（{result.menu_error}）")
        elif not result.entries:
            reasons.append("菜单中没有留言、咨询等互动入口")
        else:
            reasons.append("互动菜单不可用：" + "；".join(result.broken or [e.name for e in result.entries]))
    else:
        reasons.append("未登记菜单")
    if account.interaction_url:
        reasons.append(
            f"互动入口 {account.interaction_url} 无法访问（{result.interaction_url_error or '非 2xx'}）"
        )
    else:
        reasons.append("未登记互动入口")
    return make(
        rules, "media_no_interaction", "account", account.id, "缺少有效互动渠道：" + "，".join(reasons),
        unit_id=account.unit, evidence_url=account.menu_url or account.interaction_url or account.feed_url,
    )  # fmt: skip
