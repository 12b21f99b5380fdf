"""The bounded breadth-first crawl of one site.

From the home page, pages on the site's own host(s) are fetched level by level up to
``crawl.max_depth`` and ``crawl.max_pages``; URLs are normalised and de-duplicated, and the trap guard
refuses endless variants. PDF / DOCX / XLSX attachments on the site are fetched (size-capped, at most
``crawl.max_attachments``) so that the privacy scan can read their text. Every link met is recorded with
the page it was found on, for the link check.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from govwatch.crawl.pages import Link, extract_links, page_title, parse_html
from govwatch.crawl.traps import TrapGuard
from govwatch.crawl.urls import host_of, is_binary, is_document, normalize_url

log = logging.getLogger(__name__)


@dataclass
class Page:
    """One fetched page of the site (HTML), or one attachment (``is_attachment``)."""

    url: str
    final_url: str
    depth: int
    status: int | None
    ok: bool
    content_type: str = ""
    html: str = ""
    title: str = ""
    links: list[Link] = field(default_factory=list)
    elapsed_ms: int = 0
    error: str | None = None
    size: int = 0
    encoding: str | None = None
    is_attachment: bool = False
    body: bytes = b""
    parent: str | None = None
    duplicate_of: str | None = None


@dataclass
class CrawlConfig:
    max_pages: int = 2000
    max_depth: int = 4
    max_query_variants: int = 20
    max_calendar_pages: int = 10
    max_attachments: int = 100
    attachment_max_bytes: int = 5_000_000
    workers: int = 4

    @classmethod
    def from_rules(cls, rules: Any) -> CrawlConfig:
        g = rules.get
        return cls(
            max_pages=int(g("crawl.max_pages", 2000)),
            max_depth=int(g("crawl.max_depth", 4)),
            max_query_variants=int(g("crawl.max_query_variants", 20)),
            max_calendar_pages=int(g("crawl.max_calendar_pages", 10)),
            max_attachments=int(g("crawl.max_attachments", 100)),
            attachment_max_bytes=int(g("crawl.attachment_max_bytes", 5_000_000)),
            workers=max(1, int(g("crawl.workers", 4))),
        )


@dataclass
class CrawlResult:
    start_url: str
    hosts: frozenset[str]
    pages: list[Page] = field(default_factory=list)
    attachments: list[Page] = field(default_factory=list)
    #: every link met, in crawl order: url → the anchors pointing at it
    links: dict[str, list[Link]] = field(default_factory=dict)
    #: url → fetch outcome of every URL the crawl fetched itself (pages and attachments), for the link check
    fetched: dict[str, Any] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)
    truncated: bool = False

    @property
    def home(self) -> Page | None:
        return self.pages[0] if self.pages else None


Fetch = Callable[[str], Awaitable[Any]]


async def crawl_site(
    get: Fetch,
    start_url: str,
    hosts: frozenset[str],
    config: CrawlConfig,
    *,
    on_fetch: Callable[[Page, Any, frozenset[str]], None] | None = None,
    path_prefix: str = "/",
) -> CrawlResult:
    """Crawl one site breadth-first with ``get`` (``Fetcher.get``); never raises for a bad page.

    ``path_prefix`` keeps the crawl inside one directory when several registered sites share a host
    (departments under a portal's host: ``/slj/``, ``/fgw/``). ``on_fetch(page, raw, hosts)`` sees every
    page and attachment as it arrives (with the site's hosts as known then), so that a caller can scan it
    and let its markup go instead of holding a whole site in memory."""
    start = normalize_url(start_url) or start_url
    result = CrawlResult(start_url=start, hosts=hosts)
    guard = TrapGuard(config.max_query_variants, config.max_calendar_pages)
    seen: set[str] = {start}
    landed: set[str] = set()
    frontier: list[tuple[str, str | None]] = [(start, None)]
    attachments: list[tuple[str, str]] = []
    depth = 0
    while frontier and depth <= config.max_depth:
        room = config.max_pages - len(result.pages)
        if room <= 0:
            result.truncated = True
            break
        if len(frontier) > room:
            frontier = frontier[:room]
            result.truncated = True
        pages = await _fetch_level(get, frontier, depth, config.workers)
        next_frontier: list[tuple[str, str | None]] = []
        for page, raw in pages:
            if depth == 0 and page.ok:
                # A home page that redirects (http → https, bare → www) moves the site to its final host.
                final_host = host_of(page.final_url)
                if final_host and final_host not in hosts:
                    hosts = hosts | {final_host}
                    result.hosts = hosts
            final = normalize_url(page.final_url) or page.final_url
            if page.ok and final in landed:
                # Two URLs redirecting to one page: read (and report) it once.
                page.html, page.links, page.duplicate_of = "", [], final
            landed.add(final)
            result.pages.append(page)
            result.fetched[page.url] = raw
            if on_fetch:
                on_fetch(page, raw, hosts)
            for link in page.links:
                result.links.setdefault(link.url, []).append(link)
                if link.url in seen:
                    continue
                if host_of(link.url) not in hosts or not urlsplit(link.url).path.startswith(path_prefix):
                    continue
                if is_document(link.url):
                    seen.add(link.url)
                    attachments.append((link.url, page.url))
                    continue
                if is_binary(link.url):
                    continue
                if depth + 1 > config.max_depth:
                    continue
                if not guard.allow(link.url):
                    continue
                seen.add(link.url)
                next_frontier.append((link.url, page.url))
        frontier = next_frontier
        depth += 1
    if frontier and depth <= config.max_depth:
        result.truncated = True
    result.refused = dict(guard.refused)
    docs = attachments[: config.max_attachments]
    for page, raw in await _fetch_attachments(get, docs, config):
        result.attachments.append(page)
        result.fetched[page.url] = raw
        if on_fetch:
            on_fetch(page, raw, hosts)
    return result


async def _fetch_level(
    get: Fetch, frontier: list[tuple[str, str | None]], depth: int, workers: int
) -> list[tuple[Page, Any]]:
    sem = asyncio.Semaphore(max(workers, 1))

    async def one(url: str, parent: str | None) -> tuple[Page, Any]:
        async with sem:
            raw = await get(url)
        # Parsing is CPU work: do it off the event loop's critical path only in small slices.
        return _to_page(url, raw, depth, parent), raw

    return list(await asyncio.gather(*(one(u, p) for u, p in frontier)))


def _to_page(url: str, raw: Any, depth: int, parent: str | None) -> Page:
    page = Page(
        url=url,
        final_url=getattr(raw, "final_url", url) or url,
        depth=depth,
        status=raw.status,
        ok=bool(raw.ok),
        content_type=raw.content_type or "",
        elapsed_ms=int(raw.elapsed_ms or 0),
        error=raw.error,
        size=len(raw.body or b""),
        encoding=raw.encoding,
        parent=parent,
    )
    ctype = page.content_type.lower()
    looks_html = "html" in ctype or (not ctype and (raw.text or "").lstrip()[:1] == "<")
    if raw.ok and raw.text and looks_html:
        doc = parse_html(raw.text)
        page.html = raw.text
        page.title = page_title(doc)
        # Links resolve against where the page ended up after redirects.
        page.links = (
            extract_links(doc, normalize_url(page.final_url) or page.final_url) if doc is not None else []
        )
    return page


async def _fetch_attachments(
    get: Fetch, docs: list[tuple[str, str]], config: CrawlConfig
) -> list[tuple[Page, Any]]:
    sem = asyncio.Semaphore(max(config.workers, 1))

    async def one(url: str, parent: str) -> tuple[Page, Any]:
        async with sem:
            raw = await get(url)
        page = Page(
            url=url, final_url=raw.final_url or url, depth=-1, status=raw.status, ok=bool(raw.ok),
            content_type=raw.content_type or "", elapsed_ms=int(raw.elapsed_ms or 0), error=raw.error,
            size=len(raw.body or b""), is_attachment=True, parent=parent,
        )  # fmt: skip
        if raw.ok and len(raw.body or b"") <= config.attachment_max_bytes:
            page.body = raw.body
        return page, raw

    return list(await asyncio.gather(*(one(u, p) for u, p in docs)))
