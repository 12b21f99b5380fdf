"""site_unreachable from the probes of the window: veto at 5 %, warn at 3 %, nothing without probes."""

from __future__ import annotations

from datetime import date, datetime

from govwatch.checks.availability import judge_availability, probe_ok, probe_window
from govwatch.rules import load_rules
from govwatch.settings import TZ


def _probes(total: int, failed: int) -> list[dict]:
    return [{"ok": i >= failed, "status": 200 if i >= failed else 503, "error": None} for i in range(total)]


def test_thresholds():
    rules = load_rules()
    kw = {"site_id": "3607000001", "unit_id": "u"}
    f, st = judge_availability(rules, _probes(100, 5), **kw)
    assert f is not None and f.check == "site_unreachable" and f.severity == "veto" and "5.0%" in f.evidence
    f, _ = judge_availability(rules, _probes(100, 4), **kw)
    assert f is not None and f.severity == "warn" and f.check == "site_unreachable" and f.points == 0
    f, _ = judge_availability(rules, _probes(100, 3), **kw)
    assert f is not None and f.severity == "warn"
    f, _ = judge_availability(rules, _probes(100, 2), **kw)
    assert f is None
    f, st = judge_availability(rules, [], **kw)
    assert f is None and st["probes"] == 0


def test_probe_ok():
    assert probe_ok(200, 300, None, 15)
    assert not probe_ok(200, 15001, None, 15)
    assert not probe_ok(404, 10, None, 15)
    assert not probe_ok(None, 10, "timeout", 15)


def test_window_is_the_seven_days_before_as_of_and_the_day_itself():
    start, end = probe_window(date(2026, 11, 20), 7)
    assert start == datetime(2026, 11, 13, tzinfo=TZ) and end == datetime(2026, 11, 21, tzinfo=TZ)
