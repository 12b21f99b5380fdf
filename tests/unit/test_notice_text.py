"""Notice text and layout helpers that need no database: 合格率, the seeds' sentence, escaping, Word blocks."""

from __future__ import annotations

import io
import warnings
import zipfile
from datetime import date
from pathlib import Path

import pytest

from govwatch.notices import charts
from govwatch.notices.config import load_notice_text
from govwatch.notices.docx import _column_widths, clean, docx_text, parse_blocks, write_docx
from govwatch.notices.render import md_escape
from govwatch.notices.text import (
    Totals,
    document_date,
    inspection_sentence,
    issue_number,
    media_clause,
    month_bounds,
    pass_rate,
    quoted,
    shift_month,
)
from govwatch.workdays import is_workday

PHRASES = {"media_no_interaction": "缺少有效互动渠道", "media_stale": "未及时更新", "serious_error": "存在严重表述错误"}


@pytest.mark.parametrize(
    ("passed", "checked", "want"),
    [(54, 58, "93.1"), (310, 316, "98.1"), (1, 16, "6.3"), (1, 8, "12.5"), (2, 3, "66.7"), (58, 58, "100.0"),
     (0, 5, "0.0"), (0, 0, None)],
)  # fmt: skip
def test_pass_rate_rounds_half_up(passed: int, checked: int, want: str | None) -> None:
    assert pass_rate(passed, checked) == want


def test_sentence_of_the_seed() -> None:
    media = media_clause([{"media_no_interaction"}] * 6, PHRASES)
    got = inspection_sentence(Totals(58, 4, 54), Totals(316, 6, 310), media)
    assert got == (
        "本次共检查政府网站58个，其中，4个政府网站存在单项否决问题，检查合格率为93.1%；"
        "检查政务新媒体316个，其中，6个政务新媒体缺少有效互动渠道，检查合格率为98.1%。"
    )


def test_sentence_without_vetoes_and_with_low_scores() -> None:
    got = inspection_sentence(Totals(10, 0, 9), Totals(0, 0, 0), "存在单项否决问题")
    assert got == "本次共检查政府网站10个，未发现存在单项否决问题的政府网站，1个政府网站得分低于60分，检查合格率为90.0%。"
    assert inspection_sentence(Totals(0, 0, 0), Totals(0, 0, 0), "") == "本月尚无政府网站和政务新媒体检查结果。"


def test_media_clause_names_the_shared_problem_or_falls_back() -> None:
    assert media_clause([{"media_stale", "media_no_interaction"}, {"media_no_interaction"}], PHRASES) == "缺少有效互动渠道"
    mixed = [{"media_no_interaction"}, {"media_no_interaction"}, {"media_stale"}]
    assert media_clause(mixed, PHRASES) == "存在单项否决问题（其中2个缺少有效互动渠道）"
    assert media_clause([{"media_stale"}, {"serious_error"}], PHRASES) == "存在单项否决问题"
    assert media_clause([], PHRASES) == "存在单项否决问题"


def test_dates_and_issue_numbers() -> None:
    assert month_bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert shift_month("2026-01", -1) == "2025-12" and shift_month("2025-12", 1) == "2026-01"
    assert issue_number("2023-08", {}) == 8
    assert issue_number("2024-02", {"issue": {"first_period": "2023-08", "first_number": 1}}) == 7
    # 2026-10-05 falls in the National Day holiday: the document is dated the first working day after it.
    got = document_date("2026-09", {"issue_day": 5})
    assert got > date(2026, 10, 5) and is_workday(got)
    assert not any(is_workday(date(2026, 10, d)) for d in range(5, got.day))
    assert document_date("2026-08", {"issue_day": 5}) == date(2026, 9, 7)  # a Saturday moves to Monday
    assert quoted(["甲", "乙"]) == "“甲”和“乙”" and quoted(["甲", "乙", "丙"]) == "“甲”“乙”“丙”"


def test_markdown_escaping() -> None:
    assert md_escape("<script>alert(1)</script>") == "\\<script\\>alert\\(1\\)\\</script\\>"
    assert md_escape("[点我](http://x)") == "\\[点我\\]\\(http://x\\)"
    assert md_escape("a|b*c_d`e") == "a\\|b\\*c\\_d\\`e"
    assert md_escape("&lt;") == "&amp;lt;"
    assert md_escape("# 标题\n- 列表") == "\\# 标题 - 列表"
    assert md_escape("1. 第一") == "1\\. 第一"
    assert md_escape(None) == ""


def test_notice_text_loads_and_folds_chinese_lines() -> None:
    cfg = load_notice_text()
    assert " " not in cfg["bulletin"]["intro"]
    assert cfg["problem_types"][0]["checks"]
    assert all("lead" in r and "text" in r for r in cfg["requirements"])


def test_blocks_and_cleaning() -> None:
    blocks = list(parse_blocks("title: 标题\n\np: 正文 ¦ 其余\nendtable:\n"))
    assert [(b.kind, b.args) for b in blocks] == [("title", ["标题"]), ("p", ["正文", "其余"]), ("endtable", [])]
    assert clean("a\nb\tc¦d\x07") == "a b c|d"
    with pytest.raises(ValueError, match="line 1"):
        list(parse_blocks("no block here"))


def test_column_widths_fill_the_text_width() -> None:
    rows = [["序号", "网站/政务新媒体名称", "主要存在问题", "主办单位", "发现日期", "整改日期", "备注"],
            ["1", "赣州市国有资产监督管理委员会", "未提供办事服务渠道", "赣州市国有资产监督管理委员会", "2023/8/2",
             "2023/8/4", ""]]  # fmt: skip
    widths = _column_widths(rows, 12.0)
    assert abs(sum(widths) - 156) < 0.5
    assert widths[0] < widths[1] and widths[4] >= 20  # a date fits on one line


def test_docx_is_byte_stable_and_readable(tmp_path: Path) -> None:
    from datetime import datetime

    blocks = ("title: 关于检查情况的通报\naddressee: 各单位：\np: 本次共检查政府网站58个。\n"
              "table: 序号 ¦ 名称\ntr: 1 ¦ <script>x</script>\nendtable:\nsignature: 办公室 ¦ 2026年9月7日\n")  # fmt: skip
    day = datetime(2026, 9, 7)
    a = write_docx(blocks, tmp_path / "a.docx", images={}, title="t", author="办公室", day=day)
    b = write_docx(blocks, tmp_path / "b.docx", images={}, title="t", author="办公室", day=day)
    assert a.read_bytes() == b.read_bytes()
    text = docx_text(a)
    assert "本次共检查政府网站58个。" in text and "1\t<script>x</script>" in text
    with zipfile.ZipFile(io.BytesIO(a.read_bytes())) as z:
        doc = z.read("word/document.xml").decode()
        settings = z.read("word/settings.xml").decode()
    assert 'w:eastAsia="方正小标宋简体"' in doc and 'w:eastAsia="仿宋_GB2312"' in doc
    assert 'w:lineRule="exact" w:line="579"' in doc  # 28.95 pt
    assert 'w:top="2098"' in doc and 'w:left="1587"' in doc  # 37 mm, 28 mm in twips
    assert "evenAndOddHeaders" in settings


def test_charts_draw_chinese_without_missing_glyphs() -> None:
    if charts.cjk_font() is None:
        pytest.skip("no CJK font on this machine (Debian: apt-get install fonts-noto-cjk)")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns “Glyph … missing from font(s)” when it draws boxes
        png = charts.problems_by_type([("栏目更新", 5), ("错敏字", 2)], "发现问题分类统计")
        line = charts.pass_rate_by_month(
            [{"label": "2026年7月", "site": 100.0, "account": 99.0}, {"label": "2026年8月", "site": 93.1,
              "account": 98.1}], "检查合格率")  # fmt: skip
    assert png and png[:8] == b"\x89PNG\r\n\x1a\n" and line
    assert charts.problems_by_type([("栏目更新", 5), ("错敏字", 2)], "发现问题分类统计") == png  # deterministic
