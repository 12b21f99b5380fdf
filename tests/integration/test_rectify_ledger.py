"""The rectification ledger against a real PostgreSQL: sync, states, events, CLI list / done."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from govwatch.cli.main import main
from govwatch.findings import make
from govwatch.rectify.ledger import events, list_items, sync
from govwatch.registry.load import load_registry
from govwatch.registry.store import import_registry
from govwatch.rules import load_rules
from govwatch.settings import reset_settings_cache
from govwatch.store.findings import Scope, record_findings

FIX = Path(__file__).resolve().parent.parent / "fixtures"
CHECKS = frozenset({"column_overdue", "column_due_soon", "homepage_stale"})
D0 = date(2026, 11, 16)  # a Monday; due after 5 working days = Monday 2026-11-23

pytestmark = pytest.mark.integration


def _findings(rules, *, column: bool = True, homepage: bool = True, warn: bool = True) -> list:
    out = []
    if column:
        out.append(make(rules, "column_overdue", "column", "3607000012/gzdt", "最新信息 2026-10-01，超过 14 天未更新",
                        site_id="3607000012", unit_id="gzsl",
                        evidence_url="https://slj.ganzhou.gov.cn/col/col1234/index.html"))  # fmt: skip
    if homepage:
        out.append(make(rules, "homepage_stale", "site", "3607000001", "首页最新信息 2026-10-20",
                        site_id="3607000001", unit_id="gzszfb"))  # fmt: skip
    if warn:
        out.append(make(rules, "column_due_soon", "column", "3607000012/tzgg", "距更新期限 2 天",
                        site_id="3607000012", unit_id="gzsl"))  # fmt: skip
    return out


def _record(store, as_of: date, findings: list) -> None:
    record_findings(store, run_kind="columns", as_of=as_of, scope=Scope(checks=CHECKS), findings=findings)


@pytest.fixture
def seeded(store):
    import_registry(store, load_registry(FIX / "registry_small.yaml"))
    rules = load_rules()
    _record(store, D0, _findings(rules))
    return store, rules


def _by_check(items: list[dict]) -> dict[str, dict]:
    return {i["check"]: i for i in items}


def test_sync_makes_items_of_veto_and_deduct_findings_only_and_is_idempotent(seeded):
    store, _ = seeded
    counts = sync(D0, store=store)
    assert counts["created"] == 2
    items = _by_check(list_items(store=store))
    assert set(items) == {"column_overdue", "homepage_stale"}  # the warning is not a ledger item
    col = items["column_overdue"]
    assert (col["unit_id"], col["found_on"], col["due_on"], col["state"]) == (
        "gzsl",
        "2026-11-16",
        "2026-11-23",
        "open",
    )
    assert col["target"] == "赣州市水利局网站「工作动态」栏目"
    before = store.query("SELECT * FROM rectification_events ORDER BY id")
    again = sync(D0, store=store)
    assert again["created"] == 0 and again["unchanged"] == 2
    assert store.query("SELECT * FROM rectification_events ORDER BY id") == before
    # still within the deadline on its due date; overdue the working day after
    assert sync(date(2026, 11, 23), store=store)["overdue"] == 0
    assert sync(date(2026, 11, 24), store=store)["overdue"] == 2
    assert {i["state"] for i in list_items(store=store)} == {"overdue"}
    ev = events(col["id"], store=store)
    assert [(e["from_state"], e["to_state"], e["actor"]) for e in ev] == [(None, "open", "system"),
                                                                          ("open", "overdue", "system")]  # fmt: skip


def test_due_date_counts_state_council_working_days(store):
    import_registry(store, load_registry(FIX / "registry_small.yaml"))
    rules = load_rules()
    _record(store, date(2026, 9, 29), _findings(rules, homepage=False, warn=False))
    sync(date(2026, 9, 29), store=store)
    (item,) = list_items(store=store)
    # 09-30, 10-08, 10-09, 10-10 (调休 Saturday), 10-12: National Day week does not count
    assert item["due_on"] == "2026-10-12"


def test_done_then_verified_by_a_later_check_then_reopened_on_recurrence(seeded, monkeypatch, capsys):
    store, rules = seeded
    monkeypatch.setenv("GOVWATCH_USER", "王科长")
    reset_settings_cache()
    sync(D0, store=store)
    col = _by_check(list_items(store=store))["column_overdue"]
    assert (
        main(["rectify", "done", str(col["id"]), "--note", "已更新工作动态栏目", "--as-of", "2026-11-18"])
        == 0
    )
    item = _by_check(list_items(store=store))["column_overdue"]
    assert item["state"] == "reported" and item["report_note"] == "已更新工作动态栏目"
    last = events(col["id"], store=store)[-1]
    assert (last["actor"], last["from_state"], last["to_state"]) == ("王科长", "open", "reported")
    # The next check no longer sees the column problem (the homepage one stays).
    _record(store, date(2026, 11, 19), _findings(rules, column=False))
    sync(date(2026, 11, 19), store=store)
    item = _by_check(list_items(store=store))["column_overdue"]
    assert (item["state"], item["verified_on"]) == ("verified", "2026-11-19")
    # A report about a verified item is refused; an unknown id is exit 2 with a clear message.
    assert main(["rectify", "done", str(col["id"]), "--as-of", "2026-11-19"]) == 2
    assert main(["rectify", "done", "999999"]) == 2
    assert "999999" in capsys.readouterr().err
    # It comes back: the item reopens with a new deadline counted from the day it was seen again.
    _record(store, date(2026, 11, 26), _findings(rules))
    assert sync(date(2026, 11, 26), store=store)["reopened"] == 1
    item = _by_check(list_items(store=store))["column_overdue"]
    assert (item["state"], item["reopened_on"], item["due_on"], item["recurrences"]) == (
        "open", "2026-11-26", "2026-12-03", 1)  # fmt: skip
    assert item["verified_on"] is None


def test_a_report_contradicted_by_a_later_check_is_rejected(seeded):
    store, rules = seeded
    sync(D0, store=store)
    col = _by_check(list_items(store=store))["column_overdue"]
    from govwatch.rectify.ledger import report_done

    report_done(col["id"], "已整改", as_of=date(2026, 11, 17), actor="tester", store=store)
    _record(store, date(2026, 11, 24), _findings(rules))  # still there, past the due date
    assert sync(date(2026, 11, 24), store=store)["rejected"] == 1
    assert _by_check(list_items(store=store))["column_overdue"]["state"] == "overdue"


def test_cli_list_text_json_xlsx_and_filters(seeded, capsys, tmp_path):
    assert main(["rectify", "list", "--as-of", "2026-11-24", "--format", "json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert len(items) == 2 and {i["state"] for i in items} == {"overdue"}
    assert main(["rectify", "list", "--as-of", "2026-11-24", "--unit", "gzsl", "--format", "json"]) == 0
    assert [i["unit_id"] for i in json.loads(capsys.readouterr().out)] == ["gzsl"]
    assert main(["rectify", "list", "--as-of", "2026-11-24", "--state", "open", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["rectify", "list", "--as-of", "2026-11-24"]) == 0
    text = capsys.readouterr().out
    assert "逾期未整改" in text and "赣州市水利局" in text
    out = tmp_path / "ledger.xlsx"
    assert main(["rectify", "list", "--as-of", "2026-11-24", "--format", "xlsx", "--out", str(out)]) == 0
    ws = load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == (
        "序号",
        "网站/政务新媒体名称",
        "主要存在问题",
        "主办单位",
        "发现日期",
        "整改期限",
        "整改日期",
        "状态",
        "备注",
    )
    assert len(rows) == 3 and rows[1][0] == 1 and rows[1][4] == "2026-11-16" and rows[1][5] == "2026-11-23"
    assert main(["rectify", "list", "--unit", "nosuch"]) == 2


def test_list_without_as_of_shows_a_check_run_ahead_of_the_calendar(store, capsys):
    import_registry(store, load_registry(FIX / "registry_small.yaml"))
    _record(store, date(2030, 3, 11), _findings(load_rules(), warn=False))
    assert main(["rectify", "list", "--format", "json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert {i["found_on"] for i in items} == {"2030-03-11"} and len(items) == 2
    assert main(["rectify", "done", str(items[0]["id"]), "--note", "已整改"]) == 0
    assert _by_check(list_items(store=store))[items[0]["check"]]["reported_on"] == "2030-03-11"
