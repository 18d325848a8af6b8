"""Batch ingest: idempotent, resumable after kill -9, one bad file never stops the batch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gongkai.store import Store
from gongkai.store.ingest import ingest
from gongkai.store.queries import snapshot
from gongkai.store.schema import ReportVersion
from store_corpus import make_collection

ROOT = Path(__file__).resolve().parent.parent


def snap(url: str) -> dict:
    st = Store(url)
    try:
        with st.session() as s:
            return snapshot(s)
    finally:
        st.close()


def test_ingest_twice_stores_nothing_new(tmp_path):
    counts = make_collection(tmp_path / "docs", copies=2)
    url = f"sqlite:///{tmp_path / 'a.db'}"
    st = Store(url)
    first = ingest(st, [str(tmp_path / "docs")], workers=2)
    assert first.new == counts["good"]
    assert len(first.failed) == counts["bad"]
    reasons = {Path(f.location.split("!")[-1]).name: f.reason for f in first.failed}
    assert set(reasons) == {"empty.txt", "truncated.pdf", "notes.md", "broken.docx", "garbage.txt"}
    assert all(reasons.values())
    before = snap(url)
    second = ingest(st, [str(tmp_path / "docs")], workers=2)
    assert (second.new, second.unchanged) == (0, counts["good"])
    assert snap(url) == before
    # the zip members are stored under archive!member
    st2 = Store(url)
    with st2.session() as s:
        from gongkai.store.queries import reports

        assert sum("archive.zip!zipped/" in r["location"] for r in reports(s)) == 3
    st2.close()
    st.close()


def test_reparse_only_on_request(tmp_path):
    make_collection(tmp_path / "docs", copies=1, broken=False, archive=False)
    st = Store(f"sqlite:///{tmp_path / 'a.db'}")
    ingest(st, [str(tmp_path / "docs")], workers=1, parser_version="old")
    again = ingest(st, [str(tmp_path / "docs")], workers=1)
    assert again.new == 0
    redo = ingest(st, [str(tmp_path / "docs")], workers=1, reparse=True)
    assert redo.new == again.unchanged
    with st.session() as s:
        versions = s.scalar(select(func.count()).select_from(ReportVersion))
        current = s.scalar(select(func.count()).where(ReportVersion.current.is_(True)))
    assert (versions, current) == (2 * redo.new, redo.new)
    st.close()


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "import sys; sys.argv[0] = 'gongkai'; from gongkai.cli import main; main()", *args]


def _count(url: str) -> int:
    st = Store(url, migrate=False)
    try:
        with st.session() as s:
            return s.scalar(select(func.count()).select_from(ReportVersion)) or 0
    except Exception:
        return 0
    finally:
        st.close()


def test_kill_9_then_resume_equals_an_uninterrupted_run(tmp_path):
    counts = make_collection(tmp_path / "docs", copies=8)
    docs = str(tmp_path / "docs")
    reference = f"sqlite:///{tmp_path / 'ref.db'}"
    ingest(Store(reference), [docs], workers=2)

    killed = f"sqlite:///{tmp_path / 'killed.db'}"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(
        _cli("ingest", "--db", killed, "-j", "2", docs),
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    target = counts["good"] // 3
    while _count(killed) < target:
        assert proc.poll() is None, "ingest finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the whole process group: main process and workers
    proc.wait()
    stored = _count(killed)
    assert 0 < stored < counts["good"]

    done = subprocess.run(_cli("ingest", "--db", killed, "-j", "2", docs), env=env, capture_output=True, text=True)
    assert done.returncode == 1, done.stderr  # 1: the broken files are listed as failed
    assert "失败" in done.stdout
    assert snap(killed) == snap(reference)


@pytest.mark.parametrize("workers", [1, 2])
def test_missing_input_is_listed_not_fatal(tmp_path, workers):
    make_collection(tmp_path / "docs", copies=1, broken=False, archive=False)
    st = Store(f"sqlite:///{tmp_path / 'a.db'}")
    s = ingest(st, [str(tmp_path / "nope"), str(tmp_path / "docs")], workers=workers)
    assert [f.code for f in s.failed] == ["not_found"]
    assert s.new > 0
    st.close()
