"""``python -m govwatch.sample serve --as-of D --out DIR``: serve the sample province until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from datetime import date
from pathlib import Path

from govwatch.sample import generate, serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m govwatch.sample", description="示例省份 / the sample province"
    )
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("serve", help="在回环地址上提供示例省份，直到 Ctrl-C / serve on loopback until Ctrl-C")
    p.add_argument("--as-of", required=True, metavar="YYYY-MM-DD", help="基准日 / the as-of date")
    p.add_argument(
        "--out", required=True, metavar="DIR", help="写入 registry.yaml 与 truth.json 的目录 / output folder"
    )
    p.add_argument("--seed", type=int, default=7, help="随机种子 / seed (default 7)")
    p.add_argument(
        "--holdout",
        action="store_true",
        help="使用第四种页面模板（D）/ render in the holdout markup family D",
    )
    p.add_argument(
        "--host-base", default="127.0.77", help="回环地址前缀 / loopback prefix (default 127.0.77)"
    )
    p.add_argument("--port", type=int, default=None, help="端口（默认自动选择）/ port (default: a free one)")
    args = parser.parse_args(argv)
    try:
        as_of = date.fromisoformat(args.as_of)
    except ValueError:
        print(f"--as-of: not a date (YYYY-MM-DD): {args.as_of!r}", file=sys.stderr)
        return 2
    prov = generate(as_of, args.seed, holdout=args.holdout)
    served = serve(prov, host_base=args.host_base, port=args.port)
    paths = served.write(Path(args.out))
    print(
        f"示例省份 {prov.name}{prov.city}：{len(prov.sites)} 个网站，{prov.column_count()} 个栏目，"
        f"{len(prov.accounts)} 个政务新媒体账号（基准日 {as_of}）"
    )
    for s in prov.sites:
        print(f"  {s.id}  {served.site_url(s.id)}  {s.name}")
    print(f"  outside  {served.outside_url}/")
    print(f"registry: {paths['registry']}\ntruth:    {paths['truth']}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        served.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
