"""Observations (every fetch a check makes) and items (list entries and posts with their dates).

Both are upserts on their unique keys, written so that re-running a check for the same as-of date over an
unchanged web changes nothing: an observation row keeps its first ``fetched_at`` / ``elapsed_ms`` unless
what was observed differs; an item's ``first_seen`` / ``last_seen`` only widen.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import psycopg2.extras

from govwatch.masking import scrub
from govwatch.store.db import Store

_OBS_COLS = (
    "run_kind", "as_of", "target_type", "target_id", "site_id", "url", "final_url", "status", "ok", "elapsed_ms",
    "bytes", "encoding", "newest_date", "item_count", "dated_count", "error", "fetched_at", "meta",
)  # fmt: skip
_OBS_SUBSTANCE = ("site_id", "final_url", "status", "ok", "bytes", "encoding", "newest_date", "item_count",
                  "dated_count", "error", "meta")  # fmt: skip

_OBS_SQL = f"""
INSERT INTO observations ({", ".join(_OBS_COLS)}) VALUES %s
ON CONFLICT (run_kind, as_of, target_type, target_id, url) DO UPDATE SET
    {", ".join(f"{c} = EXCLUDED.{c}" for c in (*_OBS_SUBSTANCE, "elapsed_ms", "fetched_at"))}
WHERE ({", ".join(f"observations.{c}" for c in _OBS_SUBSTANCE)})
      IS DISTINCT FROM ({", ".join(f"EXCLUDED.{c}" for c in _OBS_SUBSTANCE)})
"""

_ITEM_SQL = """
INSERT INTO items (target_type, target_id, site_id, unit_id, url, title, pub_date, first_seen, last_seen)
VALUES %s
ON CONFLICT (target_type, target_id, url) DO UPDATE SET
    site_id = EXCLUDED.site_id, unit_id = EXCLUDED.unit_id,
    title = CASE WHEN EXCLUDED.title <> '' THEN EXCLUDED.title ELSE items.title END,
    pub_date = COALESCE(EXCLUDED.pub_date, items.pub_date),
    first_seen = LEAST(items.first_seen, EXCLUDED.first_seen),
    last_seen = GREATEST(items.last_seen, EXCLUDED.last_seen)
WHERE (items.site_id, items.unit_id, items.title, items.pub_date, items.first_seen, items.last_seen)
      IS DISTINCT FROM (EXCLUDED.site_id, EXCLUDED.unit_id,
                        CASE WHEN EXCLUDED.title <> '' THEN EXCLUDED.title ELSE items.title END,
                        COALESCE(EXCLUDED.pub_date, items.pub_date),
                        LEAST(items.first_seen, EXCLUDED.first_seen), GREATEST(items.last_seen, EXCLUDED.last_seen))
"""


def record_observations(store: Store, rows: Iterable[dict[str, Any]]) -> int:
    """Upsert observation rows (dicts with the ``observations`` columns); returns rows written."""
    values = []
    seen: set[tuple[Any, ...]] = set()
    for r in rows:
        key = (r["run_kind"], r["as_of"], r["target_type"], r["target_id"], r["url"])
        if key in seen:
            continue
        seen.add(key)
        row = dict(r)
        row.setdefault("fetched_at", datetime.now().astimezone())
        # Page text may hold personal data: what is stored is masked (contract §4).
        row["meta"] = scrub(json.dumps(row.get("meta") or {}, ensure_ascii=False, sort_keys=True))
        values.append(tuple(row.get(c) for c in _OBS_COLS))
    if not values:
        return 0
    with store.tx() as cur:
        psycopg2.extras.execute_values(cur, _OBS_SQL, values, template="(" + ", ".join(
            "%s::jsonb" if c == "meta" else "%s" for c in _OBS_COLS) + ")", page_size=500)  # fmt: skip
        return cur.rowcount


def record_items(store: Store, rows: Iterable[dict[str, Any]], as_of: date) -> int:
    """Upsert items (target_type, target_id, site_id, unit_id, url, title, pub_date) seen on ``as_of``."""
    values = {}
    for r in rows:
        if not r.get("url"):
            continue
        key = (r["target_type"], r["target_id"], r["url"][:2000])
        if key in values:
            continue
        values[key] = (
            r["target_type"], r["target_id"], r.get("site_id"), r.get("unit_id"), r["url"][:2000],
            scrub(r.get("title") or "")[:500], r.get("pub_date"), as_of, as_of,
        )  # fmt: skip
    if not values:
        return 0
    with store.tx() as cur:
        psycopg2.extras.execute_values(
            cur, _ITEM_SQL, sorted(values.values(), key=lambda v: v[:5]), page_size=500
        )
        return cur.rowcount


def monthly_item_counts(
    store: Store, start: date, end: date, *, target_type: str = "column"
) -> list[dict[str, Any]]:
    """Items dated in [start, end] per target and month (the 更新条数 tables): unit_id, site_id, target_id,
    month (YYYY-MM), n."""
    return store.query(
        "SELECT unit_id, site_id, target_id, to_char(pub_date, 'YYYY-MM') AS month, count(*)::int AS n"
        " FROM items WHERE target_type = %s AND pub_date BETWEEN %s AND %s"
        " GROUP BY unit_id, site_id, target_id, month ORDER BY unit_id, site_id, target_id, month",
        (target_type, start, end),
    )
