"""Connections to the findings store and its schema migrations.

``GOVWATCH_DATABASE_URL`` names a PostgreSQL server; when it is unset an embedded PostgreSQL (the
``pgserver`` wheel) is started under ``$GOVWATCH_HOME/pg`` and left running for the next command, the way
an operator's own database would be. ``govwatch db stop`` stops it.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg2
import psycopg2.extras
from psycopg2.extensions import connection as PgConnection

from govwatch.settings import Settings, get_settings

log = logging.getLogger(__name__)

#: Errors after which a statement may be retried on a fresh connection (server restarting, network).
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (psycopg2.OperationalError, psycopg2.InterfaceError)


def embedded_url(settings: Settings) -> str:
    """Start (or reuse) the embedded PostgreSQL under ``$GOVWATCH_HOME/pg`` and return its DSN."""
    import pgserver  # imported lazily: only the embedded default needs it

    settings.pg_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(settings.pg_dir, cleanup_mode=None)
    return server.get_uri()


def stop_embedded(settings: Settings) -> bool:
    """Stop the embedded server if it runs; True when one was stopped."""
    if not (settings.pg_dir / "postmaster.pid").exists():
        return False
    import pgserver

    server = pgserver.get_server(settings.pg_dir, cleanup_mode="stop")
    server.cleanup()
    return True


def database_url(settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    return settings.database_url or embedded_url(settings)


class Store:
    """The findings store: a DSN and the connections made from it.

    Use ``with store.tx() as cur:`` for one transaction; it commits on success and rolls back on error.
    """

    def __init__(self, dsn: str):
        self.dsn = dsn
        self._conn: PgConnection | None = None

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Store:
        return cls(database_url(settings))

    def connection(self) -> PgConnection:
        if self._conn is None or self._conn.closed:
            self._conn = _connect_with_retry(self.dsn)
        return self._conn

    @contextmanager
    def tx(self) -> Iterator[psycopg2.extras.RealDictCursor]:
        conn = self.connection()
        try:
            with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
                yield cur
            conn.commit()
        except TRANSIENT_ERRORS:
            # A dead connection cannot be rolled back; drop it so the next call reconnects.
            self.close()
            raise
        except BaseException:
            conn.rollback()
            raise

    def query(self, sql: str, params: Any = None) -> list[dict[str, Any]]:
        with self.tx() as cur:
            cur.execute(sql, params)
            return [dict(r) for r in cur.fetchall()] if cur.description else []

    def execute(self, sql: str, params: Any = None) -> int:
        with self.tx() as cur:
            cur.execute(sql, params)
            return cur.rowcount

    def close(self) -> None:
        if self._conn is not None and not self._conn.closed:
            self._conn.close()
        self._conn = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _connect_with_retry(dsn: str, attempts: int = 5, delay: float = 0.5) -> PgConnection:
    for i in range(attempts):
        try:
            return psycopg2.connect(dsn)
        except psycopg2.OperationalError:
            if i == attempts - 1:
                raise
            log.warning("database not reachable, retrying in %.1fs", delay)
            time.sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")


def migration_files(settings: Settings | None = None) -> list[Path]:
    settings = settings or get_settings()
    return sorted((settings.sql_dir / "migrations").glob("[0-9][0-9][0-9]_*.sql"))


def migrate(store: Store, settings: Settings | None = None) -> list[str]:
    """Apply every migration not yet recorded; return the versions applied now. Idempotent.

    Each file runs in its own transaction together with its record in ``schema_migrations``; an advisory
    lock keeps two concurrent ``db init`` (two Airflow tasks starting at once) from racing.
    """
    applied_now: list[str] = []
    with store.tx() as cur:
        cur.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
    for path in migration_files(settings):
        version = path.stem
        sql = path.read_text(encoding="utf-8")
        checksum = hashlib.sha256(sql.encode()).hexdigest()
        with store.tx() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(4711001)")
            cur.execute("SELECT checksum FROM schema_migrations WHERE version = %s", (version,))
            row = cur.fetchone()
            if row:
                if row["checksum"] != checksum:
                    log.warning("migration %s changed since it was applied; not re-applied", version)
                continue
            cur.execute(sql)
            cur.execute(
                "INSERT INTO schema_migrations (version, checksum) VALUES (%s, %s)", (version, checksum)
            )
            applied_now.append(version)
    return applied_now


def open_store(settings: Settings | None = None, *, init: bool = True) -> Store:
    """A store for the configured database, with the schema brought up to date when ``init``."""
    store = Store.from_settings(settings)
    if init:
        migrate(store, settings)
    return store
