"""``govwatch probe``, ``inspect`` and ``scores``: availability and the monthly inspection (issue #4)."""

from __future__ import annotations

import argparse
import json
from datetime import datetime

from govwatch.cli.common import add_as_of, add_sites, as_of, out, require_known_sites, store
from govwatch.settings import TZ


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date-time YYYY-MM-DDTHH:MM[:SS][+08:00] / 时间格式应为 YYYY-MM-DDTHH:MM"
        ) from None
    # A time without an offset is read in Asia/Shanghai, like every date of the command line.
    return value if value.tzinfo else value.replace(tzinfo=TZ)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("probe", help="一轮首页可用性探测 / one availability round over site home pages")
    add_sites(p)
    p.add_argument(
        "--at", type=_instant, default=None, metavar="ISO-DATETIME",
        help="记录为该时刻的探测（补录、测试用），默认现在 / record the round at this instant (backfills), default now",
    )  # fmt: skip
    p.add_argument(
        "--evaluate", action="store_true",
        help="探测后按近 7 天探测结果判定站点无法访问 / then judge site_unreachable for the round's date",
    )  # fmt: skip
    p.set_defaults(func=_probe)
    p = sub.add_parser("inspect", help="月度全面检查并计分 / the monthly full inspection, then scores")
    add_as_of(p)
    add_sites(p)
    p.add_argument("--format", choices=("text", "json"), default="text", help="输出格式 / output format")
    p.set_defaults(func=_inspect)
    p = sub.add_parser("scores", help="网站与账号得分、合格率 / scores, vetoes and pass rates")
    add_as_of(p, required=True)
    p.add_argument("--format", choices=("json", "text"), default="text", help="输出格式 / output format")
    p.set_defaults(func=_scores)


def _probe(args: argparse.Namespace) -> int:
    from govwatch.checks.probe_run import evaluate_availability, run_probe

    st = store()
    require_known_sites(st, args.site)
    res = run_probe(args.at, args.site, store=st)
    out(f"探测时间 / probed at: {res['at']}")
    out(f"网站 / sites: {res['sites']}  正常 / ok: {res['ok']}  失败 / failed: {len(res['failed'])}")
    for sid in res["failed"]:
        out(f"  失败 / failed: {sid}")
    if args.evaluate:
        when = datetime.fromisoformat(res["at"]).astimezone(TZ).date()
        ev = evaluate_availability(when, args.site, store=st)
        out(
            f"可用性判定 / availability {when}: 否决 / veto {ev['vetoed']}  预警 / warn {ev['warned']}"
            f"  无探测数据 / unmonitored {len(ev['unmonitored'])}"
        )
    return 0


def _inspect(args: argparse.Namespace) -> int:
    from govwatch.checks.inspect_run import run_inspection

    st = store()
    require_known_sites(st, args.site)
    day = as_of(args)
    res = run_inspection(day, args.site, store=st)
    if args.format == "json":
        out(json.dumps(res, ensure_ascii=False, indent=1, default=str))
        return 0
    out(f"全面检查 / inspection {res['as_of']}: 网站 / sites {res['sites']}，用时 / took {res['seconds']} s")
    if res["availability"]["unmonitored"]:
        out(
            f"  无探测数据的网站（未判定可用性）/ sites without probes: {', '.join(res['availability']['unmonitored'])}"
        )
    out("按检查项统计 / findings by check:")
    if not res["by_check"]:
        out("  （无 / none）")
    for check, n in res["by_check"].items():
        out(f"  {check:<28} {n:>5}")
    rec = res["recorded"]
    out(
        f"新增 / new {rec['new']}  仍存在 / seen {rec['seen']}  复发 / reopened {rec['reopened']}  "
        f"已整改 / rectified {rec['rectified']}"
    )
    s, a = res["scores"]["sites"], res["scores"]["accounts"]
    out(
        f"网站 / sites: 检查 {s['checked']}，单项否决 {s['vetoed']}，合格 {s['passed']}，合格率 {_rate(s['pass_rate'])}"
    )
    out(
        f"政务新媒体 / accounts: 检查 {a['checked']}，单项否决 {a['vetoed']}，合格 {a['passed']}，"
        f"合格率 {_rate(a['pass_rate'])}"
    )
    return 0


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _scores(args: argparse.Namespace) -> int:
    from govwatch.scoring import read_scores, run_scores

    st = store()
    run_scores(args.as_of, store=st)
    res = read_scores(args.as_of, store=st)
    if args.format == "json":
        for part in ("sites", "accounts"):
            for row in res[part]:
                row.pop("vetoes", None)
        out(json.dumps(res, ensure_ascii=False, indent=1))
        return 0
    out(f"得分 / scores {res['as_of']}")
    out("网站 / sites:")
    for r in res["sites"]:
        flag = "否决" if r["vetoed"] else ("合格" if r["passed"] else "不合格")
        extra = f"（{', '.join(r['vetoes'])}）" if r["vetoes"] else ""
        out(f"  {r['id']:<12} {r['name']:<24} {r['score']:>6.2f}  {flag}{extra}")
    out("政务新媒体 / accounts:")
    for r in res["accounts"]:
        flag = "否决" if r["vetoed"] else "合格"
        extra = f"（{', '.join(r['vetoes'])}）" if r["vetoes"] else ""
        out(f"  {r['id']:<12} {r['name']:<24} {r['score']:>6.2f}  {flag}{extra}")
    for part, label in (("sites", "网站"), ("accounts", "政务新媒体")):
        t = res["totals"][part]
        out(
            f"{label} / {part}: 检查 {t['checked']}，单项否决 {t['vetoed']}，合格 {t['passed']}，合格率 {_rate(t['pass_rate'])}"
        )
    return 0
