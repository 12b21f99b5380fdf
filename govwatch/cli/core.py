"""``govwatch db``, ``registry``, ``findings`` and ``demo``."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from govwatch.cli.common import add_as_of, out, store
from govwatch.errors import InputError
from govwatch.registry.export import to_csv_folder, to_xlsx, to_yaml
from govwatch.registry.load import load_registry
from govwatch.registry.store import import_registry, read_registry
from govwatch.settings import get_settings
from govwatch.store.db import Store, database_url, migrate, stop_embedded
from govwatch.store.findings import FINDING_COLUMNS, findings_json, list_findings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("db", help="数据库 / the findings store")
    s = p.add_subparsers(dest="action", metavar="ACTION")
    s.required = True
    s.add_parser("init", help="创建或升级数据库结构（幂等）/ create or upgrade the schema (idempotent)").set_defaults(
        func=_db_init
    )
    s.add_parser("stop", help="停止内嵌 PostgreSQL / stop the embedded PostgreSQL").set_defaults(func=_db_stop)
    s.add_parser("url", help="显示数据库连接串 / print the database DSN").set_defaults(func=_db_url)

    p = sub.add_parser("registry", help="登记册：单位、网站、栏目、账号 / the registry of units, sites, accounts")
    s = p.add_subparsers(dest="action", metavar="ACTION")
    s.required = True
    i = s.add_parser(
        "import",
        help="导入 YAML、CSV 文件夹或 XLSX；先校验全部行，有错则不写入 / import YAML, a CSV folder or XLSX; "
        "validates every row first and writes nothing on any error",
    )
    i.add_argument("file", type=Path)
    i.set_defaults(func=_registry_import)
    e = s.add_parser("export", help="导出登记册（可再导入）/ export the registry (round-trippable)")
    e.add_argument("--format", choices=("yaml", "xlsx", "csv"), default="yaml")
    e.add_argument("--out", type=Path, help="输出文件或文件夹（xlsx/csv 必需时默认放在 $GOVWATCH_HOME/exports）")
    e.set_defaults(func=_registry_export)

    p = sub.add_parser("findings", help="检查发现的问题 / findings")
    add_as_of(p)
    p.add_argument("--open", action="store_true", help="只列未整改 / open findings only")
    p.add_argument("--check", action="append", metavar="CODE", help="只列该检查项（可重复）/ only this check code")
    p.add_argument("--format", choices=("json", "csv", "xlsx"), default="json")
    p.add_argument("--out", type=Path, help="xlsx 输出文件 / the xlsx file (default under $GOVWATCH_HOME/exports)")
    p.set_defaults(func=_findings)

    p = sub.add_parser(
        "demo",
        help="在本机回环地址上运行示例省份并完整运行一遍 / serve the sample province on loopback and run everything once",
    )
    p.add_argument("--as-of", default=None, metavar="YYYY-MM-DD", help="示例省份的基准日 / the sample's as-of date")
    p.add_argument("--serve", action="store_true", help="运行后继续提供示例网站，直到 Ctrl-C / keep serving afterwards")
    p.set_defaults(func=_demo)


def _db_init(args: argparse.Namespace) -> int:
    st = Store.from_settings()
    applied = migrate(st)
    out(f"schema up to date; applied now: {', '.join(applied) if applied else 'nothing'}")
    return 0


def _db_stop(args: argparse.Namespace) -> int:
    out("embedded PostgreSQL stopped" if stop_embedded(get_settings()) else "embedded PostgreSQL was not running")
    return 0


def _db_url(args: argparse.Namespace) -> int:
    out(database_url())
    return 0


def _registry_import(args: argparse.Namespace) -> int:
    reg = load_registry(args.file)  # validates everything before touching the store
    st = store()
    counts = import_registry(st, reg)
    for kind, c in counts.items():
        out(
            f"{kind:9s} inserted {c['inserted']:4d}  updated {c['updated']:4d}  unchanged {c['unchanged']:4d}"
            f"  deactivated {c['deactivated']:4d}"
        )
    return 0


def _registry_export(args: argparse.Namespace) -> int:
    reg = read_registry(store())
    if args.format == "yaml":
        text = to_yaml(reg)
        if args.out:
            args.out.write_text(text, encoding="utf-8")
            out(str(args.out))
        else:
            sys.stdout.write(text)
        return 0
    exports = get_settings().exports_dir
    if args.format == "xlsx":
        out(str(to_xlsx(reg, args.out or exports / "registry.xlsx")))
    else:
        out(str(to_csv_folder(reg, args.out or exports / "registry-csv")))
    return 0


def _findings(args: argparse.Namespace) -> int:
    rows = list_findings(store(), as_of=args.as_of, open_only=args.open, checks=args.check)
    if args.format == "json":
        out(findings_json(rows))
    elif args.format == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(FINDING_COLUMNS), extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        sys.stdout.write(buf.getvalue())
    else:
        from govwatch.exports import findings_xlsx

        path = args.out or get_settings().exports_dir / f"findings-{args.as_of or 'all'}.xlsx"
        out(str(findings_xlsx(rows, path)))
    return 0


def _demo(args: argparse.Namespace) -> int:
    try:
        from govwatch.demo import run_demo
    except ImportError as exc:  # pragma: no cover - only while the sample province is being built
        raise InputError(f"demo is not available in this build: {exc}") from None
    return run_demo(as_of=args.as_of, serve=args.serve)
