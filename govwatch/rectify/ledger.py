"""The rectification ledger (整改台账): one item per veto / deduct finding of a unit.

States and how an item moves between them (every move is a row in ``rectification_events`` with its
actor and time):

* ``open``      — the finding is open and its due date (``found_on`` + N working days, rules
  ``rectification.due_working_days``) has not passed;
* ``overdue``   — open past its due date;
* ``reported``  — the unit says it is done (``govwatch rectify done ID --note``). A later check that still
  sees the problem (finding last seen after the report) rejects the report: back to open / overdue;
* ``verified``  — a later check no longer sees it (finding ``rectified``); 整改日期 = the finding's
  ``rectified_on``.

A finding that comes back after having been rectified (recurrence) reopens its item: a fresh due date
counted from the day it was seen again, ``recurrences`` incremented.

:func:`sync` is a pure function of the findings and the as-of date, so running it twice for the same date
changes nothing. It never moves an item backwards in time: a sync for an earlier date does not undo what a
later one decided.
"""

from __future__ import annotations

import getpass
from datetime import date
from pathlib import Path
from typing import Any

from govwatch.errors import InputError
from govwatch.rules import load_rules
from govwatch.settings import get_settings
from govwatch.store.db import Store, open_store
from govwatch.workdays import add_workdays

STATES = ("open", "reported", "verified", "overdue")
STATE_NAMES = {"open": "整改中", "reported": "已报整改", "verified": "已整改", "overdue": "逾期未整改"}
SYSTEM = "system"

LEDGER_HEADERS = {
    "seq": "序号",
    "target_name": "网站/政务新媒体名称",
    "problem": "主要存在问题",
    "unit_name": "主办单位",
    "found_on": "发现日期",
    "due_on": "整改期限",
    "verified_on": "整改日期",
    "state_name": "状态",
    "remark": "备注",
}


def due_working_days() -> int:
    return int(load_rules().get("rectification.due_working_days", 5))


def cli_actor() -> str:
    """Who acts at the command line: ``GOVWATCH_USER`` if set, else the login name."""
    user = get_settings().extra.get("GOVWATCH_USER")
    if user:
        return user
    try:
        return getpass.getuser()
    except Exception:  # no login name in a bare container: still record something honest
        return "cli"


_FINDINGS = """
SELECT f.id, f.unit_id, f.first_seen, f.last_seen, f.status, f.rectified_on, f.recurrences,
       r.finding_id AS item, r.state, r.found_on, r.due_on, r.reported_on, r.verified_on, r.reopened_on,
       r.recurrences AS item_recurrences,
       (SELECT max(e.as_of) FROM finding_events e WHERE e.finding_id = f.id AND e.event = 'reopened')
           AS reopened_at
FROM findings f
LEFT JOIN rectifications r ON r.finding_id = f.id
WHERE f.severity IN ('veto', 'deduct') AND f.unit_id IS NOT NULL AND f.first_seen <= %s
ORDER BY f.id
"""


def _event(cur: Any, fid: int, as_of: date, actor: str, frm: str | None, to: str, note: str | None) -> None:
    cur.execute(
        "INSERT INTO rectification_events (finding_id, actor, from_state, to_state, note, as_of)"
        " VALUES (%s, %s, %s, %s, %s, %s)",
        (fid, actor, frm, to, note, as_of),
    )


def sync_cursor(cur: Any, as_of: date) -> dict[str, int]:
    """:func:`sync` inside the caller's transaction (the reminder dry run rolls it back)."""
    n = due_working_days()
    counts = {"created": 0, "overdue": 0, "verified": 0, "reopened": 0, "rejected": 0, "unchanged": 0}
    cur.execute("SELECT pg_advisory_xact_lock(4711005)")
    cur.execute(_FINDINGS, (as_of,))
    for r in cur.fetchall():
        fid = r["id"]
        if r["item"] is None:
            if r["status"] == "rectified":
                if r["rectified_on"] is None or r["rectified_on"] > as_of:
                    continue
                # Found and fixed between two syncs: still a line of the ledger, with its 整改日期.
                state, verified = "verified", r["rectified_on"]
            else:
                state, verified = "open", None
            due = add_workdays(r["first_seen"], n)
            if state == "open" and as_of > due:
                state = "overdue"
            cur.execute(
                "INSERT INTO rectifications (finding_id, unit_id, found_on, due_on, state, verified_on,"
                " recurrences) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (fid, r["unit_id"], r["first_seen"], due, state, verified, r["recurrences"]),
            )
            _event(cur, fid, as_of, SYSTEM, None, state, "检查发现问题，列入整改台账")
            counts["created"] += 1
            continue
        state = r["state"]
        new: str | None = None
        note = ""
        changes: dict[str, Any] = {}
        if r["status"] == "rectified" and r["rectified_on"] is not None and r["rectified_on"] <= as_of:
            if state != "verified":
                new, note = "verified", f"{r['rectified_on'].isoformat()} 复查未再发现该问题"
                changes = {"verified_on": r["rectified_on"]}
                counts["verified"] += 1
        elif r["status"] == "open":
            reopened_at = r["reopened_at"]
            if state == "verified" and reopened_at is not None and reopened_at <= as_of:
                due = add_workdays(reopened_at, n)
                new = "overdue" if as_of > due else "open"
                note = f"{reopened_at.isoformat()} 复查再次发现该问题（反复出现）"
                changes = {
                    "reopened_on": reopened_at, "due_on": due, "verified_on": None, "reported_on": None,
                    "recurrences": r["recurrences"],
                }  # fmt: skip
                counts["reopened"] += 1
            elif state == "reported" and r["reported_on"] is not None and r["last_seen"] > r["reported_on"]:
                new = "overdue" if as_of > r["due_on"] else "open"
                note = f"{r['last_seen'].isoformat()} 复查仍发现该问题，整改报告未通过"
                changes = {"reported_on": None}
                counts["rejected"] += 1
            elif state == "open" and as_of > r["due_on"]:
                new, note = "overdue", f"超过整改期限 {r['due_on'].isoformat()}"
                counts["overdue"] += 1
        if new is None:
            counts["unchanged"] += 1
            continue
        sets = ", ".join(f"{k} = %({k})s" for k in changes)
        cur.execute(
            f"UPDATE rectifications SET state = %(state)s, {sets + ', ' if sets else ''}updated_at = now()"
            " WHERE finding_id = %(fid)s",
            {**changes, "state": new, "fid": fid},
        )
        _event(cur, fid, as_of, SYSTEM, state, new, note)
    return counts


def sync(as_of: date, *, store: Store | None = None) -> dict[str, int]:
    """Bring the ledger up to date with the findings as of ``as_of``; returns counts. Idempotent."""
    st = store or open_store()
    with st.tx() as cur:
        return sync_cursor(cur, as_of)


def report_done(
    item_id: int, note: str, *, as_of: date, actor: str | None = None, store: Store | None = None
) -> dict[str, Any]:
    """The unit says item ``item_id`` is rectified: state ``reported`` (awaiting a later check)."""
    st = store or open_store()
    actor = actor or cli_actor()
    with st.tx() as cur:
        cur.execute("SELECT * FROM rectifications WHERE finding_id = %s FOR UPDATE", (item_id,))
        row = cur.fetchone()
        if row is None:
            raise InputError(
                f"unknown ledger item {item_id} / 整改台账中没有编号为 {item_id} 的事项"
                "（编号见 `govwatch rectify list`）"
            )
        if row["state"] == "verified":
            raise InputError(
                f"ledger item {item_id} is already verified on {row['verified_on']} / "
                f"事项 {item_id} 已于 {row['verified_on']} 复查确认整改，无需再报"
            )
        cur.execute(
            "UPDATE rectifications SET state = 'reported', reported_on = %s, report_note = %s,"
            " updated_at = now() WHERE finding_id = %s",
            (as_of, note, item_id),
        )
        _event(cur, item_id, as_of, actor, row["state"], "reported", note or "单位报告已整改")
    return {"id": item_id, "from": row["state"], "to": "reported", "actor": actor}


_LIST = """
SELECT r.finding_id AS id, r.unit_id, u.name AS unit_name, r.found_on, r.due_on, r.state, r.reported_on,
       r.report_note, r.verified_on, r.reopened_on, r.recurrences,
       f.check_code AS check, f.severity, f.target_type, f.target_id, f.site_id, f.evidence, f.evidence_url,
       f.last_seen, f.status AS finding_status,
       COALESCE(a.name, s.name, f.target_id) AS site_name, c.name AS column_name
FROM rectifications r
JOIN findings f ON f.id = r.finding_id
LEFT JOIN units u ON u.id = r.unit_id
LEFT JOIN sites s ON s.id = f.site_id
LEFT JOIN accounts a ON f.target_type = 'account' AND a.id = f.target_id
LEFT JOIN columns c ON f.target_type = 'column' AND c.site_id = f.site_id
                   AND f.target_id = c.site_id || '/' || c.id
WHERE (%(unit)s::text IS NULL OR r.unit_id = %(unit)s) AND (%(state)s::text IS NULL OR r.state = %(state)s)
ORDER BY r.unit_id, r.found_on, r.finding_id
"""


def list_items(
    *, unit: str | None = None, state: str | None = None, store: Store | None = None
) -> list[dict[str, Any]]:
    """Ledger items (JSON-able) with the names a reader needs."""
    if state is not None and state not in STATES:
        raise InputError(f"unknown state {state!r} / 状态应为 {', '.join(STATES)} 之一")
    st = store or open_store()
    rules = load_rules()
    out = []
    for r in st.query(_LIST, {"unit": unit, "state": state}):
        try:
            title = rules.title(r["check"])
        except KeyError:
            title = r["check"]
        target = r["site_name"] or r["target_id"]
        if r["column_name"]:
            target = f"{target}「{r['column_name']}」栏目"
        item = {
            "id": r["id"], "unit_id": r["unit_id"], "unit_name": r["unit_name"] or r["unit_id"],
            "check": r["check"], "title": title, "severity": r["severity"],
            "target_type": r["target_type"], "target_id": r["target_id"], "site_id": r["site_id"],
            "target_name": r["site_name"] or r["target_id"], "target": target,
            "evidence": r["evidence"], "evidence_url": r["evidence_url"],
            "found_on": r["found_on"].isoformat(), "due_on": r["due_on"].isoformat(),
            "state": r["state"], "state_name": STATE_NAMES[r["state"]],
            "reported_on": r["reported_on"].isoformat() if r["reported_on"] else None,
            "report_note": r["report_note"],
            "verified_on": r["verified_on"].isoformat() if r["verified_on"] else None,
            "reopened_on": r["reopened_on"].isoformat() if r["reopened_on"] else None,
            "recurrences": r["recurrences"],
        }  # fmt: skip
        out.append(item)
    return out


def events(item_id: int, *, store: Store | None = None) -> list[dict[str, Any]]:
    st = store or open_store()
    return st.query(
        "SELECT id, at, as_of, actor, from_state, to_state, note FROM rectification_events"
        " WHERE finding_id = %s ORDER BY id",
        (item_id,),
    )


def _remark(item: dict[str, Any]) -> str:
    parts = []
    if item["recurrences"]:
        parts.append(f"反复出现{item['recurrences']}次")
    if item["reported_on"]:
        parts.append(
            f"{item['reported_on']}单位报告已整改"
            + (f"：{item['report_note']}" if item["report_note"] else "")
        )
    if item["evidence_url"]:
        parts.append(item["evidence_url"])
    return "；".join(parts)


def ledger_xlsx(items: list[dict[str, Any]], path: Path) -> Path:
    """The ledger as an Excel sheet with the Chinese headers of the provincial ledgers."""
    from govwatch.exports import write_xlsx

    rows = []
    for i, it in enumerate(items, start=1):
        problem = f"{it['title']}：{it['evidence']}" if it["evidence"] else it["title"]
        if it["target"] != it["target_name"]:
            problem = f"{it['target']} {problem}"
        rows.append({**it, "seq": i, "problem": problem, "remark": _remark(it)})
    return write_xlsx(rows, LEDGER_HEADERS, path, "整改台账")
