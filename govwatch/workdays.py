"""Working days by the State Council holiday calendar, with its 调休 working weekends.

The ``chinesecalendar`` package carries the published arrangements; ``include/rules/holidays.yaml`` adds
years the package does not know yet. For a year in neither, Monday–Friday is used with a loud warning —
never a crash, since a reminder a day off is better than no reminder.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import yaml

from govwatch.settings import get_settings

log = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def _extra_years(path: Path) -> dict[int, tuple[frozenset[date], frozenset[date]]]:
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: dict[int, tuple[frozenset[date], frozenset[date]]] = {}
    for year, spec in data.items():
        spec = spec or {}
        out[int(year)] = (
            frozenset(date.fromisoformat(str(d)) for d in spec.get("holidays", [])),
            frozenset(date.fromisoformat(str(d)) for d in spec.get("workdays", [])),
        )
    return out


_warned: set[int] = set()


def is_workday(day: date, holidays_file: Path | None = None) -> bool:
    """True when ``day`` is a working day in mainland China."""
    path = holidays_file or get_settings().rules_dir / "holidays.yaml"
    extra = _extra_years(path)
    if day.year in extra:
        off, on = extra[day.year]
        if day in on:
            return True
        if day in off:
            return False
        return day.weekday() < 5
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        if day.year not in _warned:
            _warned.add(day.year)
            log.warning(
                "no State Council holiday data for %s: counting Monday–Friday as working days. "
                "Add the year's arrangement to include/rules/holidays.yaml or upgrade chinesecalendar.",
                day.year,
            )
        return day.weekday() < 5


def add_workdays(start: date, n: int) -> date:
    """The date ``n`` working days after ``start`` (``start`` itself not counted); n ≥ 0."""
    day = start
    left = n
    while left > 0:
        day += timedelta(days=1)
        if is_workday(day):
            left -= 1
    return day


def workdays_between(start: date, end: date) -> int:
    """Working days in (start, end]: how many working days after ``start`` ``end`` is. Negative if before."""
    if end < start:
        return -workdays_between(end, start)
    n = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_workday(day):
            n += 1
    return n


def next_workday(day: date) -> date:
    """``day`` itself if it is a working day, otherwise the next one."""
    while not is_workday(day):
        day += timedelta(days=1)
    return day


def previous_workday(day: date) -> date:
    """The last working day strictly before ``day``."""
    day -= timedelta(days=1)
    while not is_workday(day):
        day -= timedelta(days=1)
    return day
