"""``govwatch notice render``: monthly reports, bulletins and notices (issue #6)."""

from __future__ import annotations

import argparse

from govwatch.cli.common import parse_period
from govwatch.errors import NotAvailable


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("notice", help="月报、通报、整改通知 / reports and notices")
    s = p.add_subparsers(dest="action", metavar="ACTION")
    s.required = True
    r = s.add_parser("render", help="生成文书 / render a document")
    r.add_argument("kind", choices=("monthly", "bulletin", "unit", "publications"))
    r.add_argument("--period", type=parse_period, required=True, metavar="YYYY-MM")
    r.add_argument("--unit", metavar="ID", help="kind=unit 时必填 / required for kind unit")
    r.add_argument("--format", choices=("html", "docx", "md"), default="html")
    r.add_argument("--out", metavar="DIR")
    r.set_defaults(func=_missing)


def _missing(args: argparse.Namespace) -> int:
    raise NotAvailable("notice render is not implemented yet (issue #6) / 尚未实现")
