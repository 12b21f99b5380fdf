"""Notices rendered from a province in the store: 58 sites (4 vetoed), 316 accounts (6 without interaction).

The data goes in the way the product writes it: the registry through ``import_registry``, findings through
``record_findings``, scores through ``govwatch.scoring.run_scores``; only list items (``items``), which the
column checker writes as it crawls, are inserted directly.
"""

from __future__ import annotations

import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest

from govwatch.cli.main import main
from govwatch.findings import CHECK_CODES, make
from govwatch.notices.docx import docx_text
from govwatch.notices.render import render_month, render_notice
from govwatch.registry.model import Account, Column, Contact, Registry, Site, Unit
from govwatch.registry.store import import_registry
from govwatch.rules import load_rules
from govwatch.scoring import run_scores
from govwatch.store.db import Store
from govwatch.store.findings import Scope, record_findings

PERIOD = "2026-08"
AS_OF = date(2026, 8, 20)
REGIONS = [("3601", "南昌市"), ("3604", "九江市"), ("3607", "赣州市"), ("3611", "上饶市")]
SCRIPT_NAME = "<script>alert('x')</script>测试网"
SENTENCE = (
    "本次共检查政府网站58个，其中，4个政府网站存在单项否决问题，检查合格率为93.1%；"
    "检查政务新媒体316个，其中，6个政务新媒体缺少有效互动渠道，检查合格率为98.1%。"
)


def build_registry() -> Registry:
    units = [Unit(id="office", name="市人民政府办公室",
                  contacts=[Contact(name="李明", email="liming@example.cn", mobile="13900000001")])]  # fmt: skip
    sites, accounts = [], []
    for i in range(58):
        code, region = REGIONS[i % 4]
        uid = f"u{i:02d}"
        units.append(Unit(id=uid, name=f"{region}第{i}单位", parent="office",
                          contacts=[Contact(name=f"联系人{i}", email=f"u{i}@example.cn")]))  # fmt: skip
        name = SCRIPT_NAME if i == 7 else f"{region}第{i}单位网站"
        sites.append(Site(
            id=f"{code}00{i:04d}", name=name, url=f"http://127.0.0.1:9/{i}/", kind="portal" if i < 8 else "department",
            unit=uid, region=region, has_services=i < 8,
            columns=[Column(id="gzdt", name="工作动态", url=f"http://127.0.0.1:9/{i}/gzdt/", category="news")],
        ))  # fmt: skip
    for j in range(316):
        uid = f"u{j % 58:02d}"
        accounts.append(Account(id=f"wx-{j:03d}", name=f"政务号{j}", platform="wechat" if j % 5 else "weibo",
                                unit=uid, feed_url=f"http://127.0.0.1:9/feed/{j}.xml",
                                region=REGIONS[(j % 58) % 4][1]))  # fmt: skip
    return Registry(units=units, sites=sites, accounts=accounts)


def populate(store: Store) -> Registry:
    reg = build_registry()
    import_registry(store, reg)
    rules = load_rules()
    scope = Scope(checks=frozenset(CHECK_CODES))
    site = {s.id: s for s in reg.sites}
    sid = [s.id for s in reg.sites]

    def f_site(i: int, check: str, key: str = "", **kw: object):
        s = site[sid[i]]
        return make(rules, check, "site", s.id, f"{check} 证据", site_id=s.id, unit_id=s.unit, evidence_key=key, **kw)

    def f_col(i: int, check: str):
        s = site[sid[i]]
        return make(rules, check, "column", f"{s.id}/gzdt", "最新信息 2026-06-01，超过 14 天未更新",
                    site_id=s.id, unit_id=s.unit)  # fmt: skip

    def f_acc(j: int, check: str):
        a = reg.accounts[j]
        return make(rules, check, "account", a.id, "菜单无互动入口", unit_id=a.unit)

    # July: a privacy leak on site 10, seen, then gone (rectified): it comes back in August (recurrence).
    # Site 5 had a typo in July, corrected; August finds other typos on it: the same problem again.
    july = [f_site(10, "privacy_leak", "http://127.0.0.1:9/10/a.html"), f_site(5, "typo", "中共人民共和国|http://127.0.0.1:9/5/old.html")]
    record_findings(store, run_kind="inspect", as_of=date(2026, 7, 10), scope=scope, findings=july)
    record_findings(store, run_kind="inspect", as_of=date(2026, 7, 24), scope=scope, findings=[])
    august = [
        # four vetoes
        f_site(0, "columns_not_updated"),
        f_site(1, "no_interaction_channel"),
        f_site(2, "homepage_stale"),
        f_site(7, "no_service_channel"),
        # deductions that do not fail anyone
        f_col(0, "column_overdue"),
        f_col(3, "column_overdue"),
        f_col(4, "column_blank"),
        f_site(5, "typo", "攻府|http://127.0.0.1:9/5/x.html"),
        f_site(5, "typo", "秸杆|http://127.0.0.1:9/5/y.html"),
        f_site(6, "broken_link", "http://127.0.0.1:9/6/missing.html"),
        f_site(10, "privacy_leak", "http://127.0.0.1:9/10/a.html"),
        # six accounts without interaction
        *[f_acc(j, "media_no_interaction") for j in (3, 50, 99, 150, 200, 301)],
        f_acc(4, "media_infrequent"),
    ]
    record_findings(store, run_kind="inspect", as_of=AS_OF, scope=scope, findings=august)
    run_scores(date(2026, 7, 24), store=store)
    run_scores(AS_OF, store=store)
    # Items for the publication counts: unit u00 published 5 items in August, u01 one, u02 one in July only.
    with store.tx() as cur:
        for n, (i, day) in enumerate([(0, 3), (0, 5), (0, 9), (0, 9), (0, 30), (1, 12), (2, None)]):
            s = reg.sites[i]
            pub = date(2026, 8, day) if day else date(2026, 7, 30)
            cur.execute(
                "INSERT INTO items (target_type, target_id, site_id, unit_id, url, title, pub_date, first_seen,"
                " last_seen) VALUES ('column', %s, %s, %s, %s, %s, %s, %s, %s)",
                (f"{s.id}/gzdt", s.id, s.unit, f"http://127.0.0.1:9/{i}/a{n}.html", f"信息{n}", pub, AS_OF, AS_OF),
            )
        # The same article listed in a second column of the same site counts once.
        s = reg.sites[0]
        cur.execute(
            "INSERT INTO items (target_type, target_id, site_id, unit_id, url, title, pub_date, first_seen,"
            " last_seen) VALUES ('column', %s, %s, %s, %s, '信息0', %s, %s, %s)",
            (f"{s.id}/tzgg", s.id, s.unit, "http://127.0.0.1:9/0/a0.html", date(2026, 8, 3), AS_OF, AS_OF),
        )
    return reg


@pytest.fixture
def province(store: Store) -> Store:
    populate(store)
    return store


def test_scores_as_the_seed(province: Store) -> None:
    got = run_scores(AS_OF, store=province)
    assert got["sites"]["checked"] == 58 and got["accounts"]["checked"] == 316


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_monthly_states_pass_rates(province: Store, tmp_path: Path, fmt: str) -> None:
    path = render_notice("monthly", PERIOD, fmt, out_dir=tmp_path, store=province)
    text = docx_text(path) if fmt == "docx" else path.read_text(encoding="utf-8")
    assert "合格率为93.1%" in text and "98.1%" in text
    flat = text.replace("\\", "")
    assert SENTENCE in flat
    for heading in ("【基本情况】", "【存在问题】", "【工作要求】"):
        assert heading in text
    for header in ("序号", "网站/政务新媒体名称", "主要存在问题", "主办单位", "发现日期", "整改日期", "备注"):
        assert header in text
    assert "同类问题多次出现" in flat
    assert "“赣州市第10单位网站”再次出现隐私泄露问题" in flat  # the same finding reopened
    assert "“九江市第5单位网站”再次出现错敏字问题" in flat  # the same check again on the unit
    assert "政务号3（微信公众号）" in flat
    row = province.query("SELECT path, sha256 FROM notices WHERE kind = 'monthly' AND format = %s", (fmt,))
    assert row and row[0]["path"] == str(path)


def test_html_escapes_crawled_names(province: Store, tmp_path: Path) -> None:
    for kind in ("monthly", "bulletin"):
        html = render_notice(kind, PERIOD, "html", out_dir=tmp_path, store=province).read_text(encoding="utf-8")
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;测试网" in html
    md = render_notice("monthly", PERIOD, "md", out_dir=tmp_path, store=province).read_text(encoding="utf-8")
    assert "<script>" not in md and "\\<script\\>" in md


def test_rendering_is_deterministic(province: Store, tmp_path: Path) -> None:
    a = render_notice("bulletin", PERIOD, "html", out_dir=tmp_path / "a", store=province).read_bytes()
    b = render_notice("bulletin", PERIOD, "html", out_dir=tmp_path / "b", store=province).read_bytes()
    assert a == b
    d1 = render_notice("monthly", PERIOD, "docx", out_dir=tmp_path / "a", store=province)
    d2 = render_notice("monthly", PERIOD, "docx", out_dir=tmp_path / "b", store=province)
    assert docx_text(d1) == docx_text(d2)
    assert d1.read_bytes() == d2.read_bytes()
    m1 = render_notice("publications", PERIOD, "md", out_dir=tmp_path / "a", store=province).read_bytes()
    m2 = render_notice("publications", PERIOD, "md", out_dir=tmp_path / "b", store=province).read_bytes()
    assert m1 == m2
    # one row per (kind, period, unit, format), whatever the folder
    assert province.query("SELECT count(*) AS n FROM notices WHERE kind = 'bulletin'")[0]["n"] == 1


def test_bulletin_lists_vetoes_with_site_codes(province: Store, tmp_path: Path) -> None:
    text = docx_text(render_notice("bulletin", PERIOD, "docx", out_dir=tmp_path, store=province))
    assert "一、基本情况" in text and "下一步工作要求" in text
    for n in range(1, 6):
        assert f"附件{n}" in text
    assert "3601000000" in text  # 网站标识码 of a vetoed site in 附件3
    assert "单项否决（缺少有效互动渠道）" in text
    assert "南昌市" in text and "合计" in text


def test_publication_counts(province: Store, tmp_path: Path) -> None:
    text = render_notice("publications", PERIOD, "md", out_dir=tmp_path, store=province).read_text(encoding="utf-8")
    assert "共更新信息6条" in text  # 5 distinct items of u00 in August + 1 of u01; July's does not count
    assert "| 1 | 南昌市第0单位 | 5 |" in text
    assert "| 2 | 九江市第1单位 | 1 |" in text
    assert "小计" in text


def test_unit_notice_and_month(province: Store, tmp_path: Path, gw_env: Path) -> None:
    path = render_notice("unit", PERIOD, "docx", unit_id="u00", out_dir=tmp_path, store=province)
    text = docx_text(path)
    assert "南昌市第0单位：" in text and "栏目不更新" in text and "整改期限" in text
    result = render_month(PERIOD, store=province)
    # sites 0,1,2,3,4,5,6,7,10 and the units of the accounts with findings
    assert result["units"] >= 9 and result["mails"] == result["units"]
    rows = province.query("SELECT dedup_key, channel, kind, attachments, recipients FROM outbox ORDER BY dedup_key")
    keys = [r["dedup_key"] for r in rows]
    assert "u00|notice|2026-08|email" in keys
    att = rows[keys.index("u00|notice|2026-08|email")]["attachments"]
    assert att[0]["path"].endswith("unit-u00-2026-08.docx") and Path(att[0]["path"]).is_file()
    again = render_month(PERIOD, store=province)
    assert again["mails"] == result["mails"]
    assert province.query("SELECT count(*) AS n FROM outbox")[0]["n"] == len(rows)
    assert (gw_env / "notices" / PERIOD / f"monthly-{PERIOD}-附件.xlsx").is_file()


def test_ledger_states_reach_the_documents(province: Store, tmp_path: Path) -> None:
    from govwatch.rectify.ledger import sync

    sync(AS_OF, store=province)
    sync(date(2026, 8, 31), store=province)  # five working days later: every open item is overdue
    md = render_notice("monthly", PERIOD, "md", out_dir=tmp_path, store=province).read_text(encoding="utf-8")
    assert "逾期未整改" in md
    # found again in August, overdue, and called a recurrence
    assert "| 赣州市第10单位网站 | 隐私泄露 | 赣州市第10单位 | 2026/8/20 |  | 逾期未整改；同类问题多次出现 |" in md
    unit = render_notice("unit", PERIOD, "md", unit_id="u10", out_dir=tmp_path, store=province)
    text = unit.read_text(encoding="utf-8")
    assert "逾期未整改" in text and "已超过整改期限" in text


def test_a_profile_words_the_notices(province: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from govwatch.settings import reset_settings_cache

    profile = tmp_path / "ganzhou.yaml"
    profile.write_text(
        "extends: national\n"
        "notice_text:\n"
        "  area: 赣州市\n"
        "  report_office: 赣州市政务公开领导小组办公室\n"
        "  monthly_title: '{area}政务公开月报'\n"
        "  issue: {first_period: '2026-01', first_number: 1}\n"
        "  contacts: [联系人：陈红梅, 联系电话：8199926]\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("GOVWATCH_RULES", str(profile))
    reset_settings_cache()
    text = docx_text(render_notice("monthly", PERIOD, "docx", out_dir=tmp_path, store=province))
    assert text.startswith("\n赣州市政务公开月报\n第8期")
    assert "8月，赣州市开展了政府网站和政务新媒体全面监测检查，本次共检查政府网站58个" in text
    assert "联系人：陈红梅" in text and "赣州市政务公开领导小组办公室编" in text


def test_empty_month_renders_plainly(store: Store, tmp_path: Path) -> None:
    for kind in ("monthly", "bulletin", "publications"):
        for fmt in ("html", "md", "docx"):
            path = render_notice(kind, "2026-01", fmt, out_dir=tmp_path, store=store)
            assert path.stat().st_size > 0
    text = (tmp_path / "monthly-2026-01.md").read_text(encoding="utf-8")
    assert "暂无政府网站和政务新媒体检查结果" in text and "本月无问题整改记录" in text
    assert render_month("2026-01", store=store)["units"] == 0


def test_month_without_scores_counts_vetoes_from_findings(store: Store, tmp_path: Path) -> None:
    populate(store)
    store.execute("DELETE FROM scores")
    text = render_notice("monthly", PERIOD, "md", out_dir=tmp_path, store=store).read_text(encoding="utf-8")
    # without scores only vetoes fail: the same rates here, since no site scored under 60
    assert "检查合格率为93.1%" in text and "检查合格率为98.1%" in text


def test_cli(province: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["notice", "render", "monthly", "--period", PERIOD, "--format", "md", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed == str(tmp_path / f"monthly-{PERIOD}.md") and Path(printed).is_file()
    assert main(["notice", "render", "unit", "--period", PERIOD]) == 2
    assert "--unit" in capsys.readouterr().err
    assert main(["notice", "render", "unit", "--period", PERIOD, "--unit", "nosuch"]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["notice", "render", "bulletin", "--period", "2026-13"])
    assert exc.value.code == 2


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
def test_docx_converts_to_pdf(province: Store, tmp_path: Path) -> None:
    from govwatch.notices.pdf import docx_to_pdf

    path = render_notice("monthly", PERIOD, "docx", out_dir=tmp_path, store=province)
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode()
        footer = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/footer"))
    assert 'w:eastAsia="仿宋_GB2312"' in xml and "方正小标宋简体" in xml
    assert "PAGE" in footer and "— " in footer
    pdf = docx_to_pdf(path, tmp_path / "pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    text = "".join(p.extract_text() or "" for p in reader.pages)
    assert "93.1%" in text and "98.1%" in text
    assert "— 1 —" in text or "—1—" in text.replace(" ", "")
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 2 and abs(float(box.height) - 841.9) < 2  # A4

