"""Links of an HTML page: the anchors a visitor can follow, with their text and title.

Used by the crawler (what to visit next, what to link-check) and by the channel and interpretation
checks (which entry says 留言 / which link names the policy document).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html
from lxml import etree

from govwatch.crawl.urls import normalize_url

_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class Link:
    """One anchor on one page. ``url`` is normalised; ``href`` is as written."""

    url: str
    text: str
    title: str
    page_url: str
    href: str = ""
    in_nav: bool = False
    #: the text just before the anchor in its parent (a label such as “相关文件：”)
    before: str = ""


def parse_html(html: str) -> etree._Element | None:
    """An lxml tree of ``html``, or None for empty / unparsable markup."""
    if not html or not html.strip():
        return None
    try:
        # lxml refuses str input with an XML encoding declaration; strip it.
        text = re.sub(r"^\s*<\?xml[^>]*>", "", html)
        return lxml.html.fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def clean_text(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip()


def base_url(doc: etree._Element, page_url: str) -> str:
    for b in doc.iter("base"):
        href = b.get("href")
        if href:
            got = normalize_url(href, page_url)
            if got:
                return got
    return page_url


_NAV_CLASS = re.compile(r"nav|menu|daohang|dh|topbar|header|lm", re.I)


def _in_nav(el: etree._Element) -> bool:
    """True when the anchor sits in a navigation block (``<nav>``, or a container named like one)."""
    depth = 0
    node = el.getparent()
    while node is not None and depth < 6:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == "nav":
            return True
        if tag in ("body", "html"):
            return False
        ident = f"{node.get('class', '')} {node.get('id', '')}"
        if _NAV_CLASS.search(ident):
            return True
        node = node.getparent()
        depth += 1
    return False


def extract_links(html: str | etree._Element | None, page_url: str) -> list[Link]:
    """Every followable anchor (``<a href>``, ``<area href>``) in document order, de-duplicated by
    (url, text)."""
    doc = parse_html(html) if isinstance(html, str) else html
    if doc is None:
        return []
    base = base_url(doc, page_url)
    out: list[Link] = []
    seen: set[tuple[str, str]] = set()
    for el in doc.iter("a", "area"):
        href = el.get("href")
        url = normalize_url(href, base)
        if url is None:
            continue
        text = clean_text(el.text_content()) if el.tag == "a" else clean_text(el.get("alt"))
        if not text:
            img = next(iter(el.iter("img")), None) if el.tag == "a" else None
            if img is not None:
                text = clean_text(img.get("alt") or img.get("title"))
        title = clean_text(el.get("title"))
        key = (url, text)
        if key in seen:
            continue
        seen.add(key)
        out.append(
            Link(
                url=url,
                text=text[:200],
                title=title[:200],
                page_url=page_url,
                href=(href or "")[:500],
                in_nav=_in_nav(el),
                before=_text_before(el),
            )
        )
    return out


def _text_before(el: etree._Element) -> str:
    prev = el.getprevious()
    if prev is not None:
        text = prev.tail or ""
        if not text.strip() and isinstance(prev.tag, str):  # comments and PIs have no text content
            text = prev.text_content() + text
    else:
        parent = el.getparent()
        text = (parent.text or "") if parent is not None else ""
    return clean_text(text)[-16:]


def page_title(doc: etree._Element | None) -> str:
    if doc is None:
        return ""
    t = doc.find(".//title")
    return clean_text(t.text_content()) if t is not None else ""
