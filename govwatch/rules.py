"""Rules profiles: every limit, threshold and point value the checks and the scorer use.

``include/rules/national.yaml`` holds the national defaults. A profile may name another in ``extends:``
(a file name in ``include/rules/`` or a path) and overrides only the keys it sets; ``GOVWATCH_RULES``
selects the profile in force.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from govwatch.errors import InputError
from govwatch.settings import Settings, get_settings

SEVERITIES = ("veto", "deduct", "warn")


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _load_file(path: Path, rules_dir: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    if path in seen:
        raise InputError(f"{path}: `extends` loops back to itself")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise InputError(f"{path}: rules profile not found") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: a rules profile must be a mapping")
    parent = data.pop("extends", None)
    if parent:
        ppath = Path(parent)
        if not ppath.is_absolute():
            candidate = path.parent / ppath
            ppath = candidate if candidate.exists() else rules_dir / ppath
        if ppath.suffix == "":
            ppath = ppath.with_suffix(".yaml")
        data = deep_merge(_load_file(ppath, rules_dir, (*seen, path)), data)
    return data


@dataclass(frozen=True)
class Rules:
    """A loaded rules profile. ``raw`` is the merged mapping; helpers read the common parts."""

    raw: dict[str, Any]
    source: str

    def get(self, dotted: str, default: Any = None) -> Any:
        node: Any = self.raw
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def check(self, code: str) -> dict[str, Any]:
        try:
            return self.raw["checks"][code]
        except KeyError:
            raise KeyError(f"check {code!r} is not in the rules profile {self.source}") from None

    def severity(self, code: str) -> str:
        return str(self.check(code)["severity"])

    def points(self, code: str) -> float:
        return float(self.check(code).get("points", 0.0))

    def indicator(self, code: str) -> str | None:
        return self.check(code).get("indicator")

    def title(self, code: str) -> str:
        return str(self.check(code).get("title", code))

    def column_limit(self, category: str, override: int | None = None) -> int:
        if override:
            return int(override)
        limits = self.raw["columns"]["max_age_days"]
        return int(limits.get(category, limits.get("other", 365)))


def validate_profile(data: dict[str, Any], source: str) -> None:
    checks = data.get("checks")
    if not isinstance(checks, dict) or not checks:
        raise InputError(f"{source}: `checks` must map check codes to their settings")
    for code, spec in checks.items():
        if not isinstance(spec, dict) or spec.get("severity") not in SEVERITIES:
            raise InputError(f"{source}: checks.{code}.severity must be one of {', '.join(SEVERITIES)}")
        if "points" in spec and not isinstance(spec["points"], int | float):
            raise InputError(f"{source}: checks.{code}.points must be a number")


def load_rules(settings: Settings | None = None) -> Rules:
    settings = settings or get_settings()
    return _load_rules_cached(settings.rules_path, settings.rules_dir)


@lru_cache(maxsize=8)
def _load_rules_cached(rules_path: Path | None, rules_dir: Path) -> Rules:
    path = rules_path or rules_dir / "national.yaml"
    data = _load_file(path, rules_dir)
    validate_profile(data, str(path))
    return Rules(raw=data, source=str(path))
