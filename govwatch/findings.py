"""Findings as data: what a check returns.

A check is a pure function of what was fetched and the as-of date; it returns :class:`Finding` objects.
Severity and points come from the rules profile (:func:`make`), never from the check's own code, so
a provincial profile can change them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from govwatch.masking import scrub
from govwatch.rules import Rules

#: Check codes of the contract (§4), in the order reports list them.
CHECK_CODES: tuple[str, ...] = (
    "site_unreachable",
    "homepage_stale",
    "column_overdue",
    "column_due_soon",
    "column_blank",
    "column_unreachable",
    "columns_not_updated",
    "columns_blank",
    "no_interaction_channel",
    "no_service_channel",
    "reply_overdue",
    "reply_late",
    "broken_link",
    "dark_link",
    "typo",
    "serious_error",
    "privacy_leak",
    "interpretation_unlinked",
    "interpretation_late",
    "extraction_failed",
    "media_stale",
    "media_infrequent",
    "media_no_interaction",
)

TARGET_TYPES = ("site", "column", "account")


@dataclass(frozen=True)
class Finding:
    """One problem on one target. ``evidence_key`` distinguishes several findings of one check on one
    target (e.g. each broken link); it is empty when a check fires at most once per target."""

    check: str
    severity: str
    target_type: str
    target_id: str
    evidence: str
    points: float = 0.0
    indicator: str | None = None
    site_id: str | None = None
    unit_id: str | None = None
    evidence_key: str = ""
    evidence_url: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if self.target_type not in TARGET_TYPES:
            raise ValueError(f"bad target_type {self.target_type!r}")
        if self.severity not in ("veto", "deduct", "warn"):
            raise ValueError(f"bad severity {self.severity!r}")
        # Evidence is stored and shown; never let personal data through in clear.
        object.__setattr__(self, "evidence", scrub(self.evidence))
        object.__setattr__(self, "evidence_key", scrub(self.evidence_key)[:500])
        if self.evidence_url:
            object.__setattr__(self, "evidence_url", scrub(self.evidence_url))

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.target_type, self.target_id, self.check, self.evidence_key)


def make(
    rules: Rules,
    check: str,
    target_type: str,
    target_id: str,
    evidence: str,
    *,
    severity: str | None = None,
    code: str | None = None,
    **kw: Any,
) -> Finding:
    """Build a finding with severity, points and indicator from the rules profile.

    ``code`` names the rules entry when it differs from the public check code (e.g. the early-warning
    variant ``site_unreachable_warn`` is stored as check ``site_unreachable`` with severity ``warn``).
    """
    spec = rules.check(code or check)
    sev = severity or spec["severity"]
    points = float(spec.get("points", 0.0)) if sev == "deduct" else 0.0
    return Finding(
        check=check,
        severity=sev,
        target_type=target_type,
        target_id=target_id,
        evidence=evidence,
        points=points,
        indicator=spec.get("indicator"),
        **kw,
    )
