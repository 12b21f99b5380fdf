"""外链暗链: hidden links to outside domains, with the page's own CSS; tabs and same-site links excluded."""

from __future__ import annotations

from pathlib import Path

import pytest

from govwatch.checks.darklinks import Blacklist, dark_link_findings, hidden_outside_links, registered_domain
from govwatch.rules import load_rules

PAGE = "http://www.example.gov.cn/index.html"
HOSTS = ["www.example.gov.cn"]
REALPAGES = Path(__file__).resolve().parents[2].parent / "shared" / "realpages"


def _page(body: str, style: str = "") -> str:
    return f"<html><head><style>{style}</style></head><body><p>正文</p>{body}</body></html>"


def _hidden(html: str, **kw) -> list[tuple[str, str]]:
    return [(h.url, h.reason) for h in hidden_outside_links(html, PAGE, site_hosts=HOSTS, **kw)]


SPAM = "http://spam.example.com/x"


@pytest.mark.parametrize(
    ("body", "style", "reason"),
    [
        (f'<div style="display:none"><a href="{SPAM}">链接</a></div>', "", "display:none"),
        (f'<div class="k"><a href="{SPAM}">链接</a></div>', ".k{display:none}", "display:none"),
        (
            f'<div id="k"><p><a href="{SPAM}">链接</a></p></div>',
            "body #k{display : none !important}",
            "display:none",
        ),
        (f'<a href="{SPAM}" style="visibility:hidden">链接</a>', "", "visibility:hidden"),
        (f'<div style="height:0;overflow:hidden"><a href="{SPAM}">链接</a></div>', "", "zero-size"),
        (
            f'<div class="k"><a href="{SPAM}">链接</a></div>',
            ".k{width:1px;height:1px;overflow:hidden}",
            "zero-size",
        ),
        (f'<marquee width="0" height="0"><a href="{SPAM}">链接</a></marquee>', "", "zero-size"),
        (f'<div style="position:absolute;left:-9999px"><a href="{SPAM}">链接</a></div>', "", "off-screen"),
        (f'<div class="k"><a href="{SPAM}">链接</a></div>', ".k{position:fixed;top:-2000px}", "off-screen"),
        (f'<p style="text-indent:-9999px"><a href="{SPAM}">链接</a></p>', "", "text-indent"),
        (f'<p style="font-size:0"><a href="{SPAM}">链接</a></p>', "", "font-size:0"),
        (f'<div class="k"><span><a href="{SPAM}">链接</a></span></div>', ".k{font-size:0px}", "font-size:0"),
        (f'<div style="opacity:0"><a href="{SPAM}">链接</a></div>', "", "opacity:0"),
        (f'<div hidden><a href="{SPAM}">链接</a></div>', "", "hidden"),
        (f'<div style="background:#fff"><a href="{SPAM}" style="color:#FFFFFF">链接</a></div>', "", "color"),
        (
            f'<div class="w"><a href="{SPAM}">链接</a></div>',
            ".w{background-color:white} .w a{color:rgb(255,255,255)}",
            "color",
        ),
        (f'<div style="position:absolute;clip:rect(0 0 0 0)"><a href="{SPAM}">链接</a></div>', "", "clip"),
    ],
)
def test_each_hiding_technique_fires_for_outside_links(body: str, style: str, reason: str):
    assert _hidden(_page(body, style)) == [(SPAM, reason)]


def test_same_site_and_subdomain_links_never_fire():
    body = """<div style="display:none"><a href="/news/1.html">站内</a><a href="http://xxgk.example.gov.cn/a">子站</a>
    <a href="https://www.example.gov.cn:8443/b">端口</a><a href="javascript:void(0)">js</a><a href="#top">锚点</a></div>"""
    assert _hidden(_page(body)) == []


def test_visible_outside_links_do_not_fire():
    body = """<a href="http://www.gov.cn/">中国政府网</a><div style="font-size:0"><a href="http://www.gov.cn/zhuanti/">
    <img src="/i/zt.png" width="200" height="60" alt="专题"></a><span style="font-size:12px">
    <a href="http://www.jiangxi.gov.cn/">江西省人民政府</a></span></div>
    <div style="visibility:hidden"><a href="http://e.gov.cn/" style="visibility:visible">可见</a></div>
    <a class="logo" href="http://www.people.com.cn/" style="text-indent:-9999px;background:url(l.png)">人民网</a>"""
    style = "a{color:#fff}"  # white links, background unknown (set by an external stylesheet or image)
    html = _page(body, style).replace("<head>", '<head><link rel="stylesheet" href="/s.css">')
    assert _hidden(html) == []


def test_hidden_tabs_and_menus_are_not_dark_links():
    body = """<div class="tabbox"><ul><li onmouseover="show(1)">省内</li><li onmouseover="show(2)">省外</li></ul>
      <div class="tab-con"><a href="http://www.jiangxi.gov.cn/">江西</a></div>
      <div class="tab-con" style="display:none"><a href="http://www.hunan.gov.cn/">湖南</a></div></div>
    <ul class="nav"><li><a href="/">首页</a><ul style="display:none"><li><a href="http://zwfw.jiangxi.gov.cn/">
      政务服务网</a></li></ul></li></ul>
    <div id="con_2" style="display:none"><a href="http://www.hubei.gov.cn/">湖北</a></div>
    <div id="con_1"><a href="http://www.anhui.gov.cn/">安徽</a></div>"""
    assert _hidden(_page(body)) == []
    # They are reported as interactive when asked for.
    found = hidden_outside_links(_page(body), PAGE, site_hosts=HOSTS, include_interactive=True)
    assert {h.url for h in found} == {
        "http://www.hunan.gov.cn/",
        "http://zwfw.jiangxi.gov.cn/",
        "http://www.hubei.gov.cn/",
    }
    assert all(h.interactive for h in found)
    assert (
        dark_link_findings(load_rules(), _page(body), PAGE, site_id="s", unit_id="u", site_hosts=HOSTS) == []
    )


def test_panels_opened_by_scripts_are_not_dark_links_but_a_lone_hidden_block_is():
    body = """<ul><li onmouseover="yq(1)">省内网站</li><li onmouseover="yq(2)">省外网站</li></ul>
      <div class="yqlj_con" style="display:none"><a href="http://www.nanchang.gov.cn/">南昌</a></div>
      <div class="yqlj_con" style="display:none"><a href="http://www.hunan.gov.cn/">湖南</a></div>
      <div class="zqdh" style="display:none"><a href="http://www.jiujiang.gov.cn/">九江</a></div>
      <script>$(".zqdh-btn").hover(function(){ $(".zqdh").show(); });</script>
      <div style="display:none"><a href="http://www.banjia-example.com/">搬家公司</a></div>"""
    assert _hidden(_page(body)) == [("http://www.banjia-example.com/", "display:none")]


def test_blacklist_means_veto_and_plain_hidden_means_deduct():
    rules = load_rules()
    body = """<div style="display:none"><a href="http://www.amxpj-888.com/">澳门葡京</a>
      <a href="http://bet365.example.net/">体育</a><a href="http://news.example.org/">新闻</a></div>"""
    fs = {
        f.evidence_key: f
        for f in dark_link_findings(rules, _page(body), PAGE, site_id="s1", unit_id="u1", site_hosts=HOSTS)
    }
    assert fs["http://www.amxpj-888.com/"].severity == "veto"
    assert fs["http://bet365.example.net/"].severity == "veto"
    plain = fs["http://news.example.org/"]
    assert plain.severity == "deduct" and plain.points == rules.points("dark_link")
    assert plain.check == "dark_link" and plain.target_type == "site" and plain.target_id == "s1"
    assert plain.evidence_url == PAGE and "display:none" in plain.evidence


def test_listed_link_in_a_tab_still_fires():
    body = """<div class="c"><a href="/a">甲</a></div><div class="c" style="display:none">
      <a href="http://x.example.com/">百家乐在线</a></div>"""
    (f,) = dark_link_findings(load_rules(), _page(body), PAGE, site_id="s", unit_id=None, site_hosts=HOSTS)
    assert f.severity == "veto" and "百家乐" in f.evidence


def test_noscript_counters_are_ignored_unless_listed():
    body = """<noscript><a href="https://www.cnzz.com/stat/website.php?web_id=1">站长统计</a></noscript>
      <noscript><a href="http://www.xinpujing-online.com/">娱乐</a></noscript>"""
    fs = dark_link_findings(load_rules(), _page(body), PAGE, site_id="s", unit_id=None, site_hosts=HOSTS)
    assert [(f.evidence_key, f.severity) for f in fs] == [("http://www.xinpujing-online.com/", "veto")]


@pytest.mark.parametrize(
    "body",
    [
        f'<div style="filter:alpha(opacity=0)"><a href="{SPAM}">链接</a></div>',
        f'<div style="transform:translateX(-9999px)"><a href="{SPAM}">链接</a></div>',
        f'<div style="margin-top:-3000px"><a href="{SPAM}">链接</a></div>',
    ],
)
def test_more_hiding_techniques(body: str):
    assert [u for u, _ in _hidden(_page(body))] == [SPAM]


def test_style_wrapped_in_html_comment_and_media_screen():
    style = "<!-- @media screen { .x {display:none} } -->"
    assert _hidden(_page(f'<div class="x"><a href="{SPAM}">链接</a></div>', style)) == [
        (SPAM, "display:none")
    ]


def test_tabs_with_state_classes_and_image_carousels():
    body = """<div class="news-list show"><a href="http://a.example.org/">甲</a></div>
      <div class="news-list hide" style="display:none"><a href="http://b.example.org/">乙</a></div>
      <ul><li><a href="http://c.example.org/"><img src="/1.jpg"></a></li>
      <li style="display:none"><a href="http://d.example.org/"><img src="/2.jpg"></a></li></ul>"""
    assert _hidden(_page(body)) == []
    # A plain hidden list item with a text link among visible ones is still a dark link.
    spam = '<ul><li><a href="/a">站内</a></li><li style="display:none"><a href="http://e.example.org/">e</a></li></ul>'
    assert _hidden(_page(spam)) == [("http://e.example.org/", "display:none")]


def test_links_written_by_document_write():
    script = """<script type="text/javascript">
      document.write('<div style="display:none">');
      document.write("<a href=\\"http://www.bocai-888.com/\\">\\u767e\\u5bb6\\u4e50</a>");
      document.write('</div>');
      document.write('<a href="http://www.gov.cn/">中国政府网</a>');
    </script>"""
    (f,) = dark_link_findings(load_rules(), _page(script), PAGE, site_id="s", unit_id=None, site_hosts=HOSTS)
    assert f.evidence_key == "http://www.bocai-888.com/" and f.severity == "veto"
    assert "document.write" in f.evidence and "百家乐" in f.evidence
    # Written into an element the page hides: hidden as well; %-escaped markup is read too.
    hidden_parent = """<div class="k"><script>document.write(unescape("%3Ca href='http://x.example.org/'%3Ex%3C/a%3E"))
      </script></div>"""
    assert _hidden(_page(hidden_parent, ".k{position:absolute;left:-3000px}")) == [
        ("http://x.example.org/", "off-screen")
    ]


def test_blacklist_file():
    bl = Blacklist.load(Path(__file__).resolve().parents[2] / "include" / "rules")
    assert bl.match("http://a.com/", "六合彩开奖") == "六合彩"
    assert bl.match("http://www.casino-royal.com/", "") == "casino"
    assert bl.match("http://www.gov.cn/", "中国政府网") is None


def test_malformed_input_does_not_raise():
    assert _hidden("<a href='http://[::1' style='display:none'>x</a><base href='http://[bad'>") == []
    assert _hidden(b"") == [] and _hidden(b"%PDF-1.4 \x00\x01") == []


def test_registered_domain():
    assert registered_domain("www.example.gov.cn") == "example.gov.cn"
    assert registered_domain("a.b.example.com") == "example.com"
    assert registered_domain("127.0.0.1") == "127.0.0.1"


@pytest.mark.skipif(not REALPAGES.exists(), reason="real pages not available")
def test_real_pages_have_no_dark_links():
    hosts = {
        "01": "hdzfxxgk.hd.gov.cn",
        "02": "www.yichun.gov.cn",
        "03": "www.bjchy.gov.cn",
        "04": "www.bjgjj.gov.cn",
        "05": "www.bjciq.gov.cn",
        "06": "www.bjrbj.gov.cn",
        "07": "www.alt.gov.cn",
        "08": "www.bjda.gov.cn",
    }
    for path in sorted(REALPAGES.glob("*.html")):
        host = hosts[path.name[:2]]
        fs = dark_link_findings(
            load_rules(), path.read_bytes(), f"http://{host}/", site_id="s", unit_id=None, site_hosts=[host]
        )
        assert fs == [], path.name
