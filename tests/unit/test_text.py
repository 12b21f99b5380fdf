"""visible_text: what a visitor reads, on synthetic markup and on real saved government pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from govwatch.extract.text import parse_page, visible_text

REALPAGES = Path(__file__).resolve().parents[2].parent / "shared" / "realpages"
PAGES = sorted(REALPAGES.glob("*.html"))


def test_drops_non_content_and_hidden_elements():
    html = """<html><head><title>标题不显示</title><style>.gone{display:none} #far{position:absolute;left:-9999px}
    </style><script>var secret = "脚本文字";</script></head><body>
    <p>第一段</p><!-- 注释文字 --><noscript>无脚本文字</noscript><template><p>模板文字</p></template>
    <div class="gone">类规则隐藏</div><div id="far">移出屏幕</div><div style="display:none">行内隐藏</div>
    <div style="visibility:hidden">不可见<span style="visibility:visible">又可见</span></div>
    <div style="font-size:0">零字号<span style="font-size:14px">恢复字号</span></div>
    <div hidden>属性隐藏</div><p>最后一段</p></body></html>"""
    text = visible_text(html)
    for gone in (
        "标题不显示",
        "脚本文字",
        "注释文字",
        "无脚本文字",
        "模板文字",
        "类规则隐藏",
        "移出屏幕",
        "行内隐藏",
        "不可见",
        "零字号",
        "属性隐藏",
    ):
        assert gone not in text, gone
    for shown in ("第一段", "又可见", "恢复字号", "最后一段"):
        assert shown in text, shown


def test_block_boundaries_do_not_glue_words_but_inline_markup_does():
    text = visible_text("<body><div>中华人民</div><div>共和国</div><p>秸<b>杆</b>禁烧</p><td>a</td></body>")
    assert "中华人民共和国" not in text
    assert "中华人民\n共和国" in text
    assert "秸杆禁烧" in text


def test_source_line_breaks_between_cjk_vanish():
    assert "中华人民共和国" in visible_text("<p>中华人民\n   共和国</p>")
    assert visible_text("<p>hello\nworld</p>") == "hello world"


def test_bytes_in_gbk_are_decoded():
    html = '<html><head><meta charset="gbk"></head><body><p>政府信息公开</p></body></html>'.encode("gbk")
    assert visible_text(html) == "政府信息公开"


def test_tab_panels_are_kept():
    html = """<body><div class="tab"><div class="con" >甲栏目</div><div class="con" style="display:none">乙栏目</div>
    </div></body>"""
    text = visible_text(html)
    assert "甲栏目" in text and "乙栏目" in text


def test_colour_like_background_is_hidden():
    html = '<body style="background:#fff"><p style="color:#ffffff">白底白字</p><p>正文</p></body>'
    assert visible_text(html) == "正文"


def test_selector_engine_matches_xpath_on_real_and_synthetic_pages():
    import re

    import cssselect
    from lxml import etree

    from govwatch.extract import text as T

    def by_xpath(root):
        out, order = set(), 0
        for style in root.iter("style"):
            css = T._COMMENT_RE.sub("", "".join(style.itertext())).replace("<!--", " ").replace("-->", " ")
            for prelude, body in T._blocks(css):
                if not T.parse_declarations(body):
                    continue
                for sel in filter(None, (x.strip() for x in prelude.split(","))):
                    order += 1
                    if re.search(r":(hover|focus|active)", sel):
                        continue
                    try:
                        parsed = cssselect.parse(re.sub(r":(visited|link)\b", "", sel))[0]
                        xp = etree.XPath(cssselect.HTMLTranslator().selector_to_xpath(parsed))
                    except Exception:  # noqa: BLE001 - selectors neither side supports
                        continue
                    out |= {(order, el) for el in xp(root) if isinstance(el.tag, str)}
        return out

    synthetic = """<style>div > ul li.b + li a{display:none} li ~ li.c{visibility:hidden} #x .a p{color:red}
      ul li:first-child{font-size:0} a[href^=http]{opacity:0} .a.b{width:0} * .c{height:0}</style>
      <div id="x"><div class="a b"><ul><li class="b"><a href="http://e">1</a></li><li><a>2</a></li>
      <li class="c"><p>3</p></li></ul></div></div>"""
    pages = [p.read_bytes() for p in PAGES] + [synthetic]
    for html in pages:
        root = parse_page(html).root
        rules, _ = T._stylesheet_rules(root)
        assert {(r.order, el) for r, el in T._matched(root, rules)} == by_xpath(root)


def test_page_object_is_reused():
    page = parse_page("<body><p>一次解析</p></body>")
    assert visible_text(page) == "一次解析"


@pytest.mark.skipif(not PAGES, reason="real pages not available")
@pytest.mark.parametrize("path", PAGES, ids=[p.name for p in PAGES])
def test_real_pages(path: Path):
    text = visible_text(path.read_bytes())
    assert len(text) > 1000
    assert "<script" not in text and "function(" not in text and "{" not in text
    # Every line is trimmed and non-empty.
    assert all(line and line == line.strip() for line in text.split("\n"))


def test_real_page_content_and_tabs():
    path = REALPAGES / "03_bjchy-home.html"
    if not path.exists():
        pytest.skip("real pages not available")
    text = visible_text(path.read_bytes())
    assert "朝阳要闻" in text
    # Second tab panel of the news box (display:none until clicked) is still content.
    assert "区外办召开党风廉政建设专题会" in text
    # Commented-out markup is not.
    assert "关于刘克文等19名同志任前公示的通告" not in text
