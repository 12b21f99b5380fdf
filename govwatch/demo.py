"""``govwatch demo``: the sample province served on loopback, and everything run once, without Airflow.

The same steps as the scheduled DAGs, called directly: import the registry, a day of probe rounds,
the twice-weekly column check, the monthly inspection and scores, the ledger and reminders six working
days later, the outbox, and the month's notices. The Airflow-driven demo (``make demo``,
``scripts/demo_airflow.py``) runs the DAGs instead of these calls and reports the same way.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from govwatch.settings import TZ, Settings, get_settings, use_settings
from govwatch.store.db import Store, open_store


def say(msg: str = "") -> None:
    print(msg, flush=True)


def seed_probes(as_of: date, rounds: int, store: Store) -> int:
    """Real probe rounds of the served sites, recorded at the as-of day's half-hour slots from 00:00.

    The indicator judges a week of probes; a demo cannot wait a week, so it runs the rounds now and
    stamps each with its slot — the results are real answers of the served sites, only the instants are
    the slots'.
    """
    from govwatch.checks.probe_run import run_probe

    start = datetime.combine(as_of, datetime.min.time(), tzinfo=TZ)
    for i in range(rounds):
        run_probe(at=start + timedelta(minutes=30 * i), store=store)
    return rounds


def report(store: Store, settings: Settings, as_of: date, period: str) -> dict[str, int]:
    """Print counts of findings by check, 合格率, and where the findings, notices and messages are."""
    from govwatch.exports import findings_xlsx
    from govwatch.scoring.compute import pass_rate
    from govwatch.store.findings import list_findings

    rows = list_findings(store, as_of=as_of)
    by_check = Counter(r["check"] for r in rows)
    by_sev = Counter(r["severity"] for r in rows)
    say()
    say(f"findings seen on {as_of}: {len(rows)} ({', '.join(f'{k} {v}' for k, v in sorted(by_sev.items()))})")
    for check, n in sorted(by_check.items(), key=lambda kv: (-kv[1], kv[0])):
        say(f"  {check:26s} {n:4d}")
    xlsx = findings_xlsx(rows, settings.exports_dir / f"findings-{as_of}.xlsx")
    say(f"findings: {xlsx}  (also: govwatch findings --as-of {as_of} --format json)")
    for r in store.query(
        "SELECT target_type, count(*) AS checked, count(*) FILTER (WHERE passed) AS passed FROM scores"
        " WHERE as_of = %s GROUP BY target_type ORDER BY 1",
        (as_of,),
    ):
        say(f"scores {r['target_type']}: {r['passed']}/{r['checked']} passed, 合格率 {pass_rate(r['passed'], r['checked'])}%")
    folder = settings.notices_dir / period
    notices = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
    say(f"notices for {period}: {len(notices)} files under {folder}")
    for p in notices[:12]:
        say(f"  {p}")
    if len(notices) > 12:
        say(f"  … and {len(notices) - 12} more")
    outbox = store.query("SELECT channel, status, count(*) AS n FROM outbox GROUP BY 1, 2 ORDER BY 1, 2")
    say(
        "outbox: "
        + (", ".join(f"{r['channel']}/{r['status']} {r['n']}" for r in outbox) or "empty")
        + "  (GOVWATCH_SMTP_URL / GOVWATCH_SMS_URL unset → kept in the outbox; `govwatch notify flush` sends them)"
    )
    return dict(by_check)


def run_demo(as_of: str | None = None, serve: bool = False) -> int:
    from govwatch.checks.column_run import run_column_check
    from govwatch.checks.inspect_run import run_inspection
    from govwatch.notices.render import render_month
    from govwatch.notify.outbox import flush
    from govwatch.rectify.ledger import sync
    from govwatch.rectify.remind import run_reminders
    from govwatch.registry.load import load_registry
    from govwatch.registry.store import import_registry
    from govwatch.sample import generate
    from govwatch.sample import serve as serve_province
    from govwatch.scoring import run_scores
    from govwatch.workdays import add_workdays

    day = date.fromisoformat(as_of) if as_of else datetime.now(TZ).date()
    settings = get_settings().with_(allow_private=True)  # the sample province lives on loopback
    use_settings(settings)
    store = open_store(settings)
    t0 = time.monotonic()
    say(f"govwatch demo — as of {day}, GOVWATCH_HOME={settings.home}")
    province = generate(day)
    with serve_province(province) as served:
        paths = served.write(settings.home / "sample")
        import_registry(store, load_registry(paths["registry"]))
        say(f"sample province: {len(province.sites)} sites, {len(province.accounts)} accounts on "
            f"{served.host_base}.*:{served.port}; registry {paths['registry']}")  # fmt: skip

        def step(label: str, fn: Callable[[], Any]) -> Any:
            t = time.monotonic()
            result = fn()
            say(f"  {label:32s} {time.monotonic() - t:6.1f}s")
            return result

        period = (day - timedelta(days=1)).strftime("%Y-%m")
        remind_day = add_workdays(day, 6)
        step("probe rounds (24)", lambda: seed_probes(day, 24, store))
        step("check columns", lambda: run_column_check(day, store=store))
        step("inspect", lambda: run_inspection(day, store=store))
        step("scores", lambda: run_scores(day, store=store))
        step(f"ledger + reminders on {remind_day}", lambda: (sync(remind_day, store=store),
             run_reminders(remind_day, now=datetime.combine(remind_day, datetime.min.time(), tzinfo=TZ).replace(hour=8, minute=30), store=store)))  # fmt: skip
        step("outbox flush", lambda: flush(store=store))
        step(f"notices {period}", lambda: render_month(period, store=store))
        report(store, settings, day, period)
        say(f"total {time.monotonic() - t0:.1f}s")
        if serve:
            say(f"serving the sample province on {served.host_base}.*:{served.port} — Ctrl-C to stop")
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass
    store.close()
    return 0
