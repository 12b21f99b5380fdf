"""``site_unreachable``: availability judged from the probes of the week before the as-of date.

The indicator: one week of monitoring, ≥ 20 probes a day; a probe fails when the home page has not
answered 2xx (after redirects) within 15 s; veto at ≥ 5 % failures. Vendors warn early at 3 %: that
warning is stored under the same check code with severity ``warn`` (rules entry ``site_unreachable_warn``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from govwatch.findings import Finding, make
from govwatch.rules import Rules
from govwatch.settings import TZ


def probe_window(as_of: date, days: int) -> tuple[datetime, datetime]:
    """[start, end) of the probes judged for ``as_of`` (Asia/Shanghai): the ``days`` whole days before
    the as-of date, and the as-of day itself — probes taken on the day of the check count too."""
    end = datetime.combine(as_of + timedelta(days=1), time(0), tzinfo=TZ)
    start = datetime.combine(as_of - timedelta(days=days), time(0), tzinfo=TZ)
    return start, end


def probe_ok(status: int | None, elapsed_ms: int | None, error: str | None, timeout_seconds: float) -> bool:
    """A probe succeeds on a 2xx answer (after redirects) within the timeout."""
    if error or status is None or not 200 <= status < 300:
        return False
    return elapsed_ms is None or elapsed_ms <= timeout_seconds * 1000


def _pct(share: float) -> str:
    return str(Decimal(str(share * 100)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def judge_availability(
    rules: Rules,
    probes: Iterable[Mapping[str, Any]],
    *,
    site_id: str,
    unit_id: str | None,
    site_url: str | None = None,
) -> tuple[Finding | None, dict[str, Any]]:
    """The finding (veto / warn / none) for one site's probes of the window, and its numbers.

    ``probes`` are rows with ``ok`` (and optionally ``probed_at``, ``status``, ``error``). No probes → no
    finding; the caller reports the site as unmonitored.
    """
    rows = list(probes)
    total = len(rows)
    failed = sum(1 for r in rows if not r["ok"])
    stats = {"probes": total, "failed": failed, "share": (failed / total) if total else None}
    if total == 0:
        return None, stats
    share = failed / total
    veto = float(rules.get("availability.veto_share", 0.05))
    warn = float(rules.get("availability.warn_share", 0.03))
    days = int(rules.get("availability.window_days", 7))
    evidence = f"近 {days} 天共探测首页 {total} 次，失败 {failed} 次，失败率 {_pct(share)}%"
    if rows and failed:
        worst = [r for r in rows if not r["ok"]][-1]
        detail = worst.get("error") or (f"HTTP {worst['status']}" if worst.get("status") else "")
        when = worst.get("probed_at")
        if when is not None and hasattr(when, "astimezone"):
            when = when.astimezone(TZ).strftime("%Y-%m-%d %H:%M")
        if detail or when:
            evidence += f"（最近一次失败：{when or ''} {detail}".rstrip() + "）"
    if share >= veto:
        f = make(
            rules,
            "site_unreachable",
            "site",
            site_id,
            evidence + f"，达到 {_pct(veto)}% 否决线",
            site_id=site_id,
            unit_id=unit_id,
            evidence_url=site_url,
        )
        return f, stats
    if share >= warn:
        f = make(
            rules,
            "site_unreachable",
            "site",
            site_id,
            evidence + f"，超过 {_pct(warn)}% 预警线",
            site_id=site_id,
            unit_id=unit_id,
            evidence_url=site_url,
            severity="warn",
            code="site_unreachable_warn",
        )
        return f, stats
    return None, stats
