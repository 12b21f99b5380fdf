"""Shared fixtures.

The findings store is a real PostgreSQL: the server named by ``GOVWATCH_TEST_DATABASE_URL`` (CI sets it to
the machine's server) or, when that is unset, an embedded one from the ``pgserver`` wheel. Each test that
asks for ``store`` gets a database of its own, copied from a migrated template, and dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest

from govwatch.settings import reset_settings_cache
from govwatch.store.db import Store, migrate

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
REALPAGES = SHARED / "realpages"


def _with_db(url: str, dbname: str) -> str:
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        parts = urlsplit(url)
        return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, parts.fragment))
    return f"{url} dbname={dbname}"


def _admin(url: str):
    conn = psycopg2.connect(url)
    conn.autocommit = True
    return conn


@pytest.fixture(scope="session")
def pg_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("GOVWATCH_TEST_DATABASE_URL")
    if url:
        yield url
        return
    import pgserver

    server = pgserver.get_server(tmp_path_factory.mktemp("pg"), cleanup_mode="stop")
    yield server.get_uri()
    server.cleanup()


@pytest.fixture(scope="session")
def pg_template(pg_url: str) -> Iterator[str]:
    """A migrated template database for this test session."""
    name = f"gwtpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = _admin(pg_url)
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    st = Store(_with_db(pg_url, name))
    migrate(st)
    st.close()
    yield name
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def db_url(pg_url: str, pg_template: str) -> Iterator[str]:
    name = f"gwt_{uuid.uuid4().hex[:12]}"
    admin = _admin(pg_url)
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    yield _with_db(pg_url, name)
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def gw_env(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Environment for a command run: own home, own database, loopback fetching allowed."""
    home = tmp_path / "home"
    monkeypatch.setenv("GOVWATCH_HOME", str(home))
    monkeypatch.setenv("GOVWATCH_DATABASE_URL", db_url)
    monkeypatch.setenv("GOVWATCH_ALLOW_PRIVATE", "1")
    for var in ("GOVWATCH_RULES", "GOVWATCH_SMTP_URL", "GOVWATCH_SMS_URL", "GOVWATCH_WEBHOOK_URL"):
        monkeypatch.delenv(var, raising=False)
    reset_settings_cache()
    yield home
    reset_settings_cache()


@pytest.fixture
def store(db_url: str, gw_env: Path) -> Iterator[Store]:
    st = Store(db_url)
    yield st
    st.close()
