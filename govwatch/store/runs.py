"""Runs: one row per (kind, as-of, scope), so re-running a task for the same date updates its row."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date
from typing import Any

from govwatch.store.db import Store


def scope_key(site_ids: Iterable[str] | None) -> str:
    """'*' for every site, else a short digest of the sorted site list (a shard)."""
    if not site_ids:
        return "*"
    ids = sorted(set(site_ids))
    return "sites:" + hashlib.sha1(",".join(ids).encode()).hexdigest()[:12]


def start_run(store: Store, kind: str, as_of: date, scope: str = "*") -> int:
    rows = store.query(
        "INSERT INTO runs (kind, as_of, scope) VALUES (%s, %s, %s)"
        " ON CONFLICT (kind, as_of, scope) DO UPDATE SET started_at = now(), finished_at = NULL,"
        " status = 'running' RETURNING id",
        (kind, as_of, scope),
    )
    return int(rows[0]["id"])


def finish_run(store: Store, run_id: int, stats: dict[str, Any], status: str = "done") -> None:
    store.execute(
        "UPDATE runs SET finished_at = now(), status = %s, stats = %s WHERE id = %s",
        (status, json.dumps(stats, ensure_ascii=False, default=str), run_id),
    )
