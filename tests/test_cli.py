"""The CLI as a user runs it: a real subprocess, exit codes, JSON contract, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from conftest import SHARED, shared_file

SCHEMA = SHARED / "spec" / "report.schema.json"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from gongkai.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_parse_json_validates_against_the_contract() -> None:
    seed = shared_file("seeds", "001_*.txt")
    if not SCHEMA.exists():
        pytest.skip("shared/spec/report.schema.json not found")
    p = run("parse", "--json", str(seed))
    assert p.returncode == 0, p.stderr
    obj = json.loads(p.stdout)
    jsonschema.validate(obj, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert obj["schema"] == "gongkai.report/1"
    assert obj["tables"]["applications"]["received"]["total"] == 59


def test_parse_several_files_prints_an_array() -> None:
    a, b = shared_file("seeds", "001_*.txt"), shared_file("seeds", "002_*.txt")
    p = run("parse", "--json", str(a), str(b))
    assert p.returncode == 0
    arr = json.loads(p.stdout)
    assert isinstance(arr, list) and len(arr) == 2


def test_check_exit_status_reflects_errors() -> None:
    clean = shared_file("seeds", "001_*.txt")
    broken = shared_file("seeds", "003_*.txt")
    assert run("check", str(clean)).returncode == 0
    p = run("check", str(broken))
    assert p.returncode == 1
    assert "signed_before_period_end" in p.stdout


@pytest.mark.parametrize(
    ("content", "word"),
    [
        (b"", "空"),
        (bytes(range(256)) * 30, "文本"),
        ("<html><body><p>欢迎访问本站</p></body></html>".encode(), "不是政府信息公开"),
        (b"PK\x03\x04broken", "损坏"),
    ],
)
def test_bad_input_gives_one_line_and_status_2(tmp_path: Path, content: bytes, word: str) -> None:
    f = tmp_path / "bad.dat"
    f.write_bytes(content)
    for cmd in ("check", "parse"):
        p = run(cmd, str(f))
        assert p.returncode == 2, (cmd, p.stdout, p.stderr)
        assert "Traceback" not in p.stderr
        assert str(f) in p.stderr and word in p.stderr


def test_missing_file(tmp_path: Path) -> None:
    p = run("check", str(tmp_path / "nope.txt"))
    assert p.returncode == 2 and "不存在" in p.stderr and "Traceback" not in p.stderr


def test_gbk_file_reads_like_utf8(tmp_path: Path) -> None:
    seed = shared_file("seeds", "002_*.txt")
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(seed.read_text(encoding="utf-8").encode("gb18030"))
    a = json.loads(run("parse", "--json", str(seed)).stdout)
    b = json.loads(run("parse", "--json", str(gbk)).stdout)
    assert a["tables"] == b["tables"] and a["agency"] == b["agency"]
