"""Shared HTML parsing helpers: bytes → lxml tree, ``<meta>`` tags, absolute links, visible text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urldefrag, urljoin

import lxml.html
from lxml import etree

from govwatch.fetch.encoding import decode

#: Elements whose text a visitor never reads as page content.
NON_CONTENT_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "textarea",
    "select",
    "option",
    "iframe",
    "svg",
)

_WS = re.compile(r"\s+")


def parse(data: bytes | str, *, content_type: str = "", base_url: str | None = None) -> lxml.html.HtmlElement:
    """Parse a page (bytes are decoded with the fetch layer's encoding rules) into an lxml tree."""
    text = decode(data, content_type or "text/html")[0] if isinstance(data, bytes) else data
    # lxml refuses str input that carries an XML encoding declaration.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    if not text.strip():
        text = "<html></html>"
    try:
        root = lxml.html.document_fromstring(text, base_url=base_url)
    except (etree.ParserError, ValueError):
        root = lxml.html.document_fromstring("<html><body></body></html>", base_url=base_url)
    return root


def strip_non_content(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """Remove scripts, styles, comments, form option lists and other text no visitor reads (in place)."""
    for el in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        _drop(el)
    for el in list(root.iter(*NON_CONTENT_TAGS)):
        _drop(el)
    return root


_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_SCRIPT_DATE = re.compile(
    r"""["']((?:199|20\d)\d[-/.年]\d{1,2}[-/.月]\d{1,2}日?)(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?["']"""
)


def inline_script_content(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """Bring into the page the content that scripts hold but a browser shows (in place).

    * Hanweb (大汉) JCMS column pages keep their list in ``<script type="text/xml"><datastore><recordset>
      <record><![CDATA[<li>…</li>]]></record>…``: the records become part of the page;
    * some CMS templates print an item's date with a tiny script (``document.write('2026-11-18')``):
      such a script is replaced by the date it writes.
    """
    for el in list(root.iter("script")):
        code = el.text or ""
        if not code.strip():
            continue
        kind = (el.get("type") or "").lower()
        if "xml" in kind or "<datastore" in code or "<recordset" in code:
            records = _CDATA.findall(code) or re.findall(r"<record>(.*?)</record>", code, re.S)
            if records:
                try:
                    frags = lxml.html.fragments_fromstring("".join(records))
                except (etree.ParserError, ValueError):
                    continue
                box = lxml.html.Element("div", {"class": "gw-records"})
                for frag in frags:
                    if isinstance(frag, str):
                        box.text = (box.text or "") + frag
                    else:
                        box.append(frag)
                _replace(el, box)
            continue
        if el.get("src") is None and len(code) < 400 and "write" in code:
            m = _SCRIPT_DATE.search(code)
            if m:
                span = lxml.html.Element("span")
                span.text = m.group(1)
                _replace(el, span)
    return root


def _replace(old: etree._Element, new: etree._Element) -> None:
    new.tail = old.tail
    parent = old.getparent()
    if parent is not None:
        parent.replace(old, new)


def _drop(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    # Keep the tail text: it belongs to the parent's content.
    tail = el.tail
    prev = el.getprevious()
    parent.remove(el)
    if tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def meta(root: lxml.html.HtmlElement) -> dict[str, str]:
    """``<meta name|property|http-equiv=… content=…>`` as a dict with lower-cased keys (first wins)."""
    out: dict[str, str] = {}
    for el in root.iter("meta"):
        key = el.get("name") or el.get("property") or el.get("http-equiv") or el.get("itemprop")
        content = el.get("content")
        if key and content is not None:
            out.setdefault(key.strip().lower(), content.strip())
    return out


def norm_text(text: str | None) -> str:
    """Collapse whitespace (including full-width spaces and nbsp) to single spaces."""
    return _WS.sub(" ", (text or "").replace("\u3000", " ").replace("\xa0", " ")).strip()


def text_of(el: etree._Element) -> str:
    return norm_text(" ".join(t for t in el.itertext() if t))


def absolute(base: str, href: str | None) -> str | None:
    """An absolute http(s) URL for ``href`` on a page at ``base``; None for javascript:, mailto:, '#'."""
    if not href:
        return None
    href = href.strip().replace("\\", "/")
    low = href.lower()
    if not href or low.startswith(("javascript:", "mailto:", "tel:", "#", "data:", "about:")):
        return None
    url = urldefrag(urljoin(base, href))[0]
    return url if url.startswith(("http://", "https://")) else None


def links(root: lxml.html.HtmlElement, base: str) -> Iterator[tuple[etree._Element, str, str]]:
    """(element, absolute URL, text) of every ``<a href>`` / ``<area href>`` on the page."""
    for el in root.iter("a", "area"):
        url = absolute(base, el.get("href"))
        if url:
            yield el, url, text_of(el) or norm_text(el.get("title"))
