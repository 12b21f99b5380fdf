"""How a suite is written: batches of data (SQL), each with the expectations it must meet.

A suite module in ``include/expectations/`` defines ``SUITE`` (its name), ``TITLE`` and ``BATCHES``, a
tuple of :class:`Batch`. Each batch is one SQL query (one pandas DataFrame, one Great Expectations suite
named ``<suite>.<batch>``); its result must have a ``key`` column that names the row in messages (a site
id, ``site/column``, ``run_kind url`` …). The expectations are built per run from a
:class:`SuiteContext`, so thresholds come from the rules profile in force and dates from the as-of date.

This module does not import Great Expectations: suite modules import it through
``govwatch.quality._gx``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from govwatch.rules import Rules


@dataclass(frozen=True)
class SuiteContext:
    """What a suite may depend on: the as-of date and the rules profile."""

    as_of: date
    rules: Rules

    def quality(self, key: str, default: Any = None) -> Any:
        """A threshold from the profile's ``quality:`` section (``default`` when absent or null)."""
        value = self.rules.get(f"quality.{key}")
        return default if value is None else value

    def params(self) -> dict[str, Any]:
        return {"as_of": self.as_of}


@dataclass(frozen=True)
class Batch:
    """One table to validate: its SQL, the expectations on it, and an optional Python step.

    ``prepare`` runs on the DataFrame before validation (e.g. to reduce evidence text to the kinds of
    personal data it holds, so that the text itself never reaches the validation results).
    """

    name: str
    title: str
    sql: str
    expectations: Callable[[SuiteContext], list[Any]]
    params: Callable[[SuiteContext], dict[str, Any]] | None = None
    prepare: Callable[[Any, SuiteContext], Any] | None = None


def named(cls: type, name: str, reason: str, *, severity: str = "critical", **kwargs: Any) -> Any:
    """An expectation with govwatch's stable ``name`` and a bilingual ``reason`` (``中文 / English``).

    The name is what operators and tests refer to; the reason is shown when it fails and as the
    expectation's notes in Data Docs. ``severity="warning"`` reports without failing the suite.
    """
    return cls(meta={"name": name, "reason": reason}, notes=reason, severity=severity, **kwargs)


def nocapture(pattern: str) -> str:
    """``pattern`` with its groups made non-capturing (pandas warns about match groups in a filter)."""
    return re.sub(r"(?<!\\)\((?!\?)", "(?:", pattern)
