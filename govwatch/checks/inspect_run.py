"""The monthly full inspection (``govwatch inspect``, DAG ``monthly_inspection``).

For one as-of date: the column check (its own run, kind ``columns``), then per site availability from
the probes, a bounded crawl with every link checked once, the content scanners over every page
(错敏字 / 严重表述错误, 隐私泄露 — attachments too —, 暗链), the interaction and service channels, the
consult replies and the policy interpretations; the findings are recorded as run kind ``inspect`` and
every fetch as an observation; then the scores. Re-running for the same as-of changes nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from govwatch.checks.channels import channel_entries, channel_findings, nav_pages
from govwatch.checks.interpretation import (
    Item,
    Pair,
    find_document,
    interpretation_findings,
    links_to,
    page_date,
)
from govwatch.checks.links import broken_link_findings
from govwatch.checks.probe_run import active_sites, availability_findings
from govwatch.checks.replies import Message, merge, parse_detail, parse_list, reply_findings
from govwatch.crawl.crawler import CrawlConfig, CrawlResult, Page, crawl_site
from govwatch.crawl.linkcheck import LinkChecker, LinkStatus
from govwatch.crawl.pages import Link, clean_text, extract_links, page_title, parse_html
from govwatch.crawl.urls import host_of, normalize_url, site_hosts
from govwatch.errors import InputError
from govwatch.findings import Finding
from govwatch.masking import scrub
from govwatch.rules import Rules, load_rules
from govwatch.settings import TZ, get_settings
from govwatch.store.db import Store, open_store
from govwatch.store.findings import Scope, record_findings
from govwatch.store.runs import finish_run, scope_key, start_run

log = logging.getLogger(__name__)

#: The check codes only the full inspection judges (docs/ARCHITECTURE.md, run kinds); the column codes
#: are judged by the column check it runs first.
INSPECT_CODES: frozenset[str] = frozenset(
    {
        "site_unreachable", "no_interaction_channel", "no_service_channel", "reply_overdue", "reply_late",
        "broken_link", "dark_link", "typo", "serious_error", "privacy_leak", "interpretation_unlinked",
        "interpretation_late",
    }
)  # fmt: skip

_NEXT_PAGE = ("下一页", "下页", "后页", "next", ">")


@dataclass
class SiteReport:
    site_id: str
    findings: list[Finding] = field(default_factory=list)
    observations: list[dict[str, Any]] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    #: (site_id, check) pairs that could not be judged this run (their findings stay as they were)
    withheld: set[tuple[str, str]] = field(default_factory=set)


class _Scanners:
    """The content scanners (错敏字, 隐私, 暗链, attachment text), loaded once per run."""

    def __init__(self, rules: Rules, as_of: date):
        from govwatch.checks import darklinks, privacy, wording
        from govwatch.extract import attachments, text

        rules_dir = get_settings().rules_dir
        self.rules = rules
        self.as_of = as_of
        self.text = text
        self.attachment_text = attachments.attachment_text
        self.wording = wording
        self.privacy = privacy
        self.darklinks = darklinks
        self.scanner = wording.WordingScanner.load(rules_dir)
        self.blacklist = darklinks.Blacklist.load(rules_dir)

    def page(self, page: Page, site: dict[str, Any], hosts: frozenset[str]) -> list[Finding]:
        sid, uid = site["id"], site["unit_id"]
        try:
            # One parse and one visibility analysis, shared by the text and the dark-link scans.
            parsed = self.text.parse_page(page.html, base_url=page.final_url)
        except Exception:  # noqa: BLE001 - a page lxml cannot read has nothing to judge
            log.warning("cannot parse %s", page.url, exc_info=True)
            return []
        text = self.text.visible_text(parsed, base_url=page.final_url)
        out = list(
            self.wording.wording_findings(
                self.rules, self.scanner, text, target_type="site", target_id=sid, site_id=sid, unit_id=uid,
                url=page.url,
            )
        )  # fmt: skip
        out += self.privacy.privacy_findings(
            self.rules, text, site_id=sid, unit_id=uid, url=page.url, as_of=self.as_of
        )
        out += self.darklinks.dark_link_findings(
            self.rules, parsed, page.final_url, site_id=sid, unit_id=uid, site_hosts=hosts,
            blacklist=self.blacklist,
        )  # fmt: skip
        return out

    def attachment(self, page: Page, site: dict[str, Any]) -> list[Finding]:
        if not page.body:
            return []
        text = self.attachment_text(page.body, page.content_type, page.url)
        if not text:
            return []
        return list(
            self.privacy.privacy_findings(
                self.rules, text, site_id=site["id"], unit_id=site["unit_id"], url=page.url, as_of=self.as_of
            )
        )


def _obs(kind: str, target_id: str, site_id: str | None, url: str, raw: Any, **meta: Any) -> dict[str, Any]:
    return {
        "target_type": kind,
        "target_id": target_id,
        "site_id": site_id,
        "url": url,
        "final_url": getattr(raw, "final_url", None),
        "status": getattr(raw, "status", None),
        "ok": bool(getattr(raw, "ok", False)),
        "elapsed_ms": int(getattr(raw, "elapsed_ms", 0) or 0),
        "bytes": len(getattr(raw, "body", b"") or b""),
        "encoding": getattr(raw, "encoding", None),
        "error": getattr(raw, "error", None),
        "fetched_at": getattr(raw, "fetched_at", None),
        "meta": meta,
    }


class _Inspector:
    def __init__(
        self, rules: Rules, as_of: date, fetcher: Any, scanners: _Scanners | None, columns: dict[str, list]
    ):
        self.rules = rules
        self.as_of = as_of
        self.fetcher = fetcher
        self.scanners = scanners
        self.columns = columns
        self.config = CrawlConfig.from_rules(rules)
        self.checker = LinkChecker(
            fetcher.head, fetcher.get, concurrency=int(rules.get("crawl.link_concurrency", 16))
        )
        #: site id → path the crawl stays under (only for sites that share a host with another site)
        self.prefixes: dict[str, str] = {}
        # Detail pages fetched for replies / interpretations, shared within the run.
        self._pages: dict[str, Any] = {}

    async def get(self, url: str) -> Any:
        if url not in self._pages:
            self._pages[url] = await self.fetcher.get(url)
        return self._pages[url]

    async def site(self, site: dict[str, Any]) -> SiteReport:
        sid = site["id"]
        rep = SiteReport(sid)
        started = time.monotonic()
        hosts = site_hosts(site["url"])
        scan_errors = 0

        def on_fetch(page: Page, raw: Any, hosts_now: frozenset[str]) -> None:
            # Scan each page as it arrives and let its markup go: a 2,000-page site is never held whole.
            nonlocal scan_errors
            rep.observations.append(
                _obs("page", sid, sid, page.url, raw, depth=page.depth, attachment=page.is_attachment)
            )
            if not self._scan(rep, page, site, hosts_now):
                scan_errors += 1
            if page.depth > 1:
                page.html = ""  # home and first-level pages stay for the channel check
            page.body = b""

        crawl = await crawl_site(
            self.fetcher.get, site["url"], hosts, self.config, path_prefix=self.prefixes.get(sid, "/"),
            on_fetch=on_fetch,
        )  # fmt: skip
        for url, raw in crawl.fetched.items():
            self.checker.seed(url, raw)
        link_urls = list(crawl.links)
        statuses = await self.checker.check_many(link_urls)
        for url, st in statuses.items():
            if url not in crawl.fetched:
                rep.observations.append(_link_obs(sid, st))
        rep.findings += broken_link_findings(
            self.rules, crawl.links, statuses, site_id=sid, unit_id=site["unit_id"]
        )
        rep.stats = {
            "pages": len(crawl.pages), "attachments": len(crawl.attachments), "links": len(link_urls),
            "truncated": crawl.truncated, "refused": crawl.refused,
            "broken": sum(1 for s in statuses.values() if s.verdict == "broken"),
            "suspected": sum(1 for s in statuses.values() if s.verdict == "suspected"),
        }  # fmt: skip
        home = crawl.home
        if home is None or not home.ok:
            # Nothing on the site could be read: the content and channel checks are not judged (the
            # availability check speaks for the site); their findings stay as they were.
            rep.withheld |= {
                (sid, c)
                for c in (
                    "no_interaction_channel",
                    "no_service_channel",
                    "typo",
                    "serious_error",
                    "privacy_leak",
                    "dark_link",
                    "broken_link",
                )
            }
            rep.stats["home_unreachable"] = True
        else:
            self._channels(rep, crawl, site, statuses)
        if scan_errors:
            rep.stats["scan_errors"] = scan_errors
        await self._replies(rep, site)
        await self._interpretations(rep, site)
        rep.stats["seconds"] = round(time.monotonic() - started, 2)
        return rep

    def _scan(self, rep: SiteReport, page: Page, site: dict[str, Any], hosts: frozenset[str]) -> bool:
        """Content scans of one page or attachment; False when a scanner failed on it."""
        if self.scanners is None:
            return True
        try:
            if page.is_attachment:
                rep.findings += self.scanners.attachment(page, site)
            elif page.html:
                rep.findings += self.scanners.page(page, site, hosts)
        except Exception:  # one odd page must not cost the whole site its inspection
            log.exception("content scan failed on %s", page.url)
            return False
        return True

    def _channels(
        self, rep: SiteReport, crawl: CrawlResult, site: dict[str, Any], statuses: dict[str, LinkStatus]
    ) -> None:
        home = crawl.pages[0]
        nav = set(nav_pages(home.links, crawl.hosts))
        links: list[Link] = list(home.links)
        titles: dict[str, str] = {}
        for p in crawl.pages:
            titles[p.url] = p.title
            if p.depth == 1 and p.url in nav:
                links += p.links
        entries = channel_entries(self.rules, links)
        found, working = channel_findings(
            self.rules, entries, statuses, site_id=site["id"], unit_id=site["unit_id"], home_url=home.url,
            has_services=bool(site["has_services"]), target_titles=titles,
        )  # fmt: skip
        rep.findings += found
        rep.stats["channels"] = {k: len(v) for k, v in working.items()}

    async def _list_pages(
        self, url: str, rep: SiteReport, target_id: str, limit: int
    ) -> list[tuple[str, Any]]:
        """A column page and up to ``limit`` − 1 following pages (下一页)."""
        out: list[tuple[str, Any]] = []
        seen: set[str] = set()
        current: str | None = normalize_url(url) or url
        while current and current not in seen and len(out) < limit:
            seen.add(current)
            raw = await self.get(current)
            rep.observations.append(_obs("column", target_id, rep.site_id, current, raw))
            if not raw.ok or not raw.text:
                break
            out.append((current, raw))
            nxt = None
            for link in extract_links(raw.text, normalize_url(raw.final_url) or current):
                if link.text.strip().lower() in _NEXT_PAGE and link.url not in seen:
                    nxt = link.url
                    break
            current = nxt
        return out

    async def _replies(self, rep: SiteReport, site: dict[str, Any]) -> None:
        cols = [c for c in self.columns.get(site["id"], []) if c["category"] == "consult"]
        max_pages = int(self.rules.get("replies.max_list_pages", 3))
        max_details = int(self.rules.get("replies.max_detail_pages", 40))
        lookback = int(self.rules.get("replies.lookback_days", 365))
        counted = 0
        for col in cols:
            target = f"{site['id']}/{col['id']}"
            pages = await self._list_pages(col["url"], rep, target, max_pages)
            if not pages:
                rep.withheld.add((site["id"], "reply_late"))
                rep.withheld.add((site["id"], "reply_overdue"))
                continue
            messages: list[Message] = []
            for url, raw in pages:
                messages += parse_list(raw.text, normalize_url(raw.final_url) or url)
            if not messages:
                # A list without dates or statuses: the messages are read from their detail pages.
                messages = await self._undated_messages(pages, max_details, rep, target)
            # Detail pages complete what the list does not say (status, reply date).
            todo = [
                m
                for m in messages
                if m.url and m.replied is None and m.submitted and (self.as_of - m.submitted).days <= lookback
            ][:max_details]
            details = await asyncio.gather(*(self.get(m.url) for m in todo if m.url))
            by_url = {}
            for m, raw in zip(todo, details, strict=True):
                rep.observations.append(_obs("page", target, site["id"], m.url or "", raw, detail="consult"))
                if raw.ok and raw.text:
                    by_url[m.url] = parse_detail(raw.text, m.url or "")
            messages = [merge(m, by_url.get(m.url)) for m in messages]
            counted += len(messages)
            rep.findings += reply_findings(
                self.rules,
                messages,
                self.as_of,
                target_id=target,
                site_id=site["id"],
                unit_id=site["unit_id"],
                column_name=col["name"],
            )
        rep.stats["messages"] = counted

    def _listed(self, pages: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
        """(normalised URL, listing item) of every linked item on the fetched list pages."""
        from govwatch.extract.listing import extract_listing

        out = []
        for url, raw in pages:
            listing = extract_listing(
                raw.text, url=normalize_url(raw.final_url) or url, as_of=self.as_of, content_type=raw.content_type
            )
            out += [(u, it) for it in listing.items if it.url and (u := normalize_url(it.url))]
        return out

    async def _undated_messages(
        self, pages: list[tuple[str, Any]], limit: int, rep: SiteReport, target: str
    ) -> list[Message]:

        urls = list(dict.fromkeys(u for u, _ in self._listed(pages)))[:limit]
        raws = await asyncio.gather(*(self.get(u) for u in urls))
        out = []
        for u, raw in zip(urls, raws, strict=True):
            rep.observations.append(_obs("page", target, rep.site_id, u, raw, detail="consult"))
            msg = parse_detail(raw.text, u) if raw.ok and raw.text else None
            if msg is not None:
                out.append(msg)
        return out

    async def _column_items(self, col: dict[str, Any], rep: SiteReport, target: str) -> list[Item] | None:

        pages = await self._list_pages(
            col["url"], rep, target, int(self.rules.get("interpretation.max_list_pages", 2))
        )
        if not pages:
            return None
        items = [Item(it.title, u, it.date) for u, it in self._listed(pages)]
        return list({i.url: i for i in items}.values())

    async def _interpretations(self, rep: SiteReport, site: dict[str, Any]) -> None:
        cols = self.columns.get(site["id"], [])
        interp_cols = [c for c in cols if c["category"] == "interpretation"]
        if not interp_cols:
            return
        policy: list[Item] = []
        for c in cols:
            if c["category"] == "policy":
                policy += await self._column_items(c, rep, f"{site['id']}/{c['id']}") or []
        lookback = int(self.rules.get("interpretation.lookback_days", 365))
        max_items = int(self.rules.get("interpretation.max_items", 30))
        for col in interp_cols:
            target = f"{site['id']}/{col['id']}"
            items = await self._column_items(col, rep, target)
            if items is None:
                rep.withheld.add((site["id"], "interpretation_unlinked"))
                rep.withheld.add((site["id"], "interpretation_late"))
                continue
            recent = [
                i for i in items if i.pub_date is None or 0 <= (self.as_of - i.pub_date).days <= lookback
            ]
            pairs = await asyncio.gather(*(self._pair(i, policy, rep, target) for i in recent[:max_items]))
            rep.findings += interpretation_findings(
                self.rules,
                [p for p in pairs if p is not None],
                target_id=target,
                site_id=site["id"],
                unit_id=site["unit_id"],
            )

    async def _pair(self, item: Item, policy: list[Item], rep: SiteReport, target: str) -> Pair | None:
        raw = await self.get(item.url)
        rep.observations.append(_obs("page", target, rep.site_id, item.url, raw, detail="interpretation"))
        if not raw.ok or not raw.text:
            return None  # the interpretation itself does not open: a broken link, not an unlinked pair
        doc_tree = parse_html(raw.text)
        final = normalize_url(raw.final_url) or item.url
        links = extract_links(doc_tree, final) if doc_tree is not None else []
        interp = Item(item.title or page_title(doc_tree), item.url, item.pub_date or page_date(raw.text))
        doc = find_document(interp, links, policy)
        if doc is None:
            return Pair(interp, None)
        draw = await self.get(doc.url)
        rep.observations.append(_obs("page", target, rep.site_id, doc.url, draw, detail="policy"))
        dlinks = (
            extract_links(draw.text, normalize_url(draw.final_url) or doc.url)
            if draw.ok and draw.text
            else []
        )
        doc_final = normalize_url(draw.final_url) if draw.ok else None
        if doc.pub_date is None and draw.ok and draw.text:
            doc = Item(doc.title, doc.url, page_date(draw.text))
        return Pair(
            interp, doc,
            interp_links_doc=links_to(links, [doc.url, doc_final]),
            doc_links_interp=links_to(dlinks, [item.url, final]),
            doc_loaded=bool(draw.ok),
        )  # fmt: skip


def _link_obs(site_id: str, st: LinkStatus) -> dict[str, Any]:
    return {
        "target_type": "link", "target_id": site_id, "site_id": site_id, "url": st.url, "final_url": st.final_url,
        "status": st.status, "ok": st.verdict == "ok", "elapsed_ms": st.elapsed_ms, "bytes": None, "encoding": None,
        "error": st.error, "fetched_at": None, "meta": {"verdict": st.verdict, "method": st.method},
    }  # fmt: skip


async def _inspect_all(
    rules: Rules,
    as_of: date,
    sites: list[dict[str, Any]],
    columns: dict[str, list],
    scanners: _Scanners | None,
    all_sites: list[dict[str, Any]],
) -> list[SiteReport]:
    from govwatch.fetch.client import Fetcher

    async with Fetcher(settings=get_settings(), rules=rules) as fetcher:
        insp = _Inspector(rules, as_of, fetcher, scanners, columns)
        insp.prefixes = shared_host_prefixes(all_sites)
        sem = asyncio.Semaphore(max(1, int(rules.get("crawl.site_concurrency", 6))))

        async def one(site: dict[str, Any]) -> SiteReport:
            async with sem:
                try:
                    return await insp.site(site)
                except Exception as exc:
                    # A bug met on one site: its findings stay as they were, the others are recorded.
                    log.exception("inspection of site %s failed", site["id"])
                    rep = SiteReport(site["id"], stats={"error": f"{type(exc).__name__}: {exc}"[:300]})
                    # (availability is judged from the probes, not from this crawl)
                    rep.withheld = {(site["id"], c) for c in INSPECT_CODES - {"site_unreachable"}}
                    return rep

        reports = list(await asyncio.gather(*(one(s) for s in sites)))
        for r in reports:
            r.stats["link_checks"] = {
                "requests": insp.checker.requests,
                "cache_hits": insp.checker.cache_hits,
            }
        return reports


async def _scan_accounts(
    rules: Rules, as_of: date, accounts: list[dict[str, Any]], scanners: _Scanners
) -> tuple[list[Finding], list[dict[str, Any]], set[str]]:
    """``typo`` / ``serious_error`` in the posts of each account's feed (posts dated up to as-of, within
    ``media.scan_days``). Accounts whose feed cannot be read are returned as not judged."""
    from govwatch.extract.feeds import FeedError, parse_feed
    from govwatch.fetch.client import Fetcher

    days = int(rules.get("media.scan_days", 31))
    findings: list[Finding] = []
    observations: list[dict[str, Any]] = []
    unjudged: set[str] = set()
    async with Fetcher(settings=get_settings(), rules=rules) as fetcher:
        raws = await asyncio.gather(*(fetcher.get(a["feed_url"]) for a in accounts))
    for acc, raw in zip(accounts, raws, strict=True):
        observations.append(_obs("feed", acc["id"], None, acc["feed_url"], raw))
        try:
            feed = parse_feed(raw.body, raw.content_type) if raw.ok else None
        except FeedError:
            feed = None
        if feed is None:
            unjudged.add(acc["id"])
            continue
        bodies = entry_texts(raw.body, raw.content_type)
        if len(bodies) != len(feed.posts):
            bodies = [""] * len(feed.posts)  # cannot pair them safely: titles only
        for post, body in zip(feed.posts, bodies, strict=True):
            d = post.date
            if d is not None and not (0 <= (as_of - d).days <= days):
                continue
            findings += scanners.wording.wording_findings(
                rules, scanners.scanner, f"{post.title}\n{body}", target_type="account", target_id=acc["id"],
                site_id=None, unit_id=acc["unit_id"], url=post.url or acc["feed_url"],
            )  # fmt: skip
    return findings, observations, unjudged


def entry_texts(body: bytes, content_type: str = "") -> list[str]:
    """The body text of each entry of a feed (RSS description / content:encoded, Atom summary / content,
    JSON Feed content_text / content_html / summary), in document order, tags stripped."""
    from lxml import etree

    from govwatch.fetch.encoding import decode

    text = decode(body, content_type or "application/xml")[0] or body.decode("utf-8", "replace")
    stripped = text.lstrip("\ufeff \r\n\t")
    if stripped.startswith("{"):
        try:
            items = json.loads(stripped).get("items") or []
        except (ValueError, AttributeError):
            return []
        return [
            _strip_tags(str(i.get("content_text") or i.get("content_html") or i.get("summary") or ""))
            for i in items
            if isinstance(i, dict)
        ]
    try:
        root = etree.fromstring(
            stripped.encode("utf-8"), etree.XMLParser(recover=True, resolve_entities=False)
        )
    except etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    out = []
    for el in root.iter():
        if not isinstance(el.tag, str) or etree.QName(el).localname not in ("item", "entry"):
            continue
        parts = [
            _strip_tags("".join(child.itertext()))
            for child in el
            if isinstance(child.tag, str)
            and etree.QName(child).localname in ("description", "summary", "content", "encoded")
        ]
        out.append("\n".join(p for p in parts if p))
    return out


def _strip_tags(html: str) -> str:
    if "<" not in html:
        return html.strip()
    doc = parse_html(html)
    return clean_text(doc.text_content()) if doc is not None else html


def shared_host_prefixes(sites: list[dict[str, Any]]) -> dict[str, str]:
    """For sites whose host also serves another registered site, the directory of the site's URL: the
    crawl of ``http://h/slj/`` must not wander into ``http://h/fgw/``."""
    by_host: dict[str, list[dict[str, Any]]] = {}
    for s in sites:
        by_host.setdefault(host_of(s["url"]), []).append(s)
    out: dict[str, str] = {}
    for group in by_host.values():
        if len(group) < 2:
            continue
        for s in group:
            path = urlsplit(normalize_url(s["url"]) or s["url"]).path
            out[s["id"]] = path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"
    return out


def _columns_by_site(store: Store, site_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    rows = store.query(
        "SELECT site_id, id, name, url, category, level FROM columns WHERE active AND site_id = ANY(%s)"
        " ORDER BY site_id, seq, id",
        (list(site_ids),),
    )
    out: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(r["site_id"], []).append(r)
    return out


def _column_check(as_of: date, site_ids: list[str] | None, store: Store) -> dict[str, Any]:
    from govwatch.checks.column_run import run_column_check

    # Recorded under the inspection's own run kind: the monthly run judges the column codes too.
    return run_column_check(as_of, site_ids, store=store, run_kind="inspect")


def _record_observations(store: Store, as_of: date, observations: list[dict[str, Any]]) -> None:
    """The inspection's fetches as observations (run kind ``inspect``)."""
    from govwatch.store.observations import record_observations

    now = datetime.now(TZ)  # when the fetch happened (data, not a check date)
    # A URL can carry personal data in its query (?sfzh=…): stored masked, like every evidence.
    record_observations(
        store,
        ({**o, "run_kind": "inspect", "as_of": as_of, "fetched_at": o.get("fetched_at") or now,
          "url": scrub(o["url"] or "")[:2000], "final_url": scrub(o["final_url"]) if o.get("final_url") else None}
         for o in observations),
    )  # fmt: skip


def run_inspection(as_of: date, site_ids: Iterable[str] | None = None, *, store: Store | None = None) -> dict:
    """The monthly full inspection for ``as_of``; returns counts by check and per-site stats."""
    from govwatch.scoring import run_scores

    store = store or open_store()
    rules = load_rules()
    ids = sorted(set(site_ids)) if site_ids else None
    sites = active_sites(store, ids)
    started = time.monotonic()
    run_id = start_run(store, "inspect", as_of, scope_key(ids))
    errors: list[str] = []
    try:
        columns_stats = _column_check(as_of, ids, store)
    except InputError:
        raise
    except Exception as exc:
        # The column check is a run of its own; its failure must not lose the rest of the inspection.
        log.exception("column check failed during the inspection")
        columns_stats = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        errors.append(f"column check: {columns_stats['error']}")
    findings, avail = availability_findings(store, rules, as_of, sites)
    scanners = _Scanners(rules, as_of)
    columns = _columns_by_site(store, [s["id"] for s in sites])
    every_site = active_sites(store) if ids else sites
    reports = asyncio.run(_inspect_all(rules, as_of, sites, columns, scanners, every_site)) if sites else []
    withheld: set[tuple[str, str]] = set()
    observations: list[dict[str, Any]] = []
    # 错敏字 in new-media posts: every account, or (a --site run / a DAG shard) the accounts of the units
    # of those sites, as the column check selects them.
    account_scope: frozenset[str] = frozenset()
    accounts = store.query("SELECT id, unit_id, feed_url FROM accounts WHERE active ORDER BY id")
    if ids is not None:
        units = {s["unit_id"] for s in sites}
        accounts = [a for a in accounts if a["unit_id"] in units]
    if accounts:
        acc_findings, acc_obs, unjudged = asyncio.run(_scan_accounts(rules, as_of, accounts, scanners))
        findings += acc_findings
        observations += acc_obs
        account_scope = frozenset(a["id"] for a in accounts if a["id"] not in unjudged)
    for r in reports:
        findings += r.findings
        withheld |= r.withheld
        observations += r.observations
    _record_observations(store, as_of, observations)
    scope = Scope(
        checks=INSPECT_CODES,
        sites=frozenset(ids) if ids else None,
        accounts=account_scope,
        withheld=frozenset(withheld),
    )
    recorded = record_findings(store, run_kind="inspect", as_of=as_of, scope=scope, findings=findings)
    by_check: dict[str, int] = {}
    for f in findings:
        key = f.check if f.severity != "warn" else f"{f.check}(warn)"
        by_check[key] = by_check.get(key, 0) + 1
    scores = run_scores(as_of, store=store)
    stats = {
        "as_of": as_of.isoformat(),
        "sites": len(sites),
        "by_check": dict(sorted(by_check.items())),
        "recorded": recorded,
        "columns": columns_stats,
        "availability": avail,
        "observations": len(observations),
        "per_site": {r.site_id: r.stats for r in reports},
        "scores": {"sites": scores["sites"], "accounts": scores["accounts"]},
        "seconds": round(time.monotonic() - started, 1),
    }
    errors += [f"site {r.site_id}: {r.stats['error']}" for r in reports if "error" in r.stats]
    if errors:
        stats["errors"] = errors
        finish_run(store, run_id, stats, status="failed")
        raise RuntimeError("inspection incomplete / 检查未完成: " + "; ".join(errors))
    finish_run(store, run_id, stats)
    return stats


def run_account_inspection(as_of: date, account_ids: Iterable[str], *, store: Store | None = None) -> dict:
    """The monthly inspection of accounts no site shard covers (units without a site): their column-check
    codes (freshness, interaction) and 错敏字 in their posts. Scores are left to the caller's scores step."""
    from govwatch.checks.column_run import run_account_check

    store = store or open_store()
    ids = sorted(set(account_ids))
    media = run_account_check(as_of, ids, store=store, run_kind="inspect")
    rules = load_rules()
    accounts = store.query(
        "SELECT id, unit_id, feed_url FROM accounts WHERE active AND id = ANY(%s) ORDER BY id", (ids,)
    )
    findings, observations, unjudged = (
        asyncio.run(_scan_accounts(rules, as_of, accounts, _Scanners(rules, as_of))) if accounts else ([], [], set())
    )
    _record_observations(store, as_of, observations)
    scope = Scope(
        checks=frozenset({"typo", "serious_error"}),
        sites=frozenset(),
        accounts=frozenset(a["id"] for a in accounts if a["id"] not in unjudged),
    )
    recorded = record_findings(store, run_kind="inspect", as_of=as_of, scope=scope, findings=findings)
    return {"accounts": len(ids), "media": media, "wording": recorded, "unjudged": sorted(unjudged)}
