"""Channel detection on real saved home pages and on small hand-made ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from govwatch.checks.channels import channel_entries, channel_findings, classify_label, nav_pages
from govwatch.crawl.linkcheck import LinkStatus
from govwatch.crawl.pages import extract_links
from govwatch.crawl.urls import site_hosts
from govwatch.fetch.encoding import decode
from govwatch.rules import load_rules

REAL = Path(__file__).resolve().parents[3] / "shared" / "realpages"


def _links(name: str, url: str):
    text, _ = decode((REAL / name).read_bytes(), "text/html")
    return extract_links(text, url)


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def test_labels(rules):
    assert classify_label("我要留言", rules) == {"interaction"}
    assert classify_label("局长信箱", rules) == {"interaction"}
    assert classify_label("网上办事", rules) == {"service"}
    assert classify_label("网上信访", rules) == set()
    assert classify_label("纪检举报", rules) == set()
    assert classify_label("投诉举报", rules) == set()
    assert classify_label("区信访办召开2018年党风廉政建设工作会", rules) == set()  # a headline
    assert classify_label("“互联网+”画出朝阳一刻钟智慧服务圈", rules) == set()
    assert classify_label("12345热线", rules) == {"interaction"}


def test_bjgjj_home_has_a_consultation_entry(rules):
    entries = channel_entries(rules, _links("04_bjgjj-home.html", "http://www.bjgjj.gov.cn/"))
    got = {(e.kind, e.label, e.url) for e in entries}
    assert ("interaction", "咨询留言", "http://www.bjgjj.gov.cn/wsyw/guestbook/nwwd.jsp") in got
    assert ("service", "公积金办事指南", "http://www.bjgjj.gov.cn/bszn/gjjbszn/") in got


def test_yichun_petition_entries_do_not_count(rules):
    entries = channel_entries(rules, _links("02_yichun-home.html", "http://www.yichun.gov.cn/"))
    labels = {e.label for e in entries if e.kind == "interaction"}
    # 网上信访, and 领导信箱 that lands on the provincial petition system, are not consultation channels.
    assert "网上信访" not in labels and "领导信箱" not in labels
    assert {"互动交流", "民意征集"} <= labels
    assert "政务服务" in {e.label for e in entries if e.kind == "service"}


def test_handan_hash_tab_is_not_an_entry(rules):
    entries = channel_entries(rules, _links("01_handan-xxgk-index.html", "http://hdzfxxgk.hd.gov.cn/"))
    labels = {e.label for e in entries if e.kind == "interaction"}
    assert "政民互动" not in labels  # href="#": a tab on the page itself
    assert "我要留言" in labels


def test_alt_home(rules):
    links = _links("07_alt-home.html", "http://www.alt.gov.cn/")
    entries = channel_entries(rules, links)
    assert {e.label for e in entries if e.kind == "interaction"} == {"政民互动"}
    assert "网上办事" in {e.label for e in entries if e.kind == "service"}
    nav = nav_pages(links, site_hosts("http://www.alt.gov.cn/"))
    assert "http://www.alt.gov.cn/Article/ArticleClass.aspx?ClassID=589" in nav


def test_findings_need_a_target_that_loads(rules):
    links = extract_links(
        '<a href="/ly">我要留言</a><a href="/xf">网上信访</a><a href="/bs">网上办事</a>', "http://s.gov.cn/"
    )
    entries = channel_entries(rules, links)
    ok = {"http://s.gov.cn/bs": LinkStatus("http://s.gov.cn/bs", "ok", 200, None)}
    broken = {"http://s.gov.cn/ly": LinkStatus("http://s.gov.cn/ly", "broken", 404, None)}
    kw = {"site_id": "3607000001", "unit_id": "u", "home_url": "http://s.gov.cn/"}
    found, working = channel_findings(rules, entries, {**ok, **broken}, has_services=True, **kw)
    assert [f.check for f in found] == ["no_interaction_channel"] and found[0].severity == "veto"
    assert "我要留言" in found[0].evidence and "HTTP 404" in found[0].evidence
    all_ok = {**ok, "http://s.gov.cn/ly": LinkStatus("http://s.gov.cn/ly", "ok", 200, None)}
    found, working = channel_findings(rules, entries, all_ok, has_services=True, **kw)
    assert found == [] and len(working["interaction"]) == 1
    # A label promising 留言 whose page turns out to be the petition system does not count.
    found, _ = channel_findings(
        rules, entries, all_ok, has_services=True, target_titles={"http://s.gov.cn/ly": "网上信访大厅"}, **kw
    )
    assert [f.check for f in found] == ["no_interaction_channel"]
    # No services: no service check.
    found, _ = channel_findings(rules, entries, broken, has_services=False, **kw)
    assert [f.check for f in found] == ["no_interaction_channel"]
    found, _ = channel_findings(rules, entries, broken, has_services=True, **kw)
    assert [f.check for f in found] == ["no_interaction_channel", "no_service_channel"]
