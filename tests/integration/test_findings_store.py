"""The finding lifecycle (contract §4): one row per target/check/key, idempotent re-runs, rectification,
recurrence, and withheld sites."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from govwatch.cli.main import main
from govwatch.findings import make
from govwatch.registry.load import load_registry
from govwatch.registry.store import import_registry
from govwatch.rules import load_rules
from govwatch.store.findings import Scope, list_findings, record_findings

pytestmark = pytest.mark.integration
FIX = Path(__file__).resolve().parent.parent / "fixtures"
SITE = "3607000012"
COLUMN_CHECKS = frozenset({"column_overdue", "column_blank"})


def _overdue(rules, col: str = "gzdt", evidence: str = "最新信息 2026-10-01，超过 14 天未更新"):
    return make(rules, "column_overdue", "column", f"{SITE}/{col}", evidence, site_id=SITE, unit_id="gzsl")


def _state(store):
    return (
        store.query("SELECT * FROM findings ORDER BY id"),
        store.query("SELECT * FROM finding_sightings ORDER BY 1, 2, 3"),
        store.query("SELECT finding_id, as_of, event FROM finding_events ORDER BY 1, 2, 3"),
    )


@pytest.fixture
def rules(gw_env):
    return load_rules()


@pytest.fixture
def registry(store):
    import_registry(store, load_registry(FIX / "registry_small.yaml"))


def test_rerun_same_date_changes_nothing(store, rules, registry):
    scope = Scope(checks=COLUMN_CHECKS)
    d = date(2026, 11, 19)
    assert record_findings(store, run_kind="columns", as_of=d, scope=scope, findings=[_overdue(rules)])["new"] == 1
    before = _state(store)
    record_findings(store, run_kind="columns", as_of=d, scope=scope, findings=[_overdue(rules)])
    after = _state(store)
    # updated_at is the only column allowed to differ; it does not, since nothing changed
    assert before == after


def test_rectified_then_recurring(store, rules, registry):
    scope = Scope(checks=COLUMN_CHECKS)
    record_findings(store, run_kind="columns", as_of=date(2026, 11, 16), scope=scope, findings=[_overdue(rules)])
    record_findings(store, run_kind="columns", as_of=date(2026, 11, 19), scope=scope, findings=[_overdue(rules)])
    counts = record_findings(store, run_kind="columns", as_of=date(2026, 11, 23), scope=scope, findings=[])
    assert counts["rectified"] == 1
    [f] = list_findings(store)
    assert (f["status"], f["first_seen"], f["last_seen"], f["rectified_on"]) == (
        "rectified", "2026-11-16", "2026-11-19", "2026-11-23")  # fmt: skip
    counts = record_findings(store, run_kind="columns", as_of=date(2026, 11, 26), scope=scope, findings=[_overdue(rules)])
    assert counts["reopened"] == 1
    [f] = list_findings(store)
    assert f["status"] == "open" and f["recurrences"] == 1 and f["last_seen"] == "2026-11-26"
    events = [e["event"] for e in store.query("SELECT event FROM finding_events ORDER BY as_of")]
    assert events == ["opened", "rectified", "reopened"]


def test_backfill_of_earlier_date_does_not_rectify(store, rules, registry):
    scope = Scope(checks=COLUMN_CHECKS)
    record_findings(store, run_kind="columns", as_of=date(2026, 11, 19), scope=scope, findings=[_overdue(rules)])
    record_findings(store, run_kind="columns", as_of=date(2026, 11, 12), scope=scope, findings=[])
    [f] = list_findings(store)
    assert f["status"] == "open" and f["first_seen"] == "2026-11-19"


def test_withheld_and_out_of_scope_findings_are_untouched(store, rules, registry):
    record_findings(
        store, run_kind="columns", as_of=date(2026, 11, 16), scope=Scope(checks=COLUMN_CHECKS), findings=[_overdue(rules)]
    )
    withheld = Scope(checks=COLUMN_CHECKS, withheld=frozenset({(SITE, "column_overdue")}))
    assert record_findings(store, run_kind="columns", as_of=date(2026, 11, 19), scope=withheld, findings=[])["rectified"] == 0
    other_site = Scope(checks=COLUMN_CHECKS, sites=frozenset({"3607000001"}))
    assert record_findings(store, run_kind="columns", as_of=date(2026, 11, 19), scope=other_site, findings=[])["rectified"] == 0
    assert list_findings(store)[0]["status"] == "open"


def test_evidence_is_masked_and_json_matches_contract(store, rules, registry, capsys):
    leak = make(
        rules, "privacy_leak", "site", SITE, "公示名单含身份证号 360702199003071234 与手机 13812341234",
        site_id=SITE, unit_id="gzsl", evidence_key="id:360702199003071234",
        evidence_url="https://slj.ganzhou.gov.cn/gs.html?tel=13812341234",
    )  # fmt: skip
    record_findings(store, run_kind="inspect", as_of=date(2026, 11, 20), scope=Scope(checks=frozenset({"privacy_leak"})), findings=[leak])
    assert main(["findings", "--as-of", "2026-11-20", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert "360702199003071234" not in out and "13812341234" not in out
    assert "3607**********1234" in out and "138****1234" in out
    import json

    [f] = json.loads(out)
    for key in ("id", "check", "severity", "points", "target_type", "target_id", "site_id", "unit_id",
                "first_seen", "last_seen", "status", "evidence_url", "evidence"):  # fmt: skip
        assert key in f
    assert f["severity"] == "deduct" and f["points"] == 2.0
    stored = store.query("SELECT evidence, evidence_key, evidence_url FROM findings")[0]
    assert all("13812341234" not in v and "360702199003071234" not in v for v in stored.values())


def test_findings_as_of_and_open_filters(store, rules, registry, capsys):
    scope = Scope(checks=COLUMN_CHECKS)
    record_findings(store, run_kind="columns", as_of=date(2026, 11, 16), scope=scope, findings=[_overdue(rules), _overdue(rules, "tzgg")])
    record_findings(store, run_kind="columns", as_of=date(2026, 11, 19), scope=scope, findings=[_overdue(rules)])
    assert len(list_findings(store, as_of=date(2026, 11, 16))) == 2
    assert [f["target_id"] for f in list_findings(store, as_of=date(2026, 11, 19))] == [f"{SITE}/gzdt"]
    assert len(list_findings(store, open_only=True)) == 1
    assert main(["findings", "--open", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("id,check,severity") and len(lines) == 2
