"""Policy interpretations: finding the document, two-way links, working-day lateness."""

from __future__ import annotations

from datetime import date

from govwatch.checks.interpretation import (
    Item,
    Pair,
    document_names,
    find_document,
    interpretation_findings,
    links_to,
    page_date,
)
from govwatch.crawl.pages import extract_links
from govwatch.rules import load_rules

KW = {"target_id": "3607000001/zcjd", "site_id": "3607000001", "unit_id": "u"}


def test_document_names():
    assert document_names("《赣州市城市供水管理办法》政策解读") == ["赣州市城市供水管理办法"]
    assert document_names("关于印发赣州市促进消费若干措施的通知的解读") == [
        "关于印发赣州市促进消费若干措施的通知"
    ]
    assert document_names("一图读懂") == []


def test_find_document_from_links_or_policy_items():
    interp = Item("《赣州市城市供水管理办法》政策解读", "http://s/jd/1.html", date(2026, 3, 6))
    page = '<a href="/zc/9.html">赣州市城市供水管理办法</a><a href="/">首页</a>'
    doc = find_document(interp, extract_links(page, interp.url), [])
    assert doc is not None and doc.url == "http://s/zc/9.html"
    orig = find_document(interp, extract_links('<a href="/zc/9.html">政策原文</a>', interp.url), [])
    assert orig is not None and orig.url == "http://s/zc/9.html"
    items = [
        Item("赣州市人民政府关于印发赣州市城市供水管理办法的通知", "http://s/zc/9.html", date(2026, 3, 2)),
        Item("其他文件", "http://s/zc/8.html", date(2026, 3, 1)),
    ]
    got = find_document(interp, [], items)
    assert got == items[0]
    assert find_document(Item("《完全无关的文件名称》解读", "http://s/jd/2"), [], items) is None
    # A title without the document's name: the link to a policy-column item is the document.
    plain = Item("一图读懂：我县出台稳经济十条措施", "http://s/jd/3")
    links = extract_links('<p>相关文件：<a href="/zc/8.html">点击查看</a></p>', plain.url)
    assert find_document(plain, links, items) == items[1]
    assert find_document(plain, [], items) is None
    other = Item("一图读懂：我县出台稳经济十条措施", "http://s/jd/3")
    links = extract_links('<p>相关文件：<a href="http://other.gov.cn/zc/1.html">点击查看</a></p>', other.url)
    assert links[0].before == "相关文件："
    assert find_document(other, links, []) == Item("点击查看", "http://other.gov.cn/zc/1.html")


def test_findings():
    rules = load_rules()
    it = Item("《某办法》解读", "http://s/jd/1", date(2026, 10, 12))
    doc = Item("某办法", "http://s/zc/1", date(2026, 9, 29))
    # 9-29 → 10-12: 9-30, 10-8, 10-9, 10-10 (调休), 10-12 = 5 working days > 3.
    got = interpretation_findings(rules, [Pair(it, doc, True, False, True)], **KW)
    assert [(f.check, f.evidence_key) for f in got] == [
        ("interpretation_unlinked", "http://s/jd/1"),
        ("interpretation_late", "http://s/jd/1"),
    ]
    assert "政策文件页面未链接解读" in got[0].evidence and "5 个工作日" in got[1].evidence
    timely = Item("《某办法》解读", "http://s/jd/1", date(2026, 10, 9))  # 3 working days: on time
    assert interpretation_findings(rules, [Pair(timely, doc, True, True, True)], **KW) == []
    got = interpretation_findings(rules, [Pair(it, None)], **KW)
    assert [f.check for f in got] == ["interpretation_unlinked"]


def test_page_date_and_links_to():
    assert page_date('<meta name="PubDate" content="2026-03-02 10:00">') == date(2026, 3, 2)
    assert page_date("<div>发布日期：2026年3月4日</div>") == date(2026, 3, 4)
    assert page_date("<div>无</div>") is None
    links = extract_links('<a href="/jd/1/">解读</a>', "http://s/zc/1")
    assert links_to(links, ["http://s/jd/1"]) and not links_to(links, ["http://s/jd/2"])
