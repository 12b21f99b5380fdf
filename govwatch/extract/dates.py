"""Dates as Chinese government pages write them.

Forms: 2026-11-18, 2026/11/18, 2026.11.18, 2026年11月18日, with or without brackets ([2026-11-18],
(2026-11-18), 【…】) and a time; short forms 11-18, [11-18], 11/18, 11月18日 whose year is inferred from the
as-of date (the latest such date not after it). A date is an *item date* only when it stands on its own
in its text (a label such as 发布时间： and a time are allowed); dates inside sentences and titles, date
banners (今天是…星期三), copyright and ICP lines are not item dates. Dates after the as-of date are never
item dates (forged or mistyped dates must not make a stale column look fresh).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

# A full date: year (1990-2099), month, day with -, /, . or 年月日 between them.
FULL_RE = re.compile(
    r"(?<![\d.])((?:199|20[0-9])\d)\s*(?:([-/.])|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?:\s*日)?(?!\d)"
)
# A short date without the year: 11-18, 11/18, 11月18日 (not part of a longer number, time or path).
SHORT_RE = re.compile(r"(?<![\d\-/.:])(\d{1,2})\s*(?:([-/])|月)\s*(\d{1,2})(?:\s*日)?(?![\d\-/.:])")
# A compact date (20261118) only inside brackets, as some lists print it.
COMPACT_RE = re.compile(r"(?<=[\[(（【])((?:199|20[0-9])\d)(\d{2})(\d{2})(?=[\])）】])")
TIME_RE = re.compile(
    r"T?\d{1,2}\s*[:：]\s*\d{2}(?:\s*[:：]\s*\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"
    r"|\d{1,2}\s*[时点]\s*(?:\d{1,2}\s*分(?:\s*\d{1,2}\s*秒)?)?"
)
# 发布时间, 更新日期, 留言时间, 成文日期 …: up to four characters before 时间 / 日期, or 发布于.
LABEL_RE = re.compile(
    r"[\u4e00-\u9fff]{0,4}(?:时间|日期)|发布于|发表于|(?:Date|Time|Published)\s*(?=[:：])", re.I
)
BANNER_RE = re.compile(
    r"今天是|今天|今日|当前时间|现在是|现在时间|星期[一二三四五六日天]|礼拜[一二三四五六日天]|周[一二三四五六日]|农历"
)
NON_ITEM_RE = re.compile(
    r"ICP|备案|版权|Copyright|©|\(C\)|公网安备|网站标识码|技术支持|访问量|访问人数|页面生成|网站更新|最后更新|系统时间"
    r"|当前日期|北京时间",
    re.I,
)
_PUNCT = "[]()（）【】〔〕<>《》〈〉「」·•|:：;；,，、~～－-—–_/\\ \t\u3000\xa0*★☆◆◇■□▪●○.。"
_PUNCT_RE = re.compile("[" + re.escape(_PUNCT) + "]+")
_OPEN = "[(（【〔<《"
_FIELD_SEPS = (" ", "\u3000", "\xa0", "|", "｜", "\t")
_CLOSE = "])）】〕>》"


@dataclass(frozen=True)
class DateMatch:
    """A date found in a text: its value, span and form ('full', 'short' or 'compact')."""

    value: date
    start: int
    end: int
    form: str
    cjk: bool  # written with 年月日


def _mk(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def infer_year(month: int, day: int, as_of: date) -> date | None:
    """The latest date with this month and day that is not after ``as_of``."""
    for year in range(as_of.year, as_of.year - (8 if (month, day) == (2, 29) else 2), -1):
        d = _mk(year, month, day)
        if d is not None and d <= as_of:
            return d
    return None


def find_dates(text: str, as_of: date | None = None) -> list[DateMatch]:
    """Every date in ``text`` (short forms only when ``as_of`` is given to infer their year)."""
    out: list[DateMatch] = []
    taken: list[tuple[int, int]] = []
    for m in FULL_RE.finditer(text):
        d = _mk(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        if d is not None:
            out.append(DateMatch(d, m.start(), m.end(), "full", m.group(2) is None))
            taken.append((m.start(), m.end()))
    for m in COMPACT_RE.finditer(text):
        d = _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d is not None:
            out.append(DateMatch(d, m.start(), m.end(), "compact", False))
            taken.append((m.start(), m.end()))
    if as_of is not None:
        for m in SHORT_RE.finditer(text):
            if any(s <= m.start() < e or s < m.end() <= e for s, e in taken):
                continue
            d = infer_year(int(m.group(1)), int(m.group(3)), as_of)
            if d is not None:
                out.append(DateMatch(d, m.start(), m.end(), "short", m.group(2) is None))
    out.sort(key=lambda x: x.start)
    return out


def _residue(text: str) -> str:
    text = TIME_RE.sub(" ", text)
    text = LABEL_RE.sub(" ", text)
    return _PUNCT_RE.sub("", text).strip()


def item_date(text: str, as_of: date | None) -> DateMatch | None:
    """The date of a text that *is* a date (with an optional label, brackets and time), else None.

    ``2026-11-18``, ``[11-18]``, ``发布时间：2026年11月18日 09:30`` are item dates; ``今天是2026年11月18日
    星期三``, ``关于2026年11月18日停电的通知`` and ``2026-11-18 至 2026-11-20`` are not.
    """
    text = text.strip()
    if not text or len(text) > 40 or BANNER_RE.search(text) or NON_ITEM_RE.search(text):
        return None
    found = find_dates(text, as_of)
    if len(found) != 1:
        return None
    m = found[0]
    if not _residue(text[: m.start] + " " + text[m.end :]):
        return m
    # A labelled date among other labelled fields: 留言时间：2026年11月17日　状态：办理中,
    # 来源：市政府办 发布时间：2026-11-18. Only with a label: a bare date beside words is a title's.
    start = max(text.rfind(sep, 0, m.start) for sep in _FIELD_SEPS) + 1
    ends = [i for i in (text.find(sep, m.end) for sep in _FIELD_SEPS) if i >= 0]
    end = min(ends) if ends else len(text)
    segment = text[start:end]
    rel = m.start - start
    own_residue = _residue(segment[:rel] + " " + segment[rel + (m.end - m.start) :])
    if LABEL_RE.search(segment[:rel]) and not own_residue:
        return m
    # A bare date whose neighbours are all "label：value" fields: 2026-11-18 来源：县政府办 浏览：35
    others = re.split("[" + "".join(_FIELD_SEPS) + "]+", text[:start] + " " + text[end:])
    others = [o for o in others if o.strip()]
    if not own_residue and others and all(re.search(r"[:：]", o) for o in others):
        return m
    return None


def edge_date(text: str, as_of: date | None) -> DateMatch | None:
    """A numeric date printed at the very end or start of a title's own text, set apart by brackets or
    white space: ``市政府召开常务会议 [2026-11-18]``, ``(11-18) 关于…的通知``.

    A date run into the words (``采暖延期至2018年3月20日``) belongs to the title and is not an item date.
    """
    text = text.strip()
    if len(text) < 6 or BANNER_RE.search(text) or NON_ITEM_RE.search(text):
        return None
    found = find_dates(text, as_of)
    if not found:
        return None
    for m in (found[-1], found[0]):
        if m.cjk:
            continue
        before, after = text[: m.start], text[m.end :]
        if m is found[-1] and not _residue(after):
            tail_ok = before.rstrip().endswith(tuple(_OPEN)) or (before[-1:].isspace() and m.form == "full")
            if tail_ok and _residue(before):
                return m
        if m is found[0] and not _residue(before):
            if after.lstrip().startswith(tuple(_CLOSE)) and _residue(after):
                return m
            if (
                after[:1].isspace()
                and m.form == "full"
                and _residue(after)
                and not after.lstrip()[:1].isdigit()
            ):
                return m
    return None


def composite_date(parts: list[str], as_of: date | None) -> date | None:
    """A date split over several elements, as calendar-style badges print it: ``18`` + ``2026-11``,
    ``2026-11`` + ``18``, ``11-18`` + ``2026``, ``18`` + ``2026年11月``."""
    parts = [p.strip() for p in parts if p and p.strip()]
    if not 2 <= len(parts) <= 3 or sum(len(p) for p in parts) > 24:
        return None
    joined = " ".join(parts)
    if BANNER_RE.search(joined) or NON_ITEM_RE.search(joined):
        return None
    ym = re.compile(r"^((?:199|20[0-9])\d)\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?$")
    day = re.compile(r"^(\d{1,2})\s*日?$")
    md = re.compile(r"^(\d{1,2})\s*(?:[-/]|月)\s*(\d{1,2})\s*日?$")
    year = re.compile(r"^((?:199|20[0-9])\d)\s*年?$")
    month = re.compile(r"^(\d{1,2})\s*月$")
    clean = [_PUNCT_RE.sub(" ", p).strip() if not ym.match(p) and not md.match(p) else p for p in parts]
    clean = [c for c in clean if c]
    if len(clean) != 2:
        return None
    a, b = clean
    for first, second in ((a, b), (b, a)):
        m1, m2 = ym.match(first), day.match(second)
        if m1 and m2:
            return _mk(int(m1.group(1)), int(m1.group(2)), int(m2.group(1)))
        m1, m2 = md.match(first), year.match(second)
        if m1 and m2:
            return _mk(int(m2.group(1)), int(m1.group(1)), int(m1.group(2)))
        m1, m2 = month.match(first), day.match(second)
        if m1 and m2 and as_of is not None:
            return infer_year(int(m1.group(1)), int(m2.group(1)), as_of)
    return None


_ISO_RE = re.compile(
    r"^\s*((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?)?\s*$"
)


def parse_date(text: str | None, as_of: date | None = None) -> date | None:
    """One date from a meta tag or feed field: ISO 8601, RFC 822 (RSS), or any form :func:`find_dates`
    knows. Aware timestamps are converted to Asia/Shanghai before the date is taken."""
    from govwatch.settings import TZ

    if not text:
        return None
    text = text.strip()
    m = _ISO_RE.match(text)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if m.group(4) and m.group(7):
            try:
                dt = datetime.fromisoformat(
                    f"{y:04d}-{mo:02d}-{d:02d}T{int(m.group(4)):02d}:{m.group(5)}:{m.group(6) or '00'}"
                    + ("+00:00" if m.group(7) == "Z" else _tz(m.group(7)))
                )
                return dt.astimezone(TZ).date()
            except ValueError:
                return None
        return _mk(y, mo, d)
    try:
        from email.utils import parsedate_to_datetime

        dt = parsedate_to_datetime(text)
        if dt is not None:
            return dt.astimezone(TZ).date() if dt.tzinfo else dt.date()
    except (TypeError, ValueError, IndexError):
        pass
    found = find_dates(text, as_of)
    return found[0].value if found else None


def _tz(z: str) -> str:
    z = z.replace(":", "")
    return f"{z[:3]}:{z[3:]}"


def parse_timestamp(text: str | None) -> datetime | None:
    """An aware datetime (Asia/Shanghai when the text carries no zone) from ISO 8601 or RFC 822 text."""
    from email.utils import parsedate_to_datetime

    from govwatch.settings import TZ

    if not text:
        return None
    text = text.strip()
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00").replace("/", "-"))
    except ValueError:
        try:
            dt = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            d = parse_date(text)
            if d is None:
                return None
            dt = datetime(d.year, d.month, d.day)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=TZ)
    return dt.astimezone(TZ)


def plausible(d: date | None, as_of: date, *, earliest: date = date(1995, 1, 1)) -> bool:
    """An item date worth believing: not after the as-of date, not before the web existed here."""
    return d is not None and earliest <= d <= as_of


def days_between(newer: date, older: date) -> int:
    return (newer - older).days


def week_before(as_of: date) -> tuple[date, date]:
    """The last complete natural week (Monday–Sunday) before ``as_of``."""
    this_monday = as_of - timedelta(days=as_of.weekday())
    start = this_monday - timedelta(days=7)
    return start, start + timedelta(days=6)
