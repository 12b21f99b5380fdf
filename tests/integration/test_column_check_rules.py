"""The column-update rules at their boundaries (pure functions: no database, no network)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from govwatch.checks.columns import PageObs, SiteObs, check_site
from govwatch.extract.listing import ListingResult
from govwatch.registry.model import Column, Site
from govwatch.rules import Rules, deep_merge, load_rules
from govwatch.settings import from_env

AS_OF = date(2026, 11, 19)
RULES = load_rules(from_env({"GOVWATCH_HOME": "/tmp/gw-rules"}))
SITE = Site(id="3607000099", name="测试网站", url="http://t.example.cn/", kind="portal", unit="u1")


def dated(age: int) -> PageObs:
    d = AS_OF - timedelta(days=age)
    return PageObs(
        url="x", ok=True, status=200, listing=ListingResult(newest_date=d, item_count=3, dated_count=3)
    )


def undated() -> PageObs:
    return PageObs(url="x", ok=True, status=200, listing=ListingResult(item_count=3, dated_count=0))


def blank() -> PageObs:
    return PageObs(url="x", ok=True, status=200, listing=ListingResult(blank=True, blank_reason="暂无信息"))


def col(cid: str, category: str = "news", level: int = 1, max_age: int | None = None) -> Column:
    return Column(id=cid, name=f"栏目{cid}", url=f"http://t.example.cn/{cid}/", category=category, level=level,
                  max_age_days=max_age)  # fmt: skip


def run(columns, home: PageObs | None = None, rules: Rules = RULES):
    obs = SiteObs(site=SITE, home=home or dated(1), columns=columns)
    v = check_site(obs, AS_OF, rules)
    return {(f.check, f.target_id.split("/")[-1]) for f in v.findings}, v


@pytest.mark.parametrize(
    ("age", "expected"),
    [(10, set()), (11, {"column_due_soon"}), (14, {"column_due_soon"}), (15, {"column_overdue"})],
)
def test_news_limit_and_due_soon(age, expected):
    got, _ = run([(col("a"), dated(age))])
    assert {c for c, _ in got} == expected


def test_category_limits_and_override():
    got, _ = run([
        (col("n", "notice"), dated(181)), (col("p", "policy"), dated(180)), (col("o", "other"), dated(366)),
        (col("x", "news", max_age=30), dated(20)),
    ])  # fmt: skip
    assert got == {("column_overdue", "n"), ("column_due_soon", "p"), ("column_overdue", "o")}


def test_columns_not_updated_key_and_any():
    key = [(col(f"k{i}", "notice" if i % 2 else "news"), dated(200)) for i in range(5)]
    got, _ = run(key)
    assert ("columns_not_updated", SITE.id) in got
    # level-2 notices do not count among the key columns; ten overdue columns in all do
    four_key = [(col(f"k{i}"), dated(30)) for i in range(4)] + [(col("l2", "notice", level=2), dated(200))]
    got, _ = run(four_key)
    assert ("columns_not_updated", SITE.id) not in got
    ten = four_key + [(col(f"o{i}", "other"), dated(400)) for i in range(5)]
    got, _ = run(ten)
    assert ("columns_not_updated", SITE.id) in got


def test_blank_columns():
    got, _ = run([(col(f"b{i}", "other"), blank()) for i in range(4)])
    assert ("columns_blank", SITE.id) not in got and len(got) == 4
    got, _ = run([(col(f"b{i}", "other"), blank()) for i in range(5)])
    assert ("columns_blank", SITE.id) in got


def test_extraction_failed_withholds_and_undated_counts_only_beside_dated():
    got, v = run([(col("a"), undated()), (col("b"), undated()), (col("c"), dated(1))])
    assert v.extraction_failed and got == {("extraction_failed", SITE.id)}
    assert "column_overdue" in v.withheld and "homepage_stale" not in v.withheld  # home dates readable
    got, v = run([(col("a"), undated()), (col("b"), dated(1)), (col("c"), dated(1))])
    assert not v.extraction_failed and got == {("column_overdue", "a")}
    got, v = run([(col("a"), undated()), (col("b"), undated())])  # too few pages to call it a failure
    assert not v.extraction_failed and got == set()


def test_homepage():
    got, _ = run([(col("a"), dated(1))], home=dated(15))
    assert ("homepage_stale", SITE.id) in got
    got, v = run([(col("a"), dated(1))], home=PageObs(url="h", ok=False, error="timeout"))
    assert not got and "homepage_stale" in v.withheld
    got, _ = run([(col("a"), dated(1))], home=dated(14))
    assert not got


def test_unreachable_columns_and_profile_override():
    got, _ = run([(col("a"), PageObs(url="x", ok=False, status=404))])
    assert got == {("column_unreachable", "a")}
    strict = Rules(
        raw=deep_merge(RULES.raw, {"columns": {"max_age_days": {"news": 7}, "due_soon_days": 0}}), source="t"
    )
    got, _ = run([(col("a"), dated(8))], rules=strict)
    assert got == {("column_overdue", "a")}


def test_extraction_failure_still_judges_a_readable_home_page():
    cols = [(col("a"), undated()), (col("b"), undated()), (col("c"), undated())]
    got, v = run(cols, home=dated(30))
    assert v.extraction_failed and got == {("extraction_failed", SITE.id), ("homepage_stale", SITE.id)}
    got, v = run(cols, home=undated())
    assert got == {("extraction_failed", SITE.id)} and "homepage_stale" in v.withheld
