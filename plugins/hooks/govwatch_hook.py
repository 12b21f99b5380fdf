"""``GovwatchHook``: Airflow Connections → :class:`govwatch.settings.Settings`.

The contract's connections and the environment variables they stand for:

============== ============================ =========================================================
connection id  environment fallback         how the connection is read
============== ============================ =========================================================
govwatch_db    ``GOVWATCH_DATABASE_URL``    postgres connection → ``postgresql://login:pw@host:port/schema``
smtp_default   ``GOVWATCH_SMTP_URL``        host, port, login, password; extra ``from_email`` (sender),
                                            ``disable_ssl`` / ``disable_tls`` as in Airflow's SMTP provider
                                            → ``smtps://…``, ``smtp://…?starttls=1`` or ``smtp://…``
govwatch_sms   ``GOVWATCH_SMS_URL``         extra ``url`` verbatim, else ``type://[login:pw@]host[:port]/schema``
                                            (``http``/``https`` = the generic JSON gateway, ``aliyun``, ``tencent``)
govwatch_webhook ``GOVWATCH_WEBHOOK_URL``   extra ``url`` (an Apprise URL) verbatim, else the connection URI
============== ============================ =========================================================

A connection that exists wins over the variable; a missing one falls back to it. The hook is the only
Airflow-aware piece: govwatch itself reads :func:`govwatch.settings.get_settings`, so
:meth:`GovwatchHook.apply` makes the resolved settings the *task process's* settings
(:func:`govwatch.settings.use_settings`; each Airflow 3 task runs in its own supervised process).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote, urlencode

from airflow.sdk import BaseHook

log = logging.getLogger(__name__)

#: connection id → the environment variable it stands for
CONNECTIONS: dict[str, str] = {
    "govwatch_db": "GOVWATCH_DATABASE_URL",
    "smtp_default": "GOVWATCH_SMTP_URL",
    "govwatch_sms": "GOVWATCH_SMS_URL",
    "govwatch_webhook": "GOVWATCH_WEBHOOK_URL",
}


def _userinfo(conn: Any) -> str:
    if not conn.login:
        return ""
    user = quote(conn.login, safe="")
    return f"{user}:{quote(conn.password, safe='')}@" if conn.password else f"{user}@"


def _hostport(conn: Any, default_port: int | None = None) -> str:
    port = conn.port or default_port
    return f"{conn.host}:{port}" if port else str(conn.host)


def db_url(conn: Any) -> str:
    extra = conn.extra_dejson or {}
    query = {k: v for k, v in extra.items() if k in ("sslmode", "application_name", "connect_timeout")}
    url = f"postgresql://{_userinfo(conn)}{_hostport(conn, 5432)}/{conn.schema or 'postgres'}"
    return url + ("?" + urlencode(query) if query else "")


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def smtp_url(conn: Any) -> tuple[str, str | None]:
    """(smtp URL, sender or None) from an smtp provider connection, with the provider's own defaults.

    Airflow's SMTP hook uses SSL unless ``disable_ssl``, and STARTTLS (without SSL) unless ``disable_tls``:
    ``smtps://`` for the first, ``smtp://…?starttls=1`` for the second, plain ``smtp://`` when both are off.
    """
    extra = conn.extra_dejson or {}
    sender = extra.get("from_email") or extra.get("mail_from")
    if not _truthy(extra.get("disable_ssl", False)):
        return f"smtps://{_userinfo(conn)}{_hostport(conn, 465)}", (str(sender) if sender else None)
    starttls = not _truthy(extra.get("disable_tls", False))
    url = f"smtp://{_userinfo(conn)}{_hostport(conn, 25)}" + ("?starttls=1" if starttls else "")
    return url, (str(sender) if sender else None)


def generic_url(conn: Any) -> str:
    extra = conn.extra_dejson or {}
    if extra.get("url"):
        return str(extra["url"])
    scheme = conn.conn_type or "http"
    path = f"/{conn.schema.lstrip('/')}" if conn.schema else ""
    return f"{scheme}://{_userinfo(conn)}{_hostport(conn)}{path}"


class GovwatchHook(BaseHook):
    """Resolve govwatch settings from Airflow Connections, falling back to ``GOVWATCH_*`` variables."""

    conn_name_attr = "govwatch_conn_id"
    default_conn_name = "govwatch_db"
    hook_name = "govwatch"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)

    def _conn(self, conn_id: str) -> Any | None:
        try:
            return self.get_connection(conn_id)
        except Exception as exc:  # noqa: BLE001 - AirflowNotFoundException or no API server in a test
            log.debug("connection %s not available (%s); using the environment", conn_id, exc)
            return None

    def resolved_env(self) -> dict[str, str]:
        """``GOVWATCH_*`` values that the existing Connections define (missing ones are absent)."""
        out: dict[str, str] = {}
        conn = self._conn("govwatch_db")
        if conn is not None and conn.host:
            out["GOVWATCH_DATABASE_URL"] = db_url(conn)
        conn = self._conn("smtp_default")
        if conn is not None and conn.host:
            url, sender = smtp_url(conn)
            out["GOVWATCH_SMTP_URL"] = url
            if sender:
                out["GOVWATCH_MAIL_FROM"] = sender
        for conn_id in ("govwatch_sms", "govwatch_webhook"):
            conn = self._conn(conn_id)
            if conn is not None and (conn.host or (conn.extra_dejson or {}).get("url")):
                out[CONNECTIONS[conn_id]] = generic_url(conn)
        return out

    def get_settings(self, resolved: dict[str, str] | None = None):  # -> govwatch.settings.Settings
        """Settings for this task: Connections first, then the process environment."""
        from govwatch.settings import from_env

        resolved = self.resolved_env() if resolved is None else resolved
        fields = {
            "GOVWATCH_DATABASE_URL": "database_url",
            "GOVWATCH_SMTP_URL": "smtp_url",
            "GOVWATCH_MAIL_FROM": "mail_from",
            "GOVWATCH_SMS_URL": "sms_url",
            "GOVWATCH_WEBHOOK_URL": "webhook_url",
        }
        base = from_env()  # the environment, read by govwatch.settings as everywhere else
        return base.with_(**{fields[k]: v for k, v in resolved.items() if k in fields})

    def apply(self):  # -> govwatch.settings.Settings
        """Make the resolved settings this task process's settings (:func:`govwatch.settings.use_settings`)."""
        from govwatch.settings import use_settings

        resolved = self.resolved_env()
        settings = self.get_settings(resolved)
        use_settings(settings)
        if resolved:
            log.info("govwatch settings from connections: %s", ", ".join(sorted(resolved)))
        return settings
