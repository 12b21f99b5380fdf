"""The whole column check over a small province served on loopback (sites, columns, accounts)."""

from __future__ import annotations

import json
import zlib
from datetime import date

import pytest

from govwatch.checks.column_run import balance, run_column_check, site_shards
from govwatch.cli.main import main
from govwatch.fetch.loopback import LoopbackServer, Route
from govwatch.registry.model import Account, Column, Registry, Site, Unit
from govwatch.registry.store import import_registry
from govwatch.store.findings import list_findings
from govwatch.store.observations import monthly_item_counts

pytestmark = pytest.mark.integration

AS_OF = date(2026, 11, 19)  # a Thursday; last complete week: 11-09 … 11-15


def listing(items: list[tuple[str, str | None]], style: str = "ul") -> str:
    if style == "ul":
        rows = "".join(
            f"<li><a href='/art/{zlib.crc32(t.encode())}.html'>{t}</a>" + (f"<span class='date'>{d}</span>" if d else "")
            + "</li>" for t, d in items
        )  # fmt: skip
        body = f"<ul class='list'>{rows}</ul>"
    elif style == "table":
        rows = "".join(
            f"<tr><td><a href='/doc/{zlib.crc32(t.encode())}.html'>{t}</a></td><td>某府发〔2026〕1号</td><td>{d or ''}</td></tr>"
            for t, d in items
        )
        body = f"<table class='zcwj'>{rows}</table>"
    else:
        raise ValueError(style)
    return (
        "<html><head><meta charset='utf-8'><title>栏目</title></head><body>"
        "<div class='nav'><a href='/'>首页</a><a href='/zwgk/'>政务公开</a><a href='/hdjl/'>互动交流</a></div>"
        "<div class='position'>当前位置：首页 &gt; 政务公开</div>"
        f"<div class='main'>{body}</div>"
        "<div class='footer'>版权所有 © 2026 某某县人民政府 赣ICP备12345678号 网站标识码3607000001</div></body></html>"
    )


def blank_page(text: str = "暂无信息") -> str:
    return listing([]).replace("<ul class='list'></ul>", f"<ul class='list'></ul><p>{text}</p>")


def titles(prefix: str, dates: list[str | None]) -> list[tuple[str, str | None]]:
    return [(f"{prefix}关于做好第{i + 1}项重点工作的通知", d) for i, d in enumerate(dates)]


FRESH = ["2026-11-18", "2026-11-12", "2026-11-02"]


def province(srv: LoopbackServer) -> tuple[Registry, dict[str, Route]]:
    """Sites A–F and four accounts, with the findings each is built to produce (see EXPECTED)."""
    r: dict[str, Route] = {}
    u = srv.url
    sites = []

    def site(sid: str, home: str, cols: list[tuple[str, str, str, int, str | Route]]) -> None:
        r[f"/{sid}/"] = Route(200, home)
        columns = []
        for cid, name, cat, level, page in cols:
            path = f"/{sid}/{cid}/"
            r[path] = page if isinstance(page, Route) else Route(200, page)
            columns.append(Column(id=cid, name=name, url=u(path), category=cat, level=level))
        sites.append(Site(id=sid, name=f"网站{sid}", url=u(f"/{sid}/"), kind="department", unit=f"u{sid[-1]}",
                          has_services=False, columns=columns))  # fmt: skip

    # A: everything fresh.
    site("3607000001", listing(titles("A首页", FRESH)), [
        ("gzdt", "工作动态", "news", 1, listing(titles("A动态", FRESH))),
        ("tzgg", "通知公告", "notice", 1, listing(titles("A公告", ["2026-10-01", "2026-09-01"]))),
        ("zcwj", "政策文件", "policy", 1, listing(titles("A文件", ["2026-08-01", "2026-07-01"]), "table")),
    ])  # fmt: skip
    # B: stale home page, one overdue, one due soon, one blank, one unreachable column.
    site("3607000002", listing(titles("B首页", ["2026-10-01", "2026-09-20"])), [
        ("gzdt", "工作动态", "news", 1, listing(titles("B动态", ["2026-10-20", "2026-10-02"]))),
        ("bmdt", "部门动态", "news", 2, listing(titles("B部门", ["2026-11-07", "2026-11-01"]))),
        ("tzgg", "通知公告", "notice", 1, blank_page()),
        ("zcjd", "政策解读", "interpretation", 1, Route(404, "<html><body>404</body></html>")),
    ])  # fmt: skip
    # C: five overdue news columns → columns_not_updated.
    site("3607000003", listing(titles("C首页", FRESH)), [
        (f"n{i}", f"动态{i}", "news", 2, listing(titles(f"C{i}", ["2026-09-01", "2026-08-01"]))) for i in range(5)
    ])  # fmt: skip
    # D: five blank columns → columns_blank.
    site("3607000004", listing(titles("D首页", FRESH)), [
        (f"b{i}", f"空白{i}", "other", 1, blank_page("暂无数据") if i % 2 else listing([])) for i in range(5)
    ] + [("gzdt", "工作动态", "news", 1, listing(titles("D动态", FRESH)))])  # fmt: skip
    # E: lists without any readable date → extraction_failed, column findings withheld.
    site("3607000005", listing(titles("E首页", [None, None, None])), [
        (f"x{i}", f"栏目{i}", "news", 1, listing(titles(f"E{i}", [None, None, None]))) for i in range(3)
    ])  # fmt: skip
    # F: one undated column among dated ones → counted as not updated.
    site("3607000006", listing(titles("F首页", FRESH)), [
        ("gzdt", "工作动态", "news", 1, listing(titles("F动态", FRESH))),
        ("tzgg", "通知公告", "notice", 1, listing(titles("F公告", ["2026-11-01"]))),
        ("rsxx", "人事信息", "personnel", 1, listing(titles("F人事", [None, None]))),
    ])  # fmt: skip

    rss = (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>鲜活</title>"
        + "".join(f"<item><title>推文{d}</title><link>{u('/p/' + d)}</link><pubDate>{d}</pubDate></item>"
                  for d in ("Wed, 18 Nov 2026 09:00:00 +0800", "Thu, 12 Nov 2026 09:00:00 +0800",
                            "Tue, 10 Nov 2026 20:00:00 +0800"))
        + "</channel></rss>"
    )  # fmt: skip
    atom = (
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'><title>沉睡</title>"
        f"<entry><title>旧文</title><link href='{u('/p/old')}'/><published>2026-10-01T10:00:00+08:00</published></entry>"
        "</feed>"
    )
    jsonfeed = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "稀疏", "items": [
        {"id": "1", "url": u("/p/j1"), "title": "一", "date_published": "2026-11-18T10:00:00+08:00"},
        {"id": "2", "url": u("/p/j2"), "title": "二", "date_published": "2026-11-13T10:00:00+08:00"},
    ]})  # fmt: skip
    menu_ok = {"is_menu_open": 1, "selfmenu_info": {"button": [
        {"type": "view", "name": "政务公开", "url": u("/wx/gk")},
        {"name": "互动", "sub_button": {"list": [{"type": "view", "name": "我要留言", "url": u("/wx/ly")}]}},
    ]}}  # fmt: skip
    menu_broken = {
        "button": [
            {"name": "服务", "sub_button": [{"type": "view", "name": "在线咨询", "url": u("/wx/gone")}]}
        ]
    }
    menu_click = {"button": [{"type": "click", "name": "互动", "key": "HD"}]}
    r.update({
        "/feed/fresh.xml": Route(200, rss, content_type="application/rss+xml"),
        "/feed/stale.xml": Route(200, atom, content_type="application/atom+xml"),
        "/feed/sparse.json": Route(200, jsonfeed, content_type="application/feed+json"),
        "/menu/ok.json": Route(200, json.dumps(menu_ok), content_type="application/json"),
        "/menu/broken.json": Route(200, json.dumps(menu_broken), content_type="application/json"),
        "/menu/click.json": Route(200, json.dumps(menu_click), content_type="application/json"),
        "/wx/gk": Route(200, "<p>公开</p>"), "/wx/ly": Route(200, "<p>留言</p>"), "/hd/": Route(200, "<p>互动</p>"),
    })  # fmt: skip
    accounts = [
        Account(id="wx-fresh", name="鲜活发布", platform="wechat", unit="u1", feed_url=u("/feed/fresh.xml"),
                menu_url=u("/menu/ok.json")),
        Account(id="wx-stale", name="沉睡发布", platform="wechat", unit="u2", feed_url=u("/feed/stale.xml"),
                menu_url=u("/menu/broken.json")),
        Account(id="wb-sparse", name="稀疏发布", platform="weibo", unit="u3", feed_url=u("/feed/sparse.json"),
                menu_url=u("/menu/click.json"), interaction_url=u("/hd/")),
        Account(id="dy-gone", name="失联发布", platform="douyin", unit="u4", feed_url=u("/feed/gone.xml")),
    ]  # fmt: skip
    units = [Unit(id=f"u{i}", name=f"单位{i}") for i in range(1, 7)]
    return Registry(units=units, sites=sites, accounts=accounts), r


EXPECTED = {
    ("homepage_stale", "3607000002"),
    ("column_overdue", "3607000002/gzdt"),
    ("column_due_soon", "3607000002/bmdt"),
    ("column_blank", "3607000002/tzgg"),
    ("column_unreachable", "3607000002/zcjd"),
    *{("column_overdue", f"3607000003/n{i}") for i in range(5)},
    ("columns_not_updated", "3607000003"),
    *{("column_blank", f"3607000004/b{i}") for i in range(5)},
    ("columns_blank", "3607000004"),
    ("extraction_failed", "3607000005"),
    ("column_overdue", "3607000006/rsxx"),
    ("media_stale", "wx-stale"),
    ("media_infrequent", "wx-stale"),
    ("media_no_interaction", "wx-stale"),
    ("media_infrequent", "wb-sparse"),
    ("media_no_interaction", "dy-gone"),
}

TABLES = ("findings", "finding_sightings", "finding_events", "observations", "items")


def snapshot(store) -> dict:
    return {t: store.query(f"SELECT * FROM {t} ORDER BY 1, 2, 3") for t in TABLES}


@pytest.fixture
def served(store):
    with LoopbackServer() as srv:
        reg, routes = province(srv)
        srv.routes.update(routes)
        import_registry(store, reg)
        yield srv


def found(store) -> set[tuple[str, str]]:
    return {(f["check"], f["target_id"]) for f in list_findings(store, open_only=True)}


def test_column_check_finds_exactly_the_planted_problems(store, served):
    stats = run_column_check(AS_OF, store=store)
    assert found(store) == EXPECTED
    assert stats["sites"] == 6 and stats["accounts"] == 4 and stats["accounts_unchecked"] == ["dy-gone"]
    rows = {
        f["target_id"]: f for f in list_findings(store) if f["check"] in ("column_overdue", "homepage_stale")
    }
    assert rows["3607000002/gzdt"]["evidence"] == "最新信息 2026-10-20，超过 14 天未更新（已 30 天）"
    assert rows["3607000002"]["severity"] == "veto" and rows["3607000002/gzdt"]["points"] == 1.0
    assert rows["3607000006/rsxx"]["evidence"] == "栏目信息无可见发布日期，视为未更新"
    # every fetch is an observation; items carry dates for the publication counts
    n_obs = store.query("SELECT count(*) AS n FROM observations WHERE run_kind = 'columns'")[0]["n"]
    assert n_obs >= 6 + 22 + 4 + 3
    counts = {
        (r["target_id"], r["month"]): r["n"]
        for r in monthly_item_counts(store, date(2026, 11, 1), date(2026, 11, 30))
    }
    assert counts[("3607000001/gzdt", "2026-11")] == 3
    posts = store.query(
        "SELECT count(*) AS n FROM items WHERE target_type = 'account' AND target_id = 'wx-fresh'"
    )
    assert posts[0]["n"] == 3


def test_rerun_same_day_changes_nothing_and_fix_is_rectified(store, served):
    run_column_check(AS_OF, store=store)
    before = snapshot(store)
    run_column_check(AS_OF, store=store)
    assert snapshot(store) == before
    # B refreshes its home page; the next run (a later as-of) marks homepage_stale rectified on that date.
    served.routes["/3607000002/"] = Route(200, listing(titles("B首页新", ["2026-11-22"])))
    later = date(2026, 11, 23)
    run_column_check(later, ["3607000002"], store=store)
    row = next(
        f for f in list_findings(store) if f["check"] == "homepage_stale" and f["target_id"] == "3607000002"
    )
    assert row["status"] == "rectified" and row["rectified_on"] == later.isoformat()
    # the site-only run did not touch other sites' findings
    other = next(f for f in list_findings(store) if f["target_id"] == "3607000003")
    assert other["status"] == "open" and other["last_seen"] == AS_OF.isoformat()


def test_extraction_failed_withholds_previous_findings(store, served):
    # First run: E's columns are dated and stale → overdue findings.
    for i in range(3):
        served.routes[f"/3607000005/x{i}/"] = Route(200, listing(titles(f"E{i}", ["2026-01-01"])))
    run_column_check(AS_OF, ["3607000005"], accounts=False, store=store)
    assert ("column_overdue", "3607000005/x0") in found(store)
    # Second run: dates unreadable → extraction_failed, and the overdue findings are left untouched.
    for i in range(3):
        served.routes[f"/3607000005/x{i}/"] = Route(200, listing(titles(f"E{i}", [None, None])))
    run_column_check(date(2026, 11, 23), ["3607000005"], accounts=False, store=store)
    now = found(store)
    assert ("extraction_failed", "3607000005") in now and ("column_overdue", "3607000005/x0") in now


def test_cli_prints_counts_and_exits_zero(store, served, capsys):
    assert main(["check", "columns", "--as-of", AS_OF.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "column_overdue" in out and "栏目逾期更新" in out and f"合计 / total {len(EXPECTED)}" in out
    assert main(["check", "columns", "--site", "9999999999"]) == 2


def test_site_shards_balanced_and_bounded(store, served):
    shards = site_shards(4, store=store)
    assert len(shards) == 4 and sorted(s for sh in shards for s in sh) == sorted(
        r["id"] for r in store.query("SELECT id FROM sites")
    )
    assert site_shards(100, store=store) and len(site_shards(100, store=store)) == 6


def test_balance_scales_to_15000_sites():
    weighted = [(f"{3600000000 + i}", 1 + (i * 7919) % 40) for i in range(15000)]
    shards = balance(weighted, 64)
    loads = [sum(1 + (int(s) - 3600000000) * 7919 % 40 for s in sh) for sh in shards]
    assert len(shards) == 64 and sum(len(s) for s in shards) == 15000
    assert max(loads) - min(loads) <= 40


def test_account_check_alone_leaves_site_findings_alone(store, served):
    from govwatch.checks.column_run import run_account_check

    run_column_check(AS_OF, store=store)
    before = {(f["check"], f["target_id"]): f["status"] for f in list_findings(store)}
    # The stale account starts posting again; an account-only run on a later date rectifies its freshness
    # findings and leaves every site finding as it was.
    served.routes["/feed/stale.xml"] = Route(200, json.dumps({"items": [
        {"title": "新", "date_published": "2026-11-16T10:00:00+08:00"},
        {"title": "新2", "date_published": "2026-11-17T10:00:00+08:00"},
        {"title": "新3", "date_published": "2026-11-18T10:00:00+08:00"},
    ]}), content_type="application/feed+json")  # fmt: skip
    later = date(2026, 11, 24)
    stats = run_account_check(later, store=store)
    assert stats["sites"] == 0 and stats["accounts"] == 4
    after = {(f["check"], f["target_id"]): f["status"] for f in list_findings(store)}
    assert after[("media_stale", "wx-stale")] == "rectified"
    assert after[("media_infrequent", "wx-stale")] == "rectified"  # week 11-16 … 11-22 had three posts
    assert after[("media_no_interaction", "wx-stale")] == "open"
    assert {k: v for k, v in after.items() if not k[0].startswith("media_")} == {
        k: v for k, v in before.items() if not k[0].startswith("media_")
    }


def test_one_failing_site_does_not_stop_the_run(store, served, monkeypatch):
    import govwatch.checks.column_run as cr

    real = cr.check_site

    def flaky(obs, as_of, rules):
        if obs.site.id == "3607000003":
            raise RuntimeError("boom")
        return real(obs, as_of, rules)

    monkeypatch.setattr(cr, "check_site", flaky)
    stats = run_column_check(AS_OF, store=store)
    assert stats["errors"] == ["3607000003"]
    got = found(store)
    assert got == {k for k in EXPECTED if not k[1].startswith("3607000003")}


def test_interaction_entry_answering_an_error_page_does_not_work(store, served):
    served.routes["/wx/ly"] = Route(
        200, "<html><head><title>页面不存在</title></head><body>404 页面不存在</body></html>"
    )
    run_column_check(AS_OF, store=store)
    row = next(f for f in list_findings(store) if f["target_id"] == "wx-fresh")
    assert row["check"] == "media_no_interaction" and "我要留言（页面不存在）" in row["evidence"]


def test_private_addresses_refused_are_not_judged(store, served, tmp_path):
    from govwatch.settings import from_env

    run_column_check(AS_OF, store=store)
    before = list_findings(store)
    guarded = from_env({"GOVWATCH_HOME": str(tmp_path), "GOVWATCH_ALLOW_PRIVATE": "0"})
    hits = len(served.hits)
    stats = run_column_check(date(2026, 11, 23), store=store, settings=guarded)
    assert stats["total"] == 0 and len(served.hits) == hits  # no request reached the servers
    assert list_findings(store) == before  # nothing rectified, nothing new: the sites were never asked
    blocked = store.query("SELECT count(*) AS n FROM observations WHERE error = 'blocked-private'")[0]["n"]
    assert blocked > 0
