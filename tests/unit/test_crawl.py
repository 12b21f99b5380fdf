"""Crawl: URL normalisation, de-duplication, trap guards, link extraction, the BFS bounds."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest

from govwatch.crawl.crawler import CrawlConfig, crawl_site
from govwatch.crawl.pages import extract_links
from govwatch.crawl.traps import TrapGuard, calendar_like, repeating_segments
from govwatch.crawl.urls import is_binary, is_document, normalize_url, site_hosts


@pytest.mark.parametrize(
    ("href", "base", "want"),
    [
        ("HTTP://WWW.Example.GOV.cn:80/a/b.html#top", None, "http://www.example.gov.cn/a/b.html"),
        ("https://x.gov.cn:443/", None, "https://x.gov.cn/"),
        ("https://x.gov.cn:8443/p", None, "https://x.gov.cn:8443/p"),
        ("/list?b=2&a=1&utm_source=wx", "http://x.gov.cn/", "http://x.gov.cn/list?a=1&b=2"),
        ("../c/./d.html", "http://x.gov.cn/a/b/index.html", "http://x.gov.cn/a/c/d.html"),
        ("  /dynamic/a.html ", "http://x.gov.cn/", "http://x.gov.cn/dynamic/a.html"),
        ("http://x.gov.cn", None, "http://x.gov.cn/"),
        ("/path/%7Euser/", "http://x.gov.cn/", "http://x.gov.cn/path/~user/"),
        ("/a;jsessionid=ABC123?id=1", "http://x.gov.cn/", "http://x.gov.cn/a?id=1"),
        ("javascript:void(0)", "http://x.gov.cn/", None),
        ("mailto:a@b.cn", "http://x.gov.cn/", None),
        ("#", "http://x.gov.cn/", None),
        ("", "http://x.gov.cn/", None),
        ("tel:12345", None, None),
    ],
)
def test_normalize_url(href, base, want):
    assert normalize_url(href, base) == want


def test_chinese_path_raw_and_encoded_are_one_url():
    a = normalize_url("http://x.gov.cn/政务公开/index.html")
    b = normalize_url("http://x.gov.cn/%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80/index.html")
    assert a == b


def test_site_hosts_and_kinds():
    assert site_hosts("https://www.ganzhou.gov.cn/") == {"www.ganzhou.gov.cn", "ganzhou.gov.cn"}
    assert is_document("http://x/a/b.PDF") and is_document("http://x/f.xlsx")
    assert (
        not is_document("http://x/f.xls") and is_binary("http://x/f.xls") and not is_binary("http://x/a.html")
    )


def test_repeating_segments():
    assert repeating_segments("/a/b/a/b/a/b/c.html")
    assert repeating_segments("/x/x/x/")
    assert not repeating_segments("/2026/11/11/index.html")
    assert not repeating_segments("/col/col123/index.html")


def test_calendar_like():
    assert calendar_like("http://x/calendar/2026/11/03/")
    assert calendar_like("http://x/event/list?date=2026-11-03")
    assert not calendar_like("http://x/art/2026/11/3/art_1_2.html")


def test_trap_guard_limits_query_variants_and_calendars():
    g = TrapGuard(max_query_variants=3, max_calendar_pages=2)
    assert all(g.allow(f"http://x/search?page={i}") for i in range(3))
    assert not g.allow("http://x/search?page=99")
    assert g.allow("http://x/search?page=1")  # a variant already admitted stays admitted
    assert g.allow("http://x/other?page=99")
    assert g.allow("http://x/rili/2026-11-01") and g.allow("http://x/rili/2026-11-02")
    assert not g.allow("http://x/rili/2026-11-03")
    assert not g.allow("http://x/a/b/a/b/a/b/")
    assert g.refused == {"query_variants": 1, "calendar": 1, "repeating_segments": 1}


def test_extract_links_texts_titles_and_base():
    html = """<html><head><base href="http://x.gov.cn/sub/"></head><body>
    <div class="nav"><a href="zwgk/">政务公开</a></div>
    <a href="a.html" title="标题">  链接
       文字 </a><a href="a.html#x">链接 文字</a>
    <a href="javascript:;">无效</a><a href="http://y.cn/"><img alt="外站"></a>
    <map><area href="/m.html" alt="地图"></map></body></html>"""
    links = extract_links(html, "http://x.gov.cn/sub/index.html")
    got = [(link.url, link.text, link.title, link.in_nav) for link in links]
    assert got == [
        ("http://x.gov.cn/sub/zwgk/", "政务公开", "", True),
        ("http://x.gov.cn/sub/a.html", "链接 文字", "标题", False),
        ("http://y.cn/", "外站", "", False),
        ("http://x.gov.cn/m.html", "地图", "", False),
    ]


@dataclass
class _R:
    url: str
    final_url: str
    status: int
    ok: bool
    text: str
    body: bytes = b""
    content_type: str = "text/html"
    elapsed_ms: int = 1
    error: str | None = None
    encoding: str | None = "utf-8"


def _site(pages: dict[str, str]):
    calls: list[str] = []

    async def get(url: str) -> _R:
        calls.append(url)
        if url in pages:
            body = pages[url]
            if url.endswith(".pdf"):
                return _R(url, url, 200, True, "", body.encode(), "application/pdf")
            return _R(url, url, 200, True, body, body.encode())
        return _R(url, url, 404, False, "not found")

    return get, calls


def test_crawl_is_breadth_first_bounded_and_deduplicated():
    base = "http://s.gov.cn"
    pages = {
        f"{base}/": '<a href="/a.html">A</a><a href="/b.html#x">B</a><a href="http://other.cn/">外</a>'
        '<a href="/doc.pdf">附件</a><a href="/img.jpg">图</a>',
        f"{base}/a.html": '<a href="/b.html">B</a><a href="/c.html">C</a><a href="/">首页</a>',
        f"{base}/b.html": '<a href="/d.html">D</a>',
        f"{base}/c.html": '<a href="/e.html">E</a>',
        f"{base}/doc.pdf": "%PDF-1.4",
    }
    get, calls = _site(pages)
    cfg = CrawlConfig(max_pages=100, max_depth=2, workers=2)
    res = asyncio.run(crawl_site(get, base + "/", frozenset({"s.gov.cn"}), cfg))
    urls = [p.url for p in res.pages]
    assert urls[:3] == [f"{base}/", f"{base}/a.html", f"{base}/b.html"]
    assert set(urls) == {f"{base}/", f"{base}/a.html", f"{base}/b.html", f"{base}/c.html", f"{base}/d.html"}
    assert len(calls) == len(set(calls))  # every URL fetched once
    assert "http://other.cn/" in res.links and "http://other.cn/" not in calls
    assert [a.url for a in res.attachments] == [f"{base}/doc.pdf"] and res.attachments[0].body == b"%PDF-1.4"
    assert f"{base}/e.html" in res.links and f"{base}/e.html" not in calls  # beyond max_depth: linked only
    assert f"{base}/img.jpg" in res.links and f"{base}/img.jpg" not in calls
    assert res.links[f"{base}/b.html"][0].page_url == f"{base}/"


def test_crawl_page_budget():
    base = "http://s.gov.cn"
    pages = {f"{base}/": "".join(f'<a href="/p{i}.html">p{i}</a>' for i in range(50))}
    get, calls = _site(pages)
    res = asyncio.run(crawl_site(get, base + "/", frozenset({"s.gov.cn"}), CrawlConfig(max_pages=10)))
    assert len(res.pages) == 10 and res.truncated and len(calls) == 10


def test_crawl_refuses_query_traps():
    base = "http://s.gov.cn"
    pages = {f"{base}/": "".join(f'<a href="/search?q={i}">s{i}</a>' for i in range(40))}
    get, calls = _site(pages)
    res = asyncio.run(crawl_site(get, base + "/", frozenset({"s.gov.cn"}), CrawlConfig(max_query_variants=5)))
    assert len(res.pages) == 6 and res.refused == {"query_variants": 35}


def test_two_urls_landing_on_one_page_are_read_once():
    base = "http://s.gov.cn"

    async def get(url: str) -> _R:
        if url == f"{base}/":
            body = '<a href="/old.html">旧</a><a href="/new.html">新</a>'
            return _R(url, url, 200, True, body, body.encode())
        body = '<a href="/x.html">x</a>'
        return _R(url, f"{base}/new.html", 200, True, body, body.encode())  # /old.html redirects here

    res = asyncio.run(crawl_site(get, base + "/", frozenset({"s.gov.cn"}), CrawlConfig(max_depth=1)))
    read = [p.url for p in res.pages if p.html]
    assert len(res.pages) == 3 and len(read) == 2 and f"{base}/" in read


def test_feed_entry_texts_for_the_post_scan():
    from govwatch.checks.inspect_run import entry_texts

    rss = (
        '<?xml version="1.0" encoding="utf-8"?><rss><channel><title>号</title><description>频道</description>'
        "<item><title>a</title><description>&lt;p&gt;全市上下&lt;b&gt;再接再励&lt;/b&gt;&lt;/p&gt;</description></item>"
        "<item><title>b</title></item></channel></rss>"
    ).encode()
    assert entry_texts(rss, "application/rss+xml") == ["全市上下再接再励", ""]
    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>t</title><summary>s1</summary></entry>'
        b'<entry><content type="html">&lt;p&gt;c2&lt;/p&gt;</content></entry></feed>'
    )
    assert entry_texts(atom) == ["s1", "c2"]
    js = '{"items": [{"content_text": "一"}, {"content_html": "<p>二</p>"}, {"summary": "三"}]}'.encode()
    assert entry_texts(js, "application/feed+json") == ["一", "二", "三"]
    assert entry_texts(b"not a feed") == []


def test_sites_sharing_a_host_crawl_their_own_directory():
    from govwatch.checks.inspect_run import shared_host_prefixes

    sites = [
        {"id": "p", "url": "http://h.gov.cn/"},
        {"id": "d", "url": "http://h.gov.cn/slj/index.html"},
        {"id": "o", "url": "http://other.gov.cn/"},
    ]
    assert shared_host_prefixes(sites) == {"p": "/", "d": "/slj/"}
    base = "http://h.gov.cn"
    pages = {
        f"{base}/slj/index.html": '<a href="/slj/a.html">A</a><a href="/fgw/b.html">B</a><a href="/">门户</a>',
        f"{base}/slj/a.html": "a",
    }
    get, calls = _site(pages)
    res = asyncio.run(
        crawl_site(get, f"{base}/slj/index.html", frozenset({"h.gov.cn"}), CrawlConfig(), path_prefix="/slj/")
    )
    assert [p.url for p in res.pages] == [f"{base}/slj/index.html", f"{base}/slj/a.html"]
    assert f"{base}/fgw/b.html" in res.links  # still link-checked, not crawled


def test_query_values_are_kept_as_written():
    # A GBK-encoded search term (政府) must not be re-encoded as UTF-8.
    url = normalize_url("http://x.gov.cn/search?kw=%D5%FE%B8%AE&page=2&utm_medium=a")
    assert url == "http://x.gov.cn/search?kw=%D5%FE%B8%AE&page=2"
    assert normalize_url("/s?b=1&a=&c") is None  # relative, without a base: no URL
    assert normalize_url("/s?b=1&a=&c", "http://x/") == "http://x/s?a=&b=1&c"


def test_gbk_encoded_path_is_kept():
    assert normalize_url("http://x.gov.cn/%d5%fe%b8%ae/a.html") == "http://x.gov.cn/%D5%FE%B8%AE/a.html"
