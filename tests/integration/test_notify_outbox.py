"""Outbox guarantees against a real PostgreSQL: a crash between sending and recording, provider SMS through
the outbox (provider mocked at the transport only), permanent refusals."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl

import httpx
import pytest

from govwatch.findings import make
from govwatch.notify import outbox
from govwatch.rectify.remind import run_reminders
from govwatch.registry.load import load_registry
from govwatch.registry.store import import_registry
from govwatch.rules import load_rules
from govwatch.settings import TZ, reset_settings_cache
from govwatch.store.findings import Scope, record_findings

FIX = Path(__file__).resolve().parent.parent / "fixtures"
AS_OF = date(2026, 11, 24)
AT = datetime(2026, 11, 24, 8, 30, tzinfo=TZ)

pytestmark = pytest.mark.integration


@pytest.fixture
def queued(store, monkeypatch):
    import_registry(store, load_registry(FIX / "registry_small.yaml"))
    rules = load_rules()
    f = make(rules, "column_overdue", "column", "3607000012/gzdt", "最新信息 2026-10-01",
             site_id="3607000012", unit_id="gzsl")  # fmt: skip
    record_findings(store, run_kind="columns", as_of=date(2026, 11, 16), scope=Scope(frozenset({f.check})),
                    findings=[f])  # fmt: skip
    return store


def _env(monkeypatch, sms_url: str) -> None:
    monkeypatch.delenv("GOVWATCH_SMTP_URL", raising=False)
    monkeypatch.setenv("GOVWATCH_SMS_URL", sms_url)
    reset_settings_cache()


def test_crash_after_sending_resends_with_the_same_idempotency_key(queued, monkeypatch):
    store = queued
    accepted: dict[str, dict] = {}  # a gateway that honours the "id": a repeat is acknowledged, not re-sent
    posts: list[dict] = []

    def gateway(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        posts.append(body)
        accepted.setdefault(body["id"], body)
        return httpx.Response(200, json={"ok": True})

    _env(monkeypatch, "http://127.0.0.1:9/sms")
    run_reminders(AS_OF, now=AT, store=store)
    real_record = outbox._record

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed between send and record")

    monkeypatch.setattr(outbox, "_record", crash)
    with pytest.raises(KeyboardInterrupt):
        outbox.flush(now=AT, store=store, sms_transport=httpx.MockTransport(gateway))
    monkeypatch.setattr(outbox, "_record", real_record)
    (row,) = store.query("SELECT id, status, attempts FROM outbox WHERE channel = 'sms'")
    assert row["status"] == "sending" and len(posts) == 1
    # Within the lease nobody touches it (another flush might still be recording it)…
    assert outbox.flush(now=AT + timedelta(minutes=5), store=store,
                        sms_transport=httpx.MockTransport(gateway))["sent"] == 0  # fmt: skip
    # …after it the claim is taken back and sent again under the same id: the gateway drops the repeat.
    res = outbox.flush(now=AT + outbox.LEASE + timedelta(minutes=1), store=store,
                       sms_transport=httpx.MockTransport(gateway))  # fmt: skip
    assert res["reclaimed"] == 1 and res["sent"] == 1
    assert [p["id"] for p in posts] == [str(row["id"]), str(row["id"])]
    assert len(accepted) == 1
    (after,) = store.query("SELECT status, attempts FROM outbox WHERE channel = 'sms'")
    assert (after["status"], after["attempts"]) == ("sent", 2)


def test_aliyun_through_the_outbox_carries_out_id_and_template_params(queued, monkeypatch):
    store = queued
    seen: list[dict] = []

    def aliyun(request: httpx.Request) -> httpx.Response:
        seen.append(dict(parse_qsl(request.content.decode())))
        return httpx.Response(200, json={"Code": "OK", "Message": "OK", "BizId": "1^0", "RequestId": "r"})

    _env(monkeypatch, "aliyun://AK:SK@dysmsapi.aliyuncs.com?sign_name=政务公开&template_code=SMS_9")
    run_reminders(AS_OF, now=AT, store=store)
    res = outbox.flush(now=AT, store=store, sms_transport=httpx.MockTransport(aliyun))
    assert res["sent"] == 1
    (row,) = store.query("SELECT id, provider_answer FROM outbox WHERE channel = 'sms'")
    assert seen[0]["OutId"] == str(row["id"]) and seen[0]["PhoneNumbers"] == "13800000000"
    assert json.loads(seen[0]["TemplateParam"]) == {"unit": "赣州市水利局", "count": "1", "due": "11月23日"}
    assert "BizId" in row["provider_answer"]


def test_tencent_permanent_refusal_fails_without_retrying(queued, monkeypatch):
    store = queued

    def tencent(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"Response": {"Error": {"Code": "AuthFailure.SecretIdNotFound",
                                                                "Message": "x"}, "RequestId": "r"}})  # fmt: skip

    _env(monkeypatch, "tencent://id:key@sms.tencentcloudapi.com?sdk_app_id=1&sign_name=s&template_id=2")
    run_reminders(AS_OF, now=AT, store=store)
    res = outbox.flush(now=AT, store=store, sms_transport=httpx.MockTransport(tencent))
    assert res["failed"] == 1
    (row,) = store.query("SELECT status, last_error FROM outbox WHERE channel = 'sms'")
    assert row["status"] == "failed" and "AuthFailure" in row["last_error"]
    assert "13800000000" not in row["last_error"]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_login_with_credentials_from_the_url(queued, monkeypatch):
    """A real SMTP server that requires AUTH: the URL's user and (percent-encoded) password are used."""
    import socket

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    got: list = []
    logins: list[tuple[str, str]] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            got.append(envelope)
            return "250 OK"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            b"zwgk",
            b"p@ss:1",
        )
        logins.append((mechanism, ok))
        return AuthResult(success=ok)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ctrl = Controller(Handler(), hostname="127.0.0.1", port=port, authenticator=authenticator,
                      auth_required=True, auth_require_tls=False)  # fmt: skip
    ctrl.start()
    try:
        monkeypatch.setenv("GOVWATCH_SMTP_URL", f"smtp://zwgk:p%40ss%3A1@127.0.0.1:{port}")
        monkeypatch.delenv("GOVWATCH_SMS_URL", raising=False)
        reset_settings_cache()
        run_reminders(AS_OF, now=AT, store=queued)
        assert outbox.flush(now=AT, store=queued)["sent"] == 1
        assert len(got) == 1 and logins and all(ok for _, ok in logins)
        assert sorted(got[0].rcpt_tos) == ["ww@example.cn", "zs@example.cn"]
    finally:
        ctrl.stop()


def test_queued_attachment_is_mailed_and_a_missing_one_is_not_silently_dropped(store, tmp_path, monkeypatch):
    """A unit's notice queued with its Word file (as render_month does) arrives with the file attached."""
    import email
    import socket

    from aiosmtpd.controller import Controller

    import_registry(store, load_registry(FIX / "registry_small.yaml"))
    doc = tmp_path / "unit-gzsl-2026-11.docx"
    doc.write_bytes(b"PK\x03\x04 not really a docx, but bytes to carry")
    mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    for key, path in (("gzsl|notice|2026-11|email", doc), ("gzszfb|notice|2026-11|email", tmp_path / "gone.docx")):
        store.execute(
            "INSERT INTO outbox (dedup_key, channel, kind, unit_id, day, recipients, subject, body_text, attachments)"
            " VALUES (%s, 'email', 'notice', %s, %s, %s, '整改通知', '请查收附件。', %s)",
            (key, key.split("|")[0], AS_OF, json.dumps([{"email": "zs@example.cn", "name": "张三"}]),
             json.dumps([{"path": str(path), "filename": path.name, "content_type": mime}])),
        )  # fmt: skip
    got: list = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            got.append(envelope)
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ctrl = Controller(Handler(), hostname="127.0.0.1", port=port)
    ctrl.start()
    try:
        monkeypatch.setenv("GOVWATCH_SMTP_URL", f"smtp://127.0.0.1:{port}")
        reset_settings_cache()
        result = outbox.flush(now=AT, store=store)
    finally:
        ctrl.stop()
    assert result["sent"] == 1 and len(got) == 1
    parts = [p for p in email.message_from_bytes(got[0].content).walk() if p.get_filename()]
    assert [p.get_filename() for p in parts] == [doc.name]
    assert parts[0].get_payload(decode=True) == doc.read_bytes()
    failed = store.query("SELECT status, last_error FROM outbox WHERE unit_id = 'gzszfb'")[0]
    assert failed["status"] == "failed" and "attachment missing" in failed["last_error"]
