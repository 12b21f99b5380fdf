"""Chat robots (DingTalk ``dingtalk://``, WeCom ``wecombot://``, Feishu ``feishu://``) through Apprise.

``GOVWATCH_WEBHOOK_URL`` is any Apprise URL; several may be given separated by whitespace or commas.
"""

from __future__ import annotations

import logging

import apprise

from govwatch.errors import InputError

log = logging.getLogger(__name__)


def send(urls: str, title: str, body: str) -> tuple[bool, str]:
    """Post ``title`` / ``body`` to every robot URL; returns (all delivered, Apprise's answer)."""
    ap = apprise.Apprise()
    for url in urls.replace(",", " ").split():
        if not ap.add(url):
            raise InputError(f"GOVWATCH_WEBHOOK_URL: Apprise does not understand {url.split('://')[0]}://…")
    result = ap.notify(body=body, title=title, body_format=apprise.NotifyFormat.TEXT)
    lines = [str(getattr(e, "message", e)) for e in result.call_logs()][-5:]
    answer = f"{getattr(result.status, 'name', result.status)}: {'; '.join(lines)}".strip()
    return bool(result), answer[:1000]
