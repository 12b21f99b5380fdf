"""The listing extractor on snippets of real-world list markup (several CMS families and hand-made sites).

Each case: markup, as-of date, expected newest item date, expected number of dated items (None: not
asserted), expected blank flag.
"""

from __future__ import annotations

from datetime import date

import pytest

from govwatch.extract.listing import extract_listing

A = date(2026, 11, 20)


def page(body: str, head: str = "") -> str:
    return (
        f"<html><head><meta charset='utf-8'>{head}</head><body>"
        "<div class='header'><a href='/'>首页</a><a href='/zwgk/'>政务公开</a><a href='/hdjl/'>互动交流</a>"
        "<span id='today'>今天是2026年11月20日 星期五</span></div>"
        f"<div class='main'>{body}</div>"
        "<div class='footer'>Copyright © 2003-2026 某某市人民政府 版权所有 赣ICP备05004180号-1 "
        "网站标识码：3607000012 <a href='/map'>网站地图</a></div></body></html>"
    )


CASES = [
    # 1 classic ul/li, date in span after the link
    ("ul-span-after", "<ul class='list'><li><a href='/a1'>市政府召开第十二次常务会议</a><span>2026-11-18</span></li>"
     "<li><a href='/a2'>全市安全生产工作会议召开</a><span>2026-11-10</span></li></ul>", A, date(2026, 11, 18), 2, False),
    # 2 date before the link, in brackets (北京朝阳 style)
    ("ul-bracket-before", "<ul><li><span>[2026-11-16]</span>·<a href='/b1'>朝阳区召开优化营商环境推进会</a></li>"
     "<li><span>[2026-11-09]</span>·<a href='/b2'>区政府常务会议研究部署冬季供暖工作</a></li></ul>", A, date(2026, 11, 16), 2, False),
    # 3 short dates MM-DD (北京公积金 style), year inferred
    ("ul-short", "<ul><li><span>11-08</span><a href='./c1'>关于调整住房公积金缴存基数的通知</a></li>"
     "<li><span>12-28</span><a href='./c2'>住房公积金年度结息公告</a></li></ul>", A, date(2026, 11, 8), 2, False),
    # 4 date as tail text of the link (人社局 style)
    ("li-tail", "<ul><li><a href='/d1' title='网站系统维护公告'>网站系统维护公告</a>11-19</li>"
     "<li><a href='/d2'>北京市统计局2026年面向社会公开招聘事业单位工作人员公告</a>11-02</li></ul>", A, date(2026, 11, 19), 2, False),
    # 5 table rows with serial number, 文号 and date columns (政策文件 lists)
    ("table", "<table><tr><th>序号</th><th>标题</th><th>文号</th><th>发布日期</th></tr>"
     "<tr><td>1</td><td><a href='/e1'>某某市人民政府关于印发2026年政务公开工作要点的通知</a></td><td>某府发〔2026〕12号</td><td>2026-05-06</td></tr>"
     "<tr><td>2</td><td><a href='/e2'>某某市人民政府办公室关于加强耕地保护的通知</a></td><td>某府办发〔2026〕3号</td><td>2026-03-01</td></tr>"
     "</table>", A, date(2026, 5, 6), 2, False),
    # 6 dl with dt/dd pairs
    ("dl-pairs", "<dl class='news'><dt><a href='/f1'>县委常委会召开专题会议研究乡村振兴</a></dt><dd>2026-11-12</dd>"
     "<dt><a href='/f2'>县政府党组理论学习中心组集体学习</a></dt><dd>2026-11-05</dd></dl>", A, date(2026, 11, 12), 2, False),
    # 7 div list items with summary and time
    ("div-cards", "<div class='news-list'><div class='item'><h3><a href='/g1'>我市举办2026年政务公开培训班</a></h3>"
     "<p>11月17日，我市举办政务公开业务培训班，各县区政务公开工作人员参加。</p><span class='time'>2026-11-17</span></div>"
     "<div class='item'><h3><a href='/g2'>市政务服务中心推出延时服务</a></h3><p>为方便群众办事……</p>"
     "<span class='time'>2026-11-03</span></div></div>", A, date(2026, 11, 17), 2, False),
    # 8 date inside the link in its own span (出入境检验检疫局 style)
    ("date-inside-link", "<ul><li><a href='/h1'><span class='t'>北京出入境检验检疫局召开基层党建述职评议考核工作会</span>"
     "<span class='category-post-date'>2026年11月19日</span></a></li><li><a href='/h2'><span class='t'>开展局长接线日活动</span>"
     "<span class='category-post-date'>2026年11月02日</span></a></li></ul>", A, date(2026, 11, 19), 2, False),
    # 9 title and date in one link text, bracketed at the end
    ("in-link-bracket", "<div><a href='/i1'>市长主持召开专题会议 [2026-11-15]</a><br><a href='/i2'>全市经济运行调度会召开 [2026-11-01]</a></div>",
     A, date(2026, 11, 15), 2, False),
    # 10 calendar badge: day + year-month in separate elements
    ("badge", "<ul class='list'><li><div class='date'><b>18</b><span>2026-11</span></div><a href='/j1'>我市召开森林防火工作推进会</a></li>"
     "<li><div class='date'><b>02</b><span>2026-10</span></div><a href='/j2'>我市开展消防安全大检查</a></li></ul>",
     A, date(2026, 11, 18), 2, False),
    # 11 a date in the title must not count (暖气延期至…)
    ("title-date", "<ul><li><span>[2026-10-16]</span>·<a href='/k1'>本市延长供暖 采暖延期至2026年11月19日</a></li>"
     "<li><span>[2026-10-09]</span>·<a href='/k2'>关于2026年11月18日停电的通知</a></li></ul>", A, date(2026, 10, 16), 2, False),
    # 12 dates after the as-of date are ignored
    ("future", "<ul><li><a href='/l1'>关于开展2027年度评估工作的通知</a><span>2027-01-05</span></li>"
     "<li><a href='/l2'>关于做好冬季安全生产工作的通知</a><span>2026-09-30</span></li></ul>", A, date(2026, 9, 30), 1, False),
    # 13 blank: 暂无信息
    ("blank-zanwu", "<div class='list'><p class='empty'>暂无信息</p></div>", A, None, 0, True),
    # 14 blank: 暂无数据
    ("blank-zanwushuju", "<table class='list'><tr><td>暂无数据</td></tr></table>", A, None, 0, True),
    # 15 blank: empty list
    ("blank-empty-ul", "<h2>通知公告</h2><ul class='list'></ul>", A, None, 0, True),
    # 16 blank: 共0条 pagination
    ("blank-count0", "<ul class='list'></ul><div class='page'>共0条 首页 上一页 下一页 尾页</div>", A, None, 0, True),
    # 17 banner date alone must not be the newest date of a stale list
    ("banner-only", "<ul><li><a href='/m1'>关于印发工作要点的通知</a><span>2025-03-01</span></li>"
     "<li><a href='/m2'>关于开展自查的通知</a><span>2025-02-01</span></li></ul>", A, date(2025, 3, 1), 2, False),
    # 18 full Chinese dates with label
    ("label-cn", "<ul><li><a href='/n1'>关于公开征求意见的公告</a><em>发布时间：2026年11月11日</em></li>"
     "<li><a href='/n2'>关于举行听证会的公告</a><em>发布时间：2026年10月11日</em></li></ul>", A, date(2026, 11, 11), 2, False),
    # 19 slash dates with time
    ("slash-time", "<ul><li><a href='/o1'>全市秋冬季农业生产工作会议召开</a><i>2026/11/13 16:24:00</i></li>"
     "<li><a href='/o2'>市农业农村局开展农资打假专项行动</a><i>2026/11/12 09:09:00</i></li></ul>", A, date(2026, 11, 13), 2, False),
    # 20 dotted dates
    ("dotted", "<ul><li><a href='/p1'>县人民政府关于调整行政区划的公告</a><span>2026.10.28</span></li>"
     "<li><a href='/p2'>县人民政府关于森林防火的通告</a><span>2026.09.02</span></li></ul>", A, date(2026, 10, 28), 2, False),
    # 21 undated list: items counted, no dated item
    ("undated", "<ul class='list'><li><a href='/q1'>关于开展2026年度政务公开自查工作的通知</a></li>"
     "<li><a href='/q2'>关于进一步做好政府网站管理工作的通知</a></li>"
     "<li><a href='/q3'>某某县人民政府办公室关于印发实施方案的通知</a></li></ul>", A, None, 0, False),
    # 22 table with date before title
    ("table-date-first", "<table><tr><td>2026-11-06</td><td><a href='/r1'>某某县人民政府关于划定禁养区的通告</a></td></tr>"
     "<tr><td>2026-08-19</td><td><a href='/r2'>某某县人民政府关于加强河道管理的通告</a></td></tr></table>",
     A, date(2026, 11, 6), 2, False),
    # 23 flat div with date spans before links
    ("flat-dates-first", "<div class='con'><span>2026-11-04</span><a href='/s1'>县长主持召开县政府常务会议</a><br>"
     "<span>2026-10-30</span><a href='/s2'>县政府召开安全生产专题会议</a><br></div>", A, date(2026, 11, 4), 2, False),
    # 24 parentheses full-width
    ("fullwidth-paren", "<ul><li><a href='/t1'>市人大常委会召开第三十次会议</a>（2026-11-14）</li>"
     "<li><a href='/t2'>市政协召开常委会议</a>（2026-11-07）</li></ul>", A, date(2026, 11, 14), 2, False),
    # 25 single-article column page with PubDate meta (机构职能)
    ("pubdate-meta", "<div class='article'><h1>机构职能</h1><p>" + "负责全市水利工作的综合管理，拟订水利发展规划和政策。" * 5 + "</p></div>",
     A, date(2026, 1, 5), 1, False),
    # 26 dates spread over mixed forms on a home page: newest wins
    ("home-mixed", "<div class='tab'><ul><li><a href='/u1'>省政府召开全省安全生产电视电话会议</a><span>11-19</span></li></ul></div>"
     "<div class='tab'><ul><li><a href='/u2'>市政府2026年第8次常务会议召开</a><span>2026-11-17</span></li></ul></div>",
     A, date(2026, 11, 19), 2, False),
    # 27 page generation date in meta 'others' is not an item date
    ("generation-meta", "<ul><li><a href='/v1'>关于开展节能宣传周活动的通知</a><span>2026-06-01</span></li>"
     "<li><a href='/v2'>关于公布2026年权责清单的通知</a><span>2026-05-01</span></li></ul>", A, date(2026, 6, 1), 2, False),
    # 28 tooltips with update times (阿勒泰 style): title attribute dates are ignored, bracket tail read
    ("tooltip", "<ul><li><a href='/w1' title='文章标题：阿勒泰市积极开展春季防洪工作\n作者：\n更新时间：2026/11/19 12:20:00'>"
     "阿勒泰市积极开展春季防洪工作</a>[2026-11-15]</li><li><a href='/w2' title='更新时间：2026/11/19'>"
     "阿勒泰市开展升国旗仪式</a>[2026-11-12]</li></ul>", A, date(2026, 11, 15), 2, False),
    # 29 nested spans in table cells (开普云 style)
    ("table-nested", "<table class='zfxxgk'><tbody><tr><td class='bt'><a href='/x1'><span>关于印发某某县政务公开标准目录的通知</span></a></td>"
     "<td class='rq'><span><font>2026-10-20</font></span></td></tr><tr><td class='bt'><a href='/x2'><span>某某县年度报告</span></a></td>"
     "<td class='rq'><span><font>2026-01-20</font></span></td></tr></tbody></table>", A, date(2026, 10, 20), 2, False),
    # 30 a list in a sidebar of columns must not count as items when the main list is blank
    ("blank-with-sidebar", "<div class='left'><ul><li><a href='/zwgk/gzdt/'>工作动态</a></li><li><a href='/zwgk/tzgg/'>通知公告</a></li>"
     "<li><a href='/zwgk/zcwj/'>政策文件</a></li></ul></div><div class='right'><ul class='list'></ul></div>", A, None, 0, True),
    # 31 year inferred across new year
    ("new-year", "<ul><li><a href='/y1'>元旦假期值班安排的通知</a><span>12-29</span></li>"
     "<li><a href='/y2'>新年第一次常务会议召开</a><span>01-02</span></li></ul>", date(2027, 1, 3), date(2027, 1, 2), 2, False),
    # 32 article list items with p.date (Bootstrap-ish templates)
    ("bootstrap", "<div class='row'><div class='col-md-12 article'><a href='/z1'><h4>全市招商引资推进会召开</h4></a>"
     "<p class='date'>2026-11-03</p></div><div class='col-md-12 article'><a href='/z2'><h4>全市重点项目集中开工</h4></a>"
     "<p class='date'>2026-10-03</p></div></div>", A, date(2026, 11, 3), 2, False),
    # 33 definition lists with time tags
    ("time-tag", "<ol><li><time datetime='2026-11-09'>2026-11-09</time> <a href='/aa1'>区政府召开第一次全体会议</a></li>"
     "<li><time datetime='2026-11-01'>2026-11-01</time> <a href='/aa2'>区政府召开廉政工作会议</a></li></ol>", A, date(2026, 11, 9), 2, False),
    # 34 only stale items, newest two years ago
    ("stale", "<ul><li><a href='/bb1'>关于做好防汛工作的通知</a><span>2024-06-03</span></li>"
     "<li><a href='/bb2'>关于做好抗旱工作的通知</a><span>2024-05-03</span></li></ul>", A, date(2024, 6, 3), 2, False),
    # 35 row with a date and several attachment links
    ("attachments", "<ul><li><a href='/cc1'>关于公布2026年第一批行政许可事项的公告</a> <a href='/cc1.pdf'>附件1</a>"
     " <a href='/cc1.doc'>附件2</a><span>2026-10-10</span></li></ul>", A, date(2026, 10, 10), 1, False),
    # 36 news list with 来源 and date in one line below the title
    ("source-line", "<div class='news'><div class='li'><a href='/dd1'>全省政务公开工作推进会在南昌召开</a>"
     "<div class='info'><span>来源：省政府办公厅</span><span>2026-11-16</span></div></div>"
     "<div class='li'><a href='/dd2'>政务公开第三方评估结果出炉</a><div class='info'><span>来源：省政府办公厅</span>"
     "<span>2026-11-02</span></div></div></div>", A, date(2026, 11, 16), 2, False),
    # 37 blank: 栏目正在建设中
    ("blank-building", "<div class='content'>该栏目正在建设中，敬请期待！</div>", A, None, 0, True),
    # 38 dates with single-digit month and day, Chinese form
    ("cn-single-digit", "<ul><li><a href='/ee1'>市领导调研秋粮收购工作</a><span>2026年9月8日</span></li>"
     "<li><a href='/ee2'>市领导调研城市更新工作</a><span>2026年8月1日</span></li></ul>", A, date(2026, 9, 8), 2, False),
    # 39 header date banner with the weekday in a separate element is still a banner
    ("banner-split", "<ul><li><a href='/ff1'>关于加强校园安全的通知</a><span>2026-03-02</span></li>"
     "<li><a href='/ff2'>关于开学工作的通知</a><span>2026-02-20</span></li></ul>", A, date(2026, 3, 2), 2, False),
    # 40 GBK-era markup: font tags and nbsp
    ("font-nbsp", "<table><tr><td><img src='dot.gif'>&nbsp;<a href='/gg1'><font color='#333'>县政府关于印发防汛应急预案的通知</font></a>"
     "</td><td><font color='#999'>&nbsp;2026-07-15&nbsp;</font></td></tr><tr><td><img src='dot.gif'>&nbsp;<a href='/gg2'>"
     "<font>县政府关于做好秋冬季疫情防控工作的通知</font></a></td><td><font>&nbsp;2026-07-01&nbsp;</font></td></tr></table>",
     A, date(2026, 7, 15), 2, False),
    # 41 pagination numbers and 更多 links do not create items
    ("more-links", "<div class='box'><h3>通知公告<a href='/more'>更多>></a></h3><ul><li><a href='/hh1'>关于开展冬季征兵工作的通告</a>"
     "<span>2026-11-01</span></li></ul></div><div class='pagination'><a href='?p=1'>1</a><a href='?p=2'>2</a><a href='?p=2'>下一页</a></div>",
     A, date(2026, 11, 1), 1, False),
    # 42 compact dates in brackets
    ("compact", "<ul><li><a href='/ii1'>县政府召开防汛工作会议</a>[20261102]</li><li><a href='/ii2'>县政府召开防火工作会议</a>[20261001]</li></ul>",
     A, date(2026, 11, 2), 2, False),
    # 43 policy table with 成文日期 and 发布日期: the entry was published on the later one
    ("two-dates", "<table><tr><td><a href='/jj1'>某某县人民政府关于印发耕地保护办法的通知</a></td><td>2026-09-28</td>"
     "<td>2026-10-09</td></tr><tr><td><a href='/jj2'>某某县人民政府关于印发林长制办法的通知</a></td><td>2026-08-01</td>"
     "<td>2026-08-05</td></tr></table>", A, date(2026, 10, 9), 2, False),
    # 44 a site-wide "updated" stamp in the header is not an item
    ("site-stamp", "<div class='top'><span>网站更新时间：2026-11-20</span></div><ul><li><a href='/kk1'>关于做好秋季防火的通告</a>"
     "<span>2026-06-06</span></li></ul>", A, date(2026, 6, 6), 1, False),
    # 45 badge with month only: year inferred
    ("badge-month", "<ul><li><p class='d'><span>18</span><em>11月</em></p><a href='/ll1'>县领导督导检查森林防火工作</a></li>"
     "<li><p class='d'><span>30</span><em>10月</em></p><a href='/ll2'>县领导调研秋收秋种</a></li></ul>", A, date(2026, 11, 18), 2, False),
    # 46 ISO timestamps
    ("iso", "<ul><li><a href='/mm1'>全县重点项目观摩会召开</a><span>2026-11-11T09:30:00+08:00</span></li></ul>",
     A, date(2026, 11, 11), 1, False),
    # 47 Hanweb JCMS: the list lives in a datastore script as CDATA records
    ("jcms-datastore", "<div id='288'><script type='text/xml'><datastore><nextgroup><![CDATA[<a href='/x'></a>]]></nextgroup>"
     "<recordset><record><![CDATA[<li><a href='/art/2026/11/17/art_1_1.html' title='市水利局召开冬修水利动员会'>"
     "市水利局召开冬修水利动员会</a><span>2026-11-17</span></li>]]></record><record><![CDATA[<li><a "
     "href='/art/2026/11/3/art_1_2.html'>市水利局开展河湖清四乱行动</a><span>2026-11-03</span></li>]]></record>"
     "</recordset></datastore></script></div>", A, date(2026, 11, 17), 2, False),
    # 48 a date written by a tiny script
    ("script-date", "<ul><li><a href='/nn1'>关于开展冬季安全大检查的通知</a><span><script>document.write('2026-11-16'.substr(0))"
     "</script></span></li><li><a href='/nn2'>关于开展消防演练的通知</a><span><script>document.write(\"2026-10-16\")"
     "</script></span></li></ul>", A, date(2026, 11, 16), 2, False),
    # 49 an empty-list template hidden beside an undated list does not make the column blank
    ("hidden-empty", "<div class='empty' style='display: none'>暂无数据</div><ul><li><a href='/oo1'>关于开展第一季度安全检查的通知</a></li>"
     "<li><a href='/oo2'>关于开展第二季度安全检查的通知</a></li></ul>", A, None, 0, False),
    # 50 picture news: the image's alt text is the title
    ("picture-list", "<ul class='pic'><li><a href='/pp1'><img src='/1.jpg' alt='全县秋收秋种工作现场会召开'></a>"
     "<span>2026-11-13</span></li><li><a href='/pp2'><img src='/2.jpg' alt='全县冬季征兵工作动员'></a><span>2026-11-01</span></li></ul>",
     A, date(2026, 11, 13), 2, False),
    # 51 blank column beside a sub-menu of long column names
    ("blank-leftnav", "<div class='leftNav'><ul><li><a href='/a/'>重大行政决策预公开专栏</a></li><li><a href='/b/'>"
     "优化营商环境政策措施专栏</a></li><li><a href='/c/'>乡村振兴战略实施情况专栏</a></li></ul></div>"
     "<div class='rightList'><ul class='list'></ul></div>", A, None, 0, True),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "body", "as_of", "newest", "dated", "blank"), CASES, ids=[c[0] for c in CASES]
)
def test_listing_snippets(name, body, as_of, newest, dated, blank):
    head = "<meta name='PubDate' content='2026-01-05 10:00'>" if name == "pubdate-meta" else ""
    if name == "generation-meta":
        head = "<meta name='others' content='页面生成时间 2026-11-20 11:36:07'>"
    res = extract_listing(page(body, head), url="http://www.example.gov.cn/col/", as_of=as_of)
    assert res.newest_date == newest, res.items
    if dated is not None:
        assert res.dated_count == dated, res.items
    assert res.blank is blank


def test_at_least_forty_snippets():
    assert len(CASES) >= 40


def test_items_carry_absolute_links_and_titles():
    res = extract_listing(page(CASES[0][1]), url="http://www.example.gov.cn/col/index.html", as_of=A)
    assert [(i.title, i.url, i.date) for i in res.items] == [
        ("市政府召开第十二次常务会议", "http://www.example.gov.cn/a1", date(2026, 11, 18)),
        ("全市安全生产工作会议召开", "http://www.example.gov.cn/a2", date(2026, 11, 10)),
    ]


def test_undated_list_counts_items():
    res = extract_listing(page(CASES[20][1]), url="http://x.gov.cn/", as_of=A)
    assert res.item_count == 3 and res.dated_count == 0 and res.undated and not res.blank


def test_gbk_bytes():
    html = page(CASES[0][1]).replace("charset='utf-8'", "charset='gb2312'").encode("gb18030")
    res = extract_listing(html, url="http://x.gov.cn/", as_of=A)
    assert res.newest_date == date(2026, 11, 18)
    assert res.items[0].title == "市政府召开第十二次常务会议"


def test_soft_404_page():
    html = ("<html><head><title>404 页面不存在</title></head><body><h1>抱歉，您访问的页面不存在或已被删除！</h1>"
            "<a href='/'>返回首页</a></body></html>")  # fmt: skip
    assert extract_listing(html, url="http://x.gov.cn/c/", as_of=A).not_found
    assert not extract_listing(page(CASES[0][1]), url="http://x.gov.cn/c/", as_of=A).not_found


def test_looks_not_found():
    from govwatch.extract.listing import looks_not_found

    assert looks_not_found("<html><head><title>404 Not Found</title></head><body>nginx</body></html>")
    assert not looks_not_found(
        "<html><head><title>我要留言</title></head><body><form>留言内容</form></body></html>"
    )


def test_column_list_beside_a_fresh_sidebar():
    own = "".join(
        f"<li><a href='/zwgk/tzgg/2026{m:02d}/t{m}.html'>关于做好第{m}项工作的通知</a><span>2026-{m:02d}-03</span></li>"
        for m in (3, 4, 5)
    )
    side = "".join(
        f"<li><a href='/xwzx/ywdt/202611/t{d}.html'>全县要闻第{d}条</a><span>2026-11-{d:02d}</span></li>"
        for d in (17, 18)
    )
    html = page(
        f"<div class='l'><ul class='list'>{own}</ul></div><div class='r'><h3>最新发布</h3><ul>{side}</ul></div>"
    )
    url = "http://www.example.gov.cn/zwgk/tzgg/index.html"
    assert extract_listing(html, url=url, as_of=A, column=True).newest_date == date(2026, 5, 3)
    assert extract_listing(html, url=url, as_of=A).newest_date == date(
        2026, 11, 18
    )  # a home page: every list
    # no clear own list (both lists link elsewhere): every dated list counts
    other = html.replace("/zwgk/tzgg/", "/other/")
    assert extract_listing(other, url=url, as_of=A, column=True).newest_date == date(2026, 11, 18)
