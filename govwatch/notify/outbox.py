"""The outbox: every message is written first (``govwatch.rectify.remind``), delivered later by :func:`flush`.

Delivery
    ``flush`` takes pending messages whose ``not_before`` has come, *claims* them (status ``sending``,
    ``claimed_at``, ``attempts + 1``) with ``SELECT … FOR UPDATE SKIP LOCKED`` in a transaction of its own,
    commits the claim, and only then talks to the provider. Two flushes running at once (two DAG runs, an
    operator and the DAG) therefore never take the same message. After the provider answered, the outcome is
    recorded: ``sent`` (with ``sent_at`` and the provider's answer), or back to ``pending`` with ``not_before``
    pushed by an exponential backoff (1 min, 2, 4 … capped at 6 h) and ``last_error``, or ``failed`` after
    :data:`MAX_ATTEMPTS` attempts or a permanent refusal. Every attempt is a row in ``outbox_attempts``.
    A channel that is not configured (no ``GOVWATCH_SMTP_URL`` / ``GOVWATCH_SMS_URL`` /
    ``GOVWATCH_WEBHOOK_URL``) keeps its messages as ``held``; they go back to ``pending`` at the first flush
    after it is configured.

Quiet hours
    No SMS between 21:00 and 08:00 Asia/Shanghai. The reminder decides it when it queues a message, from
    the run's logical time (``not_before`` moved to 08:00), so that the outcome does not depend on when a
    flush happens to run; a retry whose backoff ends in the quiet hours is likewise moved to 08:00.

The crash guarantee
    A crash (process killed, database lost) *between* the provider accepting a message and the outcome
    being recorded leaves the message ``sending``. After :data:`LEASE` the next flush takes the claim back
    and sends it again: delivery is **at-least-once** in general — never lost, possibly repeated once.
    It is **exactly-once** towards providers that honour an idempotency key, which every send carries:
    the generic gateway's ``"id"`` field (the outbox id; ``<id>-<n>`` for the n-th recipient after the
    first), Aliyun's ``OutId`` and Tencent's ``SessionContext`` (the same value), and for e-mail a
    ``Message-ID`` derived from the dedup key, which receiving mail clients use to collapse a repeat.
    A recipient already delivered is remembered in ``meta.delivered`` as soon as its answer is in, so a
    retry after a partial failure only sends to the others.
"""

from __future__ import annotations

import json
import logging
import smtplib
from datetime import datetime, timedelta
from typing import Any

import httpx

from govwatch.notify import email as mail
from govwatch.notify import robot
from govwatch.notify import sms as smsmod
from govwatch.rectify.remind import QUIET_END, QUIET_START, sms_not_before
from govwatch.settings import TZ, Settings, get_settings
from govwatch.store.db import Store, open_store

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)
#: A claim older than this is a flush that died mid-way: the message is taken back and sent again.
LEASE = timedelta(minutes=15)

SETTING_NAMES = {"email": "GOVWATCH_SMTP_URL", "sms": "GOVWATCH_SMS_URL", "webhook": "GOVWATCH_WEBHOOK_URL"}


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failed attempt: 1, 2, 4, 8 … minutes, at most 6 hours."""
    return min(BACKOFF_BASE * (2 ** max(0, attempts - 1)), BACKOFF_CAP)


def in_quiet_hours(now: datetime) -> bool:
    t = now.astimezone(TZ).time()
    return not (QUIET_END <= t < QUIET_START)


def _configured(settings: Settings) -> dict[str, str | None]:
    return {"email": settings.smtp_url, "sms": settings.sms_url, "webhook": settings.webhook_url}


class _Outcome:
    def __init__(
        self,
        ok: bool,
        answer: str,
        error: str | None = None,
        permanent: bool = False,
        delivered: list[str] | None = None,
    ):
        self.ok, self.answer, self.error, self.permanent = ok, answer, error, permanent
        self.delivered = delivered or []


def _deliver_email(msg: dict[str, Any], settings: Settings, now: datetime) -> _Outcome:
    config = mail.SmtpConfig.from_url(settings.smtp_url or "")
    try:
        em = mail.build_message(
            sender=settings.mail_from, recipients=msg["recipients"], subject=msg["subject"],
            text=msg["body_text"], html=msg["body_html"], dedup_key=msg["dedup_key"], date=now,
            attachments=msg.get("attachments") or [],
        )  # fmt: skip
    except FileNotFoundError as exc:
        return _Outcome(False, "", f"attachment missing: {exc.filename}", permanent=True)
    try:
        answer = mail.send(config, em)
    except smtplib.SMTPRecipientsRefused as exc:
        return _Outcome(False, "", f"recipients refused: {exc.recipients}", permanent=True)
    except (smtplib.SMTPException, OSError) as exc:
        return _Outcome(False, "", f"{type(exc).__name__}: {exc}")
    return _Outcome(True, answer, delivered=[r["email"] for r in msg["recipients"]])


def _deliver_sms(msg: dict[str, Any], settings: Settings, transport: httpx.BaseTransport | None) -> _Outcome:
    client = smsmod.client_from_url(settings.sms_url or "", transport=transport)
    meta = msg["meta"] or {}
    done = set(meta.get("delivered") or [])
    params = meta.get("template_params") or {}
    answers: list[str] = []
    errors: list[str] = []
    permanent = True
    delivered: list[str] = []
    for n, r in enumerate(msg["recipients"]):
        mobile = r["mobile"]
        if mobile in done:
            continue
        key = str(msg["id"]) if n == 0 else f"{msg['id']}-{n + 1}"
        try:
            res = client.send(
                smsmod.SmsMessage(
                    mobile=mobile, text=msg["body_text"], idempotency_key=key, template_params=params
                )
            )
        except httpx.HTTPError as exc:
            res = smsmod.SmsResult(False, f"{type(exc).__name__}: {exc}")
        # The answer may quote the number back: keep the log free of it.
        answers.append(
            f"{client.name}#{key}: {res.answer.replace(mobile, mobile[:3] + '****' + mobile[-4:])}"
        )
        if res.ok:
            delivered.append(mobile)
        else:
            errors.append(answers[-1])
            permanent = permanent and res.permanent
    answer = "\n".join(answers)[:2000]
    if errors:
        return _Outcome(False, answer, "; ".join(errors)[:1000], permanent=permanent, delivered=delivered)
    return _Outcome(True, answer, delivered=delivered)


def _deliver_webhook(msg: dict[str, Any], settings: Settings) -> _Outcome:
    try:
        ok, answer = robot.send(settings.webhook_url or "", msg["subject"], msg["body_text"])
    except Exception as exc:  # Apprise plugins raise their own types: a failed attempt, not a crash
        return _Outcome(False, "", f"{type(exc).__name__}: {exc}")
    return _Outcome(ok, answer, None if ok else answer)


_CLAIM = """
UPDATE outbox SET status = 'sending', claimed_at = %(now)s, attempts = attempts + 1
WHERE id IN (
    SELECT id FROM outbox
    WHERE status = 'pending' AND channel = ANY(%(channels)s)
      AND (not_before <= %(now)s
           OR (%(retry_now)s AND attempts > 0 AND (channel <> 'sms' OR NOT %(quiet)s)))
    ORDER BY not_before, id
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED)
RETURNING *
"""


def flush(
    *,
    now: datetime | None = None,
    store: Store | None = None,
    limit: int = 500,
    sms_transport: httpx.BaseTransport | None = None,
    retry_now: bool = False,
) -> dict[str, Any]:
    """Deliver the pending messages whose time has come; returns counts and what stays held.

    ``retry_now`` (the operator's ``govwatch notify flush``) also retries failed messages still in their
    backoff — an explicit request to try again now — except SMS in the quiet hours. The scheduled flush
    leaves it False and respects the backoff.
    """
    st = store or open_store()
    settings = get_settings()
    now = now or datetime.now(TZ)
    if now.tzinfo is None:
        now = now.replace(tzinfo=TZ)
    configured = _configured(settings)
    result: dict[str, Any] = {"sent": 0, "retry": 0, "failed": 0, "held": {},
                              "reclaimed": 0, "released": 0, "waiting": 0, "notes": []}  # fmt: skip
    with st.tx() as cur:
        cur.execute(
            "UPDATE outbox SET status = 'pending', claimed_at = NULL,"
            " last_error = 'claim expired: previous flush stopped before recording the outcome'"
            " WHERE status = 'sending' AND claimed_at < %s",
            (now - LEASE,),
        )
        result["reclaimed"] = cur.rowcount
        for channel, url in configured.items():
            if url:
                cur.execute(
                    "UPDATE outbox SET status = 'pending', last_error = NULL"
                    " WHERE status = 'held' AND channel = %s",
                    (channel,),
                )
                result["released"] += cur.rowcount
            else:
                cur.execute(
                    "UPDATE outbox SET status = 'held', last_error = %s WHERE status = 'pending' AND channel = %s",
                    (f"{SETTING_NAMES[channel]} 未配置 / not configured", channel),
                )
        cur.execute("SELECT channel, count(*) AS n FROM outbox WHERE status = 'held' GROUP BY channel")
        for r in cur.fetchall():
            result["held"][r["channel"]] = r["n"]
            result["notes"].append(
                f"{r['n']} 条{_CH[r['channel']]}消息留在发件箱：{SETTING_NAMES[r['channel']]} 未配置 / "
                f"{r['n']} {r['channel']} message(s) held: {SETTING_NAMES[r['channel']]} is not set"
            )
        channels = [c for c, url in configured.items() if url]
        cur.execute(_CLAIM, {"now": now, "channels": channels, "limit": limit, "retry_now": retry_now,
                             "quiet": in_quiet_hours(now)})  # fmt: skip
        claimed = [dict(r) for r in cur.fetchall()]
    claimed.sort(key=lambda m: (m["not_before"], m["id"]))
    for msg in claimed:
        try:
            if msg["channel"] == "email":
                outcome = _deliver_email(msg, settings, now)
            elif msg["channel"] == "sms":
                outcome = _deliver_sms(msg, settings, sms_transport)
            else:
                outcome = _deliver_webhook(msg, settings)
        except Exception as exc:  # a bad configuration or a bug must not leave the claim dangling
            log.exception("delivering outbox message %s", msg["id"])
            outcome = _Outcome(False, "", f"{type(exc).__name__}: {exc}")
        _record(st, msg, outcome, now, result)
    with st.tx() as cur:
        cur.execute("SELECT count(*) AS n FROM outbox WHERE status = 'pending'")
        result["waiting"] = cur.fetchone()["n"]
    return result


_CH = {"email": "邮件", "sms": "短信", "webhook": "群机器人"}


def _record(st: Store, msg: dict[str, Any], outcome: _Outcome, now: datetime, result: dict[str, Any]) -> None:
    meta = dict(msg["meta"] or {})
    if outcome.delivered:
        meta["delivered"] = sorted(set(meta.get("delivered") or []) | set(outcome.delivered))
    attempts = msg["attempts"]
    if outcome.ok:
        status, not_before, error = "sent", msg["not_before"], None
        result["sent"] += 1
    elif outcome.permanent or attempts >= MAX_ATTEMPTS:
        status, not_before, error = "failed", msg["not_before"], outcome.error
        result["failed"] += 1
    else:
        not_before = now + backoff(attempts)
        if msg["channel"] == "sms":
            not_before = sms_not_before(not_before)
        status, error = "pending", outcome.error
        result["retry"] += 1
    with st.tx() as cur:
        cur.execute(
            "UPDATE outbox SET status = %s, not_before = %s, last_error = %s, provider_answer = %s, meta = %s,"
            " claimed_at = NULL, sent_at = CASE WHEN %s THEN %s ELSE sent_at END WHERE id = %s",
            (status, not_before, error, outcome.answer or None, json.dumps(meta, ensure_ascii=False),
             outcome.ok, now, msg["id"]),
        )  # fmt: skip
        cur.execute(
            "INSERT INTO outbox_attempts (outbox_id, at, ok, answer, error) VALUES (%s, %s, %s, %s, %s)",
            (msg["id"], now, outcome.ok, outcome.answer or None, error),
        )
    if not outcome.ok:
        log.warning("outbox %s (%s) not delivered: %s → %s", msg["id"], msg["channel"], error, status)
