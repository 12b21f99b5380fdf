"""Scores from the findings open on a date: the scores table, the CLI, 合格率, recurrence."""

from __future__ import annotations

import json
from datetime import date

import pytest

from govwatch.cli.main import main
from govwatch.findings import make
from govwatch.registry.model import Account, Registry, Site, Unit
from govwatch.registry.store import import_registry
from govwatch.rules import load_rules
from govwatch.scoring import open_findings_on, recurring_findings, run_scores
from govwatch.store.findings import Scope, record_findings

pytestmark = pytest.mark.integration

D1, D2, D3 = date(2026, 10, 20), date(2026, 11, 20), date(2026, 12, 20)
SCOPE = Scope(checks=frozenset({"homepage_stale", "typo", "media_stale", "column_overdue", "broken_link"}))


def _setup(store):
    sites = [
        Site(id=f"36070000{i:02d}", name=f"网站{i}", url=f"http://s{i}.example.cn/", kind="portal", unit="u1")
        for i in range(1, 5)
    ]
    sites.append(
        Site(
            id="3607000099",
            name="无办事部门",
            url="http://d.example.cn/",
            kind="department",
            unit="u1",
            has_services=False,
        )
    )
    accounts = [
        Account(
            id=f"wx-{i}",
            name=f"账号{i}",
            platform="wechat",
            unit="u1",
            feed_url=f"http://f.example.cn/{i}.xml",
        )
        for i in range(1, 4)
    ]
    import_registry(store, Registry(units=[Unit(id="u1", name="单位")], sites=sites, accounts=accounts))


def _findings(rules, *, with_veto: bool = True):
    out = [
        make(
            rules,
            "typo",
            "site",
            "3607000002",
            f"错字{i}",
            site_id="3607000002",
            unit_id="u1",
            evidence_key=f"w{i}",
        )
        for i in range(90)
    ]  # 45 points raw, capped at 40 → 60, passes
    out += [
        make(rules, "column_overdue", "column", "3607000003/gzdt", "逾期", site_id="3607000003", unit_id="u1")
    ]
    out += [
        make(
            rules,
            "broken_link",
            "site",
            "3607000003",
            f"坏链{i}",
            site_id="3607000003",
            unit_id="u1",
            evidence_key=f"http://x/{i}",
        )
        for i in range(80)
    ]  # 40 raw, function cap 20
    out += [
        make(
            rules,
            "typo",
            "site",
            "3607000003",
            f"错字{i}",
            site_id="3607000003",
            unit_id="u1",
            evidence_key=f"w{i}",
        )
        for i in range(80)
    ]  # publish 1 + 40 → capped 40; total 60 → 40: fails
    out += [
        make(
            rules,
            "typo",
            "site",
            "3607000099",
            f"错字{i}",
            site_id="3607000099",
            unit_id="u1",
            evidence_key=f"w{i}",
        )
        for i in range(30)
    ]  # (75 − 15) × 4/3 = 80
    out += [make(rules, "media_stale", "account", "wx-2", "两周未更新", unit_id="u1")]
    if with_veto:
        out += [
            make(
                rules,
                "homepage_stale",
                "site",
                "3607000001",
                "首页不更新",
                site_id="3607000001",
                unit_id="u1",
            )
        ]
    return out


def test_scores_table_cli_and_recurrence(store, capsys):
    rules = load_rules()
    _setup(store)
    record_findings(store, run_kind="inspect", as_of=D1, scope=SCOPE, findings=_findings(rules))
    res = run_scores(D1, store=store)
    assert res["sites"] == {"checked": 5, "passed": 3, "vetoed": 1, "pass_rate": 60.0}
    assert res["accounts"] == {"checked": 3, "passed": 2, "vetoed": 1, "pass_rate": 66.7}
    first = store.query("SELECT * FROM scores ORDER BY target_type, target_id")
    assert run_scores(D1, store=store) == res
    assert store.query("SELECT * FROM scores ORDER BY target_type, target_id") == first

    assert main(["scores", "--as-of", D1.isoformat(), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"as_of", "sites", "accounts", "totals"}
    by_id = {s["id"]: s for s in data["sites"]}
    assert by_id["3607000001"] == {
        "id": "3607000001",
        "name": "网站1",
        "score": 100.0,
        "vetoed": True,
        "passed": False,
    }
    assert by_id["3607000002"]["score"] == 60.0 and by_id["3607000002"]["passed"] is True
    assert by_id["3607000003"]["score"] == 40.0 and by_id["3607000003"]["passed"] is False
    assert by_id["3607000099"]["score"] == 80.0
    assert data["totals"]["sites"] == {"checked": 5, "passed": 3, "vetoed": 1, "pass_rate": 60.0}
    assert main(["scores", "--as-of", D1.isoformat()]) == 0
    text = capsys.readouterr().out
    assert "合格率 60.0%" in text and "合格率 66.7%" in text and "homepage_stale" in text

    # The veto is rectified on D2 and comes back on D3: the D2 scores no longer see it, D1's still do.
    record_findings(
        store, run_kind="inspect", as_of=D2, scope=SCOPE, findings=_findings(rules, with_veto=False)
    )
    assert run_scores(D2, store=store)["sites"]["vetoed"] == 0
    assert {f["check"] for f in open_findings_on(store, D1) if f["site_id"] == "3607000001"} == {
        "homepage_stale"
    }
    assert run_scores(D1, store=store) == res
    record_findings(store, run_kind="inspect", as_of=D3, scope=SCOPE, findings=_findings(rules))
    assert run_scores(D3, store=store)["sites"]["vetoed"] == 1
    rec = recurring_findings(date(2026, 12, 1), date(2026, 12, 31), store=store)
    assert [(r["check"], r["target_id"], r["recurrences"], r["reopened_on"]) for r in rec] == [
        ("homepage_stale", "3607000001", 1, "2026-12-20")
    ]
    assert recurring_findings(date(2026, 11, 1), date(2026, 11, 30), store=store) == []


def test_scores_needs_as_of(store):
    with pytest.raises(SystemExit) as exc:
        main(["scores"])
    assert exc.value.code == 2
