"""``reply_overdue`` and ``reply_late``: messages in 咨询 / 留言 (``consult``) columns (contract §4).

Parsing reads messages from list pages — tables with headed columns (留言时间 / 回复时间 / 状态), or
rows and list items with dates and status words — and from detail pages (``留言时间：… 答复时间：…``).
Judging is pure: a message submitted within ``replies.lookback_days`` before as-of that is

* answered more than ``replies.late_working_days`` working days after submission, or still open beyond
  them → ``reply_late`` (deduct), one finding per message;
* still open more than ``replies.overdue_months`` months after submission → ``reply_overdue`` (veto).

Working days follow the State Council calendar (:mod:`govwatch.workdays`).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from lxml import etree

from govwatch.crawl.pages import clean_text, parse_html
from govwatch.crawl.urls import normalize_url
from govwatch.findings import Finding, make
from govwatch.rules import Rules
from govwatch.workdays import workdays_between

ANSWERED_WORDS = ("已回复", "已答复", "已办结", "已处理", "已反馈", "已回应", "办结", "已完成", "已解答")
OPEN_WORDS = ("未回复", "未答复", "未办结", "办理中", "处理中", "待回复", "待答复", "待处理", "受理中",
              "已受理", "未处理", "正在办理", "转办中", "未反馈")  # fmt: skip

_DATE = r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
DATE_RE = re.compile(_DATE)
SUBMIT_LABEL = r"(?:留言|提问|来信|咨询|提交|写信|发布|投诉|建言|反映|发信|诉求|信件|受理)(?:时间|日期)"
REPLY_LABEL = r"(?:回复|答复|办结|处理|反馈|回信|回应|办理)(?:时间|日期)"
SUBMIT_RE = re.compile(SUBMIT_LABEL + r"\s*[:：]?\s*" + _DATE)
REPLY_RE = re.compile(REPLY_LABEL + r"\s*[:：]?\s*" + _DATE)
_TITLE_HEAD = re.compile(r"标题|主题|事项|内容|信件")
_SUBMIT_HEAD = re.compile(SUBMIT_LABEL + r"|^(?:时间|日期)$")
_REPLY_HEAD = re.compile(REPLY_LABEL)
_STATUS_HEAD = re.compile(r"状态|是否回复|是否答复|办理情况|回复情况|答复情况")


@dataclass(frozen=True)
class Message:
    """One message of a consult column as read from a list or detail page."""

    title: str
    url: str | None
    submitted: date | None
    replied: date | None = None
    status: str | None = None  # answered | open | None (unknown)
    source: str = ""

    @property
    def key(self) -> str:
        return self.url or f"{self.title}|{self.submitted.isoformat() if self.submitted else ''}"


def parse_date(text: str) -> date | None:
    m = DATE_RE.search(text or "")
    return _to_date(m.groups()) if m else None


def _to_date(groups: Iterable[str]) -> date | None:
    y, mth, d = (int(g) for g in groups)
    try:
        return date(y, mth, d)
    except ValueError:
        return None


_STATUS_LABEL = re.compile(r"(?:办理|处理|回复|答复|办结)?状态\s*[:：]\s*(\S{2,6})")


def labelled_status(text: str) -> str | None:
    """The status a page states after a ``状态：`` label (more reliable than words anywhere on it)."""
    m = _STATUS_LABEL.search(text or "")
    return status_of(m.group(1)) if m else None


def status_of(text: str) -> str | None:
    """'answered', 'open' or None from status words in ``text`` (open words win: 未回复 contains 回复)."""
    text = text or ""
    if any(w in text for w in OPEN_WORDS):
        return "open"
    if any(w in text for w in ANSWERED_WORDS):
        return "answered"
    return None


def _labelled(text: str) -> tuple[date | None, date | None]:
    s = SUBMIT_RE.search(text)
    r = REPLY_RE.search(text)
    return (_to_date(s.groups()[-3:]) if s else None, _to_date(r.groups()[-3:]) if r else None)


def parse_detail(html: str, url: str) -> Message | None:
    """A message from its detail page: labelled submission / reply dates and status words."""
    doc = parse_html(html)
    if doc is None:
        return None
    for bad in doc.xpath("//script|//style"):
        bad.drop_tree()
    text = clean_text(doc.text_content())
    submitted, replied = _labelled(text)
    if submitted is None:
        return None
    title_el = doc.find(".//title")
    status = labelled_status(text) or status_of(text)
    if replied is not None:
        status = "answered"
    elif status is None and re.search(r"(?:回复|答复)内容\s*[:：]?\s*\S{4,}", text):
        status = "answered"
    return Message(
        clean_text(title_el.text_content()) if title_el is not None else "",
        url,
        submitted,
        replied,
        status,
        url,
    )


def parse_list(html: str, page_url: str) -> list[Message]:
    """Messages listed on a consult column page (tables with headers first, then rows / list items)."""
    doc = parse_html(html)
    if doc is None:
        return []
    for bad in doc.xpath("//script|//style"):
        bad.drop_tree()
    out: list[Message] = []
    used: set[int] = set()
    for table in doc.iter("table"):
        msgs = _parse_table(table, page_url)
        if msgs:
            out.extend(msgs)
            used.update(id(e) for e in table.iter())
    # Innermost first (reverse document order): a container of two messages must not read as one.
    blocked: set[int] = set()
    rows: list[Message] = []
    for el in reversed(list(doc.iter("li", "tr", "dl", "dd", "div", "p"))):
        if id(el) in used or id(el) in blocked:
            continue
        msg = _parse_row(el, page_url)
        if msg is not None:
            rows.append(msg)
            node = el.getparent()
            while node is not None:
                blocked.add(id(node))
                node = node.getparent()
    out.extend(reversed(rows))
    uniq: dict[str, Message] = {}
    for m in out:
        uniq.setdefault(m.key, m)
    return list(uniq.values())


def _first_link(el: etree._Element, page_url: str) -> tuple[str, str | None]:
    for a in el.iter("a"):
        url = normalize_url(a.get("href"), page_url)
        text = clean_text(a.get("title") or a.text_content())
        if url and text:
            return text, url
    return "", None


def _parse_table(table: etree._Element, page_url: str) -> list[Message]:
    rows = [r for r in table.iter("tr") if _own_table(r, table)]
    if len(rows) < 2:
        return []
    header = [
        clean_text(c.text_content()) for c in rows[0] if isinstance(c.tag, str) and c.tag in ("th", "td")
    ]
    col: dict[str, int | None] = {"submit": None, "reply": None, "status": None, "title": None}
    for i, h in enumerate(header):
        if len(h) > 12:
            continue
        if col["reply"] is None and _REPLY_HEAD.search(h):
            col["reply"] = i
        elif col["submit"] is None and _SUBMIT_HEAD.search(h):
            col["submit"] = i
        elif col["status"] is None and _STATUS_HEAD.search(h):
            col["status"] = i
        elif col["title"] is None and _TITLE_HEAD.search(h):
            col["title"] = i
    if col["submit"] is None or (col["reply"] is None and col["status"] is None):
        return []
    out = []
    for r in rows[1:]:
        cells = [c for c in r if isinstance(c.tag, str) and c.tag in ("td", "th")]
        if len(cells) <= col["submit"]:
            continue
        texts = [clean_text(c.text_content()) for c in cells]
        submitted = parse_date(texts[col["submit"]])
        if submitted is None:
            continue
        replied = (
            parse_date(texts[col["reply"]])
            if col["reply"] is not None and col["reply"] < len(texts)
            else None
        )
        status = (
            status_of(texts[col["status"]])
            if col["status"] is not None and col["status"] < len(texts)
            else None
        )
        if replied is not None:
            status = "answered"
        elif status is None and col["reply"] is not None:
            # A reply-date column left empty: not answered (yet).
            status = "open"
        title, url = _first_link(r, page_url)
        if not title and col["title"] is not None and col["title"] < len(texts):
            title = texts[col["title"]]
        out.append(Message(title or texts[0], url, submitted, replied, status, page_url))
    return out


def _own_table(row: etree._Element, table: etree._Element) -> bool:
    node = row.getparent()
    while node is not None and node.tag != "table":
        node = node.getparent()
    return node is table


def _parse_row(el: etree._Element, page_url: str) -> Message | None:
    """A list row: a link plus a submission date, and a reply date or a status word."""
    # Only the innermost element that holds the message: skip containers of several rows.
    text = clean_text(el.text_content())
    if not text or len(text) > 400:
        return None
    dates = [d for d in (_to_date(m.groups()) for m in DATE_RE.finditer(text)) if d]
    submitted, replied = _labelled(text)
    # Unlabelled, a row holds one or two dates (asked, answered); labelled, it may carry more.
    if not dates or len(dates) > (4 if submitted else 2):
        return None
    links = [a for a in el.iter("a") if a.get("href")]
    if len(links) > 3:  # title, department, 详情 at most: more is a container, not a row
        return None
    title, url = _first_link(el, page_url)
    if not title:
        return None
    if submitted is None:
        submitted = min(dates)
        if replied is None and len(dates) == 2 and max(dates) != submitted:
            replied = max(dates)
    status = status_of(text)
    if replied is not None:
        status = "answered"
    return Message(title, url, submitted, replied, status, page_url)


def merge(listed: Message, detail: Message | None) -> Message:
    """A listed message completed with what its detail page says."""
    if detail is None:
        return listed
    # A detail page's labelled dates beat a list row's unlabelled ones (a list may show the reply date).
    return replace(
        listed,
        submitted=detail.submitted or listed.submitted,
        replied=listed.replied or detail.replied,
        status=listed.status if listed.status == "answered" or detail.status is None else detail.status,
    )


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def reply_findings(
    rules: Rules,
    messages: Iterable[Message],
    as_of: date,
    *,
    target_id: str,
    site_id: str,
    unit_id: str | None,
    column_name: str = "",
) -> list[Finding]:
    """``reply_late`` / ``reply_overdue`` findings for one consult column's messages."""
    late_days = int(rules.get("replies.late_working_days", 5))
    months = int(rules.get("replies.overdue_months", 3))
    lookback = int(rules.get("replies.lookback_days", 365))
    out: list[Finding] = []
    seen: set[str] = set()
    for m in messages:
        s = m.submitted
        if s is None or s > as_of or (as_of - s).days > lookback or m.key in seen:
            continue
        seen.add(m.key)
        label = f"「{m.title[:60]}」" if m.title else "留言"
        common = {
            "site_id": site_id,
            "unit_id": unit_id,
            "evidence_key": m.key,
            "evidence_url": m.url or m.source,
        }
        where = f"{column_name}栏目" if column_name else "咨询留言栏目"
        if m.replied is not None and m.replied >= s:
            wd = workdays_between(s, m.replied)
            if wd > late_days:
                ev = f"{where}留言{label}于 {s} 提交，{m.replied} 答复，用时 {wd} 个工作日，超过 {late_days} 个工作日"
                out.append(make(rules, "reply_late", "column", target_id, ev, **common))
            continue
        if m.status == "answered" or m.status is None:
            continue  # answered without a date, or nothing known: not judged
        wd = workdays_between(s, as_of)
        if wd > late_days:
            ev = f"{where}留言{label}于 {s} 提交，截至 {as_of} 已 {wd} 个工作日未答复，超过 {late_days} 个工作日"
            out.append(make(rules, "reply_late", "column", target_id, ev, **common))
        if as_of > add_months(s, months):
            ev = f"{where}留言{label}于 {s} 提交，截至 {as_of} 超过 {months} 个月未答复"
            out.append(make(rules, "reply_overdue", "column", target_id, ev, **common))
    return out
