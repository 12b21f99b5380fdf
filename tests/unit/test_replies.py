"""Consult columns: parsing list tables, list rows and detail pages; late and overdue replies by the
State Council calendar."""

from __future__ import annotations

from datetime import date

import pytest

from govwatch.checks.replies import Message, add_months, merge, parse_detail, parse_list, reply_findings
from govwatch.rules import load_rules

PAGE = "http://s.gov.cn/hd/zxly/index.html"
KW = {"target_id": "3607000001/zxly", "site_id": "3607000001", "unit_id": "u"}


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def test_table_with_headers():
    html = """<table><tr><th>序号</th><th>留言标题</th><th>留言时间</th><th>回复时间</th></tr>
    <tr><td>1</td><td><a href="d1.html">关于路灯维修的咨询</a></td><td>2026-09-29</td><td>2026-10-09</td></tr>
    <tr><td>2</td><td><a href="d2.html">公积金提取</a></td><td>2026/10/12</td><td></td></tr>
    <tr><td>3</td><td><a href="d3.html">无日期</a></td><td>—</td><td></td></tr></table>"""
    got = parse_list(html, PAGE)
    assert got == [
        Message(
            "关于路灯维修的咨询",
            "http://s.gov.cn/hd/zxly/d1.html",
            date(2026, 9, 29),
            date(2026, 10, 9),
            "answered",
            PAGE,
        ),
        Message("公积金提取", "http://s.gov.cn/hd/zxly/d2.html", date(2026, 10, 12), None, "open", PAGE),
    ]


def test_table_with_status_column():
    html = """<table><thead><tr><td>主题</td><td>提问日期</td><td>办理状态</td></tr></thead>
    <tr><td><a href="/a">甲</a></td><td>2026年3月2日</td><td>已办结</td></tr>
    <tr><td><a href="/b">乙</a></td><td>2026年3月3日</td><td>办理中</td></tr></table>"""
    got = parse_list(html, PAGE)
    assert [(m.title, m.submitted, m.status) for m in got] == [
        ("甲", date(2026, 3, 2), "answered"),
        ("乙", date(2026, 3, 3), "open"),
    ]


def test_list_rows_with_status_words_and_labels():
    html = """<ul>
    <li><a href="/m/1.html">咨询一</a><span>2026-05-06</span><span class="st">未回复</span></li>
    <li><a href="/m/2.html">咨询二</a><span>留言时间：2026-05-07</span><span>答复时间：2026-05-20</span></li>
    <li><a href="/m/3.html">咨询三</a><span>2026-05-08</span></li>
    </ul>"""
    got = {m.title: (m.submitted, m.replied, m.status) for m in parse_list(html, PAGE)}
    assert got == {
        "咨询一": (date(2026, 5, 6), None, "open"),
        "咨询二": (date(2026, 5, 7), date(2026, 5, 20), "answered"),
        "咨询三": (date(2026, 5, 8), None, None),
    }


def test_detail_page_completes_a_listed_message():
    html = """<html><head><title>咨询三</title></head><body><div>来信时间：2026年05月08日 10:21</div>
    <div>答复单位：市住建局</div><div>答复时间：2026-05-22</div><div>答复内容：您好，已安排……</div></body></html>"""
    detail = parse_detail(html, "http://s.gov.cn/m/3.html")
    assert detail is not None and detail.submitted == date(2026, 5, 8) and detail.replied == date(2026, 5, 22)
    listed = Message("咨询三", "http://s.gov.cn/m/3.html", date(2026, 5, 8), None, None, PAGE)
    assert merge(listed, detail).replied == date(2026, 5, 22) and merge(listed, detail).status == "answered"
    assert parse_detail("<p>没有日期</p>", "http://x/") is None


def test_national_day_is_not_counted(rules):
    # 2026-09-29 → 2026-10-09: 9-30, 10-8, 10-9 are the only working days (National Day 10-1..10-7).
    m = Message("国庆前的咨询", "http://s/1", date(2026, 9, 29), date(2026, 10, 9), "answered")
    assert reply_findings(rules, [m], date(2026, 11, 1), **KW) == []
    # The fifth working day after 9-29 is Monday 10-12 (the 调休 Saturday 10-10 counts): a reply on 10-13 is late.
    late = Message("国庆前的咨询", "http://s/1", date(2026, 9, 29), date(2026, 10, 13), "answered")
    got = reply_findings(rules, [late], date(2026, 11, 1), **KW)
    assert [(f.check, f.severity, f.evidence_key) for f in got] == [("reply_late", "deduct", "http://s/1")]
    assert "6 个工作日" in got[0].evidence
    ontime = Message("国庆前的咨询", "http://s/1", date(2026, 9, 29), date(2026, 10, 12), "answered")
    assert reply_findings(rules, [ontime], date(2026, 11, 1), **KW) == []


def test_open_messages(rules):
    as_of = date(2026, 11, 20)
    fresh = Message("新留言", "http://s/2", date(2026, 11, 16), None, "open")
    stale = Message("久未回复", "http://s/3", date(2026, 11, 2), None, "open")
    overdue = Message("三个月前", None, date(2026, 7, 10), None, "open")
    too_old = Message("一年多前", "http://s/5", date(2025, 10, 1), None, "open")
    unknown = Message("不知道", "http://s/6", date(2026, 1, 5), None, None)
    got = reply_findings(rules, [fresh, stale, overdue, too_old, unknown], as_of, **KW)
    assert sorted((f.check, f.evidence_key) for f in got) == [
        ("reply_late", "http://s/3"),
        ("reply_late", "三个月前|2026-07-10"),
        ("reply_overdue", "三个月前|2026-07-10"),
    ]
    assert next(f for f in got if f.check == "reply_overdue").severity == "veto"


def test_add_months():
    assert add_months(date(2026, 8, 31), 3) == date(2026, 11, 30)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)


def test_detail_status_label_wins_over_words_elsewhere():
    html = """<html><body><div>提问时间：2026-05-08</div><div>办理状态：已答复</div>
    <div class="legend">图例：未回复 / 办理中 / 已答复</div></body></html>"""
    got = parse_detail(html, "http://s.gov.cn/m/9.html")
    assert got is not None and got.status == "answered" and got.replied is None


def test_rows_with_more_links_and_labelled_dates():
    html = """<ul><li><a href="/m/7.html">关于供暖的咨询</a> <a href="/dept/3">市住建局</a> <a href="/m/7.html">详情</a>
    <span>提问时间：2026-10-09</span><span>受理时间：2026-10-10</span><span>答复时间：2026-10-21</span>
    <span>更新：2026-10-22</span></li>
    <li><a href="/m/8.html">关于公交的咨询</a><span>2026-10-12</span><span>2026-10-13</span></li></ul>"""
    got = {m.title: (m.submitted, m.replied) for m in parse_list(html, PAGE)}
    assert got == {
        "关于供暖的咨询": (date(2026, 10, 9), date(2026, 10, 21)),
        "关于公交的咨询": (date(2026, 10, 12), date(2026, 10, 13)),
    }
