"""The Airflow environment of a govwatch installation (embedded defaults).

``airflow_env()`` returns the environment variables with which every ``airflow`` command (CLI, scheduler,
api-server, ``dags test``) runs for this govwatch home; ``setup_airflow()`` migrates the metadata DB and
creates the pools the DAGs use. Nothing here imports Airflow: it only builds environments and runs the
``airflow`` executable of this virtualenv, so the package stays importable without Airflow.

Choices (Airflow 3.3):

* ``AIRFLOW_HOME = $GOVWATCH_HOME/airflow``; DAGs and plugins come straight from this repository.
* Metadata in SQLite (``$AIRFLOW_HOME/airflow.db``) with the ``LocalExecutor``. Airflow 3 dropped the
  SequentialExecutor; the LocalExecutor is its default executor and is allowed with SQLite. SQLite has a
  single writer: the file is put in WAL mode and every connection waits up to 60 s for the write lock
  (``SQLITE_CONNECT_ARGS``) instead of failing with "database is locked" when the scheduler, the dag
  processor, the API server and task heartbeats write at once; ``parallelism`` stays small (2). The findings store is
  PostgreSQL regardless. For production use PostgreSQL for the metadata too (``deploy/compose.yaml``).
* The simple auth manager with one ``admin`` user (role admin); its password is written once to
  ``$AIRFLOW_HOME/simple_auth_manager_passwords.json.generated`` (mode 0600) and kept across runs.
* Asia/Shanghai as default timezone (schedules and the UI); no example DAGs; new DAGs unpaused.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from govwatch.settings import REPO_ROOT, Settings, get_settings

#: Pools the DAGs name, with their slots. A task in a pool that does not exist is never scheduled, so the
#: DAG tests check every pool a task names against this mapping.
POOLS: dict[str, tuple[int, str]] = {
    "govwatch_crawl": (4, "对外抓取（栏目检查、全面检查、可用性探测）的并发上限 / outbound crawling"),
    "govwatch_sms": (1, "短信网关发送，逐条串行 / the SMS gateway, one sender at a time"),
}

#: SQLite connect arguments (imported by Airflow by dotted path): wait up to a minute for the single writer
#: instead of failing at once with "database is locked" when the scheduler, the dag processor, the API
#: server and task heartbeats write at the same moment.
SQLITE_CONNECT_ARGS: dict[str, object] = {"timeout": 60}
SQLITE_CONNECT_ARGS_ASYNC: dict[str, object] = {"timeout": 60}

ADMIN_USER = "admin"
TIMEZONE = "Asia/Shanghai"
DAGS_FOLDER = REPO_ROOT / "dags"
PLUGINS_FOLDER = REPO_ROOT / "plugins"


def airflow_home(settings: Settings | None = None) -> Path:
    return (settings or get_settings()).home / "airflow"


def passwords_file(settings: Settings | None = None) -> Path:
    return airflow_home(settings) / "simple_auth_manager_passwords.json.generated"


def admin_password(settings: Settings | None = None, *, create: bool = True) -> str | None:
    """The admin password of the simple auth manager; generated once and kept under ``$AIRFLOW_HOME``."""
    path = passwords_file(settings)
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
        if ADMIN_USER in data:
            return str(data[ADMIN_USER])
    if not create:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({ADMIN_USER: password}, fh)
        fh.write("\n")
    return password


def _secret(settings: Settings, name: str) -> str:
    """A random secret generated once per home and kept in ``$AIRFLOW_HOME/govwatch_secrets.json`` (0600).

    The scheduler, the api-server and every task process must agree on the JWT secret, so it cannot be
    generated per process.
    """
    path = airflow_home(settings) / "govwatch_secrets.json"
    data: dict[str, str] = {}
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    if name not in data:
        data[name] = secrets.token_urlsafe(32)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
    return data[name]


def airflow_env(
    settings: Settings | None = None, base: Mapping[str, str] | None = None, **overrides: str
) -> dict[str, str]:
    """Environment for ``airflow`` processes of this govwatch home (``base`` defaults to ``os.environ``).

    ``GOVWATCH_*`` variables of ``base`` pass through, so tasks see the same findings store and flags.
    """
    settings = settings or get_settings()
    home = airflow_home(settings)
    env = dict(os.environ if base is None else base)
    # Variables of another Airflow installation must not leak into this one.
    for key in [k for k in env if k.startswith("AIRFLOW__") or k == "AIRFLOW_HOME"]:
        del env[key]
    venv_bin = str(Path(sys.executable).parent)
    env.update(
        {
            "GOVWATCH_HOME": str(settings.home),
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(PLUGINS_FOLDER),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DEFAULT_TIMEZONE": TIMEZONE,
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__PARALLELISM": "2",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "AIRFLOW__CORE__AUTH_MANAGER": (
                "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
            ),
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{ADMIN_USER}:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords_file(settings)),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS": "govwatch.airflow_env.SQLITE_CONNECT_ARGS",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS_ASYNC": "govwatch.airflow_env.SQLITE_CONNECT_ARGS_ASYNC",
            "AIRFLOW__API__PORT": env.get("GOVWATCH_AIRFLOW_PORT", "8080"),
            "AIRFLOW__API__SECRET_KEY": _secret(settings, "api_secret_key"),
            "AIRFLOW__API_AUTH__JWT_SECRET": _secret(settings, "jwt_secret"),
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
            # Importing a DAG file must stay cheap; fail loudly instead of hanging the processor.
            "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": "30",
            "PATH": venv_bin + os.pathsep + env.get("PATH", ""),
        }
    )
    if settings.database_url:
        env["GOVWATCH_DATABASE_URL"] = settings.database_url
    env.update(overrides)
    return env


def airflow(
    *args: str, env: Mapping[str, str], check: bool = True, capture: bool = True, timeout: float | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the ``airflow`` CLI of this virtualenv with ``env``."""
    exe = Path(sys.executable).parent / "airflow"
    return subprocess.run(
        [str(exe), *args],
        env=dict(env),
        check=check,
        text=True,
        capture_output=capture,
        timeout=timeout,
    )


def pools_json() -> dict[str, dict[str, object]]:
    """The pools in the shape ``airflow pools import`` reads."""
    return {
        name: {"slots": slots, "description": desc, "include_deferred": False}
        for name, (slots, desc) in POOLS.items()
    }


def setup_airflow(settings: Settings | None = None, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Migrate the Airflow metadata DB, write the admin password, create the pools, serialise the DAGs.

    Idempotent.

    Returns the environment it used.
    """
    settings = settings or get_settings()
    env = dict(env or airflow_env(settings))
    home = airflow_home(settings)
    home.mkdir(parents=True, exist_ok=True)
    admin_password(settings)
    airflow("db", "migrate", env=env)
    _sqlite_wal(env)
    pools_path = home / "govwatch_pools.json"
    pools_path.write_text(json.dumps(pools_json(), ensure_ascii=False, indent=2), encoding="utf-8")
    airflow("pools", "import", str(pools_path), env=env)
    # Parse the DAG files into the metadata DB now, so `airflow dags list` and the UI show them before a
    # dag processor has run.
    airflow("dags", "reserialize", env=env)
    return env


def _sqlite_wal(env: Mapping[str, str]) -> None:
    """Put a SQLite metadata DB in WAL mode (kept in the file): readers no longer block the one writer."""
    url = env.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "")
    if not url.startswith("sqlite:///"):
        return
    import sqlite3

    with sqlite3.connect(url.removeprefix("sqlite:///"), timeout=60) as conn:
        conn.execute("PRAGMA journal_mode=WAL")


def main(argv: list[str] | None = None) -> int:
    """``python -m govwatch.airflow_env [setup|env|standalone]``.

    ``setup`` migrates the metadata DB and creates the pools; ``env`` prints ``export`` lines for a shell;
    ``standalone`` sets up, then runs ``airflow standalone`` (UI, scheduler, dag processor, triggerer).
    """
    argv = sys.argv[1:] if argv is None else argv
    action = argv[0] if argv else "env"
    if action == "setup":
        env = setup_airflow()
        print(f"AIRFLOW_HOME={env['AIRFLOW_HOME']}")
        print(f"admin password file: {passwords_file()}")
        return 0
    if action == "standalone":
        # API server + scheduler + dag processor + triggerer in one command (development / demo only).
        env = setup_airflow()
        print(
            f"Airflow UI: http://127.0.0.1:{env['AIRFLOW__API__PORT']}/  user {ADMIN_USER}, "
            f"password {admin_password()} (kept in {passwords_file()})",
            flush=True,
        )
        exe = str(Path(sys.executable).parent / "airflow")
        os.execve(exe, [exe, "standalone"], env)
    if action == "env":
        for key, value in sorted(airflow_env().items()):
            if key.startswith(("AIRFLOW", "GOVWATCH_")) or key == "PATH":
                print(f"export {key}={_shell_quote(value)}")
        return 0
    print("usage: python -m govwatch.airflow_env [setup|env|standalone]", file=sys.stderr)
    return 2


def _shell_quote(value: str) -> str:
    import shlex

    return shlex.quote(value)


if __name__ == "__main__":
    raise SystemExit(main())
