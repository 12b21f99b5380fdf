"""Scoring: per-site and per-account scores and 合格率 from the findings open on a date.

``run_scores(as_of)`` writes the ``scores`` table (idempotent: the date's rows are replaced) and returns
the totals; ``read_scores`` gives them back for the CLI and the notices; ``recurring_findings`` lists
problems that came back after having been rectified (同类问题多次出现).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from govwatch.rules import load_rules
from govwatch.scoring.compute import Score, pass_rate, score_account, score_site, totals
from govwatch.store.db import Store, open_store

__all__ = ["run_scores", "read_scores", "open_findings_on", "recurring_findings", "pass_rate"]

_OPEN_ON = """
SELECT f.id, f.check_code AS check, f.severity, f.points::float AS points, f.indicator, f.target_type,
       f.target_id, f.site_id, f.unit_id, f.evidence_key
FROM findings f
WHERE f.first_seen <= %(d)s
  AND COALESCE(
        (SELECT e.event FROM finding_events e
          WHERE e.finding_id = f.id AND e.as_of <= %(d)s
          ORDER BY e.as_of DESC, e.id DESC LIMIT 1),
        CASE WHEN f.status = 'open' THEN 'opened' END
      ) IN ('opened', 'reopened')
ORDER BY f.id
"""


def open_findings_on(store: Store, as_of: date) -> list[dict[str, Any]]:
    """Findings that were open on ``as_of`` (their last status event on or before it opened them)."""
    return store.query(_OPEN_ON, {"d": as_of})


def compute_scores(store: Store, as_of: date) -> tuple[list[Score], list[Score]]:
    rules = load_rules()
    sites = store.query("SELECT id, has_services FROM sites WHERE active ORDER BY id")
    accounts = store.query("SELECT id FROM accounts WHERE active ORDER BY id")
    by_site: dict[str, list[dict[str, Any]]] = {}
    by_account: dict[str, list[dict[str, Any]]] = {}
    for f in open_findings_on(store, as_of):
        if f["target_type"] == "account":
            by_account.setdefault(f["target_id"], []).append(f)
        elif f["site_id"]:
            by_site.setdefault(f["site_id"], []).append(f)
    site_scores = [
        score_site(rules, s["id"], by_site.get(s["id"], []), has_services=s["has_services"]) for s in sites
    ]
    account_scores = [score_account(rules, a["id"], by_account.get(a["id"], [])) for a in accounts]
    return site_scores, account_scores


def run_scores(as_of: date, *, store: Store | None = None) -> dict[str, Any]:
    """Score every active site and account on ``as_of`` and write ``scores``; returns totals and 合格率."""
    store = store or open_store()
    site_scores, account_scores = compute_scores(store, as_of)
    with store.tx() as cur:
        cur.execute("DELETE FROM scores WHERE as_of = %s", (as_of,))
        for s in (*site_scores, *account_scores):
            cur.execute(
                "INSERT INTO scores (as_of, target_type, target_id, score, vetoed, passed, details)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (
                    as_of,
                    s.target_type,
                    s.target_id,
                    s.score,
                    s.vetoed,
                    s.passed,
                    json.dumps(s.details, ensure_ascii=False, sort_keys=True),
                ),
            )
    return {"as_of": as_of.isoformat(), "sites": totals(site_scores), "accounts": totals(account_scores)}


def read_scores(as_of: date, *, store: Store | None = None) -> dict[str, Any]:
    """The scores written for ``as_of`` in the contract's JSON shape (``govwatch scores --format json``)."""
    store = store or open_store()
    rows = store.query(
        "SELECT s.target_type, s.target_id AS id, COALESCE(si.name, a.name, s.target_id) AS name,"
        " s.score::float AS score, s.vetoed, s.passed, s.details"
        " FROM scores s LEFT JOIN sites si ON s.target_type = 'site' AND si.id = s.target_id"
        " LEFT JOIN accounts a ON s.target_type = 'account' AND a.id = s.target_id"
        " WHERE s.as_of = %s ORDER BY s.target_type, s.target_id",
        (as_of,),
    )
    out: dict[str, Any] = {"as_of": as_of.isoformat(), "sites": [], "accounts": []}
    for r in rows:
        entry = {
            "id": r["id"],
            "name": r["name"],
            "score": r["score"],
            "vetoed": r["vetoed"],
            "passed": r["passed"],
            "vetoes": (r["details"] or {}).get("vetoes", []),
        }
        out["sites" if r["target_type"] == "site" else "accounts"].append(entry)

    def tot(items: list[dict[str, Any]]) -> dict[str, Any]:
        checked = len(items)
        passed = sum(1 for i in items if i["passed"])
        return {
            "checked": checked,
            "passed": passed,
            "vetoed": sum(1 for i in items if i["vetoed"]),
            "pass_rate": pass_rate(passed, checked),
        }

    out["totals"] = {"sites": tot(out["sites"]), "accounts": tot(out["accounts"])}
    return out


def recurring_findings(
    period_start: date, period_end: date, *, store: Store | None = None
) -> list[dict[str, Any]]:
    """Findings reopened (a rectified problem seen again) within [period_start, period_end]."""
    store = store or open_store()
    rows = store.query(
        "SELECT f.id, f.check_code AS check, f.severity, f.target_type, f.target_id, f.site_id, f.unit_id,"
        " f.evidence_url, f.evidence, f.recurrences, f.status, f.first_seen, max(e.as_of) AS reopened_on"
        " FROM findings f JOIN finding_events e ON e.finding_id = f.id AND e.event = 'reopened'"
        " WHERE e.as_of BETWEEN %s AND %s GROUP BY f.id ORDER BY f.unit_id, f.id",
        (period_start, period_end),
    )
    for r in rows:
        r["first_seen"] = r["first_seen"].isoformat()
        r["reopened_on"] = r["reopened_on"].isoformat()
    return rows
