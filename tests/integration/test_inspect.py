"""The monthly inspection over two tiny loopback sites: what it finds, what it must not, and re-runs."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from govwatch.checks.inspect_run import INSPECT_CODES, run_inspection
from govwatch.cli.main import main
from govwatch.fetch.loopback import LoopbackServer, Route
from govwatch.registry.model import Column, Registry, Site, Unit
from govwatch.registry.store import import_registry
from govwatch.settings import TZ
from govwatch.store.findings import list_findings

pytestmark = pytest.mark.integration

AS_OF = date(2026, 11, 20)
W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id(body17: str) -> str:
    return body17 + "10X98765432"[sum(int(d) * w for d, w in zip(body17, W, strict=True)) % 11]


ID = _id("36070219850312123")
BAD_ID = ID[:-1] + ("0" if ID[-1] != "0" else "1")


def _page(title: str, body: str, nav: str = "") -> str:
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<div class='nav'>{nav}</div><div class='main'>{body}</div>"
        "<div class='footer'>主办：测试县人民政府办公室</div></body></html>"
    )


def _site_a(outside: str) -> dict[str, Route]:
    nav = (
        "<a href='/'>首页</a><a href='/col/gzdt/index.html'>工作动态</a><a href='/bsfw/index.html'>办事服务</a>"
        "<a href='/xf/index.html'>网上信访</a><a href='/jjjb/index.html'>纪检举报</a>"
    )
    home = _page(
        "测试县人民政府",
        (
            "<ul><li><a href='/art/2026/11/18/art_1.html'>全县召开安全生产工作会议</a><span>2026-11-18</span></li>"
            "<li><a href='/missing.html'>已删除的通知</a><span>2026-11-10</span></li></ul>"
            f"<div style='display:none'><a href='{outside}/promo.html'>友情推广</a></div>"
            f"<a href='{outside}/gov.html'>中国政府网</a>"
        ),
        nav,
    )
    news = _page(
        "工作动态",
        (
            "<ul><li><a href='/art/2026/11/18/art_1.html'>全县召开安全生产工作会议</a><span>2026-11-18</span></li>"
            "<li><a href='/art/2026/11/12/art_2.html'>低保名单公示</a><span>2026-11-12</span></li></ul>"
        ),
        nav,
    )
    consult = _page(
        "咨询留言",
        (
            "<table><tr><th>标题</th><th>留言时间</th><th>答复时间</th><th>状态</th></tr>"
            "<tr><td><a href='/zxly/1.html'>关于路灯维修</a></td><td>2026-11-02</td><td>2026-11-16</td><td>已答复</td></tr>"
            "<tr><td><a href='/zxly/2.html'>关于道路积水</a></td><td>2026-07-01</td><td></td><td>未答复</td></tr>"
            "<tr><td><a href='/zxly/3.html'>关于公交线路</a></td><td>2026-11-16</td><td>2026-11-18</td><td>已答复</td></tr>"
            "</table>"
        ),
    )
    policy = _page(
        "政策文件",
        (
            "<ul><li><a href='/zcwj/1.html'>测试县人民政府关于印发测试县城市供水管理办法的通知</a><span>2026-10-09</span></li>"
            "<li><a href='/zcwj/2.html'>测试县人民政府关于印发测试县节水管理办法的通知</a><span>2026-10-12</span></li></ul>"
        ),
        nav,
    )
    interp = _page(
        "政策解读",
        (
            "<ul><li><a href='/zcjd/1.html'>《测试县城市供水管理办法》政策解读</a><span>2026-10-20</span></li>"
            "<li><a href='/zcjd/2.html'>《测试县节水管理办法》政策解读</a><span>2026-10-14</span></li></ul>"
        ),
        nav,
    )
    return {
        "/": Route(200, home),
        "/col/gzdt/index.html": Route(200, news),
        "/art/2026/11/18/art_1.html": Route(200, _page("安全生产", "<p>会议强调要压实责任。</p>", nav)),
        "/art/2026/11/12/art_2.html": Route(
            200,
            _page(
                "低保名单公示",
                (
                    f"<p>张某某，身份证号 {ID}，联系电话 13912345678。</p>"
                    f"<p>编号 {BAD_ID} 与流水号 2613912345678901 不是个人信息。</p>"
                ),
                nav,
            ),
        ),
        "/bsfw/index.html": Route(200, _page("办事服务", "<p>办事指南</p>", nav)),
        "/xf/index.html": Route(200, _page("网上信访", "<p>网上信访</p>", nav)),
        "/jjjb/index.html": Route(200, _page("纪检举报", "<p>举报</p>", nav)),
        "/zxly/index.html": Route(200, consult),
        # A consult column that lists titles only: dates and status are on the detail pages.
        "/xzxx/index.html": Route(
            200,
            _page(
                "局长信箱",
                (
                    "<ul class='list'><li><a href='/xzxx/a.html'>反映小区停车难的问题</a></li>"
                    "<li><a href='/xzxx/b.html'>咨询新生入学报名时间</a></li></ul>"
                ),
                nav,
            ),
        ),
        "/xzxx/a.html": Route(
            200,
            _page(
                "反映小区停车难的问题",
                (
                    "<p>来信时间：2026年10月26日</p><p>来信内容：小区停车难。</p>"
                    "<p>答复时间：2026年11月10日</p><p>答复内容：已协调增设车位。</p>"
                ),
                nav,
            ),
        ),
        "/xzxx/b.html": Route(
            200,
            _page(
                "咨询新生入学报名时间",
                ("<p>来信时间：2026年11月16日</p><p>办理状态：已答复</p><p>答复时间：2026年11月17日</p>"),
                nav,
            ),
        ),
        "/zcwj/index.html": Route(200, policy),
        "/zcwj/1.html": Route(200, _page("供水管理办法", "<p>第一条 为了加强城市供水管理……</p>", nav)),
        "/zcwj/2.html": Route(
            200,
            _page(
                "节水管理办法",
                (
                    "<p>第一条 为了节约用水……</p><p>相关解读：<a href='/zcjd/2.html'>《测试县节水管理办法》政策解读</a></p>"
                ),
                nav,
            ),
        ),
        "/zcjd/index.html": Route(200, interp),
        # One-way only: the interpretation names its document, the document does not link back; and late.
        "/zcjd/1.html": Route(
            200,
            _page(
                "解读",
                ("<p>近日印发。</p><p>相关文件：<a href='/zcwj/1.html'>测试县城市供水管理办法</a></p>"),
                nav,
            ),
        ),
        "/zcjd/2.html": Route(
            200,
            _page(
                "解读",
                ("<p>近日印发。</p><p>相关文件：<a href='/zcwj/2.html'>测试县节水管理办法</a></p>"),
                nav,
            ),
        ),
    }


def _site_b() -> dict[str, Route]:
    nav = "<a href='/'>首页</a><a href='/hdjl/index.html'>互动交流</a>"
    return {
        "/": Route(
            200,
            _page(
                "测试县水利局",
                (
                    "<ul><li><a href='/art/1.html'>水利工作动态</a><span>2026-11-19</span></li></ul>"
                    "<div class='tab' style='display:none'><a href='/art/1.html'>隐藏的站内标签页</a></div>"
                ),
                nav,
            ),
        ),
        "/art/1.html": Route(200, _page("水利工作动态", "<p>做好冬季水利工程建设。</p>", nav)),
        "/hdjl/index.html": Route(
            200, _page("互动交流", "<ul><li><a href='/hdjl/ly.html'>我要留言</a></li></ul>", nav)
        ),
        "/hdjl/ly.html": Route(200, _page("我要留言", "<form><textarea></textarea></form>", nav)),
    }


@pytest.fixture
def province(store):
    outside = LoopbackServer(
        {"/gov.html": Route(200, "<html>gov</html>"), "/promo.html": Route(200, "<html>promo</html>")},
        host="127.0.0.3",
    )
    with (
        outside,
        LoopbackServer(_site_a(outside.base)) as a,
        LoopbackServer(_site_b(), host="127.0.0.2") as b,
    ):
        cols = [
            Column("gzdt", "工作动态", a.url("/col/gzdt/index.html"), "news"),
            Column("zxly", "咨询留言", a.url("/zxly/index.html"), "consult"),
            Column("zcwj", "政策文件", a.url("/zcwj/index.html"), "policy"),
            Column("xzxx", "局长信箱", a.url("/xzxx/index.html"), "consult"),
            Column("zcjd", "政策解读", a.url("/zcjd/index.html"), "interpretation"),
        ]
        reg = Registry(
            units=[Unit("u1", "测试县人民政府办公室"), Unit("u2", "测试县水利局")],
            sites=[
                Site("3607000001", "测试县人民政府", a.url("/"), "portal", "u1", columns=cols),
                Site("3607000012", "测试县水利局", b.url("/"), "department", "u2", has_services=False),
            ],
        )
        import_registry(store, reg)
        # A week of probes: site A failed 2 of 20 (10 %), site B never.
        start = datetime(2026, 11, 14, 8, 0, tzinfo=TZ)
        with store.tx() as cur:
            for i in range(20):
                at = start + timedelta(hours=7 * i)
                cur.execute(
                    "INSERT INTO probes (site_id, probed_at, ok, status, elapsed_ms) VALUES"
                    " ('3607000001', %s, %s, %s, 100), ('3607000012', %s, true, 200, 90)",
                    (at, i >= 2, 200 if i >= 2 else 503, at),
                )
        yield a, b


def _inspect_findings(store) -> set[tuple[str, str, str, str]]:
    return {
        (f["target_id"], f["check"], f["severity"], f.get("evidence_key") or "")
        for f in store.query(
            "SELECT target_id, check_code AS check, severity, evidence_key FROM findings"
            " WHERE check_code = ANY(%s) AND status = 'open'",
            (sorted(INSPECT_CODES),),
        )
    }


def test_inspection_finds_what_it_should_and_reruns_change_nothing(store, province, capsys):
    a, b = province
    res = run_inspection(AS_OF, store=store)
    got = _inspect_findings(store)
    by_check = {(t, c, s) for t, c, s, _k in got}
    assert ("3607000001", "site_unreachable", "veto") in by_check
    assert ("3607000001", "no_interaction_channel", "veto") in by_check
    assert ("3607000001", "no_service_channel", "veto") not in by_check
    assert ("3607000001", "broken_link", "deduct", a.url("/missing.html")) in got
    assert ("3607000001", "dark_link", "deduct") in by_check or (
        "3607000001",
        "dark_link",
        "veto",
    ) in by_check
    assert ("3607000001", "privacy_leak", "deduct") in by_check
    assert ("3607000001/zxly", "reply_late", "deduct", a.url("/zxly/1.html")) in got
    assert ("3607000001/zxly", "reply_overdue", "veto", a.url("/zxly/2.html")) in got
    assert not any(k == a.url("/zxly/3.html") for *_x, k in got)
    assert ("3607000001/xzxx", "reply_late", "deduct", a.url("/xzxx/a.html")) in got
    assert not any(k == a.url("/xzxx/b.html") for *_x, k in got)
    assert ("3607000001/zcjd", "interpretation_unlinked", "deduct", a.url("/zcjd/1.html")) in got
    assert ("3607000001/zcjd", "interpretation_late", "deduct", a.url("/zcjd/1.html")) in got
    assert not any(k == a.url("/zcjd/2.html") for *_x, k in got)  # linked both ways, 1 working day
    # The clean department: nothing (no services → no service check; hidden in-site tab is no dark link).
    assert {x for x in got if x[0].startswith("3607000012")} == set()

    leaks = [f for f in list_findings(store) if f["check"] == "privacy_leak"]
    assert leaks and all(ID not in f["evidence"] and "13912345678" not in f["evidence"] for f in leaks)
    assert not any(BAD_ID[:14] in f["evidence"] and "*" not in f["evidence"] for f in leaks)
    assert res["by_check"]["no_interaction_channel"] == 1
    assert res["scores"]["sites"]["checked"] == 2 and res["scores"]["sites"]["vetoed"] == 1
    obs = store.query(
        "SELECT target_type, count(*) AS n FROM observations WHERE run_kind = 'inspect'"
        " GROUP BY target_type ORDER BY 1"
    )
    assert {r["target_type"] for r in obs} >= {"page", "link", "column"}

    snap = {
        t: store.query(f"SELECT * FROM {t} ORDER BY 1, 2, 3")
        for t in ("findings", "finding_sightings", "scores")
    }
    obs_before = store.query(
        "SELECT run_kind, as_of, target_type, target_id, url, status, ok, error FROM observations"
        " ORDER BY 1, 2, 3, 4, 5"
    )
    res2 = run_inspection(AS_OF, store=store)
    assert res2["by_check"] == res["by_check"] and res2["recorded"]["new"] == 0
    for t, rows in snap.items():
        assert store.query(f"SELECT * FROM {t} ORDER BY 1, 2, 3") == rows, t
    assert (
        store.query(
            "SELECT run_kind, as_of, target_type, target_id, url, status, ok, error FROM observations"
            " ORDER BY 1, 2, 3, 4, 5"
        )
        == obs_before
    )

    assert main(["inspect", "--as-of", AS_OF.isoformat(), "--site", "3607000012"]) == 0
    out = capsys.readouterr().out
    assert "按检查项统计" in out and "合格率" in out


def test_a_site_that_breaks_the_inspection_keeps_its_findings(store, province, monkeypatch):
    import govwatch.checks.inspect_run as ir

    run_inspection(AS_OF, store=store)
    before = {x for x in _inspect_findings(store) if x[0].startswith("3607000001")}
    assert before
    real = ir._Inspector.site

    async def broken(self, site):
        if site["id"] == "3607000001":
            raise ValueError("unexpected markup")
        return await real(self, site)

    monkeypatch.setattr(ir._Inspector, "site", broken)
    with pytest.raises(RuntimeError, match="3607000001"):
        run_inspection(AS_OF + timedelta(days=7), store=store)
    after = {x for x in _inspect_findings(store) if x[0].startswith("3607000001")}
    # Withheld, not rectified: only availability (judged from probes, not from the crawl) may change.
    assert {x for x in before if x[1] != "site_unreachable"} <= after
    run = store.query(
        "SELECT status, stats FROM runs WHERE kind = 'inspect' AND as_of = %s", (AS_OF + timedelta(days=7),)
    )
    assert run[0]["status"] == "failed" and "unexpected markup" in run[0]["stats"]["errors"][0]
