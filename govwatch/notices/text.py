"""The sentences of the notices, as pure functions (no database): 合格率, dates, the 基本情况 sentence."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from govwatch.registry.model import PLATFORM_NAMES


@dataclass(frozen=True)
class Totals:
    """Targets checked in an inspection and how they fared."""

    checked: int
    vetoed: int
    passed: int

    @property
    def failed_by_score(self) -> int:
        """Failed without a veto: the score stayed under the pass mark."""
        return max(0, self.checked - self.passed - self.vetoed)

    @property
    def rate(self) -> str | None:
        return pass_rate(self.passed, self.checked)


def pass_rate(passed: int, checked: int) -> str | None:
    """合格率 as a percentage with one decimal, rounded half up (54/58 → '93.1'); None when nothing was
    checked. Decimal arithmetic: binary floats would round 0.5 cases the wrong way."""
    if checked <= 0:
        return None
    value = Decimal(passed) * 100 / Decimal(checked)
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def month_bounds(period: str) -> tuple[date, date]:
    """First and last day of a YYYY-MM period."""
    year, month = (int(x) for x in period.split("-"))
    start = date(year, month, 1)
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return start, date.fromordinal(nxt.toordinal() - 1)


def shift_month(period: str, months: int) -> str:
    year, month = (int(x) for x in period.split("-"))
    idx = year * 12 + (month - 1) + months
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}"


def cn_date(d: date) -> str:
    """2023年9月8日"""
    return f"{d.year}年{d.month}月{d.day}日"


def slash_date(d: date | None) -> str:
    """2023/8/2, as the seeds' attachment tables print dates."""
    return f"{d.year}/{d.month}/{d.day}" if d else ""


def issue_number(period: str, cfg: dict[str, Any]) -> int:
    """期数 of the monthly report: counted on from a configured first issue, else the month of the year."""
    issue = cfg.get("issue") or {}
    first = str(issue.get("first_period") or "")
    if not first:
        return int(period.split("-")[1])
    fy, fm = (int(x) for x in first.split("-"))
    py, pm = (int(x) for x in period.split("-"))
    return int(issue.get("first_number", 1)) + (py * 12 + pm) - (fy * 12 + fm)


def document_date(period: str, cfg: dict[str, Any]) -> date:
    """成文日期: the configured day of the following month, on or after it the first working day.

    Derived from the period, never from the clock, so re-rendering a month gives the same document."""
    from govwatch.workdays import is_workday, next_workday

    _, end = month_bounds(period)
    nxt = date.fromordinal(end.toordinal() + 1)
    day = nxt.replace(day=max(1, min(28, int(cfg.get("issue_day", 5)))))
    return day if is_workday(day) else next_workday(day)


def account_label(name: str, platform: str | None) -> str:
    """健康兴国（微信公众号）"""
    if not platform:
        return name
    return f"{name}（{PLATFORM_NAMES.get(platform, platform)}）"


def quoted(names: Iterable[str]) -> str:
    """“A”和“B” for two names, “A”“B”“C” for more, as the seeds list examples."""
    items = [f"“{n}”" for n in names]
    if len(items) == 2:
        return "和".join(items)
    return "".join(items)


def media_clause(vetoed_checks: Sequence[Iterable[str]], phrases: dict[str, str]) -> str:
    """What the vetoed accounts have in common: “缺少有效互动渠道” when every one of them has that veto,
    else “存在单项否决问题”, naming the most frequent veto in brackets when one phrase covers most."""
    sets = [set(c) for c in vetoed_checks]
    if not sets:
        return "存在单项否决问题"
    shared = set.intersection(*sets) & set(phrases)
    if shared:
        # Several shared vetoes: the order of the phrase table decides, so the sentence is stable.
        first = next(code for code in phrases if code in shared)
        return phrases[first]
    counts = Counter(code for s in sets for code in s if code in phrases)
    if counts:
        code, n = sorted(counts.items(), key=lambda kv: (-kv[1], list(phrases).index(kv[0])))[0]
        if n * 2 > len(sets):
            return f"存在单项否决问题（其中{n}个{phrases[code]}）"
    return "存在单项否决问题"


def inspection_sentence(sites: Totals, accounts: Totals, media_phrase: str, pass_mark: float = 60) -> str:
    """The seeds' 基本情况 sentence: “本次共检查政府网站58个，其中，4个政府网站存在单项否决问题，检查合格率为93.1%；
    检查政务新媒体316个，其中，6个政务新媒体缺少有效互动渠道，检查合格率为98.1%。”"""
    parts = []
    if sites.checked:
        s = f"本次共检查政府网站{sites.checked}个，"
        if sites.vetoed:
            s += f"其中，{sites.vetoed}个政府网站存在单项否决问题，"
        else:
            s += "未发现存在单项否决问题的政府网站，"
        if sites.failed_by_score:
            s += f"{sites.failed_by_score}个政府网站得分低于{pass_mark:g}分，"
        s += f"检查合格率为{sites.rate}%"
        parts.append(s)
    if accounts.checked:
        prefix = "检查" if parts else "本次共检查"
        a = f"{prefix}政务新媒体{accounts.checked}个，"
        if accounts.vetoed:
            a += f"其中，{accounts.vetoed}个政务新媒体{media_phrase}，"
        else:
            a += "未发现存在单项否决问题的政务新媒体，"
        a += f"检查合格率为{accounts.rate}%"
        parts.append(a)
    if not parts:
        return "本月尚无政府网站和政务新媒体检查结果。"
    return "；".join(parts) + "。"
