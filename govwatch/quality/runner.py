"""Load the as-of date's data, run the suites, record the run (``runs`` kind ``validate``)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from govwatch.quality.data import load_frame
from govwatch.quality.engine import Job, run_jobs
from govwatch.quality.report import SuiteResult, ValidationReport
from govwatch.quality.spec import Batch, SuiteContext
from govwatch.quality.suites import SUITE_NAMES, load_suite, resolve
from govwatch.rules import load_rules
from govwatch.settings import Settings, get_settings
from govwatch.store.db import Store, open_store
from govwatch.store.runs import finish_run, start_run

log = logging.getLogger(__name__)


def _jobs(store: Store, ctx: SuiteContext, name: str, batches: Sequence[Batch]) -> list[Job]:
    jobs = []
    for batch in batches:
        params = batch.params(ctx) if batch.params else ctx.params()
        frame = load_frame(store, batch.sql, params)
        if batch.prepare is not None:
            frame = batch.prepare(frame, ctx)
        jobs.append(Job(name, batch.name, frame, batch.expectations(ctx)))
    return jobs


def _run_name(day: date) -> str:
    return f"as_of={day.isoformat()}"


def _other_suites(ctx: SuiteContext, names: list[str], settings: Settings) -> dict[str, list[Any]]:
    """The expectations of the suites not run now, so the Data Docs keep listing every suite."""
    other: dict[str, list[Any]] = {}
    for n in SUITE_NAMES:
        if n not in names:
            for b in load_suite(n, settings).BATCHES:
                other[f"{n}.{b.name}"] = b.expectations(ctx)
    return other


def run(
    as_of: date, suite: str | Sequence[str] | None = None, *, store: Store | None = None
) -> ValidationReport:
    settings = get_settings()
    names = resolve(None if suite is None else (suite if isinstance(suite, str) else list(suite)))
    modules = {n: load_suite(n, settings) for n in names}
    own = store is None
    st = store or open_store(settings)
    try:
        ctx = SuiteContext(as_of=as_of, rules=load_rules(settings))
        scope = "*" if suite is None else "suites:" + ",".join(names)
        run_id = start_run(st, "validate", as_of, scope)
        try:
            jobs = [j for n in names for j in _jobs(st, ctx, n, modules[n].BATCHES)]
            keep_days = int(ctx.quality("keep_days", 180))
            outcomes, docs = run_jobs(
                jobs,
                root=settings.home / "gx",
                run_name=_run_name(as_of),
                keep_since=_run_name(as_of - timedelta(days=keep_days)),
                other_suites=_other_suites(ctx, names, settings),
            )
        except BaseException as exc:
            finish_run(st, run_id, {"error": f"{type(exc).__name__}: {exc}"}, status="failed")
            raise
        results: dict[str, SuiteResult] = {}
        for n in names:
            mine = [o for o in outcomes if o.suite == n]
            failures = [f for o in mine for f in o.failures]
            results[n] = SuiteResult(
                name=n,
                title=str(getattr(modules[n], "TITLE", n)),
                success=not failures,
                evaluated=sum(o.evaluated for o in mine),
                failures=failures,
                warnings=[f for o in mine for f in o.warnings],
                rows={j.batch: len(j.frame) for j in jobs if j.suite == n},
            )
        report = ValidationReport(
            as_of=as_of,
            success=all(r.success for r in results.values()),
            results=results,
            data_docs_path=docs,
            run_id=run_id,
        )
        finish_run(st, run_id, report.summary())
        return report
    finally:
        if own:
            st.close()


def failing_rows(
    as_of: date, suite: str, batch: str, expectation: str, *, store: Store | None = None
) -> list[str]:
    """Keys of the rows of one batch that fail one named expectation (no results kept, no Data Docs)."""
    settings = get_settings()
    module = load_suite(suite, settings)
    spec = next((b for b in module.BATCHES if b.name == batch), None)
    if spec is None:
        raise KeyError(f"suite {suite} has no batch {batch!r}")
    own = store is None
    st = store or open_store(settings)
    try:
        ctx = SuiteContext(as_of=as_of, rules=load_rules(settings))
        [job] = _jobs(st, ctx, suite, [spec])
    finally:
        if own:
            st.close()
    job.expectations = [e for e in job.expectations if (e.meta or {}).get("name") == expectation]
    if not job.expectations:
        raise KeyError(f"{suite}.{batch} has no expectation named {expectation!r}")
    if job.frame.empty:
        return []
    outcomes, _ = run_jobs([job], root=None, run_name=_run_name(as_of))
    return [k for o in outcomes for f in (*o.failures, *o.warnings) for k in f.keys]
