"""Date recognition on text as government pages print it."""

from __future__ import annotations

from datetime import date

import pytest

from govwatch.extract.dates import composite_date, edge_date, infer_year, item_date, parse_date, week_before

AS_OF = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-18", date(2026, 11, 18)),
        ("[2026-11-18]", date(2026, 11, 18)),
        ("2026/11/18", date(2026, 11, 18)),
        ("2026.11.18", date(2026, 11, 18)),
        ("2026年11月18日", date(2026, 11, 18)),
        ("2026 年 11 月 18 日", date(2026, 11, 18)),
        ("（2026-11-18）", date(2026, 11, 18)),
        ("【2026-11-18】", date(2026, 11, 18)),
        ("2026-1-8", date(2026, 1, 8)),
        ("11-18", date(2026, 11, 18)),
        ("[11-18]", date(2026, 11, 18)),
        ("11/18", date(2026, 11, 18)),
        ("11月18日", date(2026, 11, 18)),
        ("12-25", date(2025, 12, 25)),  # after the as-of day in this year: last year
        ("发布时间：2026-11-18 09:30", date(2026, 11, 18)),
        ("发布日期：2026年11月18日", date(2026, 11, 18)),
        ("更新时间：2018/3/22 12:20:00", date(2018, 3, 22)),
        ("日期:2026-11-18", date(2026, 11, 18)),
        ("2026-11-18 10:23:45", date(2026, 11, 18)),
        ("· 2026-11-18", date(2026, 11, 18)),
        ("[20261118]", date(2026, 11, 18)),
        ("今天是2026年11月18日 星期三", None),
        ("2026年11月18日 星期三", None),
        ("今日：2026-11-18", None),
        ("关于2026年11月18日停电的通知", None),
        ("2026-11-18 至 2026-11-20", None),
        ("赣ICP备05004180号-1", None),
        ("Copyright © 2003-2026 赣州市人民政府 版权所有", None),
        ("网站标识码：3607000012", None),
        ("2026-13-01", None),
        ("2026-02-30", None),
        ("0797-8888888", None),
        ("V3.7.2", None),
        ("12:30", None),
        ("第2026-11号", None),
    ],
)
def test_item_date(text, expected):
    m = item_date(text, AS_OF)
    assert (m.value if m else None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("市政府召开常务会议 [2026-11-18]", date(2026, 11, 18)),
        ("市政府召开常务会议(11-18)", date(2026, 11, 18)),
        ("市政府召开常务会议 2026-11-18", date(2026, 11, 18)),
        ("[2026-11-18] 市政府召开常务会议", date(2026, 11, 18)),
        ("2026-11-18 市政府召开常务会议", date(2026, 11, 18)),
        ("本市延长5天供暖 采暖延期至2018年3月20日", None),
        ("北京劳动就业报2018年3月9日第16期b8", None),
        ("寒潮蓝色预警(2018年2月16日)", None),  # a date in 年月日 form is part of the title
        ("关于印发2026-2030年规划的通知", None),
    ],
)
def test_edge_date(text, expected):
    m = edge_date(text, AS_OF)
    assert (m.value if m else None) == expected


def test_composite_badges():
    assert composite_date(["18", "2026-11"], AS_OF) == date(2026, 11, 18)
    assert composite_date(["2026.11", "18"], AS_OF) == date(2026, 11, 18)
    assert composite_date(["11-18", "2026"], AS_OF) == date(2026, 11, 18)
    assert composite_date(["18日", "2026年11月"], AS_OF) == date(2026, 11, 18)
    assert composite_date(["星期三", "2026-11"], AS_OF) is None
    assert composite_date(["市政府", "2026-11"], AS_OF) is None


def test_infer_year_around_new_year():
    assert infer_year(12, 30, date(2027, 1, 3)) == date(2026, 12, 30)
    assert infer_year(1, 2, date(2027, 1, 3)) == date(2027, 1, 2)
    assert infer_year(2, 29, date(2026, 3, 1)) == date(2024, 2, 29)


def test_parse_date_feed_forms():
    assert parse_date("Wed, 18 Nov 2026 08:00:00 +0800") == date(2026, 11, 18)
    # 23:30 UTC is the next morning in Beijing: dates are Asia/Shanghai dates
    assert parse_date("Wed, 18 Nov 2026 23:30:00 GMT") == date(2026, 11, 19)
    assert parse_date("2026-11-18T20:00:00Z") == date(2026, 11, 19)
    assert parse_date("2026-11-18T20:00:00+08:00") == date(2026, 11, 18)
    assert parse_date("2026-11-18 10:00:00") == date(2026, 11, 18)
    assert parse_date("2026年11月18日") == date(2026, 11, 18)
    assert parse_date("not a date") is None


def test_week_before():
    assert week_before(date(2026, 11, 23)) == (date(2026, 11, 16), date(2026, 11, 22))  # a Monday
    assert week_before(date(2026, 11, 22)) == (date(2026, 11, 9), date(2026, 11, 15))  # a Sunday


def test_more_forms():
    assert item_date("2026-11-18T10:00:00+08:00", AS_OF).value == date(2026, 11, 18)
    assert item_date("网站更新时间：2026-11-20", AS_OF) is None
    assert item_date("页面生成时间 2026-11-20 11:36:07", AS_OF) is None
    assert item_date("留言时间：2026年11月17日\u3000状态：办理中", AS_OF).value == date(2026, 11, 17)
    assert item_date("来源：县政府办 发布时间：2026-11-18", AS_OF).value == date(2026, 11, 18)
    assert item_date("2026-11-18 市政府常务会议", AS_OF) is None
    assert composite_date(["18", "11月"], AS_OF) == date(2026, 11, 18)


def test_dates_among_labelled_fields():
    assert item_date("2026-11-18 来源：县政府办 浏览次数：35", AS_OF).value == date(2026, 11, 18)
    assert item_date("2026-11-18 09:30 来源：县政府办", AS_OF).value == date(2026, 11, 18)
    assert item_date("2026年11月18日 09时30分", AS_OF).value == date(2026, 11, 18)
    assert item_date("2026-11-18 县政府办", AS_OF) is None
