"""``govwatch check columns``: the twice-weekly column update check (issue #3)."""

from __future__ import annotations

import argparse

from govwatch.cli.common import add_as_of, add_sites
from govwatch.errors import NotAvailable


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
    raise NotAvailable("check columns is not implemented yet (issue #3) / 栏目更新检查尚未实现")
