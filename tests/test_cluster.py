"""Distributed ingest on a real local dask cluster of two worker processes: the same store as the
local pool, and every report stored exactly once when a worker is killed mid-run."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed", reason="dask.distributed（gongkai[cluster]）未安装")

from gongkai.cluster import dask_runner  # noqa: E402
from gongkai.store import Store  # noqa: E402
from gongkai.store.ingest import ingest  # noqa: E402
from test_isolation import ENV, _cli, _count, _store_snapshot, good_reports  # noqa: E402

pytestmark = pytest.mark.slow


def _collection(folder: Path, copies: int) -> int:
    n = good_reports(folder, copies)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "junk.html").write_bytes(bytes(range(256)) * 8)
    return n


def test_a_local_cluster_stores_what_the_local_pool_stores(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    good = _collection(folder, 4)
    pool_url = f"sqlite:///{tmp_path / 'pool.db'}"
    local = ingest(Store(pool_url), [str(folder)], workers=2)
    run, close = dask_runner(None, workers=2)  # a local cluster of two worker processes
    try:
        dask_url = f"sqlite:///{tmp_path / 'dask.db'}"
        summary = ingest(Store(dask_url), [str(folder)], workers=2, runner=run)
        again = ingest(Store(dask_url), [str(folder)], workers=2, runner=run)
    finally:
        close()
    assert (summary.new, len(summary.failed)) == (local.new, len(local.failed)) == (good, 2)
    assert {(Path(f.location).name, f.code) for f in summary.failed} == {
        ("empty.txt", "empty"),
        ("junk.html", "binary"),
    }
    assert _store_snapshot(dask_url) == _store_snapshot(pool_url)
    assert (again.new, again.unchanged) == (0, good)  # resubmitting the job stores nothing twice


def test_killing_a_worker_mid_run_still_stores_every_report_once(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    good = _collection(folder, 20)
    ref = f"sqlite:///{tmp_path / 'ref.db'}"
    ingest(Store(ref), [str(folder)], workers=2)
    url = f"sqlite:///{tmp_path / 'killed.db'}"
    from dask import config

    with (
        config.set({"distributed.worker.daemon": False}),
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        proc = subprocess.Popen(
            _cli("ingest", "--db", url, "--engine", "dask", "--scheduler", cluster.scheduler_address, str(folder)),
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 180
        while _count(url) < 1:  # the first report written: most of the run is still to come
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        victim = next(iter(client.run(os.getpid).values()))
        os.kill(victim, signal.SIGKILL)  # the nanny starts a new worker; its tasks run again
        at_kill = _count(url)
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 1, out + err  # 1: the two broken files
    assert at_kill < good  # killed mid-run
    assert _count(url) == good
    assert _store_snapshot(url) == _store_snapshot(ref)
