"""Outbox helpers without a database: backoff, quiet hours, SMTP URL shapes, the e-mail message."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from govwatch.errors import InputError
from govwatch.notify import email as mail
from govwatch.notify.outbox import backoff, in_quiet_hours
from govwatch.settings import TZ


def test_backoff_doubles_and_is_capped():
    assert [backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert backoff(30) == timedelta(hours=6)


def test_quiet_hours_are_21_to_08_shanghai_time():
    assert in_quiet_hours(datetime(2026, 11, 23, 21, 0, tzinfo=TZ))
    assert in_quiet_hours(datetime(2026, 11, 23, 7, 59, tzinfo=TZ))
    assert not in_quiet_hours(datetime(2026, 11, 23, 8, 0, tzinfo=TZ))
    # 13:00 UTC is 21:00 in Shanghai
    from datetime import UTC

    assert in_quiet_hours(datetime(2026, 11, 23, 13, 0, tzinfo=UTC))


def test_smtp_url_shapes():
    c = mail.SmtpConfig.from_url("smtp://user%40x:p%3Ass@mail.example.cn:587?starttls=1")
    assert (c.host, c.port, c.username, c.password, c.starttls, c.ssl) == (
        "mail.example.cn", 587, "user@x", "p:ss", True, False)  # fmt: skip
    c = mail.SmtpConfig.from_url("smtp://127.0.0.1:2525")
    assert (c.port, c.username, c.starttls) == (2525, None, False)
    assert mail.SmtpConfig.from_url("smtps://h").port == 465
    with pytest.raises(InputError, match="smtp://"):
        mail.SmtpConfig.from_url("http://h:25")
    with pytest.raises(InputError, match="host"):
        mail.SmtpConfig.from_url("smtp://:25")


def test_message_has_text_and_html_and_a_stable_message_id():
    msg = mail.build_message(
        sender="govwatch@gov.example.cn",
        recipients=[{"name": "张三", "email": "zs@example.cn"}, {"name": "", "email": "ww@example.cn"}],
        subject="【整改提醒】赣州市水利局：2项整改事项已逾期未整改", text="正文", html="<p>正文</p>",
        dedup_key="gzsl|overdue|2026-11-24|email", date=datetime(2026, 11, 24, 8, 30, tzinfo=TZ),
    )  # fmt: skip
    assert msg.is_multipart()
    types = [p.get_content_type() for p in msg.iter_parts()]
    assert types == ["text/plain", "text/html"]
    again = mail.message_id("gzsl|overdue|2026-11-24|email", "govwatch@gov.example.cn")
    assert msg["Message-ID"] == again and again.endswith("@gov.example.cn>")
    assert mail.message_id("gzsl|overdue|2026-11-25|email", "govwatch@gov.example.cn") != again
    assert "zs@example.cn" in msg["To"] and "ww@example.cn" in msg["To"]
