"""`govwatch validate` and the DAG gate against a real PostgreSQL store."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from govwatch.cli.main import main
from govwatch.findings import make
from govwatch.quality import DATES_EXPECTATION, ValidationGateFailed, gate, run_validation, withheld_sites
from govwatch.registry.load import load_registry
from govwatch.registry.store import import_registry
from govwatch.rules import load_rules
from govwatch.store.db import Store
from govwatch.store.findings import Scope, record_findings

AS_OF = date(2026, 11, 20)
HEALTHY = "3607000012"
BROKEN = "3607000099"

REGISTRY = """
units:
  - id: gzsl
    name: 赣州市水利局
    contacts:
      - {name: 张三, email: zs@example.cn, mobile: "13800000000"}
  - id: gzjy
    name: 赣州市教育局
    contacts:
      - {name: 李四, email: ls@example.cn}
sites:
  - id: "3607000012"
    name: 赣州市水利局网站
    url: https://slj.example.gov.cn/
    kind: department
    unit: gzsl
    columns:
      - {id: gzdt, name: 工作动态, url: "https://slj.example.gov.cn/gzdt/", category: news}
      - {id: tzgg, name: 通知公告, url: "https://slj.example.gov.cn/tzgg/", category: notice}
      - {id: zcwj, name: 政策文件, url: "https://slj.example.gov.cn/zcwj/", category: policy}
      - {id: zcjd, name: 政策解读, url: "https://slj.example.gov.cn/zcjd/", category: interpretation}
  - id: "3607000099"
    name: 赣州市教育局网站
    url: https://jyj.example.gov.cn/
    kind: department
    unit: gzjy
    columns:
      - {id: gzdt, name: 工作动态, url: "https://jyj.example.gov.cn/gzdt/", category: news}
      - {id: tzgg, name: 通知公告, url: "https://jyj.example.gov.cn/tzgg/", category: notice}
      - {id: zcwj, name: 政策文件, url: "https://jyj.example.gov.cn/zcwj/", category: policy}
      - {id: zcjd, name: 政策解读, url: "https://jyj.example.gov.cn/zcjd/", category: interpretation}
accounts:
  - {id: wx-slj, name: 赣州水利, platform: wechat, unit: gzsl, feed_url: "https://feeds.example.cn/slj.xml"}
"""


@pytest.fixture
def registry(store: Store, tmp_path: Path) -> Store:
    path = tmp_path / "registry.yaml"
    path.write_text(REGISTRY, encoding="utf-8")
    import_registry(store, load_registry(path))
    return store


def _observe(store: Store, site: str, *, dated: bool, run_kind: str = "columns", as_of: date = AS_OF) -> None:
    """One run's fetches of a site: home page and four column pages that load and list 20 items each."""
    host = "slj" if site == HEALTHY else "jyj"
    rows = [("site", site, f"https://{host}.example.gov.cn/", 20, 20 if dated else 0)]
    for col in ("gzdt", "tzgg", "zcwj", "zcjd"):
        rows.append(
            ("column", f"{site}/{col}", f"https://{host}.example.gov.cn/{col}/", 20, 20 if dated else 0)
        )
    with store.tx() as cur:
        for target_type, target_id, url, items, dated_count in rows:
            cur.execute(
                "INSERT INTO observations (run_kind, as_of, target_type, target_id, site_id, url, final_url,"
                " status, ok, elapsed_ms, newest_date, item_count, dated_count)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, 200, true, 35, %s, %s, %s)",
                (run_kind, as_of, target_type, target_id, site, url, url,
                 date(2026, 11, 18) if dated_count else None, items, dated_count),
            )  # fmt: skip


def _healthy_run(store: Store) -> None:
    _observe(store, HEALTHY, dated=True)
    _observe(store, BROKEN, dated=True)
    rules = load_rules()
    found = [
        make(rules, "column_overdue", "column", f"{HEALTHY}/zcjd", "最新信息 2025-10-01，超过 365 天未更新",
             site_id=HEALTHY, unit_id="gzsl"),
        make(rules, "media_stale", "account", "wx-slj", "14 天内无更新；联系人 13812345678", unit_id="gzsl"),
    ]  # fmt: skip
    record_findings(store, run_kind="columns", as_of=AS_OF, scope=Scope(frozenset(["column_overdue", "media_stale"])),
                    findings=found)  # fmt: skip


def test_healthy_run_passes_and_keeps_data_docs(
    registry: Store, gw_env: Path, capsys: pytest.CaptureFixture
) -> None:
    _healthy_run(registry)
    assert main(["validate", "--as-of", AS_OF.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "全部通过 / every suite passed" in out
    for suite in ("registry", "observations", "findings", "scores"):
        assert f"[通过 / passed] {suite}" in out
    index = gw_env / "gx" / "data_docs" / "index.html"
    assert index.is_file() and f"Data Docs: {index}" in out
    assert "registry.sites" in index.read_text(encoding="utf-8")
    # The run is recorded, and the gate passes with a JSON-able summary.
    runs = registry.query("SELECT kind, status, stats FROM runs WHERE kind = 'validate'")
    assert runs and runs[0]["stats"]["success"] is True
    kept = sorted(p.relative_to(gw_env) for p in (gw_env / "gx" / "validations").rglob("*.json"))
    assert len(kept) == 10  # one result per batch: registry 5, observations 3, findings 1, scores 1
    summary = gate(AS_OF, ["observations", "findings"], store=registry)
    assert summary["success"] is True and summary["failed"] == []
    assert withheld_sites(AS_OF, store=registry) == []
    # Re-running a date replaces its results; the suites not run stay listed in the Data Docs.
    after = sorted(p.relative_to(gw_env) for p in (gw_env / "gx" / "validations").rglob("*.json"))
    assert len(after) == 10 and after != kept
    html = index.read_text(encoding="utf-8")
    assert "registry.sites" in html and "scores.scores" in html
    # Offline: the index lists the kept results in plain HTML, and no page loads anything from outside.
    assert "govwatch 数据校验结果" in html and "as_of=2026-11-20" in html
    for page in (gw_env / "gx" / "data_docs").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"(src=\"|url\(['\"]?)https?://", text), page
        assert not re.search(r"<link[^>]*href=\"https?://", text), page


def test_site_that_lost_its_dates_fails_the_gate(
    registry: Store, gw_env: Path, capsys: pytest.CaptureFixture
) -> None:
    _observe(registry, HEALTHY, dated=True)
    _observe(registry, BROKEN, dated=False)  # pages load and list items, but no date can be read
    assert main(["validate", "--as-of", AS_OF.isoformat(), "--suite", "observations"]) == 1
    out = capsys.readouterr().out
    assert "[未通过 / FAILED] observations" in out
    assert f"observations.sites · {DATES_EXPECTATION} · expect_column_values_to_be_between" in out
    assert "dated_share" in out and f"columns {BROKEN}: dated_share=0" in out
    assert f"columns {HEALTHY}" not in out
    assert withheld_sites(AS_OF, store=registry) == [BROKEN]
    with pytest.raises(ValidationGateFailed) as err:
        gate(AS_OF, ["observations"], store=registry)
    assert err.value.report.failed_names() == [f"observations.sites:{DATES_EXPECTATION}"]
    assert DATES_EXPECTATION in str(err.value) and BROKEN in str(err.value)
    # Another as-of date is not affected by this run's observations.
    _observe(registry, HEALTHY, dated=True, as_of=date(2026, 11, 23))
    assert main(["validate", "--as-of", "2026-11-23", "--suite", "observations"]) == 0


def test_unmasked_mobile_in_evidence_fails_findings(
    registry: Store, gw_env: Path, capsys: pytest.CaptureFixture
) -> None:
    _healthy_run(registry)
    # Written with SQL on purpose: record_findings would have masked it.
    registry.execute(
        "INSERT INTO findings (check_code, severity, points, target_type, target_id, site_id, unit_id, evidence,"
        " first_seen, last_seen) VALUES ('privacy_leak', 'deduct', 2, 'site', %s, %s, 'gzsl',"
        " '页面公开了手机号 13912345678', %s, %s)",
        (HEALTHY, HEALTHY, AS_OF, AS_OF),
    )
    assert main(["validate", "--as-of", AS_OF.isoformat(), "--suite", "findings"]) == 1
    out = capsys.readouterr().out
    assert "evidence_masked" in out and "unmasked_personal_data=evidence:mobile" in out
    assert "13912345678" not in out
    docs = gw_env / "gx"
    assert not any("13912345678" in p.read_text(errors="ignore") for p in docs.rglob("*") if p.is_file())


def test_bad_registry_rows_fail_registry_suite(
    registry: Store, gw_env: Path, capsys: pytest.CaptureFixture
) -> None:
    assert run_validation(AS_OF, "registry", store=registry).success
    with registry.tx() as cur:  # rows the importer would have refused
        cur.execute("UPDATE units SET active = false WHERE id = 'gzjy'")
        cur.execute("INSERT INTO sites (id, name, url, kind, unit_id, has_services) VALUES"
                    " ('36070', '坏网站', 'ftp://bad.example.cn', 'portal', 'gzsl', true)")  # fmt: skip
        cur.execute(
            "INSERT INTO contacts (unit_id, seq, name, email) VALUES ('gzsl', 5, '王五', 'wangwu-at-example')"
        )
        cur.execute("INSERT INTO accounts (id, name, platform, unit_id, feed_url) VALUES"
                    " ('bad id', '坏账号', 'weibo', 'gzsl', 'feed.xml')")  # fmt: skip
    report = run_validation(AS_OF, "registry", store=registry)
    assert not report.success
    names = {f.name for f in report.failures}
    assert {"site_id_format", "site_url_format", "site_unit_known", "contact_email_format", "account_id_format",
            "account_feed_url_format"} <= names  # fmt: skip
    unit_known = next(f for f in report.failures if f.name == "site_unit_known")
    assert unit_known.keys == [BROKEN]


def test_scores_pass_rule(registry: Store, gw_env: Path, capsys: pytest.CaptureFixture) -> None:
    with registry.tx() as cur:
        cur.execute("INSERT INTO scores (as_of, target_type, target_id, score, vetoed, passed) VALUES"
                    " (%s, 'site', %s, 92, false, true), (%s, 'site', %s, 55, false, true),"
                    " (%s, 'account', 'wx-slj', 100, true, false)",
                    (AS_OF, HEALTHY, AS_OF, BROKEN, AS_OF))  # fmt: skip
    report = run_validation(AS_OF, "scores", store=registry)
    assert [f.name for f in report.failures] == ["pass_rule"]
    assert report.failures[0].keys == [f"site {BROKEN}"]
    assert main(["validate", "--as-of", AS_OF.isoformat(), "--suite", "scores", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    [failure] = data["results"]["scores"]["failures"]
    assert (
        data["success"] is False
        and failure["name"] == "pass_rule"
        and failure["column"] == "passed, pass_expected"
    )


def test_unknown_suite_is_bad_input(gw_env: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["validate", "--as-of", AS_OF.isoformat(), "--suite", "nosuch"]) == 2
    assert "nosuch" in capsys.readouterr().err
