"""Availability probes (``govwatch probe``, DAG ``availability_probe``) and their daily evaluation.

:func:`run_probe` makes one round over the active sites' home pages and records each probe in ``probes``
(success = a 2xx answer after redirects within ``availability.timeout_seconds``; one attempt, no retry:
a visitor does not retry either). :func:`evaluate_availability` judges ``site_unreachable`` from the
probes of the window and records it (run kind ``probe``).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from govwatch.checks.availability import judge_availability, probe_ok, probe_window
from govwatch.errors import InputError
from govwatch.findings import Finding
from govwatch.rules import Rules, load_rules
from govwatch.settings import TZ, get_settings
from govwatch.store.db import Store, open_store
from govwatch.store.findings import Scope, record_findings
from govwatch.store.runs import finish_run, scope_key, start_run

_INSERT = """
INSERT INTO probes (site_id, probed_at, ok, status, elapsed_ms, error)
VALUES (%s, %s, %s, %s, %s, %s)
ON CONFLICT (site_id, probed_at) DO UPDATE SET
    ok = EXCLUDED.ok, status = EXCLUDED.status, elapsed_ms = EXCLUDED.elapsed_ms, error = EXCLUDED.error
"""


def active_sites(store: Store, site_ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Active sites (id, name, url, unit_id, kind, has_services), optionally only ``site_ids``."""
    ids = sorted(set(site_ids)) if site_ids else None
    sql = "SELECT id, name, url, unit_id, kind, has_services FROM sites WHERE active"
    if ids:
        rows = store.query(sql + " AND id = ANY(%s) ORDER BY id", (ids,))
        missing = sorted(set(ids) - {r["id"] for r in rows})
        if missing:
            raise InputError(f"unknown or inactive site(s) / 未登记的网站: {', '.join(missing)}")
        return rows
    return store.query(sql + " ORDER BY id")


def _instant(at: datetime | None) -> datetime:
    if at is None:
        # A probe records when it happened: the one place the wall clock is the data itself. Full precision:
        # rounds started in quick succession are distinct probes, not one.
        return datetime.now(TZ)
    if at.tzinfo is None:
        at = at.replace(tzinfo=TZ)
    return at


async def _probe_all(urls: dict[str, str], rules: Rules) -> dict[str, Any]:
    from govwatch.fetch.client import Fetcher

    timeout = float(rules.get("availability.timeout_seconds", 15))
    fetcher = Fetcher(settings=get_settings(), rules=rules)
    fetcher.config = dataclasses.replace(
        fetcher.config, total_timeout=timeout, connect_timeout=min(fetcher.config.connect_timeout, timeout),
        retries=0, politeness_delay=0.0,
    )  # fmt: skip
    async with fetcher as f:
        # HEAD is not enough: some servers answer it while the page itself fails.
        results = await asyncio.gather(*(f.get(u) for u in urls.values()))
    return dict(zip(urls, results, strict=True))


def run_probe(
    at: datetime | None = None, site_ids: Iterable[str] | None = None, *, store: Store | None = None
) -> dict:
    """One availability round over the active sites' home pages, recorded at instant ``at`` (default: now).

    Idempotent on (site, instant): recording the same round again replaces its rows.
    """
    store = store or open_store()
    rules = load_rules()
    instant = _instant(at)
    sites = active_sites(store, site_ids)
    timeout = float(rules.get("availability.timeout_seconds", 15))
    results = asyncio.run(_probe_all({s["id"]: s["url"] for s in sites}, rules)) if sites else {}
    failed: list[str] = []
    with store.tx() as cur:
        for s in sites:
            r = results[s["id"]]
            ok = probe_ok(r.status, r.elapsed_ms, r.error, timeout)
            error = r.error or (
                None if ok else ("timeout" if r.status and r.elapsed_ms > timeout * 1000 else None)
            )
            cur.execute(_INSERT, (s["id"], instant, ok, r.status, r.elapsed_ms, error))
            if not ok:
                failed.append(s["id"])
    run_id = start_run(store, "probe", instant.astimezone(TZ).date(), scope_key(site_ids))
    stats = {"at": instant.isoformat(), "sites": len(sites), "ok": len(sites) - len(failed), "failed": failed}
    finish_run(store, run_id, stats)
    return stats


def availability_findings(
    store: Store, rules: Rules, as_of: date, sites: list[dict[str, Any]]
) -> tuple[list[Finding], dict[str, Any]]:
    """``site_unreachable`` findings (veto / warn) for ``sites`` from the probes of the window."""
    days = int(rules.get("availability.window_days", 7))
    start, end = probe_window(as_of, days)
    ids = [s["id"] for s in sites]
    rows = store.query(
        "SELECT site_id, probed_at, ok, status, error FROM probes"
        " WHERE site_id = ANY(%s) AND probed_at >= %s AND probed_at < %s ORDER BY site_id, probed_at",
        (ids, start, end),
    )
    by_site: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    for r in rows:
        by_site[r["site_id"]].append(r)
    findings: list[Finding] = []
    stats: dict[str, Any] = {
        "sites": len(sites),
        "vetoed": 0,
        "warned": 0,
        "unmonitored": [],
        "window": [start.isoformat(), end.isoformat()],
    }
    for s in sites:
        f, st = judge_availability(
            rules, by_site[s["id"]], site_id=s["id"], unit_id=s["unit_id"], site_url=s["url"]
        )
        if st["probes"] == 0:
            stats["unmonitored"].append(s["id"])
        if f is not None:
            findings.append(f)
            stats["vetoed" if f.severity == "veto" else "warned"] += 1
    return findings, stats


def evaluate_availability(
    as_of: date, site_ids: Iterable[str] | None = None, *, store: Store | None = None
) -> dict:
    """Judge and record ``site_unreachable`` for ``as_of`` (run kind ``probe``); returns counts.

    Sites without any probe in the window get no finding and are listed under ``unmonitored``.
    """
    store = store or open_store()
    rules = load_rules()
    sites = active_sites(store, site_ids)
    findings, stats = availability_findings(store, rules, as_of, sites)
    scope = Scope(
        checks=frozenset({"site_unreachable"}),
        sites=frozenset(site_ids) if site_ids else None,
        accounts=frozenset(),
    )
    run_id = start_run(store, "availability", as_of, scope_key(site_ids))
    stats["recorded"] = record_findings(store, run_kind="probe", as_of=as_of, scope=scope, findings=findings)
    finish_run(store, run_id, stats)
    return stats
