"""``govwatch rectify``, ``remind`` and ``notify``: the ledger and the outbox (issue #5)."""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from govwatch.cli.common import add_as_of, as_of, out, store
from govwatch.errors import InputError
from govwatch.settings import TZ, get_settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("rectify", help="整改台账 / the rectification ledger")
    s = p.add_subparsers(dest="action", metavar="ACTION")
    s.required = True
    lp = s.add_parser("list", help="列出整改事项（先按基准日同步台账）/ list ledger items (synced first)")
    add_as_of(lp)
    lp.add_argument("--unit", metavar="ID", help="只列该单位 / only this unit")
    lp.add_argument(
        "--state", choices=("open", "reported", "verified", "overdue"),
        help="只列该状态 / only this state",
    )  # fmt: skip
    lp.add_argument("--format", choices=("text", "json", "xlsx"), default="text")
    lp.add_argument(
        "--out", type=Path, help="xlsx 输出文件 / the xlsx file (default under $GOVWATCH_HOME/exports)"
    )
    lp.set_defaults(func=_list)
    d = s.add_parser("done", help="单位报告已整改 / a unit reports an item rectified")
    d.add_argument("id", type=int, help="台账编号（即问题编号）/ ledger item id (= finding id)")
    d.add_argument("--note", default="", help="整改说明 / what was done")
    add_as_of(d)
    d.set_defaults(func=_done)

    p = sub.add_parser("remind", help="到期提醒与逾期督办 / deadline reminders and escalations")
    add_as_of(p)
    p.add_argument("--dry-run", action="store_true", help="只显示，不写入发件箱 / show, do not queue")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=_remind)
    p = sub.add_parser("notify", help="发件箱 / the outbox")
    s = p.add_subparsers(dest="action", metavar="ACTION")
    s.required = True
    f = s.add_parser("flush", help="投递发件箱中的消息 / deliver what waits in the outbox")
    f.add_argument("--format", choices=("text", "json"), default="text")
    f.set_defaults(func=_flush)


def _ledger_day(args: argparse.Namespace, st: Any) -> date:
    """``--as-of``, else today — or the date of the latest check when that is later (a check run for a
    date ahead of the calendar, as in a rehearsal, must show up in the ledger it produced)."""
    if args.as_of is not None:
        return args.as_of
    latest = st.query("SELECT max(as_of) AS d FROM finding_sightings")[0]["d"]
    day = as_of(args)
    return max(day, latest) if latest else day


def _list(args: argparse.Namespace) -> int:
    from govwatch.rectify.ledger import ledger_xlsx, list_items, sync

    st = store()
    if args.unit and not st.query("SELECT 1 FROM units WHERE id = %s", (args.unit,)):
        raise InputError(f"unknown unit / 未登记的单位: {args.unit}")
    day = _ledger_day(args, st)
    sync(day, store=st)
    items = list_items(unit=args.unit, state=args.state, store=st)
    if args.format == "json":
        out(json.dumps(items, ensure_ascii=False, indent=1))
    elif args.format == "xlsx":
        path = args.out or get_settings().exports_dir / f"rectifications-{day.isoformat()}.xlsx"
        out(str(ledger_xlsx(items, path)))
    else:
        out(_text_table(items, day))
    return 0


def _text_table(items: list[dict[str, Any]], day: Any) -> str:
    if not items:
        return f"整改台账为空（截至 {day}）/ the ledger is empty"
    lines = [f"整改台账（截至 {day}）共 {len(items)} 项 / {len(items)} item(s)",
             "编号\t状态\t主办单位\t发现日期\t整改期限\t整改日期\t问题"]  # fmt: skip
    for it in items:
        lines.append("\t".join([
            str(it["id"]), it["state_name"], it["unit_name"], it["found_on"], it["due_on"],
            it["verified_on"] or "-", f"{it['target']} {it['title']}：{it['evidence']}"[:120],
        ]))  # fmt: skip
    return "\n".join(lines)


def _done(args: argparse.Namespace) -> int:
    from govwatch.rectify.ledger import report_done, sync

    st = store()
    day = _ledger_day(args, st)
    sync(day, store=st)
    res = report_done(args.id, args.note, as_of=day, store=st)
    out(
        f"事项 {res['id']}：{res['from']} → reported（{res['actor']}，{day}）/ item {res['id']} reported done"
    )
    return 0


def _remind(args: argparse.Namespace) -> int:
    from govwatch.rectify.remind import run_reminders

    day = as_of(args)
    wall = datetime.now(TZ)
    # The run's logical time decides the SMS quiet hours: now when reminding for today, otherwise 08:30 of
    # that day, as the DAG would have run. A run for a date still to come is deliverable at once.
    now = wall if day == wall.date() else datetime.combine(day, time(8, 30), tzinfo=TZ)
    res = run_reminders(
        day, dry_run=args.dry_run, now=now, store=store(), deliver_by=wall if now > wall else None
    )
    if args.format == "json":
        out(json.dumps(res, ensure_ascii=False, indent=1, default=str))
        return 0
    verb = "将写入" if args.dry_run else "已写入"
    lines = []
    if res.get("note"):
        lines.append(res["note"])
    for m in res["messages"]:
        state = (
            ("新" if m["new"] else "已存在，跳过")
            if not args.dry_run
            else ("将新增" if m["new"] else "已存在")
        )
        text = f"  {m['text']}（{m['segments']}条短信）" if m["text"] else f"  {m['subject']}"
        lines.append(f"[{m['channel']}] {m['unit_id']} {m['kind']} 收件人{m['recipients']}个 事项{m['items']}项 "
                     f"{state} 发送时间≥{m['not_before']}\n{text}")  # fmt: skip
    for unit in res["no_contacts"]:
        lines.append(f"警告：单位 {unit} 没有可用的邮箱或手机号，提醒无法送达 / unit {unit} has no contact")
    lines.append(
        f"{res['as_of']}：{verb}发件箱 {res['queued']} 条，已存在 {res['existing']} 条"
        f" / {'would queue' if args.dry_run else 'queued'} {res['queued']}, already there {res['existing']}"
    )
    out("\n".join(lines))
    return 0


def _flush(args: argparse.Namespace) -> int:
    from govwatch.notify.outbox import flush

    res = flush(store=store(), retry_now=True)
    if args.format == "json":
        out(json.dumps(res, ensure_ascii=False, indent=1, default=str))
        return 0
    lines = list(res["notes"])
    lines.append(
        f"已发送 {res['sent']} 条，待重试 {res['retry']} 条，失败 {res['failed']} 条，仍在等待 {res['waiting']} 条"
        f" / sent {res['sent']}, retry {res['retry']}, failed {res['failed']}, waiting {res['waiting']}"
    )
    out("\n".join(lines))
    return 0
