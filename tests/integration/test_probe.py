"""Availability probes against loopback sites: rounds at given instants, the 5 % veto and the 3 % warning."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from govwatch.checks.probe_run import evaluate_availability, run_probe
from govwatch.cli.main import main
from govwatch.fetch.loopback import LoopbackServer, Route
from govwatch.registry.model import Registry, Site, Unit
from govwatch.registry.store import import_registry
from govwatch.settings import TZ
from govwatch.store.findings import list_findings

pytestmark = pytest.mark.integration

HOME = "<html><head><title>首页</title></head><body><a href='/a.html'>工作动态</a></body></html>"


class _Flaky:
    """A home page that fails while ``down`` is set."""

    def __init__(self) -> None:
        self.down = False

    def __call__(self, _handler) -> Route:
        return Route(503, "维护中") if self.down else Route(200, HOME)


def _registry(urls: dict[str, str]) -> Registry:
    sites = [Site(id=sid, name=f"网站{sid}", url=url, kind="portal", unit="u1") for sid, url in urls.items()]
    return Registry(units=[Unit(id="u1", name="测试单位")], sites=sites)


def test_rounds_veto_at_5_percent_and_warn_at_3(store):
    good, veto, warn = _Flaky(), _Flaky(), _Flaky()
    with LoopbackServer({"/": good}) as a, LoopbackServer({"/": veto}) as b, LoopbackServer({"/": warn}) as c:
        import_registry(
            store, _registry({"3607000001": a.url("/"), "3607000002": b.url("/"), "3607000003": c.url("/")})
        )
        t0 = datetime(2026, 11, 14, 0, 10, tzinfo=TZ)
        # Site 2: 1 failure in 20 probes (5 %). Site 3: 1 in 33 (3.03 %). Site 1: none.
        for i in range(33):
            veto.down = warn.down = i == 0
            sites = ["3607000001", "3607000002", "3607000003"] if i < 20 else ["3607000001", "3607000003"]
            res = run_probe(t0 + timedelta(minutes=30 * i), sites, store=store)
            assert res["sites"] == len(sites)
        # A round from before the window and a failing one there change nothing.
        veto.down = True
        run_probe(t0 - timedelta(days=2), ["3607000002"], store=store)
    rows = store.query(
        "SELECT site_id, count(*) AS n, count(*) FILTER (WHERE NOT ok) AS bad FROM probes"
        " GROUP BY site_id ORDER BY site_id"
    )
    assert rows == [
        {"site_id": "3607000001", "n": 33, "bad": 0},
        {"site_id": "3607000002", "n": 21, "bad": 2},
        {"site_id": "3607000003", "n": 33, "bad": 1},
    ]
    failed = store.query(
        "SELECT status, error, elapsed_ms FROM probes WHERE site_id = '3607000002' AND NOT ok"
        " ORDER BY probed_at DESC LIMIT 1"
    )[0]
    assert failed["status"] == 503 and failed["elapsed_ms"] >= 0

    stats = evaluate_availability(date(2026, 11, 20), store=store)
    assert stats["vetoed"] == 1 and stats["warned"] == 1 and stats["unmonitored"] == []
    got = {(f["target_id"], f["check"], f["severity"]) for f in list_findings(store, open_only=True)}
    assert got == {("3607000002", "site_unreachable", "veto"), ("3607000003", "site_unreachable", "warn")}
    veto_f = next(f for f in list_findings(store) if f["target_id"] == "3607000002")
    assert "共探测首页 20 次，失败 1 次，失败率 5.0%" in veto_f["evidence"]

    # Re-evaluating the same date changes nothing; a date with no probes in its window reports that.
    before = store.query("SELECT * FROM findings ORDER BY id")
    evaluate_availability(date(2026, 11, 20), store=store)
    assert store.query("SELECT * FROM findings ORDER BY id") == before
    later = evaluate_availability(date(2026, 12, 20), store=store)
    assert set(later["unmonitored"]) == {"3607000001", "3607000002", "3607000003"}


def test_same_instant_is_recorded_once_and_cli(store, capsys):
    page = _Flaky()
    with LoopbackServer({"/": page}) as a:
        import_registry(store, _registry({"3607000001": a.url("/")}))
        at = "2026-11-20T09:30:00+08:00"
        assert main(["probe", "--at", at]) == 0
        page.down = True
        assert main(["probe", "--at", "2026-11-20T09:30", "--site", "3607000001"]) == 0  # same instant (CST)
        out = capsys.readouterr().out
        assert "2026-11-20T09:30:00+08:00" in out and "failed: 1" in out
        assert main(["probe", "--at", "2026-11-20T10:00+08:00", "--evaluate"]) == 0
        out = capsys.readouterr().out
        assert (
            "可用性判定 / availability 2026-11-20: 否决 / veto 1" in out
        )  # both probes of the window failed
    rows = store.query("SELECT ok, status FROM probes ORDER BY probed_at")
    assert rows == [{"ok": False, "status": 503}, {"ok": False, "status": 503}]  # 09:30 replaced, not added
    assert main(["probe", "--site", "9999999999"]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["probe", "--at", "not-a-time"])
    assert exc.value.code == 2


def test_unreachable_host_fails_the_probe(store):
    with LoopbackServer({"/": Route(200, HOME)}) as a:
        dead = a.url("/")
    import_registry(store, _registry({"3607000001": dead}))  # the server is gone: connection refused
    res = run_probe(datetime(2026, 11, 20, 10, 0, tzinfo=TZ), store=store)
    assert res["failed"] == ["3607000001"]
    row = store.query("SELECT ok, status, error FROM probes")[0]
    assert row["ok"] is False and row["status"] is None and row["error"] == "refused"
