"""The configurable text of the notices: ``include/rules/notice_text.yaml`` merged with the active rules
profile's ``notice_text:`` section."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from govwatch.errors import InputError
from govwatch.rules import Rules, deep_merge, load_rules
from govwatch.settings import Settings, get_settings

# YAML's folded scalars join lines with a space; between Chinese characters that space is wrong.
_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])|(?<=[，。；：、（）“”])\s+|\s+(?=[，。；：、（）“”])")


def _tidy(node: Any) -> Any:
    if isinstance(node, str):
        return _CJK_GAP.sub("", node.strip())
    if isinstance(node, list):
        return [_tidy(x) for x in node]
    if isinstance(node, dict):
        return {k: _tidy(v) for k, v in node.items()}
    return node


REQUIRED = ("area", "area_scope", "office", "report_office", "monthly_title", "bulletin", "unit",
            "requirements", "problem_types", "media_veto_phrases")  # fmt: skip


def load_notice_text(settings: Settings | None = None, rules: Rules | None = None) -> dict[str, Any]:
    """The notice text in force; a bad file is reported with its path and the missing key."""
    settings = settings or get_settings()
    rules = rules or load_rules(settings)
    path: Path = settings.rules_dir / "notice_text.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise InputError(f"{path}: notice text not found") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML: {exc}") from None
    override = rules.get("notice_text")
    source = str(path)
    if isinstance(override, dict):
        data = deep_merge(data, override)
        source = f"{path} + {rules.source}:notice_text"
    for key in REQUIRED:
        if key not in data:
            raise InputError(f"{source}: missing key `{key}`")
    for i, pt in enumerate(data["problem_types"]):
        for key in ("name", "checks", "lead", "sentence", "example", "example_one"):
            if key not in pt:
                raise InputError(f"{source}: problem_types[{i}] lacks `{key}`")
    return _tidy(data)
