"""Link classification, the once-per-run link checker, and broken_link findings."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest

from govwatch.checks.links import broken_link_findings
from govwatch.crawl.linkcheck import LinkChecker, LinkStatus, classify
from govwatch.crawl.pages import Link
from govwatch.rules import load_rules


@pytest.mark.parametrize(
    ("status", "error", "verdict"),
    [
        (200, None, "ok"), (204, None, "ok"), (401, None, "ok"),
        (404, None, "broken"), (410, None, "broken"), (403, None, "broken"),
        (None, "dns", "broken"), (None, "refused", "broken"),
        (500, None, "suspected"), (503, None, "suspected"), (None, "timeout", "suspected"),
        (None, "reset", "suspected"), (400, None, "suspected"),
        (None, "blocked-private", "skipped"), (200, "too-large", "ok"),
    ],
)  # fmt: skip
def test_classify(status, error, verdict):
    assert classify(status, error) == verdict


@dataclass
class _R:
    url: str
    status: int | None
    error: str | None = None
    final_url: str | None = None
    elapsed_ms: int = 1

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _checker(head_answers: dict[str, _R], get_answers: dict[str, list[_R]]):
    calls: list[tuple[str, str]] = []

    async def head(url: str) -> _R:
        calls.append(("HEAD", url))
        await asyncio.sleep(0)
        return head_answers[url]

    async def get(url: str) -> _R:
        calls.append(("GET", url))
        return get_answers[url].pop(0)

    return LinkChecker(head, get, retry_delay=0), calls


def test_checker_confirms_bad_head_with_get_and_caches():
    chk, calls = _checker(
        {"u1": _R("u1", 200), "u2": _R("u2", 404), "u3": _R("u3", 404), "u4": _R("u4", None, "dns"),
         "u5": _R("u5", None, "timeout")},
        {"u2": [_R("u2", 200)], "u3": [_R("u3", 404)], "u5": [_R("u5", None, "timeout")]},
    )  # fmt: skip

    async def run():
        first = await chk.check_many(["u1", "u2", "u3", "u4", "u5", "u1", "u3"])
        again = await chk.check_many(["u1", "u3"])
        return first, again

    first, again = asyncio.run(run())
    assert {u: s.verdict for u, s in first.items()} == {
        "u1": "ok",
        "u2": "ok",
        "u3": "broken",
        "u4": "broken",
        "u5": "suspected",
    }
    assert again["u3"] is first["u3"]
    # HEAD once per URL; GET only to confirm a bad HEAD (not for a DNS failure, which is certain).
    assert sorted(calls) == sorted(
        [("HEAD", u) for u in ("u1", "u2", "u3", "u4", "u5")] + [("GET", "u2"), ("GET", "u3"), ("GET", "u5")]
    )


def test_seeded_urls_are_not_asked_again():
    chk, calls = _checker({}, {})
    chk.seed("p", _R("p", 404))
    got = asyncio.run(chk.check("p"))
    assert got.verdict == "broken" and got.method == "GET" and calls == []


def _link(url: str, page: str, text: str = "") -> Link:
    return Link(url=url, text=text, title="", page_url=page)


def test_broken_link_findings():
    rules = load_rules()
    links = {
        "http://s/x.html": [
            _link("http://s/x.html", "http://s/", "失效链接"),
            _link("http://s/x.html", "http://s/a"),
        ],
        "http://o/y": [_link("http://o/y", "http://s/a", "外站")],
        "http://s/ok": [_link("http://s/ok", "http://s/")],
        "http://s/unchecked": [_link("http://s/unchecked", "http://s/")],
    }
    statuses = {
        "http://s/x.html": LinkStatus("http://s/x.html", "broken", 404, None),
        "http://o/y": LinkStatus("http://o/y", "suspected", 503, None),
        "http://s/ok": LinkStatus("http://s/ok", "ok", 200, None),
    }
    got = broken_link_findings(rules, links, statuses, site_id="3607000001", unit_id="u")
    assert [(f.check, f.severity, f.evidence_key, f.evidence_url) for f in got] == [
        ("broken_link", "deduct", "http://s/x.html", "http://s/"),
        ("broken_link", "warn", "http://o/y", "http://s/a"),
    ]
    assert (
        "失效链接" in got[0].evidence and "HTTP 404" in got[0].evidence and "等 2 个页面" in got[0].evidence
    )
    assert got[0].points == rules.points("broken_link") and got[1].points == 0
    assert "疑似" in got[1].evidence
