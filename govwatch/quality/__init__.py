"""Data validation gates (Great Expectations 1.x): registry, observations, findings, scores.

The suites are code in ``include/expectations/``; :func:`run_validation` loads the as-of date's data
with SQL into pandas, validates it, keeps the results and renders Data Docs under
``$GOVWATCH_HOME/gx/``. :func:`gate` is what a DAG task calls before notices and reminders: it raises
:class:`ValidationGateFailed` so that the downstream tasks do not run on data that a template change
or an outage has made untrustworthy.

Importing this package does not import Great Expectations (DAG files import it at parse time).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from govwatch.quality.report import Failure, SuiteResult, ValidationReport
from govwatch.quality.suites import SUITE_NAMES
from govwatch.store.db import Store

__all__ = [
    "SUITE_NAMES",
    "DATES_EXPECTATION",
    "Failure",
    "SuiteResult",
    "ValidationGateFailed",
    "ValidationReport",
    "gate",
    "run_validation",
    "withheld_sites",
]

#: The observations expectation that a site whose lists lost their publish dates fails.
DATES_EXPECTATION = "column_pages_dated_share"


class ValidationGateFailed(Exception):
    """Validation failed: what follows the gate (notices, reminders) must not run for this run."""

    def __init__(self, report: ValidationReport):
        self.report = report
        lines = [
            f"数据校验未通过，通报与提醒暂停 / validation failed, notices and reminders held ({report.as_of})"
        ]
        lines += [f.line() for f in report.failures]
        if report.data_docs_path:
            lines.append(f"Data Docs: {report.data_docs_path}")
        super().__init__("\n".join(lines))


def run_validation(
    as_of: date, suite: str | Sequence[str] | None = None, *, store: Store | None = None
) -> ValidationReport:
    """Validate the data of ``as_of`` with one suite, several, or all (``None``)."""
    from govwatch.quality.runner import run

    return run(as_of, suite, store=store)


def gate(as_of: date, suites: str | Sequence[str] | None, *, store: Store | None = None) -> dict[str, Any]:
    """Validate and return a JSON-able summary; raise :class:`ValidationGateFailed` on failure.

    A failure is *contained* when it is only the date-readability expectation for sites that the column
    check has already withheld (an ``extraction_failed`` finding seen on ``as_of``): those sites' column
    findings were not judged, so no unit can receive a false notice from them. Unless the rules profile
    sets ``quality.hold_on_withheld_sites: true``, contained failures let the run go on; they are returned
    under ``contained`` (with ``success`` false) so the gate task can alert the operators. Any other
    failure holds the run. ``govwatch validate`` still exits 1 for both: it reports, the gate decides.
    """
    from govwatch.rules import load_rules

    report = run_validation(as_of, suites, store=store)
    if report.success:
        return report.summary()
    if not load_rules().get("quality.hold_on_withheld_sites", False):
        contained = _contained_failures(report, as_of, store)
        if contained and len(contained) == len(report.failures):
            summary = report.summary()
            summary["contained"] = [f.line() for f in contained]
            return summary
    raise ValidationGateFailed(report)


def _contained_failures(report: ValidationReport, as_of: date, store: Store | None) -> list[Failure]:
    from govwatch.store.db import open_store

    st = store or open_store()
    try:
        withheld = {
            r["site_id"]
            for r in st.query(
                "SELECT f.site_id FROM findings f JOIN finding_sightings s ON s.finding_id = f.id"
                " WHERE f.check_code = 'extraction_failed' AND s.as_of = %s",
                (as_of,),
            )
        }
    finally:
        if store is None:
            st.close()
    out = []
    for f in report.failures:
        sites = {k.split(" ", 1)[1] for k in f.keys if " " in k}
        if f.name == DATES_EXPECTATION and sites and sites <= withheld:
            out.append(f)
    return out


def withheld_sites(as_of: date, *, store: Store | None = None) -> list[str]:
    """Sites whose observations on ``as_of`` fail the date-readability expectation (sorted ids).

    These are the sites whose column pages load and list items but whose publish dates cannot be read:
    the column check reports ``extraction_failed`` for them and withholds their column findings.
    """
    from govwatch.quality.runner import failing_rows

    keys = failing_rows(as_of, "observations", "sites", DATES_EXPECTATION, store=store)
    return sorted({k.split(" ", 1)[1] for k in keys if " " in k})
