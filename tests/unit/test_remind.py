"""Reminder rules without a database: which day triggers what, grouping, recipients, quiet hours."""

from __future__ import annotations

from datetime import date, datetime

from govwatch.masking import has_unmasked
from govwatch.rectify.remind import (
    email_recipients,
    item_kind,
    plan_messages,
    sms_not_before,
    sms_recipients,
)
from govwatch.settings import TZ


def test_item_kind_around_a_due_date_across_a_weekend():
    due = date(2026, 11, 23)  # a Monday
    assert item_kind(due, date(2026, 11, 19)) is None
    assert item_kind(due, date(2026, 11, 20)) == "reminder"  # the working day before is the Friday
    assert item_kind(due, date(2026, 11, 23)) == "due"
    assert item_kind(due, date(2026, 11, 24)) == "overdue"


def test_item_kind_before_national_day():
    # Due on Thursday 2026-10-08, the first working day after the holiday: the reminder goes out on
    # Wednesday 2026-09-30, the last working day before it.
    assert item_kind(date(2026, 10, 8), date(2026, 9, 30)) == "reminder"
    assert item_kind(date(2026, 10, 8), date(2026, 10, 7)) is None


def test_sms_quiet_hours():
    assert sms_not_before(datetime(2026, 11, 23, 8, 30, tzinfo=TZ)) == datetime(
        2026, 11, 23, 8, 30, tzinfo=TZ
    )
    assert sms_not_before(datetime(2026, 11, 23, 21, 0, tzinfo=TZ)) == datetime(2026, 11, 24, 8, 0, tzinfo=TZ)
    assert sms_not_before(datetime(2026, 11, 23, 23, 59, tzinfo=TZ)) == datetime(
        2026, 11, 24, 8, 0, tzinfo=TZ
    )
    assert sms_not_before(datetime(2026, 11, 23, 7, 59, tzinfo=TZ)) == datetime(2026, 11, 23, 8, 0, tzinfo=TZ)
    assert sms_not_before(datetime(2026, 11, 23, 20, 59, tzinfo=TZ)) == datetime(
        2026, 11, 23, 20, 59, tzinfo=TZ
    )


CONTACTS = [
    {"name": "张三", "email": "zs@example.cn", "mobile": "13800000000", "role": "primary"},
    {"name": "王五", "email": "ww@example.cn", "mobile": "13800000002", "role": "deputy"},
    {"name": "赵六", "email": None, "mobile": None, "role": "primary"},
]


def test_recipients_primary_first_and_one_sms_number():
    assert [r["email"] for r in email_recipients(CONTACTS)] == ["zs@example.cn", "ww@example.cn"]
    assert sms_recipients(CONTACTS) == [{"name": "张三", "mobile": "13800000000"}]
    # no primary with a mobile: the first mobile listed
    assert sms_recipients(CONTACTS[1:]) == [{"name": "王五", "mobile": "13800000002"}]
    assert sms_recipients([CONTACTS[2]]) == []


def _item(i: int, unit: str, due: str, state: str = "open") -> dict:
    return {
        "id": i, "unit_id": unit, "due_on": due, "found_on": "2026-11-10", "state": state, "check": "column_overdue",
        "title": "栏目不更新", "target": f"网站{i}「工作动态」栏目", "evidence": f"最新信息 2026-10-0{i}，联系 13912345678",
        "evidence_url": None,
    }  # fmt: skip


def test_one_message_per_unit_and_channel_listing_all_items_and_escalation_to_parent():
    as_of = date(2026, 11, 24)
    items = [
        _item(1, "gzsl", "2026-11-17"),  # 5 working days overdue → overdue + escalation
        _item(2, "gzsl", "2026-11-24"),  # due today
        _item(3, "gzsl", "2026-11-25"),  # due tomorrow
        _item(4, "gzsl", "2026-12-10"),  # not yet
        _item(5, "gzsl", "2026-11-17", state="reported"),  # the unit said it is done: no nagging
        _item(6, "xgwjw", "2026-11-21"),  # overdue only 1 working day (11-21 is a Saturday… due counted)
    ]
    units = {"gzsl": {"name": "赣州市水利局", "parent_id": "gzszfb"},
             "xgwjw": {"name": "兴国县卫健委", "parent_id": "gzszfb"},
             "gzszfb": {"name": "赣州市人民政府办公室", "parent_id": None}}  # fmt: skip
    contacts = {"gzsl": CONTACTS[:1], "gzszfb": [{"name": "李明", "email": "lm@example.cn", "mobile": "13900000001",
                                                  "role": "primary"}]}  # fmt: skip
    now = datetime(2026, 11, 24, 22, 0, tzinfo=TZ)
    msgs, missing = plan_messages(items, contacts, units, as_of, now, escalate_after=3, webhook=False)
    keys = sorted(m["dedup_key"] for m in msgs)
    assert keys == [
        "gzsl|overdue|2026-11-24|email", "gzsl|overdue|2026-11-24|sms",
        "gzszfb|escalation|2026-11-24|email", "gzszfb|escalation|2026-11-24|sms",
    ]  # fmt: skip
    assert missing == ["xgwjw"]  # no contacts: reported, not silently dropped
    sms = next(m for m in msgs if m["dedup_key"] == "gzsl|overdue|2026-11-24|sms")
    assert sms["items"] == 3 and sms["meta"]["items"] == [1, 2, 3]
    assert "赣州市水利局" in sms["body_text"] and "3项" in sms["body_text"] and "11月17日" in sms["body_text"]
    assert len(sms["body_text"]) <= 70 and sms["segments"] == 1
    assert sms["not_before"] == datetime(2026, 11, 25, 8, 0, tzinfo=TZ)  # 22:00 → next morning
    mail = next(m for m in msgs if m["dedup_key"] == "gzsl|overdue|2026-11-24|email")
    assert mail["not_before"] == now
    for it in ("网站1", "网站2", "网站3"):
        assert it in mail["body_text"] and it in mail["body_html"]
    assert "网站4" not in mail["body_text"] and "网站5" not in mail["body_text"]
    esc = next(m for m in msgs if m["dedup_key"] == "gzszfb|escalation|2026-11-24|sms")
    assert esc["recipients"] == [{"name": "李明", "mobile": "13900000001"}]
    assert "赣州市水利局" in esc["body_text"] and "1项" in esc["body_text"]
    for m in msgs:  # evidence quoted a third party's mobile: never in a message
        assert "13912345678" not in m["body_text"] and not has_unmasked(m["body_text"])
        assert not has_unmasked(m["body_html"] or "")
        assert "13800000000" not in m["body_text"]  # the recipient's own number is not in the text


def test_webhook_channel_only_when_configured_and_nothing_on_quiet_days():
    items = [_item(1, "gzsl", "2026-11-24")]
    units = {"gzsl": {"name": "赣州市水利局", "parent_id": None}}
    now = datetime(2026, 11, 24, 8, 30, tzinfo=TZ)
    msgs, _ = plan_messages(items, {"gzsl": CONTACTS[:1]}, units, date(2026, 11, 24), now,
                            escalate_after=3, webhook=True)  # fmt: skip
    assert sorted(m["channel"] for m in msgs) == ["email", "sms", "webhook"]
    msgs, _ = plan_messages(items, {"gzsl": CONTACTS[:1]}, units, date(2026, 11, 20), now,
                            escalate_after=3, webhook=True)  # fmt: skip
    assert msgs == []  # 11-20 is neither the working day before (11-23) nor due nor overdue
