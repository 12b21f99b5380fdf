"""Crawler-trap guards: what keeps a bounded crawl from spending its page budget on one endless corner.

* endless query-string variants of one path (search forms, sort orders, session ids): at most
  ``crawl.max_query_variants`` distinct queries per path;
* calendars: paths or queries carrying a date (``/calendar/2026/11/03``, ``?date=2026-11-03``) — a
  calendar links to the next day forever; at most ``crawl.max_calendar_pages`` such pages per path
  pattern;
* repeating path segments (``/a/b/a/b/a/b/``), the mark of relative links resolved against a wrong base;
* very deep or very long URLs.
"""

from __future__ import annotations

import re
from collections import defaultdict
from urllib.parse import urlsplit

_DATE_IN_PATH = re.compile(r"(?:19|20)\d{2}[-/_.]?(?:0?[1-9]|1[0-2])[-/_.]?(?:0?[1-9]|[12]\d|3[01])(?!\d)")
_CALENDAR_WORDS = re.compile(r"calendar|rili|richeng|schedule|日历|日程", re.I)
_CALENDAR_QUERY = re.compile(r"(?:^|&)(?:date|day|month|year|d|ym|riqi|time)=(?:19|20)\d{2}", re.I)
MAX_SEGMENTS = 12
MAX_URL_LENGTH = 600


def repeating_segments(path: str, limit: int = 2) -> bool:
    """True when a run of path segments repeats more than ``limit`` times in a row, or one segment
    appears more than ``limit + 1`` times (``/a/b/a/b/a/b``)."""
    segs = [s for s in path.split("/") if s]
    if not segs:
        return False
    counts: dict[str, int] = defaultdict(int)
    for s in segs:
        counts[s] += 1
    if max(counts.values()) > limit + 1:
        return True
    n = len(segs)
    for size in range(1, n // 2 + 1):
        for start in range(0, n - 2 * size + 1):
            reps = 1
            pos = start + size
            while pos + size <= n and segs[pos : pos + size] == segs[start : start + size]:
                reps += 1
                pos += size
            if reps > limit:
                return True
    return False


def calendar_like(url: str) -> bool:
    """A URL that looks like a page of a calendar: a date in the path under a calendar word, or a date in
    a date-like query parameter."""
    parts = urlsplit(url)
    if _CALENDAR_QUERY.search(parts.query):
        return True
    return bool(_CALENDAR_WORDS.search(parts.path) and _DATE_IN_PATH.search(parts.path))


def _pattern(path: str) -> str:
    """The path with its digits masked: calendar pages of one calendar share one pattern."""
    return re.sub(r"\d+", "#", path)


class TrapGuard:
    """Decides, URL by URL, whether the crawl may enqueue it. Stateful: one guard per site crawl."""

    def __init__(self, max_query_variants: int = 20, max_calendar_pages: int = 10):
        self.max_query_variants = max_query_variants
        self.max_calendar_pages = max_calendar_pages
        self._queries: dict[str, set[str]] = defaultdict(set)
        self._calendars: dict[str, int] = defaultdict(int)
        self.refused: dict[str, int] = defaultdict(int)

    def allow(self, url: str) -> bool:
        """True when ``url`` (already normalised) may be crawled; counts refusals by reason."""
        reason = self.reason(url)
        if reason:
            self.refused[reason] += 1
            return False
        return True

    def reason(self, url: str) -> str | None:
        parts = urlsplit(url)
        path = parts.path
        if len(url) > MAX_URL_LENGTH:
            return "too_long"
        if len([s for s in path.split("/") if s]) > MAX_SEGMENTS:
            return "too_deep_path"
        if repeating_segments(path):
            return "repeating_segments"
        if calendar_like(url):
            key = parts.netloc + _pattern(path) + "?" + _pattern(parts.query)
            if self._calendars[key] >= self.max_calendar_pages:
                return "calendar"
            self._calendars[key] += 1
        if parts.query:
            seen = self._queries[parts.netloc + path]
            if parts.query not in seen:
                if len(seen) >= self.max_query_variants:
                    return "query_variants"
                seen.add(parts.query)
        return None
