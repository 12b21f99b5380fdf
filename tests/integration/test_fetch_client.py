"""The fetch client against real HTTP servers on loopback (no database needed)."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from govwatch.fetch.client import Fetcher, FetchResult, fetch_all
from govwatch.fetch.loopback import LoopbackServer, Route
from govwatch.rules import Rules, load_rules
from govwatch.settings import from_env

pytestmark = pytest.mark.integration


def _settings(allow_private: bool = True):
    return from_env({"GOVWATCH_ALLOW_PRIVATE": "1" if allow_private else "0", "GOVWATCH_HOME": "/tmp/gw-x"})


def _rules(**fetch) -> Rules:
    base = load_rules(_settings())
    raw = dict(base.raw)
    raw["fetch"] = {**raw["fetch"], "retry_backoff_seconds": 0.05, **fetch}
    return Rules(raw=raw, source="test")


def _get(url: str, *, allow_private: bool = True, **fetch) -> FetchResult:
    return fetch_all([url], settings=_settings(allow_private), rules=_rules(**fetch))[url]


def test_ok_page_utf8_and_user_agent():
    with LoopbackServer({"/": Route(200, "<html><body>你好</body></html>")}) as srv:
        r = _get(srv.url("/"))
    assert r.ok and r.status == 200 and r.error is None
    assert "你好" in r.text and r.encoding == "utf-8"
    assert r.fetched_at.tzinfo is not None and r.elapsed_ms >= 0
    assert srv.hits[0][2].startswith("govwatch/")


def test_gbk_page_declared_in_meta_only():
    html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>' \
           "<body>赣州市水利局 工作动态 镕</body></html>"  # fmt: skip
    body = html.encode("gbk")
    with LoopbackServer({"/": Route(200, body, content_type="text/html")}) as srv:
        r = _get(srv.url("/"))
    assert r.ok and r.encoding == "gb18030"
    assert "赣州市水利局 工作动态 镕" in r.text


def test_header_lies_utf8_but_body_is_gbk():
    body = "<html><body>通知公告 政策文件 2026年11月18日</body></html>".encode("gbk")
    with LoopbackServer({"/": Route(200, body, content_type="text/html; charset=utf-8")}) as srv:
        r = _get(srv.url("/"))
    assert "通知公告" in r.text and r.encoding == "gb18030"


def test_404_is_not_ok():
    with LoopbackServer({}) as srv:
        r = _get(srv.url("/missing"))
    assert r.status == 404 and not r.ok and r.error is None


def test_redirect_followed_and_loop_stopped():
    routes = {
        "/old": Route(301, "", headers={"Location": "/new"}),
        "/new": Route(200, "<p>new</p>"),
        "/a": Route(302, "", headers={"Location": "/b"}),
        "/b": Route(302, "", headers={"Location": "/a"}),
    }
    with LoopbackServer(routes) as srv:
        r = _get(srv.url("/old"))
        loop = _get(srv.url("/a"))
    assert r.ok and r.final_url == srv.url("/new") and r.redirects == [srv.url("/old")]
    assert not loop.ok and loop.error == "too-many-redirects" and loop.status == 302
    assert len(loop.redirects) == 5


def test_slow_server_times_out():
    with LoopbackServer({"/slow": Route(200, "late", delay=2.0)}) as srv:
        t = time.monotonic()
        r = _get(srv.url("/slow"), total_timeout_seconds=0.5, connect_timeout_seconds=0.5)
        took = time.monotonic() - t
    assert not r.ok and r.error == "timeout" and r.status is None
    assert took < 1.8  # the total timeout held; timeouts are not retried


def test_oversize_body_refused():
    big = b"<html>" + b"x" * 3000 + b"</html>"
    with LoopbackServer({"/big": Route(200, big)}) as srv:
        r = _get(srv.url("/big"), max_body_bytes=1000)
    assert not r.ok and r.error == "too-large" and len(r.body) <= 1000


def test_5xx_retried_then_reported():
    calls = {"n": 0}

    def flaky(_h):
        calls["n"] += 1
        return Route(503, "busy") if calls["n"] < 3 else Route(200, "<p>fine</p>")

    def down(_h):
        return Route(500, "down")

    with LoopbackServer({"/flaky": flaky, "/down": down}) as srv:
        ok = _get(srv.url("/flaky"))
        bad = _get(srv.url("/down"))
        down_hits = sum(1 for h in srv.hits if h[1] == "/down")
    assert ok.ok and calls["n"] == 3
    assert bad.status == 500 and not bad.ok and down_hits == 3  # first try + 2 retries


def test_refused_connection():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    r = _get(f"http://127.0.0.1:{port}/")
    assert not r.ok and r.error == "refused" and r.status is None


def test_private_address_refused_unless_allowed():
    with LoopbackServer({"/": Route(200, "<p>x</p>")}) as srv:
        blocked = _get(srv.url("/"), allow_private=False)
        by_name = _get(f"http://localhost:{srv.port}/", allow_private=False)
        allowed = _get(srv.url("/"), allow_private=True)
    assert blocked.error == "blocked-private" and not blocked.ok
    assert by_name.error == "blocked-private"
    assert allowed.ok
    assert len(srv.hits) == 1  # the refused fetches never reached the server


def test_redirect_to_private_refused(monkeypatch):
    """With the guard on, a redirect hop to a private address is refused before it is requested."""
    import govwatch.fetch.client as client

    allowed_first = {"done": False}
    real_check = client.check_url

    async def check_first_allowed(url, *, allow_private):
        if not allowed_first["done"]:
            allowed_first["done"] = True  # the first hop stands for a public host
            return None
        return await real_check(url, allow_private=allow_private)

    monkeypatch.setattr(client, "check_url", check_first_allowed)
    with LoopbackServer(
        {"/r": Route(302, "", headers={"Location": "/inner"}), "/inner": Route(200, "x")}
    ) as srv:
        r = _get(srv.url("/r"), allow_private=False)
        paths = [h[1] for h in srv.hits]
    assert r.error == "blocked-private" and not r.ok
    assert paths == ["/r"]


def test_binary_body_has_no_text():
    with LoopbackServer(
        {"/f.pdf": Route(200, b"%PDF-1.4\x00\x01binary", content_type="application/pdf")}
    ) as srv:
        r = _get(srv.url("/f.pdf"))
    assert r.ok and r.text == "" and r.body.startswith(b"%PDF")


def test_per_host_concurrency_limit():
    active = {"now": 0, "max": 0}
    import threading

    lock = threading.Lock()

    def slow(_h):
        with lock:
            active["now"] += 1
            active["max"] = max(active["max"], active["now"])
        time.sleep(0.15)
        with lock:
            active["now"] -= 1
        return Route(200, "<p>x</p>")

    routes = {f"/p{i}": slow for i in range(6)}
    with LoopbackServer(routes) as srv:
        res = fetch_all([srv.url(f"/p{i}") for i in range(6)], settings=_settings(), rules=_rules())
    assert all(r.ok for r in res.values())
    assert active["max"] == 2


def test_head_falls_back_to_get_when_refused():
    def only_get(h):
        return Route(405, "") if h.command == "HEAD" else Route(200, "<p>ok</p>")

    async def go(url):
        async with Fetcher(settings=_settings(), rules=_rules()) as f:
            return await f.head(url)

    with LoopbackServer({"/x": only_get}) as srv:
        r = asyncio.run(go(srv.url("/x")))
    assert r.ok and r.status == 200


def test_dns_failure():
    r = _get("http://no-such-host.invalid/", allow_private=False)
    assert r.error == "dns" and not r.ok


def test_total_timeout_covers_the_whole_redirect_chain():
    routes = {
        "/s1": Route(302, "", headers={"Location": "/s2"}, delay=0.4),
        "/s2": Route(302, "", headers={"Location": "/s3"}, delay=0.4),
        "/s3": Route(200, "<p>end</p>", delay=0.4),
    }
    with LoopbackServer(routes) as srv:
        r = _get(srv.url("/s1"), total_timeout_seconds=1.0, connect_timeout_seconds=1.0)
        ok = _get(srv.url("/s1"), total_timeout_seconds=3.0)
    assert r.error == "timeout" and not r.ok
    assert ok.ok and ok.final_url.endswith("/s3")


def test_get_page_follows_refresh_redirects_of_empty_pages():
    routes = {
        "/": Route(
            200, '<html><head><meta http-equiv="refresh" content="0; url=/col/col1/index.html"></head></html>'
        ),
        "/col/col1/index.html": Route(
            200, "<html><body><script>top.location.href='/home/';</script></body></html>"
        ),
        "/home/": Route(200, "<html><body><ul><li><a href='/a'>首页新闻</a></li></ul></body></html>"),
        "/busy": Route(
            200, "<html><body>" + "政务公开" * 100 + "<script>location.href='/home/'</script></body></html>"
        ),
        "/reload": Route(
            200, '<html><head><meta http-equiv="refresh" content="300"></head><body>x</body></html>'
        ),
    }

    async def go(urls):
        async with Fetcher(settings=_settings(), rules=_rules()) as f:
            return await f.get_many(urls, pages=True)

    with LoopbackServer(routes) as srv:
        res = asyncio.run(go([srv.url("/"), srv.url("/busy"), srv.url("/reload")]))
    home = res[srv.url("/")]
    assert home.ok and home.url == srv.url("/") and home.final_url == srv.url("/home/")
    assert "首页新闻" in home.text and home.redirects == [srv.url("/"), srv.url("/col/col1/index.html")]
    assert res[srv.url("/busy")].final_url == srv.url("/busy")  # a page with content stays
    assert res[srv.url("/reload")].final_url == srv.url("/reload")
