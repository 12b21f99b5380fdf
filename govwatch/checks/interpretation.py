"""``interpretation_unlinked`` and ``interpretation_late`` over ``interpretation`` columns (contract §4).

Each interpretation and its policy document must link each other (双向链接), and the interpretation must
appear within ``interpretation.max_working_days`` working days of the document. The document is found
from the interpretation page's own links (a link naming the document's 《title》, or a 原文 link) or,
failing that, among the site's policy-column items with a matching title. Matching and judging are pure;
the runner fetches the two detail pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from govwatch.crawl.pages import Link, clean_text, parse_html
from govwatch.findings import Finding, make
from govwatch.rules import Rules
from govwatch.workdays import workdays_between

_QUOTED = re.compile(r"《([^《》]{4,120})》")
# Labels of a link to "the document itself" (not 政策文件, which is usually the policy column in the menu).
_ORIGINAL = re.compile(r"原文|全文|文件链接|查看文件|文件下载")
_DOC_LABEL = re.compile(r"(?:相关|政策|对应|所涉|解读)?(?:文件|原文)(?:链接|全文)?\s*[:：]?\s*$")
_INTERP_WORDS = re.compile(
    r"(?:的)?(?:政策)?(?:图文|文字|视频|动漫|一图读懂|一图看懂|权威|专家)?(?:解读|问答|答记者问)"
)
_PUNCT = re.compile(r"[\s《》〈〉“”\"'‘’（）()【】\[\]、，,。：:；;！!？?·\-—_]")
_META_DATE = ("pubdate", "publishdate", "firstpublishedtime", "publishtime", "createdate", "dc.date")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_DATE_LABEL = re.compile(r"(?:发布|发文|成文|印发|公开|信息)(?:日期|时间)\s*[:：]?\s*" + _DATE.pattern)


@dataclass(frozen=True)
class Item:
    """An item of a column list: title, URL, publish date."""

    title: str
    url: str
    pub_date: date | None = None


@dataclass(frozen=True)
class Pair:
    """An interpretation with what was found about its policy document."""

    interp: Item
    doc: Item | None
    interp_links_doc: bool = False
    doc_links_interp: bool = False
    doc_loaded: bool = False


def squash(text: str) -> str:
    """A title reduced for matching: no punctuation, spaces or brackets."""
    return _PUNCT.sub("", text or "")


def document_names(interp_title: str) -> list[str]:
    """Names of the policy document an interpretation title refers to: its 《…》 quotes, else the title
    without the 解读 wording (“关于…的通知解读” → “关于…的通知”)."""
    quoted = [q.strip() for q in _QUOTED.findall(interp_title or "")]
    if quoted:
        return quoted
    stripped = _INTERP_WORDS.sub("", interp_title or "").strip()
    for prefix in ("政策解读", "解读", "图解"):
        if stripped.startswith(prefix):
            stripped = stripped[len(prefix) :]
    stripped = stripped.strip("：: -—")
    return [stripped] if len(squash(stripped)) >= 6 else []


def _matches(name: str, title: str) -> bool:
    a, b = squash(name), squash(title)
    if len(a) < 4 or len(b) < 4:
        return False
    return a == b or (len(a) >= 8 and a in b) or (len(b) >= 8 and b in a and len(b) >= len(a) * 0.6)


def find_document(interp: Item, interp_links: Sequence[Link], policy_items: Iterable[Item]) -> Item | None:
    """The policy document of ``interp``: a link on its page naming the document, else a link to a
    policy-column item, else a 原文 link, else a policy-column item with a matching title (not linked)."""
    names = document_names(interp.title)
    interp_squashed = squash(interp.url)
    candidates = [link for link in interp_links if link.url.rstrip("/") != interp.url.rstrip("/")]
    policy = list(policy_items)
    by_url = {p.url: p for p in policy}
    for link in candidates:
        label = link.text or link.title
        if names and any(_matches(n, label) for n in names):
            return by_url.get(link.url) or Item(clean_text(label), link.url)
    for link in candidates:
        # A link to an item of the site's policy column, whatever its label says.
        if link.url in by_url and not link.in_nav:
            return by_url[link.url]
    for link in candidates:
        # “相关文件：<a>…</a>” / “政策原文：<a>…</a>”: the label before the link names it.
        if not link.in_nav and _DOC_LABEL.search(link.before) and squash(link.url) != interp_squashed:
            label = link.text or link.title
            return by_url.get(link.url) or Item(clean_text(label), link.url)
    for link in candidates:
        label = link.text or link.title
        if (
            len(label) <= 20
            and not link.in_nav
            and _ORIGINAL.search(label)
            and squash(link.url) != interp_squashed
        ):
            return by_url.get(link.url) or Item(clean_text(label), link.url)
    for n in names:
        for p in policy:
            if _matches(n, p.title):
                return p
    return None


def page_date(html: str) -> date | None:
    """The publish date a detail page states: ``<meta name="PubDate">`` and kin, then a labelled date
    (发布日期：…), then None."""
    doc = parse_html(html)
    if doc is None:
        return None
    for meta in doc.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").lower()
        if name in _META_DATE:
            d = _date_of(meta.get("content") or "")
            if d:
                return d
    for bad in doc.xpath("//script|//style"):
        bad.drop_tree()
    m = _DATE_LABEL.search(clean_text(doc.text_content()))
    if m:
        return _ymd(m.groups()[-3:])
    return None


def _date_of(text: str) -> date | None:
    m = _DATE.search(text)
    return _ymd(m.groups()) if m else None


def _ymd(groups: Iterable[str]) -> date | None:
    y, mth, d = (int(g) for g in groups)
    try:
        return date(y, mth, d)
    except ValueError:
        return None


def links_to(links: Iterable[Link], targets: Iterable[str | None]) -> bool:
    """True when one of ``links`` points at one of ``targets`` (normalised URLs, slash-insensitive)."""
    wanted = {t.rstrip("/") for t in targets if t}
    return any(link.url.rstrip("/") in wanted for link in links)


def interpretation_findings(
    rules: Rules,
    pairs: Iterable[Pair],
    *,
    target_id: str,
    site_id: str,
    unit_id: str | None,
) -> list[Finding]:
    """Findings for one interpretation column's items."""
    max_wd = int(rules.get("interpretation.max_working_days", 3))
    out: list[Finding] = []
    for p in pairs:
        it = p.interp
        label = f"解读「{it.title[:80]}」"
        common = {"site_id": site_id, "unit_id": unit_id, "evidence_key": it.url, "evidence_url": it.url}
        if p.doc is None:
            out.append(
                make(
                    rules,
                    "interpretation_unlinked",
                    "column",
                    target_id,
                    f"{label}未链接对应的政策文件，也未在政策文件栏目中找到同名文件",
                    **common,
                )
            )
            continue
        missing = []
        if not p.interp_links_doc:
            missing.append("解读页面未链接政策文件")
        if not p.doc_links_interp:
            missing.append("政策文件页面未链接解读" if p.doc_loaded else "政策文件页面无法打开")
        if missing:
            out.append(
                make(
                    rules,
                    "interpretation_unlinked",
                    "column",
                    target_id,
                    f"{label}与政策文件「{p.doc.title[:80]}」（{p.doc.url}）未相互关联：{'；'.join(missing)}",
                    **common,
                )
            )
        if it.pub_date and p.doc.pub_date and it.pub_date >= p.doc.pub_date:
            wd = workdays_between(p.doc.pub_date, it.pub_date)
            if wd > max_wd:
                out.append(
                    make(
                        rules,
                        "interpretation_late",
                        "column",
                        target_id,
                        f"{label}于 {it.pub_date} 发布，政策文件「{p.doc.title[:80]}」于 {p.doc.pub_date} 发布，"
                        f"间隔 {wd} 个工作日，超过 {max_wd} 个工作日",
                        **common,
                    )
                )
    return out
