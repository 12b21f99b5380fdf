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
