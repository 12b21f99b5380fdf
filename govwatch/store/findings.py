"""The finding lifecycle: the one place where findings are written.

A run of one kind (``columns``, ``inspect``, ``probe``) for one as-of date examines a *scope* — some check
codes over some sites and accounts — and reports the findings it saw. :func:`record_findings` makes the
store agree with that, idempotently:

* each finding is one row per (target, check, evidence key); what the run saw is a *sighting*
  (finding, as-of, run kind); ``first_seen`` / ``last_seen`` are the first and last sightings;
* re-running the same kind for the same date replaces that date's sightings, so it changes nothing when
  it sees the same things;
* an open finding in scope that the run no longer sees, last seen before the as-of date, becomes
  ``rectified`` on that date; one that was rectified and is seen again is reopened and counted as a
  recurrence (``recurrences``, ``finding_events``);
* a site whose column findings are withheld (``extraction_failed``) keeps its column findings as they
  were: withheld is neither seen nor rectified.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from govwatch.findings import Finding
from govwatch.store.db import Store


@dataclass(frozen=True)
class Scope:
    """What a run examined. ``None`` for sites / accounts means every one of them."""

    checks: frozenset[str]
    sites: frozenset[str] | None = None
    accounts: frozenset[str] | None = None
    #: (site_id, check) pairs the run did not judge (their findings are left untouched).
    withheld: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    def covers(self, row: dict[str, Any]) -> bool:
        if row["check_code"] not in self.checks:
            return False
        if row["target_type"] == "account":
            return self.accounts is None or row["target_id"] in self.accounts
        site = row["site_id"]
        if (site, row["check_code"]) in self.withheld:
            return False
        return self.sites is None or site in self.sites


_UPSERT = """
INSERT INTO findings (check_code, severity, points, indicator, target_type, target_id, site_id, unit_id,
                      evidence_key, evidence_url, evidence, first_seen, last_seen, status)
VALUES (%(check)s, %(severity)s, %(points)s, %(indicator)s, %(target_type)s, %(target_id)s, %(site_id)s,
        %(unit_id)s, %(evidence_key)s, %(evidence_url)s, %(evidence)s, %(as_of)s, %(as_of)s, 'open')
ON CONFLICT (target_type, target_id, check_code, evidence_key) DO UPDATE SET
    severity = EXCLUDED.severity, points = EXCLUDED.points, indicator = EXCLUDED.indicator,
    site_id = EXCLUDED.site_id, unit_id = EXCLUDED.unit_id,
    evidence_url = EXCLUDED.evidence_url, evidence = EXCLUDED.evidence,
    updated_at = CASE WHEN (findings.severity, findings.points, findings.evidence, findings.evidence_url)
                        IS DISTINCT FROM (EXCLUDED.severity, EXCLUDED.points, EXCLUDED.evidence,
                                          EXCLUDED.evidence_url)
                      THEN now() ELSE findings.updated_at END
RETURNING id, status, rectified_on, (xmax = 0) AS inserted
"""


def record_findings(
    store: Store, *, run_kind: str, as_of: date, scope: Scope, findings: Iterable[Finding]
) -> dict[str, int]:
    """Reconcile the store with what one run saw; returns counts (new, seen, reopened, rectified)."""
    seen: dict[tuple[str, str, str, str], Finding] = {}
    for f in findings:
        if f.check not in scope.checks:
            raise ValueError(f"finding {f.check} outside the run's scope {sorted(scope.checks)}")
        # Two findings with one key in one run: keep the more severe (veto > deduct > warn).
        prev = seen.get(f.key)
        if prev is None or _rank(f.severity) > _rank(prev.severity):
            seen[f.key] = f
    counts = {"new": 0, "seen": 0, "reopened": 0, "rectified": 0}
    with store.tx() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(4711002)")
        # 1. Forget this kind's sightings for this date within scope: the run replaces them.
        cur.execute(
            "SELECT f.id, f.check_code, f.target_type, f.target_id, f.site_id, f.status, f.rectified_on"
            " FROM findings f WHERE f.check_code = ANY(%s)",
            (sorted(scope.checks),),
        )
        in_scope = {r["id"]: dict(r) for r in cur.fetchall() if scope.covers(r)}
        if in_scope:
            cur.execute(
                "DELETE FROM finding_sightings WHERE as_of = %s AND run_kind = %s AND finding_id = ANY(%s)",
                (as_of, run_kind, list(in_scope)),
            )
        # 2. Upsert what was seen, with a sighting each.
        seen_ids: set[int] = set()
        for f in seen.values():
            params = {
                "check": f.check, "severity": f.severity, "points": f.points, "indicator": f.indicator,
                "target_type": f.target_type, "target_id": f.target_id, "site_id": f.site_id,
                "unit_id": f.unit_id, "evidence_key": f.evidence_key, "evidence_url": f.evidence_url,
                "evidence": f.evidence, "as_of": as_of,
            }  # fmt: skip
            cur.execute(_UPSERT, params)
            row = cur.fetchone()
            fid = row["id"]
            seen_ids.add(fid)
            cur.execute(
                "INSERT INTO finding_sightings (finding_id, as_of, run_kind) VALUES (%s, %s, %s)"
                " ON CONFLICT DO NOTHING",
                (fid, as_of, run_kind),
            )
            if row["inserted"]:
                counts["new"] += 1
                _event(cur, fid, as_of, "opened", run_kind)
            elif row["status"] == "rectified" and row["rectified_on"] is not None and row["rectified_on"] <= as_of:
                counts["reopened"] += 1
                cur.execute(
                    "UPDATE findings SET status = 'open', rectified_on = NULL, recurrences = recurrences + 1,"
                    " updated_at = now() WHERE id = %s",
                    (fid,),
                )
                _event(cur, fid, as_of, "reopened", run_kind)
            else:
                counts["seen"] += 1
        # 3. Open findings in scope that were not seen: rectified on this date, unless seen later.
        for fid, r in in_scope.items():
            if fid in seen_ids or r["status"] != "open":
                continue
            cur.execute("SELECT max(as_of) AS last FROM finding_sightings WHERE finding_id = %s", (fid,))
            last = cur.fetchone()["last"]
            if last is not None and last >= as_of:
                continue  # seen on this date by another kind of run, or later: a backfill does not rectify
            cur.execute(
                "UPDATE findings SET status = 'rectified', rectified_on = %s, updated_at = now() WHERE id = %s",
                (as_of, fid),
            )
            _event(cur, fid, as_of, "rectified", run_kind)
            counts["rectified"] += 1
        # 4. first_seen / last_seen follow the sightings.
        touched = list(seen_ids | set(in_scope))
        if touched:
            cur.execute(
                "UPDATE findings f SET first_seen = s.first, last_seen = s.last FROM ("
                "  SELECT finding_id, min(as_of) AS first, max(as_of) AS last FROM finding_sightings"
                "  WHERE finding_id = ANY(%s) GROUP BY finding_id) s"
                " WHERE f.id = s.finding_id AND (f.first_seen, f.last_seen) IS DISTINCT FROM (s.first, s.last)",
                (touched,),
            )
    return counts


def _rank(severity: str) -> int:
    return {"warn": 0, "deduct": 1, "veto": 2}[severity]


def _event(cur: Any, fid: int, as_of: date, event: str, run_kind: str) -> None:
    cur.execute(
        "INSERT INTO finding_events (finding_id, as_of, event, run_kind) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT DO NOTHING",
        (fid, as_of, event, run_kind),
    )


FINDING_COLUMNS = (
    "id", "check", "severity", "points", "target_type", "target_id", "site_id", "unit_id",
    "first_seen", "last_seen", "status", "evidence_url", "evidence",
)  # fmt: skip


def list_findings(
    store: Store, *, as_of: date | None = None, open_only: bool = False, checks: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """Findings as the contract's JSON objects (§4).

    With ``as_of``: the findings seen on that date (a sighting on it), plus those open on it that were
    first seen before and last seen on or after it. ``open_only`` keeps findings whose status is open.
    """
    where = ["true"]
    params: list[Any] = []
    if as_of is not None:
        where.append(
            "(EXISTS (SELECT 1 FROM finding_sightings s WHERE s.finding_id = f.id AND s.as_of = %s)"
            " OR (f.first_seen <= %s AND f.last_seen >= %s))"
        )
        params += [as_of, as_of, as_of]
    if open_only:
        where.append("f.status = 'open'")
    if checks:
        where.append("f.check_code = ANY(%s)")
        params.append(sorted(checks))
    rows = store.query(
        "SELECT f.id, f.check_code AS check, f.severity, f.points::float AS points, f.target_type,"
        " f.target_id, f.site_id, f.unit_id, f.first_seen, f.last_seen, f.status, f.rectified_on,"
        " f.recurrences, f.evidence_url, f.evidence, f.indicator"
        f" FROM findings f WHERE {' AND '.join(where)} ORDER BY f.id",
        params,
    )
    out = []
    for r in rows:
        r["first_seen"] = r["first_seen"].isoformat()
        r["last_seen"] = r["last_seen"].isoformat()
        r["rectified_on"] = r["rectified_on"].isoformat() if r["rectified_on"] else None
        out.append(r)
    return out


def findings_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=1)
