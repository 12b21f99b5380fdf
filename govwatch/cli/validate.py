"""``govwatch validate``: Great Expectations gates (issue #7)."""

from __future__ import annotations

import argparse

from govwatch.cli.common import add_as_of
from govwatch.errors import NotAvailable


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="数据校验（Great Expectations）/ data validation gates")
    add_as_of(p)
    p.add_argument("--suite", metavar="NAME")
    p.set_defaults(func=_missing)


def _missing(args: argparse.Namespace) -> int:
    raise NotAvailable("validate is not implemented yet (issue #7) / 尚未实现")
