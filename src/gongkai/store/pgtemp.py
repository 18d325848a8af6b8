"""A throwaway PostgreSQL server for tests and benchmarks (initdb + pg_ctl in a temp folder).

As root, PostgreSQL refuses to run: the cluster is then created and run as user ``postgres``.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

START_TIMEOUT_S = 60


def pg_bindir() -> Path | None:
    """The folder with initdb and pg_ctl, or None when PostgreSQL is not installed."""
    env = os.environ.get("GONGKAI_PG_BIN")
    candidates = [env] if env else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    which = shutil.which("initdb")
    if which:
        candidates.append(str(Path(which).parent))
    for c in candidates:
        if c and (Path(c) / "initdb").exists() and (Path(c) / "pg_ctl").exists():
            return Path(c)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _run(cmd: list[str], as_postgres: bool) -> None:
    if as_postgres:
        cmd = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(f"'{c}'" for c in cmd)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=START_TIMEOUT_S)


@contextmanager
def temporary_postgres(durable: bool = True) -> Iterator[str]:
    """Start a fresh cluster; yields its SQLAlchemy URL; stops and deletes it afterwards.
    ``durable=False`` turns fsync off (tests: faster, and nothing there must survive a crash)."""
    bindir = pg_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL 未安装（找不到 initdb / pg_ctl）")
    as_postgres = os.geteuid() == 0
    root = tempfile.mkdtemp(prefix="gongkai-pg-")
    data, sock = os.path.join(root, "data"), os.path.join(root, "sock")
    os.makedirs(sock)
    if as_postgres:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    port = _free_port()
    try:
        _run(
            [str(bindir / "initdb"), "-D", data, "-U", "pg", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"],
            as_postgres,
        )
        opts = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1" + ("" if durable else " -c fsync=off")
        _run(
            [str(bindir / "pg_ctl"), "-D", data, "-o", opts, "-l", os.path.join(root, "log"), "-w", "start"],
            as_postgres,
        )
        try:
            yield f"postgresql+psycopg://pg@127.0.0.1:{port}/postgres"
        finally:
            _run([str(bindir / "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"], as_postgres)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def create_database(url: str, name: str) -> str:
    """A new empty database on the server of ``url``; returns its URL."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.rsplit("/", 1)[0] + "/" + name
