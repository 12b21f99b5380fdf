"""Load the suites as code from ``include/expectations/``."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from govwatch.errors import InputError
from govwatch.quality.spec import Batch
from govwatch.settings import Settings, get_settings

#: The suites in the order they run and are reported.
SUITE_NAMES: tuple[str, ...] = ("registry", "observations", "findings", "scores")


def suites_dir(settings: Settings | None = None) -> Path:
    return (settings or get_settings()).include_dir / "expectations"


def resolve(suite: str | list[str] | tuple[str, ...] | None) -> list[str]:
    """The suite names to run, in canonical order; an unknown name is bad input (exit 2)."""
    if suite is None:
        return list(SUITE_NAMES)
    wanted = [suite] if isinstance(suite, str) else list(suite)
    unknown = [s for s in wanted if s not in SUITE_NAMES]
    if unknown:
        raise InputError(
            f"unknown suite(s) / 未知的校验套件: {', '.join(unknown)} "
            f"(known / 可选: {', '.join(SUITE_NAMES)})"
        )
    if not wanted:
        raise InputError("no suite named / 未指定校验套件")
    return [s for s in SUITE_NAMES if s in wanted]


def load_suite(name: str, settings: Settings | None = None) -> ModuleType:
    """Import ``include/expectations/<name>.py`` (once per process) and check its shape."""
    path = suites_dir(settings) / f"{name}.py"
    modname = f"govwatch_expectations_{name}"
    cached = sys.modules.get(modname)
    if cached is not None and getattr(cached, "__file__", None) == str(path):
        return cached
    if not path.is_file():
        raise InputError(f"{path}: expectation suite file not found / 校验套件文件不存在")
    spec = importlib.util.spec_from_file_location(modname, path)
    if spec is None or spec.loader is None:
        raise InputError(f"{path}: cannot be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[modname] = module
    try:
        spec.loader.exec_module(module)
    except Exception:
        sys.modules.pop(modname, None)
        raise
    batches = getattr(module, "BATCHES", None)
    if (
        getattr(module, "SUITE", None) != name
        or not batches
        or not all(isinstance(b, Batch) for b in batches)
    ):
        sys.modules.pop(modname, None)
        raise InputError(f"{path}: a suite module needs SUITE = {name!r} and BATCHES = (Batch(…), …)")
    return module
