"""The whole column check over sites built from markup the sample province does not use: Hanweb JCMS
datastore lists, badge dates, policy tables with two dates, GBK pages without a charset header, a
meta-refresh home page, a frameset home page, a list inside an iframe, a soft 404 column. Each site is
planted with a known verdict."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from govwatch.checks.column_run import run_column_check
from govwatch.fetch.loopback import LoopbackServer, Route
from govwatch.registry.model import Column, Registry, Site, Unit
from govwatch.registry.store import import_registry
from govwatch.store.findings import list_findings

pytestmark = pytest.mark.integration

AS_OF = date(2026, 11, 19)


def ago(days: int) -> date:
    return AS_OF - timedelta(days=days)


def shell(body: str, charset: str = "utf-8") -> str:
    return (
        f"<!DOCTYPE html><html><head><meta http-equiv='Content-Type' content='text/html; charset={charset}'>"
        "<title>某某县人民政府</title></head><body><div class='g-top'><span>今天是2026年11月19日 星期四</span>"
        "<a href='/wza/'>无障碍</a></div><div class='g-nav'><ul><li><a href='/'>首页</a></li><li><a href='/zwgk/'>"
        "政务公开</a></li></ul></div>"
        f"<div class='g-main'>{body}</div><div class='g-foot'>主办：某某县人民政府办公室 网站标识码3607990001 "
        "赣ICP备05004180号 © 2026</div></body></html>"
    )


def jcms(items: list[tuple[str, date]]) -> str:
    recs = "".join(
        f"<record><![CDATA[<li><a href='/art/{d:%Y/%m/%d}/art_{i}.html' title='{t}'>{t}</a><span class='bt-data'>"
        f"{d:%Y-%m-%d}</span></li>]]></record>"
        for i, (t, d) in enumerate(items)
    )
    return f"<div id='4791'><script type='text/xml'><datastore><recordset>{recs}</recordset></datastore></script></div>"


def badges(items: list[tuple[str, date]]) -> str:
    rows = "".join(
        f"<div class='news-item'><div class='date-box'><strong>{d.day:02d}</strong><span>{d:%Y.%m}</span></div>"
        f"<div class='txt'><h4><a href='/n/{i}.html'>{t}</a></h4><p>{t}。详细内容请点击查看。</p></div></div>"
        for i, (t, d) in enumerate(items)
    )
    return f"<div class='news-wrap'>{rows}</div>"


def policy(items: list[tuple[str, date, date]]) -> str:
    rows = "".join(
        f"<tr><td>{i + 1}</td><td class='tit'><a href='/zc/{i}.html'>{t}</a></td><td>某府字〔2026〕{i + 3}号</td>"
        f"<td>{w:%Y年%m月%d日}</td><td>{p:%Y年%m月%d日}</td></tr>"
        for i, (t, w, p) in enumerate(items)
    )
    return ("<table class='zc-table'><tr><th>序号</th><th>标题</th><th>文号</th><th>成文日期</th><th>发布日期</th></tr>"
            f"{rows}</table>")  # fmt: skip


def dl(items: list[tuple[str, date]]) -> str:
    rows = "".join(
        f"<dt><a href='/d/{i}.html'>{t}</a></dt><dd>发布时间：{d:%Y/%m/%d}</dd>"
        for i, (t, d) in enumerate(items)
    )
    return f"<dl class='infolist'>{rows}</dl>"


T = ["全县冬季森林防火工作会议召开", "县政府召开第十五次常务会议", "县领导调研重点项目建设进展情况"]


def province(srv: LoopbackServer) -> tuple[Registry, dict[str, Route]]:
    r: dict[str, Route] = {}
    u = srv.url
    sites: list[Site] = []

    def add(sid: str, home: Route, cols: list[tuple[str, str, Route]]) -> None:
        r[f"/{sid}/"] = home
        columns = []
        for cid, cat, route in cols:
            r[f"/{sid}/{cid}/"] = route
            columns.append(Column(id=cid, name=cid, url=u(f"/{sid}/{cid}/"), category=cat))
        sites.append(Site(id=sid, name=sid, url=u(f"/{sid}/"), kind="department", unit="u1", has_services=False,
                          columns=columns))  # fmt: skip

    def html(body: str) -> Route:
        return Route(200, shell(body))

    def gbk(body: str) -> Route:
        return Route(200, shell(body, "gb2312").encode("gb18030"), content_type="text/html")

    # J: JCMS site, fresh home, one overdue news column.
    add("3607990001", html(jcms([(T[0], ago(2)), (T[1], ago(5))])), [
        ("gzdt", "news", html(jcms([(T[0], ago(2))]))),
        ("bmdt", "news", html(jcms([(T[1], ago(40)), (T[2], ago(60))]))),
        ("tzgg", "notice", html("<iframe src='/3607990001/tzgg/list.html' width='100%' height='800'></iframe>")),
    ])  # fmt: skip
    r["/3607990001/tzgg/list.html"] = html(dl([(T[2], ago(200))]))
    # K: badge dates, GBK without charset header; home page reached through a meta refresh.
    r["/3607990002/index/"] = gbk(badges([(T[0], ago(1))]))
    add("3607990002", Route(200, "<html><head><meta http-equiv='refresh' content='0;url=/3607990002/index/'></head></html>"), [
        ("xwdt", "news", gbk(badges([(T[1], ago(12)), (T[2], ago(20))]))),
        ("tzgg", "notice", gbk(badges([(T[2], ago(100))]))),
    ])  # fmt: skip
    # L: frameset home with a stale main frame; policy table whose publish date is the later one.
    r["/3607990003/main.html"] = html(dl([(T[0], ago(30))]))
    add("3607990003", Route(200, "<html><frameset rows='90,*'><frame name='top' src='/3607990003/top.html'>"
                                 "<frame name='main' src='/3607990003/main.html'></frameset></html>"), [
        ("zcwj", "policy", html(policy([(T[0], ago(200), ago(170)), (T[1], ago(250), ago(240))]))),
        ("gzdt", "news", html(dl([(T[2], ago(3))]))),
        ("jgzn", "other", Route(200, "<html><head><title>404 页面不存在</title></head><body>404</body></html>")),
    ])  # fmt: skip
    return Registry(units=[Unit(id="u1", name="某某县")], sites=sites), r


EXPECTED = {
    ("column_overdue", "3607990001/bmdt"),
    ("column_overdue", "3607990001/tzgg"),  # its list lives in an iframe
    ("column_due_soon", "3607990002/xwdt"),
    ("homepage_stale", "3607990003"),
    ("column_unreachable", "3607990003/jgzn"),
}


def test_unseen_markup_end_to_end(store):
    with LoopbackServer() as srv:
        reg, routes = province(srv)
        srv.routes.update(routes)
        import_registry(store, reg)
        run_column_check(AS_OF, store=store)
    got = {(f["check"], f["target_id"]) for f in list_findings(store, open_only=True)}
    assert got == EXPECTED
    newest = {
        r["target_id"]: r["newest_date"]
        for r in store.query(
            "SELECT target_id, newest_date FROM observations WHERE target_type IN ('site', 'column')"
        )
    }
    assert (
        newest["3607990001"] == ago(2) and newest["3607990002"] == ago(1) and newest["3607990003"] == ago(30)
    )
    assert newest["3607990003/zcwj"] == ago(170)
    titles = {r["title"] for r in store.query("SELECT title FROM items WHERE target_id = '3607990002/xwdt'")}
    assert titles == {T[1], T[2]}  # GBK text read right
