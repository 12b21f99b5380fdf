"""E-mail over SMTP: ``GOVWATCH_SMTP_URL`` = ``smtp://[user:pass@]host:port[?starttls=1]``.

``smtps://`` connects with implicit TLS (port 465 by default). The sender is ``GOVWATCH_MAIL_FROM``.
Each message has a text and an HTML part (rendered by the reminder from ``include/templates/mail/``) and a
``Message-ID`` derived from the outbox dedup key, so that a message sent twice after a crash is the same
message to the receiving side (mail clients collapse equal Message-IDs).
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from govwatch.errors import InputError

TIMEOUT = 20.0


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str | None
    password: str | None
    starttls: bool
    ssl: bool

    @classmethod
    def from_url(cls, url: str) -> SmtpConfig:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("smtp", "smtps"):
            raise InputError(f"GOVWATCH_SMTP_URL: expected smtp:// or smtps://, got {parts.scheme!r}")
        if not parts.hostname:
            raise InputError("GOVWATCH_SMTP_URL: missing host (smtp://[user:pass@]host:port[?starttls=1])")
        q = parse_qs(parts.query)
        starttls = (q.get("starttls") or ["0"])[0].lower() in ("1", "true", "yes", "on")
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if scheme == "smtps" else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            starttls=starttls,
            ssl=scheme == "smtps",
        )


def message_id(dedup_key: str, sender: str) -> str:
    digest = hashlib.sha256(dedup_key.encode()).hexdigest()[:32]
    domain = sender.rsplit("@", 1)[-1] if "@" in sender else "govwatch.localhost"
    return f"<{digest}.govwatch@{domain}>"


def build_message(
    *,
    sender: str,
    recipients: list[dict[str, str]],
    subject: str,
    text: str,
    html: str | None,
    dedup_key: str,
    date: datetime,
    attachments: list[dict[str, str]] | None = None,
) -> EmailMessage:
    """A multipart message (text, HTML alternative, attached files such as a unit's Word notice).

    ``attachments``: ``[{path, filename, content_type}]`` as queued in the outbox; a file that no longer
    exists raises ``FileNotFoundError`` so the message is not sent without the document it announces.
    """
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ", ".join(
        str(Address(display_name=r.get("name") or "", addr_spec=r["email"])) for r in recipients
    )
    msg["Subject"] = subject
    msg["Message-ID"] = message_id(dedup_key, sender)
    msg["Date"] = format_datetime(date)
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    for att in attachments or []:
        path = Path(att["path"])
        ctype = att.get("content_type") or "application/octet-stream"
        maintype, _, subtype = ctype.partition("/")
        msg.add_attachment(
            path.read_bytes(), maintype=maintype, subtype=subtype or "octet-stream",
            filename=att.get("filename") or path.name,
        )  # fmt: skip
    return msg


def send(config: SmtpConfig, msg: EmailMessage) -> str:
    """Deliver ``msg``; returns the server's answer. Raises on any refusal or connection error."""
    if config.ssl:
        server: smtplib.SMTP = smtplib.SMTP_SSL(
            config.host, config.port, timeout=TIMEOUT, context=ssl.create_default_context()
        )
    else:
        server = smtplib.SMTP(config.host, config.port, timeout=TIMEOUT)
    try:
        server.ehlo_or_helo_if_needed()
        if config.starttls:
            server.starttls(context=ssl.create_default_context())
            server.ehlo()
        if config.username:
            server.login(config.username, config.password or "")
        refused = server.send_message(msg)
        if refused:
            raise smtplib.SMTPRecipientsRefused(refused)
        code, answer = server.noop()
        return f"accepted for {msg['To']} ({code} {answer.decode(errors='replace')})"
    finally:
        try:
            server.quit()
        except smtplib.SMTPException:
            server.close()
