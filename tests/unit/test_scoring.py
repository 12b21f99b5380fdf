"""Scores: caps per indicator, one deduction per problem, the no-service scale, vetoes, 合格率."""

from __future__ import annotations

from govwatch.rules import load_rules
from govwatch.scoring.compute import pass_rate, score_account, score_site, totals


def _f(check, severity="deduct", points=1.0, indicator="publish", key="", target="s1"):
    return {
        "check": check,
        "severity": severity,
        "points": points,
        "indicator": indicator,
        "target_type": "site",
        "target_id": target,
        "evidence_key": key,
    }


def test_pass_rates_round_half_up():
    assert pass_rate(54, 58) == 93.1
    assert pass_rate(310, 316) == 98.1
    assert pass_rate(1, 8) == 12.5 and pass_rate(1, 16) == 6.3  # 6.25 → 6.3, not banker's 6.2
    assert pass_rate(0, 0) is None


def test_caps_dedup_and_warnings():
    rules = load_rules()
    typos = [_f("typo", points=0.5, key=f"w{i}") for i in range(100)]  # 50 points raw, publish cap 40
    s = score_site(rules, "s1", typos, has_services=True)
    assert (
        s.details["deductions"]["publish"]["raw"] == 50 and s.details["deductions"]["publish"]["capped"] == 40
    )
    assert s.score == 60 and s.passed and not s.vetoed
    # One column both unreachable (function) and overdue (publish): deducted under one indicator only.
    same = [
        _f("column_unreachable", points=1.0, indicator="function", target="s1/c"),
        _f("column_overdue", points=1.0, indicator="publish", target="s1/c"),
        _f("broken_link", severity="warn", points=0, indicator="function", key="http://y/"),
    ]
    s = score_site(rules, "s1", same, has_services=True)
    assert s.score == 99.0 and sum(v["count"] for v in s.details["deductions"].values()) == 1
    # One interpretation both unlinked and late (same indicator): two shortcomings, both deducted.
    pair = [
        _f("interpretation_unlinked", key="http://s/jd/1", target="s1/zcjd"),
        _f("interpretation_late", key="http://s/jd/1", target="s1/zcjd"),
    ]
    assert score_site(rules, "s1", pair, has_services=True).score == 98.0
    s = score_site(
        rules,
        "s1",
        typos + [_f("column_unreachable", points=1.0, indicator="function", key="c")],
        has_services=True,
    )
    assert s.score == 59.0 and not s.passed


def test_veto_fails_whatever_the_score():
    rules = load_rules()
    s = score_site(rules, "s1", [_f("homepage_stale", severity="veto", points=0)], has_services=True)
    assert s.vetoed and not s.passed and s.score == 100
    assert score_site(
        rules, "s1", [_f("site_unreachable", severity="warn", points=0)], has_services=True
    ).passed


def test_department_without_services_is_scaled():
    rules = load_rules()
    findings = [_f("typo", points=0.5, key=f"w{i}") for i in range(30)]  # 15 points
    s = score_site(rules, "s1", findings, has_services=False)
    assert s.score == 80.0  # (75 − 15) × 4/3
    assert score_site(rules, "s1", [], has_services=False).score == 100.0


def test_accounts_and_totals():
    rules = load_rules()
    a = score_account(rules, "a1", [{**_f("media_infrequent", indicator="media"), "target_type": "account"}])
    assert a.passed and a.score == 99.0
    b = score_account(
        rules, "a2", [{**_f("media_stale", severity="veto", points=0), "target_type": "account"}]
    )
    assert b.vetoed and not b.passed
    assert totals([a, b]) == {"checked": 2, "passed": 1, "vetoed": 1, "pass_rate": 50.0}


def test_jiangxi_profile_extends_national():
    from govwatch.settings import REPO_ROOT, from_env

    settings = from_env({"GOVWATCH_RULES": str(REPO_ROOT / "include/rules/jiangxi.yaml")})
    rules = load_rules(settings)
    assert rules.get("name") == "jiangxi"
    assert rules.get("replies.max_list_pages") == 5 and "诉求" in rules.get("interaction.words")
    # Everything it does not set comes from the national profile.
    assert rules.get("indicators.publish.points") == 40 and rules.severity("site_unreachable") == "veto"
