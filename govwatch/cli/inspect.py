"""``govwatch probe``, ``inspect`` and ``scores``: availability and the monthly inspection (issue #4)."""

from __future__ import annotations

import argparse

from govwatch.cli.common import add_as_of, add_sites
from govwatch.errors import NotAvailable


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("probe", help="一轮首页可用性探测 / one availability round over site home pages")
    add_sites(p)
    p.set_defaults(func=_missing)
    p = sub.add_parser("inspect", help="月度全面检查并计分 / the monthly full inspection, then scores")
    add_as_of(p)
    add_sites(p)
    p.set_defaults(func=_missing)
    p = sub.add_parser("scores", help="网站与账号得分、合格率 / scores, vetoes and pass rates")
    add_as_of(p, required=True)
    p.add_argument("--format", choices=("json", "text"), default="text")
    p.set_defaults(func=_missing)


def _missing(args: argparse.Namespace) -> int:
    raise NotAvailable(f"{args.command} is not implemented yet (issue #4) / 尚未实现")
