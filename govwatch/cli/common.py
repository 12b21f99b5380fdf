"""Shared pieces of the command line: dates, the store, output."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime

from govwatch.errors import InputError
from govwatch.settings import TZ
from govwatch.store.db import Store, open_store


def today() -> date:
    """Today in Asia/Shanghai: the only place the CLI reads the wall clock for a default date."""
    return datetime.now(TZ).date()


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD / 日期格式应为 YYYY-MM-DD") from None


def parse_period(text: str) -> str:
    try:
        datetime.strptime(text, "%Y-%m")
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a period YYYY-MM / 期间格式应为 YYYY-MM") from None
    return text


def add_as_of(p: argparse.ArgumentParser, *, required: bool = False) -> None:
    p.add_argument(
        "--as-of", type=parse_date, required=required, default=None, metavar="YYYY-MM-DD",
        help="检查基准日（Asia/Shanghai），默认今天 / as-of date (Asia/Shanghai), default today",
    )  # fmt: skip


def add_sites(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--site", action="append", default=None, metavar="ID",
        help="只检查该网站（可重复）/ only this site (repeatable)",
    )  # fmt: skip


def as_of(args: argparse.Namespace) -> date:
    return args.as_of or today()


def store() -> Store:
    return open_store()


def out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    sys.stdout.flush()


def require_known_sites(st: Store, site_ids: list[str] | None) -> None:
    if not site_ids:
        return
    known = {r["id"] for r in st.query("SELECT id FROM sites WHERE active AND id = ANY(%s)", (site_ids,))}
    missing = [s for s in site_ids if s not in known]
    if missing:
        raise InputError(f"unknown or inactive site(s) / 未登记的网站: {', '.join(missing)}")
