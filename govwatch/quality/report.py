"""What a validation found, in a form the CLI, the DAG gate and the run's notes can use."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

#: How many offending values a failure keeps (the count says how many there were in all).
MAX_VALUES = 20


@dataclass
class Failure:
    """One expectation that did not hold."""

    suite: str
    batch: str
    name: str
    expectation_type: str
    column: str | None
    reason: str
    severity: str = "critical"
    unexpected_count: int | None = None
    values: list[str] = field(default_factory=list)
    #: The ``key`` of every offending row (site id, ``run_kind url`` …), untruncated.
    keys: list[str] = field(default_factory=list, repr=False)

    def line(self) -> str:
        col = f" · 列 / column {self.column}" if self.column else ""
        head = f"{self.suite}.{self.batch} · {self.name} · {self.expectation_type}{col}"
        lines = [head, f"    原因 / reason: {self.reason}"]
        if self.values:
            more = ""
            if self.unexpected_count and self.unexpected_count > len(self.values):
                more = f" …（共 {self.unexpected_count} 个 / {self.unexpected_count} in all）"
            lines.append(f"    不符合的值 / offending: {'; '.join(self.values)}{more}")
        return "\n".join(lines)


@dataclass
class SuiteResult:
    """One suite: success when no critical expectation failed; warnings are reported only."""

    name: str
    title: str
    success: bool
    evaluated: int
    failures: list[Failure] = field(default_factory=list)
    warnings: list[Failure] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)


@dataclass
class ValidationReport:
    as_of: date
    success: bool
    results: dict[str, SuiteResult]
    data_docs_path: str | None = None
    run_id: int | None = None

    @property
    def failures(self) -> list[Failure]:
        return [f for r in self.results.values() for f in r.failures]

    @property
    def warnings(self) -> list[Failure]:
        return [f for r in self.results.values() for f in r.warnings]

    def failed_names(self) -> list[str]:
        """``suite.batch:name`` of every failed expectation (stable, for notes and tests)."""
        return [f"{f.suite}.{f.batch}:{f.name}" for f in self.failures]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        return data

    def summary(self) -> dict[str, Any]:
        """A small JSON-able digest (XCom, the runs table)."""
        return {
            "as_of": self.as_of.isoformat(),
            "success": self.success,
            "suites": {n: r.success for n, r in self.results.items()},
            "failed": self.failed_names(),
            "warnings": [f"{f.suite}.{f.batch}:{f.name}" for f in self.warnings],
            "data_docs_path": self.data_docs_path,
        }

    def text(self) -> str:
        """The operator-facing report (bilingual headings)."""
        out = [f"数据校验 / data validation — 基准日 / as-of {self.as_of.isoformat()}"]
        for r in self.results.values():
            mark = "通过 / passed" if r.success else "未通过 / FAILED"
            rows = ", ".join(f"{k} {v}" for k, v in r.rows.items())
            out.append(
                f"[{mark}] {r.name}（{r.title}）: {r.evaluated} 项期望 / expectations; 行数 / rows: {rows}"
            )
            for f in r.failures:
                out.append("  ✗ " + f.line().replace("\n", "\n  "))
            for f in r.warnings:
                out.append("  ! 预警 / warning: " + f.line().replace("\n", "\n  "))
        if self.data_docs_path:
            out.append(f"Data Docs: {self.data_docs_path}")
        if self.success:
            out.append("全部通过 / every suite passed")
        else:
            out.append(f"{len(self.failures)} 项期望未满足 / expectation(s) failed")
        return "\n".join(out)
