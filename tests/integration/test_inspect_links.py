"""The link checker against real loopback servers: HEAD refused, lying HEAD, 5xx, refused, timeouts."""

from __future__ import annotations

import asyncio

import pytest

from govwatch.crawl.linkcheck import LinkChecker
from govwatch.fetch.client import Fetcher
from govwatch.fetch.loopback import LoopbackServer, Route
from govwatch.rules import load_rules
from govwatch.settings import reset_settings_cache

pytestmark = pytest.mark.integration


class _HeadRefused:
    """405 to HEAD, 200 to GET (servers that do not implement HEAD)."""

    def __call__(self, handler) -> Route:
        return Route(405, "") if handler.command == "HEAD" else Route(200, "<html>ok</html>")


class _HeadLies:
    def __call__(self, handler) -> Route:
        return Route(404, "") if handler.command == "HEAD" else Route(200, "<html>ok</html>")


@pytest.fixture
def fast_rules(gw_env, tmp_path, monkeypatch):
    profile = tmp_path / "fast.yaml"
    profile.write_text(
        "extends: national\nfetch: {total_timeout_seconds: 1, connect_timeout_seconds: 1, retries: 1,"
        " retry_backoff_seconds: 0.05}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("GOVWATCH_RULES", str(profile))
    reset_settings_cache()
    yield load_rules()
    reset_settings_cache()


def test_verdicts(fast_rules):
    routes = {
        "/ok": Route(200, "<html>ok</html>"),
        "/gone": Route(410, "gone"),
        "/forbidden": Route(403, "no"),
        "/error": Route(500, "oops"),
        "/slow": Route(200, "late", delay=2.5),
        "/redirect": Route(302, "", headers={"Location": "/ok"}),
        "/head-refused": _HeadRefused(),
        "/head-lies": _HeadLies(),
    }
    with LoopbackServer(routes) as srv:
        with LoopbackServer({}) as dead:
            refused = dead.url("/x")
        urls = {name: srv.url(name) for name in routes} | {
            "/missing": srv.url("/missing"),
            "refused": refused,
        }

        async def run():
            async with Fetcher(rules=fast_rules) as f:
                chk = LinkChecker(f.head, f.get, retry_delay=0)
                got = await chk.check_many(list(urls.values()))
                await chk.check(srv.url("/ok"))  # asked again: answered from the run's cache
                return got, chk

        got, chk = asyncio.run(run())
    verdict = {name: got[u].verdict for name, u in urls.items()}
    assert verdict == {
        "/ok": "ok", "/gone": "broken", "/forbidden": "broken", "/error": "suspected", "/slow": "suspected",
        "/redirect": "ok", "/head-refused": "ok", "/head-lies": "ok", "/missing": "broken", "refused": "broken",
    }  # fmt: skip
    assert got[urls["/slow"]].error == "timeout" and got[urls["/error"]].status == 500
    assert got[urls["refused"]].reason == "服务器拒绝连接"
    assert chk.cache_hits == 1
