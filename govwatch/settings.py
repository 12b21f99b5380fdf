"""One settings object for the whole product.

Every module takes its configuration from :func:`get_settings`; no other module reads ``os.environ``.
Inside Airflow, hooks turn Connections into the same fields (see ``plugins/hooks``) and fall back to these
environment variables.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")

#: Repository root (the package is installed editable from it; include/ lives beside govwatch/).
REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str | None
    allow_private: bool
    rules_path: Path | None
    smtp_url: str | None
    mail_from: str
    sms_url: str | None
    webhook_url: str | None
    include_dir: Path
    user_agent: str = "govwatch/0.1 (government website and new-media inspection)"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def pg_dir(self) -> Path:
        return self.home / "pg"

    @property
    def notices_dir(self) -> Path:
        return self.home / "notices"

    @property
    def exports_dir(self) -> Path:
        return self.home / "exports"

    @property
    def sql_dir(self) -> Path:
        return self.include_dir / "sql"

    @property
    def templates_dir(self) -> Path:
        return self.include_dir / "templates"

    @property
    def rules_dir(self) -> Path:
        return self.include_dir / "rules"

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def from_env(env: dict[str, str] | None = None) -> Settings:
    """Build settings from an environment mapping (``os.environ`` by default)."""
    env = dict(os.environ if env is None else env)
    home = Path(env.get("GOVWATCH_HOME") or "./.govwatch").expanduser().resolve()
    rules = env.get("GOVWATCH_RULES")
    return Settings(
        home=home,
        database_url=env.get("GOVWATCH_DATABASE_URL") or None,
        allow_private=_flag(env.get("GOVWATCH_ALLOW_PRIVATE")),
        rules_path=Path(rules).expanduser().resolve() if rules else None,
        smtp_url=env.get("GOVWATCH_SMTP_URL") or None,
        mail_from=env.get("GOVWATCH_MAIL_FROM") or "govwatch@localhost",
        sms_url=env.get("GOVWATCH_SMS_URL") or None,
        webhook_url=env.get("GOVWATCH_WEBHOOK_URL") or None,
        include_dir=Path(env.get("GOVWATCH_INCLUDE") or REPO_ROOT / "include").resolve(),
        extra={k: v for k, v in env.items() if k.startswith("GOVWATCH_")},
    )


_override: Settings | None = None


@lru_cache(maxsize=1)
def _from_process_env() -> Settings:
    return from_env()


def get_settings() -> Settings:
    """The process-wide settings, read once from the environment (or set by :func:`use_settings`)."""
    return _override or _from_process_env()


def use_settings(settings: Settings | None) -> None:
    """Make ``settings`` the process-wide settings (the demo allows loopback sites); None restores."""
    global _override
    _override = settings


def reset_settings_cache() -> None:
    """Forget the cached settings (tests change the environment between cases)."""
    global _override
    _override = None
    _from_process_env.cache_clear()
