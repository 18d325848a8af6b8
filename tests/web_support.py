"""Helpers for the web tests: a store with reports of two regions and users of every role, and
a real ``gongkai serve`` subprocess on a temporary database."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gongkai.store import Store
from gongkai.store.accounts import add_user
from gongkai.store.records import AgencyResolver, save_report
from store_factory import make_report

PASSWORD = "correct-horse-42"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=zh-CN",
]


def seed_store(url: str) -> dict[str, int]:
    """Reports of 沂源县 and of 平潭, and users: admin, a reviewer of 沂源县, a viewer.
    Returns report ids by name."""
    st = Store(url)
    res = AgencyResolver()
    ids: dict[str, int] = {}
    with st.session() as s:
        for name, agency, year, gov in (
            ("yiyuan21", "沂源县司法局", 2021, False),
            ("yiyuan22", "沂源县司法局", 2022, False),
            ("pingtan22", "平潭综合实验区管委会", 2022, True),
        ):
            rid, _ = save_report(s, make_report(agency, year, is_government=gov), parser_version="1", resolver=res)
            ids[name] = rid
        add_user(s, "admin", PASSWORD, "admin")
        add_user(s, "yiyuan", PASSWORD, "reviewer", "沂源县")
        add_user(s, "viewer", PASSWORD, "viewer")
    st.close()
    return ids


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(tmp: Path, *extra: str) -> Iterator[str]:
    """``gongkai serve`` (with its worker) on a fresh SQLite database in ``tmp``, an admin
    user created with ``gongkai user add``; yields the base URL."""
    db = f"sqlite:///{tmp / 'web.db'}"
    env = {**os.environ, "GONGKAI_PASSWORD": PASSWORD}
    gk = [str(Path(sys.executable).with_name("gongkai"))]
    subprocess.run(
        [*gk, "user", "add", "admin", "--role", "admin", "--db", db], check=True, env=env, capture_output=True
    )
    port = free_port()
    log = open(tmp / "serve.log", "wb")  # noqa: SIM115  (closed below, after the server)
    proc = subprocess.Popen(
        [*gk, "serve", "--db", db, "--files", str(tmp / "files"), "--port", str(port), "--jobs", "2", *extra],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gongkai serve did not start:\n" + (tmp / "serve.log").read_text(errors="replace"))
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def server_processes(base: str, workers: int, seconds: float = 180.0) -> set[str]:
    """Ask ``/healthz`` until ``workers`` server processes have answered (each says which it is,
    an opaque id), or ``seconds`` pass; the ids seen. A new connection each time: the processes
    share the listening socket."""
    seen: set[str] = set()
    deadline = time.monotonic() + seconds
    while len(seen) < workers and time.monotonic() < deadline:
        req = urllib.request.Request(base + "/healthz", headers={"Connection": "close"})
        try:
            with urllib.request.urlopen(req, timeout=5) as r:  # nosec B310 (a loopback test server)
                seen.add(json.loads(r.read())["instance"])
        except OSError:
            time.sleep(0.2)
            continue
        time.sleep(0.05)
    return seen
