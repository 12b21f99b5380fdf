"""The ``govwatch`` command (contract §2).

Each capability registers its own sub-commands from a module of this package; this module only builds
the parser and turns exceptions into exit codes: 0 done, 2 bad input or usage (a message, no
traceback), 1 anything else.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from govwatch import __version__
from govwatch.cli import checks, core, inspect, notices, rectify, validate
from govwatch.errors import InputError, ValidationErrors
from govwatch.settings import get_settings

MODULES = (core, checks, inspect, rectify, notices, validate)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error / 错误: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="govwatch",
        description=(
            "政府网站与政务新媒体检查：巡检、整改台账、到期提醒、月报与通报。\n"
            "Inspection of government websites and new-media accounts: checks, rectification ledger, "
            "reminders, monthly reports and notices."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"govwatch {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="详细日志 / verbose logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for module in MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        result = args.func(args)
    except ValidationErrors as exc:
        for line in exc.errors:
            sys.stderr.write(line + "\n")
        sys.stderr.write(f"{len(exc.errors)} error(s), nothing written / 共 {len(exc.errors)} 处错误，未写入任何数据\n")
        return 2
    except InputError as exc:
        sys.stderr.write(f"govwatch: {exc}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last line of defence: a message, and the traceback only on request
        if args.verbose or get_settings().extra.get("GOVWATCH_DEBUG"):
            raise
        sys.stderr.write(f"govwatch: error / 出错: {type(exc).__name__}: {exc}\n")
        return 1
    return int(result or 0)


if __name__ == "__main__":
    raise SystemExit(main())
