"""Engine and sessions from a database URL; the schema is brought up to date with Alembic.

The URL is ``--db`` or ``GONGKAI_DB`` or ``sqlite:///gongkai.db`` (in the working folder).
A bare file path is taken as a SQLite file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_DB = "sqlite:///gongkai.db"
HERE = Path(__file__).resolve().parent
SQLITE_BUSY_TIMEOUT_S = 60


def resolve_url(url: str | None = None) -> str:
    """The SQLAlchemy URL to use: ``url``, else ``GONGKAI_DB``, else ./gongkai.db."""
    url = url or os.environ.get("GONGKAI_DB") or DEFAULT_DB
    if "://" not in url:  # a plain path to a SQLite file
        url = f"sqlite:///{url}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL: readers never block the writer; a killed writer leaves no half transaction
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


PG_POOL_SIZE = 20
"""Connections a process keeps open to PostgreSQL: as many as the web server's threads serve
requests at once. With SQLAlchemy's default (5) the rest were opened and closed for every
request, each a new server process on PostgreSQL's side."""
PG_POOL_OVERFLOW = 20


def make_engine(url: str | None = None) -> Engine:
    url = resolve_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=PG_POOL_SIZE, max_overflow=PG_POOL_OVERFLOW)
    return engine


def alembic_config(engine: Engine | None = None) -> Any:
    from alembic.config import Config

    cfg = Config(str(HERE / "alembic.ini"))
    cfg.set_main_option("script_location", str(HERE / "migrations"))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


MIGRATION_LOCK = 0x67_6F_6E_67_6B_61_69  # "gongkai": the advisory lock key on PostgreSQL


def upgrade(engine: Engine) -> None:
    """Create or migrate the schema to the newest revision. Safe when several processes open a
    new database at once: the first takes a lock (PostgreSQL: an advisory lock; SQLite: an
    exclusive transaction) and migrates; the others wait for it, then find the schema current."""
    from alembic.script import ScriptDirectory

    cfg = alembic_config(engine)
    heads = set(ScriptDirectory.from_config(cfg).get_heads())
    with engine.connect() as conn:
        if _heads(conn) == heads:
            return
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
        elif conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN EXCLUSIVE")  # waits (busy timeout) while another process migrates
        if _heads(conn) == heads:
            return
        from alembic import command

        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def _heads(conn: Connection) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    return set(MigrationContext.configure(conn).get_current_heads())


SQLITE_ANALYSIS_LIMIT = 400
"""Index entries ANALYZE samples (a few milliseconds on a national store); enough for the
planner to tell a selective index from one that is not."""


class Store:
    """An open database: ``with store.session() as s: ...`` commits on success."""

    def __init__(self, url: str | None = None, migrate: bool = True) -> None:
        self.url = resolve_url(url)
        self.engine = make_engine(self.url)
        if migrate:
            upgrade(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as s, s.begin():
            yield s

    def refresh_statistics(self) -> None:
        """Let the query planner know the tables' sizes (SQLite's ANALYZE, sampled). Without
        them SQLite picks an index by its name's order, not its use: a region's report count
        then walks every current report instead of the region's agencies (20 ms against 0.2
        ms at 22,000 reports, and far worse where a finding filter is nested in it). Run after
        ingest and when the web app starts; PostgreSQL's autovacuum analyses by itself."""
        if self.dialect != "sqlite":
            return
        with self.engine.begin() as c:
            c.exec_driver_sql(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
            c.exec_driver_sql("ANALYZE")

    def tables(self) -> list[str]:
        return sorted(inspect(self.engine).get_table_names())

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
