"""Runner of the twice-weekly column update check (``govwatch check columns``, DAG column_update_check).

Fetches the home pages and column pages of the sites, and the feeds and menus of the new-media accounts,
through one :class:`~govwatch.fetch.client.Fetcher`; records every fetch as an observation and every list
entry / post as an item; judges with :mod:`govwatch.checks.columns` and :mod:`govwatch.checks.media`;
records the findings with :func:`govwatch.store.findings.record_findings`. Returns counts only.

Sharding (the DAG): ``site_shards(n)`` splits the sites into at most ``n`` lists balanced by page count;
each mapped task runs ``run_column_check(as_of, shard, accounts=False)`` and one more task runs
``run_account_check(as_of)`` (or ``account_shards``) for the new-media accounts.
"""

from __future__ import annotations

import asyncio
import hashlib
import heapq
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from govwatch.checks.columns import SITE_CHECKS, PageObs, SiteObs, check_site
from govwatch.checks.media import InteractionCheck, feed_findings, interaction_finding
from govwatch.errors import InputError
from govwatch.extract.feeds import FeedError, parse_feed
from govwatch.extract.listing import NOTHING_LISTED, extract_listing, looks_not_found
from govwatch.extract.menu import MenuError, interaction_entries, parse_menu
from govwatch.fetch.client import Fetcher, FetchResult
from govwatch.findings import Finding
from govwatch.registry.model import Account, Site
from govwatch.registry.store import read_registry
from govwatch.rules import Rules, load_rules
from govwatch.settings import Settings, get_settings
from govwatch.store.db import Store, open_store
from govwatch.store.findings import Scope, record_findings
from govwatch.store.observations import record_items, record_observations
from govwatch.store.runs import finish_run, scope_key, start_run

log = logging.getLogger(__name__)

FEED_CHECKS = ("media_stale", "media_infrequent")
MENU_CHECKS = ("media_no_interaction",)
#: How many sites are fetched and extracted at once (bounds memory: bodies are dropped after extraction).
SITES_IN_FLIGHT = 48


@dataclass
class _Collected:
    findings: list[Finding] = field(default_factory=list)
    withheld: set[tuple[str, str]] = field(default_factory=set)
    observations: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    sites: int = 0
    columns: int = 0
    pages_failed: int = 0
    extraction_failed: int = 0
    feed_ok: set[str] = field(default_factory=set)
    accounts: int = 0
    accounts_unchecked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    interaction_unjudged: set[str] = field(default_factory=set)


def _obs_row(as_of: date, run_kind: str, target_type: str, target_id: str, site_id: str | None, r: FetchResult,
             **extra: Any) -> dict[str, Any]:  # fmt: skip
    meta = extra.pop("meta", {})
    return {
        "run_kind": run_kind, "as_of": as_of, "target_type": target_type, "target_id": target_id,
        "site_id": site_id, "url": r.url, "final_url": r.final_url, "status": r.status, "ok": r.ok,
        "elapsed_ms": r.elapsed_ms, "bytes": len(r.body), "encoding": r.encoding, "error": r.error,
        "fetched_at": r.fetched_at, "meta": meta, "newest_date": None, "item_count": None, "dated_count": None,
        **extra,
    }  # fmt: skip


def _soft_404(r: FetchResult) -> bool:
    """An interaction entry that answers 200 with an error page does not work."""
    if not r.is_html:
        return False
    try:
        return looks_not_found(r.body, r.content_type)
    except Exception:
        log.exception("could not read %s", r.url)
        return False


def _page(r: FetchResult, as_of: date, *, column: bool = True) -> PageObs:
    page = PageObs(url=r.url, ok=r.ok, status=r.status, error=r.error)
    if r.ok:
        try:
            page.listing = extract_listing(
                r.body, url=r.final_url, as_of=as_of, content_type=r.content_type, column=column
            )
        except Exception:  # a page we cannot read is not judged; it must not stop the other sites
            log.exception("could not extract %s", r.url)
            return page
        if page.listing.not_found:
            page.ok, page.error = False, "soft-404"
    return page


async def _framed_lists(f: Fetcher, site: Site, pages: dict[str, PageObs], as_of: date) -> None:
    """A column page that lists nothing itself but embeds its list in an iframe on the same host is read
    through that frame (at most two frames per page)."""
    for url, page in pages.items():
        lst = page.listing
        if lst is None or not lst.blank or lst.blank_reason != NOTHING_LISTED or not lst.frames:
            continue
        host = urlsplit(page.url).netloc
        for frame in [u for u in lst.frames if urlsplit(u).netloc == host][:2]:
            r = await f.get_page(frame)
            inner = await asyncio.to_thread(_page, r, as_of, column=url != site.url)
            if inner.ok and inner.listing is not None and not inner.listing.blank:
                page.listing = inner.listing
                break


async def _site(f: Fetcher, site: Site, as_of: date, rules: Rules, run_kind: str, out: _Collected) -> None:
    urls = [site.url] + [c.url for c in site.columns]
    results = await f.get_many(urls, pages=True)
    # Extraction is CPU work: off the event loop so other sites' fetches keep moving.
    pages = await asyncio.to_thread(
        lambda: {u: _page(r, as_of, column=u != site.url) for u, r in results.items()}
    )
    await _framed_lists(f, site, pages, as_of)
    home = pages[site.url]
    obs = SiteObs(site=site, home=home, columns=[(c, pages[c.url]) for c in site.columns])
    verdict = check_site(obs, as_of, rules)
    out.findings.extend(verdict.findings)
    out.withheld.update((site.id, code) for code in verdict.withheld)
    out.sites += 1
    out.columns += len(site.columns)
    out.extraction_failed += int(verdict.extraction_failed)
    out.pages_failed += sum(1 for p in pages.values() if not p.ok)

    def listing_extra(p: PageObs) -> dict[str, Any]:
        lst = p.listing
        if lst is None:
            return {}
        if lst.not_found:  # a soft 404 is recorded as the failed fetch it is
            return {"ok": False, "error": "soft-404", "meta": {"soft_404": True}}
        return {"newest_date": lst.newest_date, "item_count": lst.item_count, "dated_count": lst.dated_count,
                "meta": {"blank": lst.blank, "blank_reason": lst.blank_reason}}  # fmt: skip

    out.observations.append(
        _obs_row(as_of, run_kind, "site", site.id, site.id, results[site.url], **listing_extra(home))
    )
    for col in site.columns:
        tid = f"{site.id}/{col.id}"
        page = pages[col.url]
        out.observations.append(
            _obs_row(as_of, run_kind, "column", tid, site.id, results[col.url], **listing_extra(page))
        )
        if page.listing is not None and not page.listing.blank:
            for it in page.listing.items:
                out.items.append({
                    "target_type": "column", "target_id": tid, "site_id": site.id, "unit_id": site.unit,
                    "url": it.url, "title": it.title, "pub_date": it.date if it.date and it.date <= as_of else None,
                })  # fmt: skip


async def _account(
    f: Fetcher, acc: Account, as_of: date, rules: Rules, run_kind: str, out: _Collected
) -> None:
    urls = [acc.feed_url] + [u for u in (acc.menu_url, acc.interaction_url) if u]
    res = await f.get_many(urls)
    out.accounts += 1
    feed_r = res[acc.feed_url]
    feed_meta: dict[str, Any] = {}
    newest = None
    count = None
    if feed_r.ok:
        try:
            feed = parse_feed(feed_r.body, feed_r.content_type)
        except FeedError as exc:
            feed = None
            feed_meta["error"] = str(exc)[:300]
        if feed is not None:
            out.feed_ok.add(acc.id)
            out.findings.extend(feed_findings(acc, feed, as_of, rules))
            dated = [p.date for p in feed.posts if p.date and p.date <= as_of]
            newest = max(dated) if dated else None
            count = len(feed.posts)
            for p in feed.posts:
                out.items.append({
                    "target_type": "account", "target_id": acc.id, "site_id": None, "unit_id": acc.unit,
                    "url": p.url, "title": p.title, "pub_date": p.date if p.date and p.date <= as_of else None,
                })  # fmt: skip
    if acc.id not in out.feed_ok:
        out.accounts_unchecked.append(acc.id)
    out.observations.append(
        _obs_row(
            as_of,
            run_kind,
            "feed",
            acc.id,
            None,
            feed_r,
            newest_date=newest,
            item_count=count,
            meta=feed_meta,
        )
    )

    if any(r.error == "blocked-private" for r in res.values()):
        # Never asked (private address while GOVWATCH_ALLOW_PRIVATE is off): the channel is not judged.
        out.interaction_unjudged.add(acc.id)
        return
    check = InteractionCheck()
    words = list(rules.get("media.interaction_words", []))
    excluded = list(
        rules.get("media.interaction_excluded_words", rules.get("interaction.excluded_words", []))
    )
    if acc.menu_url:
        mr = res[acc.menu_url]
        menu_meta: dict[str, Any] = {}
        if not mr.ok:
            check.menu_error = mr.error or f"HTTP {mr.status}"
        else:
            try:
                menu = parse_menu(mr.body)
                services = list(rules.get("interaction.service_words", []))
                check.entries = interaction_entries(menu, words, excluded, services)
                menu_meta = {"open": menu.open, "entries": [e.name for e in check.entries]}
            except MenuError as exc:
                check.menu_error = str(exc)[:200]
        out.observations.append(_obs_row(as_of, run_kind, "menu", acc.id, None, mr, meta=menu_meta))
        for e in check.entries:
            if e.works_without_fetch:
                check.working.append(e.name)
                break
            if e.needs_url_check and e.url:
                lr = await f.get(e.url)
                soft = lr.ok and _soft_404(lr)
                bad = {"ok": False, "error": "soft-404"} if soft else {}
                out.observations.append(
                    _obs_row(as_of, run_kind, "link", acc.id, None, lr, meta={"menu": e.name}, **bad)
                )
                if lr.ok and not soft:
                    check.working.append(e.name)
                    break
                why = "页面不存在" if lr.ok else lr.error or f"HTTP {lr.status}"
                check.broken.append(f"{e.name}（{why}）")
            else:
                check.broken.append(f"{e.name}（{e.type or '无类型'} 类菜单不是有效互动渠道）")
    if acc.interaction_url and not check.working:
        ir = res[acc.interaction_url]
        soft = ir.ok and _soft_404(ir)
        check.interaction_url_ok = ir.ok and not soft
        if not check.interaction_url_ok:
            check.interaction_url_error = "页面不存在" if soft else ir.error or f"HTTP {ir.status}"
        bad = {"ok": False, "error": "soft-404"} if soft else {}
        out.observations.append(
            _obs_row(as_of, run_kind, "link", acc.id, None, ir, meta={"interaction_url": True}, **bad)
        )
    finding = interaction_finding(acc, check, rules)
    if finding is not None:
        out.findings.append(finding)


async def _collect(
    sites: list[Site], accounts: list[Account], as_of: date, rules: Rules, settings: Settings, run_kind: str
) -> _Collected:
    out = _Collected()
    gate = asyncio.Semaphore(SITES_IN_FLIGHT)

    async def bounded(coro: Any, what: str) -> None:
        async with gate:
            try:
                await coro
            except Exception:
                # One target's failure must not lose the others' results; its findings stay untouched.
                log.exception("column check of %s failed", what)
                out.errors.append(what)

    async with Fetcher(settings=settings, rules=rules) as f:
        tasks = [bounded(_site(f, s, as_of, rules, run_kind, out), s.id) for s in sites]
        tasks += [bounded(_account(f, a, as_of, rules, run_kind, out), a.id) for a in accounts]
        await asyncio.gather(*tasks)
    return out


def _select(
    store: Store, site_ids: list[str] | None, accounts: bool | list[str]
) -> tuple[list[Site], list[Account]]:
    reg = read_registry(store)
    if site_ids is None:
        sites = reg.sites
    else:
        known = {s.id: s for s in reg.sites}
        missing = [s for s in site_ids if s not in known]
        if missing:
            raise InputError(f"unknown or inactive site(s) / 未登记的网站: {', '.join(missing)}")
        sites = [known[s] for s in dict.fromkeys(site_ids)]
    if accounts is False:
        accs: list[Account] = []
    elif isinstance(accounts, list):
        by_id = {a.id: a for a in reg.accounts}
        missing = [a for a in accounts if a not in by_id]
        if missing:
            raise InputError(f"unknown or inactive account(s) / 未登记的政务新媒体: {', '.join(missing)}")
        accs = [by_id[a] for a in dict.fromkeys(accounts)]
    elif site_ids is None:
        accs = reg.accounts
    else:
        units = {s.unit for s in sites}
        accs = [a for a in reg.accounts if a.unit in units]
    return sites, accs


def run_column_check(
    as_of: date,
    site_ids: list[str] | None = None,
    *,
    accounts: bool | list[str] = True,
    store: Store | None = None,
    run_kind: str = "columns",
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Check home pages, columns and (``accounts``) new-media accounts for ``as_of``; returns counts.

    ``site_ids`` None: every active site (and, with ``accounts=True``, every active account); a list: those
    sites and the accounts of their units. ``accounts`` may also be an explicit list of account ids, or
    False for none. ``run_kind`` lets the monthly inspection reuse this runner under its own kind.
    """
    settings = settings or get_settings()
    rules = load_rules(settings)
    own_store = store is None
    st = store or open_store(settings)
    try:
        sites, accs = _select(st, site_ids, accounts)
        scope_ids = None if site_ids is None else sorted({s.id for s in sites})
        scope_name = scope_key(scope_ids) if scope_ids != [] else "no-sites"
        if isinstance(accounts, list):
            ids = ",".join(sorted(set(accounts)))
            scope_name += "+acc:" + hashlib.sha1(ids.encode()).hexdigest()[:12]
        elif accounts is False and site_ids is not None:
            scope_name += "-noacc"
        elif accounts is False:
            scope_name = "sites-only"
        if run_kind != "columns":
            scope_name = "column-check:" + scope_name  # keep apart from the calling run's own row
        run_id = start_run(st, run_kind, as_of, scope_name)
        try:
            out = asyncio.run(_collect(sites, accs, as_of, rules, settings, run_kind))
            stats = _persist(st, out, sites, accs, as_of, run_kind)
        except BaseException as exc:
            finish_run(st, run_id, {"error": f"{type(exc).__name__}: {exc}"[:500]}, status="failed")
            raise
        finish_run(st, run_id, stats)
        return stats
    finally:
        if own_store:
            st.close()


def run_account_check(
    as_of: date,
    account_ids: list[str] | None = None,
    *,
    store: Store | None = None,
    run_kind: str = "columns",
) -> dict[str, Any]:
    """The new-media part alone (feeds and menus of every active account, or of ``account_ids``)."""
    if account_ids is None:
        st = store or open_store()
        try:
            ids = [a.id for a in read_registry(st).accounts]
        finally:
            if store is None:
                st.close()
        account_ids = ids
    return run_column_check(as_of, [], accounts=list(account_ids), store=store, run_kind=run_kind)


def _persist(
    st: Store, out: _Collected, sites: list[Site], accs: list[Account], as_of: date, run_kind: str
) -> dict[str, Any]:
    record_observations(
        st, sorted(out.observations, key=lambda r: (r["target_type"], r["target_id"], r["url"]))
    )
    record_items(st, out.items, as_of)
    failed = set(out.errors)
    site_set = frozenset(s.id for s in sites if s.id not in failed)
    out.findings = [f for f in out.findings if (f.site_id or f.target_id) not in failed]
    accs = [a for a in accs if a.id not in failed]
    out.feed_ok -= failed
    by_group: dict[tuple[str, ...], list[Finding]] = {SITE_CHECKS: [], FEED_CHECKS: [], MENU_CHECKS: []}
    for f in out.findings:
        group = (
            SITE_CHECKS if f.check in SITE_CHECKS else FEED_CHECKS if f.check in FEED_CHECKS else MENU_CHECKS
        )
        by_group[group].append(f)
    counts: Counter[str] = Counter()
    if sites:
        c = record_findings(
            st, run_kind=run_kind, as_of=as_of, findings=by_group[SITE_CHECKS],
            scope=Scope(checks=frozenset(SITE_CHECKS), sites=site_set, accounts=frozenset(),
                        withheld=frozenset(out.withheld)),
        )  # fmt: skip
        counts.update(c)
    if accs:
        # An account whose feed could not be read is not judged on freshness: its findings stay as they were.
        c = record_findings(
            st, run_kind=run_kind, as_of=as_of, findings=by_group[FEED_CHECKS],
            scope=Scope(checks=frozenset(FEED_CHECKS), sites=frozenset(), accounts=frozenset(out.feed_ok)),
        )  # fmt: skip
        counts.update(c)
        c = record_findings(
            st, run_kind=run_kind, as_of=as_of, findings=by_group[MENU_CHECKS],
            scope=Scope(checks=frozenset(MENU_CHECKS), sites=frozenset(),
                        accounts=frozenset(a.id for a in accs if a.id not in out.interaction_unjudged)),
        )  # fmt: skip
        counts.update(c)
    by_check = Counter(f.check for f in out.findings)
    return {
        "as_of": as_of.isoformat(),
        "sites": out.sites,
        "columns": out.columns,
        "accounts": out.accounts,
        "pages_failed": out.pages_failed,
        "extraction_failed_sites": out.extraction_failed,
        "accounts_unchecked": sorted(out.accounts_unchecked),
        "errors": sorted(out.errors),
        "findings": dict(sorted(by_check.items())),
        "total": sum(by_check.values()),
        "store": dict(counts),
    }


def site_shards(
    max_shards: int, site_ids: list[str] | None = None, *, store: Store | None = None
) -> list[list[str]]:
    """Active sites split into at most ``max_shards`` lists balanced by pages (1 + columns) to fetch.

    Greedy longest-processing-time assignment; lists are sorted, and the result is deterministic for one
    registry. Never returns an empty list inside the result (fewer sites than shards → fewer shards).
    """
    if max_shards < 1:
        raise InputError("max_shards must be at least 1")
    st = store or open_store()
    try:
        rows = st.query(
            "SELECT s.id, 1 + count(c.id) AS pages FROM sites s"
            " LEFT JOIN columns c ON c.site_id = s.id AND c.active WHERE s.active GROUP BY s.id ORDER BY s.id"
        )
    finally:
        if store is None:
            st.close()
    if site_ids is not None:
        wanted = set(site_ids)
        rows = [r for r in rows if r["id"] in wanted]
    return balance([(r["id"], int(r["pages"])) for r in rows], max_shards)


def account_shards(max_shards: int, *, store: Store | None = None) -> list[list[str]]:
    """Active accounts split into at most ``max_shards`` lists of near-equal size."""
    st = store or open_store()
    try:
        ids = [r["id"] for r in st.query("SELECT id FROM accounts WHERE active ORDER BY id")]
    finally:
        if store is None:
            st.close()
    return balance([(i, 1) for i in ids], max_shards)


def balance(weighted: list[tuple[str, int]], max_shards: int) -> list[list[str]]:
    """Split (id, weight) pairs into at most ``max_shards`` lists with near-equal total weight."""
    n = min(max_shards, len(weighted))
    if n == 0:
        return []
    heap = [(0, i) for i in range(n)]
    shards: list[list[str]] = [[] for _ in range(n)]
    for ident, weight in sorted(weighted, key=lambda x: (-x[1], x[0])):
        load, i = heapq.heappop(heap)
        shards[i].append(ident)
        heapq.heappush(heap, (load + weight, i))
    return [sorted(s) for s in shards]
