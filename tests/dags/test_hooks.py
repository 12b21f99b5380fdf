"""GovwatchHook: Connections become govwatch settings; missing ones fall back to the environment."""

from __future__ import annotations

import json

import pytest

from govwatch.notify.email import SmtpConfig
from govwatch.settings import reset_settings_cache

pytestmark = pytest.mark.airflow


@pytest.fixture
def clean_env(monkeypatch):
    for var in ("GOVWATCH_DATABASE_URL", "GOVWATCH_SMTP_URL", "GOVWATCH_SMS_URL", "GOVWATCH_WEBHOOK_URL"):
        monkeypatch.delenv(var, raising=False)
    for conn in ("GOVWATCH_DB", "SMTP_DEFAULT", "GOVWATCH_SMS", "GOVWATCH_WEBHOOK"):
        monkeypatch.delenv(f"AIRFLOW_CONN_{conn}", raising=False)
    reset_settings_cache()
    yield monkeypatch
    reset_settings_cache()


def test_connections_win_over_the_environment(clean_env):
    from hooks.govwatch_hook import GovwatchHook

    clean_env.setenv("GOVWATCH_DATABASE_URL", "postgresql://env@127.0.0.1/envdb")
    clean_env.setenv(
        "AIRFLOW_CONN_GOVWATCH_DB", "postgresql://gw:p%40ss@db.internal:5433/govwatch?sslmode=require"
    )
    clean_env.setenv(
        "AIRFLOW_CONN_SMTP_DEFAULT",
        json.dumps({"conn_type": "smtp", "host": "mail.internal", "port": 2525, "login": "gw", "password": "secret",
                    "extra": {"from_email": "gw@zwgk.example.cn", "disable_ssl": True}}),
    )  # fmt: skip
    clean_env.setenv(
        "AIRFLOW_CONN_GOVWATCH_SMS",
        json.dumps({"conn_type": "https", "host": "sms.internal", "port": 8443, "schema": "api/send"}),
    )
    clean_env.setenv(
        "AIRFLOW_CONN_GOVWATCH_WEBHOOK",
        json.dumps({"conn_type": "generic", "extra": {"url": "dingtalk://token123/"}}),
    )
    settings = GovwatchHook().get_settings()
    assert settings.database_url == "postgresql://gw:p%40ss@db.internal:5433/govwatch?sslmode=require"
    assert settings.smtp_url == "smtp://gw:secret@mail.internal:2525?starttls=1"
    assert settings.mail_from == "gw@zwgk.example.cn"
    assert settings.sms_url == "https://sms.internal:8443/api/send"
    assert settings.webhook_url == "dingtalk://token123/"
    # The URL is what govwatch's own SMTP client reads.
    cfg = SmtpConfig.from_url(settings.smtp_url)
    assert (cfg.host, cfg.port, cfg.username, cfg.password, cfg.starttls, cfg.ssl) == (
        "mail.internal", 2525, "gw", "secret", True, False,
    )  # fmt: skip


def test_smtp_connection_follows_the_providers_ssl_and_tls_defaults(clean_env):
    from hooks.govwatch_hook import GovwatchHook

    clean_env.setenv(
        "AIRFLOW_CONN_SMTP_DEFAULT", json.dumps({"conn_type": "smtp", "host": "mx", "port": 465})
    )
    assert GovwatchHook().get_settings().smtp_url == "smtps://mx:465"
    clean_env.setenv(
        "AIRFLOW_CONN_SMTP_DEFAULT",
        json.dumps(
            {
                "conn_type": "smtp",
                "host": "mx",
                "port": 25,
                "extra": {"disable_ssl": True, "disable_tls": True},
            }
        ),
    )
    assert GovwatchHook().get_settings().smtp_url == "smtp://mx:25"


def test_missing_connections_fall_back_to_the_environment(clean_env):
    from hooks.govwatch_hook import GovwatchHook

    clean_env.setenv("GOVWATCH_DATABASE_URL", "postgresql://env@127.0.0.1/envdb")
    clean_env.setenv("GOVWATCH_SMS_URL", "http://127.0.0.1:9/sms")
    hook = GovwatchHook()
    assert hook.resolved_env() == {}
    settings = hook.get_settings()
    assert settings.database_url == "postgresql://env@127.0.0.1/envdb"
    assert settings.sms_url == "http://127.0.0.1:9/sms"
    assert settings.smtp_url is None and settings.webhook_url is None


def test_apply_makes_them_the_process_settings(clean_env):
    from hooks.govwatch_hook import GovwatchHook

    from govwatch.settings import get_settings

    clean_env.setenv(
        "AIRFLOW_CONN_GOVWATCH_SMS", json.dumps({"conn_type": "http", "host": "127.0.0.1", "port": 9})
    )
    GovwatchHook().apply()
    assert get_settings().sms_url == "http://127.0.0.1:9"
