"""Jinja rendering of mail and SMS texts from ``include/templates/{mail,sms}/``."""

from __future__ import annotations

import math
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from govwatch.masking import scrub
from govwatch.settings import get_settings

#: One SMS segment carries 70 Chinese characters (UCS-2); a longer text is sent as a concatenated SMS
#: whose segments carry 67 each (the user data header takes the rest).
SMS_SEGMENT = 70
SMS_MULTI_SEGMENT = 67


@lru_cache(maxsize=4)
def _env(templates: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=lambda name: (name or "").endswith(".html.j2"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
    )


def render(name: str, **ctx: Any) -> str:
    """Render ``include/templates/<name>`` and mask anything that looks like personal data."""
    text = _env(get_settings().templates_dir).get_template(name).render(**ctx).strip()
    return scrub(text)


def sms_segments(text: str) -> int:
    """How many segments an SMS of ``text`` takes (70 characters alone, 67 each when concatenated)."""
    n = len(text)
    if n <= SMS_SEGMENT:
        return 1
    return math.ceil(n / SMS_MULTI_SEGMENT)


def short_date(d: date) -> str:
    """``2026-11-20`` → ``11月20日`` (SMS texts are short)."""
    return f"{d.month}月{d.day}日"
