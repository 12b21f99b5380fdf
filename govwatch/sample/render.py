"""Turn the sample province into bytes: four CMS markup families, feeds and menus.

Family A (大汉-like): ul/li lists with ``<span>2026-11-18</span>``, /col/colN/index.html, /art/Y/M/D/… pages.
Family B (TRS-like): table rows with ``[2026/11/18]``, detail pages with “发布时间：” and the
  PubDate / ArticleTitle / ColumnName / SiteIDCode meta tags.
Family C (old ASP-like, GBK): div lists with 2026年11月18日, home blocks with “11-18”, ``<meta charset="gbk">``
  and ``Content-Type: text/html; charset=GBK``.
Family D (holdout, never used by default): dl lists with the date *before* the title as 2026.11.18, a
  div-of-links navigation, no meta dates; GBK sites keep their bytes but declare gb2312 only in an
  http-equiv meta (no charset in the HTTP header).

Every page carries the non-item dates an extractor must ignore: a “今天是…” banner with the as-of date,
copyright years, ICP / 公安备案 numbers and the 网站标识码.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from email.utils import format_datetime

from govwatch.sample.docs import make_docx, make_pdf
from govwatch.sample.model import (
    DEAD,
    OUT,
    UNSERVED,
    AccountSpec,
    ColumnSpec,
    Item,
    Province,
    SiteSpec,
    display_order,
)

WEEKDAYS = "一二三四五六日"
HTML_UTF8 = "text/html; charset=utf-8"


@dataclass
class Resp:
    status: int
    ctype: str
    body: bytes
    location: str = ""  # for redirects
    delay: float = 0.0  # seconds the server waits before answering


def esc(s: str) -> str:
    return html.escape(s, quote=True)


class Links:
    """Resolves the placeholders of raw fragments for one site."""

    def __init__(self, site: SiteSpec, bases: dict[str, str], out: str) -> None:
        self.site = site
        self.bases = bases
        self.out = out
        # same port, the address after the outside host: nothing listens there
        host, _, port = out.removeprefix("http://").partition(":")
        prefix, _, last = host.rpartition(".")
        self.dead = f"http://{prefix}.{int(last) + 1}:{port}"
        self.items = {it.uid: it for c in site.columns for it in c.items}
        self.cols = {c.id: c for c in site.columns}

    def __call__(self, raw: str) -> str:
        raw = raw.replace(OUT, self.out).replace(DEAD, self.dead)
        for sid, base in self.bases.items():
            token = f"@@SITE:{sid}@@"
            if token in raw:
                raw = raw.replace(token, base.rstrip("/"))
        while "@@COL:" in raw:
            start = raw.index("@@COL:")
            end = raw.index("@@", start + 6)
            raw = raw[:start] + self.cols[raw[start + 6 : end]].path + raw[end + 2 :]
        while "@@ITEM:" in raw:
            start = raw.index("@@ITEM:")
            end = raw.index("@@", start + 7)
            raw = raw[:start] + self.items[int(raw[start + 7 : end])].path + raw[end + 2 :]
        return raw


def fmt_date(fam: str, d: date, short: bool = False) -> str:
    if fam == "A":
        return f"{d:%Y-%m-%d}"
    if fam == "B":
        return f"[{d:%Y/%m/%d}]"
    if fam == "C":
        return f"{d:%m-%d}" if short else f"{d.year}年{d.month}月{d.day}日"
    return f"{d:%Y.%m.%d}"


def script_date(d: date, t: str) -> str:
    ms = int(datetime.combine(d, time.fromisoformat(t)).timestamp()) * 1000
    return f"<script>document.write(gwDate('{ms}'))</script>"


# --- page skeletons ---------------------------------------------------------------------------------------


def _banner(fam: str, as_of: date) -> str:
    wd = "星期" + WEEKDAYS[as_of.weekday()]
    if fam == "A":
        return f'<div class="top"><span class="today">今天是{as_of.year}年{as_of.month}月{as_of.day}日 {wd}</span></div>'
    if fam == "B":
        return (
            f'<div class="head-top"><span id="date">{as_of.year}年{as_of.month:02d}月{as_of.day:02d}日 {wd}</span>'
            f"<span>欢迎访问本网站！</span></div>"
        )
    if fam == "C":
        return f'<table class="topbar" width="100%"><tr><td class="topdate">今天是：{as_of.year}年{as_of.month}月{as_of.day}日 {wd}</td></tr></table>'
    return f'<div class="toolbar"><em class="clock">{as_of:%Y-%m-%d} {wd}</em></div>'


def _nav(fam: str, nav: list[tuple[str, str]]) -> str:
    if fam == "A":
        return (
            '<div class="nav"><ul>'
            + "".join(f'<li><a href="{h}">{esc(t)}</a></li>' for t, h in nav)
            + "</ul></div>"
        )
    if fam == "B":
        return (
            '<div class="menu"><table cellspacing="0"><tr>'
            + "".join(f'<td><a href="{h}" target="_self">{esc(t)}</a></td>' for t, h in nav)
            + "</tr></table></div>"
        )
    if fam == "C":
        return (
            '<div id="nav">'
            + "".join(f'<div class="navitem"><a href="{h}">{esc(t)}</a></div>' for t, h in nav)
            + "</div>"
        )
    return '<div id="menu">' + "".join(f'<a class="m" href="{h}">{esc(t)}</a>' for t, h in nav) + "</div>"


def _footer(fam: str, site: SiteSpec, prov: Province, unit_name: str, out: str) -> str:
    year = prov.as_of.year
    links = " | ".join(f'<a href="{h}">{esc(t)}</a>' for t, h in site.footer_links)
    # links that are no pages at all: a checker must not report them as broken
    links += (
        ' | <a href="javascript:void(0);" onclick="window.print()">打印本页</a> | <a href="#top">返回顶部</a>'
    )
    friends = " ".join(f'<a href="{h}" target="_blank">{esc(t)}</a>' for t, h in site.friend_links)
    beian = f'<a href="{out}/beian/" target="_blank">{esc(site.icp)}</a>'
    if fam == "A":
        return (
            f'<div class="links"><span>友情链接：</span>{friends}</div><div class="footer"><p>{links}</p>'
            f"<p>主办单位：{esc(unit_name)}　地址：{prov.city}云州大道{site.host * 3 + 1}号　电话：0797-8{site.host:03d}123</p>"
            f"<p>网站标识码：{site.id}　{beian}　{esc(site.police)}</p>"
            f"<p>版权所有 &copy; {site.since}-{year} {esc(site.name)}</p></div>"
        )
    if fam == "B":
        return (
            f'<div class="yqlj"><h4>友情链接</h4>{friends}</div><div class="foot"><p>{links}</p>'
            f"<p>{esc(site.name)} 版权所有 Copyright&copy; {year} All Rights Reserved</p>"
            f"<p>{beian} | {esc(site.police)} | 网站标识码：{site.id}</p>"
            f"<p>主办：{esc(unit_name)}　承办：{esc(unit_name)}信息中心</p></div>"
        )
    if fam == "C":
        return (
            f'<div class="friend">友情链接：{friends}</div><div id="footer">{links}<br>'
            f"Copyright &copy; {site.since}-{year} {esc(site.name)} 版权所有<br>"
            f"{beian} 网站标识码：{site.id} {esc(site.police)}<br>"
            f"主办：{esc(unit_name)} 技术支持：云州信息科技有限公司 建议使用IE8.0以上浏览器</div>"
        )
    return (
        f'<footer class="ft"><nav class="flinks">{friends}</nav><div class="ft-links">{links}</div>'
        f"<div>&copy; {year} {esc(site.name)} · 网站标识码{site.id} · {beian} · {esc(site.police)}</div>"
        f"<div>主办：{esc(unit_name)}</div></footer>"
    )


CSS = {
    "A": "body{font:14px/1.6 'Microsoft YaHei'}.nav li{display:inline-block}.list li span{float:right}",
    "B": "body{font-size:12px}.list-table td.rq{text-align:right;color:#999}",
    "C": "body{font-size:12px;font-family:宋体}.list_item{border-bottom:1px dashed #ccc}",
    "D": ".plist dd em{margin-right:1em;color:#c00}#menu a.m{padding:0 12px}",
}


def _page(
    fam: str, site: SiteSpec, prov: Province, unit_name: str, out: str, title: str, body: str, meta: str = ""
) -> str:
    gbk_meta = site.encoding == "gbk"
    generated = prov.as_of - timedelta(days=1)
    if fam == "A":
        head = (
            f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{esc(title)}</title>'
            f'<meta name="SiteName" content="{esc(site.name)}"><meta name="SiteIDCode" content="{site.id}">{meta}'
            # 大汉 pages carry their generation time: a date that is no publish date
            f'<meta name="others" content="页面生成时间 {generated} 06:1{site.host % 10}:07">'
        )
    elif fam == "B":
        head = (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            '<html xmlns="http://www.w3.org/1999/xhtml"><head>'
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />'
            f'<title>{esc(title)}</title><meta name="SiteName" content="{esc(site.name)}" />'
            f'<meta name="SiteDomain" content="" /><meta name="SiteIDCode" content="{site.id}" />{meta}'
        )
    elif fam == "C":
        head = (
            f'<html><head><meta charset="gbk"><title>{esc(site.name)}--{esc(title)}</title>'
            f'<meta name="SiteIDCode" content="{site.id}">{meta}'
        )
    else:
        charset = (
            '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            if gbk_meta
            else '<meta charset="utf-8">'
        )
        head = f"<!doctype html>\n<html><head>{charset}<title>{esc(title)} - {esc(site.name)}</title>{meta}"
    head += '<link rel="stylesheet" href="/css/site.css"><script src="/js/common.js"></script></head>'
    logo = {
        "A": '<div class="header"><h1 class="logo">{}</h1></div>',
        "B": '<div class="banner"><div class="logo"><img src="/css/logo.gif" alt="{}" /></div></div>',
        "C": '<div id="header"><div class="sitename">{}</div></div>',
        "D": '<header class="hd"><div class="site-title">{}</div></header>',
    }[fam].format(esc(site.name))
    return (
        f"{head}<body>{_banner(fam, prov.as_of)}{logo}{_nav(fam, site.nav)}"
        f'<div class="main">{body}</div>{_footer(fam, site, prov, unit_name, out)}</body></html>'
    )


# --- lists, details, home ------------------------------------------------------------------------------------


def _rel(path: str, page_dir: str) -> str:
    """TRS-style relative link (./202611/t20261118_1.html) from a page in ``page_dir``."""
    return "./" + path[len(page_dir) + 1 :] if path.startswith(page_dir + "/") else path


def _item_rows(
    fam: str,
    col: ColumnSpec,
    items: list[Item],
    *,
    short: bool = False,
    nodates: bool = False,
    page_dir: str = "",
) -> str:
    rows = []
    for it in items:
        d = script_date(it.date, it.time) if nodates else fmt_date(fam, it.date, short)
        t = esc(it.title)
        if fam == "A":
            rows.append(f'<li><a href="{it.path}" target="_blank" title="{t}">{t}</a><span>{d}</span></li>')
        elif fam == "B":
            rows.append(
                f'<tr><td class="bt"><a href="{_rel(it.path, page_dir)}" target="_blank" title="{t}">{t}</a></td>'
                f'<td class="rq" width="100">{d}</td></tr>'
            )
        elif fam == "C":
            if short:
                rows.append(f'<p><a href="{it.path}" target="_blank">{t}</a><i>{d}</i></p>')
            else:
                rows.append(
                    f'<div class="list_item"><div class="list_tit"><a href="{it.path}" target="_blank">{t}</a></div>'
                    f'<div class="list_time">{d}</div></div>'
                )
        else:
            rows.append(f'<dd><em>{d}</em><a href="{it.path}" target="_blank">{t}</a></dd>')
    if fam == "A":
        return '<ul class="list">\n' + "\n".join(rows) + "\n</ul>"
    if fam == "B":
        return '<table class="list-table" width="100%" cellspacing="0">\n' + "\n".join(rows) + "\n</table>"
    if fam == "C":
        head = '<div class="idx_con">' if short else '<div class="list_box">'
        return head + "\r\n" + "".join(f"\t\t\t\t{r}\r\n" for r in rows) + "\t\t\t</div>"
    return '<dl class="plist">\n' + "\n".join(rows) + "\n</dl>"


def _consult_rows(fam: str, items: list[Item]) -> str:
    head = "<tr><th>留言标题</th><th>留言时间</th><th>答复时间</th><th>办理状态</th></tr>"
    rows = []
    for it in items:
        m = it.message
        assert m is not None
        ans = fmt_date(fam, m.answered) if m.answered else "—"
        if fam == "C":
            rows.append(
                f'<div class="list_item"><div class="list_tit"><a href="{it.path}">{esc(it.title)}</a></div>'
                f'<div class="list_time">留言时间：{fmt_date(fam, m.asked)}　状态：{m.status}</div></div>'
            )
        elif fam == "D":
            rows.append(
                f'<dd><em>{fmt_date(fam, m.asked)}</em><a href="{it.path}">{esc(it.title)}</a>'
                f'<span class="st">{m.status}</span></dd>'
            )
        else:
            rows.append(
                f'<tr><td><a href="{it.path}">{esc(it.title)}</a></td><td>{fmt_date(fam, m.asked)}</td>'
                f"<td>{ans}</td><td>{m.status}</td></tr>"
            )
    if fam == "C":
        return '<div class="list_box hd">' + "".join(rows) + "</div>"
    if fam == "D":
        return '<dl class="plist hd">' + "".join(rows) + "</dl>"
    return f'<table class="hd-table" width="100%">{head}{"".join(rows)}</table>'


def _blank(fam: str) -> str:
    return {
        "A": '<ul class="list"></ul><p class="nodata">暂无信息</p>',
        "B": '<table class="list-table" width="100%"><tr><td class="nodata">暂无信息</td></tr></table>',
        "C": '<div class="list_box"><div class="nodata">暂无信息</div></div>',
        "D": '<dl class="plist"><dd class="empty">暂无信息</dd></dl>',
    }[fam]


PAGE_SIZE = 8


def page_path(fam: str, first: str, n: int) -> str:
    """The path of page ``n`` (1-based) of a column whose first page is ``first``, CMS style."""
    if n == 1:
        return first
    base = first.rsplit("/", 1)[0]
    return {
        "A": f"{base}/index_{n}.html",
        "B": f"{base}/index_{n - 1}.html",
        "C": f"{base}/list_{n}.shtml",
        "D": f"{base}/list_{n}.html",
    }[fam]


def page_count(col: ColumnSpec) -> int:
    if col.state == "blank" or col.category == "consult" or not col.items:
        return 1
    return (len(col.items) + PAGE_SIZE - 1) // PAGE_SIZE


def _pager(fam: str, col: ColumnSpec, n: int, pages: int, count: int) -> str:
    nav = ""
    if pages > 1:
        links = [("首页", 1), ("上一页", n - 1), ("下一页", n + 1), ("尾页", pages)]
        nav = " ".join(
            f'<a href="{page_path(fam, col.path, k)}">{t}</a>' for t, k in links if 1 <= k <= pages and k != n
        )
    return {
        "A": f'<div class="page">共{count}条记录 {n}/{pages}页 {nav}</div>',
        "B": f'<div class="page">共 {count} 条 {nav}</div>',
        "C": f'<div class="pages">记录总数：{count} 页次：{n}/{pages} {nav}</div>',
        "D": f'<div class="pager">第{n}页 {nav}</div>',
    }[fam]


def list_page(site: SiteSpec, col: ColumnSpec, n: int = 1) -> str:
    """Page ``n`` of a column's list."""
    fam = site.family
    pages = page_count(col)
    if col.state == "blank":
        inner = _blank(fam)
    elif col.category == "consult":
        inner = _consult_rows(fam, col.items)
    else:
        chunk = display_order(col.items)[(n - 1) * PAGE_SIZE : n * PAGE_SIZE]
        inner = _item_rows(
            fam, col, chunk, nodates=col.state == "nodates", page_dir=col.path.rsplit("/", 1)[0]
        )
    crumb = f'当前位置：<a href="/">首页</a> &gt; {"<span>" + esc(col.parent) + "</span> &gt; " if col.parent else ""}{esc(col.name)}'
    count = 0 if col.state == "blank" else len(col.items)
    pager = _pager(fam, col, n, pages, count)
    return (
        f'<div class="crumb">{crumb}</div><div class="col-title"><h2>{esc(col.name)}</h2></div>{inner}{pager}'
    )


def _with_sidebar(fam: str, body: str, side: str) -> str:
    if not side:
        return body
    if fam == "B":
        return f'<table width="100%"><tr><td class="left" width="240">{side}</td><td class="right">{body}</td></tr></table>'
    return f'<div class="side">{side}</div><div class="con">{body}</div>'


def detail_page(site: SiteSpec, col: ColumnSpec, it: Item, links: Links) -> tuple[str, str]:
    """(body, extra meta) of an item's page."""
    fam = site.family
    nodates = col.state == "nodates"
    d = script_date(it.date, it.time) if nodates else None
    if it.message is not None:
        m = it.message
        ans = (
            f"<p>答复时间：{fmt_date('A' if fam == 'B' else fam, m.answered)}</p><p>答复内容：{esc(m.answer)}</p>"
            if m.answered
            else f"<p>答复状态：{m.status}</p>"
        )
        body = (
            f'<div class="hd-detail"><h2>{esc(it.title)}</h2><p>留言人：{esc(m.asker)}</p>'
            f"<p>留言时间：{fmt_date('A' if fam == 'B' else fam, m.asked)}</p><p>留言内容：{esc(m.question)}</p>"
            f"<p>答复单位：{esc(site.name)}</p>{ans}</div>"
        )
        return body, ""
    paras = "".join(f"<p>{esc(p)}</p>" for p in it.paras)
    if it.doc_no:
        paras = f'<p class="wh">{esc(it.doc_no)}</p>' + paras
    extra = links(it.html) if it.html else ""
    atts = "".join(
        f'<p class="attach">附件：<a href="{a.path}">{esc(a.name)}</a></p>' for a in it.attachments
    )
    rel = "".join(
        f'<div class="related">{label}<a href="{other.path}">{esc(other.title)}</a></div>'
        for label, other in it.related
    )
    meta = ""
    if fam == "A":
        date_s = d or f"{it.date:%Y-%m-%d}"
        info = f'<div class="article-info">发布日期：{date_s}　来源：{esc(it.source)}　浏览次数：{it.uid % 900 + 37}</div>'
        meta = f'<meta name="ArticleTitle" content="{esc(it.title)}">'
    elif fam == "B":
        date_s = d or f"{it.date:%Y-%m-%d} {it.time}"
        info = f'<div class="xl-info">发布时间：{date_s}　来源：{esc(it.source)}　字号：[大 中 小]</div>'
        meta = (
            f'<meta name="ColumnName" content="{esc(col.name)}" /><meta name="ColumnType" content="{esc(col.name)}" />'
            f'<meta name="ArticleTitle" content="{esc(it.title)}" />'
            + ("" if nodates else f'<meta name="PubDate" content="{it.date:%Y-%m-%d} {it.time}" />')
            + f'<meta name="ContentSource" content="{esc(it.source)}" />'
        )
    elif fam == "C":
        date_s = d or f"{it.date.year}年{it.date.month}月{it.date.day}日"
        info = f'<div class="art_info">日期：{date_s}　来源：{esc(it.source)}　浏览次数：<span id="hits">{it.uid % 700 + 21}</span></div>'
    else:
        date_s = d or f"{it.date:%Y.%m.%d} {it.time}:00"
        info = f'<p class="time">{date_s} 来源：{esc(it.source)}</p>'
    tag = {"A": "h1", "B": "h2", "C": 'div class="art_tit"', "D": 'h1 class="title"'}[fam]
    close = tag.split()[0]
    body = (
        f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="{col.path}">{esc(col.name)}</a></div>'
        f'<div class="article"><{tag}>{esc(it.title)}</{close}>{info}<div class="content">{paras}{extra}</div>'
        f"{atts}{rel}</div>"
    )
    return body, meta


def home_page(site: SiteSpec, links: Links, as_of: date) -> str:
    fam = site.family
    blocks = []
    for col in site.columns:
        if col.state not in ("ok", "nodates") or not col.items:
            continue
        items = display_order(col.items)[:6]
        if col.category == "consult":
            rows = _item_rows(fam, col, items)
        else:
            # "11-18" only where the year is unambiguous (all items within the last 300 days)
            short = fam == "C" and all((as_of - it.date).days < 300 for it in items)
            rows = _item_rows(fam, col, items, short=short)
        more = f'<a class="more" href="{col.path}">更多&gt;&gt;</a>'
        if fam == "A":
            blocks.append(
                f'<div class="box"><div class="box-t"><h3>{esc(col.name)}</h3>{more}</div>{rows}</div>'
            )
        elif fam == "B":
            blocks.append(
                f'<div class="lm"><div class="lm-t"><span>{esc(col.name)}</span>{more}</div>{rows}</div>'
            )
        elif fam == "C":
            blocks.append(
                f'<div class="idx_box"><div class="idx_tit"><span class="more">{more}</span>{esc(col.name)}</div>{rows}</div>'
            )
        else:
            blocks.append(
                f'<section class="panel"><h3 class="panel-h"><a href="{col.path}">{esc(col.name)}</a></h3>{rows}</section>'
            )
    extra = links(site.home_html) if site.home_html else ""
    return "\n".join(blocks) + extra


def _simple(fam: str, title: str, body: str) -> str:
    return f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; {esc(title)}</div><div class="page-body"><h2>{esc(title)}</h2>{body}</div>'


def _sitemap(site: SiteSpec) -> str:
    parts = []
    for col in site.columns:
        if col.state in UNSERVED:
            continue
        parts.append(f'<li><a href="{col.path}">{esc(col.name)}</a></li>')
    return '<ul class="sitemap">' + "".join(parts) + "</ul>"


# --- one site -------------------------------------------------------------------------------------------------


def _encode(site: SiteSpec, page: str) -> Resp:
    if site.encoding == "gbk":
        body = page.encode("gbk", errors="xmlcharrefreplace")
        ctype = "text/html" if site.family == "D" else "text/html; charset=GBK"
        return Resp(200, ctype, body)
    return Resp(200, HTML_UTF8, page.encode("utf-8"))


def render_site(prov: Province, site: SiteSpec, bases: dict[str, str], out: str) -> dict[str, Resp]:
    """Every path of one site → response (status 200); unknown paths are the server's 404."""
    fam = site.family
    links = Links(site, bases, out)
    # a resolved copy: the province itself stays address-free and can be served again elsewhere
    site = replace(
        site,
        nav=[(t, links(h)) for t, h in site.nav],
        friend_links=[(t, links(h)) for t, h in site.friend_links],
    )
    unit = next((u.name for u in prov.units if u.id == site.unit), site.name)
    pages: dict[str, Resp] = {}

    def put(path: str, title: str, body: str, meta: str = "") -> None:
        pages[path] = _encode(site, _page(fam, site, prov, unit, out, title, body, meta))

    put("/", site.name, home_page(site, links, prov.as_of))
    pages["/index.html"] = pages["/"]
    for col in site.columns:
        if col.state in UNSERVED:
            continue
        for n in range(1, page_count(col) + 1):
            put(
                page_path(fam, col.path, n),
                col.name,
                _with_sidebar(fam, list_page(site, col, n), links(site.sidebar)),
            )
        for it in col.items:
            body, meta = detail_page(site, col, it, links)
            put(it.path, it.title, body, meta)
            for att in it.attachments:
                data = (
                    make_pdf(att.title, att.lines) if att.kind == "pdf" else make_docx(att.title, att.lines)
                )
                ctype = (
                    "application/pdf"
                    if att.kind == "pdf"
                    else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                )
                pages[att.path] = Resp(200, ctype, data)
    zwgk = (
        '<ul class="zwgk">'
        + "".join(
            f'<li class="lv{c.level}"><a href="{c.path}">{esc(c.name)}</a></li>'
            for c in site.columns
            if c.state not in UNSERVED
        )
        + "</ul>"
    )
    put("/zwgk/index.html", "政务公开", _simple(fam, "政务公开", zwgk))
    put("/wzdt/index.html", "网站地图", _simple(fam, "网站地图", _sitemap(site)))
    for path, (title, raw) in site.pages.items():
        put(path, title, _simple(fam, title, links(raw)))
    pages["/css/site.css"] = Resp(200, "text/css", CSS[fam].encode("utf-8"))
    pages["/css/logo.gif"] = Resp(200, "image/gif", _GIF)
    pages["/js/common.js"] = Resp(
        200,
        "application/javascript",
        b"function gwDate(ms){var d=new Date(parseInt(ms,10));return d.getFullYear()+'-'+(d.getMonth()+1)+'-'+d.getDate();}",
    )
    for path, target in site.redirects.items():
        pages[path] = Resp(301, "text/html", b"", location=target)
    errors = dict(site.errors)
    for col in site.columns:
        if col.state == "broken":
            errors.setdefault(col.path, 500)
    for path, status in errors.items():
        pages[path] = Resp(
            status, "text/html", f"<html><body><h1>{status} Internal Server Error</h1></body></html>".encode()
        )
    delays = dict(site.delays)
    delays.update({c.path: c.delay for c in site.columns if c.delay and c.state not in UNSERVED})
    for path, seconds in delays.items():
        pages[path] = replace(pages[path], delay=seconds)
    pages["/robots.txt"] = Resp(200, "text/plain", b"User-agent: *\nAllow: /\n")
    return pages


def calendar_page(prov: Province, site: SiteSpec, bases: dict[str, str], out: str, query: str) -> Resp:
    """活动日历: every day links to the previous and the next one — an endless crawler trap."""
    from urllib.parse import parse_qs

    links = Links(site, bases, out)
    site = replace(
        site,
        nav=[(t, links(h)) for t, h in site.nav],
        friend_links=[(t, links(h)) for t, h in site.friend_links],
    )
    try:
        day = date.fromisoformat(parse_qs(query).get("date", [""])[0])
    except ValueError:
        day = prov.as_of
    unit = next((u.name for u in prov.units if u.id == site.unit), site.name)
    body = _simple(
        site.family,
        "活动日历",
        f"<p>{day.year}年{day.month}月{day.day}日 活动安排：无</p>"
        f'<p><a href="{CALENDAR}?date={day - timedelta(days=1)}">前一天</a> '
        f'<a href="{CALENDAR}?date={day + timedelta(days=1)}">后一天</a></p>',
    )
    return _encode(site, _page(site.family, site, prov, unit, out, "活动日历", body))


CALENDAR = "/rl/index.html"

_GIF = bytes.fromhex("47494638396101000100800000ffffff00000021f90401000000002c00000000010001000002024401003b")


# --- the outside world: feeds, menus, and the pages outside links point to --------------------------------------


def _rfc822(dt: datetime, utc: bool = False) -> str:
    return format_datetime(dt.astimezone(UTC), usegmt=True) if utc else format_datetime(dt)


def feed(acct: AccountSpec, prov: Province, out: str) -> Resp:
    posts = sorted(acct.posts, key=lambda p: p.at, reverse=True)[:15]
    built = datetime.combine(prov.as_of, time(7, 0), tzinfo=posts[0].at.tzinfo)
    if acct.oldest_first:
        posts.reverse()
    home = f"{out}/posts/{acct.id}/"

    def iso(dt: datetime) -> str:
        return dt.astimezone(UTC).isoformat().replace("+00:00", "Z") if acct.utc_times else dt.isoformat()

    if acct.feed_format == "rss":
        items = "".join(
            f'<item><title>{esc(p.title)}</title><link>{out}{p.link}</link><guid isPermaLink="true">{out}{p.link}</guid>'
            f"<pubDate>{_rfc822(p.at, acct.utc_times)}</pubDate><description>{esc(p.text)}</description></item>"
            for p in posts
        )
        body = (
            f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>{esc(acct.name)}</title>'
            f"<link>{home}</link><description>{esc(acct.name)}</description><language>zh-cn</language>"
            f"<lastBuildDate>{_rfc822(built)}</lastBuildDate>{items}</channel></rss>"
        )
        return Resp(200, "application/rss+xml; charset=utf-8", body.encode("utf-8"))
    if acct.feed_format == "atom":
        entries = "".join(
            f'<entry><title>{esc(p.title)}</title><link href="{out}{p.link}"/><id>{out}{p.link}</id>'
            f"<published>{iso(p.at)}</published><updated>{iso(p.at)}</updated>"
            f"<summary>{esc(p.text)}</summary></entry>"
            for p in posts
        )
        body = (
            f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f'<title>{esc(acct.name)}</title><link href="{home}"/><id>urn:govwatch-sample:{acct.id}</id>'
            f"<updated>{built.isoformat()}</updated><author><name>{esc(acct.name)}</name></author>{entries}</feed>"
        )
        return Resp(200, "application/atom+xml; charset=utf-8", body.encode("utf-8"))
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": acct.name,
        "home_page_url": home,
        "feed_url": f"{out}{acct.feed_path}",
        "items": [
            {
                "id": f"{out}{p.link}",
                "url": f"{out}{p.link}",
                "title": p.title,
                "content_text": p.text,
                "date_published": iso(p.at),
            }
            for p in posts
        ],
    }
    return Resp(
        200,
        "application/feed+json; charset=utf-8",
        json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8"),
    )


def render_outside(prov: Province, out: str) -> dict[str, Resp]:
    pages: dict[str, Resp] = {}
    for path, (title, raw) in prov.outside_pages.items():
        page = (
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{esc(title)}</title></head>'
            f"<body><h1>{esc(title)}</h1>{raw.replace(OUT, out)}</body></html>"
        )
        pages[path] = Resp(200, HTML_UTF8, page.encode("utf-8"))
    for a in prov.accounts:
        pages[a.feed_path] = feed(a, prov, out)
        if a.menu is not None and a.menu_path:
            text = json.dumps(a.menu, ensure_ascii=False, indent=1).replace(OUT, out)
            pages[a.menu_path] = Resp(200, "application/json; charset=utf-8", text.encode("utf-8"))
    return pages
