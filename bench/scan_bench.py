"""Benchmark of the content scanners: 错敏字 dictionary matching and personal-data detection.

Builds a dictionary of ``--entries`` entries (the real one in include/rules/dict plus generated
misspellings), and ``--mb`` MB of realistic Chinese page text (visible text of the saved government
pages and the seed reports, shuffled line by line into pages, with generated ID numbers, mobiles, bank
cards and dictionary errors mixed in), then times ``WordingScanner.scan`` and ``find_personal_data``
page by page on one core. Prints MB/s (UTF-8 bytes of text per second of CPU time) and writes
``bench/results/<date>-scan.json``. This is a benchmark, not a test: it asserts nothing about time, but it
does check that every planted error and every planted valid number is found and nothing else.

    python bench/scan_bench.py [--mb 50] [--entries 10000] [--page-kb 20] [--seed 1]
"""

from __future__ import annotations

import os

# One core: numpy must not fan out, and the process is pinned to a single CPU where the OS allows it.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from govwatch.checks.privacy import find_personal_data  # noqa: E402
from govwatch.checks.wording import Entry, WordingScanner  # noqa: E402
from govwatch.extract.text import visible_text  # noqa: E402
from govwatch.masking import luhn_ok  # noqa: E402

SHARED = REPO.parent / "shared"
TARGET_MB_S = 30.0
# The files whose code is measured: a run with any of them uncommitted is marked "-dirty".
_MEASURED = (
    "govwatch/checks/wording.py",
    "govwatch/checks/privacy.py",
    "govwatch/masking.py",
    "govwatch/extract/text.py",
    "include/rules/dict",
    "bench/scan_bench.py",
)
_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_AREAS = ("110105", "310104", "360702", "360902", "440305", "510107", "130402", "230203")


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def corpus_lines() -> list[str]:
    lines: list[str] = []
    for path in sorted((SHARED / "realpages").glob("*.html")):
        lines += visible_text(path.read_bytes()).split("\n")
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        lines += [x.strip() for x in path.read_text(encoding="utf-8").split("\n")]
    lines = [x for x in lines if x]
    if not lines:
        raise SystemExit(f"no corpus: expected saved pages in {SHARED / 'realpages'}")
    return lines


def build_dictionary(lines: list[str], size: int, rnd: random.Random) -> tuple[WordingScanner, list[Entry]]:
    """The real dictionary plus generated misspellings: a real 2–6 character phrase of the corpus with one
    character replaced, kept only when the result never occurs in the corpus (as a real entry must)."""
    real = WordingScanner.load(REPO / "include" / "rules")
    entries = list(real.entries)
    corpus = "\n".join(lines)
    chars = sorted({c for c in corpus if _is_cjk(c)})
    have = {e.wrong for e in entries}
    generated: list[Entry] = []
    long_lines = [x for x in lines if len(x) >= 8]
    while len(entries) < size:
        line = rnd.choice(long_lines)
        k = rnd.randint(2, 6)
        i = rnd.randrange(len(line) - k)
        correct = line[i : i + k]
        if not all(_is_cjk(c) for c in correct):
            continue
        w = list(correct)
        w[rnd.randrange(k)] = rnd.choice(chars)
        wrong = "".join(w)
        if wrong in have or wrong in corpus:
            continue
        have.add(wrong)
        e = Entry(wrong, correct, "一般", "general", (), "generated")
        entries.append(e)
        generated.append(e)
    return WordingScanner(entries), generated


def _id(rnd: random.Random, valid: bool) -> str:
    first17 = (
        rnd.choice(_AREAS)
        + f"{rnd.randint(1950, 2005)}{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}"
        + f"{rnd.randint(0, 999):03d}"
    )
    check = "10X98765432"[sum(int(d) * w for d, w in zip(first17, _W, strict=True)) % 11]
    if not valid:
        check = rnd.choice([c for c in "0123456789X" if c != check])
    return first17 + check


def _card(rnd: random.Random) -> str:
    body = "622202" + "".join(str(rnd.randint(0, 9)) for _ in range(12))
    return next(body + d for d in "0123456789" if luhn_ok(body + d))


def build_pages(
    lines: list[str], megabytes: float, page_kb: int, typos: list[Entry], rnd: random.Random
) -> tuple[list[str], dict[str, int]]:
    """Pages of shuffled corpus lines with planted errors and numbers; returns (pages, planted counts)."""
    planted = {"typo": 0, "id": 0, "mobile": 0, "card": 0}
    pages: list[str] = []
    total, target, page_bytes = 0, int(megabytes * 1_000_000), page_kb * 1000
    while total < target:
        parts: list[str] = []
        size = 0
        while size < page_bytes:
            line = rnd.choice(lines)
            r = rnd.random()
            if r < 0.02:
                e = rnd.choice(typos)
                line = f"{line}，{e.wrong}。"
                planted["typo"] += 1
            elif r < 0.03:
                line = f"{line}。（身份证号：{_id(rnd, True)}）"
                planted["id"] += 1
            elif r < 0.04:
                line = f"{line}。（证件号码 {_id(rnd, False)}，校验位错误）"
            elif r < 0.05:
                line = f"{line}。联系电话：1{rnd.choice('3456789')}{rnd.randint(0, 999999999):09d}。"
                planted["mobile"] += 1
            elif r < 0.06:
                line = f"{line}。流水号 2023{rnd.randint(10**12, 10**13 - 1)}，"  # mobile-like digits in a longer run
            elif r < 0.065:
                line = f"{line}。收款账号 {_card(rnd)}。"
                planted["card"] += 1
            parts.append(line)
            size += len(line.encode()) + 1
        page = "\n".join(parts)
        pages.append(page)
        total += len(page.encode())
    return pages, planted


def machine() -> dict[str, object]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                [
                    "git",
                    "-C",
                    str(REPO),
                    "status",
                    "--porcelain",
                    "--",
                    *_MEASURED,
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        )
    except (OSError, subprocess.CalledProcessError):
        commit, dirty = "unknown", False
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "git_commit": commit + ("-dirty" if dirty else ""),
    }


def _time(fn, pages: list[str]) -> tuple[float, float, int]:
    """(cpu seconds, wall seconds, results) of fn over every page."""
    found = 0
    c0, w0 = time.process_time(), time.perf_counter()
    for page in pages:
        found += len(fn(page))
    return time.process_time() - c0, time.perf_counter() - w0, found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=50.0, help="MB of text to scan (default 50)")
    ap.add_argument("--entries", type=int, default=10_000, help="dictionary size (default 10000)")
    ap.add_argument("--page-kb", type=int, default=20, help="page size in kB (default 20)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results")
    args = ap.parse_args(argv)

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    rnd = random.Random(args.seed)
    lines = corpus_lines()
    t0 = time.perf_counter()
    scanner, generated = build_dictionary(lines, args.entries, rnd)
    build_s = time.perf_counter() - t0
    pages, planted = build_pages(lines, args.mb, args.page_kb, generated, rnd)
    nbytes = sum(len(p.encode()) for p in pages)
    mb = nbytes / 1_000_000
    print(
        f"dictionary: {len(scanner)} entries (built in {build_s:.2f} s); text: {mb:.1f} MB in {len(pages)} pages"
    )

    scanner.scan(pages[0])  # warm-up: first numpy calls allocate
    find_personal_data(pages[0])
    w_cpu, w_wall, w_found = _time(scanner.scan, pages)
    p_cpu, p_wall, p_found = _time(find_personal_data, pages)
    expected_pd = planted["id"] + planted["mobile"] + planted["card"]
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "params": {
            "mb": round(mb, 2),
            "pages": len(pages),
            "page_kb": args.page_kb,
            "entries": len(scanner),
            "seed": args.seed,
        },
        "wording": {
            "cpu_s": round(w_cpu, 3),
            "wall_s": round(w_wall, 3),
            "mb_s": round(mb / w_cpu, 1),
            "found": w_found,
            "planted": planted["typo"],
        },
        "personal_data": {
            "cpu_s": round(p_cpu, 3),
            "wall_s": round(p_wall, 3),
            "mb_s": round(mb / p_cpu, 1),
            "found": p_found,
            "planted": expected_pd,
        },
        "combined_mb_s": round(mb / (w_cpu + p_cpu), 1),
        "combined_wall_mb_s": round(mb / (w_wall + p_wall), 1),
        "target_mb_s": TARGET_MB_S,
    }
    result["target_met"] = result["combined_mb_s"] >= TARGET_MB_S
    m = result["machine"]
    print(
        f"machine: {m['nproc']} CPUs, {m['cpu_model']}, Python {m['python']}, commit {m['git_commit']}, "
        f"load {m['load_average']}"
    )
    print(
        f"wording scanner:       {result['wording']['mb_s']:8.1f} MB/s  "
        f"(found {w_found}, planted {planted['typo']})"
    )
    print(
        f"personal-data scanner: {result['personal_data']['mb_s']:8.1f} MB/s  "
        f"(found {p_found}, planted {expected_pd})"
    )
    print(
        f"combined:              {result['combined_mb_s']:8.1f} MB/s of CPU time "
        f"({result['combined_wall_mb_s']} MB/s wall clock); target {TARGET_MB_S} MB/s: "
        f"{'met' if result['target_met'] else 'NOT met'}"
    )
    ok = w_found == planted["typo"] and p_found == expected_pd
    if not ok:
        print("MISMATCH: the scanners did not find exactly what was planted", file=sys.stderr)
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"{datetime.now(UTC).date().isoformat()}-scan.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(REPO) if out.is_relative_to(REPO) else out}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
