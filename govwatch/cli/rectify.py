"""``govwatch rectify``, ``remind`` and ``notify``: the ledger and the outbox (issue #5)."""

from __future__ import annotations

import argparse

from govwatch.cli.common import add_as_of
from govwatch.errors import NotAvailable


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("rectify", help="整改台账 / the rectification ledger")
    s = p.add_subparsers(dest="action", metavar="ACTION")
    s.required = True
    s.add_parser("list", help="列出整改事项 / list ledger items").set_defaults(func=_missing)
    d = s.add_parser("done", help="单位报告已整改 / a unit reports an item rectified")
    d.add_argument("id", type=int)
    d.add_argument("--note", default="")
    d.set_defaults(func=_missing)
    p = sub.add_parser("remind", help="到期提醒与逾期督办 / deadline reminders and escalations")
    add_as_of(p)
    p.add_argument("--dry-run", action="store_true", help="只显示，不写入发件箱 / show, do not queue")
    p.set_defaults(func=_missing)
    p = sub.add_parser("notify", help="发件箱 / the outbox")
    s = p.add_subparsers(dest="action", metavar="ACTION")
    s.required = True
    s.add_parser("flush", help="投递发件箱中的消息 / deliver what waits in the outbox").set_defaults(func=_missing)


def _missing(args: argparse.Namespace) -> int:
    raise NotAvailable(f"{args.command} is not implemented yet (issue #5) / 尚未实现")
