"""Validation suites on in-memory data: no database, no network (Great Expectations runs locally)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from govwatch.errors import InputError
from govwatch.quality import DATES_EXPECTATION, ValidationGateFailed
from govwatch.quality.engine import Job, run_jobs
from govwatch.quality.report import Failure, SuiteResult, ValidationReport
from govwatch.quality.spec import SuiteContext
from govwatch.quality.suites import SUITE_NAMES, load_suite, resolve
from govwatch.rules import load_rules
from govwatch.settings import from_env

AS_OF = date(2026, 11, 20)


@pytest.fixture(scope="module")
def ctx() -> SuiteContext:
    return SuiteContext(as_of=AS_OF, rules=load_rules(from_env({})))


def _run(suite: str, batch: str, rows: list[dict], ctx: SuiteContext) -> list[Failure]:
    module = load_suite(suite, from_env({}))
    spec = next(b for b in module.BATCHES if b.name == batch)
    frame = pd.DataFrame(rows)
    if spec.prepare:
        frame = spec.prepare(frame, ctx)
    [outcome], docs = run_jobs([Job(suite, batch, frame, spec.expectations(ctx))], root=None, run_name="t")
    assert docs is None
    return outcome.failures + outcome.warnings


def _names(failures: list[Failure]) -> set[str]:
    return {f.name for f in failures}


def test_resolve_suites() -> None:
    assert resolve(None) == list(SUITE_NAMES)
    assert resolve(["scores", "registry"]) == ["registry", "scores"]
    with pytest.raises(InputError, match="nosuch"):
        resolve("nosuch")


def test_every_suite_module_loads() -> None:
    for name in SUITE_NAMES:
        module = load_suite(name, from_env({}))
        assert module.SUITE == name and module.BATCHES


GOOD_SITES = [
    {"key": "3607000012", "id": "3607000012", "url": "https://slj.ganzhou.gov.cn/", "kind": "portal",
     "unit_id": "gzsl", "unknown_unit": None},
    {"key": "bm12345678", "id": "bm12345678", "url": "http://www.example.gov.cn/a?b=1", "kind": "department",
     "unit_id": "gzsl", "unknown_unit": None},
]  # fmt: skip


def test_registry_sites_good(ctx: SuiteContext) -> None:
    assert _run("registry", "sites", GOOD_SITES, ctx) == []


def test_registry_sites_bad(ctx: SuiteContext) -> None:
    bad = [
        *GOOD_SITES,
        {"key": "12345", "id": "12345", "url": "ftp://x.gov.cn/", "kind": "portal", "unit_id": "gone",
         "unknown_unit": "gone"},
        {"key": "bm1234567x", "id": "bm1234567x", "url": "https://slj.ganzhou.gov.cn/", "kind": "blog",
         "unit_id": "gzsl", "unknown_unit": None},
    ]  # fmt: skip
    failures = _run("registry", "sites", bad, ctx)
    by_name = {f.name: f for f in failures}
    assert set(by_name) == {
        "site_id_format", "site_url_format", "site_url_unique", "site_kind_known", "site_unit_known",
    }  # fmt: skip
    assert by_name["site_id_format"].keys == ["12345", "bm1234567x"]
    assert by_name["site_url_unique"].severity == "warning"  # reported, does not fail the suite
    assert by_name["site_unit_known"].values == ["12345: unknown_unit=gone"]
    assert by_name["site_id_format"].expectation_type == "expect_column_values_to_match_regex"
    assert "网站标识码" in by_name["site_id_format"].reason


def test_registry_contacts(ctx: SuiteContext) -> None:
    rows = [
        {"key": "gzsl#1", "unit_id": "gzsl", "role": "primary", "email": "zs@example.cn", "mobile": "13800000000",
         "channel": "zs@example.cn"},
        {"key": "gzsl#2", "unit_id": "gzsl", "role": "backup", "email": "not-an-email", "mobile": None,
         "channel": "not-an-email"},
        {"key": "gzsl#3", "unit_id": "gzsl", "role": "primary", "email": None, "mobile": "1380013800",
         "channel": "1380013800"},
        {"key": "gzsl#4", "unit_id": "gzsl", "role": "boss", "email": None, "mobile": None, "channel": None},
    ]  # fmt: skip
    failures = {f.name: f for f in _run("registry", "contacts", rows, ctx)}
    assert set(failures) == {"contact_email_format", "contact_mobile_format", "contact_has_channel",
                             "contact_role_known"}  # fmt: skip
    assert failures["contact_has_channel"].keys == ["gzsl#4"]
    assert failures["contact_email_format"].keys == ["gzsl#2"]


def _site_row(site: str, pages: int, dated: int, ratio: float = 1.0) -> dict:
    share = round(dated / pages, 4) if pages >= 3 else None
    return {"key": f"columns {site}", "run_kind": "columns", "site_id": site, "fetches": pages + 1,
            "fetched_ok": pages + 1, "listing_pages": pages, "dated_pages": dated, "fetch_ok_ratio": ratio,
            "dated_share": share}  # fmt: skip


def test_observations_dates_lost_fails_by_name(ctx: SuiteContext) -> None:
    rows = [_site_row("3607000012", 5, 5), _site_row("3607000099", 5, 0), _site_row("3607000077", 2, 0)]
    failures = _run("observations", "sites", rows, ctx)
    assert _names(failures) == {DATES_EXPECTATION}
    # Too few pages to judge (3607000077) is not a failure; the site that lost its dates is named.
    assert failures[0].keys == ["columns 3607000099"]


def test_observations_threshold_agrees_with_extraction_failed(ctx: SuiteContext) -> None:
    # extraction_failed fires at ≥ 60 % undated pages: 2 of 5 dated (60 % undated) fails, 3 of 5 passes.
    assert _names(_run("observations", "sites", [_site_row("3607000012", 5, 2)], ctx)) == {DATES_EXPECTATION}
    assert _run("observations", "sites", [_site_row("3607000012", 5, 3)], ctx) == []


def test_observations_fetch_ratio(ctx: SuiteContext) -> None:
    # One site down among five is its own finding: reported as a warning, the run stands.
    rows = [_site_row(f"360700001{i}", 5, 5) for i in range(4)] + [_site_row("3607000099", 5, 5, ratio=0.2)]
    failures = _run("observations", "sites", rows, ctx)
    assert [(f.name, f.severity, f.keys) for f in failures] == [
        ("site_fetch_success_ratio", "warning", ["columns 3607000099"])
    ]
    # Most sites failing at once: the monitor's network, not the sites — the run fails.
    rows = [_site_row(f"360700001{i}", 5, 5, ratio=0.0) for i in range(4)] + [_site_row("3607000099", 5, 5)]
    failures = {f.name: f for f in _run("observations", "sites", rows, ctx)}
    assert set(failures) == {"site_fetch_success_ratio", "fetch_success_most_sites"}
    assert failures["fetch_success_most_sites"].severity == "critical"


def test_observations_feeds(ctx: SuiteContext) -> None:
    def rows(unread: int) -> list[dict]:
        return [
            {
                "key": f"columns wx-{i}",
                "run_kind": "columns",
                "account_id": f"wx-{i}",
                "feed_read": i >= unread,
            }
            for i in range(5)
        ]

    assert [(f.name, f.severity) for f in _run("observations", "feeds", rows(1), ctx)] == [
        ("account_feed_read", "warning")
    ]
    failures = {f.name: f for f in _run("observations", "feeds", rows(3), ctx)}
    assert failures["feeds_read_most_accounts"].severity == "critical"
    assert failures["account_feed_read"].keys == ["columns wx-0", "columns wx-1", "columns wx-2"]


def test_observations_fetches(ctx: SuiteContext) -> None:
    base = {"run_kind": "columns", "target_type": "column", "target_id": "3607000012/a", "site_id": "3607000012",
            "ok": True, "error": None, "item_count": 10, "dated_count": 10}  # fmt: skip
    rows = [
        {**base, "key": "columns https://a/1", "status": 200, "newest_date": date(2026, 11, 19),
         "status_or_error": "200"},
        {**base, "key": "columns https://a/2", "status": 999, "newest_date": date(2026, 11, 21),
         "status_or_error": "999"},
        {**base, "key": "columns https://a/3", "status": None, "ok": False, "newest_date": None,
         "status_or_error": None, "item_count": None, "dated_count": None},
        {**base, "key": "columns https://a/4", "status": 200, "newest_date": None, "status_or_error": "200",
         "item_count": 3, "dated_count": 4},
    ]  # fmt: skip
    failures = {f.name: f for f in _run("observations", "fetches", rows, ctx)}
    assert set(failures) == {"http_status_in_range", "newest_date_not_after_as_of", "failed_fetch_has_error",
                             "dated_items_within_items"}  # fmt: skip
    assert failures["newest_date_not_after_as_of"].values == ["columns https://a/2: newest_date=2026-11-21"]


def _finding(**kw: object) -> dict:
    row = {"key": "#1", "id": 1, "check_code": "column_overdue", "severity": "deduct",
           "check_severity": "column_overdue:deduct", "points": 1.0, "target_type": "column",
           "target_id": "3607000012/gzdt", "target_key": "column:3607000012/gzdt", "site_id": "3607000012",
           "target_site": "3607000012", "points_without_deduct": None, "evidence": "最新信息 2026-10-01",
           "evidence_key": "", "evidence_url": None}  # fmt: skip
    row.update(kw)
    return row


def test_findings_good_and_bad(ctx: SuiteContext) -> None:
    good = [_finding(), _finding(key="#2", id=2, evidence="联系电话 138****1234")]
    assert _run("findings", "findings", good, ctx) == []
    bad = [
        *good,
        _finding(key="#3", id=3, evidence="联系人 张三 13812345678"),
        _finding(key="#4", id=4, check_code="made_up", check_severity="made_up:deduct"),
        _finding(key="#5", id=5, target_id="3607/x", target_key="column:3607/x", target_site="3607"),
        _finding(key="#6", id=6, severity="veto", check_severity="column_overdue:veto"),
    ]
    failures = {f.name: f for f in _run("findings", "findings", bad, ctx)}
    assert set(failures) == {"evidence_masked", "check_code_known", "severity_matches_rules", "target_id_format",
                             "target_matches_site"}  # fmt: skip
    masked = failures["evidence_masked"]
    assert masked.keys == ["#3"] and masked.values == ["#3: unmasked_personal_data=evidence:mobile"]
    assert "13812345678" not in str(failures)


def test_allowed_severities_follow_rules(ctx: SuiteContext) -> None:
    findings = load_suite("findings", from_env({}))
    pairs = findings.allowed_severities(ctx)
    assert {"site_unreachable:veto", "site_unreachable:warn", "broken_link:warn", "dark_link:veto",
            "dark_link:deduct", "extraction_failed:warn"} <= set(pairs)  # fmt: skip
    assert "column_overdue:veto" not in pairs
    assert findings.personal_data_kinds("身份证 360702199001011234，卡 6222021234567890123") == [
        "id_number", "bank_card"]  # fmt: skip
    assert findings.personal_data_kinds("3607**********1234 138****1234") == []


def test_scores(ctx: SuiteContext) -> None:
    rows = [
        {"key": "site a", "target_type": "site", "target_id": "3607000012", "score": 95.0, "vetoed": False,
         "passed": True, "pass_expected": True, "unknown_target": None},
        {"key": "site b", "target_type": "site", "target_id": "3607000013", "score": 55.0, "vetoed": False,
         "passed": True, "pass_expected": False, "unknown_target": None},
        {"key": "site c", "target_type": "site", "target_id": "3607000014", "score": 140.0, "vetoed": False,
         "passed": True, "pass_expected": True, "unknown_target": None},
        {"key": "account d", "target_type": "account", "target_id": "wx-a", "score": None, "vetoed": True,
         "passed": False, "pass_expected": False, "unknown_target": None},
    ]  # fmt: skip
    failures = {f.name: f for f in _run("scores", "scores", rows, ctx)}
    assert set(failures) == {"pass_rule", "score_in_range"}
    assert failures["pass_rule"].keys == ["site b"]
    assert failures["score_in_range"].keys == ["site c"]


def test_report_text_and_gate_message() -> None:
    fail = Failure("observations", "sites", DATES_EXPECTATION, "expect_column_values_to_be_between",
                   "dated_share", "原因 / reason", values=["columns 3607000099: dated_share=0"],
                   unexpected_count=1, keys=["columns 3607000099"])  # fmt: skip
    report = ValidationReport(
        as_of=AS_OF, success=False, data_docs_path="/x/index.html",
        results={"observations": SuiteResult("observations", "t", False, 8, [fail])},
    )  # fmt: skip
    text = report.text()
    assert "observations.sites · column_pages_dated_share · expect_column_values_to_be_between" in text
    assert "dated_share" in text and "/x/index.html" in text
    assert report.summary()["failed"] == ["observations.sites:column_pages_dated_share"]
    exc = ValidationGateFailed(report)
    assert isinstance(exc, Exception) and exc.report is report
    assert DATES_EXPECTATION in str(exc)


def test_gx_runs_offline_and_builds_data_docs(
    ctx: SuiteContext, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import socket

    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None, a))  # type: ignore[arg-type]
    module = load_suite("registry", from_env({}))  # imports GX through govwatch.quality._gx
    assert os.environ["GX_ANALYTICS_ENABLED"] == "false"
    spec = next(b for b in module.BATCHES if b.name == "sites")
    job = Job("registry", "sites", pd.DataFrame(GOOD_SITES), spec.expectations(ctx))
    [outcome], docs = run_jobs([job], root=tmp_path / "gx", run_name="as_of=2026-11-20")
    assert outcome.failures == [] and attempts == []
    assert docs == str(tmp_path / "gx" / "data_docs" / "index.html")
    page = next((tmp_path / "gx" / "data_docs" / "validations").rglob("*.html")).read_text(encoding="utf-8")
    assert "https://cdn" not in page and "govwatch:offline" in page
