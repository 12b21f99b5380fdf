"""``govwatch validate``: Great Expectations gates over the data of one as-of date (issue #7).

Exit 0 when every suite passes; 1 naming each failed expectation (suite, expectation, column, reason,
offending values — masked); 2 for an unknown suite or other bad input.
"""

from __future__ import annotations

import argparse
import json

from govwatch.cli.common import add_as_of, as_of, out
from govwatch.quality.suites import SUITE_NAMES


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate",
        help="数据校验（Great Expectations）/ data validation gates",
        description=(
            "用 Great Expectations 校验某基准日的数据：登记信息、抓取记录、检查问题、评分。"
            "全部通过退出码 0；有期望未满足退出码 1，并列出每一项。\n"
            "Validate the data of an as-of date with Great Expectations: registry, observations, "
            "findings, scores. Exit 0 when every suite passes; 1 naming each failed expectation."
        ),
    )
    add_as_of(p)
    p.add_argument(
        "--suite", action="append", default=None, metavar="NAME",
        help=f"只运行该套件（可重复）：{' | '.join(SUITE_NAMES)} / only this suite (repeatable)",
    )  # fmt: skip
    p.add_argument(
        "--format", choices=("text", "json"), default="text",
        help="输出格式 / output format (default text)",
    )  # fmt: skip
    p.set_defaults(func=_validate)


def _validate(args: argparse.Namespace) -> int:
    from govwatch.quality import run_validation
    from govwatch.quality.suites import resolve

    suites = resolve(args.suite) if args.suite else None  # unknown names: exit 2 before any work
    report = run_validation(as_of(args), suites)
    if args.format == "json":
        out(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        out(report.text())
    return 0 if report.success else 1
