"""Reminders delivered end to end: real PostgreSQL, a real SMTP server (aiosmtpd) and a real loopback HTTP
SMS gateway / robot endpoint. Nothing leaves 127.0.0.1."""

from __future__ import annotations

import json
import socket
import threading
import time
from datetime import date, datetime, timedelta
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from govwatch.cli.main import main
from govwatch.findings import make
from govwatch.masking import has_unmasked
from govwatch.notify.outbox import flush
from govwatch.rectify.remind import run_reminders
from govwatch.registry.load import load_registry
from govwatch.registry.store import import_registry
from govwatch.rules import load_rules
from govwatch.settings import TZ, reset_settings_cache
from govwatch.store.db import Store
from govwatch.store.findings import Scope, record_findings
from govwatch.workdays import add_workdays

FIX = Path(__file__).resolve().parent.parent / "fixtures"
D0 = date(2026, 11, 16)
AS_OF = add_workdays(D0, 6)  # six working days after the inspection: 2026-11-24, one day overdue
AT = datetime.combine(AS_OF, datetime.min.time(), tzinfo=TZ).replace(hour=8, minute=30)
ID_NUMBER = "360702199003078213"  # checksum-valid, as leaked on a page
THIRD_PARTY = "13912345678"

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Sink:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, port: int | None = None):
        self.port = port or _free_port()
        self.sink = _Sink()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def mails(self) -> list:
        return [
            (e.rcpt_tos, message_from_bytes(e.content, policy=policy.default)) for e in self.sink.messages
        ]


class HttpSink:
    """A loopback HTTP endpoint that records JSON posts; ``status`` and ``delay`` are adjustable."""

    def __init__(self) -> None:
        self.posts: list[dict] = []
        self.status = 200
        self.delay = 0.0
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                time.sleep(sink.delay)
                sink.posts.append({"path": self.path, "json": json.loads(body or b"null"),
                                   "content_type": self.headers.get("Content-Type")})  # fmt: skip
                self.send_response(sink.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"result": "queued"}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> HttpSink:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _configure(monkeypatch, **env: str | None) -> None:
    for key, value in env.items():
        name = f"GOVWATCH_{key.upper()}"
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    reset_settings_cache()


@pytest.fixture
def inspected(store: Store) -> Store:
    """Registry imported and an inspection on D0 that found a deduct and a veto problem (and a warning)."""
    import_registry(store, load_registry(FIX / "registry_small.yaml"))
    rules = load_rules()
    findings = [
        make(rules, "column_overdue", "column", "3607000012/gzdt", "最新信息 2026-10-01，超过 14 天未更新",
             site_id="3607000012", unit_id="gzsl"),
        make(rules, "privacy_leak", "site", "3607000012",
             f"公示名单含身份证号 {ID_NUMBER} 及联系电话 {THIRD_PARTY}", site_id="3607000012", unit_id="gzsl",
             evidence_key="https://slj.ganzhou.gov.cn/art/1.html"),
        make(rules, "homepage_stale", "site", "3607000001", "首页最新信息 2026-10-20",
             site_id="3607000001", unit_id="gzszfb"),
        make(rules, "column_due_soon", "column", "3607000012/tzgg", "距更新期限 2 天",
             site_id="3607000012", unit_id="gzsl"),
    ]  # fmt: skip
    scope = Scope(checks=frozenset(f.check for f in findings))
    record_findings(store, run_kind="inspect", as_of=D0, scope=scope, findings=findings)
    return store


def _assert_clean(text: str) -> None:
    assert ID_NUMBER not in text and THIRD_PARTY not in text
    assert not has_unmasked(text), text


def _mail_texts(msg) -> tuple[str, str]:
    plain = msg.get_body(preferencelist=("plain",)).get_content()
    html = msg.get_body(preferencelist=("html",)).get_content()
    return plain, html


def test_reminder_run_six_working_days_later_delivers_mail_and_sms_once(inspected, monkeypatch):
    store = inspected
    with SmtpServer() as smtp, HttpSink() as gateway:
        _configure(monkeypatch, smtp_url=f"smtp://127.0.0.1:{smtp.port}", sms_url=f"{gateway.url}/sms",
                   mail_from="zwgk@gov.example.cn")  # fmt: skip
        res = run_reminders(AS_OF, now=AT, store=store)
        assert res["queued"] == 4 and res["existing"] == 0  # 2 units × (email, sms); no escalation yet
        out = flush(now=AT + timedelta(minutes=1), store=store)
        assert (out["sent"], out["retry"], out["failed"], out["waiting"]) == (4, 0, 0, 0)

        # Mail: one per unit, to its contacts, text and HTML, naming the unit and its items.
        mails = {tuple(sorted(r)): m for r, m in smtp.mails}
        assert set(mails) == {("ww@example.cn", "zs@example.cn"), ("liming@example.cn",)}
        gzsl = mails[("ww@example.cn", "zs@example.cn")]
        assert "赣州市水利局" in gzsl["Subject"] and "2项" in gzsl["Subject"]
        plain, html = _mail_texts(gzsl)
        assert "赣州市水利局网站「工作动态」栏目" in plain and "2026-11-23" in plain and "<table" in html
        assert gzsl["From"] == "zwgk@gov.example.cn" and gzsl["Message-ID"]
        # SMS: one per unit to its primary contact's own mobile, with the outbox id as idempotency key.
        by_mobile = {p["json"]["mobile"]: p for p in gateway.posts}
        assert set(by_mobile) == {"13800000000", "13900000001"} and len(gateway.posts) == 2
        ids = {
            r["unit_id"]: str(r["id"])
            for r in store.query("SELECT id, unit_id FROM outbox WHERE channel = 'sms'")
        }
        assert by_mobile["13800000000"]["json"]["id"] == ids["gzsl"]
        assert by_mobile["13800000000"]["content_type"].startswith("application/json")
        text = by_mobile["13800000000"]["json"]["text"]
        assert "赣州市水利局" in text and "2项" in text and "11月23日" in text and len(text) <= 70
        # No ID number, no third-party mobile anywhere; the recipient's own number is not in the text.
        for _, m in smtp.mails:
            for part in _mail_texts(m):
                _assert_clean(part)
            _assert_clean(str(m["Subject"]))
        for p in gateway.posts:
            _assert_clean(p["json"]["text"])
            assert p["json"]["mobile"] not in p["json"]["text"]
        rows = store.query("SELECT status, attempts, provider_answer, sent_at FROM outbox")
        assert all(
            r["status"] == "sent" and r["attempts"] == 1 and r["provider_answer"] and r["sent_at"]
            for r in rows
        )
        assert store.query("SELECT count(*) AS n FROM outbox_attempts WHERE ok")[0]["n"] == 4

        # The same day again: nothing queued, nothing delivered.
        again = run_reminders(AS_OF, now=AT + timedelta(hours=2), store=store)
        assert again["queued"] == 0 and again["existing"] == 4
        assert flush(now=AT + timedelta(hours=2), store=store)["sent"] == 0
        assert len(smtp.mails) == 2 and len(gateway.posts) == 2


def test_smtp_down_messages_wait_and_are_delivered_exactly_once_later(inspected, monkeypatch):
    store = inspected
    port = _free_port()  # nothing listens there yet
    with HttpSink() as gateway:
        _configure(monkeypatch, smtp_url=f"smtp://127.0.0.1:{port}", sms_url=f"{gateway.url}/sms")
        run_reminders(AS_OF, now=AT, store=store)
        first = flush(now=AT, store=store)
        assert (first["sent"], first["retry"]) == (2, 2)  # the SMS went, the mails wait
        waiting = store.query(
            "SELECT status, attempts, last_error, not_before FROM outbox WHERE channel = 'email'"
        )
        assert all(r["status"] == "pending" and r["attempts"] == 1 for r in waiting)
        assert all("Connection" in r["last_error"] or "refused" in r["last_error"].lower() for r in waiting)
        assert all(r["not_before"] == AT + timedelta(minutes=1) for r in waiting)  # backoff
        assert flush(now=AT + timedelta(seconds=30), store=store)["sent"] == 0  # not yet due again
        with SmtpServer(port) as smtp:
            later = flush(now=AT + timedelta(minutes=5), store=store)
            assert later["sent"] == 2 and later["waiting"] == 0
            assert flush(now=AT + timedelta(minutes=10), store=store)["sent"] == 0
            assert len(smtp.mails) == 2
        assert len(gateway.posts) == 2
    attempts = store.query(
        "SELECT o.channel, a.ok FROM outbox_attempts a JOIN outbox o ON o.id = a.outbox_id ORDER BY a.id"
    )
    assert sorted((a["channel"], a["ok"]) for a in attempts) == [
        ("email", False), ("email", False), ("email", True), ("email", True), ("sms", True), ("sms", True)]  # fmt: skip


def test_unconfigured_channels_hold_messages_until_configured(inspected, monkeypatch, capsys):
    store = inspected
    _configure(monkeypatch, smtp_url=None, sms_url=None)
    run_reminders(AS_OF, now=AT, store=store)
    assert main(["notify", "flush"]) == 0
    said = capsys.readouterr().out
    assert "GOVWATCH_SMTP_URL" in said and "GOVWATCH_SMS_URL" in said
    assert {r["status"] for r in store.query("SELECT status FROM outbox")} == {"held"}
    with SmtpServer() as smtp, HttpSink() as gateway:
        _configure(monkeypatch, smtp_url=f"smtp://127.0.0.1:{smtp.port}", sms_url=f"{gateway.url}/sms")
        res = flush(now=AT + timedelta(hours=1), store=store)
        assert res["sent"] == 4 and res["held"] == {}
        assert len(smtp.mails) == 2 and len(gateway.posts) == 2


def test_sms_in_quiet_hours_waits_for_the_morning(inspected, monkeypatch):
    store = inspected
    evening = AT.replace(hour=22)
    with SmtpServer() as smtp, HttpSink() as gateway:
        _configure(monkeypatch, smtp_url=f"smtp://127.0.0.1:{smtp.port}", sms_url=f"{gateway.url}/sms")
        run_reminders(AS_OF, now=evening, store=store)
        nb = {r["not_before"] for r in store.query("SELECT not_before FROM outbox WHERE channel = 'sms'")}
        assert nb == {
            datetime.combine(AS_OF + timedelta(days=1), datetime.min.time(), tzinfo=TZ).replace(hour=8)
        }
        res = flush(now=evening + timedelta(minutes=5), store=store)
        assert res["sent"] == 2 and len(gateway.posts) == 0  # mail goes at night, SMS does not
        assert flush(now=evening + timedelta(hours=3), store=store)["sent"] == 0  # 01:05
        assert flush(now=evening + timedelta(hours=10, minutes=1), store=store)["sent"] == 2  # 08:01
        assert len(gateway.posts) == 2 and len(smtp.mails) == 2


def test_gateway_errors_are_retried_with_backoff_and_recorded(inspected, monkeypatch):
    store = inspected
    with HttpSink() as gateway:
        _configure(monkeypatch, smtp_url=None, sms_url=f"{gateway.url}/sms")
        gateway.status = 503
        run_reminders(AS_OF, now=AT, store=store)
        assert flush(now=AT, store=store)["retry"] == 2
        assert flush(now=AT + timedelta(minutes=1), store=store)["retry"] == 2  # second attempt, 2 min next
        rows = store.query(
            "SELECT attempts, not_before, last_error, provider_answer FROM outbox WHERE channel = 'sms'"
        )
        assert all(r["attempts"] == 2 and r["not_before"] == AT + timedelta(minutes=3) for r in rows)
        assert all("503" in r["last_error"] and "503" in r["provider_answer"] for r in rows)
        gateway.status = 200
        assert flush(now=AT + timedelta(minutes=3), store=store)["sent"] == 2
        assert [p["json"]["mobile"] for p in gateway.posts].count(
            "13800000000"
        ) == 3  # 2 refused + 1 delivered


def test_two_concurrent_flushes_never_send_a_message_twice(inspected, monkeypatch, db_url):
    store = inspected
    with HttpSink() as gateway:
        _configure(monkeypatch, smtp_url=None, sms_url=f"{gateway.url}/sms")
        # Escalation day: more messages (the parent gets its own and the escalation about gzsl).
        day = add_workdays(D0, 8)
        run_reminders(day, now=AT, store=store)
        n_sms = store.query("SELECT count(*) AS n FROM outbox WHERE channel = 'sms'")[0]["n"]
        assert n_sms == 3
        gateway.delay = 0.3
        results: list[dict] = []

        def one() -> None:
            st = Store(db_url)
            try:
                results.append(flush(now=AT + timedelta(days=3), store=st))
            finally:
                st.close()

        threads = [threading.Thread(target=one) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sum(r["sent"] for r in results) == n_sms
        assert len(gateway.posts) == n_sms  # each SMS exactly once
        assert len({p["json"]["id"] for p in gateway.posts}) == n_sms


def test_escalation_to_the_parent_after_three_working_days_overdue(inspected, monkeypatch):
    store = inspected
    _configure(monkeypatch, smtp_url=None, sms_url=None)
    due = add_workdays(D0, 5)
    assert run_reminders(add_workdays(due, 2), now=AT, store=store)["messages"][0]["kind"] == "overdue"
    assert not any(
        m["kind"] == "escalation" for m in run_reminders(add_workdays(due, 2), store=store)["messages"]
    )
    res = run_reminders(add_workdays(due, 3), store=store)
    esc = [m for m in res["messages"] if m["kind"] == "escalation"]
    assert {(m["unit_id"], m["channel"]) for m in esc} == {("gzszfb", "email"), ("gzszfb", "sms")}
    sms = next(m for m in esc if m["channel"] == "sms")
    assert "赣州市水利局" in sms["text"] and "2项" in sms["text"] and sms["segments"] == 1
    _assert_clean(sms["text"])


def test_dry_run_writes_nothing_and_the_cli_prints_what_it_would_queue(inspected, monkeypatch, capsys):
    store = inspected
    _configure(monkeypatch, smtp_url=None, sms_url=None)
    assert main(["remind", "--as-of", AS_OF.isoformat(), "--dry-run"]) == 0
    said = capsys.readouterr().out
    assert "赣州市水利局" in said and "将写入发件箱 4 条" in said
    assert store.query("SELECT count(*) AS n FROM outbox")[0]["n"] == 0
    assert store.query("SELECT count(*) AS n FROM rectifications")[0]["n"] == 0
    assert main(["remind", "--as-of", AS_OF.isoformat()]) == 0
    assert "已写入发件箱 4 条" in capsys.readouterr().out
    assert main(["remind", "--as-of", AS_OF.isoformat(), "--dry-run"]) == 0
    assert "将写入发件箱 0 条，已存在 4 条" in capsys.readouterr().out
    assert store.query("SELECT count(*) AS n FROM outbox")[0]["n"] == 4


def test_chat_robot_through_apprise_json_to_loopback(inspected, monkeypatch):
    store = inspected
    with HttpSink() as robot:
        port = robot.url.rsplit(":", 1)[1]
        _configure(monkeypatch, smtp_url=None, sms_url=None, webhook_url=f"json://127.0.0.1:{port}/robot")
        res = run_reminders(AS_OF, now=AT, store=store)
        assert sum(1 for m in res["messages"] if m["channel"] == "webhook") == 2
        out = flush(now=AT, store=store)
        assert out["sent"] == 2
        assert len(robot.posts) == 2 and all(p["path"] == "/robot" for p in robot.posts)
        titles = sorted(p["json"]["title"] for p in robot.posts)
        assert any("赣州市水利局" in t for t in titles)
        for p in robot.posts:
            _assert_clean(p["json"]["message"])


@pytest.mark.parametrize(("as_of", "n"), [(AS_OF, 2), (date(2030, 3, 12), 3)])  # 2030: + the escalation
def test_cli_remind_then_flush_delivers_whatever_the_wall_clock_says(
    inspected, monkeypatch, capsys, as_of, n
):
    """``govwatch remind --as-of D`` runs as the 08:30 run of D (never in the quiet hours, whatever the
    time of day the command is typed); a D still to come is deliverable at once."""
    with SmtpServer() as smtp, HttpSink() as gateway:
        _configure(monkeypatch, smtp_url=f"smtp://127.0.0.1:{smtp.port}", sms_url=f"{gateway.url}/sms")
        assert main(["remind", "--as-of", as_of.isoformat()]) == 0
        assert f"已写入发件箱 {2 * n} 条" in capsys.readouterr().out
        assert main(["notify", "flush"]) == 0
        assert f"已发送 {2 * n} 条" in capsys.readouterr().out
        assert len(smtp.mails) == n and len(gateway.posts) == n
        assert main(["remind", "--as-of", as_of.isoformat()]) == 0
        assert main(["notify", "flush"]) == 0
        assert "已发送 0 条" in capsys.readouterr().out
        assert len(smtp.mails) == n and len(gateway.posts) == n


def test_cli_smtp_down_then_up_delivers_exactly_once_on_the_next_flush(inspected, monkeypatch, capsys):
    """Through the command line only: the operator's flush retries at once what the SMTP outage held."""
    port = _free_port()
    with HttpSink() as gateway:
        _configure(monkeypatch, smtp_url=f"smtp://127.0.0.1:{port}", sms_url=f"{gateway.url}/sms")
        assert main(["remind", "--as-of", AS_OF.isoformat()]) == 0
        assert main(["notify", "flush"]) == 0
        said = capsys.readouterr().out
        assert "待重试 2 条" in said
        with SmtpServer(port) as smtp:
            assert main(["notify", "flush"]) == 0
            assert "已发送 2 条" in capsys.readouterr().out
            assert main(["notify", "flush"]) == 0
            assert "已发送 0 条" in capsys.readouterr().out
            assert len(smtp.mails) == 2
        assert len(gateway.posts) == 2
    assert {r["status"] for r in inspected.query("SELECT status FROM outbox")} == {"sent"}
