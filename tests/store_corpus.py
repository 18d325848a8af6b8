"""A collection of report files made from the shared real documents (each copy made unique),
plus broken files, for ingest tests."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from conftest import CORPUS, SEEDS

BROKEN = {
    "empty.txt": b"",
    "truncated.pdf": b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n",
    "notes.md": "# 会议纪要\n\n今天讨论了网站改版。\n".encode(),
    "broken.docx": b"PK\x03\x04 not really a zip",
}


def sources() -> list[Path]:
    if not SEEDS.is_dir() or not CORPUS.is_dir():
        pytest.skip(f"shared documents not found at {SEEDS.parent} (set GONGKAI_SHARED)")
    return sorted(SEEDS.glob("*.txt")) + sorted(CORPUS.glob("pingtan-*.txt"))


def make_collection(root: Path, copies: int, broken: bool = True, archive: bool = True) -> dict[str, int]:
    """``copies`` rounds of every source, each file with a unique closing line; returns counts."""
    root.mkdir(parents=True, exist_ok=True)
    good = 0
    for i in range(copies):
        sub = root / f"batch{i:03d}"
        sub.mkdir(exist_ok=True)
        for src in sources():
            data = src.read_bytes() + f"\n\n（归档副本 {i}）\n".encode()
            (sub / src.name).write_bytes(data)
            good += 1
    if archive:
        with zipfile.ZipFile(root / "archive.zip", "w") as z:
            for src in sources()[:3]:
                z.writestr(f"zipped/{src.name}", src.read_bytes() + b"\n\n(zip)\n")
                good += 1
            z.writestr("zipped/garbage.txt", bytes(range(256)) * 4)
    bad = 1 if archive else 0
    if broken:
        for name, data in BROKEN.items():
            (root / name).write_bytes(data)
            bad += 1
    return {"good": good, "bad": bad}
