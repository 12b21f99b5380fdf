"""Scores as pure functions of open findings and the rules profile (contract §5, standards.md).

* A site passes when it has no veto finding and its score ≥ ``scoring.pass_mark`` (60).
* Score = ``full_marks`` − deductions, where each indicator's deductions are capped at its points and a
  problem deducted under one indicator is not deducted again under another (same target and evidence
  key seen by checks of two indicators: the larger deduction counts).
* A department without public services is scored on the other indicators (out of 75) and scaled
  (``scoring.no_service_scale``, ×4/3).
* An account passes when it has no veto. Warnings never count.
* 合格率 = passed ÷ checked × 100, one decimal, rounded half up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from govwatch.rules import Rules


@dataclass
class Score:
    target_type: str
    target_id: str
    score: float
    vetoed: bool
    passed: bool
    details: dict[str, Any] = field(default_factory=dict)


def pass_rate(passed: int, checked: int) -> float | None:
    """合格率 in percent with one decimal (ROUND_HALF_UP); None when nothing was checked."""
    if checked <= 0:
        return None
    value = (Decimal(passed) * 100 / Decimal(checked)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(value)


def _problem_key(f: Mapping[str, Any]) -> tuple[str, str, str]:
    # One target and one evidence key is one problem (one page, one link, one message, one column).
    return (f.get("target_type", ""), f.get("target_id", ""), f.get("evidence_key") or "")


def deductions(
    rules: Rules, findings: Iterable[Mapping[str, Any]], *, skip_indicators: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """Deductions per indicator after de-duplication and caps: {indicator: {raw, capped, cap, count}}.

    A problem seen by checks of two indicators (a column both unreachable and overdue) is deducted under
    one of them only — the one that costs more; checks of the same indicator on one problem (an
    interpretation both unlinked and late) are separate shortcomings and each count.
    """
    indicators: dict[str, Any] = rules.get("indicators", {}) or {}
    groups: dict[tuple[str, str, str], dict[str, list[Mapping[str, Any]]]] = {}
    for f in findings:
        if f.get("severity") != "deduct" or float(f.get("points") or 0) <= 0:
            continue
        ind = f.get("indicator") or "other"
        if ind in skip_indicators:
            continue
        groups.setdefault(_problem_key(f), {}).setdefault(ind, []).append(f)
    out: dict[str, Any] = {}
    for by_ind in groups.values():
        # Deterministic choice: the larger deduction, then the indicator name.
        ind, fs = max(by_ind.items(), key=lambda kv: (sum(float(x.get("points") or 0) for x in kv[1]), kv[0]))
        slot = out.setdefault(ind, {"raw": 0.0, "count": 0})
        seen_checks: set[str] = set()
        for f in fs:
            if f.get("check") in seen_checks:
                continue  # the same check twice on one problem cannot happen in the store; be safe
            seen_checks.add(str(f.get("check")))
            slot["raw"] += float(f.get("points") or 0)
            slot["count"] += 1
    for ind, slot in out.items():
        spec = indicators.get(ind) or {}
        cap = spec.get("points")
        slot["cap"] = float(cap) if cap is not None else None
        slot["capped"] = round(min(slot["raw"], float(cap)) if cap is not None else slot["raw"], 2)
        slot["raw"] = round(slot["raw"], 2)
    return out


def score_site(
    rules: Rules, site_id: str, findings: Iterable[Mapping[str, Any]], *, has_services: bool
) -> Score:
    """Score one site from its open findings (site and column targets)."""
    rows = list(findings)
    full = float(rules.get("scoring.full_marks", 100))
    pass_mark = float(rules.get("scoring.pass_mark", 60))
    vetoes = sorted({f["check"] for f in rows if f.get("severity") == "veto"})
    # New-media indicators never apply to a website; 办事服务 not to a department without services.
    skip = frozenset({"media"}) if has_services else frozenset({"media", "service"})
    ded = deductions(rules, rows, skip_indicators=skip)
    total = sum(v["capped"] for v in ded.values())
    if has_services:
        score = full - total
    else:
        service_points = float((rules.get("indicators.service") or {}).get("points", 25))
        scale = float(rules.get("scoring.no_service_scale", full / (full - service_points)))
        score = (full - service_points - total) * scale
    score = round(max(0.0, min(full, score)), 2)
    vetoed = bool(vetoes)
    return Score(
        "site",
        site_id,
        score,
        vetoed,
        (not vetoed) and score >= pass_mark,
        {"vetoes": vetoes, "deductions": ded, "has_services": has_services},
    )


def score_account(rules: Rules, account_id: str, findings: Iterable[Mapping[str, Any]]) -> Score:
    """Score one account: passes without a veto; the score shows its deductions for ranking."""
    rows = list(findings)
    full = float(rules.get("scoring.full_marks", 100))
    vetoes = sorted({f["check"] for f in rows if f.get("severity") == "veto"})
    ded = deductions(rules, rows)
    score = round(max(0.0, full - sum(v["capped"] for v in ded.values())), 2)
    return Score(
        "account", account_id, score, bool(vetoes), not vetoes, {"vetoes": vetoes, "deductions": ded}
    )


def totals(scores: Iterable[Score]) -> dict[str, Any]:
    rows = list(scores)
    checked = len(rows)
    passed = sum(1 for s in rows if s.passed)
    vetoed = sum(1 for s in rows if s.vetoed)
    return {"checked": checked, "passed": passed, "vetoed": vetoed, "pass_rate": pass_rate(passed, checked)}
