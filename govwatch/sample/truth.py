"""Ground truth of the sample province and the scorer that compares findings with it.

A finding matches an expectation on ``(check, target_id)``. Checks that fire several times on one target
(one row per broken link, per misspelt word, …) count once per target: the target is found when at least
one finding names it. ``optional`` entries are allowed either way (e.g. the columns of a site that is down:
whether they are reported as unreachable is a matter of taste) and never count.

Early warnings are stored under the public check code with severity ``warn`` (docs/ARCHITECTURE.md); by
default :func:`evaluate` leaves them out for checks whose own severity is not ``warn``, since the truth
lists the problems, not their early warnings.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

#: Checks whose findings are warnings by definition (their warn findings are always scored).
WARN_CHECKS = frozenset({"column_due_soon", "extraction_failed"})


@dataclass
class Expected:
    check: str
    target_type: str
    target_id: str
    severity: str
    note: str


@dataclass
class Decoy:
    check: str
    target_id: str
    note: str


@dataclass
class Optional_:
    check: str  # "*" = any check
    target_id: str  # a target id, or a prefix ending in "/" (every column of a site)
    note: str

    def covers(self, check: str, target_id: str) -> bool:
        if self.check not in ("*", check):
            return False
        if self.target_id.endswith("/"):
            return target_id.startswith(self.target_id) or target_id == self.target_id[:-1]
        return target_id == self.target_id


@dataclass
class Truth:
    """What a correct checker reports on the sample province for its as-of date."""

    as_of: str = ""
    expected: list[Expected] = field(default_factory=list)
    decoys: list[Decoy] = field(default_factory=list)
    optional: list[Optional_] = field(default_factory=list)
    #: plain facts for tests of the extractors: newest dates, item counts, post counts
    facts: dict[str, Any] = field(default_factory=dict)

    def expect(self, check: str, target_type: str, target_id: str, severity: str, note: str) -> None:
        self.expected.append(Expected(check, target_type, target_id, severity, note))

    def decoy(self, check: str, target_id: str, note: str) -> None:
        self.decoys.append(Decoy(check, target_id, note))

    def allow(self, check: str, target_id: str, note: str) -> None:
        self.optional.append(Optional_(check, target_id, note))

    def checks(self) -> set[str]:
        return {e.check for e in self.expected}

    def expected_keys(self, checks: set[str] | None = None) -> set[tuple[str, str]]:
        return {(e.check, e.target_id) for e in self.expected if checks is None or e.check in checks}

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of,
            "expected": [asdict(e) for e in self.expected],
            "decoys": [asdict(d) for d in self.decoys],
            "optional": [asdict(o) for o in self.optional],
            "facts": self.facts,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1, sort_keys=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Truth:
        return cls(
            as_of=data.get("as_of", ""),
            expected=[Expected(**e) for e in data.get("expected", [])],
            decoys=[Decoy(**d) for d in data.get("decoys", [])],
            optional=[Optional_(**o) for o in data.get("optional", [])],
            facts=data.get("facts", {}),
        )

    @classmethod
    def load(cls, path: str | Path) -> Truth:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def _field(f: Any, name: str) -> Any:
    return f.get(name) if isinstance(f, dict) else getattr(f, name, None)


def evaluate(
    findings: list[Any],
    truth: Truth | dict[str, Any],
    checks: set[str] | list[str] | tuple[str, ...] | None = None,
    *,
    include_warnings: bool = False,
) -> dict[str, Any]:
    """Compare findings (dicts as printed by ``govwatch findings --format json``, or Finding objects)
    with the truth.

    ``checks`` restricts the comparison to those check codes (e.g. the ones a run kind judges). Returns
    ``{"per_check": {check: {tp, fp, fn, precision, recall, missed, unexpected}}, "tp", "fp", "fn",
    "precision", "recall", "missed", "unexpected", "decoys_fired", "severity_mismatches"}``. Precision
    and recall are 1.0 when there is nothing to find and nothing was found.
    """
    if isinstance(truth, dict):
        truth = Truth.from_dict(truth)
    only = set(checks) if checks is not None else None
    expected = {(e.check, e.target_id): e for e in truth.expected if only is None or e.check in only}
    found: dict[tuple[str, str], list[Any]] = {}
    for f in findings:
        check, target, sev = _field(f, "check"), _field(f, "target_id"), _field(f, "severity")
        if only is not None and check not in only:
            continue
        if _field(f, "status") == "rectified":
            continue
        if sev == "warn" and not include_warnings and check not in WARN_CHECKS:
            exp = expected.get((check, target))
            if exp is None or exp.severity != "warn":
                continue
        found.setdefault((check, target), []).append(f)

    per_check: dict[str, dict[str, Any]] = {}

    def bucket(check: str) -> dict[str, Any]:
        return per_check.setdefault(check, {"tp": 0, "fp": 0, "fn": 0, "missed": [], "unexpected": []})

    severity_mismatches = []
    for key, exp in expected.items():
        b = bucket(key[0])
        if key in found:
            b["tp"] += 1
            sevs = {_field(f, "severity") for f in found[key]}
            if exp.severity not in sevs:
                severity_mismatches.append(
                    {"check": key[0], "target_id": key[1], "expected": exp.severity, "got": sorted(sevs)}
                )
        else:
            b["fn"] += 1
            b["missed"].append({"target_id": key[1], "note": exp.note})
    decoy_notes = {(d.check, d.target_id): d.note for d in truth.decoys}
    decoys_fired = []
    for key, fs in found.items():
        if key in expected:
            continue
        if any(o.covers(*key) for o in truth.optional):
            continue
        b = bucket(key[0])
        b["fp"] += 1
        entry = {"target_id": key[1], "evidence": _field(fs[0], "evidence")}
        if key in decoy_notes:
            entry["decoy"] = decoy_notes[key]
            decoys_fired.append({"check": key[0], "target_id": key[1], "note": decoy_notes[key]})
        b["unexpected"].append(entry)

    def ratios(b: dict[str, Any]) -> None:
        tp, fp, fn = b["tp"], b["fp"], b["fn"]
        b["precision"] = tp / (tp + fp) if tp + fp else 1.0
        b["recall"] = tp / (tp + fn) if tp + fn else 1.0

    for b in per_check.values():
        ratios(b)
    total: dict[str, Any] = {
        "tp": sum(b["tp"] for b in per_check.values()),
        "fp": sum(b["fp"] for b in per_check.values()),
        "fn": sum(b["fn"] for b in per_check.values()),
    }
    ratios(total)
    total["per_check"] = dict(sorted(per_check.items()))
    total["missed"] = [{"check": c, **m} for c, b in total["per_check"].items() for m in b["missed"]]
    total["unexpected"] = [{"check": c, **u} for c, b in total["per_check"].items() for u in b["unexpected"]]
    total["decoys_fired"] = decoys_fired
    total["severity_mismatches"] = severity_mismatches
    return total
