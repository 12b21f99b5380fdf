"""``govwatch notice render``: monthly reports, bulletins and notices (issue #6)."""

from __future__ import annotations

import argparse
from pathlib import Path

from govwatch.cli.common import out, parse_period, store
from govwatch.errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("notice", help="月报、通报、整改通知 / reports and notices")
    s = p.add_subparsers(dest="action", metavar="ACTION")
    s.required = True
    r = s.add_parser(
        "render",
        help="生成文书 / render a document",
        description=(
            "生成月报（monthly）、通报（bulletin）、整改通知（unit，须 --unit）或信息公开更新条数明细"
            "（publications），输出文件路径。\n"
            "Render the monthly report, the bulletin, one unit's rectification notice (needs --unit) or the "
            "publication counts; prints the file's path."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    r.add_argument("kind", choices=("monthly", "bulletin", "unit", "publications"),
                   help="文书类型 / kind of document")  # fmt: skip
    r.add_argument("--period", type=parse_period, required=True, metavar="YYYY-MM", help="月份 / month")
    r.add_argument("--unit", metavar="ID", help="kind=unit 时必填：单位编号 / unit id, required for kind unit")
    r.add_argument("--format", choices=("html", "docx", "md"), default="html",
                   help="格式，默认 html / format, default html")  # fmt: skip
    r.add_argument("--out", metavar="DIR",
                   help="输出目录，默认 $GOVWATCH_HOME/notices/<period>/ / output folder")  # fmt: skip
    r.set_defaults(func=_render)
    m = s.add_parser(
        "month",
        help="生成当月全部文书并向各单位发送整改通知 / render every document of a month, queue unit mails",
    )
    m.add_argument("--period", type=parse_period, required=True, metavar="YYYY-MM", help="月份 / month")
    m.set_defaults(func=_month)


def _render(args: argparse.Namespace) -> int:
    from govwatch.notices.render import render_notice

    if args.kind == "unit" and not args.unit:
        raise InputError("kind unit needs --unit ID / 整改通知须指定 --unit 单位编号")
    with store() as st:
        path = render_notice(args.kind, args.period, args.format, unit_id=args.unit,
                             out_dir=Path(args.out) if args.out else None, store=st)  # fmt: skip
    out(str(path))
    return 0


def _month(args: argparse.Namespace) -> int:
    import json

    from govwatch.notices.render import render_month

    with store() as st:
        result = render_month(args.period, store=st)
    out(json.dumps(result, ensure_ascii=False, indent=1))
    return 0
