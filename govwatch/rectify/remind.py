"""Deadline reminders and overdue escalations, written to the outbox (never sent from here).

On a working day a ledger item that is open or overdue triggers:

* ``reminder`` — on the working day before its due date;
* ``due`` — on its due date;
* ``overdue`` — on every working day after it;
* ``escalation`` — to the parent unit's contacts, once it is ``rectification.escalate_after_working_days``
  (default 3) working days past due, on every working day after that.

All of a unit's triggered items go into ONE message per unit, channel and day (its kind is the most
urgent one among them); a parent gets one escalation message per channel and day listing every overdue
subordinate. The outbox's dedup key ``unit|kind|day|channel`` makes a second run on the same day add
nothing. SMS are never due between 21:00 and 08:00 Asia/Shanghai: their ``not_before`` moves to 08:00.
``now`` is the run's logical time (the DAG passes it; the default is 08:30 of the as-of date), never the
wall clock, so that a run is reproducible.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from govwatch.masking import scrub
from govwatch.notify.render import render, short_date, sms_segments
from govwatch.rectify.ledger import list_items, sync_cursor
from govwatch.rules import load_rules
from govwatch.settings import TZ, get_settings
from govwatch.store.db import Store, open_store
from govwatch.store.runs import finish_run, start_run
from govwatch.workdays import is_workday, previous_workday, workdays_between

log = logging.getLogger(__name__)

KIND_RANK = {"reminder": 0, "due": 1, "overdue": 2}
KIND_NAMES = {"reminder": "即将到期", "due": "今日到期", "overdue": "已逾期", "escalation": "逾期督办"}
QUIET_START = time(21, 0)
QUIET_END = time(8, 0)
SENDER = "政府网站与政务新媒体检查工作组"


class _DryRun(Exception):
    """Raised inside the transaction of a dry run so that nothing it wrote is kept."""


def sms_not_before(now: datetime) -> datetime:
    """``now`` unless it falls in the quiet hours (21:00–08:00 Asia/Shanghai): then the next 08:00."""
    local = now.astimezone(TZ)
    if QUIET_END <= local.time() < QUIET_START:
        return local
    day = local.date() if local.time() < QUIET_END else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_END, tzinfo=TZ)


def item_kind(due_on: date, as_of: date) -> str | None:
    """Which reminder an item due on ``due_on`` triggers on the working day ``as_of`` (None: none)."""
    if as_of > due_on:
        return "overdue"
    if as_of == due_on:
        return "due"
    if previous_workday(due_on) == as_of:
        return "reminder"
    return None


def _contacts(cur: Any) -> dict[str, list[dict[str, Any]]]:
    cur.execute(
        "SELECT unit_id, name, email, mobile, role FROM contacts"
        " ORDER BY unit_id, (role = 'primary') DESC, seq"
    )
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in cur.fetchall():
        out[r["unit_id"]].append(dict(r))
    return out


def email_recipients(contacts: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Every contact with an e-mail address, primary contacts first."""
    return [{"name": c["name"], "email": c["email"].strip()} for c in contacts if (c["email"] or "").strip()]


def sms_recipients(contacts: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The primary contacts' mobiles; if no primary contact has one, the first mobile listed."""
    with_mobile = [c for c in contacts if (c["mobile"] or "").strip()]
    chosen = [c for c in with_mobile if c["role"] == "primary"] or with_mobile[:1]
    return [{"name": c["name"], "mobile": c["mobile"].strip()} for c in chosen]


def _message_bodies(
    kind: str, unit_name: str, items: list[dict[str, Any]], as_of: date, extra: dict[str, Any]
) -> dict[str, Any]:
    due = min(date.fromisoformat(i["due_on"]) for i in items)
    count = len(items)
    if kind == "escalation":
        intro = (
            f"下列下属单位的 {count} 项整改事项已超过整改期限 {extra['days']} 个工作日以上仍未整改，"
            "请督促相关单位立即整改。"
        )
        subject = f"【逾期督办】{unit_name}：下属单位{count}项整改事项逾期未整改"
        sms_ctx = {"unit": unit_name, "child": extra["children"][0], "n_units": len(extra["children"]),
                   "count": count, "days": extra["days"], "due": short_date(due)}  # fmt: skip
    else:
        phrase = {"reminder": f"将于{due.isoformat()}到期", "due": "今日到期", "overdue": "已逾期未整改"}[
            kind
        ]
        intro = f"贵单位有 {count} 项网站与政务新媒体检查发现的问题需要整改，其中最早的整改期限为 {due.isoformat()}（{KIND_NAMES[kind]}）。"
        subject = f"【整改提醒】{unit_name}：{count}项整改事项{phrase}"
        sms_ctx = {"unit": unit_name, "count": count, "due": short_date(due)}
    ctx = {"unit_name": unit_name, "intro": intro, "items": items, "subject": subject, "sender": SENDER,
           "day": as_of.isoformat()}  # fmt: skip
    sms = render(f"sms/{kind}.txt.j2", **sms_ctx)
    return {
        "subject": scrub(subject),
        "text": render("mail/reminder.txt.j2", **ctx),
        "html": render("mail/reminder.html.j2", **ctx),
        "sms": sms,
        "segments": sms_segments(sms),
        # Provider templates (Aliyun / Tencent) get the same facts as named / positional parameters.
        "template_params": {"unit": sms_ctx["unit"], "count": str(count), "due": sms_ctx["due"]},
        "due": due,
        "count": count,
    }


def plan_messages(
    items: list[dict[str, Any]],
    contacts: dict[str, list[dict[str, Any]]],
    units: dict[str, dict[str, Any]],
    as_of: date,
    now: datetime,
    *,
    escalate_after: int,
    webhook: bool,
) -> tuple[list[dict[str, Any]], list[str]]:
    """The outbox rows for one day: pure, so that the grouping rules are testable without a database."""
    per_unit: dict[str, list[dict[str, Any]]] = defaultdict(list)
    escalate: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for it in items:
        if it["state"] not in ("open", "overdue"):
            continue
        due = date.fromisoformat(it["due_on"])
        kind = item_kind(due, as_of)
        if kind is None:
            continue
        per_unit[it["unit_id"]].append({**it, "kind": kind, "kind_name": KIND_NAMES[kind]})
        if kind == "overdue" and workdays_between(due, as_of) >= escalate_after:
            parent = (units.get(it["unit_id"]) or {}).get("parent_id")
            if parent and parent != it["unit_id"]:
                escalate[parent].append({**it, "kind": "escalation", "kind_name": KIND_NAMES["escalation"]})
    groups: list[tuple[str, str, list[dict[str, Any]], dict[str, Any]]] = []
    for unit_id, its in sorted(per_unit.items()):
        kind = max((i["kind"] for i in its), key=KIND_RANK.__getitem__)
        groups.append((unit_id, kind, its, {}))
    for parent, its in sorted(escalate.items()):
        children: list[str] = []
        for i in its:
            name = (units.get(i["unit_id"]) or {}).get("name") or i["unit_id"]
            if name not in children:
                children.append(name)
        for i in its:  # the parent needs to see whose item it is
            i["target"] = f"{(units.get(i['unit_id']) or {}).get('name') or i['unit_id']} {i['target']}"
        groups.append((parent, "escalation", its, {"children": children, "days": escalate_after}))
    messages: list[dict[str, Any]] = []
    missing: list[str] = []
    day = as_of.isoformat()
    for unit_id, kind, its, extra in groups:
        unit_name = (units.get(unit_id) or {}).get("name") or unit_id
        bodies = _message_bodies(kind, unit_name, its, as_of, extra)
        cs = contacts.get(unit_id, [])
        channels: list[tuple[str, list[dict[str, str]]]] = [
            ("email", email_recipients(cs)), ("sms", sms_recipients(cs)),
        ]  # fmt: skip
        if webhook:
            channels.append(("webhook", []))
        if not any(r for ch, r in channels if ch != "webhook"):
            missing.append(unit_id)
        for channel, recipients in channels:
            if channel != "webhook" and not recipients:
                continue
            sms = channel == "sms"
            messages.append({
                "dedup_key": f"{unit_id}|{kind}|{day}|{channel}",
                "channel": channel, "kind": kind, "unit_id": unit_id, "unit_name": unit_name, "day": as_of,
                "recipients": recipients,
                "subject": bodies["subject"],
                "body_text": bodies["sms"] if sms else bodies["text"] if channel == "email"
                else f"{bodies['subject']}\n\n{bodies['text']}",
                "body_html": bodies["html"] if channel == "email" else None,
                "not_before": sms_not_before(now) if sms else now,
                "segments": bodies["segments"] if sms else None,
                "meta": {"template_params": bodies["template_params"], "items": [i["id"] for i in its]},
                "items": len(its),
            })  # fmt: skip
    return messages, missing


_INSERT = """
INSERT INTO outbox (dedup_key, channel, kind, unit_id, day, recipients, subject, body_text, body_html,
                    not_before, segments, meta)
VALUES (%(dedup_key)s, %(channel)s, %(kind)s, %(unit_id)s, %(day)s, %(recipients)s, %(subject)s,
        %(body_text)s, %(body_html)s, %(not_before)s, %(segments)s, %(meta)s)
ON CONFLICT (dedup_key) DO NOTHING
RETURNING id
"""


def run_reminders(
    as_of: date,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
    store: Store | None = None,
    deliver_by: datetime | None = None,
) -> dict[str, Any]:
    """Sync the ledger, then queue the day's reminders and escalations in the outbox; returns counts.

    ``dry_run`` computes the same messages and writes nothing (not even the ledger sync). ``now`` is the
    run's logical time (default 08:30 of ``as_of``): it decides the SMS quiet hours and the messages'
    ``not_before``. ``deliver_by`` caps ``not_before``: the command line passes the wall clock when it
    reminds for a date still to come (a rehearsal, a demo), so that the next flush delivers it.
    """
    st = store or open_store()
    if now is None:
        now = datetime.combine(as_of, time(8, 30), tzinfo=TZ)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=TZ)
    rules = load_rules()
    escalate_after = int(rules.get("rectification.escalate_after_working_days", 3))
    result: dict[str, Any] = {"as_of": as_of.isoformat(), "dry_run": dry_run, "workday": is_workday(as_of),
                              "queued": 0, "existing": 0, "messages": [], "no_contacts": []}  # fmt: skip
    run_id = None if dry_run else start_run(st, "remind", as_of)
    try:
        with st.tx() as cur:
            result["ledger"] = sync_cursor(cur, as_of)
            if dry_run:
                # The dry run must see the ledger as the real run would, then forget it.
                result["_items"] = _items_in_tx(cur)
                raise _DryRun
    except _DryRun:
        pass
    items = result.pop("_items") if dry_run else list_items(store=st)
    if not result["workday"]:
        log.info("%s is not a working day: no reminders", as_of)
        result["note"] = "非工作日，不发送提醒 / not a working day: nothing to remind"
        if run_id is not None:
            finish_run(st, run_id, _stats(result))
        return result
    units = {r["id"]: r for r in st.query("SELECT id, name, parent_id FROM units")}
    with st.tx() as cur:
        contacts = _contacts(cur)
    messages, missing = plan_messages(
        items, contacts, units, as_of, now, escalate_after=escalate_after,
        webhook=bool(get_settings().webhook_url),
    )  # fmt: skip
    if deliver_by is not None:
        for m in messages:
            m["not_before"] = min(m["not_before"], deliver_by)
    result["no_contacts"] = missing
    for unit in missing:
        log.warning("unit %s has reminders due but no contact with an e-mail or mobile", unit)
    if dry_run:
        existing = {
            r["dedup_key"]
            for r in st.query(
                "SELECT dedup_key FROM outbox WHERE dedup_key = ANY(%s)",
                ([m["dedup_key"] for m in messages],),
            )
        }
        for m in messages:
            m["new"] = m["dedup_key"] not in existing
    else:
        with st.tx() as cur:
            for m in messages:
                params = {**m, "recipients": json.dumps(m["recipients"], ensure_ascii=False),
                          "meta": json.dumps(m["meta"], ensure_ascii=False)}  # fmt: skip
                cur.execute(_INSERT, params)
                row = cur.fetchone()
                m["new"] = row is not None
                m["id"] = row["id"] if row else None
    for m in messages:
        result["queued" if m["new"] else "existing"] += 1
        result["messages"].append({
            "dedup_key": m["dedup_key"], "channel": m["channel"], "kind": m["kind"], "unit_id": m["unit_id"],
            "recipients": len(m["recipients"]), "items": m["items"], "new": m["new"],
            "not_before": m["not_before"].isoformat(), "subject": m["subject"],
            "text": m["body_text"] if m["channel"] == "sms" else None, "segments": m["segments"],
        })  # fmt: skip
    if run_id is not None:
        finish_run(st, run_id, _stats(result))
    return result


def _items_in_tx(cur: Any) -> list[dict[str, Any]]:
    """The ledger as the open (dry-run) transaction sees it, uncommitted sync included."""
    return list_items(store=_OnCursor(cur))  # type: ignore[arg-type]


class _OnCursor:
    """Just enough of a Store for :func:`list_items`: queries run on an already open cursor."""

    def __init__(self, cur: Any):
        self._cur = cur

    def query(self, sql: str, params: Any = None) -> list[dict[str, Any]]:
        self._cur.execute(sql, params)
        return [dict(r) for r in self._cur.fetchall()]


def _stats(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k != "messages"}
