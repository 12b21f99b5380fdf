"""``govwatch check columns``: the twice-weekly column update check (issue #3)."""

from __future__ import annotations

import argparse

from govwatch.cli import common
from govwatch.cli.common import add_as_of, add_sites


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="常态化检查 / routine checks")
    s = p.add_subparsers(dest="what", metavar="WHAT")
    s.required = True
    c = s.add_parser(
        "columns",
        help="每周两次的栏目更新检查：首页、栏目、政务新媒体 / twice-weekly check of home pages, columns and accounts",
    )
    add_as_of(c)
    add_sites(c)
    c.set_defaults(func=_columns)


def _columns(args: argparse.Namespace) -> int:
    from govwatch.checks.column_run import run_column_check
    from govwatch.rules import load_rules

    as_of = common.as_of(args)
    st = common.store()
    try:
        common.require_known_sites(st, args.site)
        stats = run_column_check(as_of, args.site, accounts=True, store=st)
    finally:
        st.close()
    rules = load_rules()
    lines = [
        f"栏目更新检查 / column check  as-of {stats['as_of']}: 网站 {stats['sites']} 个，栏目 {stats['columns']} 个，"
        f"政务新媒体 {stats['accounts']} 个",
    ]
    if stats["accounts_unchecked"]:
        lines.append(
            f"未能读取信息源的政务新媒体 / feeds not readable: {', '.join(stats['accounts_unchecked'])}"
        )
    if stats["findings"]:
        lines.append("发现问题 / findings by check:")
        for code, n in stats["findings"].items():
            lines.append(f"  {code:<22} {n:>5}  {rules.title(code)}")
    else:
        lines.append("未发现问题 / no findings")
    lines.append(f"合计 / total {stats['total']}")
    common.out("\n".join(lines))
    return 0
