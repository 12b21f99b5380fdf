"""The sample province's generator and ground truth (no network, no database)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from govwatch.findings import CHECK_CODES
from govwatch.masking import MOBILE_RE, is_valid_id
from govwatch.sample import generate
from govwatch.sample.plan import id_number, last_complete_week, wrong_checksum
from govwatch.sample.render import render_outside, render_site
from govwatch.sample.truth import Truth, evaluate
from govwatch.workdays import workdays_between

AS_OF = date(2026, 11, 22)


@pytest.fixture(scope="module")
def prov():
    return generate(AS_OF)


def _render_all(p):
    bases = {s.id: f"http://127.0.77.{s.host}:8000/" for s in p.sites}
    pages = {}
    for s in p.sites:
        for path, resp in render_site(p, s, bases, "http://127.0.77.200:8000").items():
            pages[(s.id, path)] = resp.body
    for path, resp in render_outside(p, "http://127.0.77.200:8000").items():
        pages[("outside", path)] = resp.body
    return pages


def test_every_check_code_is_planted(prov):
    assert prov.truth.checks() == set(CHECK_CODES)
    assert len(prov.sites) == 21 and 60 <= prov.column_count() <= 95 and len(prov.accounts) == 30
    assert any(s.id.startswith("bm") for s in prov.sites)
    assert {c.category for s in prov.sites for c in s.columns} == {
        "news",
        "notice",
        "policy",
        "interpretation",
        "consult",
        "personnel",
        "planning",
        "other",
    }
    assert {a.platform for a in prov.accounts} == {"wechat", "weibo", "douyin", "kuaishou", "toutiao"}
    assert {s.family for s in prov.sites} == {"A", "B", "C"}
    # every expected target exists
    ids = (
        {s.id for s in prov.sites}
        | {f"{s.id}/{c.id}" for s in prov.sites for c in s.columns}
        | {a.id for a in prov.accounts}
    )
    assert all(e.target_id in ids for e in prov.truth.expected)
    assert all(d.target_id in ids for d in prov.truth.decoys)
    # a decoy never names what is expected
    assert not {(d.check, d.target_id) for d in prov.truth.decoys} & prov.truth.expected_keys()


def test_generator_is_deterministic():
    a, b = generate(AS_OF, 7), generate(AS_OF, 7)
    assert a.truth.to_json() == b.truth.to_json()
    assert _render_all(a) == _render_all(b)
    c = generate(AS_OF, 8)
    assert _render_all(a) != _render_all(c)


def test_dates_follow_the_rules(prov):
    facts = prov.truth.facts
    # nothing is dated after as_of
    for s in prov.sites:
        for c in s.columns:
            assert all(it.date < AS_OF for it in c.items)
    for a in prov.accounts:
        assert all(p.at.date() < AS_OF for p in a.posts)
    # planted column ages match the firing rules; decoys sit just inside
    age = {
        k: (AS_OF - date.fromisoformat(v["newest"])).days for k, v in facts["columns"].items() if v["newest"]
    }
    assert age["3901020001/zjdt"] > 14 and age["3901000009/rsdt"] == 13
    assert age["3901030001/tzgg"] == 178 and age["3901000009/tzgg"] == 176
    assert age["3901230001/tpxw"] == 20 and prov.site("3901230001").column("tpxw").max_age_days == 30
    # healthy home pages are fresh (below the 10-day early warning); the stale one is not
    for sid, newest in facts["homepages"].items():
        if sid == "3901000006":
            assert (AS_OF - date.fromisoformat(newest)).days > 14
        elif newest:
            assert (AS_OF - date.fromisoformat(newest)).days < 10, sid
    # media cadence
    acc = facts["accounts"]
    assert acc["wx-qlfb"]["posts_last_complete_week"] == 2
    assert acc["wb-ysfb"]["posts_last_complete_week"] == 1
    assert (AS_OF - date.fromisoformat(acc["wb-nlfb"]["newest"])).days == 13
    assert (AS_OF - date.fromisoformat(acc["wx-yzsl"]["newest"])).days > 14
    healthy = {"wx-yzfb", "wb-yzfb", "dy-yzfb", "ks-yzjt", "tt-yzsj"}
    assert all(acc[a]["posts_last_complete_week"] >= 2 for a in healthy)


def test_last_complete_week():
    assert last_complete_week(date(2026, 11, 22)) == (date(2026, 11, 9), date(2026, 11, 15))
    assert last_complete_week(date(2026, 11, 23)) == (date(2026, 11, 16), date(2026, 11, 22))


def test_reply_and_interpretation_timings(prov):
    city = prov.site("3901000001")
    msgs = [it.message for it in city.column("zwzx").items]
    holiday = [m for m in msgs if m.answered and (m.answered - m.asked).days >= 9]
    assert holiday, "the holiday decoy is present for 2026-11-22 (National Day 2026)"
    for m in holiday:
        assert workdays_between(m.asked, m.answered) <= 5
    for m in msgs:
        if m.answered:
            assert workdays_between(m.asked, m.answered) <= 5
        else:
            assert workdays_between(m.asked, AS_OF) <= 5
    late = [
        it.message
        for it in prov.site("3901020001").column("zxzx").items
        if it.message.answered and workdays_between(it.message.asked, it.message.answered) > 5
    ]
    assert len(late) == 1
    overdue = [
        it.message for it in prov.site("3901030001").column("qzxx").items if it.message.answered is None
    ]
    assert any((AS_OF - m.asked).days > 92 for m in overdue)
    # interpretation decoy: exactly 3 working days, more calendar days
    zcjd = city.column("zcjd")
    for it in zcjd.items:
        ((_, pol),) = [r for r in it.related if r[0] == "相关文件："]
        assert workdays_between(pol.date, it.date) <= 3
        assert any(other is it for _, other in pol.related)
    assert any((it.date - it.related[0][1].date).days >= 5 for it in zcjd.items)


def test_privacy_plants_and_decoys():
    good = id_number("362101", date(1986, 4, 17), 213)
    assert is_valid_id(good) and not is_valid_id(wrong_checksum(good))
    pages = _render_all(generate(AS_OF))
    city_notice = [
        v.decode()
        for (sid, path), v in pages.items()
        if sid == "3901000001"
        and "先进单位评选结果" in v.decode("utf-8", "ignore")
        and path.startswith("/art/")
    ]
    assert city_notice
    import re

    text = re.sub(r"<[^>]+>", " ", city_notice[0])
    ids = [m for m in re.findall(r"(?<!\d)\d{17}[\dX](?!\d)", text)]
    assert ids and not any(is_valid_id(i) for i in ids)
    assert not MOBILE_RE.search(text)


def test_holdout_renders_family_d(prov):
    hold = generate(AS_OF, holdout=True)
    assert {s.family for s in hold.sites} == {"D"}
    assert hold.truth.expected_keys() == prov.truth.expected_keys()
    site = hold.site("3901230001")
    bases = {s.id: f"http://127.0.77.{s.host}:8000/" for s in hold.sites}
    home = render_site(hold, site, bases, "http://127.0.77.200:8000")["/"]
    assert home.ctype == "text/html"  # charset only in the http-equiv meta
    text = home.body.decode("gbk")
    assert "charset=gb2312" in text and '<dl class="plist">\n<dd><em>' in text


def _f(check, target, severity="deduct", **kw):
    return {"check": check, "target_id": target, "severity": severity, "evidence": "x", **kw}


def test_evaluate_on_a_hand_made_list():
    t = Truth(as_of="2026-11-22")
    t.expect("broken_link", "site", "s1", "deduct", "two broken links")
    t.expect("broken_link", "site", "s2", "deduct", "")
    t.expect("typo", "site", "s1", "deduct", "")
    t.expect("column_due_soon", "column", "s1/c", "warn", "")
    t.decoy("typo", "s3", "correct word")
    t.allow("*", "s9/", "down site")
    findings = [
        _f("broken_link", "s1"),
        _f("broken_link", "s1"),  # two findings, one target → one TP
        _f("typo", "s3"),  # decoy fired → FP
        _f("typo", "s4"),  # unexpected → FP
        _f("column_due_soon", "s1/c", "warn"),  # warn check: counted
        _f("broken_link", "s5", "warn"),  # early warning of another check: left out
        _f("column_overdue", "s9/x"),  # optional
        _f("typo", "s1", status="rectified"),  # not current
    ]
    r = evaluate(findings, t)
    assert (r["tp"], r["fp"], r["fn"]) == (2, 2, 2)
    assert r["precision"] == 0.5 and r["recall"] == 0.5
    bl = r["per_check"]["broken_link"]
    assert (bl["tp"], bl["fn"], bl["recall"], bl["precision"]) == (1, 1, 0.5, 1.0)
    assert bl["missed"] == [{"target_id": "s2", "note": ""}]
    ty = r["per_check"]["typo"]
    assert (ty["tp"], ty["fp"], ty["fn"], ty["precision"], ty["recall"]) == (0, 2, 1, 0.0, 0.0)
    assert [d["target_id"] for d in r["decoys_fired"]] == ["s3"]
    assert {u["target_id"] for u in r["unexpected"]} == {"s3", "s4"}
    only = evaluate(findings, t.to_dict(), checks={"broken_link"})
    assert set(only["per_check"]) == {"broken_link"} and only["recall"] == 0.5 and only["precision"] == 1.0
    assert evaluate([], Truth())["precision"] == 1.0
    mism = evaluate([_f("broken_link", "s1", "veto")], t, checks=["broken_link"])["severity_mismatches"]
    assert mism == [{"check": "broken_link", "target_id": "s1", "expected": "deduct", "got": ["veto"]}]


def test_dates_relative_to_as_of():
    later = generate(AS_OF + timedelta(days=100))
    assert later.truth.checks() == set(CHECK_CODES)
    facts = later.truth.facts["columns"]
    assert facts["3901030001/tzgg"]["newest"] == (AS_OF + timedelta(days=100 - 178)).isoformat()


def _visible(body: bytes) -> str:
    import re

    text = (
        body.decode("gbk")
        if b'charset="gbk"' in body[:400] or b"charset=gb2312" in body[:400]
        else body.decode()
    )
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", text, flags=re.S)
    return re.sub(r"<[^>]+>", " ", text)


def test_personal_data_only_where_planted():
    """No accidental ID number, mobile or card anywhere: only the planted leaks hold personal data."""
    from govwatch.masking import CARD_GROUPED_RE, CARD_RE, ID_RE, luhn_ok

    p = generate(AS_OF)
    leaks: dict[str, set[str]] = {}
    for (sid, path), body in _render_all(p).items():
        if sid == "outside" or not (path.endswith(".html") or path.endswith(".shtml") or path == "/"):
            continue
        text = _visible(body)
        kinds = set()
        if any(is_valid_id(m.group(1), latest=AS_OF) for m in ID_RE.finditer(text)):
            kinds.add("id")
        if MOBILE_RE.search(text):
            kinds.add("mobile")
        cards = [m.group(1) for m in CARD_RE.finditer(text)] + [
            m.group(1) for m in CARD_GROUPED_RE.finditer(text)
        ]
        if any(luhn_ok(c) and not is_valid_id(c.replace(" ", "")) for c in cards):
            kinds.add("card")
        if kinds:
            leaks.setdefault(sid, set()).update(kinds)
    assert leaks == {"3901000003": {"id", "mobile"}, "3901000004": {"card"}}
    expected = {e.target_id for e in p.truth.expected if e.check == "privacy_leak"}
    assert expected == {"3901000003", "3901000004", "3901240001"}  # the third one is inside a PDF


def test_pagination_keeps_the_newest_on_page_one(prov):
    from govwatch.sample.render import PAGE_SIZE, page_count, page_path

    col = prov.site("3901000001").column("yzyw")
    assert page_count(col) == 2 and len(col.items) > PAGE_SIZE
    assert page_path("B", "/xwdt/index.html", 2) == "/xwdt/index_1.html"
    assert prov.truth.facts["columns"]["3901000001/yzyw"]["items_first_page"] == PAGE_SIZE


@pytest.mark.parametrize(
    "as_of",
    [
        date(2025, 1, 30),
        date(2025, 10, 3),
        date(2026, 2, 18),
        date(2026, 5, 4),
        date(2026, 10, 8),
        date(2027, 1, 11),
    ],
    ids=str,
)
def test_invariants_hold_on_any_date(as_of):
    """Around holidays too: every code planted, nothing after as_of, planted timings satisfy the rules."""
    p = generate(as_of)
    assert p.truth.checks() == set(CHECK_CODES)
    for s in p.sites:
        for c in s.columns:
            for it in c.items:
                assert it.date < as_of
                if it.message and it.message.answered:
                    assert it.message.asked <= it.message.answered < as_of
    facts = p.truth.facts
    ages = {
        k: (as_of - date.fromisoformat(v["newest"])).days for k, v in facts["columns"].items() if v["newest"]
    }
    for e in p.truth.expected:
        if e.check == "column_overdue":
            col = p.site(e.target_id.split("/")[0]).column(e.target_id.split("/")[1])
            limit = col.max_age_days or {"news": 14, "notice": 180, "policy": 180}.get(col.category, 365)
            assert ages[e.target_id] > limit, e
        if e.check == "column_due_soon":
            col = p.site(e.target_id.split("/")[0]).column(e.target_id.split("/")[1])
            limit = col.max_age_days or {"news": 14, "notice": 180, "policy": 180}.get(col.category, 365)
            assert 0 <= limit - ages[e.target_id] <= 3, e
    for sid, newest in facts["homepages"].items():
        if newest and sid != "3901000006":
            assert (as_of - date.fromisoformat(newest)).days < 10, sid
    for it in p.site("3901000001").column("zwzx").items:
        m = it.message
        end = m.answered or as_of
        assert workdays_between(m.asked, end) <= 5
    for it in p.site("3901030001").column("zcjd").items:
        pol = it.related[0][1]
        assert pol.date < it.date < as_of
