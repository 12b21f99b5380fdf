"""Run batches through Great Expectations and turn its results into :class:`Failure` records.

One ephemeral data context per call, configured in code: expectation suites live in memory (the suites
*are* the code in ``include/expectations/``, so nothing is persisted that could drift from it), while
validation results are kept on disk under ``$GOVWATCH_HOME/gx/validations`` and rendered into the Data
Docs site under ``$GOVWATCH_HOME/gx/data_docs`` (``index.html`` lists every run kept).

Each batch is its own ``ValidationDefinition`` run with its DataFrame as batch parameter. A GX
``Checkpoint`` passes the *same* batch parameters to all its validation definitions, which does not fit
several tables; so the definitions are run one by one and the Data Docs are updated once, incrementally,
for the results of this run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from govwatch.masking import scrub
from govwatch.quality.docs import make_offline, write_index_list
from govwatch.quality.report import MAX_VALUES, Failure

log = logging.getLogger(__name__)

DOCS_SITE = "govwatch"


@dataclass
class Job:
    suite: str
    batch: str
    frame: pd.DataFrame
    expectations: list[Any]


@dataclass
class Outcome:
    suite: str
    batch: str
    evaluated: int
    failures: list[Failure]
    warnings: list[Failure]


def _context(root: Path | None) -> Any:
    """An ephemeral context; with ``root``, results and Data Docs on disk under it."""
    from govwatch.quality._gx import DataContextConfig, InMemoryStoreBackendDefaults, ProgressBarsConfig, gx

    defaults = InMemoryStoreBackendDefaults()
    stores = dict(defaults.stores)
    sites: dict[str, Any] = {}
    if root is not None:
        stores[defaults.validation_results_store_name] = {
            "class_name": "ValidationResultsStore",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(root / "validations"),
            },
        }
        sites[DOCS_SITE] = {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(root / "data_docs"),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
    config = DataContextConfig(
        store_backend_defaults=defaults,
        stores=stores,
        data_docs_sites=sites,
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(project_config=config, mode="ephemeral")


@contextlib.contextmanager
def _locked(root: Path | None) -> Iterator[None]:
    """Serialise writers of one Data Docs site (two DAG tasks may validate at once)."""
    if root is None:
        yield
        return
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def run_jobs(
    jobs: list[Job],
    *,
    root: Path | None,
    run_name: str,
    keep_since: str | None = None,
    other_suites: dict[str, list[Any]] | None = None,
) -> tuple[list[Outcome], str | None]:
    """Validate every job; returns the outcomes and the Data Docs index path (when ``root``).

    With ``root``, the results kept for the same ``run_name`` (the as-of date) and suite are replaced, so
    re-running a date leaves one result per batch and date; results of run names sorting before
    ``keep_since`` are dropped (retention keeps the index quick to rebuild). ``other_suites`` are
    suites not run now but kept in the Data Docs' list of suites.
    """
    from govwatch.quality._gx import ExpectationSuiteIdentifier, RunIdentifier, ValidationResultIdentifier, gx

    outcomes: list[Outcome] = []
    with _locked(root):
        context = _context(root)
        source = context.data_sources.add_pandas("govwatch")
        run_id = RunIdentifier(run_name=run_name, run_time=dt.datetime.now(dt.UTC))
        identifiers: list[Any] = []
        if root is not None:
            _prune(context, {f"{j.suite}.{j.batch}" for j in jobs}, run_name, keep_since)
        every_suite = {**(other_suites or {}), **{f"{j.suite}.{j.batch}": j.expectations for j in jobs}}
        changed, digests = _changed_suites(root, every_suite) if root is not None else (set(), {})
        identifiers += [ExpectationSuiteIdentifier(name=n) for n in sorted(changed)]
        for name, expectations in (other_suites or {}).items():
            context.suites.add(gx.ExpectationSuite(name=name, expectations=expectations))
        for job in jobs:
            full = f"{job.suite}.{job.batch}"
            batch_def = source.add_dataframe_asset(full).add_batch_definition_whole_dataframe(full)
            suite = context.suites.add(gx.ExpectationSuite(name=full, expectations=job.expectations))
            vd = context.validation_definitions.add(
                gx.ValidationDefinition(name=full, data=batch_def, suite=suite)
            )
            result = vd.run(
                batch_parameters={"dataframe": job.frame},
                result_format={
                    "result_format": "COMPLETE",
                    "unexpected_index_column_names": ["key"],
                    "return_unexpected_index_query": False,
                    "partial_unexpected_count": MAX_VALUES,
                },
                run_id=run_id,
            )
            identifiers.append(
                ValidationResultIdentifier(
                    expectation_suite_identifier=ExpectationSuiteIdentifier(name=full),
                    run_id=run_id,
                    batch_identifier=result.batch_id,
                )
            )
            outcomes.append(_outcome(job, result))
        docs: str | None = None
        if root is not None:
            built = context.build_data_docs(site_names=[DOCS_SITE], resource_identifiers=identifiers)
            # Recorded only now: a build that failed half-way renders its suites again next time.
            (root / "suite_digests.json").write_text(
                json.dumps(digests, indent=1, sort_keys=True), encoding="utf-8"
            )
            make_offline(root / "data_docs")
            write_index_list(root / "data_docs", root / "validations")
            index = root / "data_docs" / "index.html"
            docs = str(index) if index.exists() else None
            log.info("data docs: %s", built)
    return outcomes, docs


def _changed_suites(root: Path, suites: dict[str, list[Any]]) -> tuple[set[str], dict[str, str]]:
    """Suites whose Data Docs page must be rendered again (new or changed definition, or no page yet),
    and the digests to record once they are.

    Rendering a suite page costs as much as validating it; most runs change none of them.
    """
    path = root / "suite_digests.json"
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = {}
    new = {}
    for name, expectations in suites.items():
        config = [e.configuration.to_json_dict() for e in expectations]
        new[name] = hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode()).hexdigest()
    pages = root / "data_docs" / "expectations"
    changed = {
        n for n, d in new.items() if old.get(n) != d or not (pages / (n.replace(".", "/") + ".html")).exists()
    }
    return changed, {**old, **new}


def _prune(context: Any, suites: set[str], run_name: str, keep_since: str | None) -> None:
    store = context.validation_results_store
    for key in store.list_keys():
        name = key.run_id.run_name or ""
        replaced = name == run_name and key.expectation_suite_identifier.name in suites
        expired = keep_since is not None and name.startswith("as_of=") and name < keep_since
        if replaced or expired:
            store.remove_key(key)


def _outcome(job: Job, result: Any) -> Outcome:
    failures: list[Failure] = []
    warnings: list[Failure] = []
    for r in result.results:
        if r.success:
            continue
        failure = _failure(job, r)
        (warnings if failure.severity == "warning" else failures).append(failure)
    return Outcome(job.suite, job.batch, len(result.results), failures, warnings)


def _column(kwargs: dict[str, Any]) -> str | None:
    if kwargs.get("column"):
        return str(kwargs["column"])
    if kwargs.get("column_A"):
        return f"{kwargs['column_A']}, {kwargs['column_B']}"
    if kwargs.get("column_list"):
        return ", ".join(map(str, kwargs["column_list"]))
    return None


def _show(value: Any) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.4g}"
    if hasattr(value, "item"):  # numpy scalars
        return _show(value.item())
    return str(value)


def _failure(job: Job, r: Any) -> Failure:
    cfg = r.expectation_config
    meta = cfg.meta or {}
    kwargs = dict(cfg.kwargs)
    reason = str(meta.get("reason") or cfg.description or cfg.type)
    res = r.result or {}
    values: list[str] = []
    exc = r.exception_info or {}
    if exc.get("raised_exception"):
        reason += f"（校验出错 / the check raised: {exc.get('exception_message')}）"
    index_list = res.get("unexpected_index_list") or []
    keys = [scrub(_show(row.get("key"))) for row in index_list if isinstance(row, dict)]
    if index_list and isinstance(index_list[0], dict):
        for row in index_list[:MAX_VALUES]:
            key = row.get("key")
            shown = [f"{k}={_show(v)}" for k, v in row.items() if k != "key"]
            values.append(f"{_show(key)}: {', '.join(shown)}" if shown else _show(key))
    elif res.get("partial_unexpected_list"):
        values = [_show(v) for v in res["partial_unexpected_list"][:MAX_VALUES]]
    elif "observed_value" in res:
        values = [f"observed={_show(res['observed_value'])}"]
    severity = getattr(cfg.severity, "value", cfg.severity) or "critical"
    return Failure(
        suite=job.suite,
        batch=job.batch,
        name=str(meta.get("name") or cfg.type),
        expectation_type=cfg.type,
        column=_column(kwargs),
        reason=reason,
        severity=str(severity),
        unexpected_count=res.get("unexpected_count"),
        # Offending values may quote page text or a contact: never show personal data in clear.
        values=[scrub(v) for v in values],
        keys=keys,
    )
